// SPDX-License-Identifier: Apache-2.0
/* Capture file reader and writer (format in capture.h). The reader treats the file as
 * untrusted: every length is bounded before it is used. */
#include "events/capture.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "ward_abi.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ward_capture_writer {
	FILE *f;
	int err;
};

struct ward_capture_reader {
	FILE *f;
	const char *path;
	struct ward_capture_header hdr;
	uint64_t offset;
	unsigned char buf[WARD_CAPTURE_MAX_RECORD];
};

int ward_capture_create(const char *path, uint64_t boot_offset, struct ward_capture_writer **out)
{
	struct ward_capture_header h;
	struct ward_capture_writer *w;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct timespec ts;

	if (fd < 0)
		return -errno;
	w = ward_xcalloc(1, sizeof(*w));
	w->f = fdopen(fd, "wb");
	if (!w->f) {
		close(fd);
		free(w);
		return -errno;
	}
	setvbuf(w->f, NULL, _IOFBF, 1 << 20);
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, WARD_CAPTURE_MAGIC, 8);
	h.version = WARD_CAPTURE_VERSION;
	h.abi = WARD_ABI_VERSION;
	h.boot_offset = boot_offset;
	clock_gettime(CLOCK_REALTIME, &ts);
	h.created = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	gethostname(h.hostname, sizeof(h.hostname) - 1);
	if (fwrite(&h, sizeof(h), 1, w->f) != 1)
		w->err = -EIO;
	*out = w;
	return 0;
}

int ward_capture_write(struct ward_capture_writer *w, const void *rec, size_t len)
{
	uint32_t n = (uint32_t)len;

	if (w->err)
		return w->err;
	if (len > WARD_CAPTURE_MAX_RECORD)
		return -WARD_E_LIMIT;
	if (fwrite(&n, sizeof(n), 1, w->f) != 1 || fwrite(rec, len, 1, w->f) != 1)
		w->err = errno ? -errno : -EIO;
	return w->err;
}

int ward_capture_close(struct ward_capture_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->err;
	if (fclose(w->f) != 0 && !err)
		err = -errno;
	free(w);
	return err;
}

/* fread that survives signals: replaying a pipe (a FIFO, another process's output) blocks in
 * read, and the agent's SIGHUP/SIGUSR1 handlers (no SA_RESTART) would cut it short and make
 * a well-formed stream look truncated. */
static size_t read_full(FILE *f, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		size_t k = fread((char *)buf + got, 1, n - got, f);

		got += k;
		if (got == n || !ferror(f) || errno != EINTR)
			break;
		clearerr(f);
	}
	return got;
}

int ward_capture_open(const char *path, struct ward_capture_reader **out, struct ward_diag *diag)
{
	struct ward_capture_reader *r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ward_diag_set(diag, -errno, path, 0, 0, "cannot open capture: %s",
				     strerror(errno));
	r = ward_xcalloc(1, sizeof(*r));
	r->f = fdopen(fd, "rb");
	r->path = path;
	if (!r->f) {
		close(fd);
		free(r);
		return -ENOMEM;
	}
	if (read_full(r->f, &r->hdr, sizeof(r->hdr)) != sizeof(r->hdr) ||
	    memcmp(r->hdr.magic, WARD_CAPTURE_MAGIC, 8) != 0) {
		ward_capture_free(r);
		return ward_diag_set(diag, -WARD_E_SYNTAX, path, 0, 0,
				     "not a ward capture file (bad header)");
	}
	if (r->hdr.version != WARD_CAPTURE_VERSION || r->hdr.abi != WARD_ABI_VERSION) {
		int v = (int)r->hdr.version, a = (int)r->hdr.abi;

		ward_capture_free(r);
		return ward_diag_set(diag, -WARD_E_VERSION, path, 0, 0,
				     "capture format %d / event ABI %d; this ward reads %d / %d", v,
				     a, WARD_CAPTURE_VERSION, WARD_ABI_VERSION);
	}
	r->hdr.hostname[sizeof(r->hdr.hostname) - 1] = '\0';
	r->offset = sizeof(r->hdr);
	*out = r;
	return 0;
}

const struct ward_capture_header *ward_capture_header(const struct ward_capture_reader *r)
{
	return &r->hdr;
}

int ward_capture_next(struct ward_capture_reader *r, const void **rec, size_t *len,
		      struct ward_diag *diag)
{
	uint32_t n;
	size_t got = read_full(r->f, &n, sizeof(n));

	if (got == 0 && feof(r->f))
		return 0;
	if (got != sizeof(n))
		return ward_diag_set(diag, -WARD_E_SYNTAX, r->path, 0, 0,
				     "truncated record length at byte %llu",
				     (unsigned long long)r->offset);
	if (n == 0 || n > WARD_CAPTURE_MAX_RECORD)
		return ward_diag_set(diag, -WARD_E_SYNTAX, r->path, 0, 0,
				     "record of %u bytes at byte %llu exceeds the %u-byte limit", n,
				     (unsigned long long)r->offset, WARD_CAPTURE_MAX_RECORD);
	if (read_full(r->f, r->buf, n) != n)
		return ward_diag_set(diag, -WARD_E_SYNTAX, r->path, 0, 0,
				     "truncated record at byte %llu", (unsigned long long)r->offset);
	r->offset += sizeof(n) + n;
	*rec = r->buf;
	*len = n;
	return 1;
}

void ward_capture_free(struct ward_capture_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r);
}
