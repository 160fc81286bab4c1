// SPDX-License-Identifier: Apache-2.0
/*
 * /proc/<pid>/mountinfo parsing for drift: finds the mount on "/" and its overlay layer
 * directories. The text comes from the kernel but describes a container's mounts, so it is
 * treated as untrusted: bounded fields, octal escapes decoded with checks, no assumptions
 * about field counts.
 */
#include "fim/drift.h"

#include <string.h>

#include "common/limits.h"

/* Copies src[0..len) to dst decoding \NNN octal escapes (mountinfo's for space, tab,
 * newline and backslash) and overlay's "\," / "\:" option escapes. */
static int unescape(const char *src, size_t len, char *dst, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = src[i];

		if (c == '\\' && i + 3 < len + 0 && src[i + 1] >= '0' && src[i + 1] <= '3' &&
		    src[i + 2] >= '0' && src[i + 2] <= '7' && src[i + 3] >= '0' && src[i + 3] <= '7') {
			c = (char)(((src[i + 1] - '0') << 6) | ((src[i + 2] - '0') << 3) |
				   (src[i + 3] - '0'));
			i += 3;
		} else if (c == '\\' && i + 1 < len) {
			c = src[++i];
		}
		if (o + 1 >= cap)
			return -WARD_E_LIMIT;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return 0;
}

/* Value of key=... in a comma-separated option list, honouring "\," escapes. */
static int opt_value(const char *opts, size_t len, const char *key, char *dst, size_t cap)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && opts[j] != ',') {
			if (opts[j] == '\\' && j + 1 < len)
				j++;
			j++;
		}
		if (j > len)
			j = len;
		if (j - i > klen && memcmp(opts + i, key, klen) == 0 && opts[i + klen] == '=')
			return unescape(opts + i + klen + 1, j - i - klen - 1, dst, cap);
		i = j + 1;
	}
	return -WARD_E_NOTFOUND;
}

int ward_fim_mountinfo_root_overlay(const char *text, size_t len, char *upper, size_t upper_cap,
				    char *lower, size_t lower_cap, char *fstype, size_t fstype_cap)
{
	const char *line = text, *end, *root_line = NULL, *root_end = NULL;

	if (len > WARD_FIM_MOUNTINFO_MAX)
		return -WARD_E_LIMIT;
	if (fstype_cap)
		fstype[0] = '\0';
	/* the last mount on "/" is the one the process sees */
	for (; line < text + len; line = end + 1) {
		const char *f[5];
		size_t n = 0;
		const char *p = line;

		end = memchr(line, '\n', (size_t)(text + len - line));
		if (!end)
			end = text + len;
		/* fields: id parent maj:min root mountpoint ... */
		while (n < 5 && p < end) {
			f[n++] = p;
			const char *sp = memchr(p, ' ', (size_t)(end - p));
			if (!sp)
				break;
			p = sp + 1;
		}
		if (n < 5)
			continue;
		if (f[4][0] == '/' && (f[4] + 1 == end || f[4][1] == ' '))
			root_line = line, root_end = end;
	}
	if (!root_line)
		return -WARD_E_NOTFOUND;
	/* optional fields end at " - ", then fstype source superopts */
	const char *sep = NULL;
	for (const char *p = root_line; p + 3 <= root_end; p++)
		if (p[0] == ' ' && p[1] == '-' && p[2] == ' ') {
			sep = p + 3;
			break;
		}
	if (!sep)
		return -WARD_E_SYNTAX;
	const char *fs_end = memchr(sep, ' ', (size_t)(root_end - sep));
	if (!fs_end)
		return -WARD_E_SYNTAX;
	if (fstype_cap && unescape(sep, (size_t)(fs_end - sep), fstype, fstype_cap))
		return -WARD_E_LIMIT;
	if ((size_t)(fs_end - sep) != 7 || memcmp(sep, "overlay", 7) != 0)
		return -WARD_E_UNSUPPORTED;
	const char *src_end = memchr(fs_end + 1, ' ', (size_t)(root_end - fs_end - 1));
	if (!src_end)
		return -WARD_E_SYNTAX;
	const char *opts = src_end + 1;
	size_t olen = (size_t)(root_end - opts);
	int err = opt_value(opts, olen, "upperdir", upper, upper_cap);

	if (err)
		return err == -WARD_E_NOTFOUND ? -WARD_E_UNSUPPORTED : err; /* read-only overlay */
	return opt_value(opts, olen, "lowerdir", lower, lower_cap);
}
