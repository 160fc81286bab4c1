// SPDX-License-Identifier: Apache-2.0
/* Fuzzes baseline row decoding: the input is split into the columns SQLite would return
 * (blobs as length-prefixed byte strings, integers as 8 raw bytes), so an edited database
 * row of any shape goes through ward_fim_row_decode and, when accepted, re-encodes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fim/baseline.h"

struct rd {
	const uint8_t *p;
	size_t left;
};

static const void *take_blob(struct rd *r, size_t *len)
{
	size_t n;

	if (r->left < 2) {
		*len = 0;
		return NULL;
	}
	n = (size_t)r->p[0] | ((size_t)r->p[1] << 8);
	r->p += 2;
	r->left -= 2;
	if (n > r->left)
		n = r->left;
	*len = n;
	const void *b = n ? r->p : NULL;
	r->p += n;
	r->left -= n;
	return b;
}

static int64_t take_int(struct rd *r)
{
	int64_t v = 0;

	if (r->left >= 8) {
		memcpy(&v, r->p, 8);
		r->p += 8;
		r->left -= 8;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ward_fim_entry e;
	struct rd r = { data, size };
	struct ward_fim_rowcols c;
	uint8_t mac[WARD_FIM_MAC_LEN];
	static uint8_t enc[WARD_FIM_ROW_ENC_MAX];

	c.k = take_blob(&r, &c.k_len);
	c.mask = take_int(&r);
	c.mode = take_int(&r);
	c.ino = take_int(&r);
	c.nlink = take_int(&r);
	c.uid = take_int(&r);
	c.gid = take_int(&r);
	c.size = take_int(&r);
	c.mtime = take_int(&r);
	c.ctime = take_int(&r);
	c.link = take_blob(&r, &c.link_len);
	c.xattr = take_blob(&r, &c.xattr_len);
	c.acl = take_blob(&r, &c.acl_len);
	c.hash = take_blob(&r, &c.hash_len);
	c.mac = take_blob(&r, &c.mac_len);
	if (ward_fim_row_decode(&c, &e, mac, NULL) == 0 &&
	    ward_fim_row_encode(&e, enc, sizeof(enc)) < 0)
		abort(); /* every accepted row must be encodable for its MAC */
	return 0;
}
