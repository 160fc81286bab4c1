// SPDX-License-Identifier: Apache-2.0
/*
 * One layer as a libarchive stream: every entry goes to ward_scan_entry; whatever content
 * walk.c leaves unread is drained here through the same checked reader, so a bomb hidden in
 * a file nobody reads is still caught. Nothing is written to disk.
 */
#include "scan/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/limits.h"

struct lstate {
	struct ward_scan_ctx *c;
	uint32_t blob;
	struct archive *a;
	ward_layer_src_fn src;
	void *src_arg;
	uint64_t raw;        /* compressed bytes handed to libarchive */
	uint64_t out;        /* uncompressed bytes read out of entries */
	uint64_t entry_size, entry_got;
	char entry[512];     /* current entry name for messages (copied: libarchive reuses) */
	int err;
	EVP_MD_CTX *md;      /* content digest of the current file, with o->files */
};

static la_ssize_t on_read(struct archive *a, void *arg, const void **buf)
{
	struct lstate *s = arg;
	ssize_t n = s->src(s->src_arg, buf);

	if (n < 0) {
		archive_set_error(a, EIO, "read error");
		s->err = (int)n;
		return -1;
	}
	s->raw += (uint64_t)n;
	return n;
}

static int check_bomb(struct lstate *s)
{
	struct ward_scan_ctx *c = s->c;

	if (s->out > WARD_SCAN_MAX_LAYER_BYTES)
		return ward_diag_set(c->d, -WARD_E_LIMIT, c->blobs[s->blob].name, 0, 0,
				     "entry '%.200s': layer inflates past %llu bytes (decompression bomb?)",
				     s->entry, WARD_SCAN_MAX_LAYER_BYTES);
	if (s->out > WARD_SCAN_RATIO_FLOOR && s->out / (s->raw ? s->raw : 1) > WARD_SCAN_MAX_RATIO)
		return ward_diag_set(c->d, -WARD_E_LIMIT, c->blobs[s->blob].name, 0, 0,
				     "entry '%.200s': %llu bytes from %llu compressed, over the %u:1 ratio limit (decompression bomb?)",
				     s->entry, (unsigned long long)s->out,
				     (unsigned long long)s->raw, WARD_SCAN_MAX_RATIO);
	return 0;
}

static ssize_t entry_read(void *arg, void *buf, size_t len)
{
	struct lstate *s = arg;
	la_ssize_t n;
	int rc;

	/* Stop at the size the header gave; no need to ask libarchive again. */
	if (s->entry_got >= s->entry_size)
		return 0;
	n = archive_read_data(s->a, buf, len);
	if (n < 0) {
		ward_diag_set(s->c->d, -WARD_E_SYNTAX, s->c->blobs[s->blob].name, 0, 0,
			      "entry '%.200s': %s", s->entry, archive_error_string(s->a));
		return -WARD_E_SYNTAX;
	}
	s->out += (uint64_t)n;
	s->entry_got += (uint64_t)n;
	if (s->md && n > 0)
		EVP_DigestUpdate(s->md, buf, (size_t)n);
	rc = check_bomb(s);
	return rc < 0 ? rc : n;
}

static enum ward_scan_etype etype(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return WARD_SCAN_E_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: return WARD_SCAN_E_FILE;
	case AE_IFDIR: return WARD_SCAN_E_DIR;
	case AE_IFLNK: return WARD_SCAN_E_SYMLINK;
	default: return WARD_SCAN_E_OTHER;
	}
}

int ward_scan_layer(struct ward_scan_ctx *c, uint32_t blob, ward_layer_src_fn src, void *arg,
		    bool probe, bool zip)
{
	struct lstate s = { .c = c, .blob = blob, .src = src, .src_arg = arg };
	struct archive_entry *e;
	int rc = 0, r, n_entries = 0;
	char drain[65536];

	s.a = archive_read_new();
	if (c->o->files && c->layered)
		s.md = EVP_MD_CTX_new();
	if (zip) {
		archive_read_support_format_zip_streamable(s.a);
	} else {
		archive_read_support_filter_all(s.a);
		archive_read_support_format_tar(s.a);
		archive_read_support_format_gnutar(s.a);
	}
	if (archive_read_open(s.a, &s, NULL, on_read, NULL) != ARCHIVE_OK) {
		rc = probe ? 1 : ward_diag_set(c->d, -WARD_E_SYNTAX, c->blobs[blob].name, 0, 0,
					       "not a readable archive: %s",
					       archive_error_string(s.a));
		goto out;
	}
	for (;;) {
		const char *name;
		la_int64_t size;

		r = archive_read_next_header(s.a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (s.err) {
				rc = s.err;
			} else if (probe && n_entries == 0) {
				rc = 1;
			}
			else
				rc = ward_diag_set(c->d, -WARD_E_SYNTAX, c->blobs[blob].name, 0, 0,
						   "after entry '%.200s': %s", s.entry,
						   archive_error_string(s.a));
			goto out;
		}
		n_entries++;
		name = archive_entry_pathname(e);
		if (!name)
			name = archive_entry_pathname_utf8(e);
		if (!name) {
			rc = ward_diag_set(c->d, -WARD_E_SYNTAX, c->blobs[blob].name, 0, 0,
					   "entry after '%.200s' has no readable name", s.entry);
			goto out;
		}
		snprintf(s.entry, sizeof(s.entry), "%s", name);
		size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
		if (size < 0) {
			rc = ward_diag_set(c->d, -WARD_E_SYNTAX, c->blobs[blob].name, 0, 0,
					   "entry '%.200s': negative size", name);
			goto out;
		}
		/* a hard link's data, if a writer adds any, is not what extraction keeps */
		s.entry_size = etype(e) == WARD_SCAN_E_FILE ? (uint64_t)size : 0;
		s.entry_got = 0;
		if (s.md)
			EVP_DigestInit_ex(s.md, EVP_sha256(), NULL);
		rc = ward_scan_entry(c, blob, name, etype(e), (uint64_t)size,
				     (uint32_t)archive_entry_perm(e),
				     etype(e) == WARD_SCAN_E_SYMLINK ? archive_entry_symlink(e)
								     : archive_entry_hardlink(e),
				     entry_read, &s);
		if (rc < 0)
			goto out;
		/* drain what walk.c did not read, still under the bomb checks */
		for (;;) {
			ssize_t n = entry_read(&s, drain, sizeof(drain));

			if (n < 0) {
				rc = (int)n;
				goto out;
			}
			if (n == 0)
				break;
		}
		if (s.md && c->cur_rec != WARD_SCAN_NO_REC && c->sha &&
		    c->recs[c->cur_rec].kind == WARD_SCAN_R_FILE) {
			unsigned dl = 0;

			EVP_DigestFinal_ex(s.md, c->sha[c->cur_rec], &dl);
		}
	}
	rc = 0;
out:
	EVP_MD_CTX_free(s.md);
	archive_read_free(s.a);
	return rc;
}
