// SPDX-License-Identifier: Apache-2.0
/*
 * rpm's Berkeley DB "Packages" file (RHEL/CentOS <= 8, SUSE before 2021, Amazon Linux 2),
 * read from memory without libdb. The file is a BDB hash database: page 0 is the metadata
 * page (magic, version, page size, byte order told by the magic), then bucket pages holding
 * key/data item pairs, and overflow pages that chain values too big for a bucket page. rpm
 * keys each package by a 4-byte instance number and stores its header blob as the value;
 * the blob is decoded by ward_parse_rpm_header (rpm.c).
 *
 * Every bucket page is visited in file order instead of following the hash directory: that
 * needs no hashing and still finds every live pair (freed pages are typed invalid). Not
 * read: encrypted databases, on-page duplicate sets (rpm never writes them), the ndb and
 * sqlite backends (rpmdb.sqlite is rpm.c).
 *
 * Bounds: the page size must be a power of two in [512, 65536], the file a whole number of
 * pages; item offsets and lengths are checked against their page; an overflow chain must
 * consist of overflow pages, each visited at most once in the whole file (a bitmap), so a
 * cycle or two values sharing pages is an error and the total work is linear in the file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "scan/parsers.h"

#define BDB_HASH_MAGIC 0x061561u
#define BDB_META_LEN 96          /* generic metadata + the hash fields read here */
#define BDB_PAGE_HDR 26          /* lsn, pgno, prev, next, entries, hf_offset, level, type */
#define BDB_PAGE_HDR_CHKSUM 32   /* the same + alignment + a 4-byte checksum */
#define BDB_MIN_PAGE 512u
#define BDB_MAX_PAGE 65536u
#define BDB_META_CHKSUM 0x01     /* metaflags: pages carry checksums */

enum { PG_HASH_UNSORTED = 2, PG_OVERFLOW = 7, PG_HASHMETA = 8, PG_HASH = 13 };
enum { ITEM_KEYDATA = 1, ITEM_DUPLICATE = 2, ITEM_OFFPAGE = 3, ITEM_OFFDUP = 4 };

struct bdb {
	const unsigned char *data;
	size_t len;
	bool swap;          /* file written on a machine of the other byte order */
	uint32_t psize;
	uint32_t hdr;       /* bytes before the item index / overflow data on each page */
	uint32_t npages;
	unsigned char *seen;   /* one bit per page: overflow pages already consumed */
	const char *path;
	struct ward_diag *d;
};

static uint32_t u32(const struct bdb *b, const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return b->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct bdb *b, const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return b->swap ? __builtin_bswap16(v) : v;
}

static const unsigned char *page(const struct bdb *b, uint32_t pgno)
{
	return b->data + (size_t)pgno * b->psize;
}

static int bad(const struct bdb *b, uint32_t pgno, const char *what)
{
	return ward_diag_set(b->d, -WARD_E_SYNTAX, b->path, 0, 0,
			     "Berkeley DB page %u: %s", pgno, what);
}

static int read_meta(struct bdb *b)
{
	const unsigned char *m = b->data;
	uint32_t magic, version, psize, last;

	if (b->len < BDB_META_LEN)
		return ward_diag_set(b->d, -WARD_E_SYNTAX, b->path, 0, 0,
				     "%zu bytes: too short for a Berkeley DB file", b->len);
	memcpy(&magic, m + 12, 4);
	if (magic == BDB_HASH_MAGIC)
		b->swap = false;
	else if (__builtin_bswap32(magic) == BDB_HASH_MAGIC)
		b->swap = true;
	else
		return ward_diag_set(b->d, -WARD_E_SYNTAX, b->path, 0, 0,
				     "not a Berkeley DB hash database (magic 0x%08x)", magic);
	version = u32(b, m + 16);
	psize = u32(b, m + 20);
	if (m[25] != PG_HASHMETA)
		return bad(b, 0, "not a hash metadata page");
	if (version < 8 || version > 10)
		return ward_diag_set(b->d, -WARD_E_SYNTAX, b->path, 0, 0,
				     "Berkeley DB hash version %u (8 to 10 are read)", version);
	if (m[24] != 0)
		return ward_diag_set(b->d, -ENOTSUP, b->path, 0, 0,
				     "encrypted Berkeley DB database: not read");
	if (psize < BDB_MIN_PAGE || psize > BDB_MAX_PAGE || (psize & (psize - 1)))
		return ward_diag_set(b->d, -WARD_E_SYNTAX, b->path, 0, 0,
				     "page size %u (a power of two from %u to %u expected)", psize,
				     BDB_MIN_PAGE, BDB_MAX_PAGE);
	if (b->len % psize)
		return ward_diag_set(b->d, -WARD_E_SYNTAX, b->path, 0, 0,
				     "%zu bytes is not a whole number of %u-byte pages (truncated?)",
				     b->len, psize);
	b->psize = psize;
	b->npages = (uint32_t)(b->len / psize);
	b->hdr = (m[26] & BDB_META_CHKSUM) ? BDB_PAGE_HDR_CHKSUM : BDB_PAGE_HDR;
	last = u32(b, m + 32);
	if (last >= b->npages)
		return ward_diag_set(b->d, -WARD_E_SYNTAX, b->path, 0, 0,
				     "metadata names page %u as last, the file holds %u pages (truncated?)",
				     last, b->npages);
	return 0;
}

/* Assembles the value whose overflow chain starts at pgno and holds tlen bytes into out. */
static int read_overflow(struct bdb *b, uint32_t pgno, uint32_t tlen, struct ward_buf *out)
{
	ward_buf_reset(out);
	if (tlen > b->len)
		return bad(b, pgno, "overflow value larger than the file");
	while (pgno) {
		const unsigned char *p;
		uint16_t n;

		if (pgno >= b->npages)
			return bad(b, pgno, "overflow chain leaves the file");
		if (b->seen[pgno >> 3] & (1u << (pgno & 7)))
			return bad(b, pgno, "overflow page reached twice (cycle or shared chain)");
		b->seen[pgno >> 3] |= (unsigned char)(1u << (pgno & 7));
		p = page(b, pgno);
		if (p[25] != PG_OVERFLOW)
			return bad(b, pgno, "overflow chain reaches a page that is not an overflow page");
		n = u16(b, p + 22);
		if (n == 0 || n > b->psize - b->hdr || out->len + n > tlen)
			return bad(b, pgno, "overflow page length out of bounds");
		if (ward_buf_append(out, p + b->hdr, n) < 0)
			return bad(b, pgno, "overflow value over the size limit");
		pgno = u32(b, p + 16);
	}
	if (out->len != tlen)
		return bad(b, 0, "overflow chain shorter than its value");
	return 0;
}

struct tally {
	int added, bad;
	int first_rc;             /* the first header that did not decode, and why */
	struct ward_diag first;
};

static int take_header(struct bdb *b, const unsigned char *blob, size_t len,
		       struct ward_pkg_list *out, struct tally *t)
{
	struct ward_diag hd = { 0 };
	int rc;

	if (len == 4)
		return 0;   /* key 0: rpm's next instance number, not a package */
	rc = ward_parse_rpm_header(blob, len, b->path, out, &hd);
	if (rc == -WARD_E_LIMIT) {
		if (b->d)
			*b->d = hd;
		return rc;
	}
	if (rc < 0) {
		if (!t->bad++) {
			t->first_rc = rc;
			t->first = hd;
		}
		return 0;
	}
	t->added += rc;
	return 0;
}

static int read_bucket_page(struct bdb *b, uint32_t pgno, struct ward_buf *val,
			    struct ward_pkg_list *out, struct tally *t)
{
	const unsigned char *p = page(b, pgno);
	uint16_t entries = u16(b, p + 20);
	size_t idx_end = b->hdr + (size_t)entries * 2;

	if (idx_end > b->psize || (entries & 1))
		return bad(b, pgno, "item count out of bounds or not key/data pairs");
	for (uint16_t i = 1; i < entries; i += 2) {
		/* item i ends where item i-1 starts (items fill the page from its end) */
		uint16_t off = u16(b, p + b->hdr + (size_t)i * 2);
		uint16_t end = u16(b, p + b->hdr + (size_t)(i - 1) * 2);
		const unsigned char *it = p + off;
		int rc;

		if (off < idx_end || off >= end || end > b->psize)
			return bad(b, pgno, "item offset out of bounds");
		switch (it[0]) {
		case ITEM_KEYDATA:
			rc = take_header(b, it + 1, (size_t)(end - off - 1), out, t);
			break;
		case ITEM_OFFPAGE:
			if (end - off < 12)
				return bad(b, pgno, "off-page item too short");
			rc = read_overflow(b, u32(b, it + 4), u32(b, it + 8), val);
			if (rc == 0)
				rc = take_header(b, (const unsigned char *)val->data, val->len, out, t);
			break;
		case ITEM_DUPLICATE: case ITEM_OFFDUP:
			return bad(b, pgno, "duplicate data items (not written by rpm)");
		default:
			return bad(b, pgno, "unknown item type");
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ward_parse_rpmdb_bdb(const unsigned char *data, size_t len, const char *path,
			 struct ward_pkg_list *out, struct ward_diag *d)
{
	struct bdb b = { .data = data, .len = len, .path = path, .d = d };
	struct tally t = { 0 };
	struct ward_buf val;
	int rc;

	rc = read_meta(&b);
	if (rc < 0)
		return rc;
	b.seen = ward_xcalloc((size_t)b.npages / 8 + 1, 1);
	ward_buf_init(&val, WARD_SCAN_MAX_PKGDB);
	for (uint32_t pg = 1; pg < b.npages && rc == 0; pg++) {
		uint8_t type = page(&b, pg)[25];

		if (type == PG_HASH || type == PG_HASH_UNSORTED)
			rc = read_bucket_page(&b, pg, &val, out, &t);
	}
	ward_buf_free(&val);
	free(b.seen);
	if (rc < 0)
		return rc;
	if (t.added == 0 && t.bad) {
		if (d)
			*d = t.first;
		return t.first_rc;
	}
	return t.added;
}
