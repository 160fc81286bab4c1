// SPDX-License-Identifier: Apache-2.0
/*
 * Formatting of FIM findings (see report.h). Each finding is built in one bounded buffer
 * and written with a single fwrite, so output never interleaves partial records.
 */
#include "fim/report.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/hash.h"
#include "common/jsonw.h"
#include "common/limits.h"
#include "common/timeutil.h"
#include "fim/attr.h"

#define FINDING_MAX (64u << 10)

void ward_fim_report_init(struct ward_fim_report *r, FILE *out, bool is_json, bool is_detail)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->is_json = is_json;
	r->is_detail = is_detail;
	ward_buf_init(&r->b, FINDING_MAX);
	if (is_json)
		fputs("{\"findings\":[", out);
}

void ward_fim_report_free(struct ward_fim_report *r)
{
	ward_buf_free(&r->b);
}

bool ward_fim_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i], n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07;
		} else {
			return false;
		}
		for (unsigned k = 1; k <= n; k++) {
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

int ward_fim_text_escape(struct ward_buf *b, const char *s, size_t len)
{
	int err = 0;

	for (size_t i = 0; i < len && !err; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			err = ward_buf_puts(b, "\\n");
		else if (c == '\t')
			err = ward_buf_puts(b, "\\t");
		else if (c == '\\')
			err = ward_buf_puts(b, "\\\\");
		else if (c < 0x20 || c == 0x7f)
			err = ward_buf_printf(b, "\\x%02x", c);
		else
			err = ward_buf_putc(b, (char)c);
	}
	return err;
}

static const char *type_name(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symlink";
	case S_IFCHR: return "chardev";
	case S_IFBLK: return "blockdev";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	default: return "unknown";
	}
}

/* Text form of one attribute's value. */
static void attr_text(struct ward_buf *b, uint32_t bit, const struct ward_fim_entry *e)
{
	char hex[2 * WARD_SHA512_LEN + 1], tbuf[64];

	switch (bit) {
	case WARD_FIM_A_TYPE: ward_buf_puts(b, type_name(e->mode)); break;
	case WARD_FIM_A_PERM: ward_buf_printf(b, "%04o", e->mode & 07777); break;
	case WARD_FIM_A_INODE: ward_buf_printf(b, "%" PRIu64, e->ino); break;
	case WARD_FIM_A_NLINK: ward_buf_printf(b, "%" PRIu64, e->nlink); break;
	case WARD_FIM_A_UID: ward_buf_printf(b, "%u", e->uid); break;
	case WARD_FIM_A_GID: ward_buf_printf(b, "%u", e->gid); break;
	case WARD_FIM_A_SIZE: ward_buf_printf(b, "%" PRIu64, e->size); break;
	case WARD_FIM_A_MTIME:
		ward_buf_puts(b, ward_time_fmt((uint64_t)e->mtime_ns, tbuf, sizeof(tbuf)));
		break;
	case WARD_FIM_A_CTIME:
		ward_buf_puts(b, ward_time_fmt((uint64_t)e->ctime_ns, tbuf, sizeof(tbuf)));
		break;
	case WARD_FIM_A_LINK: ward_fim_text_escape(b, e->link, e->link_len); break;
	case WARD_FIM_A_XATTR:
		ward_buf_puts(b, e->has_xattr ? ward_hex(e->xattr, 8, hex) : "none");
		break;
	case WARD_FIM_A_ACL:
		ward_buf_puts(b, e->has_acl ? ward_hex(e->acl, 8, hex) : "none");
		break;
	default:
		ward_buf_puts(b, e->hash_len ? ward_hex(e->hash, e->hash_len, hex) : "none");
		break;
	}
}

static void attr_json(struct ward_jw *w, uint32_t bit, const struct ward_fim_entry *e)
{
	char hex[2 * WARD_SHA512_LEN + 1], tbuf[64];

	ward_jw_key(w, ward_fim_attr_name(bit));
	switch (bit) {
	case WARD_FIM_A_TYPE: ward_jw_str(w, type_name(e->mode)); break;
	case WARD_FIM_A_PERM:
		snprintf(tbuf, sizeof(tbuf), "%04o", e->mode & 07777);
		ward_jw_str(w, tbuf);
		break;
	case WARD_FIM_A_INODE: ward_jw_uint(w, e->ino); break;
	case WARD_FIM_A_NLINK: ward_jw_uint(w, e->nlink); break;
	case WARD_FIM_A_UID: ward_jw_uint(w, e->uid); break;
	case WARD_FIM_A_GID: ward_jw_uint(w, e->gid); break;
	case WARD_FIM_A_SIZE: ward_jw_uint(w, e->size); break;
	case WARD_FIM_A_MTIME:
		ward_jw_str(w, ward_time_fmt((uint64_t)e->mtime_ns, tbuf, sizeof(tbuf)));
		break;
	case WARD_FIM_A_CTIME:
		ward_jw_str(w, ward_time_fmt((uint64_t)e->ctime_ns, tbuf, sizeof(tbuf)));
		break;
	case WARD_FIM_A_LINK: ward_jw_strn(w, e->link, e->link_len); break;
	case WARD_FIM_A_XATTR:
		if (e->has_xattr)
			ward_jw_str(w, ward_hex(e->xattr, WARD_SHA256_LEN, hex));
		else
			ward_jw_null(w);
		break;
	case WARD_FIM_A_ACL:
		if (e->has_acl)
			ward_jw_str(w, ward_hex(e->acl, WARD_SHA256_LEN, hex));
		else
			ward_jw_null(w);
		break;
	default:
		if (e->hash_len)
			ward_jw_str(w, ward_hex(e->hash, e->hash_len, hex));
		else
			ward_jw_null(w);
		break;
	}
}

static const char *kind_name(enum ward_fim_kind k)
{
	static const char *const names[] = { "added", "removed", "changed", "error" };

	return names[k];
}

static void json_path(struct ward_jw *w, const char *path, size_t len)
{
	char hex[2 * WARD_FIM_PATH_MAX + 1];

	ward_jw_key(w, "path");
	ward_jw_strn(w, path, len);
	if (!ward_fim_utf8_valid(path, len) && len <= WARD_FIM_PATH_MAX) {
		/* jsonw replaces invalid bytes with U+FFFD; keep the exact bytes as hex too */
		ward_jw_kstr(w, "path_hex", ward_hex((const uint8_t *)path, len, hex));
	}
}

int ward_fim_report_add(struct ward_fim_report *r, enum ward_fim_kind kind,
			const struct ward_fim_entry *base, const struct ward_fim_entry *cur,
			uint32_t changed, int err, const char *err_path, const char *note)
{
	const struct ward_fim_entry *e = cur ? cur : base;
	const char *path = e ? e->path : err_path;
	size_t plen = e ? e->path_len : strlen(err_path);
	char names[256];
	int rc;

	ward_buf_reset(&r->b);
	if (r->is_json) {
		struct ward_jw w;

		if (r->cnt)
			ward_buf_putc(&r->b, ',');
		ward_buf_putc(&r->b, '\n');
		ward_jw_init(&w, &r->b);
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "kind", kind_name(kind));
		json_path(&w, path, plen);
		if (e)
			ward_jw_kstr(&w, "type", type_name(e->mode));
		if (kind == WARD_FIM_CHANGED) {
			ward_jw_key(&w, "changed");
			ward_jw_arr_begin(&w);
			for (unsigned i = 0; i < WARD_FIM_A_CNT; i++)
				if (changed & (1u << i))
					ward_jw_str(&w, ward_fim_attr_name(1u << i));
			ward_jw_arr_end(&w);
			ward_jw_key(&w, "old");
			ward_jw_obj_begin(&w);
			for (unsigned i = 0; i < WARD_FIM_A_CNT; i++)
				if (changed & (1u << i))
					attr_json(&w, 1u << i, base);
			ward_jw_obj_end(&w);
			ward_jw_key(&w, "new");
			ward_jw_obj_begin(&w);
			for (unsigned i = 0; i < WARD_FIM_A_CNT; i++)
				if (changed & (1u << i))
					attr_json(&w, 1u << i, cur);
			ward_jw_obj_end(&w);
		}
		if (err)
			ward_jw_kstr(&w, "error", ward_strerror(err));
		if (note)
			ward_jw_kstr(&w, "note", note);
		ward_jw_obj_end(&w);
		if (w.err)
			return w.err;
	} else {
		ward_buf_printf(&r->b, "%-8s ", kind_name(kind));
		ward_fim_text_escape(&r->b, path, plen);
		if (kind == WARD_FIM_CHANGED)
			ward_buf_printf(&r->b, "  [%s]",
					ward_fim_attr_list(changed, ",", names, sizeof(names)));
		if (err)
			ward_buf_printf(&r->b, "%s%s", kind == WARD_FIM_ERROR ? ": " : "  (",
					ward_strerror(err));
		if (err && kind != WARD_FIM_ERROR)
			ward_buf_putc(&r->b, ')');
		if (note)
			ward_buf_printf(&r->b, "  (%s)", note);
		ward_buf_putc(&r->b, '\n');
		if (r->is_detail && kind == WARD_FIM_CHANGED) {
			for (unsigned i = 0; i < WARD_FIM_A_CNT; i++) {
				if (!(changed & (1u << i)))
					continue;
				ward_buf_printf(&r->b, "    %-7s ", ward_fim_attr_name(1u << i));
				attr_text(&r->b, 1u << i, base);
				ward_buf_puts(&r->b, " -> ");
				attr_text(&r->b, 1u << i, cur);
				ward_buf_putc(&r->b, '\n');
			}
		}
	}
	rc = fwrite(r->b.data, 1, r->b.len, r->out) == r->b.len ? 0 : -EIO;
	r->cnt++;
	return rc;
}

int ward_fim_report_end(struct ward_fim_report *r, const struct ward_fim_summary *s,
			const char *what)
{
	ward_buf_reset(&r->b);
	if (r->is_json) {
		struct ward_jw w;

		ward_jw_init(&w, &r->b);
		ward_buf_puts(&r->b, "\n],\"summary\":");
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "result", what);
		ward_jw_kuint(&w, "files", s->files);
		ward_jw_kuint(&w, "added", s->added);
		ward_jw_kuint(&w, "removed", s->removed);
		ward_jw_kuint(&w, "changed", s->changed);
		ward_jw_kuint(&w, "errors", s->errors);
		ward_jw_kuint(&w, "unverified", s->unverified);
		if (s->baseline_created > 0) {
			char ts[48];

			ward_jw_kstr(&w, "baseline_created",
				     ward_time_fmt((uint64_t)s->baseline_created * 1000000000ull, ts,
						   sizeof(ts)));
		}
		ward_jw_obj_end(&w);
		ward_buf_puts(&r->b, "}\n");
	} else {
		ward_buf_printf(&r->b,
				"%s: %" PRIu64 " files, %" PRIu64 " added, %" PRIu64 " removed, %" PRIu64
				" changed, %" PRIu64 " errors",
				what, s->files, s->added, s->removed, s->changed, s->errors);
		if (s->unverified)
			ward_buf_printf(&r->b, ", %" PRIu64 " unverified", s->unverified);
		ward_buf_putc(&r->b, '\n');
	}
	return fwrite(r->b.data, 1, r->b.len, r->out) == r->b.len ? 0 : -EIO;
}
