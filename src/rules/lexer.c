// SPDX-License-Identifier: Apache-2.0
/*
 * Tokenizer for Falco condition text. Tokens are parentheses, commas, comparison symbols,
 * quoted strings ('..' or "..", backslash escapes) and bare words. A bare word runs until
 * whitespace or one of ( ) , = < > ! " ' so paths, field names with [arguments] and values
 * such as runc:[1:CHILD] stay one token. Keywords (and, in, contains, ...) are bare words
 * the parser recognizes; the lexer knows no grammar.
 */
#include "rules/rules_int.h"

#include <string.h>

#include "common/xalloc.h"

void ward_rlex_init(struct ward_rlex *l, const char *s, size_t len)
{
	l->s = s;
	l->len = len;
	l->pos = 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_word_char(char c)
{
	return !is_space(c) && c != '(' && c != ')' && c != ',' && c != '=' && c != '<' &&
	       c != '>' && c != '!' && c != '"' && c != '\'' && c != '\0';
}

void ward_rlex_next(struct ward_rlex *l, struct ward_rtok *t)
{
	const char *s = l->s;
	size_t p = l->pos;

	while (p < l->len && is_space(s[p]))
		p++;
	t->off = p;
	t->err = NULL;
	if (p >= l->len) {
		t->kind = WARD_TK_EOF;
		t->len = 0;
		l->pos = p;
		return;
	}
	switch (s[p]) {
	case '(':
		t->kind = WARD_TK_LP;
		t->len = 1;
		break;
	case ')':
		t->kind = WARD_TK_RP;
		t->len = 1;
		break;
	case ',':
		t->kind = WARD_TK_COMMA;
		t->len = 1;
		break;
	case '=':
		t->kind = WARD_TK_OP;
		t->len = p + 1 < l->len && s[p + 1] == '=' ? 2 : 1;
		break;
	case '<':
	case '>':
		t->kind = WARD_TK_OP;
		t->len = p + 1 < l->len && s[p + 1] == '=' ? 2 : 1;
		break;
	case '!':
		if (p + 1 < l->len && s[p + 1] == '=') {
			t->kind = WARD_TK_OP;
			t->len = 2;
		} else {
			t->kind = WARD_TK_ERR;
			t->len = 1;
			t->err = "'!' must be followed by '=' (use 'not' to negate)";
		}
		break;
	case '"':
	case '\'': {
		char q = s[p];
		size_t e = p + 1;

		while (e < l->len && s[e] != q) {
			if (s[e] == '\\' && e + 1 < l->len)
				e++;
			e++;
		}
		if (e >= l->len) {
			t->kind = WARD_TK_ERR;
			t->len = l->len - p;
			t->err = "unterminated quoted string";
		} else {
			t->kind = WARD_TK_STR;
			t->len = e + 1 - p;
		}
		break;
	}
	default: {
		size_t e = p;

		while (e < l->len && is_word_char(s[e]))
			e++;
		if (e == p) { /* a NUL byte or another character no token starts with */
			t->kind = WARD_TK_ERR;
			t->len = 1;
			t->err = "unexpected character";
		} else {
			t->kind = WARD_TK_WORD;
			t->len = e - p;
		}
		break;
	}
	}
	l->pos = p + t->len;
}

char *ward_rlex_unquote(const char *s, size_t len)
{
	char *out = ward_xmalloc(len + 1);
	size_t o = 0;

	/* s[0] and s[len-1] are the quotes */
	for (size_t i = 1; i + 1 < len; i++) {
		if (s[i] == '\\' && i + 2 < len) {
			char c = s[++i];

			switch (c) {
			case 'n': out[o++] = '\n'; break;
			case 't': out[o++] = '\t'; break;
			case 'r': out[o++] = '\r'; break;
			case '\\': case '"': case '\'': out[o++] = c; break;
			default: /* unknown escapes stay as written */
				out[o++] = '\\';
				out[o++] = c;
				break;
			}
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}
