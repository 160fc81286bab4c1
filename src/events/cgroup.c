// SPDX-License-Identifier: Apache-2.0
/*
 * Cgroup path → container runtime, container id and Kubernetes pod. One pass over the path
 * components, no allocation, bounded by WARD_CGROUP_PATH_MAX. It only reads the path; it does
 * not look at /proc, the filesystem or any runtime API (container.c adds names and images).
 *
 * Rules (docs/containers.md has the full table):
 *  - a component with a runtime marker names a container: docker-<64hex>.scope,
 *    cri-containerd-<64hex>[.scope], crio-<64hex>[.scope], libpod-<64hex>[.scope];
 *    conmon scopes (libpod-conmon-*, crio-conmon-*) do not;
 *  - a bare <64hex> component names a container: Docker when its parent is "docker",
 *    KUBEPODS (runtime unknown) under a kubepods hierarchy, plain runc otherwise;
 *  - containerd's ctr puts tasks at /<namespace>/<id>: exactly two components whose first is
 *    one of containerd's well-known namespaces (default, k8s.io, moby, buildkit) and whose
 *    second is a valid containerd id. Other namespaces look like any host cgroup, so they are
 *    only recognized when the id is 64 hex (and then reported as runc: the path cannot say);
 *  - the last container component wins, so nested containers (Docker in Docker) name the
 *    inner one and sub-cgroups a runtime makes inside a container (init.scope) are ignored;
 *  - the pod UID comes from pod<uid> (cgroupfs) or kubepods-[<qos>-]pod<uid>.slice (systemd,
 *    underscores turned back into dashes); QoS from the level under kubepods, a pod directly
 *    under kubepods is "guaranteed".
 */
#include <errno.h>
#include <string.h>

#include "common/err.h"
#include "common/limits.h"
#include "events/container.h"

struct span {
	const char *p;
	size_t n;
};

static bool span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static bool span_prefix(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static bool span_suffix(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

static struct span span_cut(struct span s, size_t head, size_t tail)
{
	struct span r = { s.p + head, s.n - head - tail };

	return r;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_hex64(struct span s)
{
	if (s.n != 64)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (!is_hex(s.p[i]))
			return false;
	return true;
}

/* containerd ids: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 76 bytes; ours hold 64. */
static bool is_ctr_id(struct span s)
{
	if (s.n == 0 || s.n > WARD_CONTAINER_ID_MAX)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			     (c >= 'A' && c <= 'Z');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

/*
 * A pod UID: a UUID (8-4-4-4-12, dashes or, in systemd slice names, underscores) or the 32-hex
 * hash kubelet gives static pods. Written to out with dashes.
 */
static bool parse_pod_uid(struct span s, char out[37])
{
	if (s.n == 32) {
		for (size_t i = 0; i < 32; i++)
			if (!is_hex(s.p[i]))
				return false;
		memcpy(out, s.p, 32);
		out[32] = '\0';
		return true;
	}
	if (s.n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		char c = s.p[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-' && c != '_')
				return false;
			out[i] = '-';
		} else if (is_hex(c)) {
			out[i] = c;
		} else {
			return false;
		}
	}
	out[36] = '\0';
	return true;
}

static void set_str(char *dst, size_t cap, struct span s)
{
	size_t n = s.n < cap - 1 ? s.n : cap - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

static bool is_qos(struct span s)
{
	return span_eq(s, "besteffort") || span_eq(s, "burstable");
}

/* Kubernetes levels; returns true when c is one of them (and records what it says). */
static bool kube_component(struct span c, struct span prev, bool *in_kube,
			   struct ward_cgroup_info *ci)
{
	if (span_eq(c, "kubepods") || span_eq(c, "kubepods.slice")) {
		*in_kube = true;
		return true;
	}
	if (span_prefix(c, "kubepods-") && span_suffix(c, ".slice"))
		*in_kube = true;
	if (!*in_kube)
		return false;
	/* cgroupfs: /kubepods/<qos>/pod<uid> or /kubepods/pod<uid> */
	if (is_qos(c) && span_eq(prev, "kubepods")) {
		set_str(ci->qos, sizeof(ci->qos), c);
		return true;
	}
	if (span_prefix(c, "pod") && parse_pod_uid(span_cut(c, 3, 0), ci->pod_uid)) {
		if (!ci->qos[0])
			set_str(ci->qos, sizeof(ci->qos), (struct span){ "guaranteed", 10 });
		return true;
	}
	/* systemd: kubepods-<qos>.slice, kubepods-[<qos>-]pod<uid>.slice */
	if (span_prefix(c, "kubepods-") && span_suffix(c, ".slice")) {
		struct span r = span_cut(c, 9, 6);

		for (size_t i = 0; i < 2; i++) {
			const char *q = i == 0 ? "besteffort" : "burstable";
			size_t qn = strlen(q);

			if (span_eq(r, q)) {
				set_str(ci->qos, sizeof(ci->qos), r);
				return true;
			}
			if (span_prefix(r, q) && r.n > qn && r.p[qn] == '-') {
				set_str(ci->qos, sizeof(ci->qos), (struct span){ q, qn });
				r = span_cut(r, qn + 1, 0);
				break;
			}
		}
		if (span_prefix(r, "pod") && parse_pod_uid(span_cut(r, 3, 0), ci->pod_uid)) {
			if (!ci->qos[0])
				set_str(ci->qos, sizeof(ci->qos), (struct span){ "guaranteed", 10 });
			return true;
		}
	}
	return false;
}

/* Runtime marker components: "<prefix><64hex>" with an optional ".scope". */
static enum ward_runtime marker_component(struct span c, struct span *id)
{
	static const struct {
		const char *prefix;
		enum ward_runtime rt;
	} markers[] = {
		{ "docker-", WARD_RT_DOCKER },
		{ "cri-containerd-", WARD_RT_CONTAINERD },
		{ "crio-", WARD_RT_CRIO },
		{ "libpod-", WARD_RT_PODMAN },
	};
	struct span s = c;

	if (span_suffix(s, ".scope"))
		s = span_cut(s, 0, 6);
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		size_t pn = strlen(markers[i].prefix);

		/* conmon scopes (libpod-conmon-<id>, crio-conmon-<id>) fail the hex check */
		if (span_prefix(s, markers[i].prefix) && is_hex64(span_cut(s, pn, 0))) {
			*id = span_cut(s, pn, 0);
			return markers[i].rt;
		}
	}
	return WARD_RT_HOST;
}

static bool is_ctr_namespace(struct span s)
{
	return span_eq(s, "default") || span_eq(s, "k8s.io") || span_eq(s, "moby") ||
	       span_eq(s, "buildkit");
}

int ward_cgroup_parse(const char *path, size_t len, struct ward_cgroup_info *out)
{
	struct ward_cgroup_info ci;
	struct span comp[2] = { { "", 0 }, { "", 0 } }; /* the first two components */
	struct span prev = { "", 0 };
	size_t ncomp = 0, i = 0;
	bool in_kube = false, found = false;

	if (!path || !out)
		return -EINVAL;
	if (len == 0 || len > WARD_CGROUP_PATH_MAX || memchr(path, '\0', len))
		return -EINVAL;
	/* "/proc/<pid>/cgroup" lines and kernel paths are absolute; anything else is not a
	 * cgroup path we know how to read. */
	if (path[0] != '/')
		return -WARD_E_SYNTAX;
	memset(&ci, 0, sizeof(ci));

	while (i < len) {
		struct span c, id;
		enum ward_runtime rt;
		size_t j = i;

		while (j < len && path[j] != '/')
			j++;
		c.p = path + i;
		c.n = j - i;
		i = j + 1;
		/* empty, "." and ".." components (cgroup namespaces print "/../..") carry nothing */
		if (c.n == 0 || span_eq(c, ".") || span_eq(c, ".."))
			continue;
		if (ncomp < 2)
			comp[ncomp] = c;
		ncomp++;

		if (kube_component(c, prev, &in_kube, &ci)) {
			prev = c;
			continue;
		}
		rt = marker_component(c, &id);
		if (rt == WARD_RT_HOST && is_hex64(c)) {
			id = c;
			if (span_eq(prev, "docker"))
				rt = WARD_RT_DOCKER;
			else if (in_kube)
				rt = WARD_RT_KUBEPODS;
			else
				rt = WARD_RT_RUNC;
		}
		if (rt != WARD_RT_HOST) {
			ci.runtime = rt;
			set_str(ci.id, sizeof(ci.id), id);
			found = true;
		}
		prev = c;
	}

	if (ncomp == 2 && is_ctr_namespace(comp[0]) && is_ctr_id(comp[1])) {
		ci.runtime = WARD_RT_CONTAINERD;
		set_str(ci.id, sizeof(ci.id), comp[1]);
		found = true;
	}
	if (!found) {
		/* a pod-level cgroup (no container below it) is still reported as not a container,
		 * but the caller gets the pod UID and QoS it found */
		ci.runtime = WARD_RT_HOST;
		ci.id[0] = '\0';
	}
	*out = ci;
	return found ? 1 : 0;
}

const char *ward_runtime_name(enum ward_runtime rt)
{
	switch (rt) {
	case WARD_RT_HOST: return "host";
	case WARD_RT_DOCKER: return "docker";
	case WARD_RT_CONTAINERD: return "containerd";
	case WARD_RT_CRIO: return "cri-o";
	case WARD_RT_PODMAN: return "podman";
	case WARD_RT_RUNC: return "runc";
	case WARD_RT_KUBEPODS: return "kubepods";
	}
	return "unknown";
}
