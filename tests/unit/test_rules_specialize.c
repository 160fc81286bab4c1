// SPDX-License-Identifier: Apache-2.0
/* The per-type plans of specialize.c: merged string tests (ward_rmulti_match), rules left
 * out of buckets they cannot match, and, differentially, that every rule's specialized
 * condition gives the same answer as its compiled condition on a grid of events of several
 * types, paths and processes, with both answers occurring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <cmocka.h>

#include "events/event.h"
#include "events/proc.h"
#include "rules/rules_int.h"

#define SEC 1000000000ull

static void test_multi_match(void **state)
{
	/* exact must be sorted, as the pass leaves it */
	static const struct ward_rstr exact[] = { { "/etc/group", 10 }, { "/etc/passwd", 11 } };
	static const struct ward_rstr prefix[] = { { "/etc/cron.d/", 12 }, { "/var/log/", 9 } };
	static const struct ward_rstr suffix[] = { { "/.aws/credentials", 17 } };
	static const struct ward_rstr infix[] = { { "/.ssh/", 6 } };
	static const struct ward_rstr empty_infix[] = { { "", 0 } };
	struct ward_rmulti mu = { exact, 2, prefix, 2, suffix, 1, infix, 1 };
	struct ward_rmulti none = { 0 };
	struct ward_rmulti any = { .infix = empty_infix, .infix_cnt = 1 };
	static const struct {
		const char *s;
		bool want;
	} rows[] = {
		{ "/etc/passwd", true },          /* exact, last element */
		{ "/etc/group", true },           /* exact, first element */
		{ "/etc/passwd-", false },        /* longer than an exact value */
		{ "/etc/passw", false },          /* shorter than an exact value */
		{ "/etc/cron.d/evil", true },     /* prefix */
		{ "/etc/cron.d/", true },         /* the prefix itself */
		{ "/etc/cron.d", false },         /* shorter than the prefix */
		{ "/var/log/auth.log", true },    /* second prefix */
		{ "/root/.aws/credentials", true }, /* suffix */
		{ "/.aws/credentials", true },    /* the suffix itself */
		{ "/root/.aws/credentials.bak", false },
		{ "/home/a/.ssh/id_rsa", true },  /* substring */
		{ "/home/a/.sshx/id_rsa", false },
		{ "", false },
		{ "/usr/bin/cat", false },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bool got = ward_rmulti_match(&mu, rows[i].s, strlen(rows[i].s));

		if (got != rows[i].want)
			fail_msg("'%s': got %d, want %d", rows[i].s, got, rows[i].want);
		assert_false(ward_rmulti_match(&none, rows[i].s, strlen(rows[i].s)));
		/* contains "" matches everything, as a single contains "" does */
		assert_true(ward_rmulti_match(&any, rows[i].s, strlen(rows[i].s)));
	}
}

/* ---- a ruleset and a grid of events --------------------------------------------------- */

static const char rules_doc[] =
	"- list: shells\n  items: [bash, sh, zsh]\n"
	"- list: logs\n  items: [/var/log/syslog, /var/log/auth.log]\n"
	"- macro: open_write\n"
	"  condition: (evt.type in (open, openat, openat2) and evt.is_open_write = true and fd.num >= 0)\n"
	"- macro: open_read\n"
	"  condition: (evt.type in (open, openat, openat2) and evt.is_open_read = true)\n"
	"- macro: spawned\n  condition: (evt.type in (execve, execveat) and evt.dir = <)\n"
	"- macro: etc_or_logs\n"
	"  condition: (fd.name startswith /etc/ or fd.name in (logs) or fd.name = /root/x"
	" or fd.name endswith .conf or fd.name contains /cron)\n"
	/* 0: branches for other types vanish in openat's plan, the rest merges */
	"- rule: r0\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: ((open_write and fd.name startswith /etc/)"
	" or (evt.type = unlinkat and evt.dir = < and fd.name startswith /var/log/)"
	" or (evt.type = connect and fd.name contains 80)) and not proc.name in (shells)\n"
	/* 1: the merged OR inside a macro, read side */
	"- rule: r1\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: open_read and etc_or_logs and not proc.name startswith sys\n"
	/* 2: exec only: absent from every open plan */
	"- rule: r2\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: spawned and proc.name in (shells)\n"
	/* 3: evt.dir = > never holds: the rule is in no plan at all */
	"- rule: r3\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type = openat and evt.dir = >\n"
	/* 4: negated type tests and a NOT of an OR that merges */
	"- rule: r4\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type in (openat, open, execve) and not evt.type = open"
	" and not (fd.name startswith /tmp/ or fd.name = /etc/hosts or proc.name = cat)\n"
	/* 5: tests on different fields in one OR stay apart; proc.aname is multi-valued */
	"- rule: r5\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type = openat and (proc.name = cat or fd.name = /etc/shadow"
	" or proc.aname = sshd or proc.aname startswith syst or fd.name endswith .log)\n"
	/* 6: a != type test folds too */
	"- rule: r6\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type in (open, openat) and evt.type != open and fd.name startswith /etc/\n"
	/* 7: shares r1's first test, so r1 finding it false skips r7 (and true must not) */
	"- rule: r7\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: open_read and fd.name = /etc/hosts\n";

struct fx {
	struct ward_proc_table *pt;
	struct ward_ruleset *rs;
	struct ward_proc *procs[3];
};

static struct fx F;

static struct ward_proc *mkproc(uint32_t pid, uint64_t start, uint32_t ppid, uint64_t pstart,
				const char *comm)
{
	bool created;
	struct ward_proc *p = ward_proc_upsert(F.pt, pid, start, &created);

	p->ppid = ppid;
	p->pstart = pstart;
	p->vpid = pid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	ward_proc_set_str(&p->exe, comm, strlen(comm));
	ward_proc_set_str(&p->exepath, "/usr/bin/x", 10);
	ward_proc_set_str(&p->args, "", 0);
	ward_proc_set_str(&p->cwd, "/", 1);
	return p;
}

static int setup(void **state)
{
	struct ward_rules_opts o = { .min_priority = WARD_PRIO_DEBUG };
	struct ward_rules_report rep;

	assert_int_equal(ward_rules_load_mem("t.yaml", rules_doc, sizeof(rules_doc) - 1, &o, &rep, &F.rs), 0);
	assert_int_equal(rep.errors, 0);
	ward_rules_report_free(&rep);
	assert_int_equal(ward_proc_table_new(64, &F.pt), 0);
	/* systemd(1) -> sshd(100) -> bash(200) -> cat(300); systemd-udevd(400) */
	mkproc(1, 1 * SEC, 0, 0, "systemd");
	mkproc(100, 2 * SEC, 1, 1 * SEC, "sshd");
	F.procs[0] = mkproc(200, 3 * SEC, 100, 2 * SEC, "bash");
	F.procs[1] = mkproc(300, 4 * SEC, 200, 3 * SEC, "cat");
	F.procs[2] = mkproc(400, 5 * SEC, 1, 1 * SEC, "systemd-udevd");
	return 0;
}

static int teardown(void **state)
{
	ward_rules_free(F.rs);
	ward_proc_table_free(F.pt);
	return 0;
}

static bool in_plan(int t, uint32_t rule)
{
	for (uint32_t i = 0; i < F.rs->plan_cnt[t]; i++)
		if (F.rs->plan[t][i].rule == rule)
			return true;
	return false;
}

static const struct ward_rnode *plan_root(int t, uint32_t rule)
{
	for (uint32_t i = 0; i < F.rs->plan_cnt[t]; i++)
		if (F.rs->plan[t][i].rule == rule)
			return F.rs->plan[t][i].root;
	return NULL;
}

static uint32_t plan_guard(int t, uint32_t rule)
{
	for (uint32_t i = 0; i < F.rs->plan_cnt[t]; i++)
		if (F.rs->plan[t][i].rule == rule)
			return F.rs->plan[t][i].guard;
	return UINT32_MAX;
}

static bool in_bucket(int t, uint32_t rule)
{
	for (uint32_t i = 0; i < F.rs->bucket_cnt[t]; i++)
		if (F.rs->bucket_rules[t][i] == rule)
			return true;
	return false;
}

static int on_match(const struct ward_rule_match *m, void *arg)
{
	uint64_t *set = arg;

	*set |= 1ull << m->index;
	return 0;
}

static size_t count_multi(const struct ward_rnode *n)
{
	size_t c = n->kind == WARD_RN_CMP && n->cmp.cv == WARD_RCV_MULTI;

	if (n->kind == WARD_RN_CMP)
		return c;
	for (uint32_t i = 0; i < n->kids_cnt; i++)
		c += count_multi(n->kids[i]);
	return c;
}

static size_t count_types(const struct ward_rnode *n)
{
	size_t c = 0;

	if (n->kind == WARD_RN_CMP)
		return n->cmp.cv == WARD_RCV_TYPES || !strcmp(n->cmp.fr.f->name, "evt.dir");
	for (uint32_t i = 0; i < n->kids_cnt; i++)
		c += count_types(n->kids[i]);
	return c;
}

static void test_plans(void **state)
{
	int openat = ward_rtype_id("openat"), execve = ward_rtype_id("execve");
	int unlinkat = ward_rtype_id("unlinkat");

	assert_true(openat >= 0 && execve >= 0 && unlinkat >= 0);
	/* every rule in its own buckets, except r2 (exec) and r3 (never) in openat's */
	assert_true(in_plan(openat, 0) && in_plan(openat, 1) && in_plan(openat, 4) && in_plan(openat, 5));
	assert_false(in_plan(openat, 2));
	assert_true(in_plan(execve, 2) && in_plan(execve, 4));
	assert_true(in_plan(unlinkat, 0));
	/* r3 is indexed under openat (its evt.type test) but its plan drops it */
	assert_int_equal(F.rs->bucket_cnt[openat] > F.rs->plan_cnt[openat], true);
	assert_false(in_plan(openat, 3));
	/* no type or direction test is left in a plan, and the merges happened */
	assert_true(in_plan(openat, 6) && !in_plan(ward_rtype_id("open"), 6));
	for (uint32_t r = 0; r < 8; r++) {
		const struct ward_rnode *n = plan_root(openat, r);

		if (n)
			assert_int_equal(count_types(n), 0);
	}
	/* r1: etc_or_logs is one comparison; r4: the NOT's OR; r5: fd.name and proc.aname */
	assert_int_equal(count_multi(plan_root(openat, 1)), 1);
	assert_int_equal(count_multi(plan_root(openat, 4)), 1);
	assert_int_equal(count_multi(plan_root(openat, 5)), 2);
	/* r1 and r7 start with the open_read macro: a memoized test guards them */
	assert_true(plan_guard(openat, 1) != UINT32_MAX);
	assert_int_equal(plan_guard(openat, 1), plan_guard(openat, 7));
}

struct evspec {
	int nr;
	const char *type;
	unsigned kind;
	int flags;
	long ret;
};

static void test_same_answers(void **state)
{
	static const struct evspec evs[] = {
		{ 257, "openat", WARD_EV_OPEN, O_WRONLY | O_TRUNC, 3 },
		{ 257, "openat", WARD_EV_OPEN, O_RDONLY, 3 },
		{ 257, "openat", WARD_EV_OPEN, O_RDWR, -2 },
		{ 2, "open", WARD_EV_OPEN, O_WRONLY, 4 },
		{ 2, "open", WARD_EV_OPEN, O_RDONLY, 4 },
		{ 263, "unlinkat", WARD_EV_UNLINK, 0, 0 },
		{ 59, "execve", WARD_EV_EXEC, 0, 0 },
		{ 42, "connect", WARD_EV_CONNECT, 0, 0 },
	};
	static const char *const paths[] = {
		"/etc/passwd", "/etc/hosts", "/var/log/syslog", "/var/log/other", "/root/x",
		"/root/xy", "/opt/a.conf", "/var/spool/cron/root", "/tmp/t.log", "/etc/shadow",
		"/usr/bin/ls",
	};
	size_t yes = 0, no = 0, bad = 0, r7_hits = 0;

	for (size_t e = 0; e < sizeof(evs) / sizeof(evs[0]); e++) {
		for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
			for (size_t pr = 0; pr < 3; pr++) {
				struct ward_ev_raw raw = { 0 };
				struct ward_event ev = { 0 };
				struct ward_rx x;
				int t;

				raw.kind = (uint8_t)evs[e].kind;
				raw.nr = evs[e].nr;
				raw.pid = raw.tid = F.procs[pr]->pid;
				raw.ret = evs[e].ret;
				raw.args[0] = (uint64_t)-100;
				raw.args[2] = (uint64_t)evs[e].flags;
				raw.args[1] = (uint64_t)evs[e].flags;
				raw.fd_type = evs[e].kind == WARD_EV_OPEN ? WARD_FD_FILE : WARD_FD_NONE;
				ev.raw = &raw;
				ev.type = evs[e].type;
				ev.category = "file";
				ev.path = ev.path_raw = paths[p];
				ev.path2 = ev.aux = ev.filename = ev.argv = ev.cwd = ev.cgroup = "";
				ev.fd = (int)evs[e].ret;
				ev.proc = F.procs[pr];
				t = ward_rtype_of_event(&ev);
				assert_true(t >= 0);
				/* the driver, guards included, matches what the compiled trees of
				 * the bucket's rules say */
				uint64_t got_set = 0, want_set = 0;

				assert_true(ward_rules_eval(F.rs, &ev, F.pt, on_match, &got_set) >= 0);
				for (uint32_t r = 0; r < F.rs->rules_cnt; r++) {
					ward_rx_init(&x, F.rs, &ev, F.pt);
					if (in_bucket(t, r) && ward_rnode_eval(F.rs->rules[r].root, &x))
						want_set |= 1ull << r;
				}
				if (got_set != want_set) {
					print_error("%s %s by %s: rules matched %#llx, want %#llx\n", evs[e].type,
						    paths[p], F.procs[pr]->comm, (unsigned long long)got_set,
						    (unsigned long long)want_set);
					bad++;
				}
				r7_hits += (got_set >> 7) & 1;
				for (uint32_t r = 0; r < F.rs->rules_cnt; r++) {
					const struct ward_rnode *sp = plan_root(t, r);
					bool want, got;

					ward_rx_init(&x, F.rs, &ev, F.pt);
					want = ward_rnode_eval(F.rs->rules[r].root, &x);
					ward_rx_init(&x, F.rs, &ev, F.pt);
					got = sp ? ward_rnode_eval(sp, &x) : false;
					if (want != got) {
						print_error("rule r%u on %s %s by %s: compiled %d, plan %d\n", r,
							    evs[e].type, paths[p], F.procs[pr]->comm, want, got);
						bad++;
					}
					yes += want;
					no += !want;
				}
			}
		}
	}
	assert_int_equal(bad, 0);
	/* the grid exercises both answers, so agreement means something */
	assert_true(yes >= 20);
	assert_true(no >= 20);
	assert_true(r7_hits > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_match),
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_same_answers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
