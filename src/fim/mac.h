/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline's tamper evidence: the HMAC key file the agent holds, the canonical byte
 * encoding of one baseline row, per-row HMAC-SHA256 and the root HMAC chained over all row
 * MACs in path order. Per-row MACs name the row that was modified; the root MAC catches
 * rows that were deleted, inserted or reordered. Both are checked during the ordered pass
 * check makes anyway, so verifying costs one small HMAC per file and no extra read.
 * Not the SQLite storage (baseline.c).
 */
#ifndef WARD_FIM_MAC_H
#define WARD_FIM_MAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "fim/entry.h"

#define WARD_FIM_MAC_LEN 32

struct ward_fim_mac;

/* Loads the key file (regular file, not a symlink, WARD_FIM_KEY_MIN..MAX bytes, not
 * readable by group or others). With create set, a missing file is created with 32 random
 * bytes, mode 0600. Returns 0 or -errno/-WARD_E_* with diag naming the file. */
int ward_fim_mac_new(const char *key_path, bool create, struct ward_fim_mac **out,
		     struct ward_diag *diag);
void ward_fim_mac_free(struct ward_fim_mac *m);

/* 16 hex chars identifying the key (not secret-revealing: a hash prefix). */
const char *ward_fim_mac_key_id(const struct ward_fim_mac *m);

/* Canonical encoding of e; returns the length written (<= cap) or -WARD_E_LIMIT. */
int ward_fim_row_encode(const struct ward_fim_entry *e, uint8_t *out, size_t cap);
#define WARD_FIM_ROW_ENC_MAX (128 + WARD_FIM_PATH_MAX + WARD_FIM_LINK_MAX + 64 + 64)

/* HMAC of one row. Returns 0 or -EIO. */
int ward_fim_mac_row(struct ward_fim_mac *m, const struct ward_fim_entry *e,
		     uint8_t out[WARD_FIM_MAC_LEN]);

/* Root chain: begin, add each row MAC in path order, end with the row count and the
 * creation time, so neither meta value can be edited without breaking the root. */
int ward_fim_mac_root_begin(struct ward_fim_mac *m, uint32_t hash_bit);
void ward_fim_mac_root_add(struct ward_fim_mac *m, const uint8_t mac[WARD_FIM_MAC_LEN]);
int ward_fim_mac_root_end(struct ward_fim_mac *m, uint64_t cnt, int64_t created,
			  uint8_t out[WARD_FIM_MAC_LEN]);

/* Constant-time comparison. */
bool ward_fim_mac_equal(const uint8_t *a, const uint8_t *b);

#endif
