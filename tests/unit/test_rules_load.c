// SPDX-License-Identifier: Apache-2.0
/* Rule files end to end: loading several files and directories, macros and lists with
 * append and override, exceptions, output formatting and output_fields, the event-type
 * index and syscall set, load diagnostics, and the Falco stable ruleset (compiles
 * completely; its rules match attack events and stay quiet on benign ones). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "events/container.h"
#include "events/event.h"
#include "events/proc.h"
#include "rules/rules_int.h"

#define SEC 1000000000ull

static struct ward_proc_table *pt;
static struct ward_ev_raw raw;
static struct ward_event ev;
static char tmpdir[64];

static struct ward_proc *mkproc(uint32_t pid, uint64_t start, uint32_t ppid, uint64_t pstart,
				const char *comm, const char *exe, const char *args)
{
	bool created;
	struct ward_proc *p = ward_proc_upsert(pt, pid, start, &created);

	p->ppid = ppid;
	p->pstart = pstart;
	p->vpid = pid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	ward_proc_set_str(&p->exe, exe, strlen(exe));
	ward_proc_set_str(&p->exepath, exe, strlen(exe));
	ward_proc_set_str(&p->args, args, strlen(args));
	ward_proc_set_str(&p->cwd, "/", 1);
	return p;
}

static void write_file(const char *dir, const char *name, const char *s)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ward-rules-load.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	assert_int_equal(ward_proc_table_new(256, &pt), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	ward_proc_table_free(pt);
	snprintf(cmd, sizeof(cmd), "%s", tmpdir);
	/* the test wrote only regular files into it */
	{
		const char *names[] = { "10-base.yaml", "20-local.yml", "notes.txt", "a.yaml", NULL };
		char path[256];

		for (int i = 0; names[i]; i++) {
			snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
			unlink(path);
		}
	}
	rmdir(cmd);
	return 0;
}

/* An event of process p: openat(path, flags) or execve, on the host unless c is set. */
static void ev_base(struct ward_proc *p, const char *type, int nr, int kind)
{
	memset(&raw, 0, sizeof(raw));
	memset(&ev, 0, sizeof(ev));
	raw.kind = (uint16_t)kind;
	raw.nr = (int16_t)nr;
	raw.pid = raw.tid = p->pid;
	raw.ts = p->start + 60 * SEC;
	raw.loginuid = UINT32_MAX;
	ev.raw = &raw;
	ev.type = type;
	ev.category = "file";
	ev.path = ev.path_raw = ev.path2 = ev.aux = ev.cwd = "";
	ev.fd = -1;
	ev.proc = p;
}

static void ev_openat(struct ward_proc *p, const char *path, uint64_t flags)
{
	ev_base(p, "openat", 257, WARD_EV_OPEN);
	raw.args[2] = flags;
	raw.ret = 5;
	raw.fd_type = WARD_FD_FILE;
	ev.fd = 5;
	ev.path = ev.path_raw = path;
}

static void ev_exec(struct ward_proc *p, const struct ward_container *c, uint32_t flags)
{
	ev_base(p, "execve", 59, WARD_EV_EXEC);
	raw.flags = flags;
	ev.container = c;
	p->container = c;
	ev.path = p->exepath;
}

struct hits {
	int n;
	char rule[8][128];
	char output[1024];
	size_t fields_cnt;
	struct ward_alert_field fields[16];
	char field_str[16][256];
	unsigned actions;
};

static int on_match(const struct ward_rule_match *m, void *arg)
{
	struct hits *h = arg;

	if (h->n < 8)
		snprintf(h->rule[h->n], sizeof(h->rule[0]), "%s", m->rule);
	h->n++;
	snprintf(h->output, sizeof(h->output), "%s", m->output);
	h->fields_cnt = m->fields_cnt < 16 ? m->fields_cnt : 16;
	h->actions = m->actions;
	for (size_t i = 0; i < h->fields_cnt; i++) {
		h->fields[i] = m->fields[i];
		if (m->fields[i].type == WARD_AV_STR) {
			snprintf(h->field_str[i], sizeof(h->field_str[i]), "%s", m->fields[i].v.s);
			h->fields[i].v.s = h->field_str[i];
		}
	}
	return 0;
}

static int eval(struct ward_ruleset *rs, struct hits *h)
{
	memset(h, 0, sizeof(*h));
	return ward_rules_eval(rs, &ev, pt, on_match, h);
}

static bool hit(const struct hits *h, const char *rule)
{
	for (int i = 0; i < h->n && i < 8; i++)
		if (!strcmp(h->rule[i], rule))
			return true;
	return false;
}

/* ---- append, override, directories ------------------------------------------------- */

static void test_append_override_dirs(void **state)
{
	const char *paths[1] = { tmpdir };
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	struct ward_proc *sshd, *sh, *zsh;
	struct hits h;

	write_file(tmpdir, "10-base.yaml",
		   "- required_engine_version: 0.26.0\n"
		   "- required_plugin_versions:\n    - name: container\n      version: 0.1.0\n"
		   "- list: shells\n  items: [bash]\n"
		   "- list: admins\n  items: [root]\n"
		   "- macro: spawned\n  condition: evt.type = execve\n"
		   "- rule: Shell\n  desc: a shell\n  condition: spawned and proc.name in (shells)\n"
		   "  output: \"shell %proc.name\"\n  priority: WARNING\n  tags: [a]\n"
		   "- rule: Quiet\n  desc: q\n  condition: spawned\n  output: q\n  priority: INFO\n"
		   "- rule: Audit\n  desc: k8s audit\n  condition: ka.verb = create\n  output: a\n"
		   "  priority: INFO\n  source: k8s_audit\n");
	write_file(tmpdir, "20-local.yml",
		   "- list: shells\n  items: [zsh]\n  append: true\n"
		   "- list: admins\n  items: [alice]\n  override:\n    items: replace\n"
		   "- macro: spawned\n  condition: or evt.type = execveat\n  override:\n    condition: append\n"
		   "- rule: Shell\n  condition: and not proc.pname = sshd\n  output: \"SHELL %proc.name by %proc.pname\"\n"
		   "  tags: [b]\n  override:\n    condition: append\n    output: replace\n    tags: append\n"
		   "- rule: Quiet\n  enabled: false\n"
		   "- rule: Later\n  desc: l\n  condition: spawned and proc.name = zsh\n  output: later\n"
		   "  priority: CRITICAL\n  actions: [kill, collect]\n");
	write_file(tmpdir, "notes.txt", "not yaml, ignored\n");

	assert_int_equal(ward_rules_load(paths, 1, NULL, &rep, &rs), 0);
	for (size_t i = 0; i < rep.msgs_cnt; i++)
		print_message("%s:%d:%d %s\n", rep.msgs[i].d.file, rep.msgs[i].d.line, rep.msgs[i].d.column, rep.msgs[i].d.msg);
	assert_int_equal(rep.errors, 0);
	assert_int_equal(rep.files, 2);
	assert_int_equal(rep.rules, 4);
	assert_int_equal(rep.macros, 1);
	assert_int_equal(rep.lists, 2);
	assert_int_equal(ward_rules_count(rs), 4);
	assert_int_equal(rs->lists[1].cnt, 1);
	assert_string_equal(rs->lists[1].items[0].s, "alice");

	{
		const struct ward_rule_info *shell = ward_rules_get(rs, 0), *audit = ward_rules_get(rs, 2);
		const struct ward_rule_info *later = ward_rules_get(rs, 3);

		assert_string_equal(shell->name, "Shell");
		assert_int_equal(shell->tags_cnt, 2);
		assert_string_equal(shell->tags[1], "b");
		assert_false(ward_rules_get(rs, 1)->enabled);
		assert_string_equal(audit->source, "k8s_audit");
		assert_false(audit->compiled);
		assert_int_equal(later->actions, WARD_ACT_KILL | WARD_ACT_COLLECT);
		assert_int_equal(later->priority, WARD_PRIO_CRITICAL);
	}

	sshd = mkproc(1100, 1 * SEC, 0, 0, "sshd", "/usr/sbin/sshd", "");
	sh = mkproc(1101, 2 * SEC, 1100, 1 * SEC, "bash", "/bin/bash", "");
	zsh = mkproc(1102, 3 * SEC, 1101, 2 * SEC, "zsh", "/bin/zsh", "");

	/* bash under sshd: excluded by the appended condition */
	ev_exec(sh, NULL, 0);
	assert_int_equal(eval(rs, &h), 0);
	/* zsh (appended to the list) under bash: matches, with the replaced output */
	ev_exec(zsh, NULL, 0);
	assert_int_equal(eval(rs, &h), 2);
	assert_true(hit(&h, "Shell"));
	assert_true(hit(&h, "Later"));
	assert_int_equal(h.actions, WARD_ACT_KILL | WARD_ACT_COLLECT);
	/* execveat reaches the macro through its appended alternative */
	ev_exec(zsh, NULL, 0);
	ev.type = "execveat";
	raw.nr = 322;
	assert_int_equal(eval(rs, &h), 2);
	assert_int_equal(ward_rules_hits(rs, 0), 2);
	assert_int_equal(ward_rules_hits(rs, 1), 0);
	(void)sshd;
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
}

static void test_merge_errors(void **state)
{
	static const char doc[] =
		"- rule: Missing\n  condition: and x\n  append: true\n"
		"- macro: nope\n  condition: x\n  override:\n    condition: append\n"
		"- list: nolist\n  items: [a]\n  append: true\n"
		"- rule: NoOut\n  condition: evt.type = open\n  priority: INFO\n"
		"- rule: T\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  enabled: perhaps\n"
		"- foo: bar\n"
		"- rule: U\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  colour: red\n"
		"- macro: broken\n  condition: (evt.type = open\n"
		"- rule: UsesBroken\n  condition: broken\n  output: o\n  priority: INFO\n"
		"- macro: loop1\n  condition: loop2\n- macro: loop2\n  condition: loop1\n"
		"- rule: Loop\n  condition: loop1\n  output: o\n  priority: INFO\n"
		"- list: l1\n  items: [l2]\n- list: l2\n  items: [l1]\n"
		"- rule: ListLoop\n  condition: proc.name in (l1)\n  output: o\n  priority: INFO\n"
		"- rule: Good\n  condition: evt.type = open\n  output: o\n  priority: INFO\n";
	static const struct {
		int line, col;
		const char *msg;
	} want[] = {
		{ 1, 9, "rule 'Missing' has 'append' but no rule of that name" },
		{ 4, 10, "macro 'nope' has 'override' but no macro" },
		{ 8, 9, "list 'nolist' has 'append' but no list" },
		{ 11, 3, "rule 'NoOut' has no 'output'" },
		{ 18, 12, "'enabled' must be true or false" },
		{ 19, 3, "unknown item 'foo'" },
		{ 24, 3, "unknown key 'colour' in a rule" },
		{ 26, 14, "macro 'broken': unbalanced '('" },
		{ 28, 14, "macro 'broken' has errors" },
		{ 34, 14, "macro 'loop1' refers to itself" },
		{ 44, 28, "list 'l1' contains itself" },
	};
	struct ward_rules_report rep;
	struct ward_ruleset *rs;

	assert_int_equal(ward_rules_load_mem("m.yaml", doc, sizeof(doc) - 1, NULL, &rep, &rs), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool found = false;

		for (size_t k = 0; k < rep.msgs_cnt && !found; k++)
			found = rep.msgs[k].d.line == want[i].line && rep.msgs[k].d.column == want[i].col &&
				strstr(rep.msgs[k].d.msg, want[i].msg) && !strcmp(rep.msgs[k].d.file, "m.yaml");
		if (!found) {
			for (size_t k = 0; k < rep.msgs_cnt; k++)
				print_message("  got %d:%d %s\n", rep.msgs[k].d.line, rep.msgs[k].d.column, rep.msgs[k].d.msg);
			fail_msg("missing diagnostic %d:%d '%s'", want[i].line, want[i].col, want[i].msg);
		}
	}
	assert_int_equal(rep.warnings, 1);   /* the unknown key */
	assert_int_equal(rep.errors, 10);
	/* the good rules still load and compile */
	assert_int_equal(rep.rules_compiled, 2);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
}

/* ward's per-rule `mode:` key: parsed, replaced through override:, never appended, and a
 * bad value is an error naming file:line:col. */
static void test_rule_mode(void **state)
{
	static const char doc[] =
		"- rule: Global\n  condition: evt.type = open\n  output: o\n  priority: INFO\n"
		"  actions: [kill]\n"
		"- rule: Enf\n  condition: evt.type = open\n  output: o\n  priority: INFO\n"
		"  actions: [kill]\n  mode: enforce\n"
		"- rule: Det\n  condition: evt.type = open\n  output: o\n  priority: INFO\n"
		"  mode: detect\n"
		"- rule: Global\n  mode: detect\n  override:\n    mode: replace\n"
		"- rule: Enf\n  mode: detect\n  override:\n    mode: append\n"
		"- rule: Bad\n  condition: evt.type = open\n  output: o\n  priority: INFO\n"
		"  mode: enforced\n"
		"- rule: Det\n  condition: and proc.name = x\n  append: true\n";
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	bool bad_seen = false, append_seen = false;

	(void)state;
	assert_int_equal(ward_rules_load_mem("mode.yaml", doc, sizeof(doc) - 1, NULL, &rep, &rs), 0);
	for (size_t k = 0; k < rep.msgs_cnt; k++) {
		const struct ward_rules_msg *m = &rep.msgs[k];

		print_message("  %s:%d:%d %s\n", m->d.file, m->d.line, m->d.column, m->d.msg);
		if (m->is_error && m->d.line == 29 && m->d.column == 9 &&
		    strstr(m->d.msg, "invalid mode 'enforced' (expected enforce or detect)") &&
		    !strcmp(m->d.file, "mode.yaml"))
			bad_seen = true;
		if (m->is_error && strstr(m->d.msg, "'mode' can only be replaced, not appended"))
			append_seen = true;
	}
	assert_true(bad_seen);
	assert_true(append_seen);
	assert_int_equal(rep.errors, 2);
	assert_int_equal(ward_rules_count(rs), 3); /* Bad is left out */
	assert_string_equal(ward_rules_get(rs, 0)->name, "Global");
	assert_int_equal(ward_rules_get(rs, 0)->mode, WARD_RMODE_DETECT);   /* replaced */
	assert_int_equal(ward_rules_get(rs, 1)->mode, WARD_RMODE_ENFORCE);  /* append refused */
	assert_int_equal(ward_rules_get(rs, 2)->mode, WARD_RMODE_DETECT);   /* kept by append: true */
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
}

static void test_yaml_syntax_error(void **state)
{
	static const char doc[] = "- rule: x\n  condition: [unclosed\n- rule: y\n";
	struct ward_rules_report rep;
	struct ward_ruleset *rs;

	assert_int_equal(ward_rules_load_mem("s.yaml", doc, sizeof(doc) - 1, NULL, &rep, &rs), 0);
	assert_int_equal(rep.errors, 1);
	assert_int_equal(rep.rules, 0);
	assert_int_equal(rep.msgs[0].d.line, 3);
	assert_non_null(strstr(rep.msgs[0].d.msg, "YAML syntax error"));
	ward_rules_report_free(&rep);
	ward_rules_free(rs);

	/* a top-level mapping is not a rule file */
	assert_int_equal(ward_rules_load_mem("m.yaml", "a: b\n", 5, NULL, &rep, &rs), 0);
	assert_int_equal(rep.errors, 1);
	assert_non_null(strstr(rep.msgs[0].d.msg, "YAML list"));
	ward_rules_report_free(&rep);
	ward_rules_free(rs);

	/* nesting beyond the bound is refused before any tree is built */
	{
		char deep[200];
		size_t n = 0;

		deep[n++] = '-';
		deep[n++] = ' ';
		for (int i = 0; i < 40; i++)
			deep[n++] = '[';
		deep[n] = '\0';
		assert_int_equal(ward_rules_load_mem("d.yaml", deep, n, NULL, &rep, &rs), 0);
		assert_int_equal(rep.errors, 1);
		assert_non_null(strstr(rep.msgs[0].d.msg, "nested deeper"));
		ward_rules_report_free(&rep);
		ward_rules_free(rs);
	}
}

/* ---- exceptions --------------------------------------------------------------------- */

static void test_exceptions(void **state)
{
	static const char doc[] =
		"- list: editors\n  items: [vim, nano]\n"
		"- rule: Etc\n  desc: d\n  condition: evt.type = openat and fd.name startswith /etc\n"
		"  output: o\n  priority: INFO\n"
		"  exceptions:\n"
		"    - name: proc_file\n      fields: [proc.name, fd.name]\n      comps: [=, in]\n"
		"      values:\n        - [cat, [/etc/shadow, /etc/gshadow]]\n"
		"    - name: by_proc\n      fields: proc.name\n      values: [editors]\n"
		"    - name: prefix\n      fields: [fd.name]\n      comps: [startswith]\n      values:\n        - [/etc/ssl/]\n"
		"- rule: Etc\n  exceptions:\n    - name: by_proc\n      values: [less]\n  append: true\n";
	static const struct {
		const char *comm, *path;
		int want;
	} cases[] = {
		{ "cat", "/etc/shadow", 0 }, { "cat", "/etc/gshadow", 0 }, { "cat", "/etc/passwd", 1 },
		{ "vim", "/etc/passwd", 0 }, { "nano", "/etc/hosts", 0 }, { "less", "/etc/hosts", 0 },
		{ "grep", "/etc/ssl/certs/x.pem", 0 }, { "grep", "/etc/hosts", 1 }, { "grep", "/tmp/x", 0 },
	};
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	struct hits h;

	assert_int_equal(ward_rules_load_mem("e.yaml", doc, sizeof(doc) - 1, NULL, &rep, &rs), 0);
	for (size_t i = 0; i < rep.msgs_cnt; i++)
		print_message("%d:%d %s\n", rep.msgs[i].d.line, rep.msgs[i].d.column, rep.msgs[i].d.msg);
	assert_int_equal(rep.errors, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_proc *p = mkproc(2000 + (uint32_t)i, 5 * SEC, 0, 0, cases[i].comm, cases[i].comm, "");

		ev_openat(p, cases[i].path, O_RDONLY);
		if (eval(rs, &h) != cases[i].want)
			fail_msg("%s opening %s: %d matches, want %d", cases[i].comm, cases[i].path, h.n, cases[i].want);
	}
	ward_rules_report_free(&rep);
	ward_rules_free(rs);

	/* malformed exceptions are errors with positions */
	{
		static const char bad[] =
			"- rule: B\n  condition: evt.type = open\n  output: o\n  priority: INFO\n"
			"  exceptions:\n    - name: x\n      fields: [proc.name, fd.name]\n      comps: [=]\n"
			"      values: []\n";

		assert_int_equal(ward_rules_load_mem("b.yaml", bad, sizeof(bad) - 1, NULL, &rep, &rs), 0);
		assert_int_equal(rep.errors, 1);
		assert_int_equal(rep.msgs[0].d.line, 8);
		assert_non_null(strstr(rep.msgs[0].d.msg, "2 fields but 1 comps"));
		ward_rules_report_free(&rep);
		ward_rules_free(rs);
	}
}

/* ---- output ------------------------------------------------------------------------- */

static void test_output(void **state)
{
	static const char doc[] =
		"- rule: Out\n  desc: d\n  condition: evt.type = openat\n"
		"  output: \"%proc.name read %fd.name. gp=%proc.aname[2] flags=%evt.arg.flags "
		"tag=%container.image.tag fd=%fd.num pct=100%% up=%proc.is_exe_upper_layer bad=%nosuch.field\"\n"
		"  priority: NOTICE\n  tags: [t1, t2]\n";
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	struct ward_proc *gp, *p, *c;
	struct hits h;

	assert_int_equal(ward_rules_load_mem("o.yaml", doc, sizeof(doc) - 1, NULL, &rep, &rs), 0);
	assert_int_equal(rep.errors, 0);
	assert_int_equal(rep.warnings, 1);
	assert_non_null(strstr(rep.msgs[0].d.msg, "unknown field 'nosuch.field'"));
	gp = mkproc(3000, 1 * SEC, 0, 0, "init", "/sbin/init", "");
	p = mkproc(3001, 2 * SEC, 3000, 1 * SEC, "bash", "/bin/bash", "");
	c = mkproc(3002, 3 * SEC, 3001, 2 * SEC, "cat", "/bin/cat", "/etc/shadow");
	ev_openat(c, "/etc/shadow", O_WRONLY | O_TRUNC);
	assert_int_equal(eval(rs, &h), 1);
	assert_string_equal(h.output,
			    "cat read /etc/shadow. gp=init flags=O_WRONLY|O_TRUNC tag=<NA> fd=5 pct=100% up=false bad=<NA>");
	assert_int_equal(h.fields_cnt, 8);
	assert_string_equal(h.fields[0].key, "proc.name");
	assert_int_equal(h.fields[0].type, WARD_AV_STR);
	assert_string_equal(h.fields[0].v.s, "cat");
	assert_string_equal(h.fields[2].key, "proc.aname[2]");
	assert_string_equal(h.fields[2].v.s, "init");
	assert_string_equal(h.fields[3].key, "evt.arg.flags");
	assert_string_equal(h.fields[4].key, "container.image.tag");
	assert_int_equal(h.fields[4].type, WARD_AV_NULL);
	assert_string_equal(h.fields[5].key, "fd.num");
	assert_int_equal(h.fields[5].type, WARD_AV_INT);
	assert_int_equal(h.fields[5].v.i, 5);
	assert_int_equal(h.fields[6].type, WARD_AV_BOOL);
	assert_false(h.fields[6].v.b);
	assert_string_equal(h.fields[7].key, "nosuch.field");
	assert_int_equal(h.fields[7].type, WARD_AV_NULL);
	(void)gp;
	(void)p;
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
}

/* ---- index and syscall set ---------------------------------------------------------- */

static void test_index_and_syscalls(void **state)
{
	static const char doc[] =
		"- rule: Open\n  condition: evt.type in (open, openat) and fd.name = /x\n  output: o\n  priority: INFO\n"
		"- rule: Conn\n  condition: (evt.type = connect and fd.sport = 1) or (evt.type = accept4)\n  output: o\n  priority: WARNING\n"
		"- rule: Exit\n  condition: evt.type = procexit\n  output: o\n  priority: INFO\n"
		"- rule: Spawn\n  condition: evt.type = clone\n  output: o\n  priority: INFO\n"
		"- rule: Off\n  condition: evt.type = ptrace\n  output: o\n  priority: INFO\n  enabled: false\n"
		"- rule: Debug\n  condition: evt.type = kill\n  output: o\n  priority: DEBUG\n";
	struct ward_rules_opts o = { .min_priority = WARD_PRIO_INFORMATIONAL };
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	bool sc[WARD_SC_MAX];
	int cnt = 0;

	assert_int_equal(ward_rules_load_mem("i.yaml", doc, sizeof(doc) - 1, &o, &rep, &rs), 0);
	assert_int_equal(rep.errors + rep.warnings, 0);
	ward_rules_syscalls(rs, sc);
	for (int i = 0; i < WARD_SC_MAX; i++)
		cnt += sc[i];
	assert_true(sc[2] && sc[257] && sc[42] && sc[288]);
	assert_true(sc[WARD_SC_GATE_EXIT] && sc[WARD_SC_GATE_FORK]);
	assert_false(sc[101]); /* disabled rule */
	assert_false(sc[62]);  /* below min priority */
	assert_true(sc[56]);   /* clone itself, besides the fork gate */
	assert_int_equal(cnt, 7);
	assert_int_equal(rs->bucket_cnt[257], 1);
	assert_int_equal(rs->bucket_cnt[42], 1);
	assert_int_equal(rs->bucket_cnt[0], 0);
	assert_false(ward_rules_get(rs, 1)->any_type);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);

	/* a rule without evt.type runs everywhere and says so */
	{
		static const char any[] = "- rule: Any\n  condition: proc.name = x\n  output: o\n  priority: INFO\n";

		assert_int_equal(ward_rules_load_mem("a.yaml", any, sizeof(any) - 1, NULL, &rep, &rs), 0);
		assert_int_equal(rep.warnings, 1);
		assert_non_null(strstr(rep.msgs[0].d.msg, "does not restrict evt.type"));
		assert_true(ward_rules_get(rs, 0)->any_type);
		assert_int_equal(rs->bucket_cnt[257], 1);
		assert_int_equal(rs->bucket_cnt[59], 1);
		ward_rules_syscalls(rs, sc);
		assert_true(sc[257] && sc[59] && sc[42] && sc[101]);
		ward_rules_report_free(&rep);
		ward_rules_free(rs);
	}
}

/* ---- the Falco stable ruleset ------------------------------------------------------- */

/* The ruleset's path comes from WARD_FALCO_RULES (.ci/run sets it): unset outside CI skips
 * these cases, under CI (CI=true) fails them. */
static struct ward_ruleset *load_falco(void)
{
	const char *path = getenv("WARD_FALCO_RULES");
	const char *ci = getenv("CI");
	const char *paths[1] = { path };
	struct ward_rules_report rep;
	struct ward_ruleset *rs;

	if (!path || !*path || access(path, R_OK) != 0) {
		if (ci && strcmp(ci, "true") == 0)
			fail_msg("WARD_FALCO_RULES must name Falco's falco_rules.yaml under CI (got '%s')",
				 path ? path : "");
		print_message("SKIP: WARD_FALCO_RULES not set or unreadable (path to Falco's "
			      "falco_rules.yaml)\n");
		skip();
	}

	assert_int_equal(ward_rules_load(paths, 1, NULL, &rep, &rs), 0);
	for (size_t i = 0; i < rep.msgs_cnt; i++)
		print_message("%s:%d:%d %s\n", rep.msgs[i].d.file, rep.msgs[i].d.line, rep.msgs[i].d.column, rep.msgs[i].d.msg);
	assert_int_equal(rep.files, 1);
	assert_int_equal(rep.errors, 0);
	assert_int_equal(rep.rules, 25);
	assert_int_equal(rep.macros, 87);
	assert_int_equal(rep.lists, 49);
	assert_int_equal(rep.rules_compiled, 25);
	ward_rules_report_free(&rep);
	return rs;
}

static void test_falco_compiles(void **state)
{
	struct ward_ruleset *rs = load_falco();
	bool sc[WARD_SC_MAX];

	for (size_t i = 0; i < ward_rules_count(rs); i++)
		assert_true(ward_rules_get(rs, i)->compiled);
	ward_rules_syscalls(rs, sc);
	/* openat, execve, connect, ptrace, socket, dup2, symlinkat, linkat, finit_module */
	assert_true(sc[257] && sc[59] && sc[42] && sc[101] && sc[41] && sc[33] && sc[266] && sc[265] && sc[313]);
	assert_false(sc[0]); /* read is not needed */
	ward_rules_free(rs);
}

static void test_falco_scenarios(void **state)
{
	struct ward_ruleset *rs = load_falco();
	struct ward_proc *sshd, *bash, *cat, *shim, *cbash, *dropped, *gdb, *tcpd;
	struct ward_container c = { 0 };
	struct hits h;

	c.runtime = WARD_RT_DOCKER;
	snprintf(c.id, sizeof(c.id), "%s", "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999");
	snprintf(c.image_repo, sizeof(c.image_repo), "docker.io/library/debian");
	c.has_meta = true;

	sshd = mkproc(4000, 1 * SEC, 0, 0, "sshd", "/usr/sbin/sshd", "-D");
	bash = mkproc(4001, 2 * SEC, 4000, 1 * SEC, "bash", "/bin/bash", "");
	cat = mkproc(4002, 3 * SEC, 4001, 2 * SEC, "cat", "/bin/cat", "/etc/shadow");
	shim = mkproc(4100, 1 * SEC, 0, 0, "containerd-shim", "/usr/bin/containerd-shim", "");
	cbash = mkproc(4101, 2 * SEC, 4100, 1 * SEC, "bash", "/bin/bash", "");
	dropped = mkproc(4102, 3 * SEC, 4101, 2 * SEC, "xmr", "./xmr", "");
	gdb = mkproc(4200, 3 * SEC, 4001, 2 * SEC, "gdb", "/usr/bin/gdb", "-p 1");
	tcpd = mkproc(4300, 3 * SEC, 4001, 2 * SEC, "sshd", "/usr/sbin/sshd", "");

	/* Read sensitive file untrusted: cat reads /etc/shadow ... */
	ev_openat(cat, "/etc/shadow", O_RDONLY);
	eval(rs, &h);
	assert_true(hit(&h, "Read sensitive file untrusted"));
	assert_non_null(strstr(h.output, "file=/etc/shadow"));
	assert_non_null(strstr(h.output, "process=cat"));
	assert_non_null(strstr(h.output, "parent=bash"));
	assert_non_null(strstr(h.output, "gparent=sshd"));
	/* ... but sshd (trusted) reading it, cat reading /etc/hosts, or cat writing: quiet */
	ev_openat(tcpd, "/etc/shadow", O_RDONLY);
	assert_int_equal(eval(rs, &h), 0);
	ev_openat(cat, "/etc/hosts", O_RDONLY);
	assert_int_equal(eval(rs, &h), 0);
	ev_openat(cat, "/etc/shadow", O_WRONLY);
	assert_false(hit(&h, "Read sensitive file untrusted"));

	/* Terminal shell in container: bash with a tty under containerd-shim ... */
	cbash->tty = 34817;
	ev_exec(cbash, &c, 0);
	eval(rs, &h);
	assert_true(hit(&h, "Terminal shell in container"));
	/* ... but not without a tty, nor on the host */
	cbash->tty = 0;
	ev_exec(cbash, &c, 0);
	eval(rs, &h);
	assert_false(hit(&h, "Terminal shell in container"));
	bash->tty = 34818;
	ev_exec(bash, NULL, 0);
	eval(rs, &h);
	assert_false(hit(&h, "Terminal shell in container"));

	/* Drop and execute new binary in container: exe in the overlay upper layer ... */
	ev_exec(dropped, &c, WARD_F_EXE_UPPER);
	eval(rs, &h);
	assert_true(hit(&h, "Drop and execute new binary in container"));
	/* ... not for a binary of the image, nor on the host */
	ev_exec(dropped, &c, 0);
	eval(rs, &h);
	assert_false(hit(&h, "Drop and execute new binary in container"));
	ev_exec(dropped, NULL, WARD_F_EXE_UPPER);
	dropped->container = NULL;
	eval(rs, &h);
	assert_false(hit(&h, "Drop and execute new binary in container"));

	/* Fileless execution via memfd_create */
	ev_exec(dropped, NULL, WARD_F_EXE_MEMFD);
	eval(rs, &h);
	assert_true(hit(&h, "Fileless execution via memfd_create"));

	/* PTRACE attached to process */
	ev_base(gdb, "ptrace", 101, WARD_EV_PTRACE);
	raw.args[0] = 16;
	eval(rs, &h);
	assert_true(hit(&h, "PTRACE attached to process"));
	raw.args[0] = 3; /* PTRACE_PEEKUSR: benign */
	assert_int_equal(eval(rs, &h), 0);

	/* Packet socket created in container */
	ev_base(cbash, "socket", 41, WARD_EV_SOCKET);
	cbash->container = &c;
	ev.container = &c;
	raw.args[0] = AF_PACKET;
	raw.args[1] = SOCK_RAW;
	eval(rs, &h);
	assert_true(hit(&h, "Packet socket created in container"));
	raw.args[0] = AF_INET;
	assert_int_equal(eval(rs, &h), 0);

	/* Redirect STDOUT/STDIN to Network Connection in Container: dup2(sock, 0) */
	ev_base(cbash, "dup2", 33, WARD_EV_DUP);
	ev.container = &c;
	raw.ret = 0;
	raw.fd_type = WARD_FD_IPV4;
	raw.sock_type = SOCK_STREAM;
	raw.local.family = raw.remote.family = AF_INET;
	eval(rs, &h);
	assert_true(hit(&h, "Redirect STDOUT/STDIN to Network Connection in Container"));
	raw.fd_type = WARD_FD_PIPE;
	assert_int_equal(eval(rs, &h), 0);

	/* Clear Log Activities: truncating /var/log/syslog */
	ev_openat(bash, "/var/log/syslog", O_WRONLY | O_TRUNC);
	eval(rs, &h);
	assert_true(hit(&h, "Clear Log Activities"));
	ev_openat(bash, "/var/log/syslog", O_WRONLY | O_APPEND);
	assert_int_equal(eval(rs, &h), 0);

	(void)sshd;
	(void)shim;
	ward_rules_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_override_dirs),
		cmocka_unit_test(test_merge_errors),
		cmocka_unit_test(test_rule_mode),
		cmocka_unit_test(test_yaml_syntax_error),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_index_and_syscalls),
		cmocka_unit_test(test_falco_compiles),
		cmocka_unit_test(test_falco_scenarios),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
