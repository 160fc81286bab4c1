// SPDX-License-Identifier: Apache-2.0
/*
 * Secret rules and their evaluation. Each rule is a PCRE2 pattern compiled with JIT, with
 * optional literal keywords checked first (on a lowercased copy) so most files cost one
 * memmem per rule, and an optional path pattern. Hits report the line and the line's text
 * with the secret replaced by asterisks; the secret itself is never stored.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scan/secrets.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "scan/severity.h"

#define MAX_KEYWORDS 8
#define SNIPPET_MAX 160

struct rule {
	char *id, *title;
	enum ward_severity sev;
	pcre2_code *re, *path_re;
	char *kw[MAX_KEYWORDS];
	size_t kw_cnt;
	bool redact_all; /* false: the match is a marker (PEM header) shown as is */
};

struct ward_secrets {
	struct rule *rules;
	size_t cnt;
	pcre2_match_data *md;
	char *lower;
	size_t lower_cap;
};

struct builtin {
	const char *id, *title, *sev, *re, *path, *kw;
	bool redact_all;
};

/* Patterns follow the token formats the issuers document. kw: '|'-separated keywords. */
static const struct builtin BUILTINS[] = {
	{ "private-key", "Private key", "HIGH",
	  "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----", NULL, "private key", false },
	{ "aws-access-key-id", "AWS access key ID", "CRITICAL",
	  "\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b", NULL,
	  "akia|asia|abia|acca|a3t", true },
	{ "aws-secret-access-key", "AWS secret access key", "CRITICAL",
	  "(?i)aws_?secret_?(?:access_?)?key[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
	  NULL, "secret", true },
	{ "github-pat", "GitHub personal access token", "CRITICAL",
	  "\\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\\b", NULL, "ghp_|gho_|ghu_|ghs_|ghr_", true },
	{ "github-fine-grained-pat", "GitHub fine-grained personal access token", "CRITICAL",
	  "\\b(github_pat_[A-Za-z0-9_]{82})\\b", NULL, "github_pat_", true },
	{ "gitlab-pat", "GitLab personal access token", "CRITICAL",
	  "\\b(glpat-[A-Za-z0-9_-]{20})\\b", NULL, "glpat-", true },
	{ "slack-token", "Slack token", "HIGH",
	  "\\b(xox[baprs]-[A-Za-z0-9-]{10,72})\\b", NULL, "xox", true },
	{ "slack-webhook", "Slack incoming webhook", "MEDIUM",
	  "(https://hooks\\.slack\\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,})", NULL,
	  "hooks.slack.com", true },
	{ "stripe-secret-key", "Stripe secret key", "CRITICAL",
	  "\\b((?:sk|rk)_live_[A-Za-z0-9]{20,99})\\b", NULL, "_live_", true },
	{ "google-api-key", "Google API key", "HIGH",
	  "\\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])", NULL, "aiza", true },
	{ "jwt", "JSON Web Token", "MEDIUM",
	  "\\b(eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,})", NULL, "eyj", true },
	{ "generic-password", "Password in a configuration file", "MEDIUM",
	  "(?i)\\b(?:password|passwd|pwd|secret)\\s*[:=]\\s*[\"']?([^\\s\"'#;$<>{}%]{6,})",
	  "(?i)(\\.(conf|cfg|ini|env|ya?ml|properties|toml|json|xml)$|(^|/)\\.env[^/]*$)",
	  "pass|pwd|secret", true },
};

static pcre2_code *compile(const char *re, char *err, size_t err_len)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
				      &ec, &eo, NULL);

	if (!c) {
		char m[256];

		pcre2_get_error_message(ec, (PCRE2_UCHAR *)m, sizeof(m));
		snprintf(err, err_len, "regex error at offset %zu: %s", (size_t)eo, m);
		return NULL;
	}
	pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT is off */
	return c;
}

static int add_rule(struct ward_secrets *s, const char *id, const char *title, const char *sev,
		    const char *re, const char *path_re, const char *kw, bool redact_all,
		    char *err, size_t err_len)
{
	struct rule r = { 0 };

	if (s->cnt >= WARD_SCAN_MAX_RULES) {
		snprintf(err, err_len, "more than %u rules", WARD_SCAN_MAX_RULES);
		return -WARD_E_LIMIT;
	}
	if (ward_scan_sev_parse(sev ? sev : "MEDIUM", &r.sev) < 0) {
		snprintf(err, err_len, "rule %s: unknown severity '%s'", id, sev);
		return -WARD_E_SYNTAX;
	}
	r.re = compile(re, err, err_len);
	if (!r.re)
		return -WARD_E_SYNTAX;
	if (path_re && !(r.path_re = compile(path_re, err, err_len))) {
		pcre2_code_free(r.re);
		return -WARD_E_SYNTAX;
	}
	for (const char *p = kw; p && *p && r.kw_cnt < MAX_KEYWORDS;) {
		size_t n = strcspn(p, "|");
		char *k = ward_xstrndup(p, n);

		for (char *q = k; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if (*k)
			r.kw[r.kw_cnt++] = k;
		else
			free(k);
		p += n + (p[n] == '|');
	}
	r.id = ward_xstrdup(id);
	r.title = ward_xstrdup(title);
	r.redact_all = redact_all;
	s->rules = ward_xreallocarray(s->rules, s->cnt + 1, sizeof(*s->rules));
	s->rules[s->cnt++] = r;
	return 0;
}

static const char *scalar(yaml_document_t *doc, yaml_node_t *map, const char *key,
			  yaml_node_t **kw_node)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);

		if (!k || !v || k->type != YAML_SCALAR_NODE ||
		    strcmp((char *)k->data.scalar.value, key))
			continue;
		if (kw_node)
			*kw_node = v;
		return v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
	}
	return NULL;
}

static int load_yaml(struct ward_secrets *s, const char *path, struct ward_diag *d)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *seq = NULL;
	struct ward_buf b;
	struct stat st;
	char err[400];
	int fd, rc = 0;
	ssize_t n;

	ward_buf_init(&b, WARD_SCAN_MAX_RULE_FILE + 1);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = ward_diag_set(d, -errno, path, 0, 0, "cannot open secret rules: %s",
				   strerror(errno));
		if (fd >= 0)
			close(fd);
		ward_buf_free(&b);
		return rc;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > WARD_SCAN_MAX_RULE_FILE) {
		close(fd);
		ward_buf_free(&b);
		return ward_diag_set(d, -WARD_E_LIMIT, path, 0, 0,
				     "not a regular file or over %u bytes", WARD_SCAN_MAX_RULE_FILE);
	}
	while (ward_buf_reserve(&b, 65536) == 0 &&
	       (n = read(fd, b.data + b.len, b.cap - b.len - 1)) > 0)
		b.len += (size_t)n;
	close(fd);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (unsigned char *)b.data, b.len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = ward_diag_set(d, -WARD_E_SYNTAX, path, (int)parser.problem_mark.line + 1,
				   (int)parser.problem_mark.column + 1, "YAML: %s",
				   parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		ward_buf_free(&b);
		return rc;
	}
	root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE)
		scalar(&doc, root, "rules", &seq);
	else if (root && root->type == YAML_SEQUENCE_NODE)
		seq = root;
	if (!seq || seq->type != YAML_SEQUENCE_NODE) {
		rc = ward_diag_set(d, -WARD_E_SYNTAX, path, 1, 1,
				   "expected 'rules:' followed by a list of rules");
		goto out;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *r = yaml_document_get_node(&doc, *it), *kwn = NULL;
		const char *id, *desc, *re, *sev, *pre;
		struct ward_buf kw;
		int line = r ? (int)r->start_mark.line + 1 : 0;

		if (!r || r->type != YAML_MAPPING_NODE) {
			rc = ward_diag_set(d, -WARD_E_SYNTAX, path, line, 0, "a rule must be a mapping");
			goto out;
		}
		id = scalar(&doc, r, "id", NULL);
		desc = scalar(&doc, r, "description", NULL);
		re = scalar(&doc, r, "regex", NULL);
		sev = scalar(&doc, r, "severity", NULL);
		pre = scalar(&doc, r, "path", NULL);
		if (!id || !desc || !re) {
			rc = ward_diag_set(d, -WARD_E_SYNTAX, path, line, 0,
					   "rule needs 'id', 'description' and 'regex'");
			goto out;
		}
		ward_buf_init(&kw, 4096);
		scalar(&doc, r, "keywords", &kwn);
		if (kwn && kwn->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *k = kwn->data.sequence.items.start; k < kwn->data.sequence.items.top; k++) {
				yaml_node_t *kn = yaml_document_get_node(&doc, *k);

				if (kn && kn->type == YAML_SCALAR_NODE)
					ward_buf_printf(&kw, "%s%s", kw.len ? "|" : "",
							(char *)kn->data.scalar.value);
			}
		}
		rc = add_rule(s, id, desc, sev, re, pre, kw.len ? kw.data : NULL, true, err, sizeof(err));
		ward_buf_free(&kw);
		if (rc < 0) {
			rc = ward_diag_set(d, rc, path, line, 0, "rule '%s': %s", id, err);
			goto out;
		}
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	ward_buf_free(&b);
	return rc;
}

int ward_secrets_new(const char *path, struct ward_secrets **out, struct ward_diag *d)
{
	struct ward_secrets *s = ward_xcalloc(1, sizeof(*s));
	char err[400];
	int rc = 0;

	if (path) {
		rc = load_yaml(s, path, d);
	} else {
		for (size_t i = 0; i < sizeof(BUILTINS) / sizeof(BUILTINS[0]) && rc == 0; i++) {
			const struct builtin *b = &BUILTINS[i];

			rc = add_rule(s, b->id, b->title, b->sev, b->re, b->path, b->kw, b->redact_all,
				      err, sizeof(err));
			if (rc < 0)
				rc = ward_diag_set(d, rc, "built-in secret rules", 0, 0, "%s", err);
		}
	}
	if (rc < 0) {
		ward_secrets_free(s);
		return rc;
	}
	s->md = pcre2_match_data_create(16, NULL);
	*out = s;
	return 0;
}

void ward_secrets_free(struct ward_secrets *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cnt; i++) {
		free(s->rules[i].id);
		free(s->rules[i].title);
		pcre2_code_free(s->rules[i].re);
		pcre2_code_free(s->rules[i].path_re);
		for (size_t k = 0; k < s->rules[i].kw_cnt; k++)
			free(s->rules[i].kw[k]);
	}
	free(s->rules);
	pcre2_match_data_free(s->md);
	free(s->lower);
	free(s);
}

size_t ward_secrets_rule_cnt(const struct ward_secrets *s)
{
	return s->cnt;
}

/* The line around [ms, me) with [rs, re) masked, capped at SNIPPET_MAX bytes. */
static char *snippet(const char *data, size_t len, size_t ms, size_t me, size_t rs, size_t re)
{
	size_t ls = ms, le = me;
	struct ward_buf b;

	while (ls > 0 && data[ls - 1] != '\n' && ms - ls < SNIPPET_MAX / 2)
		ls--;
	while (le < len && data[le] != '\n' && data[le] != '\r' && le - me < SNIPPET_MAX / 2)
		le++;
	ward_buf_init(&b, 4 * SNIPPET_MAX);
	for (size_t i = ls; i < le; i++) {
		if (i >= rs && i < re) {
			if (i == rs)
				ward_buf_puts(&b, "********");
			continue;
		}
		ward_buf_putc(&b, data[i] == '\t' ? ' ' : data[i]);
	}
	{
		char *r = ward_xstrdup(b.data ? b.data : "");

		ward_buf_free(&b);
		return r;
	}
}

static bool keyword_hit(const struct rule *r, const char *lower, size_t len)
{
	if (!r->kw_cnt)
		return true;
	for (size_t k = 0; k < r->kw_cnt; k++)
		if (memmem(lower, len, r->kw[k], strlen(r->kw[k])))
			return true;
	return false;
}

static bool path_match(const struct rule *ru, const char *path)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(ru->path_re, NULL);
	bool hit;

	if (!md)
		return true; /* out of memory: the caller searches again, which is the safe side */
	hit = pcre2_match(ru->path_re, (PCRE2_SPTR)path, strlen(path), 0, 0, md, NULL) >= 0;
	pcre2_match_data_free(md);
	return hit;
}

bool ward_secrets_same_paths(const struct ward_secrets *s, const char *a, const char *b)
{
	for (size_t i = 0; i < s->cnt; i++)
		if (s->rules[i].path_re && path_match(&s->rules[i], a) != path_match(&s->rules[i], b))
			return false;
	return true;
}

int ward_secrets_scan(struct ward_secrets *s, const char *path, const char *data, size_t len,
		      struct ward_scan_result *r)
{
	int added = 0;

	if (len == 0)
		return 0;
	if (len > s->lower_cap) {
		free(s->lower);
		s->lower_cap = len;
		s->lower = ward_xmalloc(len + 1);
	}
	for (size_t i = 0; i < len; i++)
		s->lower[i] = (char)tolower((unsigned char)data[i]);
	for (size_t i = 0; i < s->cnt; i++) {
		const struct rule *ru = &s->rules[i];
		PCRE2_SIZE start = 0;
		size_t line = 1, line_pos = 0;
		int per_file = 0;

		if (!keyword_hit(ru, s->lower, len))
			continue;
		if (ru->path_re && pcre2_match(ru->path_re, (PCRE2_SPTR)path, strlen(path), 0, 0,
					       s->md, NULL) < 0)
			continue;
		while (start < len && per_file < WARD_SCAN_MAX_HITS_PER_FILE) {
			int m = pcre2_match(ru->re, (PCRE2_SPTR)data, len, start, 0, s->md, NULL);
			PCRE2_SIZE *ov;
			size_t ms, me, rs, re;
			struct ward_secret_hit *h;

			if (m < 0)
				break;
			ov = pcre2_get_ovector_pointer(s->md);
			ms = ov[0];
			me = ov[1];
			rs = ms;
			re = me;
			if (m >= 2 && ov[2] != PCRE2_UNSET) {
				rs = ov[2];
				re = ov[3];
			}
			if (!ru->redact_all)
				rs = re = ms;
			for (; line_pos < ms; line_pos++)
				if (data[line_pos] == '\n')
					line++;
			if (r->secret_cnt >= WARD_SCAN_MAX_FINDINGS)
				return -WARD_E_LIMIT;
			r->secrets = ward_xreallocarray(r->secrets, r->secret_cnt + 1, sizeof(*r->secrets));
			h = &r->secrets[r->secret_cnt++];
			memset(h, 0, sizeof(*h));
			h->rule_id = ward_xstrdup(ru->id);
			h->title = ward_xstrdup(ru->title);
			h->severity = ru->sev;
			h->path = ward_xstrdup(path);
			h->line = (int)line;
			h->snippet = snippet(data, len, ms, me, rs, re);
			added++;
			per_file++;
			start = me > ms ? me : ms + 1;
		}
	}
	return added;
}
