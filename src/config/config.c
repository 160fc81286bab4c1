// SPDX-License-Identifier: Apache-2.0
/*
 * YAML config loader. Walks libyaml's event stream, flattening nested mappings into dotted
 * keys, and checks each key against the schema as it goes so the first bad key is reported
 * with its line. Values are kept as text; accessors convert.
 */
#include "config/config.h"
#include "common/fileio.h"
#include "common/limits.h"
#include "common/xalloc.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

struct ward_cfg_val {
	char *text;          /* scalars */
	char **items;        /* lists */
	size_t items_cnt;
	bool is_set;
};

struct ward_config {
	char *path;
	struct ward_cfg_val *vals; /* parallel to ward_cfg_keys */
	/* defaults split into lists, built lazily per key */
	char ***def_lists;
	size_t *def_cnts;
};

static int key_index(const char *key)
{
	for (size_t i = 0; i < ward_cfg_keys_cnt; i++)
		if (strcmp(ward_cfg_keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

static struct ward_config *cfg_alloc(const char *path)
{
	struct ward_config *cfg = ward_xcalloc(1, sizeof(*cfg));

	cfg->path = ward_xstrdup(path ? path : "");
	cfg->vals = ward_xcalloc(ward_cfg_keys_cnt, sizeof(*cfg->vals));
	cfg->def_lists = ward_xcalloc(ward_cfg_keys_cnt, sizeof(*cfg->def_lists));
	cfg->def_cnts = ward_xcalloc(ward_cfg_keys_cnt, sizeof(*cfg->def_cnts));
	return cfg;
}

struct ward_config *ward_config_defaults(void)
{
	return cfg_alloc("");
}

static void val_clear(struct ward_cfg_val *v)
{
	free(v->text);
	for (size_t i = 0; i < v->items_cnt; i++)
		free(v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

void ward_config_free(struct ward_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < ward_cfg_keys_cnt; i++) {
		val_clear(&cfg->vals[i]);
		for (size_t j = 0; j < cfg->def_cnts[i]; j++)
			free(cfg->def_lists[i][j]);
		free(cfg->def_lists[i]);
	}
	free(cfg->vals);
	free(cfg->def_lists);
	free(cfg->def_cnts);
	free(cfg->path);
	free(cfg);
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return false;
	*out = v;
	return true;
}

/* Type-checks a scalar for key i. */
static int check_scalar(int i, const char *text, const char *file, int line, int col,
			struct ward_diag *diag)
{
	bool b;
	int64_t n;

	switch (ward_cfg_keys[i].type) {
	case WARD_CFG_BOOL:
		if (!parse_bool(text, &b))
			return ward_diag_set(diag, -WARD_E_SYNTAX, file, line, col,
					     "key '%s' wants true or false, got '%s'",
					     ward_cfg_keys[i].key, text);
		break;
	case WARD_CFG_INT:
		if (!parse_int(text, &n))
			return ward_diag_set(diag, -WARD_E_SYNTAX, file, line, col,
					     "key '%s' wants an integer, got '%s'",
					     ward_cfg_keys[i].key, text);
		break;
	default:
		break;
	}
	return 0;
}

struct cfg_parser {
	yaml_parser_t p;
	const char *file;
	struct ward_config *cfg;
	struct ward_diag *diag;
	char prefix[512];
	size_t keys_seen;
};

static int next_event(struct cfg_parser *cp, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&cp->p, ev))
		return ward_diag_set(cp->diag, -WARD_E_SYNTAX, cp->file,
				     (int)cp->p.problem_mark.line + 1,
				     (int)cp->p.problem_mark.column + 1, "YAML: %s",
				     cp->p.problem ? cp->p.problem : "parse error");
	return 0;
}

static int parse_mapping(struct cfg_parser *cp, int depth);

/* Reads a list value for key index i (the SEQUENCE_START was consumed). */
static int parse_list(struct cfg_parser *cp, int i, const char *key, int line)
{
	struct ward_cfg_val *v = &cp->cfg->vals[i];
	yaml_event_t ev;
	int err;

	val_clear(v);
	v->is_set = true;
	for (;;) {
		if ((err = next_event(cp, &ev)))
			return err;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			err = ward_diag_set(cp->diag, -WARD_E_SYNTAX, cp->file,
					    (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
					    "key '%s': list items must be plain values", key);
			yaml_event_delete(&ev);
			return err;
		}
		if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length)) {
			err = ward_diag_set(cp->diag, -WARD_E_SYNTAX, cp->file,
					    (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
					    "key '%s': list item %zu contains a NUL byte (\\0)", key,
					    v->items_cnt + 1);
			yaml_event_delete(&ev);
			return err;
		}
		if (v->items_cnt >= WARD_CONFIG_MAX_LIST) {
			yaml_event_delete(&ev);
			return ward_diag_set(cp->diag, -WARD_E_LIMIT, cp->file, line, 0,
					     "key '%s': more than %d items", key, WARD_CONFIG_MAX_LIST);
		}
		v->items = ward_xreallocarray(v->items, v->items_cnt + 1, sizeof(char *));
		v->items[v->items_cnt++] = ward_xstrndup((const char *)ev.data.scalar.value,
							 ev.data.scalar.length);
		yaml_event_delete(&ev);
	}
}

static int handle_value(struct cfg_parser *cp, const char *key, int line, int col, int depth)
{
	yaml_event_t ev;
	int i, err;
	size_t plen = strlen(cp->prefix);

	if ((err = next_event(cp, &ev)))
		return err;
	if (ev.type == YAML_MAPPING_START_EVENT) {
		yaml_event_delete(&ev);
		if (depth + 1 >= WARD_CONFIG_MAX_DEPTH)
			return ward_diag_set(cp->diag, -WARD_E_LIMIT, cp->file, line, col,
					     "key '%s': nested too deep", key);
		if (strlen(key) + 2 >= sizeof(cp->prefix))
			return ward_diag_set(cp->diag, -WARD_E_LIMIT, cp->file, line, col,
					     "key '%s' too long", key);
		snprintf(cp->prefix, sizeof(cp->prefix), "%s.", key);
		err = parse_mapping(cp, depth + 1);
		cp->prefix[plen] = '\0';
		return err;
	}
	i = key_index(key);
	if (i < 0) {
		yaml_event_delete(&ev);
		return ward_diag_set(cp->diag, -WARD_E_NOTFOUND, cp->file, line, col,
				     "unknown key '%s' (see docs/config.md)", key);
	}
	if (ev.type == YAML_SEQUENCE_START_EVENT) {
		yaml_event_delete(&ev);
		if (ward_cfg_keys[i].type != WARD_CFG_LIST)
			return ward_diag_set(cp->diag, -WARD_E_SYNTAX, cp->file, line, col,
					     "key '%s' wants a single value, not a list", key);
		return parse_list(cp, i, key, line);
	}
	if (ev.type != YAML_SCALAR_EVENT) {
		yaml_event_delete(&ev);
		return ward_diag_set(cp->diag, -WARD_E_SYNTAX, cp->file, line, col,
				     "key '%s': unexpected value", key);
	}
	if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length)) {
		yaml_event_delete(&ev);
		return ward_diag_set(cp->diag, -WARD_E_SYNTAX, cp->file, line, col,
				     "key '%s': the value contains a NUL byte (\\0)", key);
	}
	{
		char *text = ward_xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
		struct ward_cfg_val *v = &cp->cfg->vals[i];

		yaml_event_delete(&ev);
		if (ward_cfg_keys[i].type == WARD_CFG_LIST) {
			/* a scalar for a list key is a one-item list (or empty) */
			val_clear(v);
			v->is_set = true;
			if (text[0]) {
				v->items = ward_xcalloc(1, sizeof(char *));
				v->items[0] = text;
				v->items_cnt = 1;
			} else {
				free(text);
			}
			return 0;
		}
		err = check_scalar(i, text, cp->file, line, col, cp->diag);
		if (err) {
			free(text);
			return err;
		}
		val_clear(v);
		v->text = text;
		v->is_set = true;
	}
	return 0;
}

/* Parses mapping entries until MAPPING_END (the MAPPING_START was consumed). */
static int parse_mapping(struct cfg_parser *cp, int depth)
{
	yaml_event_t ev;
	char key[512];
	int err, line, col;

	for (;;) {
		if ((err = next_event(cp, &ev)))
			return err;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		line = (int)ev.start_mark.line + 1;
		col = (int)ev.start_mark.column + 1;
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&ev);
			return ward_diag_set(cp->diag, -WARD_E_SYNTAX, cp->file, line, col,
					     "expected a key");
		}
		if (++cp->keys_seen > WARD_CONFIG_MAX_KEYS) {
			yaml_event_delete(&ev);
			return ward_diag_set(cp->diag, -WARD_E_LIMIT, cp->file, line, col,
					     "more than %d keys", WARD_CONFIG_MAX_KEYS);
		}
		if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length)) {
			yaml_event_delete(&ev);
			return ward_diag_set(cp->diag, -WARD_E_SYNTAX, cp->file, line, col,
					     "a key contains a NUL byte (\\0)");
		}
		if (snprintf(key, sizeof(key), "%s%.*s", cp->prefix, (int)ev.data.scalar.length,
			     (const char *)ev.data.scalar.value) >= (int)sizeof(key)) {
			yaml_event_delete(&ev);
			return ward_diag_set(cp->diag, -WARD_E_LIMIT, cp->file, line, col, "key too long");
		}
		yaml_event_delete(&ev);
		if ((err = handle_value(cp, key, line, col, depth)))
			return err;
	}
}

int ward_config_parse(const char *name, const char *data, size_t len, struct ward_config **out,
		      struct ward_diag *diag)
{
	struct cfg_parser cp = { .file = name, .diag = diag };
	yaml_event_t ev;
	int err = 0;
	bool done = false;

	if (len > WARD_CONFIG_MAX_BYTES)
		return ward_diag_set(diag, -WARD_E_LIMIT, name, 0, 0, "config larger than %u bytes",
				     WARD_CONFIG_MAX_BYTES);
	cp.cfg = cfg_alloc(name);
	if (!yaml_parser_initialize(&cp.p)) {
		ward_config_free(cp.cfg);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&cp.p, (const unsigned char *)data, len);
	while (!done && !err) {
		if ((err = next_event(&cp, &ev)))
			break;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_MAPPING_START_EVENT:
			err = parse_mapping(&cp, 0);
			break;
		case YAML_SCALAR_EVENT:
			/* an empty document is a null scalar: fine; anything else is not a mapping */
			if (ev.data.scalar.length)
				err = ward_diag_set(diag, -WARD_E_SYNTAX, name,
						    (int)ev.start_mark.line + 1,
						    (int)ev.start_mark.column + 1,
						    "the config must be a mapping of keys");
			break;
		case YAML_SEQUENCE_START_EVENT:
			err = ward_diag_set(diag, -WARD_E_SYNTAX, name, (int)ev.start_mark.line + 1,
					    (int)ev.start_mark.column + 1,
					    "the config must be a mapping of keys, not a list");
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&cp.p);
	if (err) {
		ward_config_free(cp.cfg);
		return err;
	}
	*out = cp.cfg;
	return 0;
}

int ward_config_load(const char *path, bool must_exist, struct ward_config **out,
		     struct ward_diag *diag)
{
	struct stat st;
	char *data = NULL;
	size_t off = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT && !must_exist) {
			*out = cfg_alloc(path);
			return 0;
		}
		return ward_diag_set(diag, err, path, 0, 0, "cannot open config: %s",
				     ward_strerror(err));
	}
	/* a regular file, or a stream such as /dev/null or a pipe (-c /dev/stdin) */
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		return ward_diag_set(diag, -EINVAL, path, 0, 0, "not a file");
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > WARD_CONFIG_MAX_BYTES) {
		close(fd);
		return ward_diag_set(diag, -WARD_E_LIMIT, path, 0, 0,
				     "config larger than %u bytes", WARD_CONFIG_MAX_BYTES);
	}
	data = ward_xmalloc(WARD_CONFIG_MAX_BYTES + 1);
	/* one byte past the limit tells a stream that is too long; a read error keeps what
	 * came before it */
	(void)ward_read_full(fd, data, WARD_CONFIG_MAX_BYTES + 1, &off);
	close(fd);
	if (off > WARD_CONFIG_MAX_BYTES) {
		free(data);
		return ward_diag_set(diag, -WARD_E_LIMIT, path, 0, 0,
				     "config larger than %u bytes", WARD_CONFIG_MAX_BYTES);
	}
	err = ward_config_parse(path, data, off, out, diag);
	free(data);
	return err;
}

static int must_key(const char *key, enum ward_cfg_type type)
{
	int i = key_index(key);

	assert(i >= 0 && ward_cfg_keys[i].type == type);
	return i;
}

const char *ward_config_str(const struct ward_config *cfg, const char *key)
{
	int i = must_key(key, WARD_CFG_STR);

	return cfg->vals[i].is_set ? cfg->vals[i].text : ward_cfg_keys[i].def;
}

int64_t ward_config_int(const struct ward_config *cfg, const char *key)
{
	int i = must_key(key, WARD_CFG_INT);
	int64_t v = 0;

	parse_int(cfg->vals[i].is_set ? cfg->vals[i].text : ward_cfg_keys[i].def, &v);
	return v;
}

bool ward_config_bool(const struct ward_config *cfg, const char *key)
{
	int i = must_key(key, WARD_CFG_BOOL);
	bool v = false;

	parse_bool(cfg->vals[i].is_set ? cfg->vals[i].text : ward_cfg_keys[i].def, &v);
	return v;
}

const char *const *ward_config_list(const struct ward_config *cfg, const char *key, size_t *cnt)
{
	int i = must_key(key, WARD_CFG_LIST);

	if (cfg->vals[i].is_set) {
		*cnt = cfg->vals[i].items_cnt;
		return (const char *const *)cfg->vals[i].items;
	}
	if (!cfg->def_lists[i] && ward_cfg_keys[i].def[0]) {
		const char *s = ward_cfg_keys[i].def;

		while (*s) {
			const char *e = strchr(s, ',');
			size_t n = e ? (size_t)(e - s) : strlen(s);

			cfg->def_lists[i] = ward_xreallocarray(cfg->def_lists[i], cfg->def_cnts[i] + 1,
							       sizeof(char *));
			cfg->def_lists[i][cfg->def_cnts[i]++] = ward_xstrndup(s, n);
			s += n + (e ? 1 : 0);
		}
	}
	*cnt = cfg->def_cnts[i];
	return (const char *const *)cfg->def_lists[i];
}

int ward_config_set(struct ward_config *cfg, const char *key, const char *value)
{
	int i = key_index(key);
	int err;

	if (i < 0)
		return -WARD_E_NOTFOUND;
	if (ward_cfg_keys[i].type == WARD_CFG_LIST) {
		struct ward_cfg_val *v = &cfg->vals[i];

		v->items = ward_xreallocarray(v->items, v->items_cnt + 1, sizeof(char *));
		v->items[v->items_cnt++] = ward_xstrdup(value);
		v->is_set = true;
		return 0;
	}
	err = check_scalar(i, value, "", 0, 0, NULL);
	if (err)
		return -EINVAL;
	val_clear(&cfg->vals[i]);
	cfg->vals[i].text = ward_xstrdup(value);
	cfg->vals[i].is_set = true;
	return 0;
}

const char *ward_config_path(const struct ward_config *cfg)
{
	return cfg->path;
}
