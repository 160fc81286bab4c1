// SPDX-License-Identifier: Apache-2.0
/*
 * `ward db import` behaviour on the real OSV fixtures in tests/data/osv: first import,
 * incremental re-import (unchanged records skipped, a changed one replaced), a broken record
 * reported by file and JSON path and skipped while everything stored survives, an
 * unreadable source rolled back, oversized records refused, withdrawn records stored but
 * never matched, zip exports (built here with libarchive) and the info summary.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/log.h"
#include "vulndb/vulndb.h"

#define FIXTURES "tests/data/osv"
#define FIXTURE_CNT 17

struct ctx {
	char dir[64];
	char db[128];
};

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	snprintf(c->dir, sizeof(c->dir), "/tmp/ward-vdb-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->db, sizeof(c->db), "%s/vuln.db", c->dir);
	ward_log_set_level(WARD_LOG_ERROR); /* broken-record warnings are expected here */
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char *argv[] = { "rm", "-rf", c->dir, NULL };
	pid_t pid = fork();

	/* rm -rf via execvp: the tree holds the DB, its WAL files and test inputs. */
	if (pid == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	free(c);
	return 0;
}

static struct ward_vulndb *open_rw(struct ctx *c)
{
	struct ward_vulndb *db = NULL;
	struct ward_diag d = { 0 };

	assert_int_equal(ward_vulndb_open(c->db, false, &db, &d), 0);
	return db;
}

static size_t records(struct ctx *c)
{
	struct ward_vulndb *db = NULL;
	struct ward_vulndb_info info;
	size_t n;

	assert_int_equal(ward_vulndb_open(c->db, true, &db, NULL), 0);
	assert_int_equal(ward_vulndb_info(db, &info), 0);
	n = info.records;
	ward_vulndb_info_free(&info);
	ward_vulndb_close(db);
	return n;
}

static void test_import_and_reimport(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = open_rw(c);
	struct ward_vulndb_import_stats st;
	struct ward_diag d = { 0 };

	assert_int_equal(ward_vulndb_import_ex(db, FIXTURES, 0, &st, &d), FIXTURE_CNT);
	assert_int_equal(st.added, FIXTURE_CNT);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.files, FIXTURE_CNT);
	/* Same data again: nothing new, nothing replaced. */
	assert_int_equal(ward_vulndb_import_ex(db, FIXTURES, 0, &st, &d), 0);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.updated, 0);
	assert_int_equal(st.unchanged, FIXTURE_CNT);
	ward_vulndb_close(db);
	assert_int_equal(records(c), FIXTURE_CNT);
}

static void test_changed_record_replaced(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = open_rw(c);
	struct ward_vulndb_import_stats st;
	char path[256], *data, *m;
	size_t len;

	assert_true(ward_vulndb_import_ex(db, FIXTURES, 0, &st, NULL) >= 0);
	data = read_all(FIXTURES "/npm/GHSA-xvch-5gv4-984h.json", &len);
	m = strstr(data, "2024-02-13T19:06:23Z");
	assert_non_null(m);
	memcpy(m, "2025", 4);
	snprintf(path, sizeof(path), "%s/changed.json", c->dir);
	write_file(path, data, len);
	free(data);
	assert_int_equal(ward_vulndb_import_ex(db, path, 0, &st, NULL), 1);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.added, 0);
	/* Importing the older copy again does not roll the record back. */
	assert_int_equal(ward_vulndb_import_ex(db, FIXTURES "/npm", 0, &st, NULL), 0);
	assert_int_equal(st.unchanged, 3);
	struct ward_vulndb_info info;

	assert_int_equal(ward_vulndb_info(db, &info), 0);
	assert_string_equal(info.newest_modified, "2025-02-13T19:06:23Z");
	ward_vulndb_info_free(&info);
	ward_vulndb_close(db);
	assert_int_equal(records(c), FIXTURE_CNT);
}

static void test_broken_record_skipped(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = open_rw(c);
	struct ward_vulndb_import_stats st;
	char sub[128], path[256];
	static const char broken[] =
		"{\"id\": \"GHSA-xxxx-yyyy-zzzz\", \"modified\": \"2024-01-01T00:00:00Z\",\n"
		" \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"x\"},\n"
		"   \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixd\": \"1.0\"}]}]}]}\n";
	static const char good[] =
		"{\"id\": \"GHSA-aaaa-bbbb-cccc\", \"modified\": \"2024-01-01T00:00:00Z\",\n"
		" \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"y\"},\n"
		"   \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"1.0.0\"}]}]}]}\n";
	static const char notjson[] = "{\"id\": \"X-1\",\n \"modified\": }\n";

	assert_int_equal(ward_vulndb_import_ex(db, FIXTURES, 0, &st, NULL), FIXTURE_CNT);
	snprintf(sub, sizeof(sub), "%s/src", c->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(path, sizeof(path), "%s/broken.json", sub);
	write_file(path, broken, sizeof(broken) - 1);
	snprintf(path, sizeof(path), "%s/good.json", sub);
	write_file(path, good, sizeof(good) - 1);
	assert_int_equal(ward_vulndb_import_ex(db, sub, 0, &st, NULL), 1);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.added, 1);
	assert_non_null(strstr(st.first_error, "broken.json"));
	assert_non_null(strstr(st.first_error, "affected[0].ranges[0].events[1]"));
	ward_vulndb_close(db);
	assert_int_equal(records(c), FIXTURE_CNT + 1);

	/* Invalid JSON names the line. */
	db = open_rw(c);
	snprintf(path, sizeof(path), "%s/notjson.json", c->dir);
	write_file(path, notjson, sizeof(notjson) - 1);
	assert_int_equal(ward_vulndb_import_ex(db, path, 0, &st, NULL), 0);
	assert_int_equal(st.failed, 1);
	assert_non_null(strstr(st.first_error, "notjson.json:2:"));
	ward_vulndb_close(db);
	assert_int_equal(records(c), FIXTURE_CNT + 1);
}

static void test_bad_sources(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = open_rw(c);
	struct ward_vulndb_import_stats st;
	struct ward_diag d = { 0 };
	char path[256];
	char *big;

	assert_int_equal(ward_vulndb_import_ex(db, FIXTURES, 0, &st, NULL), FIXTURE_CNT);
	snprintf(path, sizeof(path), "%s/missing", c->dir);
	assert_true(ward_vulndb_import_ex(db, path, 0, &st, &d) < 0);
	assert_non_null(strstr(d.file, "missing"));
	/* A zip that is not a zip: the source fails as a whole, the DB keeps its records. */
	snprintf(path, sizeof(path), "%s/fake.zip", c->dir);
	write_file(path, "not a zip at all", 16);
	memset(&d, 0, sizeof(d));
	assert_true(ward_vulndb_import_ex(db, path, 0, &st, &d) < 0);
	assert_non_null(strstr(d.file, "fake.zip"));
	/* A record over the size cap is refused without reading it into memory. */
	big = malloc((4u << 20) + 16);
	memset(big, ' ', (4u << 20) + 16);
	big[0] = '{';
	big[(4u << 20) + 15] = '}';
	snprintf(path, sizeof(path), "%s/big.json", c->dir);
	write_file(path, big, (4u << 20) + 16);
	free(big);
	assert_int_equal(ward_vulndb_import_ex(db, path, 0, &st, NULL), 0);
	assert_int_equal(st.failed, 1);
	assert_non_null(strstr(st.first_error, "limit"));
	ward_vulndb_close(db);
	assert_int_equal(records(c), FIXTURE_CNT);
	/* Read-only handles refuse to import. */
	assert_int_equal(ward_vulndb_open(c->db, true, &db, NULL), 0);
	assert_true(ward_vulndb_import_ex(db, FIXTURES, 0, &st, NULL) < 0);
	ward_vulndb_close(db);
}

static void add_zip_entry(struct archive *a, const char *name, const char *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
	archive_entry_free(e);
}

static void test_zip(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = open_rw(c);
	struct ward_vulndb_import_stats st;
	struct ward_vulndb_info info;
	struct archive *a = archive_write_new();
	char zip[256];
	static const char *const files[] = {
		FIXTURES "/npm/GHSA-p6mc-m468-83gw.json", FIXTURES "/npm/GHSA-35jh-r3h4-6jhm.json",
		FIXTURES "/debian/DSA-5532-1.json",
	};

	snprintf(zip, sizeof(zip), "%s/all.zip", c->dir);
	archive_write_set_format_zip(a);
	assert_int_equal(archive_write_open_filename(a, zip), ARCHIVE_OK);
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		char *data = read_all(files[i], &len);

		add_zip_entry(a, strrchr(files[i], '/') + 1, data, len);
		free(data);
	}
	add_zip_entry(a, "README.txt", "not a record", 12);
	add_zip_entry(a, "bad.json", "{\"id\": 5}", 9);
	/* Over the record cap: refused (compresses to a few KiB, so size is not the issue). */
	char *huge = malloc((4u << 20) + 1);

	memset(huge, ' ', (4u << 20) + 1);
	add_zip_entry(a, "huge.json", huge, (4u << 20) + 1);
	free(huge);
	archive_write_close(a);
	archive_write_free(a);

	assert_int_equal(ward_vulndb_import_ex(db, zip, 0, &st, NULL), 3);
	assert_int_equal(st.failed, 2);
	assert_non_null(strstr(st.first_error, "all.zip:bad.json"));
	assert_non_null(strstr(st.first_error, "$.id"));
	assert_int_equal(ward_vulndb_import_ex(db, zip, 0, &st, NULL), 0);
	assert_int_equal(st.unchanged, 3);
	assert_int_equal(ward_vulndb_info(db, &info), 0);
	assert_int_equal(info.records, 3);
	assert_int_equal(info.ecos_cnt, 2);
	assert_string_equal(info.ecos[0].ecosystem, "Debian:12");
	assert_int_equal(info.ecos[0].records, 1);
	assert_string_equal(info.ecos[1].ecosystem, "npm");
	assert_int_equal(info.ecos[1].records, 2);
	assert_string_equal(info.newest_modified, "2024-03-11T05:25:41Z");
	assert_true(info.import_time > 0);
	ward_vulndb_info_free(&info);
	ward_vulndb_close(db);
}

static void test_withdrawn_not_matched(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = open_rw(c);
	struct ward_vulndb_import_stats st;
	struct ward_vulndb_info info;
	struct ward_findings f = { 0 };
	struct ward_pkg pkg = { .ecosystem = "npm", .name = "lodash", .version = "4.17.15", .kind = "lang" };
	struct ward_pkg_list l = { .items = &pkg, .cnt = 1, .cap = 1 };
	char path[256], *data, *m;
	size_t len;

	assert_int_equal(ward_vulndb_import_ex(db, FIXTURES "/npm", 0, &st, NULL), 3);
	assert_int_equal(ward_vulndb_match(db, &l, &f), 2);
	ward_findings_free(&f);
	/* The same advisory, withdrawn later (published -> withdrawn, modified bumped). */
	data = read_all(FIXTURES "/npm/GHSA-35jh-r3h4-6jhm.json", &len);
	m = strstr(data, "\"published\": \"2021-05-06T16:05:51Z\"");
	assert_non_null(m);
	memcpy(m, "\"withdrawn\": \"2024-03-12T00:00:00Z\"", 35);
	m = strstr(data, "2024-03-11T05:25:41Z");
	assert_non_null(m);
	memcpy(m, "2024-03-12", 10);
	snprintf(path, sizeof(path), "%s/w.json", c->dir);
	write_file(path, data, len);
	free(data);
	assert_int_equal(ward_vulndb_import_ex(db, path, 0, &st, NULL), 1);
	assert_int_equal(st.updated, 1);
	assert_int_equal(ward_vulndb_match(db, &l, &f), 1);
	assert_string_equal(f.items[0].id, "GHSA-p6mc-m468-83gw");
	ward_findings_free(&f);
	assert_int_equal(ward_vulndb_info(db, &info), 0);
	assert_int_equal(info.withdrawn, 1);
	ward_vulndb_info_free(&info);
	ward_vulndb_close(db);
}

static void test_open_errors(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = NULL;
	struct ward_diag d = { 0 };
	char path[256];

	snprintf(path, sizeof(path), "%s/none.db", c->dir);
	assert_true(ward_vulndb_open(path, true, &db, &d) < 0);
	assert_null(db);
	assert_non_null(strstr(d.msg, "ward db import"));
	/* A SQLite file that is not ours. */
	snprintf(path, sizeof(path), "%s/other.json", c->dir);
	write_file(path, "{}", 2);
	memset(&d, 0, sizeof(d));
	assert_true(ward_vulndb_open(path, true, &db, &d) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_and_reimport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_record_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_record_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn_not_matched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
