// SPDX-License-Identifier: Apache-2.0
/*
 * Container metadata documents: Docker Engine inspect JSON in, capture-file JSON out and back
 * in, and the image repository/tag split. Everything here works on memory handed in by the
 * caller (bounded by WARD_DOCKER_MAX_RESPONSE) with jansson; it does not talk to the engine
 * (docker_api.c) nor keep any table (container.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/err.h"
#include "common/limits.h"
#include "events/container_meta.h"

#define LABEL_POD_NAME "io.kubernetes.pod.name"
#define LABEL_POD_NS "io.kubernetes.pod.namespace"
#define LABEL_POD_UID "io.kubernetes.pod.uid"
#define LABEL_CONTAINER_NAME "io.kubernetes.container.name"

void ward_container_meta_clear(struct ward_container *c)
{
	if (!c)
		return;
	free(c->labels_json);
	free(c->merged_dir);
	free(c->upper_dir);
	c->labels_json = c->merged_dir = c->upper_dir = NULL;
	c->name[0] = c->image[0] = c->image_repo[0] = c->image_tag[0] = '\0';
	c->image_id[0] = c->pod_name[0] = c->pod_ns[0] = '\0';
	c->privileged = false;
}

/* Copies s into a fixed slot; too long is an error, not a silent cut. */
static int put(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -WARD_E_LIMIT;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Optional string member of obj into a slot; absent or null leaves the slot empty. */
static int get_str(json_t *obj, const char *key, char *dst, size_t cap)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -WARD_E_SYNTAX;
	return put(dst, cap, json_string_value(v), json_string_length(v));
}

static int get_dup(json_t *obj, const char *key, char **dst)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -WARD_E_SYNTAX;
	if (json_string_length(v) >= WARD_CGROUP_PATH_MAX)
		return -WARD_E_LIMIT;
	*dst = strndup(json_string_value(v), json_string_length(v));
	return *dst ? 0 : -ENOMEM;
}

int ward_image_split(const char *image, char *repo, size_t repo_cap, char *tag, size_t tag_cap)
{
	const char *at, *slash, *colon, *end;
	size_t n = strlen(image);
	int err;

	repo[0] = tag[0] = '\0';
	if (n == 0 || strncmp(image, "sha256:", 7) == 0)
		return 0;
	at = memchr(image, '@', n);
	end = at ? at : image + n;
	/* a ':' after the last '/' separates the tag; one before it is a registry port */
	slash = memrchr(image, '/', (size_t)(end - image));
	colon = memrchr(slash ? slash : image, ':', (size_t)(end - (slash ? slash : image)));
	if (colon) {
		err = put(repo, repo_cap, image, (size_t)(colon - image));
		if (!err)
			err = put(tag, tag_cap, colon + 1, (size_t)(end - colon - 1));
	} else {
		err = put(repo, repo_cap, image, (size_t)(end - image));
		/* a digest pins the image without a tag; no tag and no digest means latest */
		if (!err && !at)
			err = put(tag, tag_cap, "latest", 6);
	}
	if (err)
		repo[0] = tag[0] = '\0';
	return err;
}

/*
 * Keeps at most WARD_DOCKER_MAX_LABELS string labels, each key and value shorter than
 * WARD_DOCKER_MAX_LABEL_LEN; the rest are dropped so one container cannot make every event
 * that mentions it huge. The k8s fields are read from the full set first.
 */
static int take_labels(json_t *labels, struct ward_container *out)
{
	json_t *kept, *v;
	const char *k;
	size_t cnt = 0;
	int err = 0;

	if (!labels || json_is_null(labels))
		return 0;
	if (!json_is_object(labels))
		return -WARD_E_SYNTAX;
	if ((err = get_str(labels, LABEL_POD_NAME, out->pod_name, sizeof(out->pod_name))) ||
	    (err = get_str(labels, LABEL_POD_NS, out->pod_ns, sizeof(out->pod_ns))))
		return err;
	/* a uid that does not fit a UUID is ignored rather than fatal: it is only a label */
	if (get_str(labels, LABEL_POD_UID, out->pod_uid, sizeof(out->pod_uid)))
		out->pod_uid[0] = '\0';
	/* a Kubernetes container is known by its name in the pod spec */
	if (get_str(labels, LABEL_CONTAINER_NAME, out->name, sizeof(out->name)))
		return -WARD_E_LIMIT;

	kept = json_object();
	if (!kept)
		return -ENOMEM;
	json_object_foreach(labels, k, v) {
		if (cnt >= WARD_DOCKER_MAX_LABELS)
			break;
		if (!json_is_string(v) || strlen(k) >= WARD_DOCKER_MAX_LABEL_LEN ||
		    json_string_length(v) >= WARD_DOCKER_MAX_LABEL_LEN)
			continue;
		if (json_object_set(kept, k, v)) {
			err = -ENOMEM;
			goto out;
		}
		cnt++;
	}
	if (cnt) {
		out->labels_json = json_dumps(kept, JSON_COMPACT);
		if (!out->labels_json)
			err = -ENOMEM;
	}
out:
	json_decref(kept);
	return err;
}

static json_t *load(const char *json, size_t len, int *err)
{
	json_error_t jerr;
	json_t *root;

	if (!json || len > WARD_DOCKER_MAX_RESPONSE) {
		*err = json ? -WARD_E_LIMIT : -EINVAL;
		return NULL;
	}
	/* jansson bounds nesting depth itself, so hostile nesting cannot exhaust the stack */
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		*err = -WARD_E_SYNTAX;
		return NULL;
	}
	*err = 0;
	return root;
}

int ward_docker_parse_inspect(const char *json, size_t len, const char *want_id,
			      struct ward_container *out)
{
	json_t *root, *config, *host, *gd, *data, *id, *name, *priv;
	int err;

	ward_container_meta_clear(out);
	root = load(json, len, &err);
	if (!root)
		return err;

	id = json_object_get(root, "Id");
	if (!json_is_string(id)) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	if (want_id && strcmp(json_string_value(id), want_id) != 0) {
		err = -WARD_E_NOTFOUND;
		goto out;
	}
	config = json_object_get(root, "Config");
	if (config && !json_is_object(config) && !json_is_null(config)) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	if (json_is_object(config)) {
		if ((err = get_str(config, "Image", out->image, sizeof(out->image))) ||
		    (err = take_labels(json_object_get(config, "Labels"), out)))
			goto out;
	}
	/* Docker names start with '/' (the legacy link namespace) */
	name = json_object_get(root, "Name");
	if (!out->name[0] && json_is_string(name)) {
		const char *s = json_string_value(name);
		size_t n = json_string_length(name);

		if (n && s[0] == '/') {
			s++;
			n--;
		}
		if ((err = put(out->name, sizeof(out->name), s, n)))
			goto out;
	}
	if ((err = get_str(root, "Image", out->image_id, sizeof(out->image_id))))
		goto out;
	host = json_object_get(root, "HostConfig");
	priv = json_is_object(host) ? json_object_get(host, "Privileged") : NULL;
	out->privileged = json_is_true(priv);
	gd = json_object_get(root, "GraphDriver");
	data = json_is_object(gd) ? json_object_get(gd, "Data") : NULL;
	if (json_is_object(data)) {
		if ((err = get_dup(data, "MergedDir", &out->merged_dir)) ||
		    (err = get_dup(data, "UpperDir", &out->upper_dir)))
			goto out;
	}
	err = ward_image_split(out->image, out->image_repo, sizeof(out->image_repo),
			       out->image_tag, sizeof(out->image_tag));
out:
	if (err)
		ward_container_meta_clear(out);
	json_decref(root);
	return err;
}

static int set_s(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, json_string(v ? v : ""));
}

char *ward_container_meta_json(const struct ward_container *c)
{
	json_t *o, *labels = NULL;
	char *s = NULL;
	int err = 0;

	if (!c)
		return NULL;
	o = json_object();
	if (!o)
		return NULL;
	err |= set_s(o, "id", c->id);
	err |= set_s(o, "runtime", ward_runtime_name(c->runtime));
	err |= set_s(o, "pod_uid", c->pod_uid);
	err |= set_s(o, "name", c->name);
	err |= set_s(o, "image", c->image);
	err |= set_s(o, "image_repo", c->image_repo);
	err |= set_s(o, "image_tag", c->image_tag);
	err |= set_s(o, "image_id", c->image_id);
	err |= set_s(o, "pod_name", c->pod_name);
	err |= set_s(o, "pod_ns", c->pod_ns);
	err |= json_object_set_new(o, "privileged", json_boolean(c->privileged));
	if (c->labels_json)
		labels = json_loads(c->labels_json, 0, NULL);
	err |= json_object_set_new(o, "labels", labels ? labels : json_object());
	err |= set_s(o, "merged_dir", c->merged_dir);
	err |= set_s(o, "upper_dir", c->upper_dir);
	if (!err)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static int runtime_parse(const char *name, enum ward_runtime *rt)
{
	for (int i = WARD_RT_HOST; i <= WARD_RT_KUBEPODS; i++) {
		if (strcmp(name, ward_runtime_name((enum ward_runtime)i)) == 0) {
			*rt = (enum ward_runtime)i;
			return 0;
		}
	}
	return -WARD_E_SYNTAX;
}

int ward_container_meta_parse(const char *json, size_t len, struct ward_container *out)
{
	struct { const char *key; char *dst; size_t cap; } strs[] = {
		{ "id", out->id, sizeof(out->id) },
		{ "pod_uid", out->pod_uid, sizeof(out->pod_uid) },
		{ "name", out->name, sizeof(out->name) },
		{ "image", out->image, sizeof(out->image) },
		{ "image_repo", out->image_repo, sizeof(out->image_repo) },
		{ "image_tag", out->image_tag, sizeof(out->image_tag) },
		{ "image_id", out->image_id, sizeof(out->image_id) },
		{ "pod_name", out->pod_name, sizeof(out->pod_name) },
		{ "pod_ns", out->pod_ns, sizeof(out->pod_ns) },
	};
	json_t *root, *v, *labels, *rt;
	int err = 0;

	memset(out, 0, sizeof(*out));
	root = load(json, len, &err);
	if (!root)
		return err;
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]) && !err; i++)
		err = get_str(root, strs[i].key, strs[i].dst, strs[i].cap);
	if (err)
		goto out;
	if (!out->id[0]) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	rt = json_object_get(root, "runtime");
	if (rt && (!json_is_string(rt) || runtime_parse(json_string_value(rt), &out->runtime))) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	v = json_object_get(root, "privileged");
	if (v && !json_is_boolean(v)) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	out->privileged = json_is_true(v);
	if ((err = get_dup(root, "merged_dir", &out->merged_dir)) ||
	    (err = get_dup(root, "upper_dir", &out->upper_dir)))
		goto out;
	labels = json_object_get(root, "labels");
	if (labels && !json_is_object(labels)) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	if (json_object_size(labels) > WARD_DOCKER_MAX_LABELS) {
		err = -WARD_E_LIMIT;
		goto out;
	}
	{
		const char *k;
		json_t *lv;

		/* the same shape and bounds as labels taken from the engine */
		json_object_foreach(labels, k, lv) {
			if (!json_is_string(lv)) {
				err = -WARD_E_SYNTAX;
				goto out;
			}
			if (strlen(k) >= WARD_DOCKER_MAX_LABEL_LEN ||
			    json_string_length(lv) >= WARD_DOCKER_MAX_LABEL_LEN) {
				err = -WARD_E_LIMIT;
				goto out;
			}
		}
	}
	if (json_object_size(labels)) {
		out->labels_json = json_dumps(labels, JSON_COMPACT);
		if (!out->labels_json)
			err = -ENOMEM;
	}
	/* empty strings written for absent paths read back as absent */
	if (!err && out->merged_dir && !out->merged_dir[0]) {
		free(out->merged_dir);
		out->merged_dir = NULL;
	}
	if (!err && out->upper_dir && !out->upper_dir[0]) {
		free(out->upper_dir);
		out->upper_dir = NULL;
	}
out:
	if (err)
		ward_container_meta_clear(out);
	json_decref(root);
	return err;
}
