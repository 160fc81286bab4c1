// SPDX-License-Identifier: Apache-2.0
/* The per-type plans of specialize.c and their programs (program.c): merged string tests
 * (ward_rmulti_match), rules left out of buckets they cannot match, and, differentially,
 * that every rule's specialized condition, and the driver running the bucket's program
 * (whole, and cut short at many sizes), give the same answers as the compiled conditions on
 * a grid of events of several types, paths and processes, with both answers occurring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
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
	"  condition: open_read and fd.name = /etc/hosts\n"
	/* 8: always true for unlinkat */
	"- rule: r8\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type = unlinkat and evt.dir = <\n"
	/* 9: a memoized macro under NOT and inside an OR, after r1 and r7 used it */
	"- rule: r9\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type in (openat, unlinkat, execve) and not (open_write and proc.name = cat)"
	" and (open_read or etc_or_logs or spawned)\n"
	/* 10: nested prefixes and suffixes, and a prefix that repeats another rule's */
	"- rule: r10\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type = openat and (fd.name startswith /etc/cron"
	" or fd.name startswith /etc/cron.d/ or fd.name endswith auth.log or fd.name endswith h.log"
	" or fd.name startswith /var/log/)\n"
	/* 11: empty constants: startswith and contains \"\" hold for every name, = \"\" for none */
	"- rule: r11\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type = openat and not (fd.name = \"\" or fd.name startswith /nothing/)"
	" and fd.name endswith \"\" and fd.name contains \"\" and not fd.name contains /etc/\n"
	/* 12: a two-byte substring, which a value can end with */
	"- rule: r12\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type = openat and (fd.name contains .d or fd.name endswith .x"
	" or fd.name contains tc/c)\n"
	/* 13: icontains of several lengths, read against the value lowercased */
	"- rule: r13\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type = openat and not fd.name icontains /ETC/CRON"
	" and (fd.name icontains .D or fd.name icontains G or fd.name icontains \"\")\n"
	/* 14: substrings with many first bytes, tried at every position of the value */
	"- rule: r14\n  desc: d\n  output: o\n  priority: WARNING\n"
	"  condition: evt.type = openat and (proc.name contains at or proc.name contains ys"
	" or proc.name contains ud or proc.name contains ba or proc.name contains sh)\n";

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

/* Where rule starts in bucket t's program, or NULL. */
static const struct ward_rinsn *plan_code(int t, uint32_t rule)
{
	for (uint32_t i = 0; i < F.rs->plan_cnt[t]; i++)
		if (F.rs->plan[t][i].rule == rule)
			return &F.rs->prog[t][F.rs->plan[t][i].code];
	return NULL;
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
	/* r1 and r7 start with the open_read macro: its memo is checked first, so once r1
	 * has found it false r7 is left after one instruction */
	assert_int_equal(plan_code(openat, 1)->kind, WARD_RI_MEMO);
	assert_int_equal(plan_code(openat, 7)->kind, WARD_RI_MEMO);
	assert_int_equal(plan_code(openat, 1)->arg, plan_code(openat, 7)->arg);
	/* r8 holds for every unlinkat: its program is only the MATCH */
	assert_int_equal(plan_code(unlinkat, 8)->kind, WARD_RI_MATCH);
	/* every program ends with END, and every jump stays inside it */
	for (int t = 0; t < WARD_RTYPE_CNT; t++) {
		uint32_t n = F.rs->prog_cnt[t];

		assert_int_equal(n == 0, F.rs->plan_cnt[t] == 0);
		if (!n)
			continue;
		assert_int_equal(F.rs->prog[t][n - 1].kind, WARD_RI_END);
		for (uint32_t i = 0; i + 1 < n; i++) {
			assert_true(F.rs->prog[t][i].on_true < n && F.rs->prog[t][i].on_false < n);
			/* forward only: a program cannot loop */
			assert_true(F.rs->prog[t][i].on_true > i && F.rs->prog[t][i].on_false > i);
		}
	}
}

struct evspec {
	int nr;
	const char *type;
	unsigned kind;
	int flags;
	long ret;
};

struct grid {
	size_t yes, no, bad;    /* per rule and event: compiled answers, disagreements */
	size_t events;
	size_t hits[64];        /* per rule: events the driver matched */
};

/* Runs the grid of events through the driver (the bucket programs) and through every rule's
 * plan root, comparing both with the compiled trees. */
static void run_grid(struct grid *g)
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
		"/usr/bin/ls", "/etc/cron.d/x", "/etc/cronx", "/etc/d", "/var/log/auth.log", "/x/h.log",
		"/etc/cron", "",
	};
	memset(g, 0, sizeof(*g));

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
				/* the driver's program matches what the compiled trees of the
				 * bucket's rules say */
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
					g->bad++;
				}
				g->events++;
				for (uint32_t r = 0; r < 64; r++)
					g->hits[r] += (got_set >> r) & 1;
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
						g->bad++;
					}
					g->yes += want;
					g->no += !want;
				}
			}
		}
	}
}

static void test_same_answers(void **state)
{
	struct grid g;

	run_grid(&g);
	assert_int_equal(g.bad, 0);
	/* the grid exercises both answers, so agreement means something */
	assert_true(g.yes >= 20);
	assert_true(g.no >= 20);
	/* r7 runs after r1 found its memoized macro; r9 reads it under NOT/OR; r10 and r11
	 * are answered by the fd.name group */
	for (uint32_t r = 7; r <= 11; r++)
		assert_true(g.hits[r] > 0 && g.hits[r] < g.events);
}

/* Programs cut short at every size: the tree evaluator answers for what is left, with the
 * same results (and the cut happens, so both halves of each jump are exercised). */
static void test_program_limits(void **state)
{
	static const size_t limits[] = { 0, 1, 2, 3, 4, 5, 7, 9, 12, 16, 24, 40 };
	struct grid g;

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		size_t nodes = 0, tests = 0;

		ward_rprogram_build(F.rs, limits[i]);
		for (int t = 0; t < WARD_RTYPE_CNT; t++) {
			for (uint32_t k = 0; k < F.rs->prog_cnt[t]; k++) {
				nodes += F.rs->prog[t][k].kind == WARD_RI_NODE;
				tests += F.rs->prog[t][k].kind == WARD_RI_TEST ||
					 F.rs->prog[t][k].kind == WARD_RI_TEST_MEMO;
			}
		}
		assert_true(nodes > 0);
		assert_true(limits[i] == 0 || tests > 0);
		run_grid(&g);
		if (g.bad)
			fail_msg("limit %zu: %zu disagreements", limits[i], g.bad);
	}
	ward_rprogram_build(F.rs, WARD_RPROG_MAX);
	for (int t = 0; t < WARD_RTYPE_CNT; t++)
		for (uint32_t k = 0; k < F.rs->prog_cnt[t]; k++)
			assert_int_not_equal(F.rs->prog[t][k].kind, WARD_RI_NODE);
}

/* Values longer than the lowercasing buffer (each needle then searched on its own), with
 * every needle in upper case at the end. */
static size_t check_long_values(const struct ward_ruleset *rs)
{
	size_t bad = 0, n = WARD_RX_TMP + 100, checked = 0;
	char *buf = malloc(n + 64);

	assert_non_null(buf);
	for (int t = 0; t < WARD_RTYPE_CNT; t++) {
		for (uint32_t i = 0; i < rs->prog_cnt[t]; i++) {
			const struct ward_rinsn *in = &rs->prog[t][i];
			const struct ward_rgroup *g = in->p;

			if (in->kind != WARD_RI_GROUP || in->arg % 64 != 0 || !g->isub.cnt)
				continue;
			for (uint32_t e = 0; e <= g->isub.cnt; e++) {
				struct ward_rval val = { 0 };
				size_t len = n;
				uint64_t bits;

				memset(buf, 'a', n);
				if (e < g->isub.cnt && g->isub.s[e].len < 64) {
					for (uint32_t k = 0; k < g->isub.s[e].len; k++)
						buf[len++] = (char)toupper((unsigned char)g->isub.s[e].s[k]);
				}
				buf[len] = 0;
				val.s = buf;
				val.len = len;
				bits = ward_rgroup_match(g, buf, len);
				for (uint32_t b = 0; b < g->tests_cnt; b++)
					bad += ward_rcmp_match(g->tests[b], &val) != ((bits >> b) & 1);
				checked++;
			}
		}
	}
	assert_true(checked > 0);
	free(buf);
	return bad;
}

/* Every group's bitmap against the comparisons it stands for, on its own strings and
 * strings one byte longer or shorter at either end. */
static size_t check_groups(const struct ward_ruleset *rs, size_t *yes, size_t *no)
{
	static const char *const extra[] = { "", "/", "X", "/ETC/d", "/Etc/CRON.Dx" };
	size_t groups = 0, bad = 0, subs = 0;
	char buf[1100];

	for (int t = 0; t < WARD_RTYPE_CNT; t++) {
		for (uint32_t i = 0; i < rs->prog_cnt[t]; i++) {
			const struct ward_rinsn *in = &rs->prog[t][i];
			const struct ward_rgroup *g = in->p;
			const struct ward_rgstr *tabs[5];
			uint32_t cnts[5];

			if (in->kind != WARD_RI_GROUP || in->arg % 64 != 0)
				continue;
			tabs[0] = g->exact, tabs[1] = g->prefix, tabs[2] = g->suffix;
			tabs[3] = g->sub.s, tabs[4] = g->sub.short_;
			cnts[0] = g->exact_cnt, cnts[1] = g->prefix_cnt, cnts[2] = g->suffix_cnt;
			cnts[3] = g->sub.cnt, cnts[4] = g->sub.short_cnt;
			groups++;
			subs += g->sub.cnt + g->sub.short_cnt + g->isub.cnt + g->isub.short_cnt;
			assert_true(g->tests_cnt >= 2);
			for (int k = 0; k < 6; k++) {
				for (uint32_t e = 0; e < (k < 5 ? cnts[k] : 5); e++) {
					const char *base = k < 5 ? tabs[k][e].s : extra[e];
					size_t blen = k < 5 ? tabs[k][e].len : strlen(extra[e]);

					for (int v = 0; v < 7; v++) {
						struct ward_rval val = { 0 };
						size_t len = 0;
						uint64_t bits;
						bool cut = v == 4 && blen;

						if (blen + 1 >= sizeof(buf))
							continue;
						if (v == 1)
							buf[len++] = 'x';
						if (cut)
							base++, blen--;
						memcpy(buf + len, base, blen - (v == 3 && blen));
						len += blen - (v == 3 && blen);
						if (v == 2)
							buf[len++] = 'x';
						if (cut)
							base--, blen++;
						if (v >= 5) {
							/* inside a path, and twice over */
							len = (size_t)snprintf(buf, sizeof(buf), "/a%.*s/b%.*s",
									       (int)blen, base,
									       v == 6 ? (int)blen : 0, base);
						}
						buf[len] = 0;
						val.s = buf;
						val.len = len;
						bits = ward_rgroup_match(g, buf, len);
						for (uint32_t b = 0; b < g->tests_cnt; b++) {
							bool want = ward_rcmp_match(g->tests[b], &val);

							if (want != ((bits >> b) & 1)) {
								print_error("group on type %d, '%s': test %u is %d, bit %d\n",
									    t, buf, b, want, (int)((bits >> b) & 1));
								bad++;
							}
							*yes += want;
							*no += !want;
						}
					}
				}
			}
		}
	}
	assert_true(groups > 0);
	assert_true(subs > 0);
	bad += check_long_values(rs);
	return bad;
}

static void test_groups(void **state)
{
	int openat = ward_rtype_id("openat");
	size_t yes = 0, no = 0, fd_name_tests = 0;

	assert_int_equal(check_groups(F.rs, &yes, &no), 0);
	assert_true(yes >= 50 && no >= 50);
	/* openat's fd.name tests, from every rule, are one group */
	for (uint32_t i = 0; i < F.rs->prog_cnt[openat]; i++) {
		const struct ward_rinsn *in = &F.rs->prog[openat][i];

		if (in->kind == WARD_RI_GROUP &&
		    !strcmp(((const struct ward_rgroup *)in->p)->fr->f->name, "fd.name"))
			fd_name_tests++;
		if (in->kind == WARD_RI_TEST || in->kind == WARD_RI_TEST_MEMO) {
			const struct ward_rcmp *m = in->p;

			/* none of them is left as a test of its own */
			assert_false(!strcmp(m->fr.f->name, "fd.name") && m->cv == WARD_RCV_STR &&
				     m->op == WARD_OP_STARTSWITH);
		}
	}
	assert_true(fd_name_tests >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_match),
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_same_answers),
		cmocka_unit_test(test_program_limits),
		cmocka_unit_test(test_groups),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
