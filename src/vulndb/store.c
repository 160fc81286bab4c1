// SPDX-License-Identifier: Apache-2.0
/*
 * The vulnerability database file: SQLite schema, open/close, storing records and the
 * summary `ward db info` prints. One row per OSV record (vulns) and one per affected
 * package (affected), indexed by the normalized (ecosystem, name) key that matching looks
 * up. Not parsing (osv.c) and not range evaluation (match.c).
 */
#include "vulndb/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xalloc.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS vulns(id TEXT PRIMARY KEY, modified TEXT NOT NULL,"
	" published TEXT, withdrawn TEXT, aliases TEXT, summary TEXT, severity INTEGER NOT NULL,"
	" cvss_score REAL NOT NULL, cvss_vector TEXT, url TEXT, source TEXT);"
	"CREATE TABLE IF NOT EXISTS affected(vuln_id TEXT NOT NULL, ecosystem TEXT NOT NULL,"
	" eco_key TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, purl TEXT,"
	" ranges TEXT NOT NULL, severity INTEGER NOT NULL, cvss_score REAL NOT NULL,"
	" cvss_vector TEXT);"
	"CREATE INDEX IF NOT EXISTS affected_pkg ON affected(eco_key, name_key);"
	"CREATE INDEX IF NOT EXISTS affected_vuln ON affected(vuln_id);"
	"CREATE TABLE IF NOT EXISTS eco_counts(ecosystem TEXT PRIMARY KEY, records INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS imports(time INTEGER NOT NULL, source TEXT NOT NULL,"
	" added INTEGER, updated INTEGER, unchanged INTEGER, failed INTEGER);";

static int sql_fail(struct ward_vulndb *db, struct ward_diag *d, const char *what)
{
	return ward_diag_set(d, -EIO, db->path, 0, 0, "%s: %s", what, sqlite3_errmsg(db->db));
}

int ward_store_exec(struct ward_vulndb *db, const char *sql, struct ward_diag *d)
{
	char *msg = NULL;

	if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ward_diag_set(d, -EIO, db->path, 0, 0, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int prepare(struct ward_vulndb *db, sqlite3_stmt **st, const char *sql, struct ward_diag *d)
{
	if (sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return sql_fail(db, d, "prepare");
	return 0;
}

static int check_schema(struct ward_vulndb *db, struct ward_diag *d)
{
	sqlite3_stmt *st = NULL;
	int ver = -1, rc;

	rc = sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key='schema'", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ward_diag_set(d, -WARD_E_VERSION, db->path, 0, 0,
				     "not a ward vulnerability database (%s)", sqlite3_errmsg(db->db));
	if (sqlite3_step(st) == SQLITE_ROW)
		ver = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (ver == -1 && !db->readonly) {
		char sql[96];

		snprintf(sql, sizeof(sql), "INSERT INTO meta(key, value) VALUES('schema', '%d')", WARD_VULNDB_SCHEMA);
		return ward_store_exec(db, sql, d);
	}
	if (ver != WARD_VULNDB_SCHEMA)
		return ward_diag_set(d, -WARD_E_VERSION, db->path, 0, 0,
				     "database schema %d, this ward reads %d: rebuild it with ward db import",
				     ver, WARD_VULNDB_SCHEMA);
	return 0;
}

int ward_vulndb_open(const char *path, bool readonly, struct ward_vulndb **out, struct ward_diag *d)
{
	struct ward_vulndb *db;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int err;

	if (!path || !*path)
		return ward_diag_set(d, -EINVAL, "", 0, 0, "no database path (set scan.db or --db)");
	db = ward_xcalloc(1, sizeof(*db));
	snprintf(db->path, sizeof(db->path), "%s", path);
	db->readonly = readonly;
	if (sqlite3_open_v2(path, &db->db, flags | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		err = ward_diag_set(d, readonly ? -ENOENT : -EIO, path, 0, 0, "cannot open database: %s%s",
				    db->db ? sqlite3_errmsg(db->db) : "out of memory",
				    readonly ? " (build it with: ward db import SOURCE --db PATH)" : "");
		goto fail;
	}
	sqlite3_busy_timeout(db->db, 5000);
	/* Rollback journal, not WAL: the database stays one self-contained file that can be
	 * copied into CI and opened read-only from a directory the scanner cannot write. */
	if (!readonly && (err = ward_store_exec(db, "PRAGMA synchronous=NORMAL;", d)))
		goto fail;
	if (!readonly && (err = ward_store_exec(db, schema_sql, d)))
		goto fail;
	if ((err = check_schema(db, d)))
		goto fail;
	if ((err = prepare(db, &db->match,
			   "SELECT v.id, v.aliases, v.summary, v.severity, v.cvss_score, v.cvss_vector,"
			   " v.url, a.ecosystem, a.ranges, a.severity, a.cvss_score, a.cvss_vector"
			   " FROM affected a JOIN vulns v ON v.id = a.vuln_id"
			   " WHERE a.eco_key = ?1 AND a.name_key = ?2 AND v.withdrawn IS NULL"
			   " ORDER BY v.id", d)))
		goto fail;
	if (!readonly &&
	    ((err = prepare(db, &db->get_modified, "SELECT modified FROM vulns WHERE id = ?1", d)) ||
	     (err = prepare(db, &db->del_affected, "DELETE FROM affected WHERE vuln_id = ?1", d)) ||
	     (err = prepare(db, &db->put_vuln,
			    "INSERT OR REPLACE INTO vulns(id, modified, published, withdrawn, aliases,"
			    " summary, severity, cvss_score, cvss_vector, url, source)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", d)) ||
	     (err = prepare(db, &db->put_affected,
			    "INSERT INTO affected(vuln_id, ecosystem, eco_key, name, name_key, purl,"
			    " ranges, severity, cvss_score, cvss_vector)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", d))))
		goto fail;
	*out = db;
	return 0;
fail:
	ward_vulndb_close(db);
	return err;
}

void ward_vulndb_close(struct ward_vulndb *db)
{
	if (!db)
		return;
	sqlite3_finalize(db->get_modified);
	sqlite3_finalize(db->del_affected);
	sqlite3_finalize(db->put_vuln);
	sqlite3_finalize(db->put_affected);
	sqlite3_finalize(db->match);
	sqlite3_close_v2(db->db);
	free(db);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int ward_store_record(struct ward_vulndb *db, const struct ward_osv_record *r, const char *source,
		      enum ward_store_result *res, struct ward_diag *d)
{
	int rc, existed = 0, err;

	bind_text(db->get_modified, 1, r->id);
	rc = sqlite3_step(db->get_modified);
	if (rc == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(db->get_modified, 0);

		existed = 1;
		/* Same time: unchanged. An older copy (an old export imported after a newer
		 * one) must not overwrite newer data, so it counts as unchanged too. The first
		 * 19 characters are the seconds-resolution time, comparable as text. */
		if (m && (!strcmp(m, r->modified) || strncmp(m, r->modified, 19) > 0)) {
			sqlite3_reset(db->get_modified);
			*res = WARD_STORE_UNCHANGED;
			return 0;
		}
	}
	sqlite3_reset(db->get_modified);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(db, d, "lookup");
	if ((err = ward_store_exec(db, "SAVEPOINT rec", d)))
		return err;
	bind_text(db->del_affected, 1, r->id);
	if (step_done(db->del_affected))
		goto fail;
	bind_text(db->put_vuln, 1, r->id);
	bind_text(db->put_vuln, 2, r->modified);
	bind_text(db->put_vuln, 3, r->published);
	bind_text(db->put_vuln, 4, r->withdrawn);
	bind_text(db->put_vuln, 5, r->aliases);
	bind_text(db->put_vuln, 6, r->summary);
	sqlite3_bind_int(db->put_vuln, 7, (int)r->severity);
	sqlite3_bind_double(db->put_vuln, 8, r->cvss_score);
	bind_text(db->put_vuln, 9, r->cvss_vector);
	bind_text(db->put_vuln, 10, r->url);
	bind_text(db->put_vuln, 11, source);
	if (step_done(db->put_vuln))
		goto fail;
	for (size_t i = 0; i < r->aff_cnt; i++) {
		const struct ward_osv_affected *a = &r->aff[i];

		bind_text(db->put_affected, 1, r->id);
		bind_text(db->put_affected, 2, a->ecosystem);
		bind_text(db->put_affected, 3, a->eco_key);
		bind_text(db->put_affected, 4, a->name);
		bind_text(db->put_affected, 5, a->name_key);
		bind_text(db->put_affected, 6, a->purl);
		bind_text(db->put_affected, 7, a->ranges);
		sqlite3_bind_int(db->put_affected, 8, (int)a->severity);
		sqlite3_bind_double(db->put_affected, 9, a->cvss_score);
		bind_text(db->put_affected, 10, a->cvss_vector);
		if (step_done(db->put_affected))
			goto fail;
	}
	if ((err = ward_store_exec(db, "RELEASE rec", d)))
		return err;
	*res = existed ? WARD_STORE_UPDATED : WARD_STORE_ADDED;
	return 0;
fail:
	err = sql_fail(db, d, r->id);
	ward_store_exec(db, "ROLLBACK TO rec; RELEASE rec", NULL);
	return err;
}

int ward_store_finish_import(struct ward_vulndb *db, const char *source,
			     const struct ward_vulndb_import_stats *s, struct ward_diag *d)
{
	sqlite3_stmt *st = NULL;
	long long now = (long long)time(NULL);
	int err;

	if ((err = ward_store_exec(db,
			"DELETE FROM eco_counts;"
			"INSERT INTO eco_counts(ecosystem, records) SELECT a.ecosystem,"
			" COUNT(DISTINCT a.vuln_id) FROM affected a JOIN vulns v ON v.id = a.vuln_id"
			" WHERE v.withdrawn IS NULL GROUP BY a.ecosystem;", d)))
		return err;
	if (sqlite3_prepare_v2(db->db,
			       "INSERT INTO imports(time, source, added, updated, unchanged, failed)"
			       " VALUES(?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, d, "imports");
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)s->added);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)s->updated);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)s->unchanged);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)s->failed);
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : sql_fail(db, d, "imports");
	sqlite3_finalize(st);
	if (err)
		return err;
	char sql[128];

	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta(key, value) VALUES('import_time', '%lld')", now);
	return ward_store_exec(db, sql, d);
}

static long long query_int(struct ward_vulndb *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = 0;

	if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int ward_vulndb_info(struct ward_vulndb *db, struct ward_vulndb_info *out)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	out->schema_version = WARD_VULNDB_SCHEMA;
	out->records = (size_t)query_int(db, "SELECT COUNT(*) FROM vulns");
	out->withdrawn = (size_t)query_int(db, "SELECT COUNT(*) FROM vulns WHERE withdrawn IS NOT NULL");
	out->packages = (size_t)query_int(db, "SELECT COUNT(*) FROM affected");
	out->import_time = query_int(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key='import_time'");
	if (sqlite3_prepare_v2(db->db, "SELECT MAX(modified) FROM vulns", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out->newest_modified, sizeof(out->newest_modified), "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db->db, "SELECT ecosystem, records FROM eco_counts ORDER BY ecosystem",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (out->ecos_cnt == cap) {
			cap = cap ? cap * 2 : 16;
			out->ecos = ward_xreallocarray(out->ecos, cap, sizeof(*out->ecos));
		}
		out->ecos[out->ecos_cnt].ecosystem = ward_xstrdup((const char *)sqlite3_column_text(st, 0));
		out->ecos[out->ecos_cnt].records = (size_t)sqlite3_column_int64(st, 1);
		out->ecos_cnt++;
	}
	sqlite3_finalize(st);
	return 0;
}

void ward_vulndb_info_free(struct ward_vulndb_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->ecos_cnt; i++)
		free(info->ecos[i].ecosystem);
	free(info->ecos);
	memset(info, 0, sizeof(*info));
}
