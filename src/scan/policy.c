// SPDX-License-Identifier: Apache-2.0
/*
 * What counts as a reported finding: severity filter, --ignore-unfixed, suppression by an
 * ignore file or OpenVEX statements. Shared by every report format and the --exit-code gate.
 */
#include "scan/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/xalloc.h"
#include "scan/severity.h"

int ward_report_fmt_parse(const char *s, enum ward_report_fmt *out)
{
	static const struct { const char *n; enum ward_report_fmt f; } m[] = {
		{ "table", WARD_REPORT_TABLE }, { "json", WARD_REPORT_JSON },
		{ "sarif", WARD_REPORT_SARIF }, { "cyclonedx", WARD_REPORT_CYCLONEDX },
		{ "spdx", WARD_REPORT_SPDX }, { "spdx-json", WARD_REPORT_SPDX },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(s, m[i].n)) {
			*out = m[i].f;
			return 0;
		}
	return -EINVAL;
}

int ward_report_sev_mask(const char *list, unsigned *mask, const char **bad)
{
	static char word[32];
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		enum ward_severity s;

		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		if (ward_scan_sev_parse(word, &s) < 0) {
			*bad = word;
			return -EINVAL;
		}
		*mask |= 1u << s;
		p += n + (p[n] == ',');
	}
	return *mask ? 0 : -EINVAL;
}

bool ward_report_sev_shown(const struct ward_report_opts *o, enum ward_severity s, bool suppressed)
{
	return !suppressed && (o->sev_mask & (1u << s));
}

bool ward_report_vuln_shown(const struct ward_report_opts *o, const struct ward_finding *f)
{
	if (o->ignore_unfixed && (!f->fixed_version || !*f->fixed_version))
		return false;
	return ward_report_sev_shown(o, f->severity, f->suppressed);
}

size_t ward_report_count(const struct ward_report_opts *o, const struct ward_scan_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->vulns.cnt; i++)
		n += ward_report_vuln_shown(o, &r->vulns.items[i]);
	for (size_t i = 0; i < r->secret_cnt; i++)
		n += ward_report_sev_shown(o, r->secrets[i].severity, r->secrets[i].suppressed);
	for (size_t i = 0; i < r->malware_cnt; i++)
		n += ward_report_sev_shown(o, r->malware[i].severity, r->malware[i].suppressed);
	return n;
}

void ward_report_uuid(char out[37])
{
	unsigned char u[16];

	if (getrandom(u, sizeof(u), 0) != (ssize_t)sizeof(u)) {
		/* getrandom cannot fail for 16 bytes once the pool is up; mix time as a fallback */
		uint64_t t = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;

		for (size_t i = 0; i < sizeof(u); i++)
			u[i] = (unsigned char)(t >> ((i % 8) * 8)) ^ (unsigned char)(i * 37);
	}
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

static int slurp(const char *path, size_t max, char **out, size_t *len, struct ward_diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *b;
	size_t got = 0;

	if (fd < 0)
		return ward_diag_set(d, -errno, path, 0, 0, "%s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return ward_diag_set(d, -WARD_E_LIMIT, path, 0, 0,
				     "not a regular file or over %zu bytes", max);
	}
	b = ward_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	b[got] = '\0';
	*out = b;
	*len = got;
	return 0;
}

static void suppress(bool *flag, char **reason, const char *why)
{
	if (*flag)
		return;
	*flag = true;
	*reason = ward_xstrdup(why);
}

static bool vuln_named(const struct ward_finding *f, const char *id)
{
	const char *a = f->aliases;
	size_t n = strlen(id);

	if (!strcmp(f->id, id))
		return true;
	while (a && *a) {
		size_t k = strcspn(a, ",");

		if (k == n && !strncmp(a, id, n))
			return true;
		a += k + (a[k] == ',');
		while (*a == ' ')
			a++;
	}
	return false;
}

int ward_report_apply_ignorefile(struct ward_scan_result *r, const char *path, struct ward_diag *d)
{
	char *data, *p, *line;
	size_t len;
	int ln = 0, rc = slurp(path, WARD_SCAN_MAX_IGNORE_FILE, &data, &len, d);
	size_t pl = strlen(path);
	bool yaml = (pl > 5 && !strcmp(path + pl - 5, ".yaml")) || (pl > 4 && !strcmp(path + pl - 4, ".yml"));
	char today[11];
	time_t now = time(NULL);
	struct tm tm;

	if (rc < 0)
		return rc;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	for (p = data; p && *p; p = line) {
		char id[256] = "", exp[16] = "", why[512] = "ignore file";
		char *hash, *nl = strchr(p, '\n');
		int k;

		line = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		ln++;
		hash = strchr(p, '#');
		if (hash) {
			*hash = '\0';
			if (hash[1])
				snprintf(why, sizeof(why), "%s", hash + 1 + (hash[1] == ' '));
		}
		if (yaml) {
			/* YAML ignore files (src/vulndb's format): take the "id:" values */
			char *q = strstr(p, "id:");

			if (!q || (q > p && q[-1] != ' ' && q[-1] != '-'))
				continue;
			k = sscanf(q + 3, " %255s", id);
			if (k == 1 && (id[0] == '"' || id[0] == '\'')) {
				size_t n = strlen(id);

				memmove(id, id + 1, n);
				if (n >= 2 && (id[n - 2] == '"' || id[n - 2] == '\''))
					id[n - 2] = '\0';
			}
			exp[0] = '\0';
			k = k == 1 ? 1 : 0;
		} else {
			k = sscanf(p, " %255s %15s", id, exp);
		}
		if (k <= 0 || !id[0])
			continue;
		if (k == 2) {
			if (strncmp(exp, "exp:", 4) || strlen(exp) != 14 || exp[8] != '-' || exp[11] != '-') {
				free(data);
				return ward_diag_set(d, -WARD_E_SYNTAX, path, ln, 0,
						     "expected 'ID [exp:YYYY-MM-DD] [# reason]'");
			}
			if (strcmp(exp + 4, today) < 0)
				continue; /* expired: the finding counts again */
		}
		for (size_t i = 0; i < r->vulns.cnt; i++)
			if (vuln_named(&r->vulns.items[i], id))
				suppress(&r->vulns.items[i].suppressed, &r->vulns.items[i].suppressed_reason, why);
		for (size_t i = 0; i < r->secret_cnt; i++)
			if (!strcmp(r->secrets[i].rule_id, id))
				suppress(&r->secrets[i].suppressed, &r->secrets[i].suppressed_reason, why);
		for (size_t i = 0; i < r->malware_cnt; i++)
			if (!strcmp(r->malware[i].rule, id))
				suppress(&r->malware[i].suppressed, &r->malware[i].suppressed_reason, why);
	}
	free(data);
	return 0;
}
