// SPDX-License-Identifier: Apache-2.0
/*
 * Podman names and images from containers/storage, with no podman service running. Podman
 * (through containers/storage) rewrites <root>/overlay-containers/containers.json whenever a
 * container is created or removed, and <root>/overlay-images/images.json whenever an image
 * is; both are JSON arrays of records:
 *
 *   containers.json: {"id":"<64hex>","names":["web"],"image":"<64hex>","layer":"<64hex>",
 *                     "metadata":"{\"image-name\":\"localhost/app:1.0\",...}",...}
 *   images.json:     {"id":"<64hex>","names":["localhost/app:1.0"],...}
 *
 * The files are root-only and written by podman, but they are still parsed as untrusted
 * input: size caps before reading, every field checked for type and length, ids that become
 * path components must be 64 hex. A parsed file is kept until its inode, size or mtime
 * changes (podman replaces the file by rename, so a new container always shows as a change).
 * Not the libpod database (labels, pods): that is BoltDB or SQLite and out of reach here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "common/fileio.h"
#include "common/limits.h"
#include "events/container_meta.h"
#include "events/podman_store.h"

#define CONTAINERS_FILE "overlay-containers/containers.json"
#define IMAGES_FILE "overlay-images/images.json"

struct cached_file {
	const char *rel;       /* path under the storage root */
	bool has_stat;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim;
	json_t *doc;           /* parsed array, NULL after a failed parse */
	int err;               /* the failed parse's error, kept with the stat it belongs to */
	struct ward_diag diag;
};

struct ward_podman_store {
	char *root;
	struct cached_file ctr;
	struct cached_file img;
};

static bool is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* The first 12 characters of an id, for messages. */
static const char *short12(const char *id, char buf[13])
{
	size_t n = strnlen(id, 12);

	memcpy(buf, id, n);
	buf[n] = '\0';
	return buf;
}

static int parse_doc(const char *json, size_t len, const char *file, json_t **out,
		     struct ward_diag *diag)
{
	json_error_t je;
	json_t *doc;

	if (len > WARD_PODMAN_MAX_FILE)
		return ward_diag_set(diag, -WARD_E_LIMIT, file, 0, 0,
				     "larger than %u bytes; not read", WARD_PODMAN_MAX_FILE);
	doc = json_loadb(json, len, 0, &je);
	if (!doc)
		return ward_diag_set(diag, -WARD_E_SYNTAX, file, je.line > 0 ? je.line : 0,
				     je.column > 0 ? je.column : 0, "not JSON: %s", je.text);
	if (!json_is_array(doc)) {
		json_decref(doc);
		return ward_diag_set(diag, -WARD_E_SYNTAX, file, 0, 0,
				     "top level is not an array of records");
	}
	*out = doc;
	return 0;
}

/* The record whose "id" is id; records without a string id are skipped. */
static json_t *find_rec(json_t *doc, const char *id)
{
	size_t i;
	json_t *rec;

	json_array_foreach(doc, i, rec) {
		json_t *v = json_object_get(rec, "id"); /* NULL for non-objects */

		if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
			return rec;
	}
	return NULL;
}

/* Optional string field into a slot; too long is an error, not a silent cut. */
static int str_field(json_t *rec, const char *key, char *dst, size_t cap, const char *file,
		     const char *what, struct ward_diag *diag)
{
	json_t *v = json_object_get(rec, key);
	size_t n;

	dst[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return ward_diag_set(diag, -WARD_E_SYNTAX, file, 0, 0,
				     "%s: field \"%s\" is not a string", what, key);
	n = json_string_length(v);
	if (n >= cap)
		return ward_diag_set(diag, -WARD_E_LIMIT, file, 0, 0,
				     "%s: field \"%s\" longer than %zu bytes", what, key, cap - 1);
	memcpy(dst, json_string_value(v), n);
	dst[n] = '\0';
	return 0;
}

/* names[0] into a slot; an absent or empty list leaves it empty. */
static int first_name(json_t *rec, char *dst, size_t cap, const char *file, const char *what,
		      struct ward_diag *diag)
{
	json_t *names = json_object_get(rec, "names");
	json_t *v;
	size_t n;

	dst[0] = '\0';
	if (!names || json_is_null(names) || (json_is_array(names) && !json_array_size(names)))
		return 0;
	v = json_array_get(names, 0);
	if (!json_is_array(names) || !json_is_string(v))
		return ward_diag_set(diag, -WARD_E_SYNTAX, file, 0, 0,
				     "%s: field \"names\" is not a list of strings", what);
	n = json_string_length(v);
	if (n >= cap)
		return ward_diag_set(diag, -WARD_E_LIMIT, file, 0, 0,
				     "%s: names[0] longer than %zu bytes", what, cap - 1);
	memcpy(dst, json_string_value(v), n);
	dst[n] = '\0';
	return 0;
}

/* An optional id field that must be 64 hex when present (it becomes a path component). */
static int hex_field(json_t *rec, const char *key, char dst[65], const char *file,
		     const char *what, struct ward_diag *diag)
{
	json_t *v = json_object_get(rec, key);

	dst[0] = '\0';
	if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0))
		return 0;
	if (!json_is_string(v) || !is_hex64(json_string_value(v), json_string_length(v)))
		return ward_diag_set(diag, -WARD_E_SYNTAX, file, 0, 0,
				     "%s: field \"%s\" is not a 64-hex id", what, key);
	memcpy(dst, json_string_value(v), 65);
	return 0;
}

/* "metadata" is a JSON document inside a string; only "image-name" is taken from it. */
static int meta_image(json_t *rec, char *dst, size_t cap, const char *file, const char *what,
		      struct ward_diag *diag)
{
	json_t *v = json_object_get(rec, "metadata");
	json_t *meta;
	json_error_t je;
	int err;

	dst[0] = '\0';
	if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0))
		return 0;
	if (!json_is_string(v))
		return ward_diag_set(diag, -WARD_E_SYNTAX, file, 0, 0,
				     "%s: field \"metadata\" is not a string", what);
	if (json_string_length(v) > WARD_PODMAN_MAX_META)
		return ward_diag_set(diag, -WARD_E_LIMIT, file, 0, 0,
				     "%s: field \"metadata\" longer than %u bytes", what,
				     WARD_PODMAN_MAX_META);
	meta = json_loadb(json_string_value(v), json_string_length(v), 0, &je);
	if (!json_is_object(meta)) {
		json_decref(meta);
		return ward_diag_set(diag, -WARD_E_SYNTAX, file, 0, 0,
				     "%s: field \"metadata\" is not a JSON object", what);
	}
	err = str_field(meta, "image-name", dst, cap, file, what, diag);
	json_decref(meta);
	return err;
}

static int container_in(json_t *doc, const char *file, const char *id,
			struct ward_podman_rec *out, struct ward_diag *diag)
{
	char what[32], sid[13];
	json_t *rec = find_rec(doc, id);
	int err;

	memset(out, 0, sizeof(*out));
	if (!rec)
		return ward_diag_set(diag, -WARD_E_NOTFOUND, file, 0, 0, "no container %s",
				     short12(id, sid));
	snprintf(what, sizeof(what), "container %s", short12(id, sid));
	if ((err = first_name(rec, out->name, sizeof(out->name), file, what, diag)) ||
	    (err = hex_field(rec, "image", out->image_id, file, what, diag)) ||
	    (err = hex_field(rec, "layer", out->layer, file, what, diag)) ||
	    (err = meta_image(rec, out->image, sizeof(out->image), file, what, diag)))
		memset(out, 0, sizeof(*out));
	return err;
}

static int image_in(json_t *doc, const char *file, const char *image_id, char *name,
		    size_t name_cap, struct ward_diag *diag)
{
	char what[32], sid[13];
	json_t *rec = find_rec(doc, image_id);

	name[0] = '\0';
	if (!rec)
		return ward_diag_set(diag, -WARD_E_NOTFOUND, file, 0, 0, "no image %s",
				     short12(image_id, sid));
	snprintf(what, sizeof(what), "image %s", short12(image_id, sid));
	return first_name(rec, name, name_cap, file, what, diag);
}

int ward_podman_find_container(const char *json, size_t len, const char *file, const char *id,
			       struct ward_podman_rec *out, struct ward_diag *diag)
{
	json_t *doc;
	int err;

	if (!json || !id || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	err = parse_doc(json, len, file, &doc, diag);
	if (err)
		return err;
	err = container_in(doc, file, id, out, diag);
	json_decref(doc);
	return err;
}

int ward_podman_find_image(const char *json, size_t len, const char *file, const char *image_id,
			   char *name, size_t name_cap, struct ward_diag *diag)
{
	json_t *doc;
	int err;

	if (!json || !image_id || !name || !name_cap)
		return -EINVAL;
	name[0] = '\0';
	err = parse_doc(json, len, file, &doc, diag);
	if (err)
		return err;
	err = image_in(doc, file, image_id, name, name_cap, diag);
	json_decref(doc);
	return err;
}

int ward_podman_store_new(const char *root, struct ward_podman_store **out)
{
	struct ward_podman_store *s;

	if (!out)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->root = strdup(root ? root : WARD_PODMAN_DEFAULT_ROOT);
	if (!s->root) {
		free(s);
		return -ENOMEM;
	}
	s->ctr.rel = CONTAINERS_FILE;
	s->img.rel = IMAGES_FILE;
	*out = s;
	return 0;
}

static void cache_drop(struct cached_file *f)
{
	json_decref(f->doc);
	f->doc = NULL;
	f->has_stat = false;
	f->err = 0;
}

void ward_podman_store_free(struct ward_podman_store *s)
{
	if (!s)
		return;
	cache_drop(&s->ctr);
	cache_drop(&s->img);
	free(s->root);
	free(s);
}

/* Reads the whole regular file behind fd (st_size bytes at most) into a new buffer; a file
 * that shrank since fstat is parsed as it is. */
static int read_all(int fd, size_t size, char **out, size_t *out_len)
{
	char *buf = malloc(size ? size : 1);
	int err;

	if (!buf)
		return -ENOMEM;
	err = ward_read_full(fd, buf, size, out_len);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return 0;
}

/* Makes f->doc current: re-reads and re-parses only when the file changed. */
static int refresh(struct ward_podman_store *s, struct cached_file *f, struct ward_diag *diag)
{
	char path[4096];
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, err;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", s->root, f->rel) >= sizeof(path))
		return ward_diag_set(diag, -ENAMETOOLONG, f->rel, 0, 0,
				     "storage root path too long");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		cache_drop(f);
		return ward_diag_set(diag, err, path, 0, 0, "cannot open: %s", strerror(-err));
	}
	if (fstat(fd, &st) < 0) {
		err = ward_diag_set(diag, -errno, path, 0, 0, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (f->has_stat && f->dev == st.st_dev && f->ino == st.st_ino &&
	    f->size == st.st_size && f->mtim.tv_sec == st.st_mtim.tv_sec &&
	    f->mtim.tv_nsec == st.st_mtim.tv_nsec) {
		err = f->err;
		if (err && diag)
			*diag = f->diag;
		goto out;
	}
	cache_drop(f);
	if (!S_ISREG(st.st_mode)) {
		err = ward_diag_set(diag, -WARD_E_SYNTAX, path, 0, 0, "not a regular file");
		goto out;
	}
	if ((unsigned long long)st.st_size > WARD_PODMAN_MAX_FILE) {
		err = ward_diag_set(&f->diag, -WARD_E_LIMIT, path, 0, 0,
				    "larger than %u bytes; not read", WARD_PODMAN_MAX_FILE);
	} else {
		err = read_all(fd, (size_t)st.st_size, &buf, &len);
		if (err) {
			ward_diag_set(diag, err, path, 0, 0, "cannot read: %s", strerror(-err));
			goto out;
		}
		err = parse_doc(buf, len, path, &f->doc, &f->diag);
	}
	/* a bad file is not parsed again until it changes */
	if (err && diag)
		*diag = f->diag;
	f->err = err;
	f->has_stat = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtim = st.st_mtim;
out:
	free(buf);
	close(fd);
	return err;
}

static int set_dir(char **dst, const char *root, const char *layer, const char *leaf)
{
	size_t n = strlen(root) + strlen(layer) + strlen(leaf) + sizeof("/overlay///");
	char *p = malloc(n);

	if (!p)
		return -ENOMEM;
	snprintf(p, n, "%s/overlay/%s/%s", root, layer, leaf);
	*dst = p;
	return 0;
}

int ward_podman_lookup(struct ward_podman_store *s, const char *id, struct ward_container *out,
		       struct ward_diag *diag)
{
	struct ward_podman_rec rec;
	char path[4096];
	int err;

	if (!s || !id || !out)
		return -EINVAL;
	ward_container_meta_clear(out);
	err = refresh(s, &s->ctr, diag);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s", s->root, CONTAINERS_FILE);
	err = container_in(s->ctr.doc, path, id, &rec, diag);
	if (err)
		return err;
	/* a container made from an image id has no image-name: the image's first name is
	 * what podman ps shows. images.json is optional here: a problem with it leaves the
	 * image name empty rather than hiding the container's name. */
	if ((!rec.image[0] || is_hex64(rec.image, strlen(rec.image))) && rec.image_id[0]) {
		rec.image[0] = '\0';
		if (refresh(s, &s->img, NULL) == 0) {
			snprintf(path, sizeof(path), "%s/%s", s->root, IMAGES_FILE);
			if (image_in(s->img.doc, path, rec.image_id, rec.image, sizeof(rec.image),
				     NULL) < 0)
				rec.image[0] = '\0';
		}
	}
	memcpy(out->name, rec.name, sizeof(rec.name));
	memcpy(out->image, rec.image, sizeof(rec.image));
	if (rec.image_id[0])
		snprintf(out->image_id, sizeof(out->image_id), "sha256:%s", rec.image_id);
	err = ward_image_split(out->image, out->image_repo, sizeof(out->image_repo),
			       out->image_tag, sizeof(out->image_tag));
	if (err) {
		ward_diag_set(diag, err, path, 0, 0, "container %.12s: image name too long", id);
		goto fail;
	}
	if (rec.layer[0] && ((err = set_dir(&out->merged_dir, s->root, rec.layer, "merged")) ||
			     (err = set_dir(&out->upper_dir, s->root, rec.layer, "diff"))))
		goto fail;
	return 0;
fail:
	ward_container_meta_clear(out);
	return err;
}
