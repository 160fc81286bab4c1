/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to src/vulndb: one OSV record (https://ossf.github.io/osv-schema/) parsed and
 * checked, reduced to what the database stores and matching needs. The normalized keys
 * (eco_key, name_key) are computed here and by the matcher with the same functions, so a
 * package and a record meet on equal strings in an index.
 */
#ifndef WARD_VULNDB_OSV_H
#define WARD_VULNDB_OSV_H

#include <stddef.h>

#include "vulndb/vulndb.h"

struct ward_osv_affected {
	char *ecosystem;   /* as written: "Debian:12", "npm" */
	char *eco_key;     /* match key: "Debian:12", "Ubuntu:22.04", "Red Hat:9", "npm" */
	char *name;
	char *name_key;    /* PyPI normalized, case folded where the registry folds */
	char *purl;        /* or NULL */
	char *ranges;      /* compact JSON {"ranges":[...],"versions":[...]} (validated) */
	enum ward_severity severity; /* from this entry's severity/ecosystem_specific, or UNKNOWN */
	double cvss_score;
	char *cvss_vector;
};

struct ward_osv_record {
	char *id, *modified, *published, *withdrawn; /* published/withdrawn may be NULL */
	char *aliases;     /* comma-separated aliases + upstream (+ related for DSA/DLA/DTSA), or NULL */
	char *summary;     /* summary, else the first line of details; or NULL */
	char *url;         /* advisory reference, else osv.dev link */
	char *cvss_vector; /* highest-scoring v3 vector, else the highest v4 one, or NULL */
	double cvss_score; /* 0 when unknown */
	enum ward_severity severity;
	struct ward_osv_affected *aff;
	size_t aff_cnt;
};

/* Parses one record; name is used in diagnostics ("file: json.path: message"). On failure
 * *out is untouched and d says where. */
int ward_osv_parse(const char *name, const char *data, size_t len, struct ward_osv_record *out,
		   struct ward_diag *d);
void ward_osv_record_free(struct ward_osv_record *r);

/* Normalized ecosystem key (release suffix kept where matching needs it). */
int ward_osv_eco_key(const char *eco, char *out, size_t out_len);
/* Normalized package name for an ecosystem (base name or full "Debian:12" both fine). */
int ward_osv_name_key(const char *eco, const char *name, char *out, size_t out_len);

/* 1 when id is one of the comma-separated ids in list (list may be NULL). */
int ward_osv_id_in_list(const char *id, const char *list);

#endif
