// SPDX-License-Identifier: Apache-2.0
/*
 * Container drift (see drift.h): finds container processes by cgroup, reads the overlay
 * layers of their root mount and walks the upper layer. Never follows a symlink in either
 * layer (fstatat AT_SYMLINK_NOFOLLOW, openat O_NOFOLLOW), so a container cannot point the
 * walk at host files.
 */
#include "fim/drift.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "events/container.h"
#include "fim/report.h"

#define LOWERS_MAX 128

struct target {
	int pid;
	char id[WARD_CONTAINER_ID_MAX + 1];
	char runtime[16];
};

struct walk {
	const struct ward_fim_drift_opts *o;
	struct ward_fim_drift_summary *sum;
	char *lowers[LOWERS_MAX];
	size_t lowers_cnt;
	struct ward_buf b;
	size_t findings;
	char rel[WARD_FIM_PATH_MAX + 1];
	char tmp[2 * WARD_FIM_PATH_MAX + 2];
};

static int read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct ward_buf b;
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	ward_buf_init(&b, max);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		err = ward_buf_append(&b, chunk, (size_t)r);
		if (err)
			break;
	}
	close(fd);
	if (err) {
		ward_buf_free(&b);
		return err;
	}
	*out = b.data ? b.data : ward_xstrdup("");
	*len = b.len;
	return 0;
}

/* lstat of rel in the first lower layer that has it; a whiteout there hides it. */
static bool lower_lookup(struct walk *w, struct stat *st, char *found, size_t cap)
{
	for (size_t i = 0; i < w->lowers_cnt; i++) {
		int n = snprintf(found, cap, "%s%s", w->lowers[i], w->rel);

		if (n < 0 || (size_t)n >= cap)
			return false;
		if (fstatat(AT_FDCWD, found, st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0))
				return false;
			return true;
		}
	}
	return false;
}

static bool looks_executable(int dfd, const char *name, const struct stat *st)
{
	unsigned char magic[4] = { 0 };
	int fd;
	bool exe = (st->st_mode & 0111) != 0;

	if (!S_ISREG(st->st_mode))
		return false;
	if (exe)
		return true;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, magic, 4) == 4 && memcmp(magic, "\x7f" "ELF", 4) == 0)
		exe = true;
	close(fd);
	return exe;
}

/* Content equality of two regular files of equal size, streamed. */
static int same_content(int dfd, const char *name, const char *other)
{
	char a[65536], bb[65536];
	int fa = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int fb = open(other, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int res = -EIO;

	if (fa < 0 || fb < 0)
		goto out;
	for (;;) {
		ssize_t ra = read(fa, a, sizeof(a)), rb;
		if (ra < 0)
			goto out;
		size_t got = 0;
		while (got < (size_t)ra) {
			rb = read(fb, bb + got, (size_t)ra - got);
			if (rb <= 0)
				break;
			got += (size_t)rb;
		}
		if (got != (size_t)ra || memcmp(a, bb, got) != 0) {
			res = 0;
			goto out;
		}
		if (ra == 0) {
			res = 1;
			goto out;
		}
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return res;
}

static void finding(struct walk *w, const char *kind, const struct stat *st, const char *what,
		    bool exe)
{
	struct ward_buf *b = &w->b;

	ward_buf_reset(b);
	if (w->o->is_json) {
		struct ward_jw j;

		if (w->findings)
			ward_buf_putc(b, ',');
		ward_jw_init(&j, b);
		ward_jw_obj_begin(&j);
		ward_jw_kstr(&j, "kind", kind);
		ward_jw_key(&j, "path");
		ward_jw_strn(&j, w->rel, strlen(w->rel));
		ward_jw_kstr(&j, "type", S_ISDIR(st->st_mode) ? "directory" : S_ISLNK(st->st_mode) ?
			     "symlink" : S_ISREG(st->st_mode) ? "file" : "other");
		if (what)
			ward_jw_kstr(&j, "changed", what);
		ward_jw_kbool(&j, "new_executable", exe);
		ward_jw_obj_end(&j);
	} else {
		ward_buf_printf(b, "  %-8s ", kind);
		ward_fim_text_escape(b, w->rel, strlen(w->rel));
		if (what)
			ward_buf_printf(b, "  [%s]", what);
		if (exe)
			ward_buf_puts(b, "  NEW EXECUTABLE");
		ward_buf_putc(b, '\n');
	}
	fwrite(b->data, 1, b->len, w->o->out);
	w->findings++;
	if (exe)
		w->sum->executables++;
}

static int walk_dir(struct walk *w, int dfd, size_t rel_len, int depth);

static void visit(struct walk *w, int dfd, const char *name, size_t rel_len, int depth)
{
	struct stat st, lst;
	char *found = w->tmp;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return; /* gone meanwhile */
	bool in_lower = lower_lookup(w, &lst, found, sizeof(w->tmp));

	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		if (in_lower) {
			w->sum->deleted++;
			finding(w, "deleted", &lst, NULL, false);
		}
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		char v[8];
		char path[64];
		ssize_t n;
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0) {
			w->sum->errors++;
			return;
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = getxattr(path, "trusted.overlay.opaque", v, sizeof(v));
		if (!in_lower) {
			w->sum->added++;
			finding(w, "added", &st, NULL, false);
		} else if (n == 1 && v[0] == 'y') {
			w->sum->changed++;
			finding(w, "changed", &st, "replaced (opaque directory)", false);
		}
		walk_dir(w, fd, rel_len, depth + 1); /* closes fd */
		return;
	}
	bool exe = looks_executable(dfd, name, &st);

	if (!in_lower) {
		w->sum->added++;
		finding(w, "added", &st, NULL, exe);
		return;
	}
	char what[128] = "";
	bool content = false;

	if ((st.st_mode & S_IFMT) != (lst.st_mode & S_IFMT)) {
		snprintf(what, sizeof(what), "type");
		content = true;
	} else {
		if (S_ISREG(st.st_mode) &&
		    (st.st_size != lst.st_size || same_content(dfd, name, found) != 1))
			content = true;
		if (S_ISLNK(st.st_mode)) {
			char a[WARD_FIM_LINK_MAX + 1], c[WARD_FIM_LINK_MAX + 1];
			ssize_t na = readlinkat(dfd, name, a, sizeof(a));
			ssize_t nc = readlink(found, c, sizeof(c));
			if (na != nc || (na > 0 && memcmp(a, c, (size_t)na) != 0))
				content = true;
		}
		snprintf(what, sizeof(what), "%s%s%s%s", content ? "content," : "",
			 (st.st_mode & 07777) != (lst.st_mode & 07777) ? "mode," : "",
			 st.st_uid != lst.st_uid || st.st_gid != lst.st_gid ? "owner," : "",
			 st.st_mtim.tv_sec != lst.st_mtim.tv_sec ||
				 st.st_mtim.tv_nsec != lst.st_mtim.tv_nsec ? "mtime," : "");
		size_t l = strlen(what);
		if (l)
			what[l - 1] = '\0';
		else
			snprintf(what, sizeof(what), "copied up");
	}
	bool new_exe = exe && (content || !(lst.st_mode & 0111));
	w->sum->changed++;
	finding(w, "changed", &st, what, new_exe);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks directory fd (takes ownership) whose relative path is w->rel[0..rel_len). */
static int walk_dir(struct walk *w, int fd, size_t rel_len, int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t cnt = 0, cap = 0;

	if (depth > WARD_FIM_DEPTH_MAX) {
		close(fd);
		w->sum->errors++;
		return -WARD_E_LIMIT;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		w->sum->errors++;
		return -errno;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (cnt >= WARD_FIM_DIR_ENTRIES_MAX)
			break;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			names = ward_xreallocarray(names, cap, sizeof(char *));
		}
		names[cnt++] = ward_xstrdup(de->d_name);
	}
	if (cnt)
		qsort(names, cnt, sizeof(char *), name_cmp);
	for (size_t i = 0; i < cnt; i++) {
		size_t nl = strlen(names[i]);

		if (rel_len + 1 + nl <= WARD_FIM_PATH_MAX) {
			w->rel[rel_len] = '/';
			memcpy(w->rel + rel_len + 1, names[i], nl + 1);
			visit(w, dirfd(d), names[i], rel_len + 1 + nl, depth);
			w->rel[rel_len] = '\0';
		} else {
			w->sum->errors++;
		}
		free(names[i]);
	}
	free(names);
	closedir(d);
	return 0;
}

static int drift_one(const struct ward_fim_drift_opts *o, const struct target *t,
		     struct ward_fim_drift_summary *sum, struct ward_diag *diag, bool first)
{
	char path[128], fstype[64];
	char *mi = NULL, *upper = ward_xmalloc(WARD_FIM_PATH_MAX + 1);
	char *lower = ward_xmalloc(LOWERS_MAX * (WARD_FIM_PATH_MAX + 1));
	size_t len;
	struct walk *w = ward_xcalloc(1, sizeof(*w));
	int err;

	snprintf(path, sizeof(path), "%s/%d/mountinfo", o->proc_root ? o->proc_root : "/proc",
		 t->pid);
	err = read_file(path, WARD_FIM_MOUNTINFO_MAX, &mi, &len);
	if (err) {
		err = ward_diag_set(diag, err, path, 0, 0, "cannot read: %s", ward_strerror(err));
		goto out;
	}
	err = ward_fim_mountinfo_root_overlay(mi, len, upper, WARD_FIM_PATH_MAX + 1, lower,
					      LOWERS_MAX * (WARD_FIM_PATH_MAX + 1), fstype,
					      sizeof(fstype));
	if (err) {
		err = ward_diag_set(diag, err, path, 0, 0,
				    err == -WARD_E_UNSUPPORTED ?
				    "root of pid %d is not a writable overlay (fstype '%s'); drift needs an overlay root" :
				    "root mount of pid %d not understood (%s)",
				    t->pid, err == -WARD_E_UNSUPPORTED ? fstype : ward_strerror(err));
		goto out;
	}
	w->o = o;
	w->sum = sum;
	ward_buf_init(&w->b, 1u << 20);
	for (char *p = lower, *c; p && *p && w->lowers_cnt < LOWERS_MAX; p = c ? c + 1 : NULL) {
		c = strchr(p, ':');
		if (c)
			*c = '\0';
		w->lowers[w->lowers_cnt++] = p;
	}
	int ufd = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ufd < 0) {
		err = ward_diag_set(diag, -errno, upper, 0, 0, "cannot open upper layer: %s",
				    strerror(errno));
		ward_buf_free(&w->b);
		goto out;
	}
	sum->containers++;
	if (o->is_json) {
		struct ward_jw j;

		ward_buf_reset(&w->b);
		ward_buf_puts(&w->b, first ? "\n" : ",\n");
		ward_jw_init(&j, &w->b);
		ward_jw_obj_begin(&j);
		ward_jw_kstr(&j, "id", t->id);
		ward_jw_kstr(&j, "runtime", t->runtime);
		ward_jw_kint(&j, "pid", t->pid);
		ward_jw_kstr(&j, "upperdir", upper);
		ward_jw_key(&j, "findings");
		fwrite(w->b.data, 1, w->b.len, o->out);
		fputc('[', o->out);
	} else {
		fprintf(o->out, "container %s (%s) pid %d, upper layer ", t->id[0] ? t->id : "-",
			t->runtime, t->pid);
		ward_buf_reset(&w->b);
		ward_fim_text_escape(&w->b, upper, strlen(upper));
		fprintf(o->out, "%s:\n", w->b.data);
	}
	w->rel[0] = '\0';
	walk_dir(w, ufd, 0, 0);
	if (o->is_json)
		fputs("]}", o->out);
	else if (!w->findings)
		fputs("  no drift\n", o->out);
	ward_buf_free(&w->b);
	err = 0;
out:
	free(mi);
	free(upper);
	free(lower);
	free(w);
	return err;
}

/* Containers by cgroup: one process each (the lowest pid seen). */
static int find_targets(const struct ward_fim_drift_opts *o, struct target **out, size_t *cnt)
{
	const char *proc = o->proc_root ? o->proc_root : "/proc";
	DIR *d = opendir(proc);
	struct dirent *de;
	struct target *t = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		char *end, path[128], buf[8192];
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%ld/cgroup", proc, pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			size_t ll = nl ? (size_t)(nl - line) : strlen(line);
			char *c1 = memchr(line, ':', ll);
			char *c2 = c1 ? memchr(c1 + 1, ':', ll - (size_t)(c1 + 1 - line)) : NULL;
			struct ward_cgroup_info ci;

			if (!c2 || ward_cgroup_parse(c2 + 1, ll - (size_t)(c2 + 1 - line), &ci) != 1)
				continue;
			if (o->container && strncmp(ci.id, o->container, strlen(o->container)) != 0)
				break;
			size_t k;
			for (k = 0; k < n && strcmp(t[k].id, ci.id) != 0; k++)
				;
			if (k == n) {
				if (n >= WARD_CONTAINER_TABLE_MAX)
					break;
				if (n == cap) {
					cap = cap ? cap * 2 : 16;
					t = ward_xreallocarray(t, cap, sizeof(*t));
				}
				t[n].pid = (int)pid;
				snprintf(t[n].id, sizeof(t[n].id), "%s", ci.id);
				snprintf(t[n].runtime, sizeof(t[n].runtime), "%s",
					 ward_runtime_name(ci.runtime));
				n++;
			} else if (pid < t[k].pid) {
				t[k].pid = (int)pid;
			}
			break;
		}
	}
	closedir(d);
	*out = t;
	*cnt = n;
	return 0;
}

int ward_fim_drift(const struct ward_fim_drift_opts *o, struct ward_fim_drift_summary *sum,
		   struct ward_diag *diag)
{
	struct target *t = NULL, one = { 0 };
	size_t cnt = 0;
	int err = 0;

	memset(sum, 0, sizeof(*sum));
	if (o->container && strlen(o->container) < 3)
		return ward_diag_set(diag, -EINVAL, "", 0, 0,
				     "--container wants at least 3 characters of the id");
	if (o->pid) {
		one.pid = o->pid;
		snprintf(one.runtime, sizeof(one.runtime), "process");
		t = &one;
		cnt = 1;
	} else {
		err = find_targets(o, &t, &cnt);
		if (err)
			return ward_diag_set(diag, err, "/proc", 0, 0, "cannot list processes");
		if (!cnt && o->container) {
			free(t);
			return ward_diag_set(diag, -WARD_E_NOTFOUND, "", 0, 0,
					     "no running container with id '%s'", o->container);
		}
	}
	if (o->is_json)
		fputs("{\"containers\":[", o->out);
	for (size_t i = 0; i < cnt; i++) {
		struct ward_diag d1 = { 0 };
		char msg[1024];
		int e = drift_one(o, &t[i], sum, &d1, i == 0 || sum->containers == 0);

		if (e) {
			sum->errors++;
			if (cnt == 1 || o->container) {
				err = e;
				if (diag)
					*diag = d1;
			} else {
				fprintf(stderr, "ward fim drift: %s: %s\n", t[i].id,
					ward_diag_format(&d1, msg, sizeof(msg)));
			}
		}
	}
	if (o->is_json)
		fprintf(o->out, "\n],\"summary\":{\"containers\":%llu,\"added\":%llu,\"changed\":%llu,"
			"\"deleted\":%llu,\"new_executables\":%llu,\"errors\":%llu}}\n",
			(unsigned long long)sum->containers, (unsigned long long)sum->added,
			(unsigned long long)sum->changed, (unsigned long long)sum->deleted,
			(unsigned long long)sum->executables, (unsigned long long)sum->errors);
	else if (!cnt)
		fputs("no running containers\n", o->out);
	if (t != &one)
		free(t);
	return err;
}
