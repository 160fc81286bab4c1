// SPDX-License-Identifier: Apache-2.0
/*
 * stdout output: Falco's readable line or one JSON object per line. Each alert is a single
 * write() so lines from concurrent writers never interleave mid-line (pipes up to PIPE_BUF).
 */
#include "alert/output.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

struct out_stdout {
	struct ward_output base;
	int fd;
	bool json;
};

static int stdout_write(struct ward_output *o, const struct ward_alert *a, const char *json,
			size_t json_len, const char *text, size_t text_len)
{
	struct out_stdout *s = (struct out_stdout *)o;
	struct iovec iov[2] = {
		{ .iov_base = (void *)(s->json ? json : text), .iov_len = s->json ? json_len : text_len },
		{ .iov_base = "\n", .iov_len = 1 },
	};
	size_t left = iov[0].iov_len + 1;
	int idx = 0;

	while (left) {
		ssize_t n = writev(s->fd, iov + idx, 2 - idx);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		left -= (size_t)n;
		/* advance past what was written, for the rare short write */
		while (n > 0 && idx < 2) {
			if ((size_t)n >= iov[idx].iov_len) {
				n -= (ssize_t)iov[idx].iov_len;
				iov[idx].iov_len = 0;
				idx++;
			} else {
				iov[idx].iov_base = (char *)iov[idx].iov_base + n;
				iov[idx].iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return 0;
}

static void stdout_close(struct ward_output *o)
{
	free(o);
}

int ward_output_stdout_new(int fd, bool json, struct ward_output **out)
{
	struct out_stdout *s;

	if (fd < 0)
		return -EBADF;
	s = ward_xcalloc(1, sizeof(*s));
	s->base.name = "stdout";
	s->base.write = stdout_write;
	s->base.close = stdout_close;
	s->fd = fd;
	s->json = json;
	*out = &s->base;
	return 0;
}
