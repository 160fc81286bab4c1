/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secret detection: PCRE2 (JIT) rules over the text of one file. Built-in rules cover
 * private keys, cloud keys, tokens, JWTs and passwords in config files; a YAML rule file
 * replaces them. Not a file walker: walk.c hands over content it already read.
 */
#ifndef WARD_SCAN_SECRETS_H
#define WARD_SCAN_SECRETS_H

#include <stddef.h>

#include "common/err.h"
#include "scan/scan.h"

/* Compiles the built-in rules, or those in a YAML file when path is non-NULL:
 *   rules:
 *     - id: my-token           (required)
 *       description: My token  (required)
 *       regex: 'tok_[0-9a-f]{32}'   (required; capture group 1, if any, is what is redacted)
 *       severity: HIGH         (CRITICAL, HIGH, MEDIUM, LOW; default MEDIUM)
 *       keywords: [tok_]       (optional: literal, case-insensitive prefilter)
 *       path: '\.env$'         (optional: regex the file path must match)
 * Returns 0 and *out, or -WARD_E_* with d naming the file, line and rule. */
int ward_secrets_new(const char *path, struct ward_secrets **out, struct ward_diag *d);
void ward_secrets_free(struct ward_secrets *s);
/* Appends hits for data (the content of path) to r->secrets; returns the count added. */
int ward_secrets_scan(struct ward_secrets *s, const char *path, const char *data, size_t len,
		      struct ward_scan_result *r);
size_t ward_secrets_rule_cnt(const struct ward_secrets *s);
/* Does every rule's path pattern decide the same for paths a and b? (A file reached under
 * another name than it was read must be searched again when not.) */
bool ward_secrets_same_paths(const struct ward_secrets *s, const char *a, const char *b);

#endif
