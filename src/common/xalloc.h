/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control-plane allocation (config, rule compilation, CLI): abort on out-of-memory instead of
 * threading NULL checks through code that cannot continue anyway. Not for untrusted sizes:
 * check those against a limit in common/limits.h first.
 */
#ifndef WARD_XALLOC_H
#define WARD_XALLOC_H

#include <stddef.h>

void *ward_xmalloc(size_t size);
void *ward_xcalloc(size_t nmemb, size_t size);
void *ward_xrealloc(void *ptr, size_t size);
/* Grows an array of nmemb*size with overflow check. */
void *ward_xreallocarray(void *ptr, size_t nmemb, size_t size);
char *ward_xstrdup(const char *s);
char *ward_xstrndup(const char *s, size_t n);

#endif
