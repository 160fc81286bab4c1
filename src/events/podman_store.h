/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Podman container metadata without a podman service: the records podman keeps in
 * containers/storage (<root>/overlay-containers/containers.json and
 * <root>/overlay-images/images.json), read with jansson, bounded, and cached until a file
 * changes. Internal to src/events; the container table (container.c) calls it for podman
 * containers. Not a libpod database reader: labels and pod names live in libpod's own
 * database and are not available here.
 */
#ifndef WARD_PODMAN_STORE_H
#define WARD_PODMAN_STORE_H

#include <stddef.h>

#include "common/err.h"
#include "events/container.h"

#define WARD_PODMAN_DEFAULT_ROOT "/var/lib/containers/storage"

/* What containers.json says about one container. */
struct ward_podman_rec {
	char name[256];        /* names[0] */
	char image[512];       /* metadata "image-name" as the user named it, or "" */
	char image_id[65];     /* "image": 64 hex, or "" */
	char layer[65];        /* "layer": the container's writable layer, 64 hex, or "" */
};

/*
 * Pure parsers over memory, for the store and the fuzzer. Each finds one id in a whole
 * file's text; file names the file in diagnostics. Return 0, -WARD_E_NOTFOUND when the id is
 * not listed, -WARD_E_SYNTAX when the text is not JSON or the record has the wrong shape,
 * -WARD_E_LIMIT when the text or a field is too long. On error out is empty and diag (may be
 * NULL) names the file and field.
 */
int ward_podman_find_container(const char *json, size_t len, const char *file, const char *id,
			       struct ward_podman_rec *out, struct ward_diag *diag);
/* names[0] of image image_id (64 hex) into name. */
int ward_podman_find_image(const char *json, size_t len, const char *file, const char *image_id,
			   char *name, size_t name_cap, struct ward_diag *diag);

struct ward_podman_store;

/* A reader for storage root root (copied; NULL = WARD_PODMAN_DEFAULT_ROOT). Reads nothing
 * yet. Returns 0 or -ENOMEM. One thread at a time may use a store. */
int ward_podman_store_new(const char *root, struct ward_podman_store **out);
void ward_podman_store_free(struct ward_podman_store *s);

/* Fills the metadata fields of out (name, image, image_repo, image_tag, image_id,
 * merged_dir, upper_dir) for container id. Files are parsed again only when their inode,
 * size or mtime changed. Returns 0, -ENOENT when the storage or containers.json is missing,
 * -WARD_E_NOTFOUND when podman does not list the id, -WARD_E_SYNTAX, -WARD_E_LIMIT or
 * -errno; diag (may be NULL) then says which file and field. */
int ward_podman_lookup(struct ward_podman_store *s, const char *id, struct ward_container *out,
		       struct ward_diag *diag);

#endif
