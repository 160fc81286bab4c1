// SPDX-License-Identifier: Apache-2.0
/*
 * Condition text with its origin: the YAML scalars a condition was joined from (append adds
 * fragments) and the mapping from a byte of the joined text back to the file's line and
 * column. Not the YAML parsing itself (loader.c) nor tokenizing (lexer.c).
 */
#include "rules/rules_int.h"

#include <string.h>
#include <yaml.h>

#include "common/xalloc.h"

void ward_rtext_init(struct ward_rtext *t)
{
	memset(t, 0, sizeof(*t));
	t->s = ward_xstrdup("");
}

void ward_rtext_free(struct ward_rtext *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->frags_cnt; i++)
		free(t->frags[i].raw);
	free(t->frags);
	free(t->s);
	memset(t, 0, sizeof(*t));
}

int ward_rtext_add(struct ward_rtext *t, const char *val, size_t val_len, const char *raw,
		   size_t raw_len, int style, struct ward_rpos pos)
{
	size_t sep = t->len ? 1 : 0;
	struct ward_rfrag *f;

	if (val_len > WARD_RULES_MAX_COND_LEN || t->len + sep + val_len > WARD_RULES_MAX_COND_LEN)
		return -WARD_E_LIMIT;
	t->s = ward_xrealloc(t->s, t->len + sep + val_len + 1);
	if (sep)
		t->s[t->len++] = ' ';
	memcpy(t->s + t->len, val, val_len);
	t->frags = ward_xreallocarray(t->frags, t->frags_cnt + 1, sizeof(*t->frags));
	f = &t->frags[t->frags_cnt++];
	f->off = t->len;
	f->len = val_len;
	f->pos = pos;
	f->raw = raw ? ward_xstrndup(raw, raw_len) : NULL;
	f->raw_len = raw ? raw_len : 0;
	f->style = style;
	t->len += val_len;
	t->s[t->len] = '\0';
	return 0;
}

void ward_rtext_copy(struct ward_rtext *dst, const struct ward_rtext *src)
{
	ward_rtext_init(dst);
	for (size_t i = 0; i < src->frags_cnt; i++) {
		const struct ward_rfrag *f = &src->frags[i];

		(void)ward_rtext_add(dst, src->s + f->off, f->len, f->raw, f->raw_len, f->style,
				     f->pos);
	}
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Folding and block indentation change whitespace but keep every other character, in order.
 * So walk the value and the raw scalar side by side, matching non-blank characters and
 * counting lines in the raw text. Escapes in quoted scalars can desynchronize the walk; then
 * the position degrades to the last matched character, still on the right line or close.
 */
static struct ward_rpos frag_pos(const struct ward_rfrag *f, const char *val, size_t off)
{
	struct ward_rpos p = f->pos;
	size_t r = 0;
	int line = f->pos.line, col = f->pos.col;

	if (!f->raw)
		return (struct ward_rpos){ f->pos.file, f->pos.line, f->pos.col + (int)off };
	if (f->style == YAML_LITERAL_SCALAR_STYLE || f->style == YAML_FOLDED_SCALAR_STYLE) {
		/* skip the ">-" header line */
		while (r < f->raw_len && f->raw[r] != '\n') {
			r++;
			col++;
		}
	} else if (f->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		   f->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		r = 1;
		col++;
	}
	for (size_t v = 0; v < f->len; v++) {
		if (is_ws(val[v]))
			continue;
		while (r < f->raw_len && f->raw[r] != val[v]) {
			if (f->raw[r] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
			r++;
		}
		if (r >= f->raw_len)
			break;
		p.line = line;
		p.col = col;
		if (v >= off)
			break;
		r++;
		col++;
	}
	return p;
}

struct ward_rpos ward_rtext_pos(const struct ward_rtext *t, size_t off)
{
	if (off >= t->len && t->len) {
		/* the end of the text: one column past its last character */
		struct ward_rpos p = ward_rtext_pos(t, t->len - 1);

		p.col++;
		return p;
	}
	for (size_t i = 0; i < t->frags_cnt; i++) {
		const struct ward_rfrag *f = &t->frags[i];

		if (off < f->off + f->len || i + 1 == t->frags_cnt) {
			size_t o = off > f->off ? off - f->off : 0;

			if (o >= f->len && f->len)
				o = f->len - 1;
			return frag_pos(f, t->s + f->off, o);
		}
	}
	return (struct ward_rpos){ NULL, 0, 0 };
}
