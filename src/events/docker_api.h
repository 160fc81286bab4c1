/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Docker Engine API client over the engine's unix socket, internal to src/events: just
 * GET /containers/<id>/json, with a response size cap and short timeouts. One client per
 * thread (it keeps one libcurl handle and its connection). Not a general HTTP client.
 */
#ifndef WARD_DOCKER_API_H
#define WARD_DOCKER_API_H

#include "events/container.h"

struct ward_docker;

/* Makes a client for socket_path (copied). Returns 0 or -errno. Does not connect. */
int ward_docker_new(const char *socket_path, struct ward_docker **out);
void ward_docker_free(struct ward_docker *d);

/* Inspects container id and fills the metadata fields of out (see
 * ward_docker_parse_inspect). Returns 0; -ENOENT when the socket is missing, -ECONNREFUSED
 * or -EIO when the engine cannot be reached or answers an error, -WARD_E_NOTFOUND when the
 * engine does not know the id, -WARD_E_LIMIT for an oversized answer, -WARD_E_SYNTAX. */
int ward_docker_inspect(struct ward_docker *d, const char *id, struct ward_container *out);

#endif
