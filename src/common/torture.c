// SPDX-License-Identifier: Apache-2.0
/*
 * See torture.h. The wrappers are bound with ld --wrap (CMakeLists.txt, WARD_TORTURE), so
 * only references from ward's own objects reach them and __real_* is the libc (or
 * sanitizer) function. Counters are atomic: the agent's output and server threads allocate
 * too. Stderr is never failed: it is where the error a torture run checks for goes.
 */
#include "common/torture.h"

#ifdef WARD_TORTURE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static unsigned long counts[WARD_TORTURE_KINDS];
static unsigned long fail_at[WARD_TORTURE_KINDS];
static bool fired;
static const char *count_path;

/* True when this operation is the one to fail. */
static bool hit(enum ward_torture_kind k)
{
	unsigned long n = __atomic_add_fetch(&counts[k], 1, __ATOMIC_RELAXED);
	unsigned long at = __atomic_load_n(&fail_at[k], __ATOMIC_RELAXED);

	if (!at || n != at)
		return false;
	__atomic_store_n(&fired, true, __ATOMIC_RELAXED);
	return true;
}

void ward_torture_arm(enum ward_torture_kind kind, unsigned long nth)
{
	for (int k = 0; k < WARD_TORTURE_KINDS; k++) {
		__atomic_store_n(&counts[k], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&fail_at[k], 0, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&fired, false, __ATOMIC_RELAXED);
	__atomic_store_n(&fail_at[kind], nth, __ATOMIC_RELAXED);
}

unsigned long ward_torture_count(enum ward_torture_kind kind)
{
	return __atomic_load_n(&counts[kind], __ATOMIC_RELAXED);
}

bool ward_torture_fired(void)
{
	return __atomic_load_n(&fired, __ATOMIC_RELAXED);
}

bool ward_torture_enabled(void)
{
	return true;
}

void *__real_malloc(size_t size);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__real_reallocarray(void *ptr, size_t nmemb, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __real_writev(int fd, const struct iovec *iov, int cnt);
size_t __real_fwrite(const void *p, size_t size, size_t n, FILE *f);
int __real_fflush(FILE *f);
int __real_fclose(FILE *f);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void *__wrap_reallocarray(void *ptr, size_t nmemb, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
ssize_t __wrap_writev(int fd, const struct iovec *iov, int cnt);
size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f);
int __wrap_fflush(FILE *f);
int __wrap_fclose(FILE *f);

#define FAIL_ALLOC()                                                                       \
	do {                                                                               \
		if (hit(WARD_TORTURE_ALLOC)) {                                             \
			errno = ENOMEM;                                                    \
			return NULL;                                                       \
		}                                                                          \
	} while (0)

void *__wrap_malloc(size_t size)
{
	FAIL_ALLOC();
	return __real_malloc(size);
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
	FAIL_ALLOC();
	return __real_calloc(nmemb, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	FAIL_ALLOC(); /* like a real failure: ptr stays allocated and unchanged */
	return __real_realloc(ptr, size);
}

void *__wrap_reallocarray(void *ptr, size_t nmemb, size_t size)
{
	FAIL_ALLOC();
	return __real_reallocarray(ptr, nmemb, size);
}

char *__wrap_strdup(const char *s)
{
	FAIL_ALLOC();
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	FAIL_ALLOC();
	return __real_strndup(s, n);
}

ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
	if (fd != STDERR_FILENO && hit(WARD_TORTURE_WRITE)) {
		errno = ENOSPC;
		return -1;
	}
	return __real_write(fd, buf, len);
}

ssize_t __wrap_writev(int fd, const struct iovec *iov, int cnt)
{
	if (fd != STDERR_FILENO && hit(WARD_TORTURE_WRITE)) {
		errno = ENOSPC;
		return -1;
	}
	return __real_writev(fd, iov, cnt);
}

size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	if (f != stderr && hit(WARD_TORTURE_WRITE)) {
		errno = ENOSPC;
		return 0;
	}
	return __real_fwrite(p, size, n, f);
}

int __wrap_fflush(FILE *f)
{
	if (f && f != stderr && hit(WARD_TORTURE_WRITE)) {
		errno = ENOSPC;
		return EOF;
	}
	return __real_fflush(f);
}

int __wrap_fclose(FILE *f)
{
	if (f != stderr && hit(WARD_TORTURE_WRITE)) {
		__real_fclose(f); /* the stream is gone either way, as with a real failure */
		errno = ENOSPC;
		return EOF;
	}
	return __real_fclose(f);
}

static unsigned long env_ulong(const char *name)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	return errno || *end ? 0 : n;
}

__attribute__((constructor)) static void torture_init(void)
{
	unsigned long a = env_ulong("WARD_TORTURE_FAIL_ALLOC");
	unsigned long w = env_ulong("WARD_TORTURE_FAIL_WRITE");

	count_path = getenv("WARD_TORTURE_COUNT");
	__atomic_store_n(&fail_at[WARD_TORTURE_ALLOC], a, __ATOMIC_RELAXED);
	__atomic_store_n(&fail_at[WARD_TORTURE_WRITE], w, __ATOMIC_RELAXED);
}

__attribute__((destructor)) static void torture_report(void)
{
	char line[96];
	int fd, n;

	if (!count_path || !*count_path)
		return;
	fd = open(count_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "alloc %lu\nwrite %lu\nfired %d\n",
		     ward_torture_count(WARD_TORTURE_ALLOC), ward_torture_count(WARD_TORTURE_WRITE),
		     ward_torture_fired());
	if (n > 0)
		(void)!__real_write(fd, line, (size_t)n);
	close(fd);
}

#else /* !WARD_TORTURE */

void ward_torture_arm(enum ward_torture_kind kind, unsigned long nth)
{
}

unsigned long ward_torture_count(enum ward_torture_kind kind)
{
	return 0;
}

bool ward_torture_fired(void)
{
	return false;
}

bool ward_torture_enabled(void)
{
	return false;
}

#endif
