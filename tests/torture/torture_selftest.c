// SPDX-License-Identifier: Apache-2.0
/*
 * The torture driver's own check (registered with WILL_FAIL): this target mishandles an
 * allocation failure on purpose (uses the NULL) and ignores a failed write, so the driver
 * must report both. A harness that passes this would pass anything.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ward_torture_target(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int ward_torture_target(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	memcpy(copy, data, size); /* NULL when the allocation failed: a crash */
	copy[size] = '\0';
	(void)!write(fd, copy, size); /* a failed write goes unreported */
	close(fd);
	free(copy);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return 0;
}
