/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to src/vulndb: the rule list that ignore files (suppress_ignore.c) and OpenVEX
 * documents (suppress_vex.c) load into, and that suppress.c applies to findings.
 */
#ifndef WARD_VULNDB_SUPPRESS_H
#define WARD_VULNDB_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "vulndb/vulndb.h"

enum ward_sup_kind { WARD_SUP_IGNORE, WARD_SUP_VEX };

struct ward_sup_rule {
	enum ward_sup_kind kind;
	char *ids;          /* comma-separated: the id and any aliases it was given with */
	char **pkgs;        /* names or purls; empty: any package */
	size_t pkgs_cnt;
	char *reason;       /* ignore: reason; VEX: "status (justification): statement" */
	char expires[11];   /* ignore: YYYY-MM-DD or "" */
	bool suppresses;    /* VEX: not_affected/fixed; ignore: always true */
	bool warned;        /* expiry warning printed */
	char origin[300];   /* "file:line" or "file: statements[3]" */
};

struct ward_suppress {
	struct ward_sup_rule *r;
	size_t cnt, cap;
	size_t expired;
};

/* Appends a rule (zeroed) and returns it; aborts on OOM like all control-plane code. */
struct ward_sup_rule *ward_sup_add(struct ward_suppress *s);
void ward_sup_add_pkg(struct ward_sup_rule *r, const char *pkg);
/* Drops rules from index cnt on (a file that failed to load adds nothing). */
void ward_sup_truncate(struct ward_suppress *s, size_t cnt);
/* "YYYY-MM-DD" with a plausible month and day. */
bool ward_sup_valid_date(const char *s);
/* An advisory id as ignore files and VEX name them: printable, no spaces, <= 128 bytes. */
bool ward_sup_valid_id(const char *s, size_t len);
/* Reads a whole file of at most max bytes (O_NOFOLLOW not used: users point at their own
 * files). *out is malloc'd and NUL-terminated. */
int ward_sup_read_file(const char *path, size_t max, char **out, size_t *len, struct ward_diag *d);

#endif
