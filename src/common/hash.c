// SPDX-License-Identifier: Apache-2.0
/* Hash helpers. */
#include "common/hash.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

uint64_t ward_hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t ward_hash64_mix(uint64_t a, uint64_t b)
{
	a ^= b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2);
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdull;
	a ^= a >> 33;
	return a;
}

int ward_sha256(const void *data, size_t len, uint8_t out[WARD_SHA256_LEN])
{
	unsigned int n = 0;

	return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 ? 0 : -EIO;
}

#define DIGEST_CHUNK (256u << 10)

int ward_digest_fd(int fd, const void *evp_md, uint8_t *out, unsigned *out_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *buf = malloc(DIGEST_CHUNK);
	int err = 0;
	ssize_t r;

	if (!ctx || !buf) {
		err = -ENOMEM;
		goto out;
	}
	if (EVP_DigestInit_ex(ctx, evp_md, NULL) != 1) {
		err = -EIO;
		goto out;
	}
	for (;;) {
		r = read(fd, buf, DIGEST_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)r);
	}
	if (EVP_DigestFinal_ex(ctx, out, out_len) != 1)
		err = -EIO;
out:
	free(buf);
	EVP_MD_CTX_free(ctx);
	return err;
}

int ward_sha256_fd(int fd, uint8_t out[WARD_SHA256_LEN])
{
	unsigned n = 0;

	return ward_digest_fd(fd, EVP_sha256(), out, &n);
}

char *ward_hex(const uint8_t *data, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * len] = '\0';
	return out;
}
