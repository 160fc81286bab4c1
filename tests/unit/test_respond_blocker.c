// SPDX-License-Identifier: Apache-2.0
/* ward-test: serial (drives the live system; runs alone)
 */
/* The exec blocker library against the real kernel: on a private tmpfs, exec of a blocked
 * path fails with EPERM and the callback (on the blocker's thread) sees the pid and path;
 * another file on the same mount runs; a hash rule matches a copy; after free, exec works
 * again (fail-open). Entries added while the blocker runs take effect at once, including a
 * hash whose file was already hashed and allowed (the cache holds digests, not verdicts);
 * entries that would deny ward itself, a dynamic loader or a protected name are refused.
 * Needs root (mount, fanotify); skipped otherwise. Also run under TSan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/hash.h"
#include "respond/respond.h"

static char dir[] = "/tmp/ward-test-respond-blocker.XXXXXX";

struct seen {
	pthread_mutex_t lock;
	int cnt;
	pid_t pid;
	char path[256];
	enum ward_block_kind kind;
};

static void on_deny(const struct ward_block_denial *d, void *arg)
{
	struct seen *s = arg;

	pthread_mutex_lock(&s->lock);
	s->cnt++;
	s->pid = d->pid;
	s->kind = d->matched;
	snprintf(s->path, sizeof(s->path), "%s", d->path);
	pthread_mutex_unlock(&s->lock);
}

/* Forks and execs path; returns the child's errno from execv (0 if it ran and exited 0). */
static int try_exec(const char *path, pid_t *child)
{
	int p[2], e = 0, status;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { (char *)path, NULL };

		execv(path, argv);
		e = errno;
		if (write(p[1], &e, sizeof(e)) != sizeof(e))
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &e, sizeof(e)) != sizeof(e))
		e = 0; /* pipe closed by exec: it ran */
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (child)
		*child = pid;
	if (!e && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		e = -1;
	return e;
}

static int copy(const char *from, const char *to)
{
	int in, out, r = -1;
	char buf[65536];
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in >= 0 && out >= 0) {
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				break;
		r = n == 0 ? 0 : -1;
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return r;
}

/* The blocker answers the kernel first and reports the denial after, so the exec can fail
 * before the callback ran: wait (bounded) for the report, then hold the lock. */
static void wait_denials(struct seen *s, int want)
{
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&s->lock);
		if (s->cnt >= want)
			return;
		pthread_mutex_unlock(&s->lock);
		usleep(1000);
	}
	pthread_mutex_lock(&s->lock);
}

static int add(struct ward_blocker *b, enum ward_block_kind kind, const char *what)
{
	struct ward_block_entry e = { kind, what, "test" };
	char why[512];

	return ward_blocker_add(b, &e, why, sizeof(why));
}

static void test_blocker(void **state)
{
	struct seen s = { .lock = PTHREAD_MUTEX_INITIALIZER };
	char blocked[300], allowed[300], hashed[300], hashcopy[300], hex[65];
	uint8_t sha[WARD_SHA256_LEN];
	struct ward_blocker *b;
	uint64_t nallow, ndeny;
	pid_t child;
	int fd;

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	if (mount("ward-test", dir, "tmpfs", 0, "size=8m") < 0) {
		rmdir(dir);
		skip();
	}
	snprintf(blocked, sizeof(blocked), "%s/blocked-true", dir);
	snprintf(allowed, sizeof(allowed), "%s/allowed-true", dir);
	snprintf(hashed, sizeof(hashed), "%s/hashed", dir);
	snprintf(hashcopy, sizeof(hashcopy), "%s/hashed-copy", dir);
	assert_int_equal(copy("/bin/true", blocked), 0);
	assert_int_equal(copy("/bin/true", allowed), 0);
	assert_int_equal(copy("/bin/false", hashed), 0);
	assert_int_equal(copy("/bin/false", hashcopy), 0);
	fd = open(hashed, O_RDONLY);
	assert_int_equal(ward_sha256_fd(fd, sha), 0);
	close(fd);

	assert_int_equal(ward_blocker_new(&b), 0);
	assert_int_equal(add(b, WARD_BLOCK_PATH, blocked), 0);
	assert_int_equal(add(b, WARD_BLOCK_SHA256, ward_hex(sha, sizeof(sha), hex)), 1);
	assert_int_equal(add(b, WARD_BLOCK_SHA256, "zz"), -EINVAL);
	assert_int_equal(add(b, WARD_BLOCK_DIR, blocked), -ENOTDIR);
	assert_int_equal(add(b, WARD_BLOCK_PATH, blocked), -EEXIST);
	assert_int_equal(ward_blocker_start(b, on_deny, &s), 0);
	assert_int_equal(ward_blocker_start(b, on_deny, &s), -EBUSY);

	assert_int_equal(try_exec(blocked, &child), EPERM);
	wait_denials(&s, 1);
	assert_int_equal(s.cnt, 1);
	assert_int_equal(s.pid, child);
	assert_string_equal(s.path, blocked);
	assert_int_equal(s.kind, WARD_BLOCK_PATH);
	pthread_mutex_unlock(&s.lock);

	assert_int_equal(try_exec(allowed, NULL), 0);
	/* /bin/false exits 1: reaching it means the exec itself was allowed */
	assert_int_equal(try_exec(hashcopy, NULL), EPERM);
	assert_int_equal(try_exec(hashcopy, NULL), EPERM); /* second time from the cache */
	wait_denials(&s, 3);
	assert_int_equal(s.cnt, 3);
	assert_int_equal(s.kind, WARD_BLOCK_SHA256);
	pthread_mutex_unlock(&s.lock);
	ward_blocker_stats(b, &nallow, &ndeny);
	assert_int_equal(ndeny, 3);
	assert_true(nallow >= 1);

	/* runtime additions: a path, and a hash of a file the thread already hashed (allowed) */
	assert_int_equal(add(b, WARD_BLOCK_PATH, allowed), 2);
	assert_int_equal(try_exec(allowed, NULL), EPERM);
	snprintf(hashcopy, sizeof(hashcopy), "%s/other", dir);
	assert_int_equal(copy("/bin/echo", hashcopy), 0);
	assert_int_equal(try_exec(hashcopy, NULL), 0);
	fd = open(hashcopy, O_RDONLY);
	assert_int_equal(ward_sha256_fd(fd, sha), 0);
	close(fd);
	assert_int_equal(add(b, WARD_BLOCK_SHA256, ward_hex(sha, sizeof(sha), hex)), 3);
	assert_int_equal(try_exec(hashcopy, NULL), EPERM);
	assert_int_equal(ward_blocker_count(b), 4);

	ward_blocker_free(b);
	assert_int_equal(try_exec(blocked, NULL), 0); /* fail-open once the group is gone */
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/* Never ward itself, the host's init or a dynamic loader, by path, dir or content. */
static void test_protected(void **state)
{
	struct ward_blocker *b;
	char why[512], self[4096], hex[65];
	uint8_t sha[WARD_SHA256_LEN];
	struct ward_block_entry e = { WARD_BLOCK_PATH, "/proc/self/exe", "test" };
	ssize_t n;
	int fd;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(ward_blocker_new(&b), 0);
	assert_int_equal(ward_blocker_add(b, &e, why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "refusing to block"));
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	assert_int_equal(add(b, WARD_BLOCK_DIR, self), -WARD_E_PROTECTED);
	assert_int_equal(add(b, WARD_BLOCK_DIR, "/"), -WARD_E_PROTECTED);
	assert_int_equal(add(b, WARD_BLOCK_PATH, "/lib64/ld-linux-x86-64.so.2") == -WARD_E_PROTECTED ||
			 access("/lib64/ld-linux-x86-64.so.2", F_OK) != 0, 1);
	fd = open("/proc/self/exe", O_RDONLY);
	assert_int_equal(ward_sha256_fd(fd, sha), 0);
	close(fd);
	assert_int_equal(add(b, WARD_BLOCK_SHA256, ward_hex(sha, sizeof(sha), hex)),
			 -WARD_E_PROTECTED);
	ward_blocker_protect_name(b, "true");
	e.what = "/bin/true";
	assert_int_equal(ward_blocker_add(b, &e, why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "respond.protected"));
	assert_int_equal(ward_blocker_count(b), 0);
	ward_blocker_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocker),
		cmocka_unit_test(test_protected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
