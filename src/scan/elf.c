// SPDX-License-Identifier: Apache-2.0
/*
 * Bounds-checked ELF32/ELF64 header walking (either byte order) over a file in memory.
 * Every offset read from the file is checked against the buffer before use.
 */
#include "scan/elf.h"

#include <string.h>

struct elf {
	const unsigned char *d;
	size_t len;
	bool is64, be;
};

static uint64_t rd(const struct elf *e, size_t off, int n)
{
	uint64_t v = 0;

	if (off > e->len || (size_t)n > e->len - off)
		return 0;
	for (int i = 0; i < n; i++) {
		int k = e->be ? i : n - 1 - i;

		v = (v << 8) | e->d[off + (size_t)k];
	}
	return v;
}

static int open_elf(struct elf *e, const unsigned char *d, size_t len)
{
	if (len < 52 || memcmp(d, "\x7f" "ELF", 4) || (d[4] != 1 && d[4] != 2) ||
	    (d[5] != 1 && d[5] != 2))
		return -1;
	e->d = d;
	e->len = len;
	e->is64 = d[4] == 2;
	e->be = d[5] == 2;
	if (e->is64 && len < 64)
		return -1;
	return 0;
}

int ward_elf_vaddr_off(const unsigned char *d, size_t len, uint64_t vaddr, size_t *off)
{
	struct elf e;
	uint64_t phoff, phnum, phentsize;

	if (open_elf(&e, d, len))
		return -1;
	phoff = e.is64 ? rd(&e, 32, 8) : rd(&e, 28, 4);
	phentsize = rd(&e, e.is64 ? 54 : 42, 2);
	phnum = rd(&e, e.is64 ? 56 : 44, 2);
	if (phentsize < (e.is64 ? 56u : 32u))
		return -1;
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t ph = phoff + i * phentsize, type, p_off, p_vaddr, p_filesz;

		if (ph < phoff || ph > len || len - ph < phentsize)
			return -1;
		type = rd(&e, ph, 4);
		if (type != 1) /* PT_LOAD */
			continue;
		p_off = e.is64 ? rd(&e, ph + 8, 8) : rd(&e, ph + 4, 4);
		p_vaddr = e.is64 ? rd(&e, ph + 16, 8) : rd(&e, ph + 8, 4);
		p_filesz = e.is64 ? rd(&e, ph + 32, 8) : rd(&e, ph + 16, 4);
		if (vaddr >= p_vaddr && vaddr - p_vaddr < p_filesz) {
			uint64_t o = p_off + (vaddr - p_vaddr);

			if (o < p_off || o >= len)
				return -1;
			*off = (size_t)o;
			return 0;
		}
	}
	return -1;
}

int ward_elf_section(const unsigned char *d, size_t len, const char *name, size_t *off,
		     size_t *size)
{
	struct elf e;
	uint64_t shoff, shentsize, shnum, shstrndx, str_off, str_size, sh;
	size_t nl = strlen(name);

	if (open_elf(&e, d, len))
		return -1;
	shoff = e.is64 ? rd(&e, 40, 8) : rd(&e, 32, 4);
	shentsize = rd(&e, e.is64 ? 58 : 46, 2);
	shnum = rd(&e, e.is64 ? 60 : 48, 2);
	shstrndx = rd(&e, e.is64 ? 62 : 50, 2);
	if (shentsize < (e.is64 ? 64u : 40u) || shstrndx >= shnum || shoff > len)
		return -1;
	sh = shoff + shstrndx * shentsize;
	if (sh > len || len - sh < shentsize)
		return -1;
	str_off = e.is64 ? rd(&e, sh + 24, 8) : rd(&e, sh + 16, 4);
	str_size = e.is64 ? rd(&e, sh + 32, 8) : rd(&e, sh + 20, 4);
	if (str_off > len || str_size > len - str_off)
		return -1;
	for (uint64_t i = 0; i < shnum; i++) {
		uint64_t s = shoff + i * shentsize, nm, so, ss;

		if (s > len || len - s < shentsize)
			return -1;
		nm = rd(&e, s, 4);
		if (nm >= str_size || str_size - nm < nl + 1 ||
		    memcmp(d + str_off + nm, name, nl + 1))
			continue;
		so = e.is64 ? rd(&e, s + 24, 8) : rd(&e, s + 16, 4);
		ss = e.is64 ? rd(&e, s + 32, 8) : rd(&e, s + 20, 4);
		if (so > len || ss > len - so)
			return -1;
		*off = (size_t)so;
		*size = (size_t)ss;
		return 0;
	}
	return -1;
}
