// SPDX-License-Identifier: Apache-2.0
/*
 * Container images: OCI image layout directories, and docker-save / oci-archive tars read
 * in one pass from a file or a pipe (the Docker Engine API streams the same tar). In a tar,
 * layers come in whatever order the writer chose, before or after the manifest, so each
 * blob that looks like a layer is read as it passes and tagged; small JSON blobs
 * (manifests, index, config) are kept; the layer order is settled from the manifest at the
 * end and handed to layers.c. Registries are not contacted.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/hash.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "scan/layer.h"

#define MAX_JSON_BLOBS 256
#define MAX_INDEX_DEPTH 4
#define CHUNK 65536
#define MAX_ALIASES 1024     /* symlinks kept from the outer tar */
#define MAX_ALIAS_HOPS 8

struct json_blob {
	char *name;
	char *data;
	size_t len;
};

struct img {
	struct ward_scan_ctx *c;
	int dirfd;                /* OCI layout directory, or -1 for a tar */
	struct json_blob *json;
	size_t json_cnt;
	char **order;             /* resolved layer blob names, in order */
	char **digests;
	size_t order_cnt;
};

/* ---- JSON blobs: kept from the tar, or read from the layout directory ---- */

static int open_beneath(int dirfd, const char *name)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

static int read_small(int fd, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *b;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > max)
		return -WARD_E_LIMIT;
	b = ward_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);

		if (n <= 0) {
			free(b);
			return n < 0 ? -errno : -EIO;
		}
		got += (size_t)n;
	}
	b[got] = '\0';
	*out = b;
	*len = got;
	return 0;
}

static json_t *get_json(struct img *m, const char *name)
{
	struct ward_scan_ctx *c = m->c;
	json_error_t je;
	json_t *j;

	if (m->dirfd >= 0) {
		char *data;
		size_t len;
		int fd = open_beneath(m->dirfd, name), rc;

		if (fd < 0) {
			ward_diag_set(c->d, fd, name, 0, 0, "cannot open inside the layout: %s%s",
				      strerror(-fd), fd == -ELOOP || fd == -EXDEV
						      ? " (symlink or path leaving the layout)" : "");
			return NULL;
		}
		rc = read_small(fd, WARD_SCAN_MAX_JSON, &data, &len);
		close(fd);
		if (rc < 0) {
			ward_diag_set(c->d, rc, name, 0, 0, "%s", rc == -WARD_E_LIMIT
				      ? "JSON document over the size limit" : "not a readable regular file");
			return NULL;
		}
		j = json_loadb(data, len, 0, &je);
		free(data);
	} else {
		size_t i;

		for (i = 0; i < m->json_cnt; i++)
			if (!strcmp(m->json[i].name, name))
				break;
		if (i == m->json_cnt) {
			ward_diag_set(c->d, -WARD_E_NOTFOUND, c->r->target, 0, 0,
				      "the archive has no JSON document '%s'", name);
			return NULL;
		}
		j = json_loadb(m->json[i].data, m->json[i].len, 0, &je);
	}
	if (!j)
		ward_diag_set(c->d, -WARD_E_SYNTAX, name, je.line, je.column, "invalid JSON: %s", je.text);
	return j;
}

/* "sha256:<64 hex>" -> "blobs/sha256/<hex>"; anything else could point outside. */
static int digest_path(const char *digest, char *out, size_t out_len)
{
	if (!digest || strncmp(digest, "sha256:", 7) || strlen(digest) != 71)
		return -1;
	for (int i = 7; i < 71; i++)
		if (!isxdigit((unsigned char)digest[i]) || isupper((unsigned char)digest[i]))
			return -1;
	snprintf(out, out_len, "blobs/sha256/%s", digest + 7);
	return 0;
}

static void add_order(struct img *m, const char *name, const char *digest)
{
	m->order = ward_xreallocarray(m->order, m->order_cnt + 1, sizeof(char *));
	m->digests = ward_xreallocarray(m->digests, m->order_cnt + 1, sizeof(char *));
	m->order[m->order_cnt] = ward_xstrdup(name);
	m->digests[m->order_cnt++] = digest ? ward_xstrdup(digest) : NULL;
}

/* Appends blob b at the next layer position. */
static void push_order(struct ward_scan_ctx *c, uint32_t b)
{
	c->order = ward_xreallocarray(c->order, c->order_cnt + 1, sizeof(*c->order));
	c->blobs[b].idx = (int)c->order_cnt;
	c->order[c->order_cnt++] = b;
}

static int find_blob(const struct ward_scan_ctx *c, const char *name)
{
	for (size_t k = 0; k < c->blob_cnt; k++)
		if (!strcmp(c->blobs[k].name, name))
			return (int)k;
	return -1;
}

/* ---- layer order from docker's manifest.json ---- */

static int resolve_docker(struct img *m, json_t *man)
{
	struct ward_scan_ctx *c = m->c;
	json_t *first = json_array_get(man, 0), *layers, *cfg = NULL, *diff_ids = NULL, *v;
	const char *cfg_name;
	size_t i;
	int rc = 0;

	if (!json_is_object(first))
		return ward_diag_set(c->d, -WARD_E_SYNTAX, "manifest.json", 0, 0,
				     "expected an array of image objects");
	if (json_array_size(man) > 1)
		ward_warn("%s: %zu images in the archive; scanning the first", c->r->target,
			  json_array_size(man));
	layers = json_object_get(first, "Layers");
	if (!json_is_array(layers) || json_array_size(layers) > WARD_SCAN_MAX_LAYERS)
		return ward_diag_set(c->d, -WARD_E_SYNTAX, "manifest.json", 0, 0,
				     "'Layers' must be an array of at most %u paths", WARD_SCAN_MAX_LAYERS);
	cfg_name = json_string_value(json_object_get(first, "Config"));
	if (cfg_name) {
		char norm[WARD_SCAN_MAX_PATH];

		if (ward_scan_path_norm(cfg_name, norm, sizeof(norm)) != 0)
			return ward_diag_set(c->d, -WARD_E_SYNTAX, "manifest.json", 0, 0,
					     "Config '%.200s' points outside the archive", cfg_name);
		cfg = get_json(m, norm);
		diff_ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	}
	json_array_foreach(layers, i, v) {
		const char *ln = json_string_value(v);
		char norm[WARD_SCAN_MAX_PATH];

		if (!ln || ward_scan_path_norm(ln, norm, sizeof(norm)) != 0) {
			rc = ward_diag_set(c->d, -WARD_E_SYNTAX, "manifest.json", 0, 0,
					   "Layers[%zu] '%.200s' is not a path inside the archive", i,
					   ln ? ln : "(not a string)");
			break;
		}
		add_order(m, norm, json_string_value(json_array_get(diff_ids, i)));
	}
	json_decref(cfg);
	return rc;
}

/* ---- layer order from an OCI index.json (following nested indexes) ---- */

static int resolve_oci(struct img *m, json_t *idx, int depth)
{
	struct ward_scan_ctx *c = m->c;
	json_t *mans = json_object_get(idx, "manifests"), *pick = NULL, *v, *man;
	char bp[128];
	size_t i;
	int rc = 0;

	if (depth > MAX_INDEX_DEPTH)
		return ward_diag_set(c->d, -WARD_E_LIMIT, "index.json", 0, 0,
				     "image indexes nested deeper than %d", MAX_INDEX_DEPTH);
	if (!json_is_array(mans) || json_array_size(mans) == 0)
		return ward_diag_set(c->d, -WARD_E_SYNTAX, "index.json", 0, 0,
				     "no 'manifests' in the image index");
	/* a multi-platform index: prefer linux/amd64, else the first entry */
	json_array_foreach(mans, i, v) {
		json_t *pl = json_object_get(v, "platform");

		if (!pick)
			pick = v;
		if (pl && !strcmp(json_string_value(json_object_get(pl, "architecture")) ?: "", "amd64") &&
		    !strcmp(json_string_value(json_object_get(pl, "os")) ?: "", "linux")) {
			pick = v;
			break;
		}
	}
	if (digest_path(json_string_value(json_object_get(pick, "digest")), bp, sizeof(bp)))
		return ward_diag_set(c->d, -WARD_E_SYNTAX, "index.json", 0, 0,
				     "manifest digest is not sha256:<64 lowercase hex>");
	man = get_json(m, bp);
	if (!man)
		return -WARD_E_SYNTAX;
	if (json_object_get(man, "manifests")) {
		rc = resolve_oci(m, man, depth + 1);
		json_decref(man);
		return rc;
	}
	if (json_array_size(json_object_get(man, "layers")) > WARD_SCAN_MAX_LAYERS)
		rc = ward_diag_set(c->d, -WARD_E_LIMIT, bp, 0, 0, "more than %u layers",
				   WARD_SCAN_MAX_LAYERS);
	json_array_foreach(json_object_get(man, "layers"), i, v) {
		const char *dg = json_string_value(json_object_get(v, "digest"));
		char lp[128];

		if (rc < 0)
			break;
		if (digest_path(dg, lp, sizeof(lp))) {
			rc = ward_diag_set(c->d, -WARD_E_SYNTAX, bp, 0, 0,
					   "layers[%zu].digest is not sha256:<64 lowercase hex>", i);
			break;
		}
		add_order(m, lp, dg);
	}
	json_decref(man);
	return rc;
}

static int resolve(struct img *m, bool have_manifest, bool have_index)
{
	struct ward_scan_ctx *c = m->c;
	json_t *j;
	int rc;

	if (!have_manifest && !have_index)
		return ward_diag_set(c->d, -WARD_E_SYNTAX, c->r->target, 0, 0,
				     "neither manifest.json nor index.json: not a docker-save archive or OCI image");
	j = get_json(m, have_manifest ? "manifest.json" : "index.json");
	if (!j)
		return -WARD_E_SYNTAX;
	rc = have_manifest ? resolve_docker(m, j) : resolve_oci(m, j, 0);
	json_decref(j);
	return rc;
}

static void img_free(struct img *m)
{
	for (size_t i = 0; i < m->json_cnt; i++) {
		free(m->json[i].name);
		free(m->json[i].data);
	}
	free(m->json);
	for (size_t i = 0; i < m->order_cnt; i++) {
		free(m->order[i]);
		free(m->digests[i]);
	}
	free(m->order);
	free(m->digests);
}

/* ---- OCI layout directory ---- */

struct fd_src {
	int fd;
	char buf[CHUNK];
};

static ssize_t fd_read(void *arg, const void **buf)
{
	struct fd_src *s = arg;
	ssize_t n = read(s->fd, s->buf, sizeof(s->buf));

	*buf = s->buf;
	return n < 0 ? -errno : n;
}

static int scan_layout(struct ward_scan_ctx *c, const char *dir)
{
	struct img m = { .c = c };
	int rc, fd;
	struct stat st;

	m.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m.dirfd < 0)
		return ward_diag_set(c->d, -errno, dir, 0, 0, "%s", strerror(errno));
	fd = open_beneath(m.dirfd, "index.json");
	if (fd >= 0)
		close(fd);
	rc = resolve(&m, false, fd >= 0);
	for (size_t i = 0; rc == 0 && i < m.order_cnt; i++) {
		int known = find_blob(c, m.order[i]);
		uint32_t b;
		struct fd_src *s;

		/* a layer listed twice is applied twice (tree.c), read once */
		if (known >= 0) {
			push_order(c, (uint32_t)known);
			continue;
		}
		b = ward_scan_blob_add(c, m.order[i]);
		push_order(c, b);
		c->blobs[b].digest = m.digests[i] ? ward_xstrdup(m.digests[i]) : NULL;
		fd = open_beneath(m.dirfd, m.order[i]);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			rc = ward_diag_set(c->d, fd < 0 ? fd : -EINVAL, m.order[i], 0, 0,
					   "layer blob missing, not a regular file, or a symlink");
			if (fd >= 0)
				close(fd);
			break;
		}
		s = ward_xmalloc(sizeof(*s));
		s->fd = fd;
		rc = ward_scan_layer(c, b, fd_read, s, false, false);
		free(s);
		close(fd);
	}
	close(m.dirfd);
	img_free(&m);
	return rc;
}

/* ---- docker-save / oci-archive tar, one pass ---- */

struct outer_src {
	struct archive *outer;
	const char *peek;         /* bytes already read from the entry, handed out first */
	size_t peek_len;
	char buf[CHUNK];
	int err;
};

static ssize_t outer_read(void *arg, const void **buf)
{
	struct outer_src *s = arg;
	la_ssize_t n;

	if (s->peek_len) {
		*buf = s->peek;
		n = (la_ssize_t)s->peek_len;
		s->peek_len = 0;
		return n;
	}
	n = archive_read_data(s->outer, s->buf, sizeof(s->buf));
	*buf = s->buf;
	if (n < 0) {
		s->err = 1;
		return -WARD_E_SYNTAX;
	}
	return n;
}

/*
 * Names of the outer tar seen so far. Two entries with one name are read differently by
 * the tools an image goes through (docker load extracts the tar, so the last one wins;
 * skopeo and podman look a name up and take the first), so such an archive is refused:
 * whichever copy ward scanned, a runtime may run the other.
 */
struct seen {
	char **name;
	bool *is_dir;
	uint32_t *slot;           /* open addressing, index + 1 */
	size_t cnt, nslot;
};

static uint32_t *seen_find(struct seen *t, const char *name)
{
	size_t i = ward_hash64(name, strlen(name)) & (t->nslot - 1);

	while (t->slot[i] && strcmp(t->name[t->slot[i] - 1], name))
		i = (i + 1) & (t->nslot - 1);
	return &t->slot[i];
}

/* 0, or -WARD_E_SYNTAX when name was seen and the two are not both directories. */
static int seen_add(struct ward_scan_ctx *c, struct seen *t, const char *name, bool is_dir)
{
	uint32_t *sl;

	if (t->cnt >= WARD_SCAN_MAX_ENTRIES)
		return ward_diag_set(c->d, -WARD_E_LIMIT, c->r->target, 0, 0,
				     "more than %u entries in the archive", WARD_SCAN_MAX_ENTRIES);
	if (2 * (t->cnt + 1) > t->nslot) {
		size_t old = t->nslot;
		uint32_t *os = t->slot;

		t->nslot = old ? old * 4 : 256;
		t->slot = ward_xcalloc(t->nslot, sizeof(*t->slot));
		for (size_t i = 0; i < old; i++)
			if (os[i])
				*seen_find(t, t->name[os[i] - 1]) = os[i];
		free(os);
	}
	sl = seen_find(t, name);
	if (*sl) {
		if (is_dir && t->is_dir[*sl - 1])
			return 0;
		return ward_diag_set(c->d, -WARD_E_SYNTAX, c->r->target, 0, 0,
				     "entry '%.300s' appears twice in the archive: docker load keeps "
				     "the last copy, skopeo and podman read the first; refusing an "
				     "ambiguous image", name);
	}
	t->name = ward_xreallocarray(t->name, t->cnt + 1, sizeof(*t->name));
	t->is_dir = ward_xreallocarray(t->is_dir, t->cnt + 1, sizeof(*t->is_dir));
	t->name[t->cnt] = ward_xstrdup(name);
	t->is_dir[t->cnt] = is_dir;
	*sl = (uint32_t)++t->cnt;
	return 0;
}

static void seen_free(struct seen *t)
{
	for (size_t i = 0; i < t->cnt; i++)
		free(t->name[i]);
	free(t->name);
	free(t->is_dir);
	free(t->slot);
}

/*
 * Older docker save writes a layer that occurs twice once and the second as a symlink
 * ("<id2>/layer.tar -> ../<id1>/layer.tar"); docker load follows it inside the archive.
 * Kept as aliases: the symlink's name and its target resolved against its directory,
 * ".." stopping at the archive's root as it does for docker load.
 */
struct alias {
	char *name, *target;
};

static int alias_target(const char *name, const char *link, char *out, size_t out_len)
{
	size_t o = 0;
	const char *sl = strrchr(name, '/');
	char tmp[WARD_SCAN_MAX_PATH];
	int n;

	if (*link == '/')
		n = snprintf(tmp, sizeof(tmp), "%s", link);
	else
		n = snprintf(tmp, sizeof(tmp), "%.*s/%s", sl ? (int)(sl - name) : 0, name, link);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	for (char *p = tmp, *e; *p; p = e + (*e != '\0')) {
		size_t len;

		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		len = (size_t)(e - p);
		if (!len || (len == 1 && *p == '.'))
			continue;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
			continue;
		}
		if (o + len + 2 > out_len)
			return -1;
		if (o)
			out[o++] = '/';
		memcpy(out + o, p, len);
		o += len;
	}
	out[o] = '\0';
	return o ? 0 : -1;
}

static int keep_json(struct img *m, const char *name, struct archive *a, const char *head,
		     size_t head_len, int64_t size)
{
	struct json_blob *j;
	size_t got = head_len;

	if (m->json_cnt >= MAX_JSON_BLOBS)
		return ward_diag_set(m->c->d, -WARD_E_LIMIT, m->c->r->target, 0, 0,
				     "more than %d JSON documents in the archive", MAX_JSON_BLOBS);
	m->json = ward_xreallocarray(m->json, m->json_cnt + 1, sizeof(*m->json));
	j = &m->json[m->json_cnt++];
	j->name = ward_xstrdup(name);
	j->data = ward_xmalloc((size_t)size + 1);
	memcpy(j->data, head, head_len);
	while (got < (size_t)size) {
		la_ssize_t n = archive_read_data(a, j->data + got, (size_t)size - got);

		if (n <= 0)
			return ward_diag_set(m->c->d, -WARD_E_SYNTAX, m->c->r->target, 0, 0,
					     "entry '%s': truncated: %s", name,
					     n < 0 ? archive_error_string(a) : "unexpected end");
		got += (size_t)n;
	}
	j->len = got;
	return 0;
}

static int scan_tar(struct ward_scan_ctx *c, struct archive *a)
{
	struct img m = { .c = c, .dirfd = -1 };
	struct seen seen = { 0 };
	struct alias *al = NULL;
	size_t al_cnt = 0;
	struct archive_entry *e;
	struct outer_src *src = ward_xcalloc(1, sizeof(*src));
	char *head = ward_xmalloc(CHUNK);
	bool have_manifest = false, have_index = false;
	int rc = 0, r;

	src->outer = a;
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		char name[WARD_SCAN_MAX_PATH];
		const char *raw;
		la_int64_t size;
		la_ssize_t hl;
		size_t p = 0;
		uint32_t b;

		if (r < ARCHIVE_WARN) {
			rc = ward_diag_set(c->d, -WARD_E_SYNTAX, c->r->target, 0, 0, "%s",
					   archive_error_string(a));
			goto out;
		}
		raw = archive_entry_pathname(e);
		if (!raw || (rc = ward_scan_path_norm(raw, name, sizeof(name))) < 0) {
			rc = ward_diag_set(c->d, -WARD_E_SYNTAX, c->r->target, 0, 0,
					   "entry '%.200s': absolute path, '..' or over-long name",
					   raw ? raw : "(unnamed)");
			goto out;
		}
		if (rc == 1)
			continue; /* the root itself */
		rc = seen_add(c, &seen, name, archive_entry_filetype(e) == AE_IFDIR);
		if (rc < 0)
			goto out;
		if (archive_entry_filetype(e) == AE_IFLNK && archive_entry_symlink(e)) {
			char tg[WARD_SCAN_MAX_PATH];

			if (al_cnt < MAX_ALIASES &&
			    alias_target(name, archive_entry_symlink(e), tg, sizeof(tg)) == 0) {
				al = ward_xreallocarray(al, al_cnt + 1, sizeof(*al));
				al[al_cnt].name = ward_xstrdup(name);
				al[al_cnt++].target = ward_xstrdup(tg);
			}
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
			continue;
		size = archive_entry_size(e);
		if (size < 0 || (uint64_t)size > WARD_SCAN_MAX_ENTRY_BYTES) {
			rc = ward_diag_set(c->d, -WARD_E_LIMIT, c->r->target, 0, 0,
					   "entry '%s' claims an absurd size", name);
			goto out;
		}
		hl = archive_read_data(a, head, CHUNK);
		if (hl < 0) {
			rc = ward_diag_set(c->d, -WARD_E_SYNTAX, c->r->target, 0, 0, "entry '%s': %s",
					   name, archive_error_string(a));
			goto out;
		}
		while (p < (size_t)hl && isspace((unsigned char)head[p]))
			p++;
		if (!strcmp(name, "manifest.json") || !strcmp(name, "index.json") ||
		    (p < (size_t)hl && (head[p] == '{' || head[p] == '[') &&
		     size <= WARD_SCAN_MAX_JSON)) {
			if (size > WARD_SCAN_MAX_JSON) {
				rc = ward_diag_set(c->d, -WARD_E_LIMIT, c->r->target, 0, 0,
						   "entry '%s' is over the JSON size limit", name);
				goto out;
			}
			have_manifest |= !strcmp(name, "manifest.json");
			have_index |= !strcmp(name, "index.json");
			rc = keep_json(&m, name, a, head, (size_t)hl, size);
			if (rc < 0)
				goto out;
			continue;
		}
		/* oci-layout, repositories, configs are not archives: the probe says so (a gzip
		 * layer can be smaller than one tar block, so size says nothing) */
		b = ward_scan_blob_add(c, name);
		src->peek = head;
		src->peek_len = (size_t)hl;
		rc = ward_scan_layer(c, b, outer_read, src, true, false);
		if (rc < 0)
			goto out;
		rc = 0; /* 1: not an archive, just another blob */
	}
	rc = resolve(&m, have_manifest, have_index);
	for (size_t i = 0; rc == 0 && i < m.order_cnt; i++) {
		const char *want = m.order[i];
		int k = find_blob(c, want);

		for (int hop = 0; k < 0 && hop < MAX_ALIAS_HOPS; hop++) {
			size_t j;

			for (j = 0; j < al_cnt && strcmp(al[j].name, want); j++)
				;
			if (j == al_cnt)
				break;
			want = al[j].target;
			k = find_blob(c, want);
		}
		if (k < 0) {
			rc = ward_diag_set(c->d, -WARD_E_NOTFOUND, c->r->target, 0, 0,
					   "the manifest lists layer '%s' but the archive has no such layer",
					   m.order[i]);
			break;
		}
		/* a layer listed twice is applied twice, as runtimes do (tree.c) */
		push_order(c, (uint32_t)k);
		if (m.digests[i] && !c->blobs[k].digest)
			c->blobs[k].digest = ward_xstrdup(m.digests[i]);
		if (!c->blobs[k].digest && !strncmp(want, "blobs/sha256/", 13)) {
			char dg[80];

			snprintf(dg, sizeof(dg), "sha256:%.64s", want + 13);
			c->blobs[k].digest = ward_xstrdup(dg);
		}
	}
out:
	for (size_t i = 0; i < al_cnt; i++) {
		free(al[i].name);
		free(al[i].target);
	}
	free(al);
	seen_free(&seen);
	free(head);
	free(src);
	img_free(&m);
	return rc;
}

static int scan_tar_archive(struct ward_scan_ctx *c, struct archive *a, int open_rc)
{
	if (open_rc != ARCHIVE_OK)
		return ward_diag_set(c->d, -WARD_E_SYNTAX, c->r->target, 0, 0, "%s",
				     archive_error_string(a));
	return scan_tar(c, a);
}

static struct archive *outer_new(void)
{
	struct archive *a = archive_read_new();

	/* docker save | gzip is common in CI artifacts */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	return a;
}

int ward_scan_image(const struct ward_scan_opts *o, const char *path, struct ward_scan_result **out,
		    struct ward_diag *d)
{
	struct ward_scan_ctx c;
	struct stat st;
	int rc;

	ward_scan_ctx_init(&c, o, path, "image", d);
	c.layered = true;
	if (stat(path, &st) < 0) {
		rc = ward_diag_set(d, -errno, path, 0, 0, "%s", strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		rc = scan_layout(&c, path);
	} else {
		struct archive *a = outer_new();

		rc = scan_tar_archive(&c, a, archive_read_open_filename(a, path, CHUNK));
		archive_read_free(a);
	}
	return ward_scan_conclude(&c, rc, out);
}

int ward_scan_image_stream(const struct ward_scan_opts *o, int fd, const char *name,
			   struct ward_scan_result **out, struct ward_diag *d)
{
	struct ward_scan_ctx c;
	struct archive *a = outer_new();
	int rc;

	ward_scan_ctx_init(&c, o, name, "image", d);
	c.layered = true;
	rc = scan_tar_archive(&c, a, archive_read_open_fd(a, fd, CHUNK));
	archive_read_free(a);
	return ward_scan_conclude(&c, rc, out);
}
