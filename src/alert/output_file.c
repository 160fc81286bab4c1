// SPDX-License-Identifier: Apache-2.0
/*
 * File output: JSON lines with size-based rotation (path -> path.1 -> ... -> path.keep).
 * The size is tracked from fstat at open plus what this process wrote, so rotation needs no
 * stat per alert. Rotation happens before a line that would cross the limit, so no file
 * exceeds max_bytes unless a single alert is larger than the limit. Not a log shipper:
 * nothing here compresses or uploads.
 */
#include "alert/output.h"
#include "common/err.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define FILE_PATH_MAX 4000 /* leaves room for ".NNN" inside PATH_MAX */

struct out_file {
	struct ward_output base;
	char *path;
	uint64_t max_bytes;
	unsigned keep;
	int fd;
	uint64_t size;
};

static int file_open(struct out_file *f)
{
	struct stat st;
	/* O_NOFOLLOW: an alert file in a world-writable place must not be redirected */
	int fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	return 0;
}

static void rotated_name(const struct out_file *f, unsigned n, char *out, size_t out_len)
{
	snprintf(out, out_len, "%s.%u", f->path, n);
}

static int file_rotate(struct out_file *f)
{
	char from[FILE_PATH_MAX + 8], to[FILE_PATH_MAX + 8];

	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	if (f->keep == 0) {
		if (unlink(f->path) < 0 && errno != ENOENT)
			return -errno;
		return file_open(f);
	}
	/* shift oldest first; the last one falls off */
	rotated_name(f, f->keep, to, sizeof(to));
	if (unlink(to) < 0 && errno != ENOENT)
		return -errno;
	for (unsigned n = f->keep; n > 1; n--) {
		rotated_name(f, n - 1, from, sizeof(from));
		rotated_name(f, n, to, sizeof(to));
		if (rename(from, to) < 0 && errno != ENOENT)
			return -errno;
	}
	rotated_name(f, 1, to, sizeof(to));
	if (rename(f->path, to) < 0 && errno != ENOENT)
		return -errno;
	return file_open(f);
}

static int file_write(struct ward_output *o, const struct ward_alert *a, const char *json,
		      size_t json_len, const char *text, size_t text_len)
{
	struct out_file *f = (struct out_file *)o;
	struct iovec iov[2] = { { (void *)json, json_len }, { "\n", 1 } };
	size_t line = json_len + 1;
	ssize_t n;
	int err;

	if (f->fd < 0) {
		/* a previous rotation or open failed: try again rather than stay silent forever */
		err = file_open(f);
		if (err)
			return err;
	}
	if (f->size > 0 && f->size + line > f->max_bytes) {
		err = file_rotate(f);
		if (err)
			return err;
	}
	do
		n = writev(f->fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	f->size += (uint64_t)n;
	/* regular files do not short-write short of ENOSPC; report it rather than loop */
	return (size_t)n == line ? 0 : -ENOSPC;
}

static void file_close(struct ward_output *o)
{
	struct out_file *f = (struct out_file *)o;

	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

int ward_output_file_new(const char *path, uint64_t max_bytes, unsigned keep,
			 struct ward_output **out)
{
	struct out_file *f;
	int err;

	if (!path || !*path || strlen(path) > FILE_PATH_MAX || max_bytes == 0 ||
	    keep > WARD_OUTPUT_FILE_KEEP_MAX)
		return -EINVAL;
	f = ward_xcalloc(1, sizeof(*f));
	f->base.name = "file";
	f->base.write = file_write;
	f->base.close = file_close;
	f->path = ward_xstrdup(path);
	f->max_bytes = max_bytes;
	f->keep = keep;
	f->fd = -1;
	err = file_open(f);
	if (err) {
		file_close(&f->base);
		return err;
	}
	*out = &f->base;
	return 0;
}
