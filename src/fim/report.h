/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FIM findings as a readable report or as one JSON document
 * {"findings":[...],"summary":{...}}. Paths are bytes: text output escapes control
 * characters and backslashes (a name with a newline stays on one line), JSON output is
 * escaped by jsonw and adds "path_hex" when a path is not valid UTF-8, so no byte is lost.
 */
#ifndef WARD_FIM_REPORT_H
#define WARD_FIM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "fim/entry.h"

enum ward_fim_kind { WARD_FIM_ADDED, WARD_FIM_REMOVED, WARD_FIM_CHANGED, WARD_FIM_ERROR };

struct ward_fim_summary {
	uint64_t files, added, removed, changed, errors, unverified;
	int64_t baseline_created; /* seconds since the epoch, covered by the root MAC; 0: init */
};

struct ward_fim_report {
	FILE *out;
	bool is_json, is_detail;
	uint64_t cnt;
	struct ward_buf b;
};

void ward_fim_report_init(struct ward_fim_report *r, FILE *out, bool is_json, bool is_detail);
/* One finding. base/cur may be NULL as the kind implies; err is -errno for errors and for
 * a changed file whose deep attributes could not be read. */
int ward_fim_report_add(struct ward_fim_report *r, enum ward_fim_kind kind,
			const struct ward_fim_entry *base, const struct ward_fim_entry *cur,
			uint32_t changed, int err, const char *err_path, const char *note);
/* Closes the document with the summary (and a free-form status line for text). */
int ward_fim_report_end(struct ward_fim_report *r, const struct ward_fim_summary *s,
			const char *what);
void ward_fim_report_free(struct ward_fim_report *r);

/* Appends path escaped for a terminal (\n, \t, \\, \xNN for other control bytes). */
int ward_fim_text_escape(struct ward_buf *b, const char *s, size_t len);
/* True when s is valid UTF-8. */
bool ward_fim_utf8_valid(const char *s, size_t len);

#endif
