// SPDX-License-Identifier: Apache-2.0
/*
 * The raw Docker Engine inspect document of one container, for forensic bundles, which keep
 * the engine's own JSON verbatim as evidence. The request is events/docker_api.c's (one
 * client for both: unix socket, size cap, id check); this file only keeps the body instead
 * of parsing it, with the longer timeouts a one-off collection can afford.
 */
#include "respond/respond.h"

#include "events/docker_api.h"

#include <errno.h>

#define INSPECT_CONNECT_TIMEOUT_MS 2000L
#define INSPECT_REQUEST_TIMEOUT_MS 5000L

int ward_docker_inspect_raw(const char *socket_path, const char *id, struct ward_buf *out)
{
	struct ward_docker *d;
	const char *body;
	size_t len;
	int err;

	if (!socket_path || !*socket_path)
		return -ENOENT;
	err = ward_docker_new(socket_path, &d);
	if (err)
		return err;
	ward_docker_set_timeouts(d, INSPECT_CONNECT_TIMEOUT_MS, INSPECT_REQUEST_TIMEOUT_MS);
	err = ward_docker_get_inspect(d, id, &body, &len);
	/* out has its own bound (the caller's), which may be below the client's */
	if (!err && ward_buf_append(out, body, len) < 0)
		err = -WARD_E_LIMIT;
	ward_docker_free(d);
	return err;
}
