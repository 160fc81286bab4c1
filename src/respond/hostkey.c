// SPDX-License-Identifier: Apache-2.0
/*
 * The host's Ed25519 signing key for forensic bundles (OpenSSL EVP). Generated on first use
 * with mode 0600; the public half is written next to it as <key>.pub and embedded in every
 * bundle. Not a key store or PKI: distributing and pinning public keys is the operator's job
 * (`ward forensics verify --key`).
 */
#include "respond/bundle.h"

#include "common/hash.h"
#include "common/xalloc.h"
#include "respond/respond.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOSTKEY_MAX_PEM (16u << 10)
#define ED25519_SIG_LEN 64

struct ward_hostkey {
	EVP_PKEY *pkey;
};

static struct ward_hostkey *wrap(EVP_PKEY *p)
{
	struct ward_hostkey *k = ward_xcalloc(1, sizeof(*k));

	k->pkey = p;
	return k;
}

void ward_hostkey_free(struct ward_hostkey *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

static int write_all_fd(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

static int bio_to_buf(BIO *bio, struct ward_buf *out)
{
	char *p;
	long n = BIO_get_mem_data(bio, &p);

	return n < 0 ? -EIO : ward_buf_append(out, p, (size_t)n);
}

int ward_hostkey_pub_pem(const struct ward_hostkey *k, struct ward_buf *out)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int err;

	if (!bio)
		return -ENOMEM;
	err = PEM_write_bio_PUBKEY(bio, k->pkey) == 1 ? bio_to_buf(bio, out) : -EIO;
	BIO_free(bio);
	return err;
}

static int write_new_file(const char *path, mode_t mode, const struct ward_buf *b)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	err = write_all_fd(fd, b->data, b->len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	close(fd);
	if (err)
		unlink(path);
	return err;
}

static int generate(const char *path, struct ward_hostkey **out)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *p = NULL;
	BIO *bio = NULL;
	struct ward_buf priv, pub;
	char pubpath[PATH_MAX], dir[PATH_MAX];
	int err = -EIO;

	ward_buf_init(&priv, HOSTKEY_MAX_PEM);
	ward_buf_init(&pub, HOSTKEY_MAX_PEM);
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			err = -errno;
			goto out;
		}
	}
	if (snprintf(pubpath, sizeof(pubpath), "%s.pub", path) >= (int)sizeof(pubpath)) {
		err = -ENAMETOOLONG;
		goto out;
	}
	ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &p) != 1)
		goto out;
	bio = BIO_new(BIO_s_mem());
	if (!bio || PEM_write_bio_PrivateKey(bio, p, NULL, NULL, 0, NULL, NULL) != 1)
		goto out;
	err = bio_to_buf(bio, &priv);
	if (err)
		goto out;
	err = write_new_file(path, 0600, &priv);
	if (err)
		goto out;
	*out = wrap(p);
	p = NULL;
	/* the public copy is a convenience: a failure here leaves a usable private key */
	unlink(pubpath);
	if (ward_hostkey_pub_pem(*out, &pub) == 0)
		write_new_file(pubpath, 0644, &pub);
out:
	BIO_free(bio);
	EVP_PKEY_free(p);
	EVP_PKEY_CTX_free(ctx);
	ward_buf_free(&priv);
	ward_buf_free(&pub);
	return err;
}

int ward_hostkey_load(const char *path, bool create, struct ward_hostkey **out)
{
	struct ward_buf b;
	struct stat st;
	EVP_PKEY *p = NULL;
	BIO *bio = NULL;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT && create) {
			err = generate(path, out);
			/* another ward created it first: use theirs */
			return err == -EEXIST ? ward_hostkey_load(path, false, out) : err;
		}
		return -errno;
	}
	ward_buf_init(&b, HOSTKEY_MAX_PEM);
	/* a signing key readable by others is not the host's key any more */
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (st.st_mode & 077) {
		err = -EPERM;
		goto out;
	}
	for (;;) {
		char chunk[4096];
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		err = ward_buf_append(&b, chunk, (size_t)r);
		if (err)
			goto out;
	}
	bio = BIO_new_mem_buf(b.data, (int)b.len);
	p = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	if (!p || EVP_PKEY_id(p) != EVP_PKEY_ED25519) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	*out = wrap(p);
	p = NULL;
	err = 0;
out:
	if (fd >= 0)
		close(fd);
	BIO_free(bio);
	EVP_PKEY_free(p);
	ward_buf_free(&b);
	return err;
}

int ward_hostkey_from_pub_pem(const char *pem, size_t len, struct ward_hostkey **out)
{
	BIO *bio;
	EVP_PKEY *p;

	if (len > HOSTKEY_MAX_PEM)
		return -WARD_E_LIMIT;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return -ENOMEM;
	p = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!p)
		return -WARD_E_SYNTAX;
	if (EVP_PKEY_id(p) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(p);
		return -WARD_E_UNSUPPORTED;
	}
	*out = wrap(p);
	return 0;
}

int ward_hostkey_fingerprint(const struct ward_hostkey *k, char out[2 * WARD_SHA256_LEN + 1])
{
	unsigned char *der = NULL;
	uint8_t sha[WARD_SHA256_LEN];
	int n = i2d_PUBKEY(k->pkey, &der), err;

	if (n <= 0)
		return -EIO;
	err = ward_sha256(der, (size_t)n, sha);
	OPENSSL_free(der);
	if (!err)
		ward_hex(sha, sizeof(sha), out);
	return err;
}

int ward_hostkey_sign(const struct ward_hostkey *k, const void *data, size_t len,
		      char out[WARD_SIG_HEX_LEN + 1])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t sig[ED25519_SIG_LEN];
	size_t sig_len = sizeof(sig);
	int err = -EIO;

	if (!ctx)
		return -ENOMEM;
	/* Ed25519 is one-shot: no digest is named, the whole message is signed */
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, &sig_len, data, len) == 1 && sig_len == ED25519_SIG_LEN) {
		ward_hex(sig, sig_len, out);
		err = 0;
	}
	EVP_MD_CTX_free(ctx);
	return err;
}

static int unhex(const char *s, size_t len, uint8_t *out, size_t out_len)
{
	if (len != 2 * out_len)
		return -1;
	for (size_t i = 0; i < out_len; i++) {
		int v = 0;

		for (int j = 0; j < 2; j++) {
			char c = s[2 * i + j];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				v |= c - 'A' + 10;
			else
				return -1;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

int ward_hostkey_verify(const struct ward_hostkey *k, const void *data, size_t len,
			const char *sig_hex, size_t sig_len)
{
	uint8_t sig[ED25519_SIG_LEN];
	EVP_MD_CTX *ctx;
	int ok;

	while (sig_len && (sig_hex[sig_len - 1] == '\n' || sig_hex[sig_len - 1] == ' ' ||
			   sig_hex[sig_len - 1] == '\r'))
		sig_len--;
	if (unhex(sig_hex, sig_len, sig, sizeof(sig)))
		return -WARD_E_INTEGRITY;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestVerify(ctx, sig, sizeof(sig), data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -WARD_E_INTEGRITY;
}
