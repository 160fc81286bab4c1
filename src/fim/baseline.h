/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FIM baseline in SQLite: one row per file keyed by the path with '/' stored as byte 0
 * (so SQLite's BLOB order is the walker's order, see policy.h), a meta table, and the MACs
 * of mac.h. A writer builds a new database next to the old one and renames it into place
 * on success, so a failed init or accept never loses the baseline that was there.
 * A reader hands out rows in path order with their stored MAC; verifying them is the
 * caller's job (it happens in the comparison pass).
 */
#ifndef WARD_FIM_BASELINE_H
#define WARD_FIM_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "fim/entry.h"
#include "fim/mac.h"

#define WARD_FIM_DB_VERSION 2 /* 2: the root MAC covers meta.created */

/* The columns of one row as SQLite returns them. */
struct ward_fim_rowcols {
	const void *k; size_t k_len;
	int64_t mask, mode, ino, nlink, uid, gid, size, mtime, ctime;
	const void *link; size_t link_len;
	const void *xattr; size_t xattr_len;
	const void *acl; size_t acl_len;
	const void *hash; size_t hash_len;
	const void *mac; size_t mac_len;
};

/* Decodes and range-checks one row into e (and its MAC into mac). Returns 0 or
 * -WARD_E_INTEGRITY naming the bad column in diag. Never trusts a length. */
int ward_fim_row_decode(const struct ward_fim_rowcols *c, struct ward_fim_entry *e,
			uint8_t mac[WARD_FIM_MAC_LEN], struct ward_diag *diag);

struct ward_fim_db_reader;

/* Opens db read-only; checks schema version and reads meta. Returns -ENOENT if missing. */
int ward_fim_db_open(const char *path, struct ward_fim_db_reader **out, struct ward_diag *diag);
void ward_fim_db_close(struct ward_fim_db_reader *r);
/* hash_bit, row count, root MAC and key id recorded at write time */
uint32_t ward_fim_db_hash_bit(const struct ward_fim_db_reader *r);
uint64_t ward_fim_db_count(const struct ward_fim_db_reader *r);
const uint8_t *ward_fim_db_root(const struct ward_fim_db_reader *r);
const char *ward_fim_db_key_id(const struct ward_fim_db_reader *r);
int64_t ward_fim_db_created(const struct ward_fim_db_reader *r);
/* Next row in path order: 1 with e/mac filled, 0 at the end, <0 on error (diag set). */
int ward_fim_db_next(struct ward_fim_db_reader *r, struct ward_fim_entry *e,
		     uint8_t mac[WARD_FIM_MAC_LEN], struct ward_diag *diag);

struct ward_fim_db_writer;

/* Starts a new database at "<path>.new"; ward_fim_db_commit renames it over path. */
int ward_fim_db_create(const char *path, struct ward_fim_mac *m, uint32_t hash_bit,
		       struct ward_fim_db_writer **out, struct ward_diag *diag);
/* Adds a row (must come in path order); computes its MAC. */
int ward_fim_db_put(struct ward_fim_db_writer *w, const struct ward_fim_entry *e);
/* Adds a row with a MAC already verified (accept keeps untouched rows as they were). */
int ward_fim_db_put_mac(struct ward_fim_db_writer *w, const struct ward_fim_entry *e,
			const uint8_t mac[WARD_FIM_MAC_LEN]);
/* Writes meta, syncs and renames into place. Frees w either way. */
int ward_fim_db_commit(struct ward_fim_db_writer *w, struct ward_diag *diag);
/* Drops the unfinished database. NULL is fine. */
void ward_fim_db_abort(struct ward_fim_db_writer *w);
uint64_t ward_fim_db_written(const struct ward_fim_db_writer *w);

#endif
