// SPDX-License-Identifier: Apache-2.0
/*
 * Per-file attribute reading for FIM. Content is hashed in fixed-size chunks, so a file of
 * any size costs a constant amount of memory. xattr lists and values are bounded
 * (WARD_FIM_XATTR_*); a file beyond the bounds is reported, not truncated silently.
 */
#include "fim/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/err.h"
#include "common/hash.h"
#include "fim/attr.h"


void ward_fim_collect_stat(struct ward_fim_entry *e, const struct stat *st)
{
	e->mode = st->st_mode;
	e->ino = st->st_ino;
	e->nlink = st->st_nlink;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->size = (uint64_t)st->st_size;
	e->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	e->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

static int hash_file(struct ward_fim_entry *e)
{
	const EVP_MD *md = (e->mask & WARD_FIM_A_SHA512) ? EVP_sha512() : EVP_sha256();
	unsigned int n = 0;
	struct stat st;
	int fd, err = 0;

	/* O_NONBLOCK: if a fifo replaced the file since lstat, open must not hang on it */
	fd = open(e->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == EPERM) /* O_NOATIME is not used; EPERM here is a real refusal */
		return -EPERM;
	if (fd < 0)
		return errno == ELOOP ? -ENOENT : -errno; /* ELOOP: now a symlink, i.e. replaced */
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_ino != e->ino) {
		/* replaced between lstat and open: record what is there now */
		ward_fim_collect_stat(e, &st);
		if (!S_ISREG(st.st_mode))
			goto out;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	err = ward_digest_fd(fd, md, e->hash, &n);
	if (err)
		goto out;
	e->hash_len = (uint8_t)n;
out:
	close(fd);
	return err;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_acl_name(const char *n)
{
	return strcmp(n, "system.posix_acl_access") == 0 ||
	       strcmp(n, "system.posix_acl_default") == 0;
}

/* Digests xattrs (and ACLs, which the kernel exposes as system.posix_acl_* xattrs) in
 * name order so the digest does not depend on listing order. */
static int read_xattrs(struct ward_fim_entry *e)
{
	char *names = NULL, *val = NULL;
	const char *list[512];
	size_t cnt = 0;
	EVP_MD_CTX *cx = NULL, *ca = NULL;
	unsigned int n;
	ssize_t len;
	int err = 0;

	e->has_xattr = e->has_acl = false;
	len = llistxattr(e->path, NULL, 0);
	if (len < 0)
		return errno == ENOTSUP ? 0 : -errno;
	if (len == 0)
		return 0;
	if ((size_t)len > WARD_FIM_XATTR_LIST_MAX)
		return -WARD_E_LIMIT;
	names = malloc((size_t)len + 1);
	val = malloc(WARD_FIM_XATTR_VALUE_MAX);
	cx = EVP_MD_CTX_new();
	ca = EVP_MD_CTX_new();
	if (!names || !val || !cx || !ca) {
		err = -ENOMEM;
		goto out;
	}
	len = llistxattr(e->path, names, (size_t)len);
	if (len < 0) {
		err = errno == ERANGE ? -EAGAIN : -errno; /* grew meanwhile */
		goto out;
	}
	names[len] = '\0';
	for (char *p = names; p < names + len; p += strlen(p) + 1) {
		if (cnt >= sizeof(list) / sizeof(list[0])) {
			err = -WARD_E_LIMIT;
			goto out;
		}
		list[cnt++] = p;
	}
	qsort(list, cnt, sizeof(list[0]), name_cmp);
	EVP_DigestInit_ex(cx, EVP_sha256(), NULL);
	EVP_DigestInit_ex(ca, EVP_sha256(), NULL);
	for (size_t i = 0; i < cnt; i++) {
		ssize_t vl = lgetxattr(e->path, list[i], val, WARD_FIM_XATTR_VALUE_MAX);
		uint64_t vl64;
		bool acl = is_acl_name(list[i]);

		if (vl < 0 && errno == ENODATA)
			continue; /* removed meanwhile */
		if (vl < 0) {
			err = errno == ERANGE ? -WARD_E_LIMIT : -errno;
			goto out;
		}
		vl64 = (uint64_t)vl;
		EVP_MD_CTX *c = acl ? ca : cx;
		EVP_DigestUpdate(c, list[i], strlen(list[i]) + 1);
		EVP_DigestUpdate(c, &vl64, sizeof(vl64));
		EVP_DigestUpdate(c, val, (size_t)vl);
		if (acl)
			e->has_acl = true;
		else
			e->has_xattr = true;
	}
	if (e->has_xattr)
		EVP_DigestFinal_ex(cx, e->xattr, &n);
	if (e->has_acl)
		EVP_DigestFinal_ex(ca, e->acl, &n);
out:
	EVP_MD_CTX_free(cx);
	EVP_MD_CTX_free(ca);
	free(names);
	free(val);
	return err;
}

int ward_fim_collect_deep(struct ward_fim_entry *e)
{
	int err;

	e->hash_len = 0;
	e->link_len = 0;
	e->link[0] = '\0';
	if (S_ISLNK(e->mode)) {
		ssize_t n = readlink(e->path, e->link, WARD_FIM_LINK_MAX + 1);

		if (n < 0)
			return errno == EINVAL ? -ENOENT : -errno; /* EINVAL: no longer a symlink */
		if (n > WARD_FIM_LINK_MAX)
			return -WARD_E_LIMIT;
		e->link_len = (uint16_t)n;
		e->link[n] = '\0';
	}
	if (S_ISREG(e->mode) && (e->mask & WARD_FIM_A_HASHES)) {
		err = hash_file(e);
		if (err)
			return err;
	}
	if (e->mask & (WARD_FIM_A_XATTR | WARD_FIM_A_ACL)) {
		err = read_xattrs(e);
		if (err)
			return err;
	}
	return 0;
}
