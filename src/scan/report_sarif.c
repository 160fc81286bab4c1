// SPDX-License-Identifier: Apache-2.0
/*
 * SARIF 2.1.0 for code-scanning UIs: one run, one rule per distinct finding id, one result
 * per reported finding located at the file inside the artifact (package database or
 * manifest for vulnerabilities, the file and line for secrets). Suppressed findings carry a
 * SARIF suppression instead of being dropped.
 */
#include "scan/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"
#include "scan/severity.h"

static const char *level(enum ward_severity s)
{
	return s >= WARD_SEV_HIGH ? "error" : s == WARD_SEV_MEDIUM ? "warning" : "note";
}

struct rules {
	const char **id;
	size_t cnt;
};

static size_t rule_index(struct rules *rs, const char *id, bool add)
{
	for (size_t i = 0; i < rs->cnt; i++)
		if (!strcmp(rs->id[i], id))
			return i;
	if (add)
		rs->id[rs->cnt++] = id;
	return rs->cnt - 1;
}

static void rule_obj(struct ward_jw *w, const char *id, const char *text, enum ward_severity s,
		     const char *help_uri)
{
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "id", id);
	ward_jw_key(w, "shortDescription");
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "text", text && *text ? text : id);
	ward_jw_obj_end(w);
	if (help_uri)
		ward_jw_kstr(w, "helpUri", help_uri);
	ward_jw_key(w, "defaultConfiguration");
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "level", level(s));
	ward_jw_obj_end(w);
	ward_jw_key(w, "properties");
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "severity", ward_scan_sev_name(s));
	ward_jw_obj_end(w);
	ward_jw_obj_end(w);
}

static void result(struct ward_jw *w, size_t idx, const char *id, enum ward_severity s,
		   const char *msg, const char *uri, int line, bool suppressed, const char *why)
{
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "ruleId", id);
	ward_jw_kint(w, "ruleIndex", (int64_t)idx);
	ward_jw_kstr(w, "level", level(s));
	ward_jw_key(w, "message");
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "text", msg);
	ward_jw_obj_end(w);
	ward_jw_key(w, "locations");
	ward_jw_arr_begin(w);
	ward_jw_obj_begin(w);
	ward_jw_key(w, "physicalLocation");
	ward_jw_obj_begin(w);
	ward_jw_key(w, "artifactLocation");
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "uri", uri && *uri ? uri : ".");
	ward_jw_obj_end(w);
	if (line > 0) {
		ward_jw_key(w, "region");
		ward_jw_obj_begin(w);
		ward_jw_kint(w, "startLine", line);
		ward_jw_obj_end(w);
	}
	ward_jw_obj_end(w);
	ward_jw_obj_end(w);
	ward_jw_arr_end(w);
	if (suppressed) {
		ward_jw_key(w, "suppressions");
		ward_jw_arr_begin(w);
		ward_jw_obj_begin(w);
		ward_jw_kstr(w, "kind", "external");
		ward_jw_kstr(w, "justification", why ? why : "");
		ward_jw_obj_end(w);
		ward_jw_arr_end(w);
	}
	ward_jw_obj_end(w);
}

int ward_report_sarif(const struct ward_report_opts *o, const struct ward_scan_result *r,
		      struct ward_buf *out)
{
	struct ward_jw w;
	size_t max = r->vulns.cnt + r->secret_cnt + r->malware_cnt;
	struct rules rs = { .id = calloc(max ? max : 1, sizeof(char *)) };
	struct ward_buf msg;

	if (!rs.id)
		return -ENOMEM;
	ward_buf_init(&msg, 1u << 16);
	ward_jw_init(&w, out);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	ward_jw_kstr(&w, "version", "2.1.0");
	ward_jw_key(&w, "runs");
	ward_jw_arr_begin(&w);
	ward_jw_obj_begin(&w);
	ward_jw_key(&w, "tool");
	ward_jw_obj_begin(&w);
	ward_jw_key(&w, "driver");
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "name", "ward");
	ward_jw_kstr(&w, "version", WARD_VERSION);
	ward_jw_kstr(&w, "informationUri", "https://github.com/ward-cwpp/ward");
	ward_jw_key(&w, "rules");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < r->vulns.cnt; i++) {
		const struct ward_finding *f = &r->vulns.items[i];
		size_t before = rs.cnt;

		if (!ward_report_vuln_shown(o, f) && !f->suppressed)
			continue;
		rule_index(&rs, f->id, true);
		if (rs.cnt > before)
			rule_obj(&w, f->id, f->summary, f->severity, f->url);
	}
	for (size_t i = 0; i < r->secret_cnt; i++) {
		size_t before = rs.cnt;

		if (!ward_report_sev_shown(o, r->secrets[i].severity, false))
			continue;
		rule_index(&rs, r->secrets[i].rule_id, true);
		if (rs.cnt > before)
			rule_obj(&w, r->secrets[i].rule_id, r->secrets[i].title, r->secrets[i].severity, NULL);
	}
	for (size_t i = 0; i < r->malware_cnt; i++) {
		size_t before = rs.cnt;

		if (!ward_report_sev_shown(o, r->malware[i].severity, false))
			continue;
		rule_index(&rs, r->malware[i].rule, true);
		if (rs.cnt > before)
			rule_obj(&w, r->malware[i].rule, r->malware[i].title, r->malware[i].severity, NULL);
	}
	ward_jw_arr_end(&w);
	ward_jw_obj_end(&w);
	ward_jw_obj_end(&w);
	ward_jw_key(&w, "results");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < r->vulns.cnt; i++) {
		const struct ward_finding *f = &r->vulns.items[i];

		if (!ward_report_vuln_shown(o, f) && !f->suppressed)
			continue;
		ward_buf_reset(&msg);
		ward_buf_printf(&msg, "%s %s %s is affected by %s%s%s", f->pkg ? f->pkg->ecosystem : "",
				f->pkg ? f->pkg->name : "?", f->pkg ? f->pkg->version : "?", f->id,
				f->fixed_version ? "; fixed in " : " (no fix yet)",
				f->fixed_version ? f->fixed_version : "");
		result(&w, rule_index(&rs, f->id, false), f->id, f->severity, msg.data,
		       f->pkg ? f->pkg->path : NULL, 0, f->suppressed, f->suppressed_reason);
	}
	for (size_t i = 0; i < r->secret_cnt; i++) {
		const struct ward_secret_hit *h = &r->secrets[i];

		if (!ward_report_sev_shown(o, h->severity, false))
			continue;
		ward_buf_reset(&msg);
		ward_buf_printf(&msg, "%s: %s", h->title, h->snippet);
		result(&w, rule_index(&rs, h->rule_id, false), h->rule_id, h->severity, msg.data,
		       h->path, h->line, h->suppressed, h->suppressed_reason);
	}
	for (size_t i = 0; i < r->malware_cnt; i++) {
		const struct ward_malware_hit *m = &r->malware[i];

		if (!ward_report_sev_shown(o, m->severity, false))
			continue;
		ward_buf_reset(&msg);
		ward_buf_printf(&msg, "YARA rule %s matched: %s", m->rule, m->title);
		result(&w, rule_index(&rs, m->rule, false), m->rule, m->severity, msg.data, m->path, 0,
		       m->suppressed, m->suppressed_reason);
	}
	ward_jw_arr_end(&w);
	ward_jw_obj_end(&w);
	ward_jw_arr_end(&w);
	ward_jw_obj_end(&w);
	ward_buf_putc(out, '\n');
	ward_buf_free(&msg);
	free(rs.id);
	return w.err;
}
