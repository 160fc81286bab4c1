// SPDX-License-Identifier: Apache-2.0
/*
 * Network quarantine of a cgroup with bpf/quarantine.bpf.c: load one object per cgroup with
 * its allowlist, attach its four programs to the cgroup's v2 directory through bpf_links and
 * pin the links under /sys/fs/bpf/ward/quarantine/<cgroup-id>/. The pins keep the programs
 * attached after ward exits; release unpins them, which detaches. Not process-level: every
 * socket of the cgroup is affected, and nothing outside it.
 */
#include "respond/respond.h"

#include "common/limits.h"

#include <stdint.h>

/* must match struct quar_allow in bpf/quarantine.bpf.c */
struct quar_allow {
	uint32_t addr[4];
	uint32_t mask[4];
	uint16_t port;
	uint8_t is_v6;
	uint8_t pad;
};
_Static_assert(sizeof(struct quar_allow) == 36, "quar_allow layout");

#include "quarantine.skel.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define BPF_FS_MAGIC_ 0xcafe4a11
#define BPF_FS_ROOT "/sys/fs/bpf"


static const char *const prog_names[] = { "connect4", "connect6", "egress", "ingress" };

int ward_allow_parse(const char *s, struct ward_allow *out)
{
	struct ward_allow a = { 0 };
	char host[128];
	const char *p = s, *end, *port = NULL;
	char *e;
	long v;
	size_t hl;
	int max_len;

	if (!s || !*s || strlen(s) >= sizeof(host))
		return -EINVAL;
	if (*p == '[') { /* [v6]/len:port */
		end = strchr(p, ']');
		if (!end)
			return -EINVAL;
		hl = (size_t)(end - p - 1);
		memcpy(host, p + 1, hl);
		host[hl] = '\0';
		p = end + 1;
	} else {
		const char *colon = strchr(p, ':');

		/* more than one ':' without brackets is a bare IPv6 address without a port */
		if (colon && strchr(colon + 1, ':'))
			end = p + strlen(p);
		else
			end = colon ? colon : p + strlen(p);
		hl = (size_t)(end - p);
		memcpy(host, p, hl);
		host[hl] = '\0';
		p = end;
	}
	/* a "/len" may sit inside host (v4, bare v6) or right after ']' */
	char *slash = strchr(host, '/');
	const char *len_str = NULL;
	if (slash) {
		*slash = '\0';
		len_str = slash + 1;
	} else if (*p == '/') {
		len_str = p + 1;
		p = strchr(p, ':');
		if (!p)
			p = "";
	}
	if (*p == ':')
		port = p + 1;
	else if (*p)
		return -EINVAL;
	if (inet_pton(AF_INET, host, a.addr) == 1) {
		a.family = AF_INET;
		max_len = 32;
	} else if (inet_pton(AF_INET6, host, a.addr) == 1) {
		a.family = AF_INET6;
		max_len = 128;
	} else {
		return -EINVAL;
	}
	a.prefix_len = (uint8_t)max_len;
	if (len_str) {
		errno = 0;
		v = strtol(len_str, &e, 10);
		if (e == len_str || errno || v < 0 || v > max_len || (*e && *e != ':'))
			return -EINVAL;
		a.prefix_len = (uint8_t)v;
	}
	if (port) {
		errno = 0;
		v = strtol(port, &e, 10);
		if (e == port || *e || errno || v < 1 || v > 65535)
			return -EINVAL;
		a.port = (uint16_t)v;
	}
	*out = a;
	return 0;
}

static void to_rule(const struct ward_allow *a, struct quar_allow *r)
{
	uint8_t mask[16] = { 0 };
	int bits = a->prefix_len;

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 16 && bits > 0; i++, bits -= 8)
		mask[i] = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
	if (a->family == AF_INET) {
		memcpy(&r->mask[3], mask, 4);
		memcpy(&r->addr[3], a->addr, 4);
		r->addr[3] &= r->mask[3];
	} else {
		memcpy(r->mask, mask, 16);
		memcpy(r->addr, a->addr, 16);
		for (int i = 0; i < 4; i++)
			r->addr[i] &= r->mask[i];
		r->is_v6 = 1;
	}
	r->port = a->port;
}

static int ensure_bpffs(void)
{
	struct statfs sfs;

	if (statfs(BPF_FS_ROOT, &sfs) == 0 && (unsigned long)sfs.f_type == BPF_FS_MAGIC_)
		return 0;
	if (mount("bpf", BPF_FS_ROOT, "bpf", 0, "mode=0700") < 0)
		return -errno;
	return 0;
}

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) < 0)
		return -errno;
	return 0;
}

static int pin_dir(const struct ward_target *t, char *out, size_t out_len)
{
	if (!t->cgroup_id || !ward_cgroup_v2_is_child(t->cg_v2))
		return -WARD_E_UNSUPPORTED;
	if (snprintf(out, out_len, "%s/%llu", WARD_QUARANTINE_PIN_ROOT,
		     (unsigned long long)t->cgroup_id) >= (int)out_len)
		return -ENAMETOOLONG;
	return 0;
}

static int unpin_all(const char *dir)
{
	char path[PATH_MAX + 64];
	int err = 0;

	for (size_t i = 0; i < sizeof(prog_names) / sizeof(prog_names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, prog_names[i]);
		if (unlink(path) < 0 && errno != ENOENT && !err)
			err = -errno;
	}
	snprintf(path, sizeof(path), "%s/stats", dir);
	if (unlink(path) < 0 && errno != ENOENT && !err)
		err = -errno;
	if (rmdir(dir) < 0 && !err)
		err = -errno;
	return err;
}

int ward_quarantine_active(const struct ward_target *t)
{
	char dir[PATH_MAX];
	struct stat st;

	if (pin_dir(t, dir, sizeof(dir)))
		return 0;
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int ward_quarantine(const struct ward_target *t, const struct ward_allow *allow, size_t allow_cnt)
{
	struct ward_quarantine *skel = NULL;
	struct bpf_program *progs[4];
	struct bpf_link *links[4] = { 0 };
	char dir[PATH_MAX], path[PATH_MAX + 64];
	bool dir_made = false;
	int cgfd = -1, err;

	if (allow_cnt > WARD_QUARANTINE_MAX_ALLOW)
		return -WARD_E_LIMIT;
	err = pin_dir(t, dir, sizeof(dir));
	if (err)
		return err;
	err = ensure_bpffs();
	if (err)
		return err;
	cgfd = open(t->cg_v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return -errno;
	err = mkdir_p(dir);
	if (err)
		goto out; /* -EEXIST: already quarantined */
	dir_made = true;
	skel = ward_quarantine__open();
	if (!skel) {
		err = -errno ? -errno : -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < allow_cnt; i++)
		to_rule(&allow[i], &skel->rodata->allow[i]);
	skel->rodata->allow_cnt = (uint32_t)allow_cnt;
	err = ward_quarantine__load(skel);
	if (err)
		goto out;
	progs[0] = skel->progs.connect4;
	progs[1] = skel->progs.connect6;
	progs[2] = skel->progs.egress;
	progs[3] = skel->progs.ingress;
	/* Link-based cgroup attachment always composes (multi-attach) with other programs on
	 * the same cgroup and its ancestors: every program must allow for traffic to pass. */
	for (int i = 0; i < 4; i++) {
		links[i] = bpf_program__attach_cgroup(progs[i], cgfd);
		if (!links[i]) {
			err = -errno;
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, prog_names[i]);
		err = bpf_link__pin(links[i], path);
		if (err)
			goto out;
	}
	snprintf(path, sizeof(path), "%s/stats", dir);
	err = bpf_map__pin(skel->maps.quar_stats, path);
out:
	if (err && dir_made)
		unpin_all(dir); /* undo a half-made quarantine */
	for (int i = 0; i < 4; i++)
		bpf_link__destroy(links[i]); /* closes our fd; the pin keeps it attached */
	ward_quarantine__destroy(skel);
	if (cgfd >= 0)
		close(cgfd);
	return err;
}

int ward_release(const struct ward_target *t)
{
	char dir[PATH_MAX];
	struct stat st;
	int err;

	err = pin_dir(t, dir, sizeof(dir));
	if (err)
		return err;
	if (stat(dir, &st) < 0)
		return -errno;
	return unpin_all(dir);
}
