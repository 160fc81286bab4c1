// SPDX-License-Identifier: Apache-2.0
/*
 * ward_cgroup_parse: one table row per runtime and cgroup layout (v1/v2 look the same as
 * paths; cgroupfs and systemd drivers differ), plus host paths and malformed input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/limits.h"
#include "events/container.h"

#define H1 "3f1c0e5a9b2d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a"
#define H2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID "5b2c7e1a-9f3d-4e2b-8a61-0c9d7f3e2a14"
#define UIDU "5b2c7e1a_9f3d_4e2b_8a61_0c9d7f3e2a14"
#define STATIC_UID "6a1f0c2e9b8d7a6c5e4f3a2b1c0d9e8f"

struct row {
	const char *path;
	int ret;
	enum ward_runtime rt;
	const char *id;
	const char *pod_uid;
	const char *qos;
};

static const struct row rows[] = {
	/* Docker, cgroupfs (v1 and v2 read the same) and systemd drivers */
	{ "/docker/" H1, 1, WARD_RT_DOCKER, H1, "", "" },
	{ "/system.slice/docker-" H1 ".scope", 1, WARD_RT_DOCKER, H1, "", "" },
	{ "/docker/" H1 "/init.scope", 1, WARD_RT_DOCKER, H1, "", "" },
	/* Docker in Docker: the inner container is the one the process runs in */
	{ "/docker/" H1 "/docker/" H2, 1, WARD_RT_DOCKER, H2, "", "" },
	{ "/../../docker/" H1, 1, WARD_RT_DOCKER, H1, "", "" },
	/* Kubernetes, cgroupfs driver: runtime not visible for bare ids */
	{ "/kubepods/besteffort/pod" UID "/" H1, 1, WARD_RT_KUBEPODS, H1, UID, "besteffort" },
	{ "/kubepods/burstable/pod" UID "/" H1, 1, WARD_RT_KUBEPODS, H1, UID, "burstable" },
	{ "/kubepods/pod" UID "/" H1, 1, WARD_RT_KUBEPODS, H1, UID, "guaranteed" },
	{ "/kubepods/burstable/pod" STATIC_UID "/" H2, 1, WARD_RT_KUBEPODS, H2, STATIC_UID,
	  "burstable" },
	/* Kubernetes, systemd driver: containerd, CRI-O, dockershim */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU
	  ".slice/cri-containerd-" H1 ".scope", 1, WARD_RT_CONTAINERD, H1, UID, "besteffort" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU
	  ".slice/cri-containerd-" H1 ".scope", 1, WARD_RT_CONTAINERD, H1, UID, "burstable" },
	{ "/kubepods.slice/kubepods-pod" UIDU ".slice/cri-containerd-" H2 ".scope", 1,
	  WARD_RT_CONTAINERD, H2, UID, "guaranteed" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU
	  ".slice/crio-" H1 ".scope", 1, WARD_RT_CRIO, H1, UID, "burstable" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU
	  ".slice/docker-" H1 ".scope", 1, WARD_RT_DOCKER, H1, UID, "besteffort" },
	/* CRI-O: cgroupfs leaf and a systemd scope outside kubepods */
	{ "/kubepods/besteffort/pod" UID "/crio-" H1, 1, WARD_RT_CRIO, H1, UID, "besteffort" },
	{ "/machine.slice/crio-" H1 ".scope", 1, WARD_RT_CRIO, H1, "", "" },
	/* conmon is a runtime helper next to the container, not the container */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU
	  ".slice/crio-conmon-" H1 ".scope", 0, WARD_RT_HOST, "", UID, "besteffort" },
	/* a pod cgroup with no container below: not a container, pod still reported */
	{ "/kubepods/besteffort/pod" UID, 0, WARD_RT_HOST, "", UID, "besteffort" },
	/* containerd ctr: /<namespace>/<id> */
	{ "/default/" H1, 1, WARD_RT_CONTAINERD, H1, "", "" },
	{ "/default/redis-1", 1, WARD_RT_CONTAINERD, "redis-1", "", "" },
	{ "/k8s.io/" H2, 1, WARD_RT_CONTAINERD, H2, "", "" },
	{ "/moby/" H2, 1, WARD_RT_CONTAINERD, H2, "", "" },
	/* containerd CRI with the cgroupfs driver outside kubepods */
	{ "/system.slice/containerd.service/cri-containerd-" H1, 1, WARD_RT_CONTAINERD, H1, "",
	  "" },
	/* podman: cgroupfs, system and rootless systemd, container sub-cgroup */
	{ "/libpod_parent/libpod-" H1, 1, WARD_RT_PODMAN, H1, "", "" },
	{ "/machine.slice/libpod-" H1 ".scope", 1, WARD_RT_PODMAN, H1, "", "" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H1 ".scope", 1,
	  WARD_RT_PODMAN, H1, "", "" },
	{ "/machine.slice/libpod-" H1 ".scope/container", 1, WARD_RT_PODMAN, H1, "", "" },
	{ "/machine.slice/libpod-conmon-" H1 ".scope", 0, WARD_RT_HOST, "", "", "" },
	{ "/libpod_parent/conmon", 0, WARD_RT_HOST, "", "", "" },
	/* plain runc: a 64-hex leaf with no runtime marker */
	{ "/" H1, 1, WARD_RT_RUNC, H1, "", "" },
	{ "/mygroup/" H1, 1, WARD_RT_RUNC, H1, "", "" },
	{ "/a/b/c/" H2, 1, WARD_RT_RUNC, H2, "", "" },
	/* host */
	{ "/", 0, WARD_RT_HOST, "", "", "" },
	{ "/user.slice/user-0.slice/session-1.scope", 0, WARD_RT_HOST, "", "", "" },
	{ "/system.slice/docker.service", 0, WARD_RT_HOST, "", "", "" },
	{ "/system.slice/containerd.service", 0, WARD_RT_HOST, "", "", "" },
	{ "/process_api/a7d8438d6845ab5ece0b6c3168b3af65", 0, WARD_RT_HOST, "", "", "" },
	{ "/init.scope", 0, WARD_RT_HOST, "", "", "" },
	{ "/docker", 0, WARD_RT_HOST, "", "", "" },
	{ "/kubepods", 0, WARD_RT_HOST, "", "", "" },
	{ "/kubepods/besteffort", 0, WARD_RT_HOST, "", "", "besteffort" },
	/* near misses: ids one char short or with upper case, a non-namespace ctr lookalike,
	 * a bad pod uid, a marker with no id */
	{ "/docker/" "3f1c0e5a9b2d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6", 0,
	  WARD_RT_HOST, "", "", "" },
	{ "/docker/" "3F1C0E5A9B2D4C6E8F0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F6A", 0,
	  WARD_RT_HOST, "", "", "" },
	{ "/system/redis-1", 0, WARD_RT_HOST, "", "", "" },
	{ "/default/-bad", 0, WARD_RT_HOST, "", "", "" },
	{ "/default/a/b", 0, WARD_RT_HOST, "", "", "" },
	{ "/kubepods/besteffort/podnot-a-uid/" H1, 1, WARD_RT_KUBEPODS, H1, "", "besteffort" },
	{ "/system.slice/docker-.scope", 0, WARD_RT_HOST, "", "", "" },
	{ "/system.slice/docker-" H1 ".scopex", 0, WARD_RT_HOST, "", "", "" },
	{ "////docker//" H1 "//", 1, WARD_RT_DOCKER, H1, "", "" },
	/* malformed */
	{ "docker/" H1, -WARD_E_SYNTAX, WARD_RT_HOST, "", "", "" },
	{ "0::/docker/" H1, -WARD_E_SYNTAX, WARD_RT_HOST, "", "", "" },
};

static void test_table(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct ward_cgroup_info ci;
		int ret;

		memset(&ci, 0x5a, sizeof(ci));
		ret = ward_cgroup_parse(r->path, strlen(r->path), &ci);
		if (ret != r->ret)
			fail_msg("row %zu %s: ret %d, want %d", i, r->path, ret, r->ret);
		if (ret < 0)
			continue;
		if (ci.runtime != r->rt)
			fail_msg("row %zu %s: runtime %s, want %s", i, r->path,
				 ward_runtime_name(ci.runtime), ward_runtime_name(r->rt));
		assert_string_equal(ci.id, r->id);
		assert_string_equal(ci.pod_uid, r->pod_uid);
		assert_string_equal(ci.qos, r->qos);
	}
}

static void test_malformed(void **state)
{
	struct ward_cgroup_info ci;
	char big[WARD_CGROUP_PATH_MAX + 2];
	const char nul[] = "/docker/\0" H1;

	memset(&ci, 0, sizeof(ci));
	assert_int_equal(ward_cgroup_parse("", 0, &ci), -EINVAL);
	assert_int_equal(ward_cgroup_parse(NULL, 5, &ci), -EINVAL);
	assert_int_equal(ward_cgroup_parse("/x", 2, NULL), -EINVAL);
	assert_int_equal(ward_cgroup_parse(nul, sizeof(nul) - 1, &ci), -EINVAL);

	/* too long, even though it would name a container */
	memset(big, '/', sizeof(big));
	memcpy(big + sizeof(big) - 65, H1, 64);
	assert_int_equal(ward_cgroup_parse(big, sizeof(big), &ci), -EINVAL);
	/* at the limit it parses */
	assert_int_equal(ward_cgroup_parse(big + 2, sizeof(big) - 2, &ci), 1);
	assert_string_equal(ci.id, H1);
	assert_int_equal(ci.runtime, WARD_RT_RUNC);
}

/* The length is what counts, not a NUL: a path cut in the middle of the id is no container. */
static void test_length_bound(void **state)
{
	const char *p = "/docker/" H1 "/extra";
	struct ward_cgroup_info ci;

	assert_int_equal(ward_cgroup_parse(p, 8 + 63, &ci), 0);
	assert_int_equal(ward_cgroup_parse(p, 8 + 64, &ci), 1);
	assert_string_equal(ci.id, H1);
}

static void test_names(void **state)
{
	struct ward_container c;

	assert_string_equal(ward_runtime_name(WARD_RT_HOST), "host");
	assert_string_equal(ward_runtime_name(WARD_RT_DOCKER), "docker");
	assert_string_equal(ward_runtime_name(WARD_RT_CONTAINERD), "containerd");
	assert_string_equal(ward_runtime_name(WARD_RT_CRIO), "cri-o");
	assert_string_equal(ward_runtime_name(WARD_RT_PODMAN), "podman");
	assert_string_equal(ward_runtime_name(WARD_RT_RUNC), "runc");
	assert_string_equal(ward_runtime_name(WARD_RT_KUBEPODS), "kubepods");
	assert_string_equal(ward_runtime_name((enum ward_runtime)99), "unknown");

	memset(&c, 0, sizeof(c));
	memcpy(c.id, H1, 64);
	assert_string_equal(ward_container_short_id(&c), "3f1c0e5a9b2d");
	memcpy(c.id, "redis-1", 8);
	assert_string_equal(ward_container_short_id(&c), "redis-1");
	assert_string_equal(ward_container_short_id(NULL), "host");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_length_bound),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
