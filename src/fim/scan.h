/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scan pipeline shared by init, check, diff and accept: one walker thread produces
 * files in baseline order and merges them with the baseline cursor, hasher threads read
 * and hash the files that need it, and the caller's thread receives every item in order.
 * Memory is bounded by the queue (WARD_FIM_QUEUE items) plus one directory listing per
 * level of the current path, whatever the size of the tree.
 * Not here: what an item means (check.c) or how it is printed (report.c).
 */
#ifndef WARD_FIM_SCAN_H
#define WARD_FIM_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "fim/baseline.h"
#include "fim/entry.h"
#include "fim/policy.h"

struct ward_fim_item {
	struct ward_fim_entry cur;   /* valid when has_cur */
	struct ward_fim_entry base;  /* valid when has_base */
	uint8_t base_mac[WARD_FIM_MAC_LEN];
	bool has_cur, has_base;
	bool is_deep;        /* cur's deep attributes were read from disk (not copied) */
	bool is_unknown;     /* base row under a directory that could not be read */
	bool is_vanished;    /* the file disappeared while it was being read */
	bool in_scope;       /* inside an accept scope (always true for other modes) */
	int err;             /* -errno reading cur (or its directory); cur may be partial */
	char err_path[WARD_FIM_PATH_MAX + 1]; /* where err happened, when has_cur is false */
};

struct ward_fim_scan_opts {
	const struct ward_fim_policy *policy;
	struct ward_fim_db_reader *base;   /* NULL for init */
	/* With base: the walker chains every stored row MAC into the root MAC with this
	 * object's root context and fails the scan (-WARD_E_INTEGRITY) on a mismatch. The
	 * caller may use only its row context meanwhile. */
	struct ward_fim_mac *verify;
	bool is_full;                      /* re-read every file */
	int hashers;                       /* <= 0: number of online CPUs */
	const char *const *scopes;         /* accept: only these trees are re-read */
	size_t scopes_cnt;
	/* Called in path order on the caller's thread; a negative return stops the scan. */
	int (*on_item)(const struct ward_fim_item *it, void *arg);
	void *arg;
};

/* Runs the scan. Returns 0, the first negative on_item return, or a fatal -errno (a
 * baseline read error with diag set). Per-file problems are items, not failures. */
int ward_fim_scan(const struct ward_fim_scan_opts *o, struct ward_diag *diag);

#endif
