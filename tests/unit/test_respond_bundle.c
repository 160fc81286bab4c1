// SPDX-License-Identifier: Apache-2.0
/* Forensic bundle manifest and signature: a written bundle verifies with the embedded and the
 * pinned key; a wrong key, one changed byte, a missing or an unlisted entry each fail and name
 * the culprit; writer name rules; key file permissions; short files are zero-padded; nothing
 * but zero padding may follow the end-of-archive marker. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "respond/bundle.h"
#include "respond/respond.h"

static char dir[] = "/tmp/ward-test-respond-bundle.XXXXXX";
static char keypath[256], bundle[256];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(keypath, sizeof(keypath), "%s/keys/host.key", dir);
	return 0;
}

static int teardown(void **state)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char art_a[] = "alpha artifact: MARKER-AAAA\n";
static const char art_b[] = "beta artifact: MARKER-BBBB\n";

/* Writes a bundle with two artifacts to name (zstd-compressed if zstd); returns its path. */
static const char *make_bundle_as(const char *name, bool zstd)
{
	struct ward_bundle_writer *w;
	struct ward_hostkey *k;

	snprintf(bundle, sizeof(bundle), "%s/%s", dir, name);
	assert_int_equal(ward_hostkey_load(keypath, true, &k), 0);
	assert_int_equal(ward_bundle_writer_open(bundle, zstd, &w), 0);
	assert_int_equal(ward_bundle_add(w, "proc/1/a.txt", art_a, strlen(art_a)), 0);
	assert_int_equal(ward_bundle_add(w, "b.txt", art_b, strlen(art_b)), 0);
	assert_int_equal(ward_bundle_finish(w, "{\"reason\":\"test-QQQQ\"}", k), 0);
	ward_bundle_writer_free(w);
	ward_hostkey_free(k);
	return bundle;
}

static const char *make_bundle(const char *name)
{
	return make_bundle_as(name, false);
}

static void test_roundtrip(void **state)
{
	struct ward_bundle_report r;
	struct ward_hostkey *pub;
	struct ward_buf pem;
	char pubpath[300];
	struct stat st;

	make_bundle("ok.tar");
	assert_int_equal(ward_bundle_verify_file(bundle, NULL, &r), 0);
	assert_int_equal(r.artifact_cnt, 2);
	assert_true(r.sig_ok);
	assert_false(r.key_pinned);
	assert_non_null(strstr(r.manifest, "\"reason\":\"test-QQQQ\""));
	ward_bundle_report_free(&r);

	/* the key was created 0600 and its public half written next to it */
	assert_int_equal(stat(keypath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(pubpath, sizeof(pubpath), "%s.pub", keypath);
	ward_buf_init(&pem, 0);
	assert_true(ward_read_file(pubpath, &pem) > 0);
	assert_int_equal(ward_hostkey_from_pub_pem(pem.data, pem.len, &pub), 0);
	assert_int_equal(ward_bundle_verify_file(bundle, pub, &r), 0);
	assert_true(r.key_pinned);
	ward_bundle_report_free(&r);
	ward_hostkey_free(pub);
	ward_buf_free(&pem);
}

static void test_wrong_key(void **state)
{
	struct ward_bundle_report r;
	struct ward_hostkey *other, *pub;
	struct ward_buf pem;
	char otherpath[300];

	make_bundle("wrongkey.tar");
	snprintf(otherpath, sizeof(otherpath), "%s/other.key", dir);
	assert_int_equal(ward_hostkey_load(otherpath, true, &other), 0);
	ward_buf_init(&pem, 0);
	assert_int_equal(ward_hostkey_pub_pem(other, &pem), 0);
	assert_int_equal(ward_hostkey_from_pub_pem(pem.data, pem.len, &pub), 0);
	assert_int_equal(ward_bundle_verify_file(bundle, pub, &r), -WARD_E_INTEGRITY);
	assert_string_equal(r.failed, "manifest.json");
	assert_false(r.sig_ok);
	ward_bundle_report_free(&r);
	ward_hostkey_free(pub);
	ward_hostkey_free(other);
	ward_buf_free(&pem);
}

/* Flips one byte of the file at the first occurrence of marker. */
static void flip_at(const char *path, const char *marker)
{
	struct ward_buf b;
	char *p;
	int fd;

	ward_buf_init(&b, 0);
	assert_true(ward_read_file(path, &b) > 0);
	p = memmem(b.data, b.len, marker, strlen(marker));
	assert_non_null(p);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "Z", 1, p - b.data), 1);
	close(fd);
	ward_buf_free(&b);
}

static void test_tampered_artifact(void **state)
{
	struct ward_bundle_report r;

	make_bundle("tamper.tar");
	flip_at(bundle, "MARKER-BBBB");
	assert_int_equal(ward_bundle_verify_file(bundle, NULL, &r), -WARD_E_INTEGRITY);
	assert_string_equal(r.failed, "b.txt");
	ward_bundle_report_free(&r);

	make_bundle("tamper2.tar");
	flip_at(bundle, "MARKER-AAAA");
	assert_int_equal(ward_bundle_verify_file(bundle, NULL, &r), -WARD_E_INTEGRITY);
	assert_string_equal(r.failed, "proc/1/a.txt");
	ward_bundle_report_free(&r);
}

static void test_tampered_manifest(void **state)
{
	struct ward_bundle_report r;

	make_bundle("tamper-man.tar");
	flip_at(bundle, "QQQQ");
	assert_int_equal(ward_bundle_verify_file(bundle, NULL, &r), -WARD_E_INTEGRITY);
	assert_string_equal(r.failed, "manifest.json");
	ward_bundle_report_free(&r);
}

/* Copies the bundle, dropping entry `drop` and appending an entry `extra`. */
static void rewrite(const char *src, const char *dst, const char *drop, const char *extra)
{
	struct archive *in = archive_read_new(), *out = archive_write_new();
	struct archive_entry *e;
	char buf[8192];
	la_ssize_t n;

	archive_read_support_format_tar(in);
	assert_int_equal(archive_read_open_filename(in, src, 10240), ARCHIVE_OK);
	archive_write_set_format_pax_restricted(out);
	assert_int_equal(archive_write_open_filename(out, dst), ARCHIVE_OK);
	while (archive_read_next_header(in, &e) == ARCHIVE_OK) {
		if (drop && strcmp(archive_entry_pathname(e), drop) == 0)
			continue;
		archive_write_header(out, e);
		while ((n = archive_read_data(in, buf, sizeof(buf))) > 0)
			archive_write_data(out, buf, (size_t)n);
	}
	if (extra) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, extra);
		archive_entry_set_size(e, 3);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_write_header(out, e);
		archive_write_data(out, "xyz", 3);
		archive_entry_free(e);
	}
	archive_read_free(in);
	archive_write_free(out);
}

static void test_missing_and_extra(void **state)
{
	struct ward_bundle_report r;
	char dst[300];

	make_bundle("base.tar");
	snprintf(dst, sizeof(dst), "%s/missing.tar", dir);
	rewrite(bundle, dst, "b.txt", NULL);
	assert_int_equal(ward_bundle_verify_file(dst, NULL, &r), -WARD_E_INTEGRITY);
	assert_string_equal(r.failed, "b.txt");
	ward_bundle_report_free(&r);

	snprintf(dst, sizeof(dst), "%s/extra.tar", dir);
	rewrite(bundle, dst, NULL, "planted.sh");
	assert_int_equal(ward_bundle_verify_file(dst, NULL, &r), -WARD_E_INTEGRITY);
	assert_string_equal(r.failed, "planted.sh");
	ward_bundle_report_free(&r);

	snprintf(dst, sizeof(dst), "%s/unsigned.tar", dir);
	rewrite(bundle, dst, "manifest.sig", NULL);
	assert_int_equal(ward_bundle_verify_file(dst, NULL, &r), -WARD_E_INTEGRITY);
	assert_string_equal(r.failed, "manifest.sig");
	ward_bundle_report_free(&r);

	/* a copy with the same entries still verifies: the check is not about tar layout */
	snprintf(dst, sizeof(dst), "%s/copy.tar", dir);
	rewrite(bundle, dst, NULL, NULL);
	assert_int_equal(ward_bundle_verify_file(dst, NULL, &r), 0);
	ward_bundle_report_free(&r);
}

static void test_not_a_bundle(void **state)
{
	struct ward_bundle_report r;
	static const char junk[] = "this is not a tar archive at all";

	assert_int_equal(ward_bundle_verify_mem(junk, sizeof(junk), NULL, &r), -WARD_E_SYNTAX);
	assert_true(r.msg[0] != '\0');
	ward_bundle_report_free(&r);
	assert_true(ward_bundle_verify_file("/nonexistent/bundle.tar", NULL, &r) < 0);
	ward_bundle_report_free(&r);
}

static void test_writer_rules(void **state)
{
	static const char *const bad[] = { "", "/abs", "../up", "a/../b", "a//b", "a/", ".",
					   "manifest.json", "manifest.sig", "hostkey.pub" };
	struct ward_bundle_writer *w;
	char path[300];

	snprintf(path, sizeof(path), "%s/names.tar", dir);
	assert_int_equal(ward_bundle_writer_open(path, false, &w), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ward_bundle_add(w, bad[i], "x", 1), -EINVAL);
	assert_int_equal(ward_bundle_add(w, "ok/name.txt", "x", 1), 0);
	ward_bundle_writer_free(w); /* unfinished: removed */
	assert_int_equal(access(path, F_OK), -1);

	/* never overwrites an existing file */
	make_bundle("exists.tar");
	assert_int_equal(ward_bundle_writer_open(bundle, false, &w), -EEXIST);
}

static void test_short_fd_is_padded(void **state)
{
	struct ward_bundle_report r;
	struct ward_bundle_writer *w;
	struct ward_hostkey *k;
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/pad.tar", dir);
	fd = open("/dev/null", O_RDONLY);
	assert_int_equal(ward_hostkey_load(keypath, true, &k), 0);
	assert_int_equal(ward_bundle_writer_open(path, false, &w), 0);
	assert_int_equal(ward_bundle_add_fd(w, "short.bin", fd, 100), 0);
	assert_int_equal(ward_bundle_finish(w, NULL, k), 0);
	ward_bundle_writer_free(w);
	ward_hostkey_free(k);
	close(fd);
	assert_int_equal(ward_bundle_verify_file(path, NULL, &r), 0);
	assert_non_null(strstr(r.manifest, "\"truncated\":true"));
	assert_int_equal(r.artifact_bytes, 100);
	ward_bundle_report_free(&r);
}

/* A one-member tar (and its end-of-archive marker) in memory, zstd-compressed if zstd. */
static size_t hidden_tar(char *buf, size_t cap, bool zstd)
{
	struct archive *out = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t used = 0;

	archive_write_set_format_ustar(out);
	if (zstd)
		assert_int_equal(archive_write_add_filter_zstd(out), ARCHIVE_OK);
	archive_write_set_bytes_in_last_block(out, 1);
	assert_int_equal(archive_write_open_memory(out, buf, cap, &used), ARCHIVE_OK);
	archive_entry_set_pathname(e, "hidden.sh");
	archive_entry_set_size(e, 3);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0755);
	assert_int_equal(archive_write_header(out, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(out, "id\n", 3), 3);
	assert_int_equal(archive_write_close(out), ARCHIVE_OK);
	archive_entry_free(e);
	archive_write_free(out);
	return used;
}

static void append(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* Verifies path, expects -WARD_E_INTEGRITY and a message naming the marker at offset at. */
static void expect_tail_rejected(const char *path, long long at)
{
	struct ward_bundle_report r;
	char want[64];

	assert_int_equal(ward_bundle_verify_file(path, NULL, &r), -WARD_E_INTEGRITY);
	snprintf(want, sizeof(want), "end-of-archive marker at offset %lld", at);
	if (!strstr(r.msg, want))
		fail_msg("%s: message \"%s\" lacks \"%s\"", path, r.msg, want);
	ward_bundle_report_free(&r);
}

/* Issue 19 fault 10: anything after the end-of-archive marker other than zero padding to
 * the tar record is refused (tar -i would list a member hidden there). */
static void test_trailing_data(void **state)
{
	struct ward_bundle_report r;
	static char member[16384], zeros[10240];
	size_t mlen = hidden_tar(member, sizeof(member), false);
	off_t end;

	/* zero padding to the 10240-byte record, as GNU tar writes it, is fine */
	make_bundle("padded.tar");
	end = file_size(bundle);
	assert_true(end % 10240 != 0);
	append(bundle, zeros, (size_t)(10240 - end % 10240));
	assert_int_equal(ward_bundle_verify_file(bundle, NULL, &r), 0);
	ward_bundle_report_free(&r);
	/* ... but not a block of zeros past it */
	append(bundle, zeros, 512);
	expect_tail_rejected(bundle, (long long)end);

	/* a member appended after the marker */
	make_bundle("appended.tar");
	end = file_size(bundle);
	append(bundle, member, mlen);
	expect_tail_rejected(bundle, (long long)end);

	/* one stray byte */
	make_bundle("byte.tar");
	end = file_size(bundle);
	append(bundle, "x", 1);
	expect_tail_rejected(bundle, (long long)end);

	/* the marker cut to one zero block, then a member: libarchive stops at the first */
	make_bundle("onezero.tar");
	end = file_size(bundle);
	assert_int_equal(truncate(bundle, end - 512), 0);
	append(bundle, member, mlen);
	expect_tail_rejected(bundle, (long long)(end - 512));

	/* zstd: a second frame holding a member decompresses after the marker */
	make_bundle_as("appended.tar.zst", true);
	assert_int_equal(ward_bundle_verify_file(bundle, NULL, &r), 0);
	ward_bundle_report_free(&r);
	mlen = hidden_tar(member, sizeof(member), true);
	append(bundle, member, mlen);
	assert_int_equal(ward_bundle_verify_file(bundle, NULL, &r), -WARD_E_INTEGRITY);
	assert_non_null(strstr(r.msg, "after the end-of-archive marker"));
	ward_bundle_report_free(&r);
}

static void test_key_permissions(void **state)
{
	struct ward_hostkey *k;
	char path[300];

	snprintf(path, sizeof(path), "%s/loose.key", dir);
	assert_int_equal(ward_hostkey_load(path, true, &k), 0);
	ward_hostkey_free(k);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(ward_hostkey_load(path, true, &k), -EPERM);
	snprintf(path, sizeof(path), "%s/absent.key", dir);
	assert_int_equal(ward_hostkey_load(path, false, &k), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_tampered_artifact),
		cmocka_unit_test(test_tampered_manifest),
		cmocka_unit_test(test_missing_and_extra),
		cmocka_unit_test(test_not_a_bundle),
		cmocka_unit_test(test_writer_rules),
		cmocka_unit_test(test_short_fd_is_padded),
		cmocka_unit_test(test_key_permissions),
		cmocka_unit_test(test_trailing_data),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
