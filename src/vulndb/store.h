/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to src/vulndb: the SQLite side of the database (schema, transactions, storing one
 * parsed OSV record, the per-ecosystem summary). import.c feeds it, match.c queries it.
 */
#ifndef WARD_VULNDB_STORE_H
#define WARD_VULNDB_STORE_H

#include <sqlite3.h>

#include "vulndb/osv.h"
#include "vulndb/vulndb.h"

#define WARD_VULNDB_SCHEMA 1

struct ward_vulndb {
	sqlite3 *db;
	char path[4096];
	bool readonly;
	sqlite3_stmt *get_modified, *del_affected, *put_vuln, *put_affected, *match;
};

enum ward_store_result { WARD_STORE_ADDED, WARD_STORE_UPDATED, WARD_STORE_UNCHANGED };

int ward_store_exec(struct ward_vulndb *db, const char *sql, struct ward_diag *d);
/* Stores one record inside its own savepoint; returns 0 with *res set, or -errno with the
 * savepoint rolled back (nothing of this record stored, nothing else touched). */
int ward_store_record(struct ward_vulndb *db, const struct ward_osv_record *r, const char *source,
		      enum ward_store_result *res, struct ward_diag *d);
/* Recomputes per-ecosystem counts and records the import; call inside the transaction. */
int ward_store_finish_import(struct ward_vulndb *db, const char *source,
			     const struct ward_vulndb_import_stats *st, struct ward_diag *d);

#endif
