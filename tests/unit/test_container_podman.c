// SPDX-License-Identifier: Apache-2.0
/*
 * Podman metadata from containers/storage: the containers.json and images.json parsers on
 * documents shaped like the ones podman 4.3 writes (copied from a real run, ids kept), their
 * errors on malformed records, and the store (file reading, size cap, change detection) and
 * container table on a storage root built in a temporary directory. The real podman is
 * exercised by tests/integration/test_containers_podman.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/limits.h"
#include "events/container.h"
#include "events/container_meta.h"
#include "events/podman_store.h"

#define CID "d572b762dfa2cc2e156b24aae1747ddbd701f078c174845c86f771eecee9a7d8"
#define IID "8e97b3cc3e806d8ddcc2de5b6553f23cbac51410ddd2c219b74d5c086be14214"
#define LID "216835ccef56f681501ca9c6bbf340fd83b173ca8c0454f9a89cbab3ed008900"
#define CID2 "84460270ee40c061cbb3080662b3de2f835a42c6027c1effa45c8a451ecd32d0"

/* As podman 4.3 wrote them on this kind of machine (podman import + podman run --name). */
static const char CONTAINERS[] =
	"[{\"id\":\"" CID "\",\"names\":[\"ward-probe\"],\"image\":\"" IID "\","
	"\"layer\":\"" LID "\",\"metadata\":\"{\\\"image-name\\\":\\\"localhost/ward-bb:1.0\\\","
	"\\\"image-id\\\":\\\"" IID "\\\",\\\"name\\\":\\\"ward-probe\\\","
	"\\\"created-at\\\":1795346942}\",\"created\":\"2026-11-22T11:29:02.167684866Z\","
	"\"flags\":{\"MountLabel\":\"\",\"ProcessLabel\":\"\"}},"
	/* made from the image id: no image-name, the name comes from images.json */
	"{\"id\":\"" CID2 "\",\"names\":[\"by-id\",\"alias\"],\"image\":\"" IID "\","
	"\"layer\":\"" LID "\",\"metadata\":\"{\\\"image-name\\\":\\\"" IID "\\\"}\"}]";

static const char IMAGES[] =
	"[{\"id\":\"" IID "\",\"digest\":\"sha256:a1038859ac76614dc18adc5539f64492e808e9f046b9"
	"1f1bbcbf8adcc4145e14\",\"names\":[\"localhost/ward-bb:1.0\"],\"names-history\":"
	"[\"localhost/ward-bb:1.0\"],\"layer\":\"1dba12db87216911c44ce6fb16ab5d76c88cbe03f7495b1"
	"deae2bde3d7ee9552\",\"metadata\":\"{\\\"signatures-sizes\\\":{}}\",\"created\":"
	"\"2026-11-22T11:29:01.191963961Z\"}]";

static void test_find_container(void **state)
{
	struct ward_podman_rec r;
	struct ward_diag d = { 0 };

	assert_int_equal(ward_podman_find_container(CONTAINERS, strlen(CONTAINERS), "c.json", CID,
						    &r, &d), 0);
	assert_string_equal(r.name, "ward-probe");
	assert_string_equal(r.image, "localhost/ward-bb:1.0");
	assert_string_equal(r.image_id, IID);
	assert_string_equal(r.layer, LID);
	assert_int_equal(ward_podman_find_container(CONTAINERS, strlen(CONTAINERS), "c.json",
						    CID2, &r, &d), 0);
	assert_string_equal(r.name, "by-id");
	assert_string_equal(r.image, IID);
	/* a prefix is not an id */
	assert_int_equal(ward_podman_find_container(CONTAINERS, strlen(CONTAINERS), "c.json",
						    "d572b762dfa2", &r, &d), -WARD_E_NOTFOUND);
	assert_non_null(strstr(d.file, "c.json"));
	assert_string_equal(r.name, "");
}

static void test_find_image(void **state)
{
	char name[64];

	assert_int_equal(ward_podman_find_image(IMAGES, strlen(IMAGES), "i.json", IID, name,
						sizeof(name), NULL), 0);
	assert_string_equal(name, "localhost/ward-bb:1.0");
	assert_int_equal(ward_podman_find_image(IMAGES, strlen(IMAGES), "i.json", LID, name,
						sizeof(name), NULL), -WARD_E_NOTFOUND);
	/* too small a slot is an error, not a cut name */
	assert_int_equal(ward_podman_find_image(IMAGES, strlen(IMAGES), "i.json", IID, name, 8,
						NULL), -WARD_E_LIMIT);
	assert_string_equal(name, "");
}

/* One record around the id under test, with one thing wrong. */
static void test_malformed(void **state)
{
	static const struct {
		const char *doc;
		int err;
		const char *in_msg; /* the field the message must name */
	} rows[] = {
		{ "", -WARD_E_SYNTAX, "not JSON" },
		{ "[{\"id\":", -WARD_E_SYNTAX, "not JSON" },
		{ "{\"id\":\"" CID "\"}", -WARD_E_SYNTAX, "not an array" },
		{ "[{\"id\":\"" CID "\",\"names\":\"web\"}]", -WARD_E_SYNTAX, "\"names\"" },
		{ "[{\"id\":\"" CID "\",\"names\":[7]}]", -WARD_E_SYNTAX, "\"names\"" },
		{ "[{\"id\":\"" CID "\",\"image\":\"../../etc\"}]", -WARD_E_SYNTAX, "\"image\"" },
		{ "[{\"id\":\"" CID "\",\"image\":\"" IID "0\"}]", -WARD_E_SYNTAX, "\"image\"" },
		{ "[{\"id\":\"" CID "\",\"layer\":\"../../../../tmp/x\"}]", -WARD_E_SYNTAX,
		  "\"layer\"" },
		{ "[{\"id\":\"" CID "\",\"layer\":7}]", -WARD_E_SYNTAX, "\"layer\"" },
		{ "[{\"id\":\"" CID "\",\"metadata\":{}}]", -WARD_E_SYNTAX, "\"metadata\"" },
		{ "[{\"id\":\"" CID "\",\"metadata\":\"{\\\"image-name\\\":\"}]", -WARD_E_SYNTAX,
		  "\"metadata\"" },
		{ "[{\"id\":\"" CID "\",\"metadata\":\"[]\"}]", -WARD_E_SYNTAX, "\"metadata\"" },
		{ "[{\"id\":\"" CID "\",\"metadata\":\"{\\\"image-name\\\":1}\"}]", -WARD_E_SYNTAX,
		  "\"image-name\"" },
		/* records that are not about this id are skipped whatever their shape */
		{ "[1,null,[],{\"id\":7},{\"names\":[\"x\"]}]", -WARD_E_NOTFOUND, "no container" },
		{ "[]", -WARD_E_NOTFOUND, "no container" },
	};
	struct ward_podman_rec r;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ward_diag d = { 0 };

		memset(&r, 'x', sizeof(r));
		assert_int_equal(ward_podman_find_container(rows[i].doc, strlen(rows[i].doc),
							    "containers.json", CID, &r, &d),
				 rows[i].err);
		if (!strstr(d.msg, rows[i].in_msg))
			fail_msg("row %zu: message \"%s\" does not name %s", i, d.msg,
				 rows[i].in_msg);
		assert_string_equal(d.file, "containers.json");
		assert_string_equal(r.name, "");
		assert_string_equal(r.image, "");
	}
	/* a valid sibling does not hide a bad record for the id asked for, nor the reverse */
	const char *mixed = "[{\"id\":\"" CID2 "\",\"names\":7},{\"id\":\"" CID "\","
			    "\"names\":[\"ok\"]}]";
	assert_int_equal(ward_podman_find_container(mixed, strlen(mixed), "c", CID, &r, NULL), 0);
	assert_string_equal(r.name, "ok");
	assert_int_equal(ward_podman_find_container(mixed, strlen(mixed), "c", CID2, &r, NULL),
			 -WARD_E_SYNTAX);
}

static void test_limits(void **state)
{
	size_t n = 600;
	char *doc = malloc(n + 256);
	char *meta;
	struct ward_podman_rec r;
	struct ward_diag d = { 0 };
	int off;

	assert_non_null(doc);
	off = snprintf(doc, n + 256, "[{\"id\":\"" CID "\",\"names\":[\"");
	memset(doc + off, 'n', 300);
	snprintf(doc + off + 300, n + 256 - (size_t)off - 300, "\"]}]");
	assert_int_equal(ward_podman_find_container(doc, strlen(doc), "c", CID, &r, &d),
			 -WARD_E_LIMIT);
	assert_non_null(strstr(d.msg, "names[0]"));
	free(doc);

	/* a metadata string over its cap is refused before it is parsed */
	n = WARD_PODMAN_MAX_META + 256;
	doc = malloc(n);
	assert_non_null(doc);
	off = snprintf(doc, n, "[{\"id\":\"" CID "\",\"metadata\":\"");
	meta = doc + off;
	memset(meta, ' ', WARD_PODMAN_MAX_META + 1);
	snprintf(meta + WARD_PODMAN_MAX_META + 1, 8, "\"}]");
	assert_int_equal(ward_podman_find_container(doc, strlen(doc), "c", CID, &r, &d),
			 -WARD_E_LIMIT);
	free(doc);

	/* the file cap holds before jansson sees a byte */
	assert_int_equal(ward_podman_find_container("[]", (size_t)WARD_PODMAN_MAX_FILE + 1, "c",
						    CID, &r, &d), -WARD_E_LIMIT);
}

/* ---- the store and the table on a storage root in a temporary directory ---- */

static char root[64];

static void put_file(const char *rel, const char *text)
{
	char path[256], tmp[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	/* podman replaces these files by rename */
	assert_int_equal(rename(tmp, path), 0);
}

static int make_root(void **state)
{
	char d[128];

	snprintf(root, sizeof(root), "/tmp/ward-podman-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(d, sizeof(d), "%s/overlay-containers", root);
	assert_int_equal(mkdir(d, 0700), 0);
	snprintf(d, sizeof(d), "%s/overlay-images", root);
	assert_int_equal(mkdir(d, 0700), 0);
	put_file("overlay-containers/containers.json", CONTAINERS);
	put_file("overlay-images/images.json", IMAGES);
	return 0;
}

static int drop_root(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "%s/overlay-containers/containers.json", root);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/overlay-images/images.json", root);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/overlay-containers", root);
	rmdir(cmd);
	snprintf(cmd, sizeof(cmd), "%s/overlay-images", root);
	rmdir(cmd);
	rmdir(root);
	return 0;
}

static void test_store(void **state)
{
	struct ward_podman_store *s = NULL;
	struct ward_container c;
	struct ward_diag d = { 0 };
	char want[256];

	memset(&c, 0, sizeof(c));
	assert_int_equal(ward_podman_store_new(root, &s), 0);
	assert_int_equal(ward_podman_lookup(s, CID, &c, &d), 0);
	assert_string_equal(c.name, "ward-probe");
	assert_string_equal(c.image, "localhost/ward-bb:1.0");
	assert_string_equal(c.image_repo, "localhost/ward-bb");
	assert_string_equal(c.image_tag, "1.0");
	assert_string_equal(c.image_id, "sha256:" IID);
	snprintf(want, sizeof(want), "%s/overlay/" LID "/merged", root);
	assert_string_equal(c.merged_dir, want);
	snprintf(want, sizeof(want), "%s/overlay/" LID "/diff", root);
	assert_string_equal(c.upper_dir, want);
	/* made from an image id: the image's name from images.json */
	assert_int_equal(ward_podman_lookup(s, CID2, &c, &d), 0);
	assert_string_equal(c.name, "by-id");
	assert_string_equal(c.image, "localhost/ward-bb:1.0");
	assert_int_equal(ward_podman_lookup(s, LID, &c, &d), -WARD_E_NOTFOUND);
	assert_string_equal(c.name, "");

	/* a new container shows once podman rewrites the file */
	put_file("overlay-containers/containers.json",
		 "[{\"id\":\"" LID "\",\"names\":[\"late\"]}]");
	assert_int_equal(ward_podman_lookup(s, LID, &c, &d), 0);
	assert_string_equal(c.name, "late");
	assert_string_equal(c.image, "");
	assert_string_equal(c.image_id, "");
	assert_null(c.merged_dir);

	/* a broken file is an error naming it, until it is fixed */
	put_file("overlay-containers/containers.json", "[{\"id\":\"" LID "\",\"names\":");
	memset(&d, 0, sizeof(d));
	assert_int_equal(ward_podman_lookup(s, LID, &c, &d), -WARD_E_SYNTAX);
	assert_non_null(strstr(d.file, "overlay-containers/containers.json"));
	memset(&d, 0, sizeof(d));
	assert_int_equal(ward_podman_lookup(s, LID, &c, &d), -WARD_E_SYNTAX); /* cached */
	assert_non_null(strstr(d.file, "containers.json"));
	put_file("overlay-containers/containers.json", CONTAINERS);
	assert_int_equal(ward_podman_lookup(s, CID, &c, &d), 0);

	/* over the size cap: refused without reading (a sparse file) */
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/overlay-containers/containers.json", root);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)WARD_PODMAN_MAX_FILE + 1), 0);
	close(fd);
	assert_int_equal(ward_podman_lookup(s, CID, &c, &d), -WARD_E_LIMIT);
	put_file("overlay-containers/containers.json", CONTAINERS);
	/* images.json broken: the container keeps its name, the image stays unknown */
	put_file("overlay-images/images.json", "{");
	assert_int_equal(ward_podman_lookup(s, CID2, &c, &d), 0);
	assert_string_equal(c.name, "by-id");
	assert_string_equal(c.image, "");
	assert_string_equal(c.image_id, "sha256:" IID);
	put_file("overlay-images/images.json", IMAGES);
	ward_container_meta_clear(&c);
	ward_podman_store_free(s);

	/* no storage at all */
	assert_int_equal(ward_podman_store_new("/nonexistent/ward/storage", &s), 0);
	assert_int_equal(ward_podman_lookup(s, CID, &c, &d), -ENOENT);
	assert_non_null(strstr(d.file, "/nonexistent/ward/storage"));
	ward_podman_store_free(s);
}

static void count(const struct ward_container *c, void *arg)
{
	(*(int *)arg)++;
}

static void test_table(void **state)
{
	struct ward_container_opts o = { .docker_socket = "", .podman_storage = root };
	struct ward_container_table *t = NULL;
	struct ward_cgroup_info ci;
	const char *path = "/libpod_parent/libpod-" CID;
	const struct ward_container *c;

	assert_int_equal(ward_container_table_new(&o, &t), 0);
	assert_int_equal(ward_cgroup_parse(path, strlen(path), &ci), 1);
	assert_int_equal(ci.runtime, WARD_RT_PODMAN);
	c = ward_container_for_cgroup(t, &ci);
	assert_non_null(c);
	assert_true(ward_container_has_meta(c));
	assert_string_equal(c->name, "ward-probe");
	assert_string_equal(c->image, "localhost/ward-bb:1.0");
	ward_container_put(c);
	/* a Docker-layout id is never looked up in podman's storage */
	path = "/docker/" CID2;
	assert_int_equal(ward_cgroup_parse(path, strlen(path), &ci), 1);
	c = ward_container_for_cgroup(t, &ci);
	assert_false(ward_container_has_meta(c));
	ward_container_put(c);
	ward_container_table_free(t);

	/* "" disables podman lookups */
	o.podman_storage = "";
	assert_int_equal(ward_container_table_new(&o, &t), 0);
	path = "/machine.slice/libpod-" CID ".scope/container";
	assert_int_equal(ward_cgroup_parse(path, strlen(path), &ci), 1);
	c = ward_container_for_cgroup(t, &ci);
	assert_non_null(c);
	assert_false(ward_container_has_meta(c));
	ward_container_table_free(t);
}

/* The live sensor's mode: the lookup runs on the metadata thread and is published later. */
static void test_table_async(void **state)
{
	struct ward_container_opts o = { .docker_socket = "", .podman_storage = root,
					 .async = true };
	struct ward_container_table *t = NULL;
	struct ward_cgroup_info ci;
	const char *path = "/libpod_parent/libpod-" CID;
	const struct ward_container *c;
	int n = 0;

	assert_int_equal(ward_container_table_new(&o, &t), 0);
	assert_int_equal(ward_cgroup_parse(path, strlen(path), &ci), 1);
	c = ward_container_for_cgroup(t, &ci);
	assert_non_null(c);
	for (int i = 0; i < 500 && !ward_container_has_meta(c); i++)
		usleep(10000);
	assert_true(ward_container_has_meta(c));
	assert_string_equal(c->name, "ward-probe");
	assert_string_equal(c->image_tag, "1.0");
	ward_container_drain_updates(t, count, &n);
	assert_int_equal(n, 1);
	ward_container_put(c);
	ward_container_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_container),
		cmocka_unit_test(test_find_image),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test_setup_teardown(test_store, make_root, drop_root),
		cmocka_unit_test_setup_teardown(test_table, make_root, drop_root),
		cmocka_unit_test_setup_teardown(test_table_async, make_root, drop_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
