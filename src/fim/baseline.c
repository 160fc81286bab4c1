// SPDX-License-Identifier: Apache-2.0
/*
 * SQLite storage of the FIM baseline. Anything read back is treated as untrusted: the file
 * may have been edited, so every column is range-checked before use and the MACs decide
 * whether a row is believed. Not the MAC arithmetic (mac.c) or the comparison (check.c).
 */
#include "fim/baseline.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "fim/attr.h"

#define COLS "k, mask, mode, ino, nlink, uid, gid, size, mtime, ctime, link, xattr, acl, hash, mac"

static const char schema_sql[] =
	"CREATE TABLE meta(k TEXT PRIMARY KEY, v);"
	"CREATE TABLE files(k BLOB PRIMARY KEY, mask INTEGER, mode INTEGER, ino INTEGER,"
	" nlink INTEGER, uid INTEGER, gid INTEGER, size INTEGER, mtime INTEGER, ctime INTEGER,"
	" link BLOB, xattr BLOB, acl BLOB, hash BLOB, mac BLOB) WITHOUT ROWID;";

struct ward_fim_db_reader {
	sqlite3 *db;
	sqlite3_stmt *rows;
	uint32_t hash_bit;
	uint64_t cnt;
	uint8_t root[WARD_FIM_MAC_LEN];
	char key_id[17];
	int64_t created;
	char path[WARD_FIM_PATH_MAX];
};

struct ward_fim_db_writer {
	sqlite3 *db;
	sqlite3_stmt *ins;
	struct ward_fim_mac *m;
	uint32_t hash_bit;
	uint64_t cnt;
	char path[WARD_FIM_PATH_MAX];
	char tmp[WARD_FIM_PATH_MAX + 8];
};

int ward_fim_row_decode(const struct ward_fim_rowcols *c, struct ward_fim_entry *e,
			uint8_t mac[WARD_FIM_MAC_LEN], struct ward_diag *diag)
{
#define BAD(...) ward_diag_set(diag, -WARD_E_INTEGRITY, "", 0, 0, __VA_ARGS__)
	if (!c->k || c->k_len == 0 || c->k_len > WARD_FIM_PATH_MAX)
		return BAD("row with a missing or oversized path (%zu bytes)", c->k_len);
	if (c->mask < 0 || c->mask > WARD_FIM_A_ALL)
		return BAD("row: mask %lld out of range", (long long)c->mask);
	if (c->mode < 0 || c->mode > 0xffff || c->uid < 0 || c->uid > UINT32_MAX || c->gid < 0 ||
	    c->gid > UINT32_MAX || c->size < 0 || c->nlink < 0)
		return BAD("row: mode, uid, gid, size or nlink out of range");
	if (c->link_len > WARD_FIM_LINK_MAX)
		return BAD("row: link target longer than %d bytes", WARD_FIM_LINK_MAX);
	if ((c->xattr_len != 0 && c->xattr_len != WARD_SHA256_LEN) ||
	    (c->acl_len != 0 && c->acl_len != WARD_SHA256_LEN))
		return BAD("row: xattr/acl digest has the wrong length");
	if (c->hash_len != 0 && c->hash_len != WARD_SHA256_LEN && c->hash_len != WARD_SHA512_LEN)
		return BAD("row: content hash has the wrong length (%zu)", c->hash_len);
	if (!c->mac || c->mac_len != WARD_FIM_MAC_LEN)
		return BAD("row: MAC missing or of the wrong length");
#undef BAD
	memset(e, 0, offsetof(struct ward_fim_entry, path));
	e->mask = (uint32_t)c->mask;
	e->mode = (uint32_t)c->mode;
	e->ino = (uint64_t)c->ino;
	e->nlink = (uint64_t)c->nlink;
	e->uid = (uint32_t)c->uid;
	e->gid = (uint32_t)c->gid;
	e->size = (uint64_t)c->size;
	e->mtime_ns = c->mtime;
	e->ctime_ns = c->ctime;
	e->link_len = (uint16_t)c->link_len;
	if (c->link_len)
		memcpy(e->link, c->link, c->link_len);
	e->link[c->link_len] = '\0';
	e->has_xattr = c->xattr_len != 0;
	if (e->has_xattr)
		memcpy(e->xattr, c->xattr, WARD_SHA256_LEN);
	e->has_acl = c->acl_len != 0;
	if (e->has_acl)
		memcpy(e->acl, c->acl, WARD_SHA256_LEN);
	e->hash_len = (uint8_t)c->hash_len;
	if (c->hash_len)
		memcpy(e->hash, c->hash, c->hash_len);
	/* stored key: '/' as byte 0 */
	const uint8_t *k = c->k;
	for (size_t i = 0; i < c->k_len; i++)
		e->path[i] = k[i] == 0 ? '/' : (char)k[i];
	e->path[c->k_len] = '\0';
	e->path_len = c->k_len;
	memcpy(mac, c->mac, WARD_FIM_MAC_LEN);
	return 0;
}

static int db_err(struct ward_diag *d, sqlite3 *db, const char *path, const char *what)
{
	return ward_diag_set(d, -EIO, path, 0, 0, "%s: %s", what, db ? sqlite3_errmsg(db) : "?");
}

static int meta_get(sqlite3 *db, const char *k, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = ?", -1, st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(*st, 1, k, -1, SQLITE_STATIC);
	if (sqlite3_step(*st) != SQLITE_ROW) {
		sqlite3_finalize(*st);
		*st = NULL;
		return -WARD_E_NOTFOUND;
	}
	return 0;
}

int ward_fim_db_open(const char *path, struct ward_fim_db_reader **out, struct ward_diag *diag)
{
	struct ward_fim_db_reader *r;
	sqlite3_stmt *st = NULL;
	int err;

	if (access(path, F_OK) < 0)
		return ward_diag_set(diag, -errno, path, 0, 0,
				     "no baseline here (%s); run 'ward fim init' first", strerror(errno));
	r = ward_xcalloc(1, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s", path);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err = db_err(diag, r->db, path, "cannot open baseline");
		goto fail;
	}
	sqlite3_busy_timeout(r->db, 5000);
	err = meta_get(r->db, "version", &st);
	if (err == -WARD_E_NOTFOUND) {
		/* the table is there but its row is gone: SQLite has no error to report */
		err = ward_diag_set(diag, -WARD_E_INTEGRITY, path, 0, 0,
				    "baseline meta 'version' is missing: the baseline was modified "
				    "or is not a ward fim baseline; refusing to trust it");
		goto fail;
	}
	if (err) {
		err = ward_diag_set(diag, -WARD_E_INTEGRITY, path, 0, 0,
				    "not a ward fim baseline (no meta table): %s",
				    sqlite3_errmsg(r->db));
		goto fail;
	}
	if (sqlite3_column_int64(st, 0) != WARD_FIM_DB_VERSION) {
		err = ward_diag_set(diag, -WARD_E_VERSION, path, 0, 0,
				    "baseline schema version %lld, this ward reads %d; run 'ward fim init'",
				    (long long)sqlite3_column_int64(st, 0), WARD_FIM_DB_VERSION);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
#define META(name, code)                                                                     \
	do {                                                                                 \
		if (meta_get(r->db, name, &st)) {                                             \
			err = ward_diag_set(diag, -WARD_E_INTEGRITY, path, 0, 0,              \
					    "baseline meta '%s' is missing: the baseline was "  \
					    "modified; refusing to trust it", name);          \
			goto fail;                                                            \
		}                                                                             \
		code;                                                                         \
		sqlite3_finalize(st);                                                         \
		st = NULL;                                                                    \
	} while (0)
	META("hash_bit", r->hash_bit = (uint32_t)sqlite3_column_int64(st, 0));
	META("count", r->cnt = (uint64_t)sqlite3_column_int64(st, 0));
	META("created", r->created = sqlite3_column_int64(st, 0));
	META("root", {
		if (sqlite3_column_bytes(st, 0) != WARD_FIM_MAC_LEN) {
			err = ward_diag_set(diag, -WARD_E_INTEGRITY, path, 0, 0,
					    "baseline root MAC malformed: the baseline was modified");
			goto fail;
		}
		memcpy(r->root, sqlite3_column_blob(st, 0), WARD_FIM_MAC_LEN);
	});
	META("key_id", {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(r->key_id, sizeof(r->key_id), "%s", t ? (const char *)t : "");
	});
#undef META
	if (r->hash_bit != WARD_FIM_A_SHA256 && r->hash_bit != WARD_FIM_A_SHA512) {
		err = ward_diag_set(diag, -WARD_E_INTEGRITY, path, 0, 0,
				    "baseline meta hash_bit invalid: the baseline was modified");
		goto fail;
	}
	if (sqlite3_prepare_v2(r->db, "SELECT " COLS " FROM files ORDER BY k", -1, &r->rows,
			       NULL) != SQLITE_OK) {
		err = db_err(diag, r->db, path, "baseline files table unreadable");
		err = -WARD_E_INTEGRITY;
		goto fail;
	}
	*out = r;
	return 0;
fail:
	sqlite3_finalize(st);
	ward_fim_db_close(r);
	return err;
}

void ward_fim_db_close(struct ward_fim_db_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->rows);
	sqlite3_close(r->db);
	free(r);
}

uint32_t ward_fim_db_hash_bit(const struct ward_fim_db_reader *r) { return r->hash_bit; }
uint64_t ward_fim_db_count(const struct ward_fim_db_reader *r) { return r->cnt; }
const uint8_t *ward_fim_db_root(const struct ward_fim_db_reader *r) { return r->root; }
const char *ward_fim_db_key_id(const struct ward_fim_db_reader *r) { return r->key_id; }
int64_t ward_fim_db_created(const struct ward_fim_db_reader *r) { return r->created; }

static const void *blob(sqlite3_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(st, i);

	*len = p ? (size_t)sqlite3_column_bytes(st, i) : 0;
	return p;
}

int ward_fim_db_next(struct ward_fim_db_reader *r, struct ward_fim_entry *e,
		     uint8_t mac[WARD_FIM_MAC_LEN], struct ward_diag *diag)
{
	struct ward_fim_rowcols c;
	int rc = sqlite3_step(r->rows);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_err(diag, r->db, r->path, "reading baseline rows");
	c.k = blob(r->rows, 0, &c.k_len);
	c.mask = sqlite3_column_int64(r->rows, 1);
	c.mode = sqlite3_column_int64(r->rows, 2);
	c.ino = sqlite3_column_int64(r->rows, 3);
	c.nlink = sqlite3_column_int64(r->rows, 4);
	c.uid = sqlite3_column_int64(r->rows, 5);
	c.gid = sqlite3_column_int64(r->rows, 6);
	c.size = sqlite3_column_int64(r->rows, 7);
	c.mtime = sqlite3_column_int64(r->rows, 8);
	c.ctime = sqlite3_column_int64(r->rows, 9);
	c.link = blob(r->rows, 10, &c.link_len);
	c.xattr = blob(r->rows, 11, &c.xattr_len);
	c.acl = blob(r->rows, 12, &c.acl_len);
	c.hash = blob(r->rows, 13, &c.hash_len);
	c.mac = blob(r->rows, 14, &c.mac_len);
	rc = ward_fim_row_decode(&c, e, mac, diag);
	if (rc) {
		if (diag)
			snprintf(diag->file, sizeof(diag->file), "%s", r->path);
		return rc;
	}
	return 1;
}

int ward_fim_db_create(const char *path, struct ward_fim_mac *m, uint32_t hash_bit,
		       struct ward_fim_db_writer **out, struct ward_diag *diag)
{
	struct ward_fim_db_writer *w = ward_xcalloc(1, sizeof(*w));
	int err;

	snprintf(w->path, sizeof(w->path), "%s", path);
	snprintf(w->tmp, sizeof(w->tmp), "%s.new", path);
	w->m = m;
	w->hash_bit = hash_bit;
	unlink(w->tmp); /* a leftover from an interrupted run */
	if (sqlite3_open_v2(w->tmp, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		err = db_err(diag, w->db, w->tmp, "cannot create baseline");
		goto fail;
	}
	/* durability comes from fsync + rename at commit; the temporary file needs no journal */
	if (sqlite3_exec(w->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_exec(w->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "INSERT INTO files(" COLS ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &w->ins, NULL) != SQLITE_OK) {
		err = db_err(diag, w->db, w->tmp, "cannot create baseline");
		goto fail;
	}
	chmod(w->tmp, 0600);
	if (ward_fim_mac_root_begin(m, hash_bit)) {
		err = ward_diag_set(diag, -EIO, w->tmp, 0, 0, "HMAC failed");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	ward_fim_db_abort(w);
	return err;
}

int ward_fim_db_put_mac(struct ward_fim_db_writer *w, const struct ward_fim_entry *e,
			const uint8_t mac[WARD_FIM_MAC_LEN])
{
	uint8_t k[WARD_FIM_PATH_MAX];
	sqlite3_stmt *s = w->ins;
	int rc;

	for (size_t i = 0; i < e->path_len; i++)
		k[i] = e->path[i] == '/' ? 0 : (uint8_t)e->path[i];
	sqlite3_bind_blob(s, 1, k, (int)e->path_len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, e->mask);
	sqlite3_bind_int64(s, 3, e->mode);
	sqlite3_bind_int64(s, 4, (int64_t)e->ino);
	sqlite3_bind_int64(s, 5, (int64_t)e->nlink);
	sqlite3_bind_int64(s, 6, e->uid);
	sqlite3_bind_int64(s, 7, e->gid);
	sqlite3_bind_int64(s, 8, (int64_t)e->size);
	sqlite3_bind_int64(s, 9, e->mtime_ns);
	sqlite3_bind_int64(s, 10, e->ctime_ns);
	if (e->link_len)
		sqlite3_bind_blob(s, 11, e->link, e->link_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 11);
	if (e->has_xattr)
		sqlite3_bind_blob(s, 12, e->xattr, WARD_SHA256_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 12);
	if (e->has_acl)
		sqlite3_bind_blob(s, 13, e->acl, WARD_SHA256_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 13);
	if (e->hash_len)
		sqlite3_bind_blob(s, 14, e->hash, e->hash_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 14);
	sqlite3_bind_blob(s, 15, mac, WARD_FIM_MAC_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_CONSTRAINT ? -EEXIST : -EIO;
	ward_fim_mac_root_add(w->m, mac);
	w->cnt++;
	return 0;
}

int ward_fim_db_put(struct ward_fim_db_writer *w, const struct ward_fim_entry *e)
{
	uint8_t mac[WARD_FIM_MAC_LEN];
	int err = ward_fim_mac_row(w->m, e, mac);

	return err ? err : ward_fim_db_put_mac(w, e, mac);
}

uint64_t ward_fim_db_written(const struct ward_fim_db_writer *w)
{
	return w->cnt;
}

static int meta_put(sqlite3 *db, const char *k, const void *blob_v, int len, int64_t iv,
		    const char *tv)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO meta(k, v) VALUES(?, ?)", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	if (blob_v)
		sqlite3_bind_blob(st, 2, blob_v, len, SQLITE_STATIC);
	else if (tv)
		sqlite3_bind_text(st, 2, tv, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 2, iv);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int ward_fim_db_commit(struct ward_fim_db_writer *w, struct ward_diag *diag)
{
	uint8_t root[WARD_FIM_MAC_LEN];
	int64_t created = (int64_t)time(NULL);
	int err, fd;

	if (ward_fim_mac_root_end(w->m, w->cnt, created, root)) {
		err = ward_diag_set(diag, -EIO, w->tmp, 0, 0, "HMAC failed");
		goto fail;
	}
	if (meta_put(w->db, "version", NULL, 0, WARD_FIM_DB_VERSION, NULL) ||
	    meta_put(w->db, "hash_bit", NULL, 0, w->hash_bit, NULL) ||
	    meta_put(w->db, "count", NULL, 0, (int64_t)w->cnt, NULL) ||
	    meta_put(w->db, "created", NULL, 0, created, NULL) ||
	    meta_put(w->db, "root", root, WARD_FIM_MAC_LEN, 0, NULL) ||
	    meta_put(w->db, "key_id", NULL, 0, 0, ward_fim_mac_key_id(w->m)) ||
	    sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		err = db_err(diag, w->db, w->tmp, "cannot write baseline");
		goto fail;
	}
	sqlite3_finalize(w->ins);
	w->ins = NULL;
	if (sqlite3_close(w->db) != SQLITE_OK) {
		err = ward_diag_set(diag, -EIO, w->tmp, 0, 0, "cannot close baseline");
		w->db = NULL;
		goto fail;
	}
	w->db = NULL;
	fd = open(w->tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		err = ward_diag_set(diag, -errno, w->tmp, 0, 0, "cannot sync baseline: %s",
				    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	close(fd);
	if (rename(w->tmp, w->path) < 0) {
		err = ward_diag_set(diag, -errno, w->path, 0, 0, "cannot install baseline: %s",
				    strerror(errno));
		goto fail;
	}
	free(w);
	return 0;
fail:
	ward_fim_db_abort(w);
	return err;
}

void ward_fim_db_abort(struct ward_fim_db_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->ins);
	if (w->db)
		sqlite3_close(w->db);
	unlink(w->tmp);
	free(w);
}
