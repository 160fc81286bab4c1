// SPDX-License-Identifier: Apache-2.0
/*
 * rpm databases. rpmdb.sqlite (RHEL 9, Fedora 33+) is opened from memory with
 * sqlite3_deserialize, read-only, and each Packages.blob is an rpm header: a count of index
 * entries, the data size, 16-byte index entries (tag, type, offset, count; big-endian) and
 * the data store. Every offset and count is checked against the blob. Berkeley DB
 * "Packages" (RHEL <= 8) is rpm_bdb.c; ndb is not read: see docs/scan.md.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "scan/parsers.h"

enum { TAG_NAME = 1000, TAG_VERSION = 1001, TAG_RELEASE = 1002, TAG_EPOCH = 1003,
       TAG_LICENSE = 1014, TAG_ARCH = 1022, TAG_SOURCERPM = 1044 };
enum { T_INT32 = 4, T_STRING = 6, T_STRING_ARRAY = 8, T_I18NSTRING = 9 };

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Copies a NUL-terminated string that must end inside the data store. */
static int str_at(const unsigned char *store, size_t dl, uint32_t off, char *dst, size_t dst_len)
{
	const unsigned char *nul;

	if (off >= dl)
		return -1;
	nul = memchr(store + off, '\0', dl - off);
	if (!nul || (size_t)(nul - store - off) >= dst_len)
		return -1;
	memcpy(dst, store + off, (size_t)(nul - store - off) + 1);
	return 0;
}

int ward_parse_rpm_header(const unsigned char *data, size_t len, const char *path,
			  struct ward_pkg_list *out, struct ward_diag *d)
{
	char name[256] = "", ver[256] = "", rel[256] = "", arch[64] = "", lic[256] = "",
	     srpm[512] = "", full[600], src[256] = "";
	uint32_t il, dl;
	long epoch = -1;
	const unsigned char *store;
	int rc;

	if (len < 8)
		return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "rpm header shorter than 8 bytes");
	il = be32(data);
	dl = be32(data + 4);
	if (il == 0 || il > WARD_SCAN_MAX_RPM_TAGS || dl > WARD_SCAN_MAX_PKGDB ||
	    (uint64_t)il * 16 + dl + 8 > len)
		return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0,
				     "rpm header claims %u entries and %u data bytes in a %zu-byte blob",
				     il, dl, len);
	store = data + 8 + (size_t)il * 16;
	for (uint32_t i = 0; i < il; i++) {
		const unsigned char *e = data + 8 + (size_t)i * 16;
		uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), cnt = be32(e + 12);
		char *dst = NULL;
		size_t dst_len = 0;

		switch (tag) {
		case TAG_NAME: dst = name; dst_len = sizeof(name); break;
		case TAG_VERSION: dst = ver; dst_len = sizeof(ver); break;
		case TAG_RELEASE: dst = rel; dst_len = sizeof(rel); break;
		case TAG_ARCH: dst = arch; dst_len = sizeof(arch); break;
		case TAG_LICENSE: dst = lic; dst_len = sizeof(lic); break;
		case TAG_SOURCERPM: dst = srpm; dst_len = sizeof(srpm); break;
		case TAG_EPOCH:
			if (type == T_INT32 && cnt >= 1 && off <= dl && dl - off >= 4 && !(off & 3))
				epoch = (long)be32(store + off);
			continue;
		default:
			continue;
		}
		if (type != T_STRING && type != T_I18NSTRING && type != T_STRING_ARRAY)
			continue;
		if (str_at(store, dl, off, dst, dst_len))
			return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0,
					     "rpm tag %u: string outside the data store", tag);
	}
	if (!name[0] || !ver[0])
		return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "rpm header without name/version");
	if (!strcmp(name, "gpg-pubkey"))
		return 0; /* imported signing keys are not packages */
	snprintf(full, sizeof(full), "%s%s%s", ver, rel[0] ? "-" : "", rel);
	/* "openssl-3.0.7-24.el9.src.rpm": the source name is all before the version's dash */
	if (srpm[0]) {
		char *q = srpm + strlen(srpm);
		int dashes = 0;

		while (q > srpm && dashes < 2)
			if (*--q == '-')
				dashes++;
		if (dashes == 2)
			snprintf(src, sizeof(src), "%.*s", (int)(q - srpm), srpm);
	}
	if (epoch > 0) {
		char e[700];

		snprintf(e, sizeof(e), "%ld:%s", epoch, full);
		snprintf(full, sizeof(full), "%s", e);
	}
	rc = ward_scan_add_os(out, &(struct ward_os_rec){
		.mgr = WARD_MGR_RPM, .name = name, .version = full, .src_name = src, .license = lic,
		.arch = arch, .default_arch = "noarch", .epoch = epoch }, path);
	return rc < 0 ? ward_diag_set(d, -WARD_E_LIMIT, path, 0, 0, "too many packages") : rc;
}

int ward_parse_rpmdb_sqlite(const unsigned char *data, size_t len, const char *path,
			    struct ward_pkg_list *out, struct ward_diag *d)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy;
	int rc, added = 0, step;

	if (len < 100 || memcmp(data, "SQLite format 3", 16))
		return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "not an SQLite database");
	rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		rc = ward_diag_set(d, -ENOMEM, path, 0, 0, "sqlite: cannot open");
		goto out;
	}
	/* SQLite takes ownership of a buffer it allocated; the caller's buffer is reused. */
	copy = sqlite3_malloc64(len);
	if (!copy) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(copy, data, len);
	rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		rc = ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "sqlite: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &st, NULL) != SQLITE_OK) {
		rc = ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "sqlite: %s", sqlite3_errmsg(db));
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_blob(st, 0);
		int bl = sqlite3_column_bytes(st, 0);
		struct ward_diag hd = { 0 };

		if (!b || bl <= 0)
			continue;
		rc = ward_parse_rpm_header(b, (size_t)bl, path, out, &hd);
		if (rc == -WARD_E_LIMIT) {
			*d = hd;
			goto out;
		}
		if (rc > 0)
			added += rc;
	}
	rc = step == SQLITE_DONE ? added
				 : ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "sqlite: %s",
						 sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
