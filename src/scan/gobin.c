// SPDX-License-Identifier: Apache-2.0
/*
 * Go binaries' embedded build info (the ".go.buildinfo" blob starting "\xff Go buildinf:"):
 * the Go toolchain version (listed as module "stdlib") and the module list. Handles the
 * Go 1.18+ inline-string layout and the older one where the header holds pointers to Go
 * string headers, resolved through the ELF load segments. Not a symbol-table reader.
 */
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "scan/elf.h"
#include "scan/parsers.h"

static const char MAGIC[] = "\xff Go buildinf:";
#define MAGIC_LEN 14
#define HDR_LEN 32

static int uvarint(const unsigned char *p, size_t n, uint64_t *v, size_t *used)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			*used = i + 1;
			return 0;
		}
	}
	return -1;
}

static uint64_t rdptr(const unsigned char *p, int sz, int be)
{
	uint64_t v = 0;

	for (int i = 0; i < sz; i++)
		v = (v << 8) | p[be ? i : sz - 1 - i];
	return v;
}

/* Old layout: vaddr points at a Go string header {data, len}. */
static int go_string(const unsigned char *d, size_t len, uint64_t vaddr, int ps, int be,
		     const unsigned char **s, size_t *sl)
{
	size_t off, doff;
	uint64_t data, n;

	if (ward_elf_vaddr_off(d, len, vaddr, &off) || len - off < (size_t)(2 * ps))
		return -1;
	data = rdptr(d + off, ps, be);
	n = rdptr(d + off + ps, ps, be);
	if (n > WARD_SCAN_MAX_JSON || ward_elf_vaddr_off(d, len, data, &doff) || len - doff < n)
		return -1;
	*s = d + doff;
	*sl = (size_t)n;
	return 0;
}

static int add_mods(const char *m, size_t n, const char *path, struct ward_pkg_list *out)
{
	const char *p = m, *end = m + n;
	char name[1024], ver[256];
	int added = 0, rc;
	size_t last = (size_t)-1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ln = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *f[4];
		size_t fl[4], nf = 0;
		const char *q = p;

		while (nf < 4 && q <= p + ln) {
			const char *t = memchr(q, '\t', (size_t)(p + ln - q));
			size_t k = t ? (size_t)(t - q) : (size_t)(p + ln - q);

			f[nf] = q;
			fl[nf++] = k;
			if (!t)
				break;
			q = t + 1;
		}
		if (nf >= 3 && fl[1] < sizeof(name) && fl[2] < sizeof(ver)) {
			int is_dep = fl[0] == 3 && !memcmp(f[0], "dep", 3);
			int is_mod = fl[0] == 3 && !memcmp(f[0], "mod", 3);
			int is_rep = fl[0] == 2 && !memcmp(f[0], "=>", 2);

			snprintf(name, sizeof(name), "%.*s", (int)fl[1], f[1]);
			snprintf(ver, sizeof(ver), "%.*s", (int)fl[2], f[2]);
			if (is_rep && last != (size_t)-1 && last + 1 == out->cnt) {
				/* "=>" replaces the module just listed; a local directory
				 * (./x, /x, version "(devel)" or none) is no published module */
				if (name[0] == '.' || name[0] == '/' || !ver[0] || !strcmp(ver, "(devel)")) {
					ward_pkg_remove(out, last);
					added--;
				} else {
					ward_pkg_set(&out->items[last].name, name);
					ward_pkg_set(&out->items[last].version, ver);
				}
				last = (size_t)-1;
			} else if ((is_dep || is_mod) && strcmp(ver, "(devel)")) {
				rc = ward_scan_add_lang(out, WARD_ECO_GO, name, ver, NULL, path);
				if (rc < 0)
					return rc;
				added += rc;
				last = rc ? out->cnt - 1 : (size_t)-1;
			}
		}
		p += ln + 1;
	}
	return added;
}

int ward_parse_go_buildinfo(const unsigned char *data, size_t len, const char *path,
			    struct ward_pkg_list *out, struct ward_diag *d)
{
	const unsigned char *h = memmem(data, len, MAGIC, MAGIC_LEN), *ver = NULL, *mod = NULL;
	size_t vl = 0, ml = 0, rest;
	char gover[128];
	int ps, flags, rc, added;

	if (!h)
		return 0;
	rest = len - (size_t)(h - data);
	if (rest < HDR_LEN)
		return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "truncated Go build info header");
	ps = h[14];
	flags = h[15];
	if (flags & 2) {
		uint64_t n;
		size_t used, o = HDR_LEN;

		if (uvarint(h + o, rest - o, &n, &used) || n > rest - o - used)
			return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "bad Go version length");
		ver = h + o + used;
		vl = (size_t)n;
		o += used + vl;
		if (uvarint(h + o, rest - o, &n, &used) || n > rest - o - used)
			return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "bad Go module info length");
		mod = h + o + used;
		ml = (size_t)n;
	} else {
		if ((ps != 4 && ps != 8) || rest < (size_t)(16 + 2 * ps))
			return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "bad Go pointer size %d", ps);
		if (go_string(data, len, rdptr(h + 16, ps, flags & 1), ps, flags & 1, &ver, &vl) ||
		    go_string(data, len, rdptr(h + 16 + ps, ps, flags & 1), ps, flags & 1, &mod, &ml))
			return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0,
					     "Go build info points outside the loaded segments");
	}
	/* module info is framed by 16-byte sentinels */
	if (ml >= 33 && mod[ml - 17] == '\n') {
		mod += 16;
		ml -= 32;
	}
	if (vl > 2 && !memcmp(ver, "go", 2) && vl - 2 < sizeof(gover)) {
		snprintf(gover, sizeof(gover), "%.*s", (int)(vl - 2), (const char *)ver + 2);
		rc = ward_scan_add_lang(out, WARD_ECO_GO, "stdlib", gover, NULL, path);
		if (rc < 0)
			return ward_diag_set(d, rc, path, 0, 0, "too many packages");
	}
	added = add_mods((const char *)mod, ml, path, out);
	if (added < 0)
		return ward_diag_set(d, added, path, 0, 0, "too many packages");
	return added + 1;
}
