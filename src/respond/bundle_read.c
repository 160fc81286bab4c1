// SPDX-License-Identifier: Apache-2.0
/*
 * Verifying a forensic bundle. The archive is untrusted input: entry count, path length,
 * manifest size and total bytes are bounded, entries are streamed through SHA-256 and never
 * held in memory (except the manifest, signature and key, each bounded). Every artifact the
 * manifest lists must be present once with the listed size and hash, nothing unlisted may be
 * present, and the manifest must carry a valid signature. After the end-of-archive marker only
 * zero padding to the end of the tar record may follow: libarchive's tar reader stops at the
 * marker, but `tar -i` and other readers go on and would find members we never checked.
 * Not an extractor: nothing is ever written to disk.
 */
#include "respond/bundle.h"

#include "common/limits.h"
#include "common/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_BLOCK 10240
/* tar's default record (blocking factor 20): GNU tar and bsdtar pad the archive to it */
#define TAR_RECORD 10240u

/* The tar reader is fed the uncompressed stream by hand (pull()) rather than opening the
 * file itself, so that the bytes after the end-of-archive marker, which it never reads, can
 * still be checked. */
struct stream {
	struct archive *raw;  /* the input with its zstd filter, read as one raw entry */
	uint64_t delivered;   /* uncompressed bytes read from raw so far */
	uint64_t nonzero_end; /* offset just past the last non-zero byte read */
};

struct seen {
	uint64_t size;
	char sha[2 * WARD_SHA256_LEN + 1];
	bool matched;
};

__attribute__((format(printf, 4, 5)))
static int fail(struct ward_bundle_report *r, int err, const char *artifact, const char *fmt, ...)
{
	va_list ap;

	if (artifact)
		snprintf(r->failed, sizeof(r->failed), "%s", artifact);
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return err;
}

static int read_small(struct archive *a, struct ward_buf *b, size_t max, int64_t size,
		      struct ward_bundle_report *r, const char *name)
{
	char chunk[4096];
	la_ssize_t n;

	if (b->len)
		return fail(r, -WARD_E_SYNTAX, name, "%s appears twice", name);
	if (size < 0 || (uint64_t)size > max)
		return fail(r, -WARD_E_LIMIT, name, "%s is larger than %zu bytes", name, max);
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
		if (ward_buf_append(b, chunk, (size_t)n))
			return fail(r, -WARD_E_LIMIT, name, "%s is larger than %zu bytes", name, max);
	if (n < 0)
		return fail(r, -WARD_E_SYNTAX, name, "corrupt archive data in %s: %s", name,
			    archive_error_string(a) ? archive_error_string(a) : "read error");
	if (!b->len)
		return fail(r, -WARD_E_SYNTAX, name, "%s is empty", name);
	return 0;
}

static int hash_entry(struct archive *a, EVP_MD_CTX *ctx, char *chunk, struct seen *s,
		      uint64_t *total, struct ward_bundle_report *r, const char *name)
{
	uint8_t sha[WARD_SHA256_LEN];
	unsigned int sha_len = 0;
	la_ssize_t n;

	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		return -ENOMEM;
	s->size = 0;
	while ((n = archive_read_data(a, chunk, READ_BLOCK)) > 0) {
		s->size += (uint64_t)n;
		*total += (uint64_t)n;
		if (*total > WARD_BUNDLE_MAX_TOTAL)
			return fail(r, -WARD_E_LIMIT, name, "bundle holds more than %llu bytes",
				    (unsigned long long)WARD_BUNDLE_MAX_TOTAL);
		if (EVP_DigestUpdate(ctx, chunk, (size_t)n) != 1)
			return -EIO;
	}
	if (n < 0)
		return fail(r, -WARD_E_SYNTAX, name, "corrupt archive data in %s: %s", name,
			    archive_error_string(a) ? archive_error_string(a) : "read error");
	if (EVP_DigestFinal_ex(ctx, sha, &sha_len) != 1)
		return -EIO;
	ward_hex(sha, sizeof(sha), s->sha);
	return 0;
}

static int check_manifest(json_t *seen, const struct ward_buf *man, json_t **root_out,
			  struct ward_bundle_report *r)
{
	json_error_t jerr;
	json_t *root, *arts, *it;
	const char *key;
	size_t i;

	root = json_loadb(man->data, man->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root))
		return fail(r, -WARD_E_SYNTAX, WARD_BUNDLE_MANIFEST,
			    "manifest.json is not a JSON object (line %d: %s)", jerr.line, jerr.text);
	*root_out = root;
	if (!json_is_string(json_object_get(root, "format")) ||
	    strcmp(json_string_value(json_object_get(root, "format")), WARD_BUNDLE_FORMAT) != 0)
		return fail(r, -WARD_E_SYNTAX, WARD_BUNDLE_MANIFEST, "not a ward forensic bundle");
	if (json_integer_value(json_object_get(root, "version")) != WARD_BUNDLE_VERSION)
		return fail(r, -WARD_E_VERSION, WARD_BUNDLE_MANIFEST,
			    "bundle format version is not %d", WARD_BUNDLE_VERSION);
	arts = json_object_get(root, "artifacts");
	if (!json_is_array(arts))
		return fail(r, -WARD_E_SYNTAX, WARD_BUNDLE_MANIFEST, "manifest has no artifact list");
	json_array_foreach(arts, i, it) {
		json_t *jp = json_object_get(it, "path"), *js = json_object_get(it, "size"),
		       *jh = json_object_get(it, "sha256");
		const char *path, *sha;
		struct seen *s;

		if (!json_is_string(jp) || !json_is_integer(js) || !json_is_string(jh))
			return fail(r, -WARD_E_SYNTAX, WARD_BUNDLE_MANIFEST,
				    "manifest artifact %zu lacks path, size or sha256", i);
		path = json_string_value(jp);
		sha = json_string_value(jh);
		s = json_integer_value(json_object_get(seen, path)) ?
			    (struct seen *)(uintptr_t)json_integer_value(json_object_get(seen, path)) :
			    NULL;
		if (!s)
			return fail(r, -WARD_E_INTEGRITY, path, "artifact %s is missing from the bundle",
				    path);
		if (s->matched)
			return fail(r, -WARD_E_SYNTAX, path, "artifact %s is listed twice", path);
		s->matched = true;
		if ((uint64_t)json_integer_value(js) != s->size)
			return fail(r, -WARD_E_INTEGRITY, path,
				    "artifact %s: size %llu, manifest says %lld", path,
				    (unsigned long long)s->size, (long long)json_integer_value(js));
		if (strcmp(sha, s->sha) != 0)
			return fail(r, -WARD_E_INTEGRITY, path,
				    "artifact %s: SHA-256 %s does not match the manifest (%.64s)", path,
				    s->sha, sha);
		r->artifact_cnt++;
		r->artifact_bytes += s->size;
	}
	json_object_foreach(seen, key, it) {
		struct seen *s = (struct seen *)(uintptr_t)json_integer_value(it);

		if (!s->matched)
			return fail(r, -WARD_E_INTEGRITY, key,
				    "entry %s is in the bundle but not in the manifest", key);
	}
	return 0;
}

/* Next block of the uncompressed stream: 1 with data, 0 at its end, -1 on error. */
static int stream_next(struct stream *s, const void **p, size_t *n)
{
	la_int64_t off;
	int rc = archive_read_data_block(s->raw, p, n, &off);

	if (rc == ARCHIVE_EOF)
		return 0;
	if (rc != ARCHIVE_OK)
		return -1;
	/* from the end back: data blocks stop at once, only zero runs are scanned whole */
	for (size_t i = *n; i > 0; i--)
		if (((const uint8_t *)*p)[i - 1]) {
			s->nonzero_end = s->delivered + i;
			break;
		}
	s->delivered += *n;
	return 1;
}

static la_ssize_t pull(struct archive *tar, void *ud, const void **buf)
{
	struct stream *s = ud;
	size_t n = 0;
	int rc = stream_next(s, buf, &n);

	if (rc < 0) {
		archive_set_error(tar, EIO, "%s", archive_error_string(s->raw) ?
							archive_error_string(s->raw) : "read error");
		return -1;
	}
	return rc ? (la_ssize_t)n : 0;
}

/* After the tar reader's ARCHIVE_EOF: the rest of the stream must be zeros and end within
 * the tar record the marker ends in. Reads at most one record past the marker. */
static int check_tail(struct stream *s, struct archive *tar, struct ward_bundle_report *r)
{
	uint64_t end = (uint64_t)archive_filter_bytes(tar, 0);
	uint64_t pad_end = (end + TAR_RECORD - 1) / TAR_RECORD * TAR_RECORD;
	const void *p;
	size_t n;
	int rc;

	while (s->nonzero_end <= end && s->delivered <= pad_end && (rc = stream_next(s, &p, &n)))
		if (rc < 0)
			return fail(r, -WARD_E_SYNTAX, NULL,
				    "unreadable data after the end-of-archive marker at offset %llu: %s",
				    (unsigned long long)end,
				    archive_error_string(s->raw) ? archive_error_string(s->raw) :
								   "read error");
	if (s->nonzero_end > end)
		return fail(r, -WARD_E_INTEGRITY, NULL,
			    "data after the end-of-archive marker at offset %llu (non-zero bytes up "
			    "to offset %llu): other tar readers would see entries verify did not check",
			    (unsigned long long)end, (unsigned long long)s->nonzero_end);
	if (s->delivered > pad_end)
		return fail(r, -WARD_E_INTEGRITY, NULL,
			    "more than zero padding after the end-of-archive marker at offset %llu "
			    "(the %u-byte tar record ends at %llu)",
			    (unsigned long long)end, TAR_RECORD, (unsigned long long)pad_end);
	return 0;
}

static int verify_archive(struct archive *a, struct stream *st, const struct ward_hostkey *pub,
			  struct ward_bundle_report *r)
{
	struct ward_buf man, sig, key;
	struct ward_hostkey *embedded = NULL;
	struct archive_entry *e;
	json_t *seen = json_object(), *root = NULL;
	struct seen **seen_list = NULL;
	size_t seen_cnt = 0, entries = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char *chunk = ward_xmalloc(READ_BLOCK);
	uint64_t total = 0;
	int rc, err = 0;

	ward_buf_init(&man, WARD_BUNDLE_MAX_MANIFEST);
	ward_buf_init(&sig, WARD_BUNDLE_MAX_SMALL);
	ward_buf_init(&key, WARD_BUNDLE_MAX_SMALL);
	if (!seen || !ctx) {
		err = -ENOMEM;
		goto out;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		int64_t size = archive_entry_size(e);

		if (++entries > WARD_BUNDLE_MAX_ENTRIES) {
			err = fail(r, -WARD_E_LIMIT, NULL, "more than %d entries",
				   WARD_BUNDLE_MAX_ENTRIES);
			goto out;
		}
		if (!name || !*name || strlen(name) > WARD_BUNDLE_MAX_PATH) {
			err = fail(r, -WARD_E_SYNTAX, NULL, "entry %zu has no usable name", entries);
			goto out;
		}
		if (archive_entry_filetype(e) != AE_IFREG) {
			err = fail(r, -WARD_E_INTEGRITY, name, "entry %s is not a regular file", name);
			goto out;
		}
		if (strcmp(name, WARD_BUNDLE_MANIFEST) == 0)
			err = read_small(a, &man, WARD_BUNDLE_MAX_MANIFEST, size, r, name);
		else if (strcmp(name, WARD_BUNDLE_SIG) == 0)
			err = read_small(a, &sig, WARD_BUNDLE_MAX_SMALL, size, r, name);
		else if (strcmp(name, WARD_BUNDLE_PUBKEY) == 0)
			err = read_small(a, &key, WARD_BUNDLE_MAX_SMALL, size, r, name);
		else {
			struct seen *s;

			if (json_object_get(seen, name)) {
				err = fail(r, -WARD_E_INTEGRITY, name, "entry %s appears twice", name);
				goto out;
			}
			s = ward_xcalloc(1, sizeof(*s));
			seen_list = ward_xreallocarray(seen_list, seen_cnt + 1, sizeof(*seen_list));
			seen_list[seen_cnt++] = s;
			/* the pointer rides in a jansson integer: the object is our hash map */
			if (json_object_set_new(seen, name, json_integer((json_int_t)(uintptr_t)s))) {
				err = -ENOMEM;
				goto out;
			}
			err = hash_entry(a, ctx, chunk, s, &total, r, name);
		}
		if (err)
			goto out;
	}
	if (rc != ARCHIVE_EOF) {
		err = fail(r, -WARD_E_SYNTAX, NULL, "corrupt or unreadable archive after %zu entries: %s",
			   entries, archive_error_string(a) ? archive_error_string(a) : "read error");
		goto out;
	}
	err = check_tail(st, a, r);
	if (err)
		goto out;
	if (!man.len) {
		err = fail(r, -WARD_E_SYNTAX, WARD_BUNDLE_MANIFEST, "no manifest.json: not a bundle");
		goto out;
	}
	r->manifest = ward_xmalloc(man.len + 1);
	memcpy(r->manifest, man.data, man.len);
	r->manifest[man.len] = '\0';
	r->manifest_len = man.len;
	err = check_manifest(seen, &man, &root, r);
	if (err)
		goto out;
	if (!sig.len) {
		err = fail(r, -WARD_E_INTEGRITY, WARD_BUNDLE_SIG, "the bundle is not signed");
		goto out;
	}
	if (!pub) {
		if (!key.len) {
			err = fail(r, -WARD_E_INTEGRITY, WARD_BUNDLE_PUBKEY,
				   "no embedded public key and none given");
			goto out;
		}
		err = ward_hostkey_from_pub_pem(key.data, key.len, &embedded);
		if (err) {
			err = fail(r, -WARD_E_INTEGRITY, WARD_BUNDLE_PUBKEY,
				   "embedded public key is unusable: %s", ward_strerror(err));
			goto out;
		}
		pub = embedded;
	} else {
		r->key_pinned = true;
	}
	ward_hostkey_fingerprint(pub, r->key_fpr);
	err = ward_hostkey_verify(pub, man.data, man.len, sig.data, sig.len);
	if (err) {
		err = fail(r, -WARD_E_INTEGRITY, WARD_BUNDLE_MANIFEST,
			   "the signature over manifest.json does not verify with key %.16s...",
			   r->key_fpr);
		goto out;
	}
	r->sig_ok = true;
out:
	for (size_t i = 0; i < seen_cnt; i++)
		free(seen_list[i]);
	free(seen_list);
	json_decref(seen);
	json_decref(root);
	ward_hostkey_free(embedded);
	EVP_MD_CTX_free(ctx);
	free(chunk);
	ward_buf_free(&man);
	ward_buf_free(&sig);
	ward_buf_free(&key);
	return err;
}

/* Opens the decompressing raw reader in s->raw (already opened on the input by the caller)
 * and the tar reader that pulls from it, then verifies. what names the input in messages. */
static int verify_stream(struct stream *s, const char *what, const struct ward_hostkey *pub,
			 struct ward_bundle_report *r)
{
	struct archive_entry *e;
	struct archive *tar;
	int err;

	if (archive_read_next_header(s->raw, &e) != ARCHIVE_OK)
		return fail(r, -WARD_E_SYNTAX, NULL, "%s is unreadable: %s", what,
			    archive_error_string(s->raw) ? archive_error_string(s->raw) :
							   "unknown format");
	tar = archive_read_new();
	if (!tar)
		return -ENOMEM;
	/* only what the writer produces: tar, plain or zstd (the filter sits on s->raw) */
	archive_read_support_format_tar(tar);
	if (archive_read_open(tar, s, NULL, pull, NULL) != ARCHIVE_OK)
		err = fail(r, -WARD_E_SYNTAX, NULL, "%s is not a tar archive: %s", what,
			   archive_error_string(tar) ? archive_error_string(tar) : "unknown format");
	else
		err = verify_archive(tar, s, pub, r);
	archive_read_free(tar);
	return err;
}

static struct archive *raw_new(void)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	archive_read_support_filter_zstd(a);
	archive_read_support_format_raw(a);
	return a;
}

int ward_bundle_verify_file(const char *path, const struct ward_hostkey *pub,
			    struct ward_bundle_report *r)
{
	struct stream s = { 0 };
	int fd, err;

	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(r, -errno, NULL, "%s: %s", path, strerror(errno));
	s.raw = raw_new();
	if (!s.raw) {
		close(fd);
		return -ENOMEM;
	}
	if (archive_read_open_fd(s.raw, fd, READ_BLOCK) != ARCHIVE_OK)
		err = fail(r, -WARD_E_SYNTAX, NULL, "%s is not a tar archive: %s", path,
			   archive_error_string(s.raw) ? archive_error_string(s.raw) :
							 "unknown format");
	else
		err = verify_stream(&s, path, pub, r);
	archive_read_free(s.raw);
	close(fd);
	return err;
}

int ward_bundle_verify_mem(const void *data, size_t len, const struct ward_hostkey *pub,
			   struct ward_bundle_report *r)
{
	struct stream s = { 0 };
	int err;

	memset(r, 0, sizeof(*r));
	s.raw = raw_new();
	if (!s.raw)
		return -ENOMEM;
	if (archive_read_open_memory(s.raw, data, len) != ARCHIVE_OK)
		err = fail(r, -WARD_E_SYNTAX, NULL, "not a tar archive: %s",
			   archive_error_string(s.raw) ? archive_error_string(s.raw) :
							 "unknown format");
	else
		err = verify_stream(&s, "the bundle", pub, r);
	archive_read_free(s.raw);
	return err;
}

void ward_bundle_report_free(struct ward_bundle_report *r)
{
	if (!r)
		return;
	free(r->manifest);
	r->manifest = NULL;
}
