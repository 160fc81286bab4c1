// SPDX-License-Identifier: Apache-2.0
/*
 * CVSS v4.0 score of a vector string, following the v4.0 specification (section 8): the
 * metrics map to six equivalence classes (EQ1-EQ6) whose levels form a MacroVector; the
 * MacroVector's score comes from the specification's published table of 270 values; the
 * vector's place inside its MacroVector (its severity distance from the MacroVector's
 * highest-severity vectors, relative to the MacroVector's depth) moves the score down
 * towards the next lower MacroVector in each class, and the mean of those moves is taken.
 *
 * Threat (E) and environmental metrics (CR/IR/AR and the modified base metrics) take part
 * when present, so a CVSS-BT or CVSS-BTE vector gets that score; absent ones take the
 * specification's defaults (E:A, requirements H). Supplemental metrics are validated and do
 * not change the score. The arithmetic follows the FIRST reference calculator step for step
 * (same operand order, binary doubles, round half up to one decimal) so that scores on
 * rounding boundaries agree with published ones. Not CVSS v3: cvss.c.
 */
#include "vulndb/vulndb.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "common/err.h"

enum m4 {
	AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA,        /* base: required */
	E, CR, IR, AR, MAV, MAC, MAT, MPR, MUI, MVC, MVI, MVA, MSC, MSI, MSA,
	S, AU, R, V, RE, U,                                /* supplemental */
	M4_CNT
};
#define M4_BASE_CNT 11

struct m4_def {
	const char *key;
	const char *vals;   /* one-letter values; U takes words (below) */
};

static const struct m4_def defs[M4_CNT] = {
	[AV] = { "AV", "NALP" }, [AC] = { "AC", "LH" }, [AT] = { "AT", "NP" },
	[PR] = { "PR", "NLH" }, [UI] = { "UI", "NPA" }, [VC] = { "VC", "HLN" },
	[VI] = { "VI", "HLN" }, [VA] = { "VA", "HLN" }, [SC] = { "SC", "HLN" },
	[SI] = { "SI", "HLN" }, [SA] = { "SA", "HLN" },
	[E] = { "E", "XAPU" }, [CR] = { "CR", "XHML" }, [IR] = { "IR", "XHML" },
	[AR] = { "AR", "XHML" }, [MAV] = { "MAV", "XNALP" }, [MAC] = { "MAC", "XLH" },
	[MAT] = { "MAT", "XNP" }, [MPR] = { "MPR", "XNLH" }, [MUI] = { "MUI", "XNPA" },
	[MVC] = { "MVC", "XHLN" }, [MVI] = { "MVI", "XHLN" }, [MVA] = { "MVA", "XHLN" },
	[MSC] = { "MSC", "XHLN" }, [MSI] = { "MSI", "XSHLN" }, [MSA] = { "MSA", "XSHLN" },
	[S] = { "S", "XNP" }, [AU] = { "AU", "XNY" }, [R] = { "R", "XAUI" },
	[V] = { "V", "XDC" }, [RE] = { "RE", "XLMH" }, [U] = { "U", NULL },
};
static const char *const u_words[] = { "X", "Clear", "Green", "Amber", "Red" };

/*
 * The specification's MacroVector scores, in tenths, indexed by the six EQ levels
 * (EQ1 0-2, EQ2 0-1, EQ3 0-2, EQ4 0-2, EQ5 0-2, EQ6 0-1); 0 marks the combinations that do
 * not exist (EQ3 level 2 always has EQ6 level 1).
 */
static const unsigned char macro_tenths[3 * 2 * 3 * 3 * 3 * 2] = {
	/* EQ1=0 EQ2=0: EQ3 0..2 x EQ4 0..2 x EQ5 0..2 x EQ6 0..1 */
	100,  99,  98,  95,  95,  92, 100,  96,  93,  87,  91,  81,  93,  90,  89,  80,  81,  68,
	 98,  95,  95,  92,  90,  84,  93,  92,  89,  81,  81,  65,  88,  80,  78,  70,  69,  48,
	  0,  92,   0,  82,   0,  72,   0,  79,   0,  69,   0,  50,   0,  69,   0,  55,   0,  27,
	/* EQ1=0 EQ2=1: EQ3 0..2 x EQ4 0..2 x EQ5 0..2 x EQ6 0..1 */
	 99,  97,  95,  92,  92,  85,  95,  91,  90,  83,  84,  71,  92,  81,  82,  71,  72,  53,
	 95,  93,  92,  85,  85,  73,  92,  82,  80,  72,  70,  59,  84,  70,  71,  52,  50,  30,
	  0,  86,   0,  75,   0,  52,   0,  71,   0,  52,   0,  29,   0,  63,   0,  29,   0,  17,
	/* EQ1=1 EQ2=0: EQ3 0..2 x EQ4 0..2 x EQ5 0..2 x EQ6 0..1 */
	 98,  95,  94,  87,  91,  81,  94,  89,  86,  74,  77,  64,  87,  75,  74,  63,  63,  49,
	 94,  89,  88,  77,  76,  67,  86,  76,  74,  58,  59,  50,  72,  57,  57,  52,  52,  25,
	  0,  83,   0,  70,   0,  54,   0,  65,   0,  58,   0,  26,   0,  53,   0,  21,   0,  13,
	/* EQ1=1 EQ2=1: EQ3 0..2 x EQ4 0..2 x EQ5 0..2 x EQ6 0..1 */
	 95,  90,  88,  76,  76,  70,  90,  77,  75,  62,  61,  53,  77,  66,  68,  59,  52,  30,
	 89,  78,  76,  67,  62,  58,  74,  59,  57,  57,  47,  23,  61,  52,  57,  29,  24,  16,
	  0,  71,   0,  59,   0,  30,   0,  58,   0,  26,   0,  15,   0,  23,   0,  13,   0,   6,
	/* EQ1=2 EQ2=0: EQ3 0..2 x EQ4 0..2 x EQ5 0..2 x EQ6 0..1 */
	 93,  87,  86,  72,  75,  58,  86,  74,  74,  61,  56,  34,  70,  54,  52,  40,  40,  22,
	 85,  75,  74,  55,  62,  51,  72,  57,  55,  41,  46,  19,  53,  36,  34,  19,  19,   8,
	  0,  64,   0,  51,   0,  20,   0,  47,   0,  21,   0,  11,   0,  24,   0,   9,   0,   4,
	/* EQ1=2 EQ2=1: EQ3 0..2 x EQ4 0..2 x EQ5 0..2 x EQ6 0..1 */
	 88,  75,  73,  53,  60,  50,  73,  55,  59,  40,  41,  20,  54,  43,  45,  22,  20,  11,
	 75,  55,  58,  45,  40,  21,  61,  51,  48,  18,  20,   9,  46,  18,  17,   7,   8,   2,
	  0,  53,   0,  24,   0,  14,   0,  24,   0,  12,   0,   5,   0,  10,   0,   3,   0,   1,
};

/* Score of a MacroVector, NAN when it does not exist (out of range or absent). */
static double macro_score(const int eq[6])
{
	static const int hi[6] = { 2, 1, 2, 2, 2, 1 };
	int idx = 0;

	for (int i = 0; i < 6; i++) {
		if (eq[i] < 0 || eq[i] > hi[i])
			return NAN;
		idx = idx * (hi[i] + 1) + eq[i];
	}
	return macro_tenths[idx] ? macro_tenths[idx] / 10.0 : NAN;
}

/* Severity levels in steps of 0.1 (0 is the most severe), the specification's "distance"
 * unit. The doubles are the same as the literals 0.1, 0.2, 0.3. */
static const double step_val[4] = { 0.0, 0.1, 0.2, 0.3 };

static double level(enum m4 m, char v)
{
	const char *order;

	switch (m) {
	case AV: order = "NALP"; break;
	case PR: order = "NLH"; break;
	case UI: order = "NPA"; break;
	case AC: order = "LH"; break;
	case AT: order = "NP"; break;
	case VC: case VI: case VA: order = "HLN"; break;
	case SC: order = "?HLN"; break;   /* no Safety value: H is one step down */
	case SI: case SA: order = "SHLN"; break;
	case CR: case IR: case AR: order = "HML"; break;
	default: return 0.0;
	}
	/* v is always one of order's letters: parse() and eff() guarantee it */
	if (!v || !strchr(order, v))
		return 0.0;
	return step_val[strchr(order, v) - order];
}

/*
 * Highest-severity vectors of each MacroVector level, per class, as metric values in the
 * order of the class's metrics. EQ3 and EQ6 are joined (their metrics overlap).
 */
static const char *const max_eq1[3][3] = {   /* AV PR UI */
	{ "NNN" }, { "ANN", "NLN", "NNP" }, { "PNN", "ALP" } };
static const char *const max_eq2[2][2] = {   /* AC AT */
	{ "LN" }, { "HN", "LP" } };
static const char *const max_eq36[3][2][5] = {   /* VC VI VA CR IR AR */
	{ { "HHHHHH" }, { "HHLMMH", "HHHMMM" } },
	{ { "LHHHHH", "HLHHHH" }, { "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM" } },
	{ { NULL }, { "LLLHHH" } } };
static const char *const max_eq4[3] = { "HSS", "HHH", "LLL" };   /* SC SI SA */

/* Depth of each MacroVector level in steps ("max severity distance + 1"). */
static const int depth_eq1[3] = { 1, 4, 5 };
static const int depth_eq2[2] = { 1, 2 };
static const int depth_eq36[3][2] = { { 7, 6 }, { 8, 8 }, { 0, 10 } };
static const int depth_eq4[3] = { 6, 5, 4 };

/* The value a metric takes for scoring: its modified (M*) value when given, else its own;
 * E and the requirements default to their most severe values. */
static char eff(const char *val, enum m4 m)
{
	static const enum m4 modified[M4_BASE_CNT] = {
		[AV] = MAV, [AC] = MAC, [AT] = MAT, [PR] = MPR, [UI] = MUI, [VC] = MVC,
		[VI] = MVI, [VA] = MVA, [SC] = MSC, [SI] = MSI, [SA] = MSA };

	if (m == E)
		return val[E] && val[E] != 'X' ? val[E] : 'A';
	if (m == CR || m == IR || m == AR)
		return val[m] && val[m] != 'X' ? val[m] : 'H';
	if ((size_t)m < M4_BASE_CNT && val[modified[m]] && val[modified[m]] != 'X')
		return val[modified[m]];
	return val[m];
}

/* Index of the first candidate whose every metric is at most as severe as the vector's,
 * or -1. cand[i] lists values for metrics ms[0..n). */
static int pick_max(const char *val, const char *const *cand, int cand_cnt, const enum m4 *ms,
		    int n)
{
	for (int i = 0; i < cand_cnt && cand[i]; i++) {
		int ok = 1;

		for (int k = 0; k < n && ok; k++)
			ok = level(ms[k], eff(val, ms[k])) - level(ms[k], cand[i][k]) >= 0;
		if (ok)
			return i;
	}
	return -1;
}

static int cand_count(const char *const *cand, int cap)
{
	int n = 0;

	while (n < cap && cand[n])
		n++;
	return n;
}

/* Sum of the distances of ms[0..n) from a max vector, added left to right. */
static double dist(const char *val, const char *maxv, const enum m4 *ms, int n)
{
	double s = 0.0;

	for (int k = 0; k < n; k++) {
		double d = level(ms[k], eff(val, ms[k])) - level(ms[k], maxv[k]);

		s = k ? s + d : d;
	}
	return s;
}

static int parse(const char *vector, char val[M4_CNT], struct ward_diag *d)
{
	const char *p;
	size_t len;

	if (!vector)
		return -EINVAL;
	len = strnlen(vector, WARD_CVSS4_MAX_LEN + 1);
	if (len > WARD_CVSS4_MAX_LEN)
		return ward_diag_set(d, -WARD_E_LIMIT, NULL, 0, 0,
				     "CVSS v4 vector longer than %d characters", WARD_CVSS4_MAX_LEN);
	if (strncmp(vector, "CVSS:4.0/", 9))
		return ward_diag_set(d, -WARD_E_UNSUPPORTED, NULL, 0, 0,
				     "'%.64s' is not a CVSS v4.0 vector (want CVSS:4.0/)", vector);
	memset(val, 0, M4_CNT);
	p = vector + 9;
	for (;;) {
		const char *colon = strchr(p, ':'), *slash, *v;
		size_t klen, vlen;
		int k;

		if (!colon)
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS v4 vector: metric without value at '%.32s'", p);
		klen = (size_t)(colon - p);
		for (k = 0; k < M4_CNT; k++)
			if (strlen(defs[k].key) == klen && !strncmp(defs[k].key, p, klen))
				break;
		if (k == M4_CNT)
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS v4 vector: unknown metric '%.*s'",
					     (int)(klen > 8 ? 8 : klen), p);
		v = colon + 1;
		slash = strchr(v, '/');
		vlen = slash ? (size_t)(slash - v) : strlen(v);
		if (val[k])
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS v4 vector: %s given twice", defs[k].key);
		if (k == U) {
			size_t w;

			for (w = 0; w < sizeof(u_words) / sizeof(u_words[0]); w++)
				if (strlen(u_words[w]) == vlen && !strncmp(u_words[w], v, vlen))
					break;
			if (w == sizeof(u_words) / sizeof(u_words[0]))
				return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
						     "CVSS v4 vector: bad value for U");
			val[k] = v[0];
		} else {
			if (vlen != 1 || !strchr(defs[k].vals, v[0]))
				return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
						     "CVSS v4 vector: bad value for %s", defs[k].key);
			val[k] = v[0];
		}
		if (!slash)
			break;
		p = slash + 1;
		if (!*p)
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS v4 vector: trailing '/'");
	}
	for (int k = 0; k < M4_BASE_CNT; k++)
		if (!val[k])
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS v4 vector: base metric %s missing", defs[k].key);
	return 0;
}

int ward_cvss4_score(const char *vector, double *score, struct ward_diag *d)
{
	static const enum m4 g1[] = { AV, PR, UI }, g2[] = { AC, AT },
			     g36[] = { VC, VI, VA, CR, IR, AR }, g4[] = { SC, SI, SA };
	char val[M4_CNT];
	char av, pr, ui, vc, vi, va, si, sa;
	int eq[6], nx[6], rc, i1, i2, i36, i4, n1, n2, n36, n4;
	double value, lower[5], msd, mean = 0.0, out;
	double dsum[5] = { 0 }, depth[5];
	int n_lower = 0;

	rc = parse(vector, val, d);
	if (rc < 0)
		return rc;
	if (eff(val, VC) == 'N' && eff(val, VI) == 'N' && eff(val, VA) == 'N' &&
	    eff(val, SC) == 'N' && eff(val, SI) == 'N' && eff(val, SA) == 'N') {
		*score = 0.0;   /* no impact on any system */
		return 0;
	}
	av = eff(val, AV); pr = eff(val, PR); ui = eff(val, UI);
	vc = eff(val, VC); vi = eff(val, VI); va = eff(val, VA);
	si = eff(val, SI); sa = eff(val, SA);

	/* the six equivalence classes (specification, table 24) */
	if (av == 'N' && pr == 'N' && ui == 'N')
		eq[0] = 0;
	else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = eff(val, AC) == 'L' && eff(val, AT) == 'N' ? 0 : 1;
	if (vc == 'H' && vi == 'H')
		eq[2] = 0;
	else if (vc == 'H' || vi == 'H' || va == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	if (si == 'S' || sa == 'S')
		eq[3] = 0;
	else if (eff(val, SC) == 'H' || si == 'H' || sa == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	eq[4] = eff(val, E) == 'A' ? 0 : eff(val, E) == 'P' ? 1 : 2;
	eq[5] = (eff(val, CR) == 'H' && vc == 'H') || (eff(val, IR) == 'H' && vi == 'H') ||
		(eff(val, AR) == 'H' && va == 'H') ? 0 : 1;
	value = macro_score(eq);

	/* next lower MacroVector in each class (EQ3 and EQ6 move together) */
	for (int c = 0; c < 5; c++) {
		memcpy(nx, eq, sizeof(nx));
		if (c == 2) {
			if (eq[2] == 0 && eq[5] == 0) {
				double l, r;

				nx[5]++;
				l = macro_score(nx);
				nx[5]--;
				nx[2]++;
				r = macro_score(nx);
				/* two ways down (both always exist): the higher one */
				lower[c] = l > r ? l : r;
				continue;
			}
			if (eq[2] == 1 && eq[5] == 0)
				nx[5]++;
			else if (eq[5] == 1 && eq[2] <= 1)
				nx[2]++;
			else {
				nx[2]++;
				nx[5]++;
			}
		} else {
			nx[c]++;   /* classes 0, 1, 3, 4 are EQ1, EQ2, EQ4, EQ5 */
		}
		lower[c] = macro_score(nx);
	}

	/* the highest-severity vector of this MacroVector that the vector does not exceed */
	n1 = cand_count(max_eq1[eq[0]], 3);
	n2 = cand_count(max_eq2[eq[1]], 2);
	n36 = cand_count(max_eq36[eq[2]][eq[5]], 5);
	n4 = 1;
	i1 = pick_max(val, max_eq1[eq[0]], n1, g1, 3);
	i2 = pick_max(val, max_eq2[eq[1]], n2, g2, 2);
	i36 = pick_max(val, max_eq36[eq[2]][eq[5]], n36, g36, 6);
	i4 = pick_max(val, &max_eq4[eq[3]], n4, g4, 3);
	if (i1 < 0 || i2 < 0 || i36 < 0 || i4 < 0) {
		/* none fits in every class: like the reference, use the last combination */
		i1 = n1 - 1; i2 = n2 - 1; i36 = n36 - 1; i4 = n4 - 1;
	}
	dsum[0] = dist(val, max_eq1[eq[0]][i1], g1, 3);
	dsum[1] = dist(val, max_eq2[eq[1]][i2], g2, 2);
	dsum[2] = dist(val, max_eq36[eq[2]][eq[5]][i36], g36, 6);
	dsum[3] = dist(val, max_eq4[eq[3]], g4, 3);
	depth[0] = depth_eq1[eq[0]] * 0.1;
	depth[1] = depth_eq2[eq[1]] * 0.1;
	depth[2] = depth_eq36[eq[2]][eq[5]] * 0.1;
	depth[3] = depth_eq4[eq[3]] * 0.1;

	/* proportional moves towards each existing lower MacroVector; EQ5 moves by 0 */
	{
		double norm[5] = { 0 };

		for (int c = 0; c < 5; c++) {
			msd = value - lower[c];
			if (isnan(msd))
				continue;
			n_lower++;
			norm[c] = c == 4 ? msd * 0.0 : msd * (dsum[c] / depth[c]);
		}
		if (n_lower)
			mean = (norm[0] + norm[1] + norm[2] + norm[3] + norm[4]) / n_lower;
	}
	out = value - mean;
	out = out < 0.0 ? 0.0 : out > 10.0 ? 10.0 : out;
	/* round half up to one decimal, as JavaScript's Math.round(x * 10) / 10 */
	{
		double x = out * 10.0, f = floor(x);

		*score = (x - f >= 0.5 ? f + 1.0 : f) / 10.0;
	}
	return 0;
}
