// SPDX-License-Identifier: Apache-2.0
/*
 * ward's own JSON report (--format json): the inventory, every finding with its policy
 * state, and a summary. Suppressed findings stay in the output, marked, so a reviewer sees
 * what was waived and why; findings outside the severity filter are left out.
 */
#include "scan/report.h"

#include <errno.h>
#include <string.h>

#include "common/jsonw.h"
#include "scan/severity.h"

static void pkg_obj(struct ward_jw *w, const struct ward_pkg *p)
{
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "ecosystem", p->ecosystem);
	ward_jw_kstr(w, "name", p->name);
	ward_jw_kstr(w, "version", p->version);
	if (p->src_name)
		ward_jw_kstr(w, "source_name", p->src_name);
	if (p->src_version)
		ward_jw_kstr(w, "source_version", p->src_version);
	ward_jw_kstr(w, "purl", p->purl);
	if (p->license)
		ward_jw_kstr(w, "license", p->license);
	ward_jw_kstr(w, "kind", p->kind);
	if (p->layer)
		ward_jw_kstr(w, "layer", p->layer);
	ward_jw_kstr(w, "path", p->path);
	ward_jw_obj_end(w);
}

int ward_report_json(const struct ward_report_opts *o, const struct ward_scan_result *r,
		     struct ward_buf *out)
{
	struct ward_jw w;
	size_t count[WARD_SEV_CRITICAL + 1] = { 0 };
	const struct ward_os *os = &r->pkgs.os;

	ward_jw_init(&w, out);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "target", r->target);
	ward_jw_kstr(&w, "kind", r->kind);
	ward_jw_key(&w, "os");
	if (os->id[0]) {
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "id", os->id);
		ward_jw_kstr(&w, "version_id", os->version_id);
		ward_jw_kstr(&w, "codename", os->codename);
		ward_jw_kstr(&w, "pretty_name", os->pretty);
		ward_jw_obj_end(&w);
	} else {
		ward_jw_null(&w);
	}
	ward_jw_key(&w, "layers");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < r->layer_cnt; i++)
		ward_jw_str(&w, r->layers[i]);
	ward_jw_arr_end(&w);
	if (r->files) {
		ward_jw_key(&w, "files");
		ward_jw_arr_begin(&w);
		for (size_t i = 0; i < r->file_cnt; i++) {
			const struct ward_scan_file *f = &r->files[i];

			ward_jw_obj_begin(&w);
			ward_jw_kstr(&w, "path", f->path);
			ward_jw_kstr(&w, "type", f->type);
			ward_jw_kuint(&w, "mode", f->mode);
			if (!strcmp(f->type, "file")) {
				ward_jw_kuint(&w, "size", f->size);
				ward_jw_kstr(&w, "sha256", f->sha256);
			}
			if (f->target)
				ward_jw_kstr(&w, "target", f->target);
			ward_jw_kstr(&w, "layer", f->layer);
			ward_jw_obj_end(&w);
		}
		ward_jw_arr_end(&w);
	}
	ward_jw_kbool(&w, "database", r->has_db);
	ward_jw_key(&w, "packages");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < r->pkgs.cnt; i++)
		pkg_obj(&w, &r->pkgs.items[i]);
	ward_jw_arr_end(&w);

	ward_jw_key(&w, "vulnerabilities");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < r->vulns.cnt; i++) {
		const struct ward_finding *f = &r->vulns.items[i];

		if (!ward_report_vuln_shown(o, f) && !f->suppressed)
			continue;
		if (!f->suppressed)
			count[f->severity]++;
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "id", f->id);
		if (f->aliases)
			ward_jw_kstr(&w, "aliases", f->aliases);
		ward_jw_kstr(&w, "severity", ward_scan_sev_name(f->severity));
		if (f->cvss_score > 0) {
			ward_jw_key(&w, "cvss_score");
			ward_jw_double(&w, f->cvss_score);
		}
		if (f->cvss_vector)
			ward_jw_kstr(&w, "cvss_vector", f->cvss_vector);
		ward_jw_kstr(&w, "package", f->pkg ? f->pkg->name : NULL);
		ward_jw_kstr(&w, "installed_version", f->pkg ? f->pkg->version : NULL);
		ward_jw_kstr(&w, "fixed_version", f->fixed_version);
		ward_jw_kstr(&w, "purl", f->pkg ? f->pkg->purl : NULL);
		ward_jw_kstr(&w, "path", f->pkg ? f->pkg->path : NULL);
		if (f->pkg && f->pkg->layer)
			ward_jw_kstr(&w, "layer", f->pkg->layer);
		ward_jw_kstr(&w, "summary", f->summary);
		ward_jw_kstr(&w, "url", f->url);
		ward_jw_kbool(&w, "suppressed", f->suppressed);
		if (f->suppressed)
			ward_jw_kstr(&w, "suppressed_reason", f->suppressed_reason);
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);

	ward_jw_key(&w, "secrets");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < r->secret_cnt; i++) {
		const struct ward_secret_hit *s = &r->secrets[i];

		if (!ward_report_sev_shown(o, s->severity, false))
			continue;
		if (!s->suppressed)
			count[s->severity]++;
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "rule", s->rule_id);
		ward_jw_kstr(&w, "title", s->title);
		ward_jw_kstr(&w, "severity", ward_scan_sev_name(s->severity));
		ward_jw_kstr(&w, "path", s->path);
		ward_jw_kint(&w, "line", s->line);
		if (s->layer)
			ward_jw_kstr(&w, "layer", s->layer);
		ward_jw_kstr(&w, "snippet", s->snippet);
		ward_jw_kbool(&w, "suppressed", s->suppressed);
		if (s->suppressed)
			ward_jw_kstr(&w, "suppressed_reason", s->suppressed_reason);
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);

	ward_jw_key(&w, "malware");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < r->malware_cnt; i++) {
		const struct ward_malware_hit *m = &r->malware[i];

		if (!ward_report_sev_shown(o, m->severity, false))
			continue;
		if (!m->suppressed)
			count[m->severity]++;
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "rule", m->rule);
		ward_jw_kstr(&w, "title", m->title);
		ward_jw_kstr(&w, "severity", ward_scan_sev_name(m->severity));
		ward_jw_kstr(&w, "path", m->path);
		if (m->layer)
			ward_jw_kstr(&w, "layer", m->layer);
		ward_jw_kbool(&w, "suppressed", m->suppressed);
		if (m->suppressed)
			ward_jw_kstr(&w, "suppressed_reason", m->suppressed_reason);
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);

	ward_jw_key(&w, "summary");
	ward_jw_obj_begin(&w);
	ward_jw_kuint(&w, "packages", r->pkgs.cnt);
	for (int s = WARD_SEV_CRITICAL; s >= WARD_SEV_UNKNOWN; s--)
		ward_jw_kuint(&w, ward_scan_sev_name((enum ward_severity)s), count[s]);
	ward_jw_kuint(&w, "files", r->entry_cnt);
	ward_jw_kuint(&w, "files_over_size_cap", r->skipped_cnt);
	ward_jw_obj_end(&w);
	ward_jw_obj_end(&w);
	ward_buf_putc(out, '\n');
	return w.err;
}

int ward_report_write(enum ward_report_fmt fmt, const struct ward_report_opts *o,
		      const struct ward_scan_result *r, struct ward_buf *out)
{
	switch (fmt) {
	case WARD_REPORT_TABLE: return ward_report_table(o, r, out);
	case WARD_REPORT_JSON: return ward_report_json(o, r, out);
	case WARD_REPORT_SARIF: return ward_report_sarif(o, r, out);
	case WARD_REPORT_CYCLONEDX: return ward_report_cyclonedx(o, r, out);
	case WARD_REPORT_SPDX: return ward_report_spdx(o, r, out);
	}
	return -EINVAL;
}
