// SPDX-License-Identifier: Apache-2.0
/*
 * The human report: what was scanned, then every reported finding grouped by severity
 * (most severe first), then a one-line summary. Suppressed findings are counted, not listed.
 */
#include "scan/report.h"

#include "scan/severity.h"

static const char *color_of(enum ward_severity s)
{
	switch (s) {
	case WARD_SEV_CRITICAL: return "\033[1;31m";
	case WARD_SEV_HIGH: return "\033[31m";
	case WARD_SEV_MEDIUM: return "\033[33m";
	case WARD_SEV_LOW: return "\033[36m";
	default: return "";
	}
}

int ward_report_table(const struct ward_report_opts *o, const struct ward_scan_result *r,
		      struct ward_buf *b)
{
	size_t total = 0, suppressed = 0;
	const struct ward_os *os = &r->pkgs.os;
	size_t n_os = 0;

	for (size_t i = 0; i < r->pkgs.cnt; i++)
		n_os += r->pkgs.items[i].kind && r->pkgs.items[i].kind[0] == 'o';
	ward_buf_printf(b, "%s (%s)\n", r->target, r->kind);
	ward_buf_printf(b, "  OS:        %s\n", os->id[0] ? (os->pretty[0] ? os->pretty : os->id)
							 : "not detected");
	if (r->layer_cnt)
		ward_buf_printf(b, "  Layers:    %zu\n", r->layer_cnt);
	ward_buf_printf(b, "  Packages:  %zu (%zu OS, %zu language)\n", r->pkgs.cnt, n_os,
			r->pkgs.cnt - n_os);
	ward_buf_printf(b, "  Files:     %zu\n", r->entry_cnt);
	if (o->db_note)
		ward_buf_printf(b, "  Vulnerabilities: not checked (%s)\n", o->db_note);
	for (int s = WARD_SEV_CRITICAL; s >= WARD_SEV_UNKNOWN; s--) {
		size_t n = 0;
		const char *on = o->color ? color_of((enum ward_severity)s) : "";
		const char *off = o->color && *on ? "\033[0m" : "";

		for (size_t i = 0; i < r->vulns.cnt; i++)
			n += r->vulns.items[i].severity == (enum ward_severity)s &&
			     ward_report_vuln_shown(o, &r->vulns.items[i]);
		for (size_t i = 0; i < r->secret_cnt; i++)
			n += r->secrets[i].severity == (enum ward_severity)s &&
			     ward_report_sev_shown(o, r->secrets[i].severity, r->secrets[i].suppressed);
		for (size_t i = 0; i < r->malware_cnt; i++)
			n += r->malware[i].severity == (enum ward_severity)s &&
			     ward_report_sev_shown(o, r->malware[i].severity, r->malware[i].suppressed);
		if (!n)
			continue;
		total += n;
		ward_buf_printf(b, "\n%s%s (%zu)%s\n", on, ward_scan_sev_name((enum ward_severity)s), n, off);
		for (size_t i = 0; i < r->vulns.cnt; i++) {
			const struct ward_finding *f = &r->vulns.items[i];

			if (f->severity != (enum ward_severity)s || !ward_report_vuln_shown(o, f))
				continue;
			ward_buf_printf(b, "  vuln     %-20s %s %s -> %s  %s\n", f->id,
					f->pkg ? f->pkg->name : "?", f->pkg ? f->pkg->version : "?",
					f->fixed_version ? f->fixed_version : "(no fix)",
					f->pkg && f->pkg->path ? f->pkg->path : "");
		}
		for (size_t i = 0; i < r->secret_cnt; i++) {
			const struct ward_secret_hit *h = &r->secrets[i];

			if (h->severity != (enum ward_severity)s ||
			    !ward_report_sev_shown(o, h->severity, h->suppressed))
				continue;
			ward_buf_printf(b, "  secret   %-20s %s:%d  %s\n", h->rule_id, h->path, h->line,
					h->snippet);
		}
		for (size_t i = 0; i < r->malware_cnt; i++) {
			const struct ward_malware_hit *m = &r->malware[i];

			if (m->severity != (enum ward_severity)s ||
			    !ward_report_sev_shown(o, m->severity, m->suppressed))
				continue;
			ward_buf_printf(b, "  malware  %-20s %s  %s\n", m->rule, m->path, m->title);
		}
	}
	for (size_t i = 0; i < r->vulns.cnt; i++)
		suppressed += r->vulns.items[i].suppressed;
	for (size_t i = 0; i < r->secret_cnt; i++)
		suppressed += r->secrets[i].suppressed;
	for (size_t i = 0; i < r->malware_cnt; i++)
		suppressed += r->malware[i].suppressed;
	ward_buf_printf(b, "\n%zu finding%s reported, %zu suppressed\n", total, total == 1 ? "" : "s",
			suppressed);
	return 0;
}
