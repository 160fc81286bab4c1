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

/* ---- additions (compatible; see docs/vulndb.md) ---- */

/* CVSS v3.0/3.1 base score of a vector ("CVSS:3.1/AV:N/..."); 0 or -WARD_E_SYNTAX /
 * -WARD_E_UNSUPPORTED (v2, v4) with d filled. */
int ward_cvss3_score(const char *vector, double *score, struct ward_diag *d);
/* CVSS v4.0 score of a vector ("CVSS:4.0/AV:N/..."), base metrics plus threat and
 * environmental ones when present (CVSS-B, -BT, -BE, -BTE); 0 or -WARD_E_SYNTAX /
 * -WARD_E_UNSUPPORTED / -WARD_E_LIMIT with d filled. See src/vulndb/cvss4.c. */
#define WARD_CVSS4_MAX_LEN 512
int ward_cvss4_score(const char *vector, double *score, struct ward_diag *d);
/* Qualitative rating of a score: 0 None, <4 Low, <7 Medium, <9 High, else Critical. */
enum ward_severity ward_cvss_level(double score);

struct ward_vulndb_import_stats {
	size_t added;      /* records not in the DB before */
	size_t updated;    /* records whose modified time changed */
	size_t unchanged;  /* same (id, modified), or an older copy: skipped */
	size_t failed;     /* broken records, reported and skipped */
	size_t files;      /* JSON files / zip entries read */
	char first_error[512]; /* "file: json.path: message" of the first failure, or "" */
};
#define WARD_VULNDB_IMPORT_PROGRESS 0x1 /* progress line on stderr */
/* Like ward_vulndb_import with counts and flags. Returns added + updated or -errno: a
 * failure of the source as a whole (unreadable, not OSV, DB error) rolls back everything
 * from this source; broken records are only counted. stats may be NULL. */
int ward_vulndb_import_ex(struct ward_vulndb *db, const char *source, unsigned flags,
			  struct ward_vulndb_import_stats *stats, struct ward_diag *d);

struct ward_vulndb_eco_count {
	char *ecosystem;  /* as the records spell it: "Debian:12", "npm" */
	size_t records;
};
struct ward_vulndb_info {
	size_t records;          /* all stored records, withdrawn included */
	size_t withdrawn;
	size_t packages;         /* affected (ecosystem, package) rows */
	char newest_modified[40];/* RFC 3339 as in the records, or "" */
	long long import_time;   /* unix seconds of the last import, 0 if never */
	int schema_version;
	struct ward_vulndb_eco_count *ecos;
	size_t ecos_cnt;
};
int ward_vulndb_info(struct ward_vulndb *db, struct ward_vulndb_info *out);
void ward_vulndb_info_free(struct ward_vulndb_info *info);

/* Suppression: ignore files and OpenVEX documents applied to findings (suppress*.c). */
struct ward_suppress;
struct ward_suppress *ward_suppress_new(void);
void ward_suppress_free(struct ward_suppress *s);
/* Ignore file: YAML (list of {id, package, reason, expires}) when the name ends in .yaml or
 * .yml or the content looks like YAML, else a .trivyignore-style list of ids with '#'
 * comments (and optional "exp:YYYY-MM-DD"). Errors name the file and line. */
int ward_suppress_load_ignore(struct ward_suppress *s, const char *path, struct ward_diag *d);
int ward_suppress_load_ignore_mem(struct ward_suppress *s, const char *name, const char *data,
				  size_t len, struct ward_diag *d);
/* OpenVEX JSON document; errors name the file and the JSON path. */
int ward_suppress_load_vex(struct ward_suppress *s, const char *path, struct ward_diag *d);
int ward_suppress_load_vex_mem(struct ward_suppress *s, const char *name, const char *data,
			       size_t len, struct ward_diag *d);
/* Marks matching findings suppressed (reason set); today is "YYYY-MM-DD" (NULL: current UTC
 * date). Expired ignore entries do not suppress and are warned about once. Returns the
 * number of findings newly suppressed. */
int ward_suppress_apply(struct ward_suppress *s, struct ward_findings *f, const char *today);
/* Number of ignore entries found expired by the last ward_suppress_apply. */
size_t ward_suppress_expired_cnt(const struct ward_suppress *s);

#endif
