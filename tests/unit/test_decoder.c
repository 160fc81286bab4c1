// SPDX-License-Identifier: Apache-2.0
/* Decoder and path handling: dentry reversal, relative path resolution, argv splitting,
 * process creation from fork/exec, and rejection of records that don't add up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/limits.h"
#include "events/decoder.h"

struct rec {
	_Alignas(8) unsigned char b[WARD_EV_MAX];
	size_t off;
};

static struct ward_ev_raw *rec_init(struct rec *r, unsigned kind, int nr, uint32_t pid)
{
	struct ward_ev_raw *e = (struct ward_ev_raw *)r->b;

	memset(r, 0, sizeof(*r));
	e->abi = WARD_ABI_VERSION;
	e->kind = (uint16_t)kind;
	e->nr = (int16_t)nr;
	e->pid = e->tid = pid;
	e->ppid = 1;
	e->pstart = 5000000000ull + pid;
	e->ppstart = 1000000000ull;
	e->ts = 6000000000ull;
	memcpy(e->comm, "marker", 7);
	r->off = sizeof(*e);
	return e;
}

static void rec_str(struct rec *r, int slot, const void *s, size_t n, uint8_t flags)
{
	struct ward_ev_raw *e = (struct ward_ev_raw *)r->b;

	memcpy(r->b + r->off, s, n);
	e->str_len[slot] = (uint16_t)n;
	e->str_flags[slot] = flags;
	r->off += n;
	e->size = (uint16_t)r->off;
}

static size_t rec_done(struct rec *r)
{
	((struct ward_ev_raw *)r->b)->size = (uint16_t)r->off;
	return r->off;
}

struct fixture {
	struct ward_proc_table *procs;
	struct ward_decoder *d;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_int_equal(ward_proc_table_new(64, &f->procs), 0);
	assert_int_equal(ward_decoder_new(f->procs, NULL, &f->d), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ward_decoder_free(f->d);
	ward_proc_table_free(f->procs);
	free(f);
	return 0;
}

static void test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "/", "/" }, { "/a/b/c", "/a/b/c" }, { "//a///b/", "/a/b" }, { "/a/./b", "/a/b" },
		{ "/a/../b", "/b" }, { "/../..", "/" }, { "/a/b/../../..", "/" }, { "/a/.b/..c", "/a/.b/..c" },
	};
	char out[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ward_path_normalize(cases[i].in, strlen(cases[i].in), out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].out);
	}
	assert_int_equal(ward_path_join("/home/u", "../x/./y", out, sizeof(out)), 0);
	assert_string_equal(out, "/home/x/y");
	assert_int_equal(ward_path_join("/home/u", "/abs", out, sizeof(out)), 0);
	assert_string_equal(out, "/abs");
	assert_int_not_equal(ward_path_normalize("/aaaaaaaaaa", 11, out, 6), 0);
}

static void test_exec_dentry_argv(void **state)
{
	struct fixture *f = *state;
	struct ward_event ev;
	struct rec r;
	struct ward_ev_raw *e = rec_init(&r, WARD_EV_EXEC, 59, 100);

	(void)e;
	/* exe /usr/bin/cat as leaf-first components; argv with an empty argument */
	rec_str(&r, WARD_STR_EXE, "cat\0bin\0usr\0", 12, WARD_S_DENTRY);
	rec_str(&r, WARD_STR_ARGV, "cat\0-n\0\0/etc/x y\0", 17, WARD_S_LIST);
	rec_str(&r, WARD_STR_CWD, "", 0, WARD_S_DENTRY); /* the root */
	rec_str(&r, WARD_STR_FILENAME, "/bin/cat", 9, 0);
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), 0);
	assert_string_equal(ev.type, "execve");
	assert_string_equal(ev.path, "/usr/bin/cat");
	assert_string_equal(ev.filename, "/bin/cat");
	assert_string_equal(ev.cwd, "/");
	assert_int_equal(ev.argc, 4);
	assert_string_equal(ev.proc->exe, "cat");
	assert_string_equal(ev.proc->args, "-n  /etc/x y");
	assert_string_equal(ev.proc->exepath, "/usr/bin/cat");
	assert_string_equal(ev.proc->comm, "marker");
	assert_null(ev.container);
}

static void test_relative_open_and_failure(void **state)
{
	struct fixture *f = *state;
	struct ward_event ev;
	struct rec r;
	struct ward_ev_raw *e = rec_init(&r, WARD_EV_OPEN, 257, 101);

	e->ret = -2;
	e->flags = WARD_F_FAILED;
	rec_str(&r, WARD_STR_PATH, "../etc/./shadow", 16, 0);
	rec_str(&r, WARD_STR_BASE, "tmp\0", 4, WARD_S_DENTRY);
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), 0);
	assert_string_equal(ev.type, "openat");
	assert_string_equal(ev.path, "/etc/shadow");
	assert_string_equal(ev.path_raw, "../etc/./shadow");
	assert_int_equal(ev.fd, -1);

	/* success: the kernel's path of the new fd wins over the string passed */
	e = rec_init(&r, WARD_EV_OPEN, 257, 101);
	e->ret = 3;
	rec_str(&r, WARD_STR_PATH, "link", 5, 0);
	rec_str(&r, WARD_STR_AUX, "target\0etc\0", 11, WARD_S_DENTRY);
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), 0);
	assert_string_equal(ev.path, "/etc/target");
	assert_int_equal(ev.fd, 3);
}

/* A rename with both names relative: the kernel writes PATH, BASE, PATH2, BASE2, so each
 * base follows its own path (a decoder reading the slots in index order swaps them). */
static void test_relative_rename(void **state)
{
	struct fixture *f = *state;
	struct ward_event ev;
	struct rec r;

	rec_init(&r, WARD_EV_RENAME, 316, 101);
	rec_str(&r, WARD_STR_PATH, "a", 2, 0);
	rec_str(&r, WARD_STR_BASE, "fc\0tmp\0", 7, WARD_S_DENTRY);
	rec_str(&r, WARD_STR_PATH2, "sub/b", 6, 0);
	rec_str(&r, WARD_STR_BASE2, "dst\0srv\0", 8, WARD_S_DENTRY);
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), 0);
	assert_string_equal(ev.type, "renameat2");
	assert_string_equal(ev.path, "/tmp/fc/a");
	assert_string_equal(ev.path2, "/srv/dst/sub/b");

	/* setxattr: a relative path with its base, then the attribute's name (no base) */
	rec_init(&r, WARD_EV_XATTR, 188, 101);
	rec_str(&r, WARD_STR_PATH, "./capbin", 9, 0);
	rec_str(&r, WARD_STR_BASE, "fc\0tmp\0", 7, WARD_S_DENTRY);
	rec_str(&r, WARD_STR_PATH2, "security.capability", 20, 0);
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), 0);
	assert_string_equal(ev.type, "setxattr");
	assert_string_equal(ev.path, "/tmp/fc/capbin");
	assert_string_equal(ev.path2, "security.capability");
}

static void test_fork_exit_ancestry(void **state)
{
	struct fixture *f = *state;
	struct ward_event ev;
	struct rec r;
	struct ward_ev_raw *e;
	struct ward_proc *child;

	e = rec_init(&r, WARD_EV_EXEC, 59, 200);
	rec_str(&r, WARD_STR_EXE, "nginx\0sbin\0usr\0", 16, WARD_S_DENTRY);
	rec_str(&r, WARD_STR_ARGV, "nginx\0", 6, WARD_S_LIST);
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), 0);

	e = rec_init(&r, WARD_EV_FORK, -1, 200);
	e->child_pid = 201;
	e->child_start = 7000000000ull;
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), 0);
	assert_string_equal(ev.type, "clone");
	child = ward_proc_get(f->procs, 201, ward_proc_key_start(7000000000ull));
	assert_non_null(child);
	assert_string_equal(child->exepath, "/usr/sbin/nginx");
	assert_ptr_equal(ward_proc_parent(f->procs, child),
			 ward_proc_get(f->procs, 200, ward_proc_key_start(5000000000ull + 200)));

	e = rec_init(&r, WARD_EV_EXIT, -1, 201);
	e->pstart = 7000000000ull;
	e->ppid = 200;
	e->ppstart = 5000000000ull + 200;
	e->exit_code = 3 << 8;
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), 0);
	assert_string_equal(ev.type, "procexit");
	assert_true(ev.proc->exited);
	/* still resolvable for a while so late events keep their ancestry */
	assert_non_null(ward_proc_get(f->procs, 201, ward_proc_key_start(7000000000ull)));
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	struct ward_decoder_stats st;
	struct ward_event ev;
	struct rec r;
	struct ward_ev_raw *e;

	assert_int_equal(ward_decoder_decode(f->d, r.b, 10, &ev), -WARD_E_SYNTAX);
	e = rec_init(&r, WARD_EV_OPEN, 257, 300);
	e->abi = 99;
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), -WARD_E_VERSION);
	e = rec_init(&r, WARD_EV_OPEN, 257, 300);
	rec_str(&r, WARD_STR_PATH, "/x", 3, 0);
	e->str_len[WARD_STR_PATH] = 4000; /* past the record's end */
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), -WARD_E_SYNTAX);
	e = rec_init(&r, 50, 0, 300); /* an unused kind */
	assert_int_equal(ward_decoder_decode(f->d, r.b, rec_done(&r), &ev), -WARD_E_SYNTAX);
	e = rec_init(&r, WARD_EV_OPEN, 257, 300);
	e->size = 60000; /* larger than what was given */
	assert_int_equal(ward_decoder_decode(f->d, r.b, sizeof(*e), &ev), -WARD_E_SYNTAX);
	ward_decoder_get_stats(f->d, &st);
	assert_int_equal(st.malformed, 4);
	assert_int_equal(st.version_mismatch, 1);
}

static void test_proc_table_bounded(void **state)
{
	struct ward_proc_table *t;
	bool created;

	assert_int_equal(ward_proc_table_new(8, &t), 0);
	for (uint32_t pid = 1; pid <= 100; pid++) {
		struct ward_proc *p = ward_proc_upsert(t, pid, pid * 10, &created);

		assert_true(created);
		ward_proc_set_str(&p->exepath, "/bin/x", 6);
		if (pid % 2)
			ward_proc_mark_exited(t, p, pid);
	}
	assert_true(ward_proc_table_count(t) <= 8);
	/* the most recent insertion survives eviction */
	assert_non_null(ward_proc_get(t, 100, 1000));
	/* (pid, start) is the key: same pid, other start is another process */
	assert_null(ward_proc_get(t, 100, 1001));
	assert_int_equal(ward_proc_table_new(WARD_PROC_TABLE_MAX + 1, &(struct ward_proc_table *){ 0 }),
			 -WARD_E_LIMIT);
	ward_proc_table_free(t);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test_setup_teardown(test_exec_dentry_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_open_and_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_exit_ancestry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test(test_proc_table_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
