// SPDX-License-Identifier: Apache-2.0
/* See fileio.h. */
#include "common/fileio.h"

#include <errno.h>
#include <unistd.h>

int ward_read_full(int fd, void *buf, size_t cap, size_t *got)
{
	char *p = buf;

	*got = 0;
	while (*got < cap) {
		ssize_t r = read(fd, p + *got, cap - *got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return 0;
}
