/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FIM operations on top of the scan pipeline: init (write a baseline), check and diff
 * (compare the tree with the verified baseline) and accept (fold the current state of some
 * trees into the baseline). Findings of check/diff/accept are held in a temporary file until
 * the whole baseline has been verified, so nothing derived from a tampered baseline is
 * ever printed. Not the command line (cli/cmd_fim.c).
 */
#ifndef WARD_FIM_CHECK_H
#define WARD_FIM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/err.h"
#include "fim/policy.h"
#include "fim/report.h"

enum ward_fim_mode { WARD_FIM_INIT, WARD_FIM_CHECK, WARD_FIM_ACCEPT };

struct ward_fim_run_opts {
	enum ward_fim_mode mode;
	const struct ward_fim_policy *policy;
	const char *db_path;
	const char *key_path;
	bool is_full;       /* re-read files even when inode, size, mtime and ctime match */
	bool is_json;
	bool is_detail;     /* old -> new values for each changed attribute (diff) */
	int hashers;        /* <= 0: one per CPU */
	const char *const *scopes;  /* accept: trees to fold in (absolute, normalized) */
	size_t scopes_cnt;
	FILE *out;
};

/* Runs one operation. Returns 0 when nothing changed, 1 when changes were found (or, for
 * accept, folded in), or a negative error with diag set (-WARD_E_INTEGRITY for a modified
 * baseline, whose findings are then discarded). Per-file errors are counted in
 * sum->errors and reported; they do not make the call fail. */
int ward_fim_run(const struct ward_fim_run_opts *o, struct ward_fim_summary *sum,
		 struct ward_diag *diag);

#endif
