// SPDX-License-Identifier: Apache-2.0
/* ward-test: serial (drives the live system; runs alone)
 */
/*
 * The fallback backend on the real kernel (root): a marker shell command is forked, exec'd
 * and exits with code 3, and a child process creates, renames and deletes a marker file and
 * makes a directory; the records must say exactly that, with the right pids, start times,
 * argv and paths. Other activity on the machine is ignored by matching pids and markers.
 * Without root the test skips, unless WARD_REQUIRE_BPF=1 (then it fails).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sensor/sensor.h"

#define POLL_ROUNDS 600  /* x 100 ms: a bound against hangs, not a speed assertion */

struct seen {
	pid_t child;          /* the marker shell */
	pid_t writer;         /* the file-writing child */
	const char *marker;
	const char *file, *file2, *subdir;
	uint64_t fork_child_start, writer_start;
	bool writer_fork;
	uint32_t file_ppid;
	uint64_t file_pstart;
	bool fork, exec, exit, create, modify, rename, unlink, mkdir;
	uint64_t exec_pstart, exec_ppstart;
	uint32_t exec_ppid, exit_code;
	char exec_argv[512];
	size_t exec_argv_len;
	char exec_exe[256], exec_cwd[256];
	int bad_records;
};

/* String slot i of a record, or NULL when empty. */
static const char *slot(const struct ward_ev_raw *ev, unsigned i, size_t *len)
{
	const char *p = (const char *)(ev + 1);

	for (unsigned k = 0; k < i; k++)
		p += ev->str_len[k];
	*len = ev->str_len[i] ? ev->str_len[i] - 1u : 0; /* the length counts the NUL */
	return ev->str_len[i] ? p : NULL;
}

static bool str_is(const struct ward_ev_raw *ev, unsigned i, const char *want)
{
	size_t n;
	const char *s = slot(ev, i, &n);

	return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

static int on_record(const void *rec, size_t len, void *arg)
{
	const struct ward_ev_raw *ev = rec;
	struct seen *s = arg;
	size_t total = sizeof(*ev), n;
	const char *p;

	if (len < sizeof(*ev) || ev->abi != WARD_ABI_VERSION || ev->size != len) {
		s->bad_records++;
		return 0;
	}
	for (unsigned i = 0; i < WARD_EV_STRS; i++) {
		total += ev->str_len[i];
		p = slot(ev, i, &n);
		if (p && p[n] != '\0')
			s->bad_records++;
	}
	if (total != len)
		s->bad_records++;

	switch (ev->kind) {
	case WARD_EV_FORK:
		if (ev->pid == (uint32_t)getpid() && ev->child_pid == (uint32_t)s->child) {
			s->fork = true;
			s->fork_child_start = ev->child_start;
		}
		if (ev->pid == (uint32_t)getpid() && s->writer &&
		    ev->child_pid == (uint32_t)s->writer) {
			s->writer_fork = true;
			s->writer_start = ev->child_start;
		}
		break;
	case WARD_EV_EXEC:
		p = slot(ev, WARD_STR_ARGV, &n);
		if (ev->pid == (uint32_t)s->child && p && memmem(p, n, s->marker, strlen(s->marker))) {
			s->exec = true;
			s->exec_pstart = ev->pstart;
			s->exec_ppid = ev->ppid;
			s->exec_ppstart = ev->ppstart;
			s->exec_argv_len = n < sizeof(s->exec_argv) ? n : sizeof(s->exec_argv);
			memcpy(s->exec_argv, p, s->exec_argv_len);
			p = slot(ev, WARD_STR_EXE, &n);
			snprintf(s->exec_exe, sizeof(s->exec_exe), "%.*s", (int)n, p ? p : "");
			p = slot(ev, WARD_STR_CWD, &n);
			snprintf(s->exec_cwd, sizeof(s->exec_cwd), "%.*s", (int)n, p ? p : "");
		}
		break;
	case WARD_EV_EXIT:
		if (ev->pid == (uint32_t)s->child) {
			s->exit = true;
			s->exit_code = ev->exit_code;
		}
		break;
	case WARD_EV_OPEN:
		if (ev->pid == (uint32_t)s->writer && str_is(ev, WARD_STR_PATH, s->file)) {
			if ((ev->args[2] & (O_CREAT | O_ACCMODE)) == (O_CREAT | O_WRONLY)) {
				s->create = true;
				s->file_ppid = ev->ppid;
				s->file_pstart = ev->pstart;
			}
			else if ((ev->args[2] & O_ACCMODE) == O_WRONLY)
				s->modify = true;
		}
		break;
	case WARD_EV_RENAME:
		if (ev->pid == (uint32_t)s->writer && str_is(ev, WARD_STR_PATH, s->file) &&
		    str_is(ev, WARD_STR_PATH2, s->file2))
			s->rename = true;
		break;
	case WARD_EV_UNLINK:
		if (ev->pid == (uint32_t)s->writer && str_is(ev, WARD_STR_PATH, s->file2))
			s->unlink = true;
		break;
	case WARD_EV_MKDIR:
		if (ev->pid == (uint32_t)s->writer && str_is(ev, WARD_STR_PATH, s->subdir))
			s->mkdir = true;
		break;
	default:
		break;
	}
	return 0;
}

static void poll_until(struct ward_fallback *f, struct seen *s, bool *flag)
{
	for (int i = 0; i < POLL_ROUNDS && !*flag; i++) {
		int r = ward_fallback_poll(f, 100, on_record, s);

		assert_true(r >= 0 || r == -EINTR);
	}
}

static uint64_t my_start_ns(pid_t pid)
{
	char path[64], buf[1024];
	FILE *fp;
	char *p;
	unsigned long long ticks = 0;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fp = fopen(path, "re");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	assert_non_null(p);
	/* skip to field 22: fields 3..21 are 19 fields after ") " */
	p += 2;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		assert_non_null(p);
		p++;
	}
	ticks = strtoull(p, NULL, 10);
	return ticks * (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
}

static void need_root(void)
{
	const char *req = getenv("WARD_REQUIRE_BPF");

	if (geteuid() == 0)
		return;
	if (req && strcmp(req, "1") == 0)
		fail_msg("the fallback backend needs root (WARD_REQUIRE_BPF=1)");
	print_message("skipped: the fallback backend needs root\n");
	skip();
}

/* what a failed assertion leaves behind is removed in the teardown */
static char dir[] = "/tmp/ward-fb.XXXXXX", file[128], file2[128], subdir[128];

static int remove_files(void **state)
{
	unlink(file);
	unlink(file2);
	rmdir(subdir);
	rmdir(dir);
	return 0;
}

static void test_process_and_file_events(void **state)
{
	char why[512], marker[64], cwd[256];
	struct ward_fallback *f = NULL;
	struct seen s;
	int gate[2], status;

	need_root();
	assert_int_equal(ward_fallback_open(&f, why, sizeof(why)), 0);
	print_message("fallback: %s\n", why);
	/* on this machine both parts must work (platform.md) */
	assert_non_null(strstr(why, "process events (proc connector)"));
	assert_non_null(strstr(why, "file create/modify/delete/rename (fanotify)"));

	memset(&s, 0, sizeof(s));
	assert_non_null(mkdtemp(dir));
	snprintf(marker, sizeof(marker), "ward-fb-marker-%d-%ld", (int)getpid(),
		 (long)time(NULL));
	snprintf(file, sizeof(file), "%s/created-%s", dir, marker);
	snprintf(file2, sizeof(file2), "%s/renamed-%s", dir, marker);
	snprintf(subdir, sizeof(subdir), "%s/subdir", dir);
	s.marker = marker;
	s.file = file;
	s.file2 = file2;
	s.subdir = subdir;
	assert_non_null(getcwd(cwd, sizeof(cwd)));

	/* the shell blocks on stdin until the exec was seen, so /proc is readable then */
	assert_int_equal(pipe(gate), 0);
	s.child = fork();
	assert_true(s.child >= 0);
	if (s.child == 0) {
		dup2(gate[0], 0);
		close(gate[1]);
		execl("/bin/sh", "sh", "-c", "read x; exit 3", marker, (char *)NULL);
		_exit(127);
	}
	close(gate[0]);
	poll_until(f, &s, &s.exec);
	assert_true(s.exec);
	assert_true(s.fork);
	assert_int_equal(s.exec_pstart, my_start_ns(s.child));
	assert_int_equal(s.fork_child_start, s.exec_pstart);
	assert_int_equal(s.exec_ppid, (uint32_t)getpid());
	assert_int_equal(s.exec_ppstart, my_start_ns(getpid()));
	{
		static const char want[] = "sh\0-c\0read x; exit 3";
		size_t ml = strlen(marker);

		assert_int_equal(s.exec_argv_len, sizeof(want) + ml);
		assert_memory_equal(s.exec_argv, want, sizeof(want));
		assert_memory_equal(s.exec_argv + sizeof(want), marker, ml);
	}
	assert_string_equal(s.exec_cwd, cwd);
	assert_non_null(strstr(s.exec_exe, "sh")); /* /usr/bin/dash or bash behind /bin/sh */
	close(gate[1]);
	poll_until(f, &s, &s.exit);
	assert_true(s.exit);
	assert_int_equal(s.exit_code, 3 << 8);
	assert_int_equal(waitpid(s.child, &status, 0), s.child);
	assert_int_equal(WEXITSTATUS(status), 3);

	/* File events are reported with the pid of the process that made them. The writer has
	 * exited before its events are read, so its parent and start time can only come from
	 * what the backend remembered at its fork: wait for that fork to be seen first. */
	assert_int_equal(pipe(gate), 0);
	s.writer = fork();
	assert_true(s.writer >= 0);
	if (s.writer == 0) {
		char b;
		int fd;

		close(gate[1]);
		if (read(gate[0], &b, 1) != 1)
			_exit(2);
		fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) < 0 || rename(file, file2) < 0 ||
		    unlink(file2) < 0 || mkdir(subdir, 0700) < 0)
			_exit(1);
		_exit(0);
	}
	close(gate[0]);
	poll_until(f, &s, &s.writer_fork);
	assert_true(s.writer_fork);
	assert_int_equal(write(gate[1], "g", 1), 1);
	close(gate[1]);
	assert_int_equal(waitpid(s.writer, &status, 0), s.writer);
	assert_int_equal(WEXITSTATUS(status), 0);
	poll_until(f, &s, &s.mkdir);
	assert_true(s.create);
	assert_true(s.rename);
	assert_true(s.unlink);
	assert_true(s.mkdir);
	assert_int_equal(s.file_ppid, (uint32_t)getpid());
	assert_true(s.writer_start != 0);
	assert_int_equal(s.file_pstart, s.writer_start);
	assert_int_equal(s.bad_records, 0);

	ward_fallback_close(f);
}

static void test_bad_args(void **state)
{
	struct ward_fallback *f = NULL;
	char why[8];

	assert_int_equal(ward_fallback_open(NULL, why, sizeof(why)), -EINVAL);
	assert_int_equal(ward_fallback_open(&f, NULL, 0), -EINVAL);
	assert_null(f);
	assert_int_equal(ward_fallback_poll(NULL, 0, on_record, NULL), -EINVAL);
	ward_fallback_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_process_and_file_events, remove_files),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
