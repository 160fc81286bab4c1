// SPDX-License-Identifier: Apache-2.0
/* Aborting allocators for the control plane. */
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ward_oom(size_t size)
{
	fprintf(stderr, "ward: fatal: out of memory allocating %zu bytes\n", size);
	abort();
}

void *ward_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		ward_oom(size);
	return p;
}

void *ward_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		ward_oom(nmemb * size);
	return p;
}

void *ward_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		ward_oom(size);
	return p;
}

void *ward_xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size && nmemb > (size_t)-1 / size)
		ward_oom((size_t)-1);
	return ward_xrealloc(ptr, nmemb * size);
}

char *ward_xstrdup(const char *s)
{
	return ward_xstrndup(s, strlen(s));
}

char *ward_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = ward_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
