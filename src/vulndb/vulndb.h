/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local vulnerability database (SQLite, built from OSV records by `ward db import`) and
 * matching an inventory against it. No network at scan time.
 */
#ifndef WARD_VULNDB_H
#define WARD_VULNDB_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "scan/pkg.h"

struct ward_vulndb;

enum ward_severity {
	WARD_SEV_UNKNOWN = 0, WARD_SEV_NONE, WARD_SEV_LOW, WARD_SEV_MEDIUM, WARD_SEV_HIGH,
	WARD_SEV_CRITICAL,
};

struct ward_finding {
	const struct ward_pkg *pkg;  /* points into the scanned ward_pkg_list */
	char *id;                    /* CVE-2023-1234, GHSA-..., DSA-... (the record id) */
	char *aliases;               /* comma-separated, or NULL */
	char *summary;
	enum ward_severity severity;
	double cvss_score;           /* 0 when unknown */
	char *cvss_vector;           /* or NULL */
	char *fixed_version;         /* first fixed version on the package's branch, or NULL */
	char *url;                   /* advisory reference */
	bool suppressed;             /* by ignore file or VEX; kept for reporting */
	char *suppressed_reason;
};

struct ward_findings {
	struct ward_finding *items;
	size_t cnt, cap;
};

const char *ward_severity_name(enum ward_severity s); /* "CRITICAL", ... */
int ward_severity_parse(const char *s, enum ward_severity *out);

int ward_vulndb_open(const char *path, bool readonly, struct ward_vulndb **out, struct ward_diag *d);
void ward_vulndb_close(struct ward_vulndb *db);
/* Imports OSV JSON files, directories of them, or zip exports; incremental by (id, modified). */
int ward_vulndb_import(struct ward_vulndb *db, const char *source, struct ward_diag *d);
/* Matches every package; appends to out. Returns the number of findings or -errno. */
int ward_vulndb_match(struct ward_vulndb *db, const struct ward_pkg_list *pkgs,
		      struct ward_findings *out);
void ward_findings_free(struct ward_findings *f);

/* Version comparison per ecosystem: <0, 0, >0; -WARD_E_SYNTAX style errors reported via *err. */
int ward_version_cmp(const char *ecosystem, const char *a, const char *b, int *err);

#endif
