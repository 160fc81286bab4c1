/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Report writers for a finished scan: a table grouped by severity, ward's JSON, SARIF
 * 2.1.0, CycloneDX 1.5 and SPDX 2.3 (both JSON), plus the policy helpers the CLI gates on
 * (severity filter, --ignore-unfixed, ignore file for secrets and malware; vulnerabilities
 * are suppressed by src/vulndb's ignore-file and OpenVEX support). Writers only format; they never rescan.
 */
#ifndef WARD_SCAN_REPORT_H
#define WARD_SCAN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "common/buf.h"
#include "scan/scan.h"

enum ward_report_fmt {
	WARD_REPORT_TABLE, WARD_REPORT_JSON, WARD_REPORT_SARIF, WARD_REPORT_CYCLONEDX,
	WARD_REPORT_SPDX,
};

struct ward_report_opts {
	unsigned sev_mask;     /* bit (1 << enum ward_severity) per reported severity */
	bool ignore_unfixed;
	bool color;
	const char *db_note;   /* shown when no database was used, or NULL */
};

#define WARD_SEV_MASK_ALL 0x3fu

int ward_report_fmt_parse(const char *s, enum ward_report_fmt *out);
/* "CRITICAL,HIGH" -> mask; 0 or -EINVAL naming nothing (the CLI names the bad word). */
int ward_report_sev_mask(const char *list, unsigned *mask, const char **bad);

/* Policy: is this finding reported (not suppressed, in the mask, fixed when required)? */
bool ward_report_vuln_shown(const struct ward_report_opts *o, const struct ward_finding *f);
bool ward_report_sev_shown(const struct ward_report_opts *o, enum ward_severity s, bool suppressed);
/* Number of findings of every kind that pass the policy (the --exit-code count). */
size_t ward_report_count(const struct ward_report_opts *o, const struct ward_scan_result *r);

/* Ignore file: one id per line (CVE/GHSA id, secret rule id, YARA rule name), optional
 * "exp:YYYY-MM-DD" after it, "#" comments, where the comment after an id is its reason.
 * Expired entries no longer apply. Marks matching findings suppressed. Returns 0 or
 * -WARD_E_* with d naming the file and line. */
int ward_report_apply_ignorefile(struct ward_scan_result *r, const char *path, struct ward_diag *d);
int ward_report_write(enum ward_report_fmt fmt, const struct ward_report_opts *o,
		      const struct ward_scan_result *r, struct ward_buf *out);

/* Per-format writers (report_<fmt>.c). */
int ward_report_table(const struct ward_report_opts *o, const struct ward_scan_result *r,
		      struct ward_buf *out);
int ward_report_json(const struct ward_report_opts *o, const struct ward_scan_result *r,
		     struct ward_buf *out);
int ward_report_sarif(const struct ward_report_opts *o, const struct ward_scan_result *r,
		      struct ward_buf *out);
int ward_report_cyclonedx(const struct ward_report_opts *o, const struct ward_scan_result *r,
			  struct ward_buf *out);
int ward_report_spdx(const struct ward_report_opts *o, const struct ward_scan_result *r,
		     struct ward_buf *out);

/* RFC 4122 version 4 UUID text (37 bytes with NUL) from getrandom(). */
void ward_report_uuid(char out[37]);

#endif
