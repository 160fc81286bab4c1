// SPDX-License-Identifier: Apache-2.0
/*
 * Root filesystems (a container root, a mounted VM snapshot) and function bundles (zip).
 * A directory is walked with openat() from the root's fd, never following symlinks and
 * never leaving the root's filesystem (so /proc or a bind mount under it is not walked);
 * files are opened O_NOFOLLOW|O_NONBLOCK and checked with fstat on the opened fd. A bundle
 * is a single zip read as a stream like one image layer. No layering in either.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "scan/layer.h"

static ssize_t fd_entry_read(void *arg, void *buf, size_t len)
{
	ssize_t n = read(*(int *)arg, buf, len);

	return n < 0 ? -errno : n;
}

static int walk(struct ward_scan_ctx *c, int dfd, dev_t dev, char *path, size_t plen, int depth)
{
	DIR *dp;
	struct dirent *de;
	int rc = 0;

	if (depth > WARD_SCAN_MAX_PATH_DEPTH) {
		close(dfd);
		return ward_diag_set(c->d, -WARD_E_LIMIT, path, 0, 0,
				     "directories nested deeper than %d", WARD_SCAN_MAX_PATH_DEPTH);
	}
	dp = fdopendir(dfd);
	if (!dp) {
		close(dfd);
		return ward_diag_set(c->d, -errno, path, 0, 0, "%s", strerror(errno));
	}
	while (rc == 0 && (de = readdir(dp))) {
		struct stat st;
		size_t nl = strlen(de->d_name);
		enum ward_scan_etype t;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (plen + nl + 2 >= WARD_SCAN_MAX_PATH) {
			ward_warn("%s/%s: path too long; skipped", path, de->d_name);
			continue;
		}
		if (fstatat(dirfd(dp), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* vanished while walking */
		path[plen] = '/';
		memcpy(path + plen + 1, de->d_name, nl + 1);
		t = S_ISDIR(st.st_mode) ? WARD_SCAN_E_DIR : S_ISREG(st.st_mode) ? WARD_SCAN_E_FILE
			: S_ISLNK(st.st_mode) ? WARD_SCAN_E_SYMLINK : WARD_SCAN_E_OTHER;
		if (t == WARD_SCAN_E_FILE) {
			int fd = openat(dirfd(dp), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
			struct stat fst;

			if (fd >= 0 && fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode))
				rc = ward_scan_entry(c, 0, path + 1, t, (uint64_t)fst.st_size,
						     fst.st_mode, NULL, fd_entry_read, &fd);
			else if (fd < 0 && errno != ENOENT)
				ward_dbg("%s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
		} else if (t == WARD_SCAN_E_DIR) {
			rc = ward_scan_entry(c, 0, path + 1, t, 0, st.st_mode, NULL, NULL, NULL);
			if (rc == 0 && st.st_dev == dev) {
				int sub = openat(dirfd(dp), de->d_name,
						 O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

				if (sub >= 0)
					rc = walk(c, sub, dev, path, plen + nl + 1, depth + 1);
			}
		} else {
			rc = ward_scan_entry(c, 0, path + 1, t, 0, st.st_mode, NULL, NULL, NULL);
		}
		path[plen] = '\0';
	}
	closedir(dp);
	return rc;
}

int ward_scan_rootfs(const struct ward_scan_opts *o, const char *dir, struct ward_scan_result **out,
		     struct ward_diag *d)
{
	struct ward_scan_ctx c;
	struct stat st;
	char *path = ward_xmalloc(WARD_SCAN_MAX_PATH + 1);
	int fd, rc;

	ward_scan_ctx_init(&c, o, dir, "rootfs", d);
	ward_scan_blob_add(&c, dir);
	c.blobs[0].idx = 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = ward_diag_set(d, -errno, dir, 0, 0, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		path[0] = '\0';
		rc = walk(&c, fd, st.st_dev, path, 0, 0);
	}
	free(path);
	return ward_scan_conclude(&c, rc, out);
}

struct zip_src {
	int fd;
	char buf[65536];
};

static ssize_t zip_read(void *arg, const void **buf)
{
	struct zip_src *s = arg;
	ssize_t n = read(s->fd, s->buf, sizeof(s->buf));

	*buf = s->buf;
	return n < 0 ? -errno : n;
}

int ward_scan_bundle(const struct ward_scan_opts *o, const char *zip, struct ward_scan_result **out,
		     struct ward_diag *d)
{
	struct ward_scan_ctx c;
	struct zip_src *s = ward_xmalloc(sizeof(*s));
	struct stat st;
	int rc;

	ward_scan_ctx_init(&c, o, zip, "bundle", d);
	ward_scan_blob_add(&c, zip);
	c.blobs[0].idx = 0;
	s->fd = open(zip, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = ward_diag_set(d, s->fd < 0 ? -errno : -EINVAL, zip, 0, 0, "%s",
				   s->fd < 0 ? strerror(errno) : "not a regular file");
	} else {
		rc = ward_scan_layer(&c, 0, zip_read, s, false, true);
	}
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return ward_scan_conclude(&c, rc, out);
}
