// SPDX-License-Identifier: Apache-2.0
/*
 * Resolving what an action is aimed at: a live process (its start time, to detect pid reuse,
 * and its cgroup directories) or a container (found by walking the v2 and v1-freezer cgroup
 * trees and asking ward_cgroup_parse() which directories name it). Not a container table:
 * nothing is cached, because an action must see the system as it is now.
 */
#include "respond/respond.h"

#include "common/limits.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define CANDIDATES_MAX 8

static const char *v2_root = "";
static pthread_once_t v2_once = PTHREAD_ONCE_INIT;

static void probe_v2_root(void)
{
	struct statfs sfs;

	/* hybrid hosts mount v2 at unified/; pure v2 hosts at /sys/fs/cgroup itself */
	if (statfs("/sys/fs/cgroup/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		v2_root = "/sys/fs/cgroup/unified";
	else if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		v2_root = "/sys/fs/cgroup";
}

const char *ward_cgroup_v2_root(void)
{
	pthread_once(&v2_once, probe_v2_root);
	return v2_root;
}

bool ward_cgroup_v2_is_child(const char *dir)
{
	const char *root = ward_cgroup_v2_root();
	size_t l = strlen(root);

	return root[0] && strncmp(dir, root, l) == 0 && dir[l] == '/' && dir[l + 1];
}

static void set_cgroup_id(struct ward_target *t)
{
	struct stat st;

	t->cgroup_id = 0;
	if (t->cg_v2[0] && stat(t->cg_v2, &st) == 0)
		t->cgroup_id = (uint64_t)st.st_ino;
}

static int join_dir(char *out, size_t out_len, const char *root, const char *rel)
{
	int n;

	if (strcmp(rel, "/") == 0)
		rel = "";
	n = snprintf(out, out_len, "%s%s", root, rel);
	return n < 0 || (size_t)n >= out_len ? -ENAMETOOLONG : 0;
}

static bool has_controller(const char *list, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = list, *end = list + len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t l = comma ? (size_t)(comma - p) : (size_t)(end - p);

		if (l == nlen && memcmp(p, name, nlen) == 0)
			return true;
		p += l + 1;
	}
	return false;
}

int ward_target_from_pid(pid_t pid, struct ward_target *out)
{
	struct ward_target t = { .kind = WARD_TARGET_PID, .pid = pid };
	struct ward_proc_stat st;
	struct ward_cgroup_info ci;
	struct ward_buf b;
	char path[64], *line, *nl;
	int err;

	err = ward_proc_stat_read(pid, &st);
	if (err)
		return err;
	t.pid_start = st.start;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	ward_buf_init(&b, 64u << 10);
	err = ward_read_file(path, &b);
	if (err < 0) {
		err = err == -ENOENT ? -ESRCH : err;
		goto out;
	}
	err = 0;
	for (line = b.data; line < b.data + b.len; line = nl + 1) {
		char *c1, *c2;

		nl = memchr(line, '\n', (size_t)(b.data + b.len - line));
		if (!nl)
			nl = b.data + b.len;
		*nl = '\0';
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		const char *cg = c2 + 1;
		if (c1 == line + 1 && line[0] == '0' && c2 == c1 + 1) {
			if (ward_cgroup_v2_root()[0] &&
			    join_dir(t.cg_v2, sizeof(t.cg_v2), ward_cgroup_v2_root(), cg))
				t.cg_v2[0] = '\0';
			if (ward_cgroup_parse(cg, strlen(cg), &ci) == 1)
				snprintf(t.id, sizeof(t.id), "%s", ci.id);
		} else if (has_controller(c1 + 1, (size_t)(c2 - c1 - 1), "freezer")) {
			if (join_dir(t.cg_freezer, sizeof(t.cg_freezer), WARD_CGROUP_ROOT_FREEZER, cg))
				t.cg_freezer[0] = '\0';
			if (!t.id[0] && ward_cgroup_parse(cg, strlen(cg), &ci) == 1)
				snprintf(t.id, sizeof(t.id), "%s", ci.id);
		}
	}
	set_cgroup_id(&t);
	*out = t;
out:
	ward_buf_free(&b);
	return err;
}

struct cg_search {
	const char *prefix;
	size_t prefix_len;
	char ids[CANDIDATES_MAX][WARD_CONTAINER_ID_MAX + 1];
	size_t ids_cnt;
	bool overflow;
	char *dir_out;          /* best dir for the first id, per tree */
	size_t dir_out_len;
	int best_depth;
};

/* Depth-first walk of one cgroup tree; rel is the cgroup path of dir ("" for the root). */
static void search_tree(struct cg_search *s, const char *root, char *rel, size_t rel_len,
			int depth)
{
	struct ward_cgroup_info ci;
	char dirpath[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (depth > WARD_RESPOND_CGROUP_DEPTH)
		return;
	if (rel_len && ward_cgroup_parse(rel, rel_len, &ci) == 1 &&
	    strncmp(ci.id, s->prefix, s->prefix_len) == 0) {
		size_t i;

		for (i = 0; i < s->ids_cnt; i++)
			if (strcmp(s->ids[i], ci.id) == 0)
				break;
		if (i == s->ids_cnt) {
			if (s->ids_cnt < CANDIDATES_MAX)
				snprintf(s->ids[s->ids_cnt++], sizeof(s->ids[0]), "%s", ci.id);
			else
				s->overflow = true;
		}
		/* the shallowest directory of the first id is the container's own cgroup;
		 * deeper ones are its children */
		if (i == 0 && (s->best_depth < 0 || depth < s->best_depth)) {
			s->best_depth = depth;
			snprintf(s->dir_out, s->dir_out_len, "%s%s", root, rel);
		}
	}
	if (snprintf(dirpath, sizeof(dirpath), "%s%s", root, rel) >= (int)sizeof(dirpath))
		return;
	d = opendir(dirpath);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t nlen;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		nlen = strlen(de->d_name);
		if (rel_len + 1 + nlen >= PATH_MAX - strlen(root) - 1)
			continue;
		rel[rel_len] = '/';
		memcpy(rel + rel_len + 1, de->d_name, nlen + 1);
		search_tree(s, root, rel, rel_len + 1 + nlen, depth + 1);
		rel[rel_len] = '\0';
	}
	closedir(d);
}

static int valid_id(const char *id)
{
	size_t len = strlen(id);

	if (len < 3 || len > WARD_CONTAINER_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '-' && id[i] != '_' && id[i] != '.')
			return 0;
	return 1;
}

int ward_target_from_container(const char *id, struct ward_target *out, struct ward_diag *diag)
{
	struct ward_target t = { .kind = WARD_TARGET_CONTAINER };
	const struct { const char *root; size_t off; } trees[] = {
		{ ward_cgroup_v2_root(), offsetof(struct ward_target, cg_v2) },
		{ WARD_CGROUP_ROOT_FREEZER, offsetof(struct ward_target, cg_freezer) },
	};
	struct cg_search s = { .prefix = id };
	char rel[PATH_MAX];

	if (!valid_id(id))
		return ward_diag_set(diag, -EINVAL, NULL, 0, 0,
				     "container id '%s': expected 3-64 characters of [0-9a-zA-Z_.-]", id);
	s.prefix_len = strlen(id);
	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		if (!trees[i].root[0])
			continue;
		rel[0] = '\0';
		s.dir_out = (char *)&t + trees[i].off;
		s.dir_out_len = PATH_MAX;
		s.best_depth = -1;
		search_tree(&s, trees[i].root, rel, 0, 0);
	}
	if (s.ids_cnt == 0)
		return ward_diag_set(diag, -WARD_E_NOTFOUND, NULL, 0, 0,
				     "no container cgroup matches '%s'", id);
	if (s.ids_cnt > 1) {
		char list[512] = "";
		size_t used = 0;

		for (size_t i = 0; i < s.ids_cnt && used < sizeof(list); i++) {
			int n = snprintf(list + used, sizeof(list) - used, "%s%.12s", i ? ", " : "",
					 s.ids[i]);
			if (n < 0)
				break;
			used += (size_t)n;
		}
		return ward_diag_set(diag, -EEXIST, NULL, 0, 0,
				     "container id '%s' is ambiguous: %s%s", id, list,
				     s.overflow ? ", ..." : "");
	}
	snprintf(t.id, sizeof(t.id), "%s", s.ids[0]);
	set_cgroup_id(&t);
	*out = t;
	return 0;
}

const char *ward_target_describe(const struct ward_target *t, char *out, size_t out_len)
{
	if (t->kind == WARD_TARGET_PID)
		snprintf(out, out_len, "pid %d", (int)t->pid);
	else
		snprintf(out, out_len, "container %.12s", t->id);
	return out;
}

static int read_pids(const char *dir, pid_t *pids, size_t cap)
{
	char path[PATH_MAX + 16], *p, *end;
	struct ward_buf b;
	size_t n = 0;
	int err;

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	ward_buf_init(&b, 1u << 20);
	err = ward_read_file(path, &b);
	if (err <= 0)
		goto out; /* an error, or an empty cgroup */
	for (p = b.data; p < b.data + b.len;) {
		long v;

		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (errno || v <= 0 || v > INT32_MAX) {
			err = -WARD_E_SYNTAX;
			goto out;
		}
		if (n == cap) {
			err = -WARD_E_LIMIT;
			goto out;
		}
		pids[n++] = (pid_t)v;
		p = end;
		while (*p == '\n')
			p++;
	}
	err = (int)n;
out:
	ward_buf_free(&b);
	return err;
}

int ward_target_pids(const struct ward_target *t, pid_t *pids, size_t cap)
{
	if (ward_cgroup_v2_is_child(t->cg_v2))
		return read_pids(t->cg_v2, pids, cap);
	if (t->cg_freezer[0])
		return read_pids(t->cg_freezer, pids, cap);
	return -ENOENT;
}
