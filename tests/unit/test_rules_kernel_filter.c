// SPDX-License-Identifier: Apache-2.0
/* Which kill rules the kernel may decide (ward_rules_kernel_kills), table-driven, and
 * exactness: for every qualifying rule, a model of the BPF decision (bpf/tracer/kill*.bpf.c:
 * kill__exec_check, kill__sys_match, kill__path_check, kill__connect_enter) over a grid of events (exec by
 * name and by path, open, connect, ptrace, setns, unshare, module load, clone) agrees with ward_rules_eval on every
 * one. */
#include <arpa/inet.h>
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

	if (k->kind != 0 || k->memfd)
		return false;
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

/* The grid's event: process 300 (comm) child of 100 (pcomm), one syscall record of kind
 * and nr, on the host or in ct. */
static struct ward_proc *grid_event(struct ward_ev_raw *raw, struct ward_event *ev,
				    uint16_t kind, int nr, const char *type, const char *category,
				    const char *comm, const char *pcomm, const struct ward_container *ct)
{
	struct ward_proc *self;

	mkproc(100, 2 * SEC, 1, 1 * SEC, pcomm);
	self = mkproc(300, 10 * SEC, 100, 2 * SEC, comm);
	ward_proc_set_str(&self->exepath, "", 0);
	memset(raw, 0, sizeof(*raw));
	memset(ev, 0, sizeof(*ev));
	raw->kind = kind;
	raw->nr = (int16_t)nr;
	raw->pid = raw->tid = 300;
	raw->ppid = 100;
	raw->pstart = 10 * SEC;
	raw->ppstart = 2 * SEC;
	raw->ts = 11 * SEC;
	snprintf(raw->comm, sizeof(raw->comm), "%s", comm);
	ev->raw = raw;
	ev->type = type;
	ev->category = category;
	ev->path = ev->path_raw = ev->path2 = ev->aux = ev->filename = ev->argv = ev->cwd =
		ev->cgroup = "";
	ev->fd = -1;
	ev->proc = self;
	ev->container = ct;
	return self;
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

		grid_event(&raw, &ev, WARD_EV_EXEC, nrs[t], nrs[t] == 59 ? "execve" : "execveat",
			   "process", comms[c], pcomms[p], in_ct ? &ct : NULL);
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

/* ---- other syscalls ---- */

static const char doc2[] =
	"- macro: container\n  condition: (container.id != host)\n"
	"- list: secrets\n  items: [/etc/shadow, /etc/gshadow]\n"
	"- rule: Q open shadow\n  desc: d\n  condition: evt.type in (open, openat) and fd.name in (secrets) and proc.name = cat\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q open in container\n  desc: d\n  condition: evt.type = openat and fd.name = /etc/shadow and container\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N open relative\n  desc: d\n  condition: evt.type = openat and fd.name in (etc/shadow, /etc//shadow, /etc/./shadow, /etc/)\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N open prefix\n  desc: d\n  condition: evt.type = openat and fd.name startswith /etc/\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N open no path\n  desc: d\n  condition: evt.type = openat and proc.name = cat\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N open write flag\n  desc: d\n  condition: evt.type = openat and fd.name = /etc/shadow and evt.is_open_write = true\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q connect\n  desc: d\n  condition: evt.type = connect and fd.sip = 127.0.0.1 and fd.sport = 4444 and proc.name = nc\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q connect ports\n  desc: d\n  condition: evt.type = connect and fd.rport in (4444, 5555) and fd.rip in (::1, 10.1.2.3)\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N connect net\n  desc: d\n  condition: evt.type = connect and fd.snet = 10.0.0.0/8\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N connect odd ip\n  desc: d\n  condition: evt.type = connect and fd.sip = 127.000.0.1\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q ptrace attach\n  desc: d\n  condition: evt.type = ptrace and evt.arg.request in (PTRACE_ATTACH, PTRACE_SEIZE) and proc.pname = bash\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N ptrace odd request\n  desc: d\n  condition: evt.type = ptrace and evt.arg.request = PTRACE_NOSUCH\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q setns in container\n  desc: d\n  condition: evt.type = setns and container\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q unshare\n  desc: d\n  condition: evt.type = unshare and proc.name in (unshare, nc)\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N unshare flags\n  desc: d\n  condition: evt.type = unshare and evt.arg.flags contains CLONE_NEWNS\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q memfd exec\n  desc: d\n  condition: evt.type in (execve, execveat) and proc.is_exe_from_memfd = true\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N memfd false\n  desc: d\n  condition: evt.type = execve and proc.is_exe_from_memfd = false and proc.name = nc\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q module\n  desc: d\n  condition: evt.type in (init_module, finit_module) and container.id = host\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q clone userns\n  desc: d\n  condition: evt.type in (clone, clone3) and evt.arg.flags contains CLONE_NEWUSER and evt.arg.flags contains CLONE_NEWNS and proc.name = unshare\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q clone net in container\n  desc: d\n  condition: evt.type = clone3 and container and evt.arg.flags contains CLONE_NEWNET\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N clone no flag\n  desc: d\n  condition: evt.type = clone and proc.name = nc\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N clone prefix\n  desc: d\n  condition: evt.type = clone and evt.arg.flags contains CLONE_NEW\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N clone newtime\n  desc: d\n  condition: evt.type = clone and evt.arg.flags contains CLONE_NEWTIME\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N clone icontains\n  desc: d\n  condition: evt.type = clone and evt.arg.flags icontains clone_newuser\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N clone flags equal\n  desc: d\n  condition: evt.type = clone and evt.arg.flags = CLONE_NEWUSER\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N clone not flag\n  desc: d\n  condition: evt.type = clone and evt.arg.flags contains CLONE_NEWNS and not evt.arg.flags contains CLONE_NEWUSER\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N clone thread flag\n  desc: d\n  condition: evt.type = clone and evt.arg.flags contains CLONE_THREAD\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q exec path\n  desc: d\n  condition: evt.type in (execve, execveat) and proc.exepath in (/usr/bin/nc, /tmp/x/nc, tmp/rel, /usr//bin/nc) and container.id = host\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: Q exec path name\n  desc: d\n  condition: evt.type = execve and proc.exepath = /usr/bin/nc and proc.name in (nc, cat) and proc.pname = bash\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N exec path memfd\n  desc: d\n  condition: evt.type = execve and proc.exepath = /usr/bin/nc and proc.is_exe_from_memfd = true\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N exec path prefix\n  desc: d\n  condition: evt.type = execve and proc.exepath startswith /usr/\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N exec path empty\n  desc: d\n  condition: evt.type = execve and proc.exepath = /usr/bin/nc and proc.exepath = /tmp/x/nc\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N exec path or\n  desc: d\n  condition: evt.type = execve and (proc.exepath = /usr/bin/nc or proc.name = nc)\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N exec path not\n  desc: d\n  condition: evt.type = execve and proc.name = nc and not proc.exepath = /usr/bin/nc\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n"
	"- rule: N exec path too many names\n  desc: d\n  condition: evt.type = execve and proc.exepath = /usr/bin/nc and proc.name in (a, b, c, d, nc)\n  output: o\n  priority: CRITICAL\n  actions: [kill]\n";

static const struct {
	const char *rule;
	unsigned kind;
	size_t nrs, names, objs, ports;
} qualify2[] = {
	{ "Q open shadow", WARD_KK_K_OPEN, 2, 1, 2, 0 },
	{ "Q open in container", WARD_KK_K_OPEN, 1, 0, 1, 0 },
	{ "Q connect", WARD_KK_K_CONNECT, 1, 1, 1, 1 },
	{ "Q connect ports", WARD_KK_K_CONNECT, 1, 0, 2, 2 },
	{ "Q ptrace attach", WARD_KK_K_PTRACE, 1, 0, 0, 0 },
	{ "Q setns in container", WARD_KK_K_SETNS, 1, 0, 0, 0 },
	{ "Q unshare", WARD_KK_K_UNSHARE, 1, 2, 0, 0 },
	{ "Q memfd exec", 0, 0, 0, 0, 0 },
	{ "Q module", WARD_KK_K_MODULE, 2, 0, 0, 0 },
	{ "Q clone userns", WARD_KK_K_CLONE, 2, 1, 0, 0 },
	{ "Q clone net in container", WARD_KK_K_CLONE, 2, 0, 0, 0 },
	{ "Q exec path", WARD_KK_K_EXEC_PATH, 2, 0, 2, 0 },
	{ "Q exec path name", WARD_KK_K_EXEC_PATH, 1, 2, 1, 0 },
};

static struct ward_ruleset *RS2;

static void test_encode_path(void **state)
{
	uint8_t out[WARD_KK_PATH];
	char longp[400];

	(void)state;
	assert_true(ward_kk_encode_path("/etc/shadow", 11, out));
	assert_memory_equal(out, "shadow\0etc\0\0", 12);
	assert_true(ward_kk_encode_path("/a", 2, out));
	assert_memory_equal(out, "a\0\0", 3);
	assert_false(ward_kk_encode_path("/", 1, out));
	assert_false(ward_kk_encode_path("etc/x", 5, out));
	assert_false(ward_kk_encode_path("/etc//x", 7, out));
	assert_false(ward_kk_encode_path("/etc/../x", 9, out));
	assert_false(ward_kk_encode_path("/etc/./x", 8, out));
	assert_false(ward_kk_encode_path("/etc/x/", 7, out));
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	assert_false(ward_kk_encode_path(longp, 256, out));
	assert_true(ward_kk_encode_path(longp, 254, out));
}

static void test_sys_rules_qualify(void **state)
{
	struct ward_rules_opts o = { .min_priority = WARD_PRIO_INFORMATIONAL };
	struct ward_rules_report rep = { 0 };
	struct ward_kernel_kill *kk = calloc(32, sizeof(*kk));
	int n;

	(void)state;
	assert_int_equal(ward_rules_load_mem("kk2.yaml", doc2, sizeof(doc2) - 1, &o, &rep, &RS2), 0);
	for (size_t i = 0; i < rep.msgs_cnt; i++)
		if (rep.msgs[i].is_error)
			fprintf(stderr, "%s\n", rep.msgs[i].d.msg);
	assert_int_equal(rep.errors, 0);
	ward_rules_report_free(&rep);
	n = ward_rules_kernel_kills(RS2, kk, 32);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "qualifies: %s\n", ward_rules_get(RS2, kk[i].rule)->name);
	assert_int_equal(n, (int)(sizeof(qualify2) / sizeof(qualify2[0])));
	for (int i = 0; i < n; i++) {
		size_t objs = kk[i].kind == WARD_KK_K_OPEN || kk[i].kind == WARD_KK_K_EXEC_PATH ?
			      kk[i].paths_cnt : kk[i].addrs_cnt;

		assert_string_equal(ward_rules_get(RS2, kk[i].rule)->name, qualify2[i].rule);
		assert_int_equal(kk[i].kind, qualify2[i].kind);
		assert_int_equal(kk[i].nrs_cnt, qualify2[i].nrs);
		assert_int_equal(kk[i].names_cnt, qualify2[i].names);
		assert_int_equal(objs, qualify2[i].objs);
		assert_int_equal(kk[i].ports_cnt, qualify2[i].ports);
	}
	/* ATTACH is 16, SEIZE 0x4206: bits 16 and 38 */
	assert_int_equal(kk[4].req_mask, (1ull << 16) | (1ull << 38));
	assert_true(kk[7].memfd);
	/* clone: every namespace bit named is required (NEWUSER | NEWNS; NEWNET) */
	assert_int_equal(kk[9].req_mask, 0x10000000ull | 0x20000ull);
	assert_int_equal(kk[10].req_mask, 0x40000000ull);
	assert_int_equal(kk[10].where, WARD_KK_IN_CONTAINER);
	/* exec path: the canonical values only, encoded as the sensor writes the exe path */
	{
		uint8_t enc[WARD_KK_PATH];

		assert_true(ward_kk_encode_path("/usr/bin/nc", 11, enc));
		assert_true(!memcmp(kk[11].paths[0], enc, WARD_KK_PATH) ||
			    !memcmp(kk[11].paths[1], enc, WARD_KK_PATH));
		assert_int_equal(kk[11].where, WARD_KK_ON_HOST);
		assert_int_equal(kk[12].pnames_cnt, 1);
	}
	free(kk);
}

/* The BPF decision for a non-exec event (or a memfd exec), as the programs make it. */
static bool kernel_kills_sys(const struct ward_kernel_kill *k, const struct ward_event *ev,
			     const char *comm, const char *pcomm, bool in_ct)
{
	const struct ward_ev_raw *r = ev->raw;
	bool ok;

	if (k->kind == 0) {
		if (!k->memfd || r->kind != WARD_EV_EXEC || !(r->flags & WARD_F_EXE_MEMFD))
			return false;
		if (!((r->nr == 59 && k->execve) || (r->nr == 322 && k->execveat)))
			return false;
	} else {
		ok = false;
		for (size_t i = 0; i < k->nrs_cnt; i++)
			ok |= k->nrs[i] == r->nr;
		if (!ok)
			return false;
	}
	if (k->where == WARD_KK_IN_CONTAINER && !in_ct)
		return false;
	if (k->where == WARD_KK_ON_HOST && in_ct)
		return false;
	if (k->names_cnt) {
		ok = false;
		for (size_t i = 0; i < k->names_cnt; i++)
			ok |= !strcmp(k->names[i], comm);
		if (!ok)
			return false;
	}
	if (k->pnames_cnt) {
		ok = false;
		for (size_t i = 0; i < k->pnames_cnt; i++)
			ok |= !strcmp(k->pnames[i], pcomm);
		if (!ok)
			return false;
	}
	if (k->kind == WARD_KK_K_CLONE) {
		/* all the namespace bits; a new thread is never killed */
		if (!k->req_mask || (r->args[0] & k->req_mask) != k->req_mask ||
		    (r->args[0] & 0x10000))
			return false;
	} else if (k->req_mask && !((k->req_mask >> ward_kk_req_bit(r->args[0])) & 1)) {
		return false;
	}
	if (k->kind == WARD_KK_K_OPEN || k->kind == WARD_KK_K_EXEC_PATH) {
		uint8_t enc[WARD_KK_PATH];
		const char *path = k->kind == WARD_KK_K_OPEN ? ev->path : ev->proc->exepath;

		/* open: only a successful open with the kernel's path of the file; exec: the
		 * exec record (sched_process_exec) with the new image's path */
		if (k->kind == WARD_KK_K_OPEN && r->ret < 0)
			return false;
		if (k->kind == WARD_KK_K_EXEC_PATH && r->kind != WARD_EV_EXEC)
			return false;
		if (!path || !ward_kk_encode_path(path, strlen(path), enc))
			return false;
		ok = false;
		for (size_t i = 0; i < k->paths_cnt; i++)
			ok |= !memcmp(k->paths[i], enc, WARD_KK_PATH);
		return ok;
	}
	if (k->kind == WARD_KK_K_CONNECT) {
		if (r->remote.family != AF_INET && r->remote.family != AF_INET6)
			return false;
		if (k->addrs_cnt) {
			size_t alen = r->remote.family == AF_INET ? 4 : 16;

			ok = false;
			for (size_t i = 0; i < k->addrs_cnt; i++)
				ok |= k->addrs[i].family == r->remote.family &&
				      !memcmp(k->addrs[i].addr, r->remote.addr, alen);
			if (!ok)
				return false;
		}
		if (k->ports_cnt) {
			ok = false;
			for (size_t i = 0; i < k->ports_cnt; i++)
				ok |= k->ports[i] == r->remote.port;
			if (!ok)
				return false;
		}
	}
	return true;
}

static void test_sys_exact_against_eval(void **state)
{
	static const char *const comms[] = { "cat", "nc", "unshare", "3" };
	static const char *const pcomms[] = { "bash", "sshd" };
	static const struct { int nr; const char *type; uint16_t kind; } evs[] = {
		{ 2, "open", WARD_EV_OPEN }, { 257, "openat", WARD_EV_OPEN },
		{ 437, "openat2", WARD_EV_OPEN }, { 42, "connect", WARD_EV_CONNECT },
		{ 101, "ptrace", WARD_EV_PTRACE }, { 308, "setns", WARD_EV_SETNS },
		{ 272, "unshare", WARD_EV_UNSHARE }, { 313, "finit_module", WARD_EV_MODULE },
		{ 59, "execve", WARD_EV_EXEC }, { 322, "execveat", WARD_EV_EXEC },
		/* a fork record, and the record of a clone killed at sys_enter (nr 56 either way) */
		{ 56, "clone", WARD_EV_FORK }, { 56, "clone", WARD_EV_UNSHARE },
	};
	/* clone flags: none, one, two, with other flags, all (with CLONE_NEWTIME 0x80, which
	 * renders as hex), 0x80 alone, vfork's */
	static const uint64_t cflags[] = { 0, 0x10000000, 0x10020000, 0x44000100,
					   0x7e020080, 0x80, 0x4100, 0x10020000 | 0x100000000ull };
	static const char *const paths[] = { "/etc/shadow", "/etc/gshadow", "/etc/passwd",
					     "/tmp/etc/shadow" };
	/* exe paths (always absolute: a dentry walk): the rules' values, another file, a
	 * memfd's name */
	static const char *const exes[] = { "/usr/bin/nc", "/tmp/x/nc", "/usr/bin/cat",
					    "/memfd:x (deleted)" };
	static const struct { int af; const char *ip; } peers[] = {
		{ AF_INET, "127.0.0.1" }, { AF_INET, "10.1.2.3" }, { AF_INET6, "::1" },
	};
	static const uint16_t ports[] = { 4444, 5555, 80 };
	static const uint64_t reqs[] = { 16, 0x4206, 4, 0 };
	struct ward_kernel_kill *kk = calloc(32, sizeof(*kk));
	struct ward_container ct;
	int n, checked = 0, kills = 0;

	(void)state;
	n = ward_rules_kernel_kills(RS2, kk, 32);
	memset(&ct, 0, sizeof(ct));
	ct.runtime = WARD_RT_DOCKER;
	snprintf(ct.id, sizeof(ct.id), "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	for (size_t e = 0; e < sizeof(evs) / sizeof(evs[0]); e++)
	for (size_t c = 0; c < sizeof(comms) / sizeof(comms[0]); c++)
	for (size_t p = 0; p < sizeof(pcomms) / sizeof(pcomms[0]); p++)
	for (int in_ct = 0; in_ct < 2; in_ct++)
	for (size_t v = 0; v < 12; v++) { /* the variant: path, peer x port, request, memfd */
		struct ward_ev_raw raw;
		struct ward_event ev;
		struct hits h = { 0 };
		struct ward_proc *self;

		self = grid_event(&raw, &ev, evs[e].kind, evs[e].nr, evs[e].type, "x", comms[c],
				  pcomms[p], in_ct ? &ct : NULL);
		if (raw.kind == WARD_EV_OPEN) {
			/* v 0-3 succeed, 4-7 fail (no fd; fd.name is the string passed) */
			raw.ret = v < 4 ? 3 : -2;
			if (v >= 8)
				continue;
			raw.fd_type = v < 4 ? WARD_FD_FILE : WARD_FD_NONE;
			ev.path = ev.aux = paths[v % 4];
			ev.fd = v < 4 ? 3 : -1;
		} else if (raw.kind == WARD_EV_CONNECT) {
			if (v >= 9)
				continue;
			raw.fd_type = peers[v / 3].af == AF_INET ? WARD_FD_IPV4 : WARD_FD_IPV6;
			raw.remote.family = (uint16_t)peers[v / 3].af;
			raw.remote.port = ports[v % 3];
			inet_pton(peers[v / 3].af, peers[v / 3].ip, raw.remote.addr);
			raw.local.family = raw.remote.family;
			raw.local.port = 40000;
			raw.ret = -1;
			ev.fd = 3;
		} else if (raw.kind == WARD_EV_PTRACE) {
			if (v >= 4)
				continue;
			raw.args[0] = reqs[v];
		} else if (evs[e].nr == 56) {
			if (v >= sizeof(cflags) / sizeof(cflags[0]))
				continue;
			raw.args[0] = cflags[v];
			if (raw.kind == WARD_EV_FORK) {
				raw.child_pid = 301;
				raw.ret = 301;
			}
			ev.category = "process";
		} else if (raw.kind == WARD_EV_EXEC) {
			/* v: memfd flag (bit 0) x exe path (v / 2) */
			if (v >= 2 * sizeof(exes) / sizeof(exes[0]))
				continue;
			if (v & 1)
				raw.flags |= WARD_F_EXE_MEMFD;
			ward_proc_set_str(&self->exepath, exes[v / 2], strlen(exes[v / 2]));
			ev.path = self->exepath;
			ev.category = "process";
		} else if (v) {
			continue;
		}
		ward_rules_eval(RS2, &ev, PT, on_match, &h);
		for (int i = 0; i < n; i++) {
			bool k = kernel_kills_sys(&kk[i], &ev, comms[c], pcomms[p], in_ct);

			if (k && !h.hit[kk[i].rule])
				fail_msg("rule '%s' on %s by %s from %s (variant %zu, %s): the kernel kills, "
					 "the rule does not match", ward_rules_get(RS2, kk[i].rule)->name,
					 evs[e].type, comms[c], pcomms[p], v, in_ct ? "container" : "host");
			/* the kernel decides successful opens only: a failed open is user space's */
			if (!k && h.hit[kk[i].rule] && !(raw.kind == WARD_EV_OPEN && raw.ret < 0))
				fail_msg("rule '%s' on %s by %s from %s (variant %zu, %s): the rule matches, "
					 "the kernel does not kill", ward_rules_get(RS2, kk[i].rule)->name,
					 evs[e].type, comms[c], pcomms[p], v, in_ct ? "container" : "host");
			kills += k;
			checked++;
		}
	}
	fprintf(stderr, "sys grid: %d decisions, %d kills\n", checked, kills);
	assert_true(kills > 0);
	assert_true(kills < checked);
	free(kk);
	ward_rules_free(RS2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_rules_qualify),
		cmocka_unit_test(test_exact_against_eval),
		cmocka_unit_test(test_encode_path),
		cmocka_unit_test(test_sys_rules_qualify),
		cmocka_unit_test(test_sys_exact_against_eval),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
