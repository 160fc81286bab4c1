// SPDX-License-Identifier: Apache-2.0
/* ward-test: serial (drives the live system; runs alone)
 */
/*
 * The default ruleset against real attacks: records the live eBPF sensor (`ward trace
 * --write`, the binary next to this test) while tests/integration/alert/scenarios.sh
 * performs every attack and benign scenario in its own directory, then replays the capture
 * through the real decoder and rules engine. Each attack must raise its rule; each benign
 * scenario must raise nothing at Warning or above. Events are attributed to scenarios by
 * the process's working directory, so other activity on the machine cannot interfere.
 *
 * Needs root and BPF. Without them the test is skipped with the reason, unless
 * WARD_REQUIRE_BPF=1, which turns the skip into a failure (CI on this machine kind).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "events/capture.h"
#include "events/container.h"
#include "events/decoder.h"
#include "events/proc.h"
#include "rules/rules.h"

#define SCRIPT WARD_SOURCE_DIR "/tests/integration/alert/scenarios.sh"
#define RULES_DIR WARD_SOURCE_DIR "/rules"
#define MAX_SCEN 128
#define MAX_RULES 256
#define WAIT_MAX_MS 60000

struct scenario {
	char name[64];
	char rule[128];   /* attack: must fire; benign: "" or a below-Warning rule that must */
	bool benign;
	char dir[512];
	bool fired[MAX_RULES];
};

static struct scenario scen[MAX_SCEN];
static size_t scen_cnt;
static char tmp[] = "/tmp/ward-test-alert-ruleset.XXXXXX";
static char ward_bin[4096];

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Runs argv in cwd (NULL: ours) with stdout into out (bounded); returns the exit status
 * or -1. The child enters cwd before exec: the process table records the working directory
 * at exec, and scenarios are recognised by it. */
static int run(char *const argv[], const char *cwd, char *out, size_t out_len)
{
	int p[2], st;
	pid_t pid;
	size_t got = 0;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(p[1], 1);
		if (!out)
			dup2(devnull, 1);
		dup2(devnull, 2);
		close(p[0]);
		if (cwd && chdir(cwd) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char junk[512];
		ssize_t n = out && got + 1 < out_len ? read(p[0], out + got, out_len - 1 - got)
						     : read(p[0], junk, sizeof(junk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out && got + 1 < out_len)
			got += (size_t)n;
	}
	if (out)
		out[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void skip_or_fail(const char *why)
{
	const char *req = getenv("WARD_REQUIRE_BPF");

	if (req && strcmp(req, "1") == 0)
		fail_msg("required capability missing: %s", why);
	print_message("SKIP: %s\n", why);
	skip();
}

static void load_scenarios(void)
{
	static char list[16384];
	char *argv[] = { "/bin/bash", SCRIPT, "list", NULL }, *line, *next;

	assert_int_equal(run(argv, NULL, list, sizeof(list)), 0);
	for (line = list; *line && scen_cnt < MAX_SCEN; line = next) {
		char *bar, *nl = strchr(line, '\n');
		struct scenario *s = &scen[scen_cnt];

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		bar = strchr(line, '|');
		assert_non_null(bar);
		*bar = '\0';
		snprintf(s->name, sizeof(s->name), "%s", line);
		s->benign = bar[1] == '-' || bar[1] == '~';
		snprintf(s->rule, sizeof(s->rule), "%s",
			 bar[1] == '-' ? "" : bar[1] == '~' ? bar + 2 : bar + 1);
		snprintf(s->dir, sizeof(s->dir), "%s/sc/%s", tmp, s->name);
		scen_cnt++;
	}
	assert_true(scen_cnt >= 40);
}

/* Starts the recorder in its own session: the sensor ignores its own session's events. */
static pid_t start_trace(const char *cap, const char *errlog)
{
	pid_t pid = fork();

	if (pid == 0) {
		int e = open(errlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		int n = open("/dev/null", O_RDWR);
		char *argv[] = { ward_bin, "trace", "--write", (char *)cap, "--quiet", NULL };

		setsid();
		dup2(n, 0);
		dup2(n, 1);
		dup2(e, 2);
		execv(ward_bin, argv);
		_exit(127);
	}
	return pid;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[8192];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

struct replay_ctx {
	const struct ward_ruleset *rs;
	struct scenario *s;
};

static int on_match(const struct ward_rule_match *m, void *arg)
{
	struct replay_ctx *c = arg;

	if (m->index < MAX_RULES)
		c->s->fired[m->index] = true;
	return 0;
}

static struct scenario *scenario_of(const struct ward_event *ev)
{
	const char *cwd = ev->proc ? ev->proc->cwd : NULL;

	if (!cwd)
		return NULL;
	for (size_t i = 0; i < scen_cnt; i++) {
		size_t n = strlen(scen[i].dir);

		if (strncmp(cwd, scen[i].dir, n) == 0 && (cwd[n] == '\0' || cwd[n] == '/'))
			return &scen[i];
	}
	return NULL;
}

static void replay(const char *cap, const struct ward_ruleset *rs, bool *saw_sentinel)
{
	struct ward_capture_reader *r = NULL;
	struct ward_proc_table *pt = NULL;
	struct ward_container_table *ct = NULL;
	struct ward_container_opts co = { .docker_socket = "", .async = false };
	struct ward_decoder *d = NULL;
	struct ward_diag diag = { 0 };
	const void *rec;
	size_t len;
	int rc;

	assert_int_equal(ward_capture_open(cap, &r, &diag), 0);
	assert_int_equal(ward_proc_table_new(0, &pt), 0);
	assert_int_equal(ward_container_table_new(&co, &ct), 0);
	assert_int_equal(ward_decoder_new(pt, ct, &d), 0);
	ward_decoder_set_boot_offset(d, ward_capture_header(r)->boot_offset);
	while ((rc = ward_capture_next(r, &rec, &len, &diag)) > 0) {
		struct ward_event ev;
		struct replay_ctx c = { rs, NULL };

		if (ward_decoder_decode(d, rec, len, &ev) != 0)
			continue;
		if (ev.proc && ev.argv_len && memmem(ev.argv, ev.argv_len, "ward-ruleset-sentinel", 21))
			*saw_sentinel = true;
		c.s = scenario_of(&ev);
		if (c.s)
			ward_rules_eval(rs, &ev, pt, on_match, &c);
	}
	assert_true(rc == 0);
	ward_decoder_free(d);
	ward_container_table_free(ct);
	ward_proc_table_free(pt);
	ward_capture_free(r);
}

/* Deletes what scenarios listed in cleanup.txt (only below /var/log, /etc, /usr/local). */
static void remove_leftovers(void)
{
	for (size_t i = 0; i < scen_cnt; i++) {
		char path[600], line[600];
		FILE *f;

		snprintf(path, sizeof(path), "%s/cleanup.txt", scen[i].dir);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (strstr(line, "/ward-test-") && (strncmp(line, "/var/log/", 9) == 0 ||
							     strncmp(line, "/etc/", 5) == 0 ||
							     strncmp(line, "/usr/local/", 11) == 0))
				unlink(line);
		}
		fclose(f);
	}
}

static size_t rule_index(const struct ward_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < ward_rules_count(rs); i++)
		if (strcmp(ward_rules_get(rs, i)->name, name) == 0)
			return i;
	return (size_t)-1;
}

static void test_attacks_and_benign(void **state)
{
	char cap[600], errlog[600], exe[4096];
	const char *paths[] = { RULES_DIR };
	struct ward_rules_report rep = { 0 };
	struct ward_ruleset *rs = NULL;
	bool ready = false, saw_sentinel = false;
	int failures = 0, st;
	ssize_t n;
	pid_t tr;

	if (geteuid() != 0)
		skip_or_fail("needs root for the eBPF sensor");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(ward_bin, sizeof(ward_bin), "%s/ward", dirname(exe));
	if (access(ward_bin, X_OK) != 0)
		skip_or_fail("ward binary not built next to the test");

	assert_int_equal(ward_rules_load(paths, 1, NULL, &rep, &rs), 0);
	assert_int_equal(rep.errors, 0);
	assert_true(ward_rules_count(rs) <= MAX_RULES);

	assert_non_null(mkdtemp(tmp));
	load_scenarios();
	snprintf(cap, sizeof(cap), "%s/events.cap", tmp);
	snprintf(errlog, sizeof(errlog), "%s/trace.err", tmp);
	tr = start_trace(cap, errlog);
	assert_true(tr > 0);
	for (int i = 0; i < WAIT_MAX_MS / 50 && !ready; i++) {
		ready = file_has(errlog, "sensor:");
		if (!ready && waitpid(tr, &st, WNOHANG) == tr)
			break;
		if (!ready)
			sleep_ms(50);
	}
	if (!ready || !file_has(errlog, "ebpf")) {
		kill(tr, SIGKILL);
		waitpid(tr, &st, 0);
		skip_or_fail("the eBPF sensor did not start (see ward trace)");
	}

	snprintf(errlog, sizeof(errlog), "%s/sc", tmp);
	assert_int_equal(mkdir(errlog, 0700), 0);
	for (size_t i = 0; i < scen_cnt; i++) {
		char *argv[] = { "/bin/bash", SCRIPT, "run", scen[i].name, scen[i].dir, NULL };

		assert_int_equal(mkdir(scen[i].dir, 0700), 0);
		run(argv, scen[i].dir, NULL, 0);
	}
	{
		char *argv[] = { "/bin/sh", "-c", "true ward-ruleset-sentinel", NULL };

		run(argv, NULL, NULL, 0);
	}
	/* The recorder stops at SIGINT without draining its ring buffers, so let its 100 ms poll
	 * loop run a few rounds first. Not an assertion: a lost tail shows up as a missing
	 * sentinel below, with that message. */
	sleep_ms(500);
	kill(tr, SIGINT);
	while (waitpid(tr, &st, 0) < 0 && errno == EINTR)
		;

	remove_leftovers();
	replay(cap, rs, &saw_sentinel);
	if (!saw_sentinel)
		fail_msg("the capture lacks the final sentinel: the recorder lost events at stop");

	for (size_t i = 0; i < scen_cnt; i++) {
		struct scenario *s = &scen[i];

		if (s->rule[0]) {
			size_t ri = rule_index(rs, s->rule);

			if (ri == (size_t)-1) {
				print_error("scenario %s names unknown rule '%s'\n", s->name, s->rule);
				failures++;
			} else if (!s->fired[ri]) {
				print_error("%s %s: rule '%s' did not fire\n",
					    s->benign ? "benign" : "attack", s->name, s->rule);
				failures++;
			}
		}
		if (!s->benign)
			continue;
		for (size_t r = 0; r < ward_rules_count(rs) && r < MAX_RULES; r++) {
			const struct ward_rule_info *ri = ward_rules_get(rs, r);

			if (s->fired[r] && ward_priority_at_least(ri->priority, WARD_PRIO_WARNING)) {
				print_error("benign %s raised '%s' (%s)\n", s->name, ri->name,
					    ward_priority_name(ri->priority));
				failures++;
			}
		}
	}
	ward_rules_free(rs);
	ward_rules_report_free(&rep);
	assert_int_equal(failures, 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	if (strstr(tmp, "XXXXXX"))
		return 0;
	return nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_attacks_and_benign, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
