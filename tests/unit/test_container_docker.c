// SPDX-License-Identifier: Apache-2.0
/* ward-test: serial (drives the live system; runs alone)
 */
/*
 * The container table against a real Docker engine. tests/integration/test_containers_docker.sh
 * starts a private dockerd, runs two containers and sets:
 *   WARD_TEST_DOCKER_SOCK      the engine's socket
 *   WARD_TEST_DOCKER_WEB_PID   host pid of a container labelled io.kubernetes.pod.name=web-1,
 *                              io.kubernetes.pod.namespace=prod, named ward-web
 *   WARD_TEST_DOCKER_WEB_ID    its full id (from docker inspect)
 *   WARD_TEST_DOCKER_CAPS_PID  host pid of a container run with --cap-add ALL (not privileged)
 * Attribution starts where the sensor starts: the process's /proc/<pid>/cgroup. Without the
 * variables (a plain ctest run) the tests skip: only the integration test can provide an engine.
 */
#include <errno.h>
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

#include "events/container.h"

/* First line of /proc/<pid>/cgroup that names a container, preferring the v2 ("0::") one. */
static int container_of_pid(const char *pid, struct ward_cgroup_info *out)
{
	char path[64], line[4096];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');
		struct ward_cgroup_info ci;
		size_t n;

		p = p ? strchr(p + 1, ':') : NULL;
		if (!p)
			continue;
		p++;
		n = strcspn(p, "\n");
		if (ward_cgroup_parse(p, n, &ci) != 1)
			continue;
		/* every hierarchy that names a container names the same one */
		if (found)
			assert_string_equal(ci.id, out->id);
		if (!found || strncmp(line, "0::", 3) == 0)
			*out = ci;
		found = 1;
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

static const char *need(const char *name)
{
	const char *v = getenv(name);

	if (!v || !v[0]) {
		print_message("skipped: %s not set (run tests/integration/test_containers_docker.sh)\n",
			      name);
		skip();
	}
	return v;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void check_web(const struct ward_container *c, const char *want_id)
{
	assert_true(ward_container_has_meta(c));
	assert_int_equal(c->runtime, WARD_RT_DOCKER);
	assert_string_equal(c->id, want_id);
	assert_string_equal(c->name, "ward-web");
	assert_string_equal(c->image, "local/busybox:test");
	assert_string_equal(c->image_repo, "local/busybox");
	assert_string_equal(c->image_tag, "test");
	assert_memory_equal(c->image_id, "sha256:", 7);
	assert_int_equal(strlen(c->image_id), 7 + 64);
	assert_string_equal(c->pod_name, "web-1");
	assert_string_equal(c->pod_ns, "prod");
	assert_false(c->privileged);
	assert_non_null(c->labels_json);
	assert_non_null(strstr(c->labels_json, "\"io.kubernetes.pod.name\":\"web-1\""));
	assert_non_null(strstr(c->labels_json, "\"io.kubernetes.pod.namespace\":\"prod\""));
	assert_true(is_dir(c->merged_dir));
	assert_true(is_dir(c->upper_dir));
	assert_int_equal(strlen(ward_container_short_id(c)), 12);
	assert_memory_equal(ward_container_short_id(c), want_id, 12);
}

static void test_sync(void **state)
{
	const char *sock = need("WARD_TEST_DOCKER_SOCK");
	const char *pid = need("WARD_TEST_DOCKER_WEB_PID");
	const char *id = need("WARD_TEST_DOCKER_WEB_ID");
	struct ward_container_opts o = { .docker_socket = sock, .async = false };
	struct ward_container_table *t = NULL;
	struct ward_cgroup_info ci;
	const struct ward_container *c;

	assert_int_equal(container_of_pid(pid, &ci), 0);
	assert_int_equal(ci.runtime, WARD_RT_DOCKER);
	assert_string_equal(ci.id, id);
	assert_int_equal(ward_container_table_new(&o, &t), 0);
	c = ward_container_for_cgroup(t, &ci);
	assert_non_null(c);
	check_web(c, id);
	assert_ptr_equal(ward_container_find(t, ward_container_short_id(c)), c);
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

static void test_async(void **state)
{
	const char *sock = need("WARD_TEST_DOCKER_SOCK");
	const char *web_pid = need("WARD_TEST_DOCKER_WEB_PID");
	const char *web_id = need("WARD_TEST_DOCKER_WEB_ID");
	const char *caps_pid = need("WARD_TEST_DOCKER_CAPS_PID");
	struct ward_container_opts o = { .docker_socket = sock, .async = true };
	struct ward_container_table *t = NULL;
	struct ward_cgroup_info web, caps;
	const struct ward_container *cw, *cc;
	struct seen s = { 0 };

	assert_int_equal(container_of_pid(web_pid, &web), 0);
	assert_int_equal(container_of_pid(caps_pid, &caps), 0);
	assert_int_equal(ward_container_table_new(&o, &t), 0);
	cw = ward_container_for_cgroup(t, &web);
	cc = ward_container_for_cgroup(t, &caps);
	assert_non_null(cw);
	assert_non_null(cc);
	assert_ptr_not_equal(cw, cc);
	/* bounded wait; a stuck engine fails through the ctest timeout, not a timing assert */
	for (int i = 0; i < 20000 && s.cnt < 2; i++) {
		ward_container_drain_updates(t, remember, &s);
		if (s.cnt < 2)
			usleep(1000);
	}
	assert_int_equal(s.cnt, 2);
	check_web(cw, web_id);
	assert_true(ward_container_has_meta(cc));
	assert_string_equal(cc->name, "ward-caps");
	/* every capability but one, yet not --privileged (which this machine refuses) */
	assert_false(cc->privileged);
	assert_string_equal(cc->pod_name, "");
	ward_container_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync),
		cmocka_unit_test(test_async),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
