// SPDX-License-Identifier: Apache-2.0
/* Unit tests for FIM building blocks: attribute specs, path order, policy, comparison,
 * row encoding/decoding, UTF-8 check, coalescing, mountinfo parsing, path classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fim/attr.h"
#include "fim/baseline.h"
#include "fim/classify.h"
#include "fim/coalesce.h"
#include "fim/compare.h"
#include "fim/drift.h"
#include "fim/mac.h"
#include "fim/policy.h"
#include "fim/report.h"

#define A(x) WARD_FIM_A_##x
#define T WARD_FIM_A_TYPE

static void test_spec(void **state)
{
	static const struct {
		const char *spec;
		int err;
		uint32_t mask;
	} cases[] = {
		{ "p+u+g", 0, T | A(PERM) | A(UID) | A(GID) },
		{ "p + i+n", 0, T | A(PERM) | A(INODE) | A(NLINK) },
		{ "R-m-c", 0, T | A(PERM) | A(INODE) | A(NLINK) | A(UID) | A(GID) | A(SIZE) | A(LINK) |
			       A(XATTR) | A(ACL) | A(SHA256) },
		{ "L", 0, T | A(PERM) | A(INODE) | A(NLINK) | A(UID) | A(GID) | A(LINK) | A(XATTR) | A(ACL) },
		{ "E", 0, T },
		{ "H", 0, T | A(SHA256) },
		{ "xattrs+acl", 0, T | A(XATTR) | A(ACL) },
		{ "s+sha512", 0, T | A(SIZE) | A(SHA512) },
		{ "MINE", 0, T | A(UID) | A(SHA256) },
		{ "", -WARD_E_SYNTAX, 0 },
		{ "p+", -WARD_E_SYNTAX, 0 },
		{ "p++u", -WARD_E_SYNTAX, 0 },
		{ "q", -WARD_E_SYNTAX, 0 },
		{ "p u", -WARD_E_SYNTAX, 0 },
		{ "sha256+sha512", -WARD_E_SYNTAX, 0 },
		{ "1p", -WARD_E_SYNTAX, 0 },
	};
	struct ward_fim_groups *g = ward_fim_groups_new(A(SHA256));
	struct ward_diag d;
	uint32_t m;

	assert_int_equal(ward_fim_groups_define(g, "MINE = u+sha256", 15, &d), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = 0;
		int err = ward_fim_spec_parse(g, cases[i].spec, strlen(cases[i].spec), &m, &d);

		assert_int_equal(err, cases[i].err);
		if (!err)
			assert_int_equal(m, cases[i].mask);
	}
	assert_int_equal(ward_fim_groups_define(g, "p=u", 3, &d), -WARD_E_SYNTAX);
	assert_int_equal(ward_fim_groups_define(g, "noequals", 8, &d), -WARD_E_SYNTAX);
	assert_int_equal(ward_fim_spec_parse(g, "q", 1, &m, &d), -WARD_E_SYNTAX);
	assert_non_null(strstr(d.msg, "unknown attribute or group 'q'"));
	ward_fim_groups_free(g);
}

/* The baseline order equals a depth-first walk with names sorted bytewise. */
static void test_path_order(void **state)
{
	static const char *const dfs[] = {
		"/a", "/a/b", "/a/b/c", "/a/b-x", "/a-c", "/a-c/z", "/a.d", "/ab", "/b",
	};
	for (size_t i = 0; i + 1 < sizeof(dfs) / sizeof(dfs[0]); i++)
		assert_true(ward_fim_path_cmp(dfs[i], strlen(dfs[i]), dfs[i + 1],
					      strlen(dfs[i + 1])) < 0);
	assert_int_equal(ward_fim_path_cmp("/x", 2, "/x", 2), 0);
	assert_true(ward_fim_path_within("/etc/x", 6, "/etc", 4));
	assert_true(ward_fim_path_within("/etc", 4, "/etc", 4));
	assert_false(ward_fim_path_within("/etc2", 5, "/etc", 4));
	assert_true(ward_fim_path_within("/etc", 4, "/", 1));
}

static void test_policy(void **state)
{
	const char *paths[] = { "/usr/lib/", "/usr/lib/x p+u", "/etc" };
	const char *ex[] = { "/etc/*.swp", "*/cache/*" };
	struct ward_fim_policy_src src = { .paths = paths, .paths_cnt = 3, .excludes = ex,
					   .excludes_cnt = 2, .default_group = "R", .hash = "sha512" };
	struct ward_fim_policy *p = NULL;
	struct ward_diag d;

	assert_int_equal(ward_fim_policy_new(&src, &p, &d), 0);
	assert_int_equal(p->roots_cnt, 3);
	assert_string_equal(p->roots[0].path, "/etc");
	assert_string_equal(p->roots[1].path, "/usr/lib");
	assert_true(p->roots[2].is_nested);
	assert_int_equal(ward_fim_policy_mask(p, "/usr/lib/x/y", 12), T | A(PERM) | A(UID));
	assert_true(ward_fim_policy_mask(p, "/usr/lib/y", 10) & A(SHA512));
	assert_int_equal(ward_fim_policy_mask(p, "/var", 4), 0);
	assert_true(ward_fim_policy_excluded(p, "/etc/a.swp"));
	assert_true(ward_fim_policy_excluded(p, "/var/cache/x/y"));
	assert_false(ward_fim_policy_excluded(p, "/etc/passwd"));
	ward_fim_policy_free(p);

	static const char *const bad[] = { "etc", "/a/../b", "/a//b", "/a/.", "/etc p+zz" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *one[] = { bad[i] };
		struct ward_fim_policy_src s2 = { .paths = one, .paths_cnt = 1 };

		p = NULL;
		assert_int_not_equal(ward_fim_policy_new(&s2, &p, &d), 0);
		assert_null(p);
	}
	const char *dup[] = { "/etc", "/etc/" };
	struct ward_fim_policy_src s3 = { .paths = dup, .paths_cnt = 2 };
	assert_int_equal(ward_fim_policy_new(&s3, &p, &d), -WARD_E_SYNTAX);
	struct ward_fim_policy_src s4 = { .paths = paths, .paths_cnt = 1, .hash = "md5" };
	assert_int_equal(ward_fim_policy_new(&s4, &p, &d), -WARD_E_SYNTAX);
	assert_int_equal(ward_fim_glob_check("relative", 8, &d), -WARD_E_SYNTAX);
}

static struct ward_fim_entry *mk(const char *path, uint32_t mode)
{
	struct ward_fim_entry *e = calloc(1, sizeof(*e));

	e->mode = mode;
	e->path_len = strlen(path);
	memcpy(e->path, path, e->path_len + 1);
	e->ino = 7;
	e->nlink = 1;
	e->size = 3;
	e->mtime_ns = 100;
	e->ctime_ns = 200;
	e->hash_len = 32;
	memset(e->hash, 0xab, 32);
	return e;
}

static void test_compare(void **state)
{
	struct ward_fim_entry *a = mk("/f", S_IFREG | 0644), *b = mk("/f", S_IFREG | 0644);
	uint32_t all = WARD_FIM_A_ALL & ~A(SHA512);

	assert_int_equal(ward_fim_compare(a, b, all, true), 0);
	b->mode = S_IFREG | 0600;
	b->ctime_ns++;
	b->hash[3] ^= 1;
	assert_int_equal(ward_fim_compare(a, b, all, true), A(PERM) | A(CTIME) | A(SHA256));
	/* without deep attributes the hash is not compared; outside the mask nothing is */
	assert_int_equal(ward_fim_compare(a, b, all, false), A(PERM) | A(CTIME));
	assert_int_equal(ward_fim_compare(a, b, T | A(PERM), true), A(PERM));
	b->mode = S_IFLNK | 0777;
	assert_true(ward_fim_compare(a, b, T, true) & T);
	free(a);
	free(b);
}

static void test_row_roundtrip(void **state)
{
	struct ward_fim_entry *e = mk("/etc/hosts", S_IFREG | 0644), *back = calloc(1, sizeof(*back));
	uint8_t k[64], mac[WARD_FIM_MAC_LEN], got[WARD_FIM_MAC_LEN], enc1[WARD_FIM_ROW_ENC_MAX],
		enc2[WARD_FIM_ROW_ENC_MAX];
	struct ward_diag d;

	memset(mac, 0x5a, sizeof(mac));
	e->mask = 0x1fff;
	for (size_t i = 0; i < e->path_len; i++)
		k[i] = e->path[i] == '/' ? 0 : (uint8_t)e->path[i];
	struct ward_fim_rowcols c = {
		.k = k, .k_len = e->path_len, .mask = e->mask, .mode = e->mode, .ino = 7, .nlink = 1,
		.uid = 0, .gid = 0, .size = 3, .mtime = 100, .ctime = 200, .hash = e->hash,
		.hash_len = 32, .mac = mac, .mac_len = 32,
	};
	/* stale bytes in absent digests must not change the encoding */
	memset(e->xattr, 0x77, sizeof(e->xattr));
	assert_int_equal(ward_fim_row_decode(&c, back, got, &d), 0);
	assert_string_equal(back->path, "/etc/hosts");
	assert_memory_equal(got, mac, sizeof(mac));
	int n1 = ward_fim_row_encode(e, enc1, sizeof(enc1)), n2 = ward_fim_row_encode(back, enc2, sizeof(enc2));
	assert_true(n1 > 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(enc1, enc2, (size_t)n1);

	c.hash_len = 31;
	assert_int_equal(ward_fim_row_decode(&c, back, got, &d), -WARD_E_INTEGRITY);
	c.hash_len = 32;
	c.mac_len = 0;
	assert_int_equal(ward_fim_row_decode(&c, back, got, &d), -WARD_E_INTEGRITY);
	c.mac_len = 32;
	c.mask = -1;
	assert_int_equal(ward_fim_row_decode(&c, back, got, &d), -WARD_E_INTEGRITY);
	c.mask = 1;
	c.k_len = 0;
	assert_int_equal(ward_fim_row_decode(&c, back, got, &d), -WARD_E_INTEGRITY);
	free(e);
	free(back);
}

static void test_utf8(void **state)
{
	assert_true(ward_fim_utf8_valid("abc", 3));
	assert_true(ward_fim_utf8_valid("\xc3\xa9t\xc3\xa9", 6));
	assert_true(ward_fim_utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_false(ward_fim_utf8_valid("\xff", 1));
	assert_false(ward_fim_utf8_valid("\xc3", 1));            /* truncated */
	assert_false(ward_fim_utf8_valid("\xc0\xaf", 2));        /* overlong */
	assert_false(ward_fim_utf8_valid("\xed\xa0\x80", 3));    /* surrogate */
	struct ward_buf b;
	ward_buf_init(&b, 0);
	ward_fim_text_escape(&b, "a\nb\\\x01", 5);
	assert_string_equal(b.data, "a\\nb\\\\\\x01");
	ward_buf_free(&b);
}

static void test_coalesce(void **state)
{
	struct ward_fim_coalesce *c = ward_fim_coalesce_new(2, 1000);
	struct ward_fim_event *ev, *out = malloc(sizeof(*out));

	assert_int_equal(ward_fim_coalesce_add(c, "/a", 2, WARD_FIM_EV_CREATE, 10, 0, &ev), 1);
	assert_int_equal(ward_fim_coalesce_add(c, "/a", 2, WARD_FIM_EV_MODIFY, 10, 500, &ev), 0);
	assert_int_equal(ward_fim_coalesce_add(c, "/a", 2, WARD_FIM_EV_MODIFY, 11, 600, &ev), 0);
	assert_int_equal(ev->count, 3);
	assert_true(ev->is_multi_writer);
	assert_int_equal(ward_fim_coalesce_add(c, "/b", 2, WARD_FIM_EV_DELETE, 12, 700, &ev), 1);
	assert_int_equal(ward_fim_coalesce_add(c, "/c", 2, WARD_FIM_EV_DELETE, 12, 800, &ev),
			 -WARD_E_LIMIT);
	assert_int_equal(ward_fim_coalesce_next_due(c), 1000);
	assert_false(ward_fim_coalesce_pop(c, 999, false, out));
	assert_true(ward_fim_coalesce_pop(c, 1000, false, out));
	assert_string_equal(out->path, "/a");
	assert_int_equal(out->what, WARD_FIM_EV_CREATE | WARD_FIM_EV_MODIFY);
	assert_true(ward_fim_coalesce_pop(c, 0, true, out));
	assert_string_equal(out->path, "/b");
	assert_int_equal(ward_fim_coalesce_pending(c), 0);
	assert_int_equal(ward_fim_coalesce_next_due(c), UINT64_MAX);
	ward_fim_coalesce_free(c);
	free(out);
}

static void test_mountinfo(void **state)
{
	static const char ov[] =
		"20 1 254:0 / /host rw - ext4 /dev/vda rw\n"
		"22 1 0:30 / / rw,relatime - overlay overlay rw,lowerdir=/l1:/l\\0402,"
		"upperdir=/var/u\\054p,workdir=/w\n"
		"25 22 0:5 / /dev rw - devtmpfs udev rw\n";
	static const char ext[] = "22 1 254:0 / / rw shared:1 - ext4 /dev/vda rw\n";
	static const char ro[] = "22 1 0:30 / / rw - overlay overlay ro,lowerdir=/a:/b\n";
	char up[64], low[64], fs[16];

	assert_int_equal(ward_fim_mountinfo_root_overlay(ov, sizeof(ov) - 1, up, sizeof(up), low,
							 sizeof(low), fs, sizeof(fs)), 0);
	assert_string_equal(up, "/var/u,p");
	assert_string_equal(low, "/l1:/l 2");
	assert_int_equal(ward_fim_mountinfo_root_overlay(ext, sizeof(ext) - 1, up, sizeof(up), low,
							 sizeof(low), fs, sizeof(fs)),
			 -WARD_E_UNSUPPORTED);
	assert_string_equal(fs, "ext4");
	assert_int_equal(ward_fim_mountinfo_root_overlay(ro, sizeof(ro) - 1, up, sizeof(up), low,
							 sizeof(low), fs, sizeof(fs)),
			 -WARD_E_UNSUPPORTED);
	assert_int_equal(ward_fim_mountinfo_root_overlay("garbage", 7, up, sizeof(up), low,
							 sizeof(low), fs, sizeof(fs)),
			 -WARD_E_NOTFOUND);
	assert_int_equal(ward_fim_mountinfo_root_overlay(ov, sizeof(ov) - 1, up, 4, low,
							 sizeof(low), fs, sizeof(fs)),
			 -WARD_E_LIMIT);
}

static void test_classify(void **state)
{
	static const struct {
		const char *p;
		enum ward_fim_class c;
	} cases[] = {
		{ "/etc/shadow", WARD_FIM_CLASS_CREDENTIAL },
		{ "/root/.ssh/authorized_keys", WARD_FIM_CLASS_CREDENTIAL },
		{ "/etc/ssl/private/x.key", WARD_FIM_CLASS_CREDENTIAL },
		{ "/usr/bin/ls", WARD_FIM_CLASS_BINARY },
		{ "/opt/app/libx.so.1", WARD_FIM_CLASS_BINARY },
		{ "/etc/hosts", WARD_FIM_CLASS_CONFIG },
		{ "/var/log/syslog", WARD_FIM_CLASS_LOG },
		{ "/home/u/notes.txt", WARD_FIM_CLASS_OTHER },
		{ "/etc/shadowx", WARD_FIM_CLASS_CONFIG },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(ward_fim_classify(cases[i].p, strlen(cases[i].p)), cases[i].c);
	assert_string_equal(ward_fim_class_severity(WARD_FIM_CLASS_CREDENTIAL), "critical");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),     cmocka_unit_test(test_path_order),
		cmocka_unit_test(test_policy),   cmocka_unit_test(test_compare),
		cmocka_unit_test(test_row_roundtrip), cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_coalesce), cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_classify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
