/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Forensic bundles: one tar archive (optionally zstd-compressed) of artifacts, a
 * manifest.json listing each artifact's path, size and SHA-256, manifest.sig (Ed25519 over
 * the exact manifest bytes, hex) and hostkey.pub (the signer's public key, PEM).
 * The writer streams artifacts and never holds more than one in memory; the reader checks
 * every artifact against the manifest and the signature, and names the first that fails.
 * What goes into a bundle is collect.c's business, not this file's.
 */
#ifndef WARD_RESPOND_BUNDLE_H
#define WARD_RESPOND_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/limits.h"

#define WARD_BUNDLE_FORMAT "ward-forensic-bundle"
#define WARD_BUNDLE_VERSION 1
#define WARD_BUNDLE_MANIFEST "manifest.json"
#define WARD_BUNDLE_SIG "manifest.sig"
#define WARD_BUNDLE_PUBKEY "hostkey.pub"

/* ---- host key (hostkey.c) ---- */

struct ward_hostkey; /* an Ed25519 private or public key */

/* Loads the private key at path; when it is missing and create is set, generates one
 * (0600, parent dir 0700) and writes the public key to <path>.pub. */
int ward_hostkey_load(const char *path, bool create, struct ward_hostkey **out);
/* A public key from PEM text. */
int ward_hostkey_from_pub_pem(const char *pem, size_t len, struct ward_hostkey **out);
void ward_hostkey_free(struct ward_hostkey *k);
/* Appends the public key as PEM to out. */
int ward_hostkey_pub_pem(const struct ward_hostkey *k, struct ward_buf *out);
/* SHA-256 of the DER public key, hex (65 bytes with the NUL). */
int ward_hostkey_fingerprint(const struct ward_hostkey *k, char out[2 * WARD_SHA256_LEN + 1]);
/* Ed25519 signature of data as hex text into out (129 bytes with the NUL). */
#define WARD_SIG_HEX_LEN 128
int ward_hostkey_sign(const struct ward_hostkey *k, const void *data, size_t len,
		      char out[WARD_SIG_HEX_LEN + 1]);
/* 0 if sig_hex (128 hex chars, surrounding whitespace ignored) signs data; else
 * -WARD_E_INTEGRITY. */
int ward_hostkey_verify(const struct ward_hostkey *k, const void *data, size_t len,
			const char *sig_hex, size_t sig_len);

/* ---- writer (bundle_write.c) ---- */

struct ward_bundle_writer;

/* Creates path (O_EXCL: an existing file is never overwritten). */
int ward_bundle_writer_open(const char *path, bool zstd, struct ward_bundle_writer **out);
/* Adds an artifact from memory. Names are relative, without "..", unique. */
int ward_bundle_add(struct ward_bundle_writer *w, const char *name, const void *data, size_t len);
/* Adds an artifact of exactly size bytes read from fd at its current offset; if the file
 * turns out shorter the rest is zero-filled and the manifest marks it truncated. */
int ward_bundle_add_fd(struct ward_bundle_writer *w, const char *name, int fd, uint64_t size);
/* Writes manifest.json (with meta_json, a JSON object, embedded as "meta"), manifest.sig
 * and hostkey.pub, and closes the archive. */
int ward_bundle_finish(struct ward_bundle_writer *w, const char *meta_json,
		       const struct ward_hostkey *key);
/* Artifacts and bytes so far. */
void ward_bundle_counts(const struct ward_bundle_writer *w, size_t *cnt, uint64_t *bytes);
/* Frees; an unfinished bundle file is removed. */
void ward_bundle_writer_free(struct ward_bundle_writer *w);

/* ---- reader (bundle_read.c) ---- */

struct ward_bundle_report {
	size_t artifact_cnt;
	uint64_t artifact_bytes;
	bool sig_ok;
	bool key_pinned;              /* checked against a caller-supplied key */
	char key_fpr[2 * WARD_SHA256_LEN + 1];
	char failed[WARD_BUNDLE_MAX_PATH + 1]; /* artifact that failed, or "" */
	char msg[512];                /* why verification failed */
	char *manifest;               /* manifest.json text, NUL-terminated; owned */
	size_t manifest_len;
};

/* Verifies a bundle: every artifact listed once with matching size and SHA-256, nothing
 * unlisted, nothing but zero padding to the tar record after the end-of-archive marker, and
 * the signature by pub (or, when pub is NULL, by the embedded hostkey.pub).
 * Returns 0, -WARD_E_INTEGRITY (r->failed names the artifact; empty for data after the
 * end-of-archive marker, r->msg names its offset), -WARD_E_SYNTAX (not a
 * bundle or a corrupt archive) or -WARD_E_LIMIT. r is filled in every case. */
int ward_bundle_verify_file(const char *path, const struct ward_hostkey *pub,
			    struct ward_bundle_report *r);
int ward_bundle_verify_mem(const void *data, size_t len, const struct ward_hostkey *pub,
			   struct ward_bundle_report *r);
void ward_bundle_report_free(struct ward_bundle_report *r);

#endif
