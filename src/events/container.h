/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container and pod attribution. A cgroup path says which runtime started a process and the
 * container (and Kubernetes pod) id; the Docker Engine API, when its socket is there, adds
 * name, image and labels, and podman's containers/storage records add podman containers'
 * names and images. Pod name and namespace come from io.kubernetes.* labels.
 *
 * Metadata queries run on a background thread; lookups on the event path only read the cache
 * and never block. Entries are published once and then only gain metadata. Entries are
 * reference counted: a full table evicts the least recently seen entries nobody holds.
 */
#ifndef WARD_CONTAINER_H
#define WARD_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ward_runtime {
	WARD_RT_HOST = 0,
	WARD_RT_DOCKER,
	WARD_RT_CONTAINERD, /* ctr and CRI via cri-containerd */
	WARD_RT_CRIO,
	WARD_RT_PODMAN,
	WARD_RT_RUNC,       /* plain runc with a non-runtime cgroup path */
	WARD_RT_KUBEPODS,   /* Kubernetes cgroup with a runtime we could not tell */
};

#define WARD_CONTAINER_ID_MAX 64

/* What a cgroup path alone says. */
struct ward_cgroup_info {
	enum ward_runtime runtime;
	char id[WARD_CONTAINER_ID_MAX + 1];   /* full id, lower-case hex where the runtime uses hex */
	char pod_uid[37];                     /* Kubernetes pod UID with dashes, or "" */
	char qos[16];                         /* "besteffort", "burstable", "guaranteed" or "" */
};

struct ward_container {
	enum ward_runtime runtime;
	char id[WARD_CONTAINER_ID_MAX + 1];
	char pod_uid[37];
	/* metadata; "" until known. Written by the metadata thread before has_meta is set. */
	char name[256];
	char image[512];            /* as the user named it: repo:tag or repo@digest */
	char image_repo[512];
	char image_tag[128];
	char image_id[80];          /* sha256:... */
	char pod_name[254];
	char pod_ns[254];
	bool privileged;
	char *labels_json;          /* {"k":"v",...}, owned, NULL if none */
	char *merged_dir;           /* overlay merged dir, for drift and upper-layer checks */
	char *upper_dir;            /* overlay upper dir */
	volatile bool has_meta;
	unsigned refs;              /* atomic: holders (process entries); see ward_container_hold */
};

/* Holds (or releases) c so the table cannot evict it while a process entry points at it.
 * NULL is accepted. Callers that keep a pointer past the next ward_container_for_cgroup()
 * call must hold it; process entries do (ward_proc_set_container). */
static inline void ward_container_hold(const struct ward_container *c)
{
	if (c)
		__atomic_add_fetch(&((struct ward_container *)c)->refs, 1, __ATOMIC_RELAXED);
}

static inline void ward_container_put(const struct ward_container *c)
{
	if (c)
		__atomic_sub_fetch(&((struct ward_container *)c)->refs, 1, __ATOMIC_RELEASE);
}

/* True once metadata is readable: pairs with the metadata thread's release store, so the
 * fields above are complete when it returns true. Prefer it to reading has_meta directly. */
static inline bool ward_container_has_meta(const struct ward_container *c)
{
	return c && __atomic_load_n(&c->has_meta, __ATOMIC_ACQUIRE);
}

/* Parses a cgroup path (v1 or v2, cgroupfs or systemd layout). Returns 1 when it names a
 * container, 0 for a host cgroup, -WARD_E_SYNTAX/-EINVAL for malformed input. */
int ward_cgroup_parse(const char *path, size_t len, struct ward_cgroup_info *out);
const char *ward_runtime_name(enum ward_runtime rt);
/* Short id (first 12 chars) as Falco prints container.id. */
const char *ward_container_short_id(const struct ward_container *c);

struct ward_container_table;

struct ward_container_opts {
	const char *docker_socket;  /* NULL = /var/run/docker.sock; "" disables */
	const char *podman_storage; /* NULL = /var/lib/containers/storage; "" disables */
	bool async;                 /* query the engine on a thread (false in replay/tests) */
	size_t max_cnt;             /* entries kept; 0 = WARD_CONTAINER_TABLE_MAX (tests set less) */
};

int ward_container_table_new(const struct ward_container_opts *opts,
			     struct ward_container_table **out);
void ward_container_table_free(struct ward_container_table *t);
/* Finds or creates the container for a parsed cgroup; schedules a metadata query. Returns
 * NULL for host cgroups, or when the table is full of held entries. Never blocks. The
 * result is held for the caller: release it with ward_container_put() once it is stored
 * (or not). When the table is full the least recently seen entries with no holders, no
 * query in flight and no undrained update are evicted first. */
const struct ward_container *ward_container_for_cgroup(struct ward_container_table *t,
							const struct ward_cgroup_info *ci);
/* By full id or unique prefix (at least 3 chars); NULL if none. Not held: valid until the
 * next call that may evict (ward_container_for_cgroup, ward_container_set_meta_json). */
const struct ward_container *ward_container_find(struct ward_container_table *t, const char *id);
/* Stores metadata from a WARD_EV_CONTAINER_INFO JSON document (replay), or from tests. */
int ward_container_set_meta_json(struct ward_container_table *t, const char *json, size_t len);
/* Serializes a container's metadata for capture files. Caller frees. */
char *ward_container_meta_json(const struct ward_container *c);
/* Calls fn for each container whose metadata became known since the last call. */
void ward_container_drain_updates(struct ward_container_table *t,
				  void (*fn)(const struct ward_container *c, void *arg), void *arg);

#endif
