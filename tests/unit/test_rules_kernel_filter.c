// SPDX-License-Identifier: Apache-2.0
/* Which kill rules the kernel may decide at exec (ward_rules_kernel_kills), table-driven,
 * and exactness: for every qualifying rule, a model of the BPF decision (bpf/tracer.bpf.c
 * kk_check) over a grid of exec events agrees with ward_rules_eval on every one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "events/container.h"
#include "events/event.h"
#include "events/proc.h"
#include "rules/rules.h"

#define SEC 1000000000ull

static const char doc[] =
	"- list: shells\n  items: [bash, sh, zsh]\n"
	"- macro: spawned_process\n  condition: evt.type in (execve, execveat) and evt.dir=<\n"
	"- macro: container\n  condition: (container.id != host)\n"
	"- rule: Q shell from nginx\n  desc: d\n  condition: evt.type in (execve, execveat) and proc.name in (sh, bash) and proc.pname = nginx\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q nc in container\n  desc: d\n  condition: spawned_process and container and proc.name = nc\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q host shells execve\n  desc: d\n  condition: evt.type = execve and container.id = host and proc.name in (shells)\n  output: o\n  priority: CRITICAL\n  actions: [kill, collect]\n"
	"- rule: N or\n  desc: d\n  condition: evt.type = execve and (proc.name = sh or proc.name = bash)\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N not\n  desc: d\n  condition: evt.type = execve and proc.name = sh and not proc.pname = bash\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N other field\n  desc: d\n  condition: evt.type = execve and proc.name = sh and proc.cmdline contains x\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N no type\n  desc: d\n  condition: proc.name = sh\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N no kill\n  desc: d\n  condition: evt.type = execve and proc.name = sh\n  output: o\n  priority: CRITICAL\n  actions: [freeze]\n"
	"- rule: N disabled\n  desc: d\n  condition: evt.type = execve and proc.name = sh\n  output: o\n  priority: CRITICAL\n  enabled: false\n  actions: [kill]\n"
	"- rule: N exception\n  desc: d\n  condition: evt.type = execve and proc.name = sh\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n  exceptions:\n  - name: from_bash\n    fields: [proc.pname]\n    values: [[bash]]\n"
	"- rule: N open only\n  desc: d\n  condition: evt.type = openat and proc.name = sh\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N exepath\n  desc: d\n  condition: evt.type = execve and proc.name = sh and proc.exepath startswith /tmp/\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N long name never matches\n  desc: d\n  condition: evt.type = execve and proc.name = averyveryverylongname\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q intersect\n  desc: d\n  condition: evt.type in (execve, openat) and proc.name in (sh, bash, zsh) and proc.name in (bash, dash)\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N pname prefix\n  desc: d\n  condition: evt.type = execve and proc.name = sh and proc.pname startswith ngin\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N host and container\n  desc: d\n  condition: spawned_process and container and container.id = host and proc.name = sh\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N name not equal\n  desc: d\n  condition: evt.type = execve and proc.name != sh\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N ancestor\n  desc: d\n  condition: evt.type = execve and proc.name = sh and proc.aname[2] = nginx\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N dir enter\n  desc: d\n  condition: evt.type = execve and evt.dir = > and proc.name = sh\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N too many parents\n  desc: d\n  condition: evt.type = execve and proc.name = sh and proc.pname in (a1, a2, a3, a4, a5, a6, a7, a8, a9)\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N low priority\n  desc: d\n  condition: evt.type = execve and proc.name = sh\n  output: o\n  priority: DEBUG\n  actions: [kill]\n";

struct expect {
	const char *rule;
	bool execve, execveat;
	enum ward_kk_where where;
	const char *names;   /* space-separated, sorted as the policy lists them */
	const char *pnames;
};

static const struct expect qualify[] = {
	{ "Q shell from nginx", true, true, WARD_KK_ANYWHERE, "bash sh", "nginx" },
	{ "Q nc in container", true, true, WARD_KK_IN_CONTAINER, "nc", "" },
	{ "Q host shells execve", true, false, WARD_KK_ON_HOST, "bash sh zsh", "" },
	{ "Q intersect", true, false, WARD_KK_ANYWHERE, "bash", "" },
};

static struct ward_ruleset *RS;
static struct ward_proc_table *PT;

static int setup(void **state)
{
	struct ward_rules_opts o = { .min_priority = WARD_PRIO_INFORMATIONAL };
	struct ward_rules_report rep = { 0 };

	(void)state;
	assert_int_equal(ward_rules_load_mem("kk.yaml", doc, sizeof(doc) - 1, &o, &rep, &RS), 0);
	for (size_t i = 0; i < rep.msgs_cnt; i++)
		if (rep.msgs[i].is_error)
			fprintf(stderr, "%s\n", rep.msgs[i].d.msg);
	assert_int_equal(rep.errors, 0);
	ward_rules_report_free(&rep);
	assert_int_equal(ward_proc_table_new(64, &PT), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ward_rules_free(RS);
	ward_proc_table_free(PT);
	return 0;
}

static void join(char *out, size_t cap, const char (*v)[WARD_KK_NAME_LEN + 1], size_t cnt)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < cnt; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? " " : "", v[i]);
}

static void test_which_rules_qualify(void **state)
{
	struct ward_kernel_kill kk[32];
	char buf[512];
	int n;

	(void)state;
	n = ward_rules_kernel_kills(RS, kk, 32);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "qualifies: %s\n", ward_rules_get(RS, kk[i].rule)->name);
	assert_int_equal(n, (int)(sizeof(qualify) / sizeof(qualify[0])));
	for (int i = 0; i < n; i++) {
		const struct expect *x = &qualify[i];

		assert_string_equal(ward_rules_get(RS, kk[i].rule)->name, x->rule);
		assert_int_equal(kk[i].execve, x->execve);
		assert_int_equal(kk[i].execveat, x->execveat);
		assert_int_equal(kk[i].where, x->where);
		join(buf, sizeof(buf), kk[i].names, kk[i].names_cnt);
		assert_string_equal(buf, x->names);
		join(buf, sizeof(buf), kk[i].pnames, kk[i].pnames_cnt);
		assert_string_equal(buf, x->pnames);
	}
	/* the count is reported even past cap; nothing is written past it */
	memset(kk, 0xab, sizeof(kk));
	assert_int_equal(ward_rules_kernel_kills(RS, kk, 1), n);
	assert_string_equal(ward_rules_get(RS, kk[0].rule)->name, qualify[0].rule);
	assert_int_equal(((unsigned char *)&kk[1])[0], 0xab);
	assert_int_equal(ward_rules_kernel_kills(RS, NULL, 0), n);
}

/* The BPF program's decision, as kk_check makes it. */
static bool kernel_kills(const struct ward_kernel_kill *k, int nr, const char *comm,
			 const char *pcomm, bool in_container)
{
	bool ok = false;

	if (!((nr == 59 && k->execve) || (nr == 322 && k->execveat)))
		return false;
	if (k->where == WARD_KK_IN_CONTAINER && !in_container)
		return false;
	if (k->where == WARD_KK_ON_HOST && in_container)
		return false;
	for (size_t i = 0; i < k->names_cnt && !ok; i++)
		ok = strcmp(k->names[i], comm) == 0;
	if (!ok)
		return false;
	if (!k->pnames_cnt)
		return true;
	for (size_t i = 0; i < k->pnames_cnt; i++)
		if (!strcmp(k->pnames[i], pcomm))
			return true;
	return false;
}

struct hits {
	bool hit[64];
};

static int on_match(const struct ward_rule_match *m, void *arg)
{
	struct hits *h = arg;

	if (m->index < 64)
		h->hit[m->index] = true;
	return 0;
}

static struct ward_proc *mkproc(uint32_t pid, uint64_t start, uint32_t ppid, uint64_t pstart,
				const char *comm)
{
	bool created;
	struct ward_proc *p = ward_proc_upsert(PT, pid, start, &created);

	p->ppid = ppid;
	p->pstart = pstart;
	p->vpid = pid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	return p;
}

static void test_exact_against_eval(void **state)
{
	static const char *const comms[] = { "sh", "bash", "zsh", "dash", "nc", "cat", "nginx" };
	static const char *const pcomms[] = { "nginx", "bash", "sshd", "nginx2" };
	static const int nrs[] = { 59, 322 };
	struct ward_kernel_kill kk[32];
	struct ward_container ct;
	int n, checked = 0, kills = 0;

	(void)state;
	n = ward_rules_kernel_kills(RS, kk, 32);
	memset(&ct, 0, sizeof(ct));
	ct.runtime = WARD_RT_DOCKER;
	snprintf(ct.id, sizeof(ct.id), "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	for (size_t c = 0; c < sizeof(comms) / sizeof(comms[0]); c++)
	for (size_t p = 0; p < sizeof(pcomms) / sizeof(pcomms[0]); p++)
	for (size_t t = 0; t < 2; t++)
	for (int in_ct = 0; in_ct < 2; in_ct++) {
		struct ward_ev_raw raw;
		struct ward_event ev;
		struct hits h = { 0 };
		struct ward_proc *self;

		mkproc(100, 2 * SEC, 1, 1 * SEC, pcomms[p]);
		self = mkproc(300, 10 * SEC, 100, 2 * SEC, comms[c]);
		memset(&raw, 0, sizeof(raw));
		memset(&ev, 0, sizeof(ev));
		raw.kind = WARD_EV_EXEC;
		raw.nr = (int16_t)nrs[t];
		raw.pid = raw.tid = 300;
		raw.ppid = 100;
		raw.pstart = 10 * SEC;
		raw.ppstart = 2 * SEC;
		raw.ts = 11 * SEC;
		snprintf(raw.comm, sizeof(raw.comm), "%s", comms[c]);
		ev.raw = &raw;
		ev.type = nrs[t] == 59 ? "execve" : "execveat";
		ev.category = "process";
		ev.path = ev.path_raw = ev.path2 = ev.aux = ev.filename = ev.argv = ev.cwd = ev.cgroup = "";
		ev.fd = -1;
		ev.proc = self;
		ev.container = in_ct ? &ct : NULL;
		ward_rules_eval(RS, &ev, PT, on_match, &h);
		for (int i = 0; i < n; i++) {
			bool k = kernel_kills(&kk[i], nrs[t], comms[c], pcomms[p], in_ct);

			if (k != h.hit[kk[i].rule])
				fail_msg("rule '%s' on exec of %s from %s (nr %d, %s): kernel %d, rules %d",
					 ward_rules_get(RS, kk[i].rule)->name, comms[c], pcomms[p], nrs[t],
					 in_ct ? "container" : "host", k, h.hit[kk[i].rule]);
			kills += k;
			checked++;
		}
	}
	/* the grid exercises both outcomes */
	assert_true(kills > 0);
	assert_true(kills < checked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_rules_qualify),
		cmocka_unit_test(test_exact_against_eval),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
