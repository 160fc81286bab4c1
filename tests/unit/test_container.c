// SPDX-License-Identifier: Apache-2.0
/*
 * The container table and its metadata path without a Docker engine: inspect parsing, image
 * splitting, capture-file round trips, lookups, the table bound, and the engine client's
 * failure handling (404, oversized and garbage answers, a missing socket, an engine that
 * stalls while the event thread keeps going). The failures are ones a real engine cannot be
 * made to produce, so a small HTTP server on a unix socket in this file plays the engine;
 * the real engine is exercised by test_container_docker (tests/integration).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/limits.h"
#include "events/container.h"
#include "events/container_meta.h"
#include "events/proc.h"

#define H1 "3f1c0e5a9b2d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a"
#define H2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define H_BIG "b000000000000000000000000000000000000000000000000000000000000001"
#define H_BAD "b000000000000000000000000000000000000000000000000000000000000002"
#define H_SLOW "b000000000000000000000000000000000000000000000000000000000000003"
#define H_MISS "b000000000000000000000000000000000000000000000000000000000000004"

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	buf = malloc(1 << 16);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* ---- pure parsers ---- */

static void test_image_split(void **state)
{
	static const struct { const char *in, *repo, *tag; } rows[] = {
		{ "nginx", "nginx", "latest" },
		{ "nginx:1.25", "nginx", "1.25" },
		{ "library/nginx:1.25", "library/nginx", "1.25" },
		{ "registry:5000/team/app:1.2", "registry:5000/team/app", "1.2" },
		{ "registry:5000/team/app", "registry:5000/team/app", "latest" },
		{ "app@sha256:0123", "app", "" },
		{ "reg:443/app:v1@sha256:0123", "reg:443/app", "v1" },
		{ "sha256:0123456789", "", "" },
		{ "", "", "" },
	};
	char repo[64], tag[16];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(ward_image_split(rows[i].in, repo, sizeof(repo), tag, sizeof(tag)),
				 0);
		assert_string_equal(repo, rows[i].repo);
		assert_string_equal(tag, rows[i].tag);
	}
	/* a tag longer than the slot is an error and leaves nothing half-written */
	assert_int_equal(ward_image_split("a:0123456789abcdefXYZ", repo, sizeof(repo), tag,
					  sizeof(tag)), -WARD_E_LIMIT);
	assert_string_equal(repo, "");
	assert_string_equal(tag, "");
}

static void test_parse_inspect(void **state)
{
	struct ward_container c;
	size_t len;
	char *doc = read_file("tests/fuzz/corpus/docker_json/inspect_k8s.json", &len);

	memset(&c, 0, sizeof(c));
	assert_int_equal(ward_docker_parse_inspect(doc, len, H1, &c), 0);
	/* the Kubernetes container name wins over Docker's k8s_... name */
	assert_string_equal(c.name, "web");
	assert_string_equal(c.image, "registry.example:5000/team/web:1.2.3");
	assert_string_equal(c.image_repo, "registry.example:5000/team/web");
	assert_string_equal(c.image_tag, "1.2.3");
	assert_string_equal(c.image_id,
		"sha256:9f2a0c1d3e4b5a6978877665544332211009988776655443322110099887766");
	assert_string_equal(c.pod_name, "web-1");
	assert_string_equal(c.pod_ns, "prod");
	assert_string_equal(c.pod_uid, "5b2c7e1a-9f3d-4e2b-8a61-0c9d7f3e2a14");
	assert_true(c.privileged);
	assert_string_equal(c.merged_dir, "/var/lib/docker/overlay2/abc/merged");
	assert_string_equal(c.upper_dir, "/var/lib/docker/overlay2/abc/diff");
	assert_non_null(strstr(c.labels_json, "\"tier\":\"front\""));
	ward_container_meta_clear(&c);
	assert_null(c.labels_json);
	assert_string_equal(c.name, "");

	/* the document must be about the id asked for */
	assert_int_equal(ward_docker_parse_inspect(doc, len, H2, &c), -WARD_E_NOTFOUND);
	free(doc);

	doc = read_file("tests/fuzz/corpus/docker_json/inspect_plain.json", &len);
	assert_int_equal(ward_docker_parse_inspect(doc, len, NULL, &c), 0);
	assert_string_equal(c.name, "c1"); /* leading '/' stripped */
	assert_string_equal(c.image_repo, "busybox");
	assert_string_equal(c.image_tag, "");
	assert_false(c.privileged);
	assert_null(c.labels_json);
	assert_null(c.merged_dir);
	ward_container_meta_clear(&c);
	free(doc);
}

static void test_parse_inspect_bad(void **state)
{
	static const char *bad[] = {
		"", "null", "[]", "{", "{\"Id\":7}", "{\"Name\":\"/x\"}",
		"{\"Id\":\"a\",\"Config\":7}",
		"{\"Id\":\"a\",\"Config\":{\"Image\":7}}",
		"{\"Id\":\"a\",\"Config\":{\"Labels\":[\"x\"]}}",
		"{\"Id\":\"a\",\"Id\":\"b\"}",
		"{\"Id\":\"a\",\"GraphDriver\":{\"Data\":{\"UpperDir\":1}}}",
	};
	struct ward_container c;
	char *big;
	size_t n;

	memset(&c, 0, sizeof(c));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = ward_docker_parse_inspect(bad[i], strlen(bad[i]), NULL, &c);

		if (ret != -WARD_E_SYNTAX)
			fail_msg("%s: %d", bad[i], ret);
		assert_null(c.labels_json);
	}

	/* a name longer than its slot */
	big = malloc(WARD_DOCKER_MAX_RESPONSE + 2);
	assert_non_null(big);
	n = (size_t)snprintf(big, 1024, "{\"Id\":\"a\",\"Name\":\"/");
	memset(big + n, 'x', 300);
	n += 300;
	n += (size_t)snprintf(big + n, 64, "\"}");
	assert_int_equal(ward_docker_parse_inspect(big, n, NULL, &c), -WARD_E_LIMIT);

	/* over the response cap: refused before parsing */
	memset(big, ' ', WARD_DOCKER_MAX_RESPONSE + 1);
	assert_int_equal(ward_docker_parse_inspect(big, WARD_DOCKER_MAX_RESPONSE + 1, NULL, &c),
			 -WARD_E_LIMIT);
	free(big);
}

static void test_label_cap(void **state)
{
	struct ward_container c;
	char *doc = malloc(1 << 20);
	size_t n = 0;
	int kept = 0;

	assert_non_null(doc);
	n += (size_t)snprintf(doc + n, 64, "{\"Id\":\"a\",\"Config\":{\"Labels\":{");
	for (int i = 0; i < WARD_DOCKER_MAX_LABELS + 50; i++)
		n += (size_t)snprintf(doc + n, 64, "%s\"k%d\":\"v\"", i ? "," : "", i);
	/* an oversized value is dropped, not fatal */
	n += (size_t)snprintf(doc + n, 64, ",\"huge\":\"");
	memset(doc + n, 'y', WARD_DOCKER_MAX_LABEL_LEN);
	n += WARD_DOCKER_MAX_LABEL_LEN;
	n += (size_t)snprintf(doc + n, 64, "\"}}}");

	memset(&c, 0, sizeof(c));
	assert_int_equal(ward_docker_parse_inspect(doc, n, NULL, &c), 0);
	assert_non_null(c.labels_json);
	for (const char *p = c.labels_json; (p = strstr(p, "\":\"v\"")); p++)
		kept++;
	assert_int_equal(kept, WARD_DOCKER_MAX_LABELS);
	assert_null(strstr(c.labels_json, "huge"));
	ward_container_meta_clear(&c);
	free(doc);
}

/* ---- the table without an engine ---- */

static struct ward_container_table *table_no_engine(void)
{
	struct ward_container_opts o = { .docker_socket = "", .podman_storage = "",
					 .async = false };
	struct ward_container_table *t = NULL;

	assert_int_equal(ward_container_table_new(&o, &t), 0);
	return t;
}

static const struct ward_container *see(struct ward_container_table *t, const char *path)
{
	struct ward_cgroup_info ci;

	assert_true(ward_cgroup_parse(path, strlen(path), &ci) >= 0);
	return ward_container_for_cgroup(t, &ci);
}

static void count_update(const struct ward_container *c, void *arg)
{
	(*(int *)arg)++;
}

static void test_table_lookup(void **state)
{
	struct ward_container_table *t = table_no_engine();
	const struct ward_container *a, *b, *k;
	int n = 0;

	assert_null(see(t, "/user.slice/session-1.scope"));
	a = see(t, "/docker/" H1);
	assert_non_null(a);
	assert_int_equal(a->runtime, WARD_RT_DOCKER);
	assert_string_equal(a->id, H1);
	assert_false(a->has_meta);
	/* the same container twice is the same entry */
	assert_ptr_equal(see(t, "/system.slice/docker-" H1 ".scope"), a);
	k = see(t, "/kubepods/besteffort/pod5b2c7e1a-9f3d-4e2b-8a61-0c9d7f3e2a14/" H2);
	assert_non_null(k);
	assert_string_equal(k->pod_uid, "5b2c7e1a-9f3d-4e2b-8a61-0c9d7f3e2a14");

	assert_ptr_equal(ward_container_find(t, H1), a);
	assert_ptr_equal(ward_container_find(t, "3f1c0e5a9b2d"), a);
	assert_ptr_equal(ward_container_find(t, "012"), k);
	assert_null(ward_container_find(t, "3f")); /* too short to mean anything */
	assert_null(ward_container_find(t, "ffff"));
	b = see(t, "/docker/" "3f1c0e5a9b2d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6b");
	assert_non_null(b);
	assert_null(ward_container_find(t, "3f1c0e5a9b2d")); /* now ambiguous */

	ward_container_drain_updates(t, count_update, &n);
	assert_int_equal(n, 0);
	ward_container_table_free(t);
}

static void test_meta_roundtrip(void **state)
{
	struct ward_container_table *t = table_no_engine();
	const struct ward_container *c;
	size_t len;
	char *doc = read_file("tests/fuzz/corpus/docker_json/meta.json", &len);
	char *again;
	int n = 0;

	assert_int_equal(ward_container_set_meta_json(t, doc, len), 0);
	c = ward_container_find(t, H1);
	assert_non_null(c);
	assert_true(ward_container_has_meta(c));
	assert_int_equal(c->runtime, WARD_RT_DOCKER);
	assert_string_equal(c->name, "c1");
	assert_string_equal(c->image_repo, "local/busybox");
	assert_string_equal(c->pod_name, "web-1");
	assert_string_equal(c->merged_dir, "/m");
	assert_null(c->upper_dir);
	ward_container_drain_updates(t, count_update, &n);
	assert_int_equal(n, 1);
	ward_container_drain_updates(t, count_update, &n);
	assert_int_equal(n, 1); /* announced once */

	/* serialize and load into a second table: same fields */
	again = ward_container_meta_json(c);
	assert_non_null(again);
	struct ward_container_table *t2 = table_no_engine();

	assert_int_equal(ward_container_set_meta_json(t2, again, strlen(again)), 0);
	const struct ward_container *c2 = ward_container_find(t2, H1);

	assert_non_null(c2);
	assert_string_equal(c2->image, "local/busybox:test");
	assert_string_equal(c2->image_tag, "test");
	assert_string_equal(c2->pod_ns, "prod");
	assert_string_equal(c2->labels_json, "{\"a\":\"b\"}");
	free(again);

	/* metadata is set once: a second document for the same id changes nothing */
	const char *other = "{\"id\":\"" H1 "\",\"runtime\":\"docker\",\"name\":\"other\"}";

	assert_int_equal(ward_container_set_meta_json(t, other, strlen(other)), 0);
	assert_string_equal(c->name, "c1");

	/* malformed documents */
	static const char *bad[] = {
		"{}", "not json", "{\"id\":\"x\",\"runtime\":\"host\"}",
		"{\"id\":\"x\",\"runtime\":\"zz\"}",
		"{\"id\":\"x\",\"runtime\":\"docker\",\"privileged\":1}",
		"{\"id\":\"x\",\"runtime\":\"docker\",\"labels\":[]}",
		"{\"id\":\"x\",\"runtime\":\"docker\",\"labels\":{\"a\":1}}",
		"{\"id\":7,\"runtime\":\"docker\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ward_container_set_meta_json(t, bad[i], strlen(bad[i])),
				 -WARD_E_SYNTAX);
	assert_null(ward_container_find(t, "x"));
	free(doc);
	ward_container_table_free(t2);
	ward_container_table_free(t);
}

static void test_table_full(void **state)
{
	struct ward_container_table *t = table_no_engine();
	struct ward_cgroup_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.runtime = WARD_RT_RUNC;
	for (int i = 0; i < WARD_CONTAINER_TABLE_MAX; i++) {
		snprintf(ci.id, sizeof(ci.id), "%064x", i);
		assert_non_null(ward_container_for_cgroup(t, &ci));
	}
	snprintf(ci.id, sizeof(ci.id), "%064x", WARD_CONTAINER_TABLE_MAX);
	assert_null(ward_container_for_cgroup(t, &ci));
	/* known ones still resolve */
	snprintf(ci.id, sizeof(ci.id), "%064x", 17);
	assert_non_null(ward_container_for_cgroup(t, &ci));
	assert_non_null(ward_container_find(t, ci.id));
	ward_container_table_free(t);
}

static struct ward_container_table *small_table(size_t cap)
{
	struct ward_container_opts o = { .docker_socket = "", .podman_storage = "",
					 .max_cnt = cap };
	struct ward_container_table *t = NULL;

	assert_int_equal(ward_container_table_new(&o, &t), 0);
	return t;
}

static const struct ward_container *see_id(struct ward_container_table *t, int i)
{
	struct ward_cgroup_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.runtime = WARD_RT_RUNC;
	snprintf(ci.id, sizeof(ci.id), "%064x", i);
	return ward_container_for_cgroup(t, &ci);
}

static bool known(struct ward_container_table *t, int i)
{
	char id[WARD_CONTAINER_ID_MAX + 1];

	snprintf(id, sizeof(id), "%064x", i);
	return ward_container_find(t, id) != NULL;
}

/* A full table evicts the least recently seen entry nobody holds; held ones stay put. */
static void test_table_evict(void **state)
{
	struct ward_container_table *t = small_table(4);
	const struct ward_container *c[8];

	for (int i = 0; i < 4; i++)
		assert_non_null(c[i] = see_id(t, i));
	/* every entry held (lookups return held entries): nothing can go */
	assert_null(see_id(t, 4));
	assert_false(known(t, 4));
	/* 1 and 2 lose their holders; 1 is seen again, so 2 is the least recently seen */
	ward_container_put(c[1]);
	ward_container_put(c[2]);
	ward_container_put(see_id(t, 1));
	assert_non_null(c[4] = see_id(t, 4));
	assert_false(known(t, 2));
	assert_true(known(t, 1));
	/* held entries are intact (ASan would see a use after free) */
	for (int i = 0; i < 4; i++)
		if (i != 1 && i != 2)
			assert_int_equal(strtol(c[i]->id + 48, NULL, 16), i);
	assert_true(known(t, 4));
	/* 1 is unheld: it makes room for 5; then the table is full of held entries again */
	assert_non_null(c[5] = see_id(t, 5));
	assert_false(known(t, 1));
	assert_null(see_id(t, 6));
	/* a container evicted and seen again is a new entry (its metadata is asked for again) */
	ward_container_put(c[0]);
	assert_non_null(c[2] = see_id(t, 2));
	assert_false(known(t, 0));
	assert_int_equal(c[2]->refs, 1);
	ward_container_table_free(t);
}

/* An update the session has not written out yet keeps its entry. */
static void test_table_evict_undrained(void **state)
{
	struct ward_container_table *t = small_table(2);
	char doc[256];
	int n = 0;

	snprintf(doc, sizeof(doc), "{\"id\":\"%064x\",\"runtime\":\"runc\",\"name\":\"a\"}", 0);
	assert_int_equal(ward_container_set_meta_json(t, doc, strlen(doc)), 0);
	ward_container_put(see_id(t, 1));
	assert_non_null(see_id(t, 2)); /* evicts 1, not the undrained 0 */
	assert_true(known(t, 0));
	assert_false(known(t, 1));
	ward_container_drain_updates(t, count_update, &n);
	assert_int_equal(n, 1);
	assert_non_null(see_id(t, 3)); /* now 0 can go */
	assert_false(known(t, 0));
	ward_container_table_free(t);
}

/* Process entries hold their container until the process table reclaims them. */
static void test_table_evict_procs(void **state)
{
	struct ward_container_table *t = small_table(1);
	struct ward_proc_table *pt = NULL;
	const struct ward_container *c;
	struct ward_proc *p, *q;

	assert_int_equal(ward_proc_table_new(1, &pt), 0);
	c = see_id(t, 0);
	p = ward_proc_upsert(pt, 100, 1, NULL);
	ward_proc_set_container(p, c);
	ward_container_put(c);
	q = ward_proc_upsert(pt, 100, 1, NULL);
	assert_ptr_equal(q->container, c);
	assert_null(see_id(t, 1)); /* pid 100 still points at container 0 */
	/* a second process takes the only slot: pid 100's entry releases container 0 */
	ward_proc_upsert(pt, 200, 2, NULL);
	assert_non_null(c = see_id(t, 1));
	assert_false(known(t, 0));
	ward_container_put(c);
	ward_proc_table_free(pt);
	ward_container_table_free(t);
}

/* ---- a stand-in engine for the failure paths ---- */

struct engine {
	char dir[64];
	char sock[108];
	int lfd;
	int gate[2];      /* H_SLOW answers only after a byte arrives here */
	int requests;     /* atomic */
	pthread_t thr;
};

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void answer(struct engine *e, int fd, const char *id)
{
	char head[256], body[1024];
	int bn = 0;

	if (strcmp(id, H1) == 0 || strcmp(id, H_SLOW) == 0) {
		if (strcmp(id, H_SLOW) == 0) {
			char b;

			if (read(e->gate[0], &b, 1) != 1)
				return;
		}
		bn = snprintf(body, sizeof(body),
			      "{\"Id\":\"%s\",\"Name\":\"/n-%c\",\"Image\":\"sha256:1\","
			      "\"Config\":{\"Image\":\"local/busybox:test\",\"Labels\":"
			      "{\"io.kubernetes.pod.name\":\"web-1\"}}}", id, id[63]);
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: application/json"
			 "\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", bn);
		send_all(fd, head, strlen(head));
		send_all(fd, body, (size_t)bn);
	} else if (strcmp(id, H_BIG) == 0) {
		size_t total = WARD_DOCKER_MAX_RESPONSE + 4096;
		char *blob = malloc(total);

		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n", total);
		send_all(fd, head, strlen(head));
		if (blob) {
			memset(blob, ' ', total);
			send_all(fd, blob, total);
			free(blob);
		}
	} else if (strcmp(id, H_BAD) == 0) {
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
			 "Connection: close\r\n\r\n{]]]\n");
		send_all(fd, head, strlen(head));
	} else {
		snprintf(head, sizeof(head), "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n"
			 "Connection: close\r\n\r\n{}");
		send_all(fd, head, strlen(head));
	}
}

static void *engine_main(void *arg)
{
	struct engine *e = arg;

	for (;;) {
		char req[2048], id[80] = "";
		size_t n = 0;
		int fd = accept(e->lfd, NULL, NULL);

		if (fd < 0)
			return NULL;
		while (n < sizeof(req) - 1) {
			ssize_t r = read(fd, req + n, sizeof(req) - 1 - n);

			if (r <= 0)
				break;
			n += (size_t)r;
			req[n] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[n] = '\0';
		if (sscanf(req, "GET /containers/%79[^/]/json", id) == 1) {
			__atomic_add_fetch(&e->requests, 1, __ATOMIC_SEQ_CST);
			answer(e, fd, id);
		}
		close(fd);
	}
}

static struct engine *running; /* stopped by the teardown when an assertion fails */

static void engine_start(struct engine *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(e, 0, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/ward-test-container.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->sock, sizeof(e->sock), "%s/docker.sock", e->dir);
	memcpy(sa.sun_path, e->sock, strlen(e->sock) + 1);
	e->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(e->lfd >= 0);
	assert_int_equal(bind(e->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(e->lfd, 16), 0);
	assert_int_equal(pipe(e->gate), 0);
	assert_int_equal(pthread_create(&e->thr, NULL, engine_main, e), 0);
	running = e;
}

static void engine_stop(struct engine *e)
{
	/* shutdown wakes the thread in accept() */
	shutdown(e->lfd, SHUT_RDWR);
	close(e->gate[1]);
	pthread_join(e->thr, NULL);
	close(e->lfd);
	close(e->gate[0]);
	unlink(e->sock);
	rmdir(e->dir);
	running = NULL;
}

static int stop_engine(void **state)
{
	if (running)
		engine_stop(running);
	return 0;
}

static void test_engine_sync(void **state)
{
	static struct engine e; /* outlives a failed assertion, for the teardown */
	struct ward_container_opts o = { .async = false };
	struct ward_container_table *t = NULL;
	const struct ward_container *c;
	int n = 0;

	engine_start(&e);
	o.docker_socket = e.sock;
	assert_int_equal(ward_container_table_new(&o, &t), 0);

	c = see(t, "/docker/" H1);
	assert_true(c->has_meta);
	assert_string_equal(c->name, "n-a");
	assert_string_equal(c->image_repo, "local/busybox");
	assert_string_equal(c->pod_name, "web-1");

	/* failures leave the entry without metadata and are not asked again right away */
	for (size_t i = 0; i < 3; i++) {
		const char *id = i == 0 ? H_BIG : i == 1 ? H_BAD : H_MISS;
		char path[128];
		int before;

		snprintf(path, sizeof(path), "/docker/%s", id);
		before = __atomic_load_n(&e.requests, __ATOMIC_SEQ_CST);
		c = see(t, path);
		assert_non_null(c);
		assert_false(c->has_meta);
		assert_int_equal(__atomic_load_n(&e.requests, __ATOMIC_SEQ_CST), before + 1);
		assert_ptr_equal(see(t, path), c);
		assert_int_equal(__atomic_load_n(&e.requests, __ATOMIC_SEQ_CST), before + 1);
	}
	/* runtimes Docker cannot know are never asked about */
	n = __atomic_load_n(&e.requests, __ATOMIC_SEQ_CST);
	c = see(t, "/machine.slice/libpod-" H2 ".scope");
	assert_false(c->has_meta);
	assert_int_equal(__atomic_load_n(&e.requests, __ATOMIC_SEQ_CST), n);

	n = 0;
	ward_container_drain_updates(t, count_update, &n);
	assert_int_equal(n, 1);
	ward_container_table_free(t);
	engine_stop(&e);
}

static void test_missing_socket(void **state)
{
	struct ward_container_opts o = { .docker_socket = "/nonexistent/ward/docker.sock" };
	struct ward_container_table *t = NULL;
	const struct ward_container *c;

	assert_int_equal(ward_container_table_new(&o, &t), 0);
	c = see(t, "/docker/" H1);
	assert_non_null(c);
	assert_false(c->has_meta);
	ward_container_table_free(t);

	o.async = true;
	assert_int_equal(ward_container_table_new(&o, &t), 0);
	c = see(t, "/docker/" H1);
	assert_non_null(c);
	ward_container_table_free(t);
}

struct seen {
	const struct ward_container *c;
	int cnt;
};

static void remember(const struct ward_container *c, void *arg)
{
	struct seen *s = arg;

	s->c = c;
	s->cnt++;
}

/* The engine holds the answer back: the event thread must still get its entry at once. */
static void test_engine_async(void **state)
{
	static struct engine e; /* outlives a failed assertion, for the teardown */
	struct ward_container_opts o = { .async = true };
	struct ward_container_table *t = NULL;
	const struct ward_container *c;
	struct seen s = { 0 };
	char one = 1;

	engine_start(&e);
	o.docker_socket = e.sock;
	assert_int_equal(ward_container_table_new(&o, &t), 0);

	c = see(t, "/docker/" H_SLOW);
	assert_non_null(c);
	assert_false(ward_container_has_meta(c));
	/* other lookups keep working while the query is stuck in the engine */
	assert_non_null(see(t, "/kubepods/pod5b2c7e1a-9f3d-4e2b-8a61-0c9d7f3e2a14/" H2));
	assert_ptr_equal(ward_container_find(t, H_SLOW), c);
	ward_container_drain_updates(t, remember, &s);
	assert_int_equal(s.cnt, 0);

	assert_int_equal(write(e.gate[1], &one, 1), 1);
	/* bounded wait for the answer (a hang fails through the ctest timeout, not here) */
	for (int i = 0; i < 30000 && s.cnt == 0; i++) {
		usleep(1000);
		ward_container_drain_updates(t, remember, &s);
	}
	assert_int_equal(s.cnt, 1);
	assert_ptr_equal(s.c, c);
	assert_true(ward_container_has_meta(c));
	assert_string_equal(c->name, "n-3");
	assert_string_equal(c->image_tag, "test");
	ward_container_table_free(t);
	engine_stop(&e);
}

/* An entry whose query is queued or running on the metadata thread is never evicted, even
 * with no holder: the thread still points at it (ASan reports it if it were freed). */
static void test_engine_evict_inflight(void **state)
{
	static struct engine e; /* outlives a failed assertion, for the teardown */
	struct ward_container_opts o = { .async = true, .max_cnt = 1 };
	struct ward_container_table *t = NULL;
	const struct ward_container *c;
	struct seen s = { 0 };
	char one = 1;

	engine_start(&e);
	o.docker_socket = e.sock;
	assert_int_equal(ward_container_table_new(&o, &t), 0);
	c = see(t, "/docker/" H_SLOW);
	assert_non_null(c);
	ward_container_put(c);
	/* the only entry is in flight: the newcomer is reported as host */
	assert_null(see(t, "/docker/" H2));
	assert_ptr_equal(ward_container_find(t, H_SLOW), c);
	assert_int_equal(write(e.gate[1], &one, 1), 1);
	for (int i = 0; i < 30000 && s.cnt == 0; i++) {
		usleep(1000);
		ward_container_drain_updates(t, remember, &s);
	}
	assert_int_equal(s.cnt, 1);
	assert_string_equal(c->name, "n-3");
	/* answered, drained, unheld: now it makes room (give the thread its last store) */
	for (int i = 0; i < 3000 && !(c = see(t, "/docker/" H2)); i++)
		usleep(1000);
	assert_non_null(c);
	assert_null(ward_container_find(t, H_SLOW));
	ward_container_table_free(t);
	engine_stop(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_split),
		cmocka_unit_test(test_parse_inspect),
		cmocka_unit_test(test_parse_inspect_bad),
		cmocka_unit_test(test_label_cap),
		cmocka_unit_test(test_table_lookup),
		cmocka_unit_test(test_meta_roundtrip),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_table_evict),
		cmocka_unit_test(test_table_evict_undrained),
		cmocka_unit_test(test_table_evict_procs),
		cmocka_unit_test_teardown(test_engine_sync, stop_engine),
		cmocka_unit_test(test_missing_socket),
		cmocka_unit_test_teardown(test_engine_async, stop_engine),
		cmocka_unit_test_teardown(test_engine_evict_inflight, stop_engine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
