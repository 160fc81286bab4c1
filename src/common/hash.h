/* SPDX-License-Identifier: Apache-2.0 */
/* Hashing: a fast non-cryptographic hash for tables, and SHA-256/512 (OpenSSL) for content. */
#ifndef WARD_HASH_H
#define WARD_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t ward_hash64(const void *data, size_t len);      /* FNV-1a, 64-bit */
uint64_t ward_hash64_mix(uint64_t a, uint64_t b);        /* combine two hashes */

#define WARD_SHA256_LEN 32
#define WARD_SHA512_LEN 64

int ward_sha256(const void *data, size_t len, uint8_t out[WARD_SHA256_LEN]);
/* Hashes an open fd from its current offset to EOF; returns 0 or -errno. */
int ward_sha256_fd(int fd, uint8_t out[WARD_SHA256_LEN]);
/* The same with any OpenSSL digest (an EVP_MD *, e.g. EVP_sha512()); out holds at least
 * WARD_SHA512_LEN bytes and *out_len gets the digest's length. Reads in large chunks. */
int ward_digest_fd(int fd, const void *evp_md, uint8_t *out, unsigned *out_len);
/* Lower-case hex of len bytes into out (2*len+1 bytes); returns out. */
char *ward_hex(const uint8_t *data, size_t len, char *out);

#endif
