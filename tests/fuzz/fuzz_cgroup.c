// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for ward_cgroup_parse: any bytes are a candidate path. Checks the
 * invariants the rest of ward relies on: a container result has a non-empty NUL-terminated
 * id and a runtime, a host result has neither.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_cgroup_info ci;
	int ret = ward_cgroup_parse((const char *)data, size, &ci);

	if (ret == 1) {
		size_t n = strnlen(ci.id, sizeof(ci.id));

		if (n == 0 || n == sizeof(ci.id) || ci.runtime == WARD_RT_HOST)
			abort();
	} else if (ret == 0) {
		if (ci.id[0] || ci.runtime != WARD_RT_HOST)
			abort();
	}
	if (ret >= 0 && (strnlen(ci.pod_uid, sizeof(ci.pod_uid)) == sizeof(ci.pod_uid) ||
			 strnlen(ci.qos, sizeof(ci.qos)) == sizeof(ci.qos)))
		abort();
	return 0;
}
