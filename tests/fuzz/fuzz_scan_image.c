// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: a whole image archive read as a stream (docker-save or oci-archive
 * tar: the outer tar, manifest.json / index.json / config JSON, each layer tar and every
 * parser reached by path), through the same code as `ward scan image --docker`.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scan/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_scan_opts o = { .files = true };  /* the replayed tree and its listing too */
	struct ward_scan_result *r = NULL;
	struct ward_diag d = { 0 };
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size && lseek(fd, 0, SEEK_SET) == 0 &&
	    ward_scan_image_stream(&o, fd, "fuzz", &r, &d) == 0)
		ward_scan_result_free(r);
	close(fd);
	return 0;
}
