// SPDX-License-Identifier: Apache-2.0
/*
 * Forensic collection: everything an investigator wants from a process or container before
 * it is gone, packed into one signed bundle (bundle.h). Per process: cmdline, environ,
 * status, stat, maps, cgroup, mountinfo, open fds, socket tables, a copy of the executable
 * and a bounded dump of its private memory (writable regions first, where injected code
 * and data live). Per container: the engine's inspect JSON when a socket is configured and
 * the files of the overlay writable layer. Plus the caller's recent events.
 *
 * Every size is capped; what could not be read is listed in errors.txt rather than
 * aborting, because partial evidence beats none. Not a live-response shell and not atomic:
 * freeze the workload first for a consistent picture.
 */
#include "respond/bundle.h"
#include "respond/respond.h"

#include "common/jsonw.h"
#include "common/limits.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MEM_CHUNK (1u << 20)
#define UPPER_MAX_DEPTH 32

struct collector {
	struct ward_bundle_writer *w;
	const struct ward_collect_opts *o;
	struct ward_buf errors;
	uint64_t mem_left;
	uint64_t upper_left;
	size_t upper_files;
	size_t skipped;
};

__attribute__((format(printf, 3, 4)))
static void note(struct collector *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ward_buf_vprintf(&c->errors, fmt, ap);
	va_end(ap);
	if (err)
		ward_buf_printf(&c->errors, ": %s", ward_strerror(err));
	ward_buf_putc(&c->errors, '\n');
	c->skipped++;
}

/* A bundle write error is fatal (the archive is broken); a read error is only noted. */
static int add_proc_file(struct collector *c, pid_t pid, const char *file)
{
	char path[128], name[128];
	struct ward_buf b;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	snprintf(name, sizeof(name), "proc/%d/%s", (int)pid, file);
	ward_buf_init(&b, WARD_COLLECT_PROC_FILE_MAX);
	err = ward_read_file(path, &b);
	if (err < 0) {
		note(c, err, "%s", name);
		err = 0;
	} else {
		err = ward_bundle_add(c->w, name, b.data ? b.data : "", b.len);
	}
	ward_buf_free(&b);
	return err;
}

static int add_fds(struct collector *c, pid_t pid)
{
	char dir[64], link[128], target[PATH_MAX], name[64];
	struct ward_buf b;
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int err = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	snprintf(name, sizeof(name), "proc/%d/fds.txt", (int)pid);
	d = opendir(dir);
	if (!d) {
		note(c, -errno, "%s", name);
		return 0;
	}
	ward_buf_init(&b, 4u << 20);
	while ((de = readdir(d)) && !err) {
		ssize_t l;

		if (de->d_name[0] == '.')
			continue;
		if (++n > WARD_COLLECT_MAX_FDS) {
			note(c, -WARD_E_LIMIT, "%s: more than %d fds, rest skipped", name,
			     WARD_COLLECT_MAX_FDS);
			break;
		}
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		l = readlink(link, target, sizeof(target) - 1);
		if (l < 0)
			continue; /* closed meanwhile */
		target[l] = '\0';
		err = ward_buf_printf(&b, "%s -> %s\n", de->d_name, target);
	}
	closedir(d);
	if (err) {
		note(c, err, "%s", name);
		err = 0;
	}
	err = ward_bundle_add(c->w, name, b.data ? b.data : "", b.len);
	ward_buf_free(&b);
	return err;
}

static int add_exe(struct collector *c, pid_t pid)
{
	char path[64], name[64];
	struct stat st;
	uint64_t size;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	snprintf(name, sizeof(name), "proc/%d/exe", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		note(c, -errno, "%s", name);
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		note(c, -EINVAL, "%s: not a regular file", name);
		close(fd);
		return 0;
	}
	size = (uint64_t)st.st_size;
	if (size > c->o->exe_max) {
		note(c, 0, "%s: %" PRIu64 " bytes, copied only the first %" PRIu64 " (respond.collect_exe_mb)",
		     name, size, c->o->exe_max);
		size = c->o->exe_max;
	}
	err = ward_bundle_add_fd(c->w, name, fd, size);
	close(fd);
	return err;
}

struct region {
	uint64_t start, end;
	bool writable;
	char label[96];
};

static int parse_maps(const struct ward_buf *maps, struct region **out, size_t *cnt)
{
	struct region *r = NULL;
	size_t n = 0, cap = 0;
	const char *p = maps->data, *end = maps->data + maps->len;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[512], perms[8] = "", path[400] = "";
		unsigned long long s, e;
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l >= sizeof(line))
			l = sizeof(line) - 1;
		memcpy(line, p, l);
		line[l] = '\0';
		p = nl ? nl + 1 : NULL;
		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %399[^\n]", &s, &e, perms, path) < 3)
			continue;
		/* readable private mappings; [vvar]/[vsyscall] are kernel pages that fault */
		if (perms[0] != 'r' || perms[3] != 'p' || e <= s || strncmp(path, "[v", 2) == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			r = ward_xreallocarray(r, cap, sizeof(*r));
		}
		r[n].start = s;
		r[n].end = e;
		r[n].writable = perms[1] == 'w';
		snprintf(r[n].label, sizeof(r[n].label), "%s", path);
		n++;
	}
	*out = r;
	*cnt = n;
	return 0;
}

/* 0 heap/stack, 1 writable file data, 2 other writable, 3 read-only */
static int region_rank(const struct region *r)
{
	if (strcmp(r->label, "[heap]") == 0 || strcmp(r->label, "[stack]") == 0)
		return 0;
	if (r->writable)
		return r->label[0] == '/' ? 1 : 2;
	return 3;
}

static int dump_region(struct collector *c, pid_t pid, int memfd, const struct region *rg,
		       struct ward_buf *index)
{
	uint64_t want = rg->end - rg->start, got = 0;
	char name[96];
	char *data;
	int err = 0;

	if (want > c->mem_left)
		want = c->mem_left;
	/* one region is buffered whole (its tar header needs the size): bound the buffer */
	if (want > WARD_COLLECT_MEM_REGION_MAX)
		want = WARD_COLLECT_MEM_REGION_MAX;
	if (!want)
		return 0;
	data = ward_xmalloc((size_t)want);
	while (got < want) {
		size_t chunk = want - got < MEM_CHUNK ? (size_t)(want - got) : MEM_CHUNK;
		ssize_t r = pread(memfd, data + got, chunk, (off_t)(rg->start + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* unmapped meanwhile or not backed: keep what was read */
		got += (uint64_t)r;
	}
	if (got) {
		snprintf(name, sizeof(name), "proc/%d/mem/%016" PRIx64 "-%016" PRIx64 ".bin", (int)pid,
			 rg->start, rg->start + got);
		err = ward_bundle_add(c->w, name, data, (size_t)got);
		c->mem_left -= got;
	}
	ward_buf_printf(index, "%016" PRIx64 "-%016" PRIx64 " %s %" PRIu64 "/%" PRIu64 " %s\n",
			rg->start, rg->end, rg->writable ? "rw" : "r-", got, rg->end - rg->start,
			rg->label);
	free(data);
	return err;
}

static int add_memory(struct collector *c, pid_t pid)
{
	char path[64], name[64];
	struct ward_buf maps, index;
	struct region *rg = NULL;
	size_t cnt = 0;
	int memfd = -1, err = 0;

	if (!c->mem_left)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	ward_buf_init(&maps, WARD_COLLECT_PROC_FILE_MAX);
	ward_buf_init(&index, 4u << 20);
	if (ward_read_file(path, &maps) < 0)
		goto out; /* noted by add_proc_file already */
	parse_maps(&maps, &rg, &cnt);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	memfd = open(path, O_RDONLY | O_CLOEXEC);
	if (memfd < 0) {
		note(c, -errno, "proc/%d/mem", (int)pid);
		goto out;
	}
	/* What the process did lives in heap, stack and data; read-only file mappings can be
	 * fetched from the image later. Huge anonymous reservations (allocator arenas,
	 * sanitizer shadow) come after the small precise regions so they cannot eat the
	 * budget first. */
	for (int pass = 0; pass < 4 && !err; pass++)
		for (size_t i = 0; i < cnt && !err && c->mem_left; i++)
			if (region_rank(&rg[i]) == pass)
				err = dump_region(c, pid, memfd, &rg[i], &index);
	if (!err && index.len) {
		snprintf(name, sizeof(name), "proc/%d/mem/regions.txt", (int)pid);
		err = ward_bundle_add(c->w, name, index.data, index.len);
	}
out:
	if (memfd >= 0)
		close(memfd);
	free(rg);
	ward_buf_free(&maps);
	ward_buf_free(&index);
	return err;
}

static int collect_proc(struct collector *c, pid_t pid)
{
	static const char *const files[] = {
		"cmdline", "environ", "status", "stat", "maps", "cgroup", "mountinfo",
		"net/tcp", "net/tcp6", "net/udp", "net/udp6", "net/unix",
	};
	char dir[32];
	int err = 0;

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	if (access(dir, F_OK) < 0) {
		note(c, -errno, "proc/%d: exited before it could be collected", (int)pid);
		return 0;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !err; i++)
		err = add_proc_file(c, pid, files[i]);
	if (!err)
		err = add_fds(c, pid);
	if (!err)
		err = add_exe(c, pid);
	if (!err)
		err = add_memory(c, pid);
	return err;
}

/* The target pid and its descendants (by ppid), breadth first. */
static int pid_tree(pid_t root, pid_t *pids, size_t cap)
{
	struct ward_proc_stat *all = NULL;
	size_t all_cnt = 0, all_cap = 0, n = 0;
	struct dirent *de;
	DIR *d;

	pids[n++] = root;
	d = opendir("/proc");
	if (!d)
		return (int)n;
	while ((de = readdir(d))) {
		struct ward_proc_stat st;
		char *end;
		long v = strtol(de->d_name, &end, 10);

		if (*end || v <= 0 || ward_proc_stat_read((pid_t)v, &st))
			continue;
		if (all_cnt == all_cap) {
			all_cap = all_cap ? 2 * all_cap : 512;
			all = ward_xreallocarray(all, all_cap, sizeof(*all));
		}
		all[all_cnt++] = st;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < all_cnt && n < cap; j++)
			if (all[j].ppid == pids[i] && all[j].pid != root)
				pids[n++] = all[j].pid;
	free(all);
	return (int)n;
}

static int add_tree(struct collector *c, const pid_t *pids, size_t n)
{
	struct ward_buf b;
	struct ward_jw w;
	int err;

	ward_buf_init(&b, 4u << 20);
	ward_jw_init(&w, &b);
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		struct ward_proc_stat st;

		if (ward_proc_stat_read(pids[i], &st))
			continue;
		ward_jw_obj_begin(&w);
		ward_jw_kint(&w, "pid", st.pid);
		ward_jw_kint(&w, "ppid", st.ppid);
		ward_jw_kstr(&w, "comm", st.comm);
		ward_jw_kuint(&w, "start_ticks", st.start);
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);
	err = w.err ? w.err : ward_bundle_add(c->w, "tree.json", b.data, b.len);
	ward_buf_free(&b);
	return err;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s)
{
	char *o = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* The overlay upper dir of the process's root mount, if its root is an overlay. */
static int find_upperdir(pid_t pid, char *out, size_t out_len)
{
	char path[64];
	struct ward_buf b;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	ward_buf_init(&b, WARD_COLLECT_PROC_FILE_MAX);
	if (ward_read_file(path, &b) < 0)
		goto out;
	for (char *line = b.data; line && *line;) {
		char *nl = strchr(line, '\n'), *sep, *fields[5], *p = line, *opt;
		int nf = 0;

		if (nl)
			*nl = '\0';
		while (nf < 5 && p) {
			fields[nf++] = p;
			p = strchr(p, ' ');
			if (p)
				*p++ = '\0';
		}
		sep = p ? strstr(p, " - ") : NULL;
		if (p && strncmp(p, "- ", 2) == 0)
			sep = p - 1;
		if (nf == 5 && sep && strcmp(fields[4], "/") == 0) {
			char *fstype = sep + 3, *rest = strchr(fstype, ' ');

			if (rest && (size_t)(rest - fstype) == 7 && strncmp(fstype, "overlay", 7) == 0 &&
			    (opt = strstr(rest, "upperdir="))) {
				size_t l = strcspn(opt + 9, ",\n ");

				if (l && l < out_len) {
					memcpy(out, opt + 9, l);
					out[l] = '\0';
					unescape_octal(out);
					found = 1; /* the last root mount wins: it is the visible one */
				}
			}
		}
		line = nl ? nl + 1 : NULL;
	}
out:
	ward_buf_free(&b);
	return found;
}

static int walk_upper(struct collector *c, int dfd, const char *rel, int depth,
		      struct ward_jw *idx)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (depth > UPPER_MAX_DEPTH) {
		note(c, -WARD_E_LIMIT, "container/upper/%s: deeper than %d levels", rel, UPPER_MAX_DEPTH);
		close(dfd);
		return 0;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(d)) && !err) {
		char sub[WARD_BUNDLE_MAX_PATH], name[WARD_BUNDLE_MAX_PATH + 32];
		struct stat st;
		const char *type;
		bool copied = false;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >=
		    (int)sizeof(sub) - 32)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (++c->upper_files > WARD_COLLECT_UPPER_MAX_FILES) {
			note(c, -WARD_E_LIMIT, "container/upper: more than %d entries, rest skipped",
			     WARD_COLLECT_UPPER_MAX_FILES);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			type = "dir";
			if (fd >= 0)
				err = walk_upper(c, fd, sub, depth + 1, idx);
		} else if (S_ISREG(st.st_mode)) {
			type = "file";
			if ((uint64_t)st.st_size <= c->upper_left) {
				int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
				struct stat fst;

				if (fd >= 0 && fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode) &&
				    (uint64_t)fst.st_size <= c->upper_left) {
					snprintf(name, sizeof(name), "container/upper/%s", sub);
					err = ward_bundle_add_fd(c->w, name, fd, (uint64_t)fst.st_size);
					c->upper_left -= (uint64_t)fst.st_size;
					copied = true;
				}
				if (fd >= 0)
					close(fd);
			}
			if (!copied)
				note(c, -WARD_E_LIMIT, "container/upper/%s: not copied (respond.collect_upper_mb)", sub);
		} else if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0) {
			type = "whiteout"; /* overlayfs marks a deleted lower file this way */
		} else if (S_ISLNK(st.st_mode)) {
			type = "symlink";
		} else {
			type = "other";
		}
		ward_jw_obj_begin(idx);
		ward_jw_kstr(idx, "path", sub);
		ward_jw_kstr(idx, "type", type);
		ward_jw_kuint(idx, "size", (uint64_t)st.st_size);
		ward_jw_kint(idx, "mtime", (int64_t)st.st_mtim.tv_sec);
		ward_jw_kbool(idx, "copied", copied);
		if (S_ISLNK(st.st_mode)) {
			char tgt[PATH_MAX];
			ssize_t l = readlinkat(dirfd(d), de->d_name, tgt, sizeof(tgt) - 1);

			if (l >= 0) {
				ward_jw_key(idx, "target");
				ward_jw_strn(idx, tgt, (size_t)l);
			}
		}
		ward_jw_obj_end(idx);
	}
	closedir(d);
	return err;
}

static int add_upper(struct collector *c, pid_t pid)
{
	char upper[PATH_MAX];
	struct ward_buf b;
	struct ward_jw w;
	int fd, err;

	if (!find_upperdir(pid, upper, sizeof(upper)))
		return 0;
	fd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		note(c, -errno, "container/upper (%s)", upper);
		return 0;
	}
	ward_buf_init(&b, 16u << 20);
	ward_jw_init(&w, &b);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "upperdir", upper);
	ward_jw_key(&w, "entries");
	ward_jw_arr_begin(&w);
	err = walk_upper(c, fd, "", 0, &w);
	ward_jw_arr_end(&w);
	ward_jw_obj_end(&w);
	if (!err)
		err = w.err ? w.err : ward_bundle_add(c->w, "container/upper.json", b.data, b.len);
	ward_buf_free(&b);
	return err;
}

static char *meta_json(const struct ward_target *t, const struct ward_collect_opts *o,
		       const pid_t *pids, size_t n)
{
	struct ward_buf b;
	struct ward_jw w;
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	ward_buf_init(&b, 1u << 20);
	ward_jw_init(&w, &b);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "host", host);
	ward_jw_kstr(&w, "ward_version", WARD_VERSION);
	ward_jw_kstr(&w, "reason", o->reason ? o->reason : "manual");
	ward_jw_key(&w, "target");
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "kind", t->kind == WARD_TARGET_PID ? "pid" : "container");
	if (t->kind == WARD_TARGET_PID)
		ward_jw_kint(&w, "pid", t->pid);
	if (t->id[0])
		ward_jw_kstr(&w, "container_id", t->id);
	if (t->cg_v2[0])
		ward_jw_kstr(&w, "cgroup_v2", t->cg_v2);
	if (t->cg_freezer[0])
		ward_jw_kstr(&w, "cgroup_freezer", t->cg_freezer);
	ward_jw_kuint(&w, "cgroup_id", t->cgroup_id);
	ward_jw_obj_end(&w);
	ward_jw_key(&w, "pids");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++)
		ward_jw_int(&w, pids[i]);
	ward_jw_arr_end(&w);
	ward_jw_key(&w, "limits");
	ward_jw_obj_begin(&w);
	ward_jw_kuint(&w, "mem_bytes", o->mem_max);
	ward_jw_kuint(&w, "exe_bytes", o->exe_max);
	ward_jw_kuint(&w, "upper_bytes", o->upper_max);
	ward_jw_obj_end(&w);
	ward_jw_obj_end(&w);
	if (w.err) {
		ward_buf_free(&b);
		return NULL;
	}
	return b.data; /* ownership passes to the caller */
}

int ward_collect(const struct ward_target *t, const struct ward_collect_opts *o,
		 struct ward_collect_result *res, struct ward_diag *diag)
{
	struct collector c = { .o = o, .mem_left = o->mem_max, .upper_left = o->upper_max };
	struct ward_hostkey *key = NULL;
	pid_t *pids = ward_xcalloc(WARD_COLLECT_MAX_PROCS, sizeof(pid_t));
	char *meta = NULL;
	int n, err;

	ward_buf_init(&c.errors, 1u << 20);
	err = ward_hostkey_load(o->key_path, true, &key);
	if (err) {
		ward_diag_set(diag, err, o->key_path, 0, 0, "cannot load or create the host key%s",
			      err == -EPERM ? " (it must be mode 0600)" : "");
		goto out;
	}
	if (t->kind == WARD_TARGET_PID) {
		n = pid_tree(t->pid, pids, WARD_COLLECT_MAX_PROCS);
	} else {
		n = ward_target_pids(t, pids, WARD_COLLECT_MAX_PROCS);
		if (n == -WARD_E_LIMIT) {
			note(&c, n, "more than %d processes: collected none of the rest",
			     WARD_COLLECT_MAX_PROCS);
			n = WARD_COLLECT_MAX_PROCS;
		}
		if (n < 0) {
			err = ward_diag_set(diag, n, NULL, 0, 0, "cannot list the container's processes");
			goto out;
		}
	}
	err = ward_bundle_writer_open(o->out_path, o->zstd, &c.w);
	if (err) {
		ward_diag_set(diag, err, o->out_path, 0, 0, "cannot create the bundle");
		goto out;
	}
	err = add_tree(&c, pids, (size_t)n);
	for (int i = 0; i < n && !err; i++)
		err = collect_proc(&c, pids[i]);
	if (!err && n > 0 && t->id[0])
		err = add_upper(&c, pids[0]);
	if (!err && t->id[0] && o->docker_socket && *o->docker_socket) {
		struct ward_buf ins;
		int e;

		ward_buf_init(&ins, WARD_DOCKER_MAX_RESPONSE);
		e = ward_docker_inspect_raw(o->docker_socket, t->id, &ins);
		if (e == 0)
			err = ward_bundle_add(c.w, "container/inspect.json", ins.data, ins.len);
		else if (e != -ENOENT)
			note(&c, e, "container/inspect.json (%s)", o->docker_socket);
		ward_buf_free(&ins);
	}
	if (!err && o->events && o->events_len)
		err = ward_bundle_add(c.w, "events.jsonl", o->events, o->events_len);
	if (!err && c.errors.len)
		err = ward_bundle_add(c.w, "errors.txt", c.errors.data, c.errors.len);
	if (err) {
		ward_diag_set(diag, err, o->out_path, 0, 0, "writing the bundle failed");
		goto out;
	}
	meta = meta_json(t, o, pids, (size_t)n);
	err = ward_bundle_finish(c.w, meta, key);
	if (err) {
		ward_diag_set(diag, err, o->out_path, 0, 0, "finishing the bundle failed");
		goto out;
	}
	if (res) {
		ward_bundle_counts(c.w, &res->artifact_cnt, &res->bytes);
		res->proc_cnt = (size_t)n;
		res->skipped_cnt = c.skipped;
	}
out:
	ward_bundle_writer_free(c.w);
	ward_hostkey_free(key);
	ward_buf_free(&c.errors);
	free(meta);
	free(pids);
	return err;
}
