// SPDX-License-Identifier: Apache-2.0
/*
 * Rule output templates: "%proc.name opened %fd.name (flags=%evt.arg.flags)". A template is
 * split once into literal text and resolved field references; rendering substitutes each
 * value (absent as <NA>, like Falco) and also produces the output_fields map (field name ->
 * typed value, absent as null) that Falco puts in its JSON alerts. "%%" is a literal '%'.
 *
 * Rendering happens only for matching events and uses per-thread buffers that are reused,
 * so a steady stream of alerts does not allocate either. Not here: the alert JSON itself
 * (src/alert).
 */
#include "rules/rules_int.h"

#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"

struct part {
	size_t lit_off, lit_len;  /* literal text before the field */
	int field;                /* index into fields, -1: none (trailing literal) */
};

struct ofield {
	struct ward_rfref fr;
	bool known;
	char *key;                /* as written: "proc.aname[2]" */
};

struct ward_rout {
	char *tmpl;
	struct part *parts;
	size_t parts_cnt;
	struct ofield *fields;
	size_t fields_cnt;
};

static bool field_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

void ward_rout_free(struct ward_rout *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->fields_cnt; i++) {
		ward_rfref_free(&o->fields[i].fr);
		free(o->fields[i].key);
	}
	free(o->fields);
	free(o->parts);
	free(o->tmpl);
	free(o);
}

static void add_part(struct ward_rout *o, size_t off, size_t len, int field)
{
	o->parts = ward_xreallocarray(o->parts, o->parts_cnt + 1, sizeof(*o->parts));
	o->parts[o->parts_cnt++] = (struct part){ off, len, field };
}

int ward_rout_compile(struct ward_ruleset *rs, const char *tmpl, struct ward_rpos pos,
		      struct ward_rout **out)
{
	struct ward_rout *o;
	size_t n = strlen(tmpl), lit = 0, i = 0;
	char *buf;

	if (n > WARD_RULES_MAX_OUTPUT_LEN) {
		ward_rules_msg(rs, true, pos, "output longer than %u bytes", WARD_RULES_MAX_OUTPUT_LEN);
		return -WARD_E_LIMIT;
	}
	o = ward_xcalloc(1, sizeof(*o));
	/* "%%" collapses to "%": build the literal text as we go */
	buf = ward_xmalloc(n + 1);
	o->tmpl = buf;
	size_t w = 0;
	while (i < n) {
		if (tmpl[i] == '%' && i + 1 < n && tmpl[i + 1] == '%') {
			buf[w++] = '%';
			i += 2;
			continue;
		}
		if (tmpl[i] == '%' && i + 1 < n && field_char(tmpl[i + 1])) {
			size_t s = i + 1, e = s, klen;
			struct ofield f = { 0 };
			char err[300], *key;
			int idx = -1;

			while (e < n && field_char(tmpl[e]))
				e++;
			if (e < n && tmpl[e] == '[') {
				size_t b = e;

				while (b < n && tmpl[b] != ']' && tmpl[b] != ' ')
					b++;
				if (b < n && tmpl[b] == ']')
					e = b + 1;
			}
			/* a sentence may end right after a field: "%fd.name." */
			while (e > s + 1 && tmpl[e - 1] == '.')
				e--;
			klen = e - s;
			key = ward_xstrndup(tmpl + s, klen);
			for (size_t k = 0; k < o->fields_cnt; k++)
				if (strcmp(o->fields[k].key, key) == 0)
					idx = (int)k;
			if (idx < 0) {
				if (o->fields_cnt >= WARD_RULES_MAX_OUT_FIELDS) {
					ward_rules_msg(rs, true, pos, "output has more than %d fields",
						       WARD_RULES_MAX_OUT_FIELDS);
					free(key);
					ward_rout_free(o);
					return -WARD_E_LIMIT;
				}
				f.key = key;
				f.known = ward_rfield_resolve(key, &f.fr, err, sizeof(err)) == 0;
				if (!f.known)
					ward_rules_msg(rs, false, pos, "output: %s (rendered as <NA>)", err);
				o->fields = ward_xreallocarray(o->fields, o->fields_cnt + 1, sizeof(*o->fields));
				o->fields[o->fields_cnt] = f;
				idx = (int)o->fields_cnt++;
			} else {
				free(key);
			}
			add_part(o, lit, w - lit, idx);
			lit = w;
			i = e;
			continue;
		}
		buf[w++] = tmpl[i++];
	}
	buf[w] = '\0';
	if (w > lit || !o->parts_cnt)
		add_part(o, lit, w - lit, -1);
	*out = o;
	return 0;
}

static __thread struct ward_buf out_text, out_vals;
static __thread struct ward_alert_field out_fields[WARD_RULES_MAX_OUT_FIELDS];
static __thread size_t val_off[WARD_RULES_MAX_OUT_FIELDS];

int ward_rout_render(const struct ward_rout *o, struct ward_rx *x, const char **text,
		     const struct ward_alert_field **fields, size_t *fields_cnt)
{
	int err = 0;

	if (!out_text.max) {
		ward_buf_init(&out_text, WARD_RULES_MAX_ALERT_BYTES);
		ward_buf_init(&out_vals, WARD_RULES_MAX_ALERT_BYTES);
	}
	ward_buf_reset(&out_text);
	ward_buf_reset(&out_vals);
	for (size_t i = 0; i < o->fields_cnt; i++) {
		const struct ofield *f = &o->fields[i];
		struct ward_alert_field *af = &out_fields[i];
		struct ward_rval v;

		af->key = f->key;
		af->type = WARD_AV_NULL;
		if (!f->known || !ward_rfield_extract(x, &f->fr, 0, &v))
			continue;
		if (f->fr.f->type == WARD_RFT_BOOL) {
			af->type = WARD_AV_BOOL;
			af->v.b = v.len == 4;
			continue;
		}
		if (v.is_num && !v.s) {
			af->type = WARD_AV_INT;
			af->v.i = v.n;
			continue;
		}
		if (f->fr.f->type == WARD_RFT_NET)
			continue; /* raw address bytes: the ip fields carry the text */
		val_off[i] = out_vals.len;
		if (ward_buf_append(&out_vals, v.s, v.len) < 0 || ward_buf_putc(&out_vals, '\0') < 0) {
			err = -WARD_E_LIMIT;
			continue;
		}
		af->type = WARD_AV_STR;
	}
	/* the value buffer is final now: point into it */
	for (size_t i = 0; i < o->fields_cnt; i++)
		if (out_fields[i].type == WARD_AV_STR)
			out_fields[i].v.s = out_vals.data + val_off[i];
	for (size_t p = 0; p < o->parts_cnt; p++) {
		const struct part *pt = &o->parts[p];
		const struct ward_alert_field *af;
		char num[32];

		ward_buf_append(&out_text, o->tmpl + pt->lit_off, pt->lit_len);
		if (pt->field < 0)
			continue;
		af = &out_fields[pt->field];
		switch (af->type) {
		case WARD_AV_STR: ward_buf_puts(&out_text, af->v.s); break;
		case WARD_AV_INT:
			snprintf(num, sizeof(num), "%lld", (long long)af->v.i);
			ward_buf_puts(&out_text, num);
			break;
		case WARD_AV_BOOL: ward_buf_puts(&out_text, af->v.b ? "true" : "false"); break;
		default: ward_buf_puts(&out_text, "<NA>"); break;
		}
	}
	if (!out_text.data)
		ward_buf_puts(&out_text, "");
	*text = out_text.data;
	*fields = out_fields;
	*fields_cnt = o->fields_cnt;
	return err;
}
