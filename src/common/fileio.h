/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a file descriptor in full, the one loop every bounded file reader needs. */
#ifndef WARD_FILEIO_H
#define WARD_FILEIO_H

#include <stddef.h>

/* Reads from fd into buf until cap bytes, end of file or an error, retrying EINTR.
 * *got is how many bytes arrived (also on error). Returns 0, or -errno of the read that
 * failed; callers that keep a partial read on error use *got either way. */
int ward_read_full(int fd, void *buf, size_t cap, size_t *got);

#endif
