// SPDX-License-Identifier: Apache-2.0
/*
 * HMAC-SHA256 (OpenSSL EVP_MAC) over baseline rows, and the key file. The key never leaves
 * this file except inside OpenSSL contexts; the key id printed in messages is a hash prefix.
 */
#include "fim/mac.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hash.h"
#include "common/limits.h"
#include "common/xalloc.h"

struct ward_fim_mac {
	EVP_MAC *mac;
	EVP_MAC_CTX *row;
	EVP_MAC_CTX *root;
	char key_id[17];
	uint8_t enc[WARD_FIM_ROW_ENC_MAX];
};

static int read_key(const char *path, bool create, uint8_t *key, size_t *len,
		    struct ward_diag *diag)
{
	struct stat st;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		uint8_t k[32];

		if (RAND_bytes(k, sizeof(k)) != 1)
			return ward_diag_set(diag, -EIO, path, 0, 0, "cannot get random bytes for a key");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return ward_diag_set(diag, -errno, path, 0, 0, "cannot create key file: %s",
					     strerror(errno));
		if (write(fd, k, sizeof(k)) != (ssize_t)sizeof(k) || fsync(fd) < 0) {
			int e = -errno;

			close(fd);
			unlink(path);
			return ward_diag_set(diag, e ? e : -EIO, path, 0, 0, "cannot write key file");
		}
		close(fd);
		memcpy(key, k, sizeof(k));
		*len = sizeof(k);
		OPENSSL_cleanse(k, sizeof(k));
		return 0;
	}
	if (fd < 0)
		return ward_diag_set(diag, -errno, path, 0, 0, "cannot open key file: %s%s",
				     strerror(errno),
				     errno == ENOENT ? " (run 'ward fim init' or pass --key)" : "");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ward_diag_set(diag, -EINVAL, path, 0, 0, "key file is not a regular file");
	}
	if (st.st_mode & 077) {
		close(fd);
		return ward_diag_set(diag, -EPERM, path, 0, 0,
				     "key file is readable by group or others (mode %04o); chmod 600 it",
				     (unsigned)(st.st_mode & 07777));
	}
	if (st.st_size < WARD_FIM_KEY_MIN || st.st_size > WARD_FIM_KEY_MAX) {
		close(fd);
		return ward_diag_set(diag, -WARD_E_LIMIT, path, 0, 0,
				     "key file must hold %d to %d bytes", WARD_FIM_KEY_MIN,
				     WARD_FIM_KEY_MAX);
	}
	r = read(fd, key, (size_t)st.st_size);
	close(fd);
	if (r != st.st_size)
		return ward_diag_set(diag, -EIO, path, 0, 0, "short read of key file");
	*len = (size_t)r;
	return 0;
}

int ward_fim_mac_new(const char *key_path, bool create, struct ward_fim_mac **out,
		     struct ward_diag *diag)
{
	uint8_t key[WARD_FIM_KEY_MAX], id[WARD_SHA256_LEN];
	size_t key_len = 0;
	OSSL_PARAM params[2];
	struct ward_fim_mac *m;
	int err;

	err = read_key(key_path, create, key, &key_len, diag);
	if (err)
		return err;
	m = ward_xcalloc(1, sizeof(*m));
	m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (m->mac) {
		m->row = EVP_MAC_CTX_new(m->mac);
		m->root = EVP_MAC_CTX_new(m->mac);
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!m->row || !m->root || EVP_MAC_init(m->row, key, key_len, params) != 1 ||
	    EVP_MAC_init(m->root, key, key_len, params) != 1) {
		err = ward_diag_set(diag, -EIO, key_path, 0, 0, "OpenSSL HMAC setup failed");
		goto fail;
	}
	ward_sha256(key, key_len, id);
	ward_hex(id, 8, m->key_id);
	OPENSSL_cleanse(key, sizeof(key));
	*out = m;
	return 0;
fail:
	OPENSSL_cleanse(key, sizeof(key));
	ward_fim_mac_free(m);
	return err;
}

void ward_fim_mac_free(struct ward_fim_mac *m)
{
	if (!m)
		return;
	EVP_MAC_CTX_free(m->row);
	EVP_MAC_CTX_free(m->root);
	EVP_MAC_free(m->mac);
	free(m);
}

const char *ward_fim_mac_key_id(const struct ward_fim_mac *m)
{
	return m->key_id;
}

static size_t put(uint8_t *out, size_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		out[off + (size_t)i] = (uint8_t)(v >> (8 * i));
	return off + (size_t)bytes;
}

int ward_fim_row_encode(const struct ward_fim_entry *e, uint8_t *out, size_t cap)
{
	size_t need = 96 + e->path_len + e->link_len + 2 * WARD_SHA256_LEN + e->hash_len, off = 0;

	if (e->path_len > WARD_FIM_PATH_MAX || e->link_len > WARD_FIM_LINK_MAX ||
	    e->hash_len > WARD_SHA512_LEN || need > cap)
		return -WARD_E_LIMIT;
	out[off++] = 1; /* encoding version */
	off = put(out, off, e->mask, 4);
	off = put(out, off, e->mode, 4);
	off = put(out, off, e->ino, 8);
	off = put(out, off, e->nlink, 8);
	off = put(out, off, e->uid, 4);
	off = put(out, off, e->gid, 4);
	off = put(out, off, e->size, 8);
	off = put(out, off, (uint64_t)e->mtime_ns, 8);
	off = put(out, off, (uint64_t)e->ctime_ns, 8);
	out[off++] = (uint8_t)(e->has_xattr | (e->has_acl << 1));
	/* digests count only when present: the arrays of an entry without them hold stale
	 * bytes, and the stored row has no column value to restore them from */
	if (e->has_xattr)
		memcpy(out + off, e->xattr, WARD_SHA256_LEN);
	else
		memset(out + off, 0, WARD_SHA256_LEN);
	off += WARD_SHA256_LEN;
	if (e->has_acl)
		memcpy(out + off, e->acl, WARD_SHA256_LEN);
	else
		memset(out + off, 0, WARD_SHA256_LEN);
	off += WARD_SHA256_LEN;
	out[off++] = e->hash_len;
	memcpy(out + off, e->hash, e->hash_len);
	off += e->hash_len;
	off = put(out, off, e->path_len, 4);
	memcpy(out + off, e->path, e->path_len);
	off += e->path_len;
	off = put(out, off, e->link_len, 2);
	memcpy(out + off, e->link, e->link_len);
	off += e->link_len;
	return (int)off;
}

int ward_fim_mac_row(struct ward_fim_mac *m, const struct ward_fim_entry *e,
		     uint8_t out[WARD_FIM_MAC_LEN])
{
	size_t n = 0;
	int len = ward_fim_row_encode(e, m->enc, sizeof(m->enc));

	if (len < 0)
		return len;
	/* init with a NULL key restarts the MAC with the key already set */
	if (EVP_MAC_init(m->row, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(m->row, m->enc, (size_t)len) != 1 ||
	    EVP_MAC_final(m->row, out, &n, WARD_FIM_MAC_LEN) != 1 || n != WARD_FIM_MAC_LEN)
		return -EIO;
	return 0;
}

int ward_fim_mac_root_begin(struct ward_fim_mac *m, uint32_t hash_bit)
{
	uint8_t hdr[20] = "ward-fim-root-v2";

	put(hdr, 16, hash_bit, 4);
	if (EVP_MAC_init(m->root, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(m->root, hdr, sizeof(hdr)) != 1)
		return -EIO;
	return 0;
}

void ward_fim_mac_root_add(struct ward_fim_mac *m, const uint8_t mac[WARD_FIM_MAC_LEN])
{
	EVP_MAC_update(m->root, mac, WARD_FIM_MAC_LEN);
}

int ward_fim_mac_root_end(struct ward_fim_mac *m, uint64_t cnt, int64_t created,
			  uint8_t out[WARD_FIM_MAC_LEN])
{
	uint8_t c[16];
	size_t n = 0;

	put(c, 0, cnt, 8);
	put(c, 8, (uint64_t)created, 8);
	if (EVP_MAC_update(m->root, c, sizeof(c)) != 1 ||
	    EVP_MAC_final(m->root, out, &n, WARD_FIM_MAC_LEN) != 1 || n != WARD_FIM_MAC_LEN)
		return -EIO;
	return 0;
}

bool ward_fim_mac_equal(const uint8_t *a, const uint8_t *b)
{
	return CRYPTO_memcmp(a, b, WARD_FIM_MAC_LEN) == 0;
}
