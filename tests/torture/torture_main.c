// SPDX-License-Identifier: Apache-2.0
/*
 * Torture driver (see docs/testing.md): for a few inputs of one target, counts the
 * allocations and writes a clean run makes (N), then reruns with the 1st, 2nd, ... Nth
 * failing, each in a forked child so a crash, a sanitizer report or a leak (LeakSanitizer
 * runs at the child's exit) is seen as that child's status. A failed allocation inside
 * ward's aborting allocator (common/xalloc.c) ends in SIGABRT with its "out of memory"
 * message: the designed outcome, counted apart. A target that defines ward_torture_target()
 * returns its error, and must return one when a failure was injected: a silent success is
 * a failure. Without that, the fuzz entry point LLVMFuzzerTestOneInput is driven.
 * Usage: torture_<name> DIR|FILE...  Env: WARD_TORTURE_INPUTS (inputs per target, default
 * all), WARD_TORTURE_CAP (failure points per input and kind, default 100000, i.e. every one
 * the corpus has; below the count: the first 8, then an even stride over the rest, so a
 * sampled run is deterministic and bounded too).
 */
/* the target's sources see abort=ward_torture_oracle_abort (CMakeLists.txt); this file
 * means the real one */
#undef abort
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/torture.h"

void ward_torture_oracle_abort(void) __attribute__((noreturn));

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int ward_torture_target(const uint8_t *data, size_t size);

#define MAX_FILES 4096
#define HEAD_POINTS 8
#define OOM_MSG "ward: fatal: out of memory"
/* a fuzz target's own checks assume nothing failed: its abort after an injected failure
 * ends the child with this status and is not held against the code under test */
#define ORACLE_EXIT 86

struct result {
	unsigned long count[WARD_TORTURE_KINDS];
	int fired;
	int rc;
};

static const char *kind_name[] = { "alloc", "write" };
static unsigned long stats_runs, stats_oom, stats_oracle, stats_fail;

void ward_torture_oracle_abort(void)
{
	if (ward_torture_fired())
		_exit(ORACLE_EXIT);
	abort();
}

static unsigned long env_num(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtoul(v, &end, 10);
	return errno || *end || !n ? dflt : n;
}

static int read_input(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*out = malloc((size_t)st.st_size + 1);
	if (!*out) {
		close(fd);
		return -1;
	}
	r = read(fd, *out, (size_t)st.st_size);
	close(fd);
	if (r < 0) {
		free(*out);
		return -1;
	}
	*len = (size_t)r;
	return 0;
}

/* Runs the target once in a child with the nth operation of kind failing (0: none).
 * Returns the child's wait status; res and the child's stderr (in errfd) are filled. */
static int run_child(const uint8_t *data, size_t len, enum ward_torture_kind kind,
		     unsigned long nth, struct result *res, int errfd)
{
	int pfd[2], status = 0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe(pfd) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct result r = { 0 };

		close(pfd[0]);
		dup2(errfd, STDERR_FILENO);
		ward_torture_arm(kind, nth);
		if (ward_torture_target)
			r.rc = ward_torture_target(data, len);
		else
			r.rc = LLVMFuzzerTestOneInput(data, len);
		for (int k = 0; k < WARD_TORTURE_KINDS; k++)
			r.count[k] = ward_torture_count(k);
		r.fired = ward_torture_fired();
		ward_torture_arm(kind, 0);
		if (write(pfd[1], &r, sizeof(r)) != sizeof(r))
			_exit(99);
		close(pfd[1]);
		exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
	}
	close(pfd[1]);
	if (read(pfd[0], res, sizeof(*res)) != sizeof(*res))
		res->rc = INT32_MIN; /* died before reporting */
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static void show_stderr(int errfd)
{
	char buf[4096];
	off_t size = lseek(errfd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
	ssize_t n = pread(errfd, buf, sizeof(buf) - 1, from);

	if (n > 0) {
		buf[n] = '\0';
		fprintf(stderr, "---- child stderr (last %zd bytes) ----\n%s----\n", n, buf);
	}
}

static bool stderr_has(int errfd, const char *needle)
{
	char buf[65536];
	ssize_t n = pread(errfd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* One failure point: classifies the child's outcome, prints and counts a failure. */
static void check_point(const char *input, const uint8_t *data, size_t len,
			enum ward_torture_kind kind, unsigned long nth, unsigned long total)
{
	struct result res;
	int errfd = memfd_create("torture-stderr", MFD_CLOEXEC);
	int st;
	const char *why = NULL;

	if (errfd < 0) {
		perror("memfd_create");
		exit(2);
	}
	st = run_child(data, len, kind, nth, &res, errfd);
	stats_runs++;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT && kind == WARD_TORTURE_ALLOC &&
	    stderr_has(errfd, OOM_MSG) && !stderr_has(errfd, "Sanitizer")) {
		stats_oom++; /* the aborting allocator's designed outcome */
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == ORACLE_EXIT) {
		stats_oracle++;
	} else if (WIFSIGNALED(st)) {
		why = strsignal(WTERMSIG(st));
	} else if (WEXITSTATUS(st) != 0) {
		why = "non-zero exit (a sanitizer or leak report)";
	} else if (!res.fired) {
		why = NULL; /* the path differed and the point was never reached: nothing to check */
	} else if (ward_torture_target && res.rc == 0) {
		why = "the injected failure was not reported (silent success)";
	}
	if (why) {
		stats_fail++;
		fprintf(stderr, "FAIL: %s: %s %lu of %lu: %s\n", input, kind_name[kind], nth,
			total, why);
		show_stderr(errfd);
	}
	close(errfd);
}

static void torture_input(const char *path, unsigned long cap)
{
	struct result clean;
	uint8_t *data;
	size_t len;
	int errfd, st;

	if (read_input(path, &data, &len) < 0) {
		stats_fail++;
		return;
	}
	errfd = memfd_create("torture-stderr", MFD_CLOEXEC);
	st = run_child(data, len, WARD_TORTURE_ALLOC, 0, &clean, errfd);
	if (st != 0 || (ward_torture_target && clean.rc != 0)) {
		fprintf(stderr, "FAIL: %s: the clean run failed (status %d, rc %d)\n", path, st,
			clean.rc);
		show_stderr(errfd);
		stats_fail++;
		close(errfd);
		free(data);
		return;
	}
	close(errfd);
	printf("%s: %lu allocations, %lu writes\n", path, clean.count[WARD_TORTURE_ALLOC],
	       clean.count[WARD_TORTURE_WRITE]);
	for (int k = 0; k < WARD_TORTURE_KINDS; k++) {
		unsigned long n = clean.count[k], head = n < HEAD_POINTS ? n : HEAD_POINTS;

		for (unsigned long i = 1; i <= head; i++)
			check_point(path, data, len, k, i, n);
		if (n > head && cap > head) {
			unsigned long rest = cap - head, span = n - head;

			for (unsigned long j = 1; j <= rest && j <= span; j++)
				check_point(path, data, len, k,
					    head + (span <= rest ? j : j * span / rest), n);
		}
	}
	free(data);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	static char *files[MAX_FILES];
	size_t cnt = 0;
	unsigned long want = env_num("WARD_TORTURE_INPUTS", MAX_FILES);
	unsigned long cap = env_num("WARD_TORTURE_CAP", 100000);

	if (!ward_torture_enabled()) {
		printf("SKIP: built without -DWARD_TORTURE=ON\n");
		return 77;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *de;

		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (cnt < MAX_FILES)
				files[cnt++] = strdup(argv[i]);
			continue;
		}
		d = opendir(argv[i]);
		if (!d)
			return 1;
		while ((de = readdir(d)) && cnt < MAX_FILES) {
			char p[4096];

			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
			files[cnt++] = strdup(p);
		}
		closedir(d);
	}
	if (!cnt) {
		fprintf(stderr, "torture: no inputs\n");
		return 1;
	}
	qsort(files, cnt, sizeof(*files), cmp_str);
	/* an even, deterministic pick of the sorted inputs */
	for (unsigned long i = 0; i < want && i < cnt; i++) {
		size_t at = want >= cnt ? i : (want == 1 ? 0 : i * (cnt - 1) / (want - 1));

		torture_input(files[at], cap);
	}
	for (size_t i = 0; i < cnt; i++)
		free(files[i]);
	printf("torture: %lu failure points: %lu ended in the out-of-memory abort, %lu in the "
	       "target's own check, %lu failed\n",
	       stats_runs, stats_oom, stats_oracle, stats_fail);
	return stats_fail ? 1 : 0;
}
