/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container metadata documents, internal to src/events: the Docker Engine inspect JSON read
 * into a struct ward_container, the capture-file JSON written and read back, and the
 * repository/tag split of an image reference. Pure functions over memory; no I/O, no table.
 */
#ifndef WARD_CONTAINER_META_H
#define WARD_CONTAINER_META_H

#include <stddef.h>

#include "events/container.h"

/* Fills the metadata fields of out (name, image*, pod_name/pod_ns, pod_uid when the labels
 * carry one, privileged, labels_json, merged_dir, upper_dir) from a GET /containers/<id>/json
 * body. When want_id is not NULL the document's Id must equal it. Owned strings in out are
 * allocated here; release them with ward_container_meta_clear(). On error out is cleared.
 * Returns 0, -WARD_E_SYNTAX (not JSON or wrong shape), -WARD_E_LIMIT (too big, a field too
 * long for its slot) or -WARD_E_NOTFOUND (Id mismatch). */
int ward_docker_parse_inspect(const char *json, size_t len, const char *want_id,
			      struct ward_container *out);

/* Parses a document from ward_container_meta_json() into out (id and runtime included). */
int ward_container_meta_parse(const char *json, size_t len, struct ward_container *out);

/* Frees the owned strings of c and empties every metadata field (id and runtime stay). */
void ward_container_meta_clear(struct ward_container *c);

/* Splits an image reference the way Falco reports container.image.repository and .tag:
 * "registry:5000/team/app:1.2" -> "registry:5000/team/app" + "1.2"; "app@sha256:..." ->
 * "app" + ""; "app" -> "app" + "latest"; an image id ("sha256:...") -> "" + "".
 * Returns 0 or -WARD_E_LIMIT (outputs then empty). */
int ward_image_split(const char *image, char *repo, size_t repo_cap, char *tag, size_t tag_cap);

#endif
