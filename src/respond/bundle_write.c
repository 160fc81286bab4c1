// SPDX-License-Identifier: Apache-2.0
/*
 * Writing a forensic bundle: artifacts are streamed into a tar (libarchive, pax format,
 * optional zstd) and hashed on the way; at the end the manifest, its signature and the
 * public key are appended. A bundle that was not finished is deleted, so a half-written file
 * is never mistaken for evidence. Not the collector (collect.c decides what goes in).
 */
#include "respond/bundle.h"

#include "common/jsonw.h"
#include "common/limits.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WRITE_CHUNK (256u << 10)

struct artifact {
	char *name;
	uint64_t size;
	char sha[2 * WARD_SHA256_LEN + 1];
	bool truncated;
};

struct ward_bundle_writer {
	struct archive *a;
	int fd;
	char *path;
	bool finished;
	bool failed;
	struct artifact *arts;
	size_t arts_cnt, arts_cap;
	uint64_t bytes;
	time_t mtime;
};

static la_ssize_t out_write(struct archive *a, void *ud, const void *buf, size_t len)
{
	struct ward_bundle_writer *w = ud;
	ssize_t n;

	do
		n = write(w->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "%s: %s", w->path, strerror(errno));
		return -1;
	}
	return n;
}

int ward_bundle_writer_open(const char *path, bool zstd, struct ward_bundle_writer **out)
{
	struct ward_bundle_writer *w;
	int fd, err = -EIO;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	w = ward_xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->path = ward_xstrdup(path);
	w->mtime = time(NULL);
	w->a = archive_write_new();
	if (!w->a)
		goto fail;
	if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK)
		goto fail;
	if (zstd && archive_write_add_filter_zstd(w->a) != ARCHIVE_OK) {
		err = -WARD_E_UNSUPPORTED;
		goto fail;
	}
	/* our own write callback rather than archive_write_open_fd, so that a failed write is
	 * ours to see (and the torture tests can fail it); no padding after the marker */
	archive_write_set_bytes_in_last_block(w->a, 1);
	if (archive_write_open2(w->a, w, NULL, out_write, NULL, NULL) != ARCHIVE_OK)
		goto fail;
	*out = w;
	return 0;
fail:
	ward_bundle_writer_free(w);
	return err;
}

static bool reserved(const char *name)
{
	return strcmp(name, WARD_BUNDLE_MANIFEST) == 0 || strcmp(name, WARD_BUNDLE_SIG) == 0 ||
	       strcmp(name, WARD_BUNDLE_PUBKEY) == 0;
}

/* A relative path of non-empty components, none "." or "..". */
static bool name_ok(const char *name)
{
	size_t len = strlen(name);
	const char *p = name;

	if (!len || len > WARD_BUNDLE_MAX_PATH || name[0] == '/')
		return false;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t l = slash ? (size_t)(slash - p) : strlen(p);

		if (l == 0 || (l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += l;
		if (*p == '/')
			p++;
		if (slash && !*p)
			return false;
	}
	return true;
}

static int header(struct ward_bundle_writer *w, const char *name, uint64_t size)
{
	struct archive_entry *e = archive_entry_new();
	int rc;

	if (!e)
		return -ENOMEM;
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, w->mtime, 0);
	rc = archive_write_header(w->a, e);
	archive_entry_free(e);
	return rc == ARCHIVE_OK ? 0 : -EIO;
}

static int put(struct ward_bundle_writer *w, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		la_ssize_t n = archive_write_data(w->a, p, len);

		if (n <= 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static struct artifact *record(struct ward_bundle_writer *w, const char *name)
{
	if (w->arts_cnt == w->arts_cap) {
		w->arts_cap = w->arts_cap ? 2 * w->arts_cap : 64;
		w->arts = ward_xreallocarray(w->arts, w->arts_cap, sizeof(*w->arts));
	}
	struct artifact *a = &w->arts[w->arts_cnt++];
	memset(a, 0, sizeof(*a));
	a->name = ward_xstrdup(name);
	return a;
}

static int check_add(struct ward_bundle_writer *w, const char *name)
{
	if (w->finished || w->failed)
		return -EINVAL;
	if (!name_ok(name) || reserved(name))
		return -EINVAL;
	if (w->arts_cnt + 3 >= WARD_BUNDLE_MAX_ENTRIES)
		return -WARD_E_LIMIT;
	return 0;
}

int ward_bundle_add(struct ward_bundle_writer *w, const char *name, const void *data, size_t len)
{
	uint8_t sha[WARD_SHA256_LEN];
	struct artifact *a;
	int err;

	err = check_add(w, name);
	if (err)
		return err;
	err = ward_sha256(data, len, sha);
	if (!err)
		err = header(w, name, len);
	if (!err)
		err = put(w, data, len);
	if (err) {
		w->failed = true; /* the tar stream is now inconsistent */
		return err;
	}
	a = record(w, name);
	a->size = len;
	ward_hex(sha, sizeof(sha), a->sha);
	w->bytes += len;
	return 0;
}

int ward_bundle_add_fd(struct ward_bundle_writer *w, const char *name, int fd, uint64_t size)
{
	EVP_MD_CTX *ctx = NULL;
	uint8_t sha[WARD_SHA256_LEN];
	unsigned int sha_len = 0;
	uint64_t done = 0;
	bool truncated = false;
	char *chunk = NULL;
	struct artifact *a;
	int err;

	err = check_add(w, name);
	if (err)
		return err;
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		err = -ENOMEM;
		goto out;
	}
	chunk = ward_xmalloc(WRITE_CHUNK);
	err = header(w, name, size);
	if (err)
		goto fail;
	while (done < size) {
		size_t want = size - done < WRITE_CHUNK ? (size_t)(size - done) : WRITE_CHUNK;
		ssize_t r = truncated ? 0 : read(fd, chunk, want);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* the header already promised size bytes: pad the rest with zeros */
			truncated = true;
			memset(chunk, 0, want);
			r = (ssize_t)want;
		}
		if (EVP_DigestUpdate(ctx, chunk, (size_t)r) != 1) {
			err = -EIO;
			goto fail;
		}
		err = put(w, chunk, (size_t)r);
		if (err)
			goto fail;
		done += (uint64_t)r;
	}
	if (EVP_DigestFinal_ex(ctx, sha, &sha_len) != 1) {
		err = -EIO;
		goto fail;
	}
	a = record(w, name);
	a->size = size;
	a->truncated = truncated;
	ward_hex(sha, sizeof(sha), a->sha);
	w->bytes += size;
	goto out;
fail:
	w->failed = true;
out:
	free(chunk);
	EVP_MD_CTX_free(ctx);
	return err;
}

void ward_bundle_counts(const struct ward_bundle_writer *w, size_t *cnt, uint64_t *bytes)
{
	*cnt = w->arts_cnt;
	*bytes = w->bytes;
}

int ward_bundle_finish(struct ward_bundle_writer *w, const char *meta_json,
		       const struct ward_hostkey *key)
{
	char ts[64], sig[WARD_SIG_HEX_LEN + 2], fpr[2 * WARD_SHA256_LEN + 1];
	struct ward_buf m, pub;
	struct ward_jw jw;
	int err;

	if (w->finished || w->failed)
		return -EINVAL;
	ward_buf_init(&m, WARD_BUNDLE_MAX_MANIFEST);
	ward_buf_init(&pub, 64u << 10);
	err = ward_hostkey_fingerprint(key, fpr);
	if (err)
		goto out;
	ward_jw_init(&jw, &m);
	ward_jw_obj_begin(&jw);
	ward_jw_kstr(&jw, "format", WARD_BUNDLE_FORMAT);
	ward_jw_kint(&jw, "version", WARD_BUNDLE_VERSION);
	ward_jw_kstr(&jw, "created", ward_time_fmt(ward_now_ns(), ts, sizeof(ts)));
	ward_jw_kstr(&jw, "hostkey_sha256", fpr);
	ward_jw_key(&jw, "meta");
	if (meta_json && *meta_json)
		ward_jw_raw(&jw, meta_json, strlen(meta_json));
	else
		ward_jw_null(&jw);
	ward_jw_key(&jw, "artifacts");
	ward_jw_arr_begin(&jw);
	for (size_t i = 0; i < w->arts_cnt; i++) {
		ward_jw_obj_begin(&jw);
		ward_jw_kstr(&jw, "path", w->arts[i].name);
		ward_jw_kuint(&jw, "size", w->arts[i].size);
		ward_jw_kstr(&jw, "sha256", w->arts[i].sha);
		if (w->arts[i].truncated)
			ward_jw_kbool(&jw, "truncated", true);
		ward_jw_obj_end(&jw);
	}
	ward_jw_arr_end(&jw);
	ward_jw_obj_end(&jw);
	err = jw.err ? jw.err : ward_buf_putc(&m, '\n');
	if (err)
		goto out;
	err = ward_hostkey_sign(key, m.data, m.len, sig);
	if (err)
		goto out;
	size_t sig_len = strlen(sig);
	sig[sig_len++] = '\n';
	err = ward_hostkey_pub_pem(key, &pub);
	if (!err)
		err = header(w, WARD_BUNDLE_MANIFEST, m.len);
	if (!err)
		err = put(w, m.data, m.len);
	if (!err)
		err = header(w, WARD_BUNDLE_SIG, sig_len);
	if (!err)
		err = put(w, sig, sig_len);
	if (!err)
		err = header(w, WARD_BUNDLE_PUBKEY, pub.len);
	if (!err)
		err = put(w, pub.data, pub.len);
	if (!err && archive_write_close(w->a) != ARCHIVE_OK)
		err = -EIO;
	if (!err && fsync(w->fd) < 0)
		err = -errno;
	if (!err)
		w->finished = true;
	else
		w->failed = true;
out:
	ward_buf_free(&m);
	ward_buf_free(&pub);
	return err;
}

void ward_bundle_writer_free(struct ward_bundle_writer *w)
{
	if (!w)
		return;
	if (w->a)
		archive_write_free(w->a);
	if (w->fd >= 0)
		close(w->fd);
	if (!w->finished && w->path)
		unlink(w->path);
	for (size_t i = 0; i < w->arts_cnt; i++)
		free(w->arts[i].name);
	free(w->arts);
	free(w->path);
	free(w);
}
