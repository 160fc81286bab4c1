/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Docker Engine API client over the engine's unix socket: just GET /containers/<id>/json,
 * with a response size cap and short timeouts. Used by src/events (attribution) and by
 * src/respond (the raw document in forensic bundles). One client per thread (it keeps one
 * libcurl handle and its connection). Not a general HTTP client.
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
/* The same request, unparsed: *body (not NUL-terminated) stays valid until the next call on
 * d. Same errors, except parsing ones. */
int ward_docker_get_inspect(struct ward_docker *d, const char *id, const char **body,
			    size_t *body_len);
/* Overrides the connect and whole-request timeouts (defaults 1 s and 3 s). */
void ward_docker_set_timeouts(struct ward_docker *d, long connect_ms, long request_ms);

#endif
