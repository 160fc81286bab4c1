/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The YAML config file (/etc/ward/ward.yaml, or -c FILE). Nested mappings become dotted keys
 * ("sensor.ring_kb"). Every key must be in the schema (config_keys.c) with its type and
 * default; an unknown key or a wrong type is an error naming the file, line and key.
 * A missing default config file is not an error: all defaults apply.
 */
#ifndef WARD_CONFIG_H
#define WARD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define WARD_CONFIG_DEFAULT_PATH "/etc/ward/ward.yaml"

enum ward_cfg_type { WARD_CFG_STR, WARD_CFG_INT, WARD_CFG_BOOL, WARD_CFG_LIST };

struct ward_cfg_key {
	const char *key;
	enum ward_cfg_type type;
	const char *def;      /* default as text; for lists, comma-separated */
	const char *help;
};

extern const struct ward_cfg_key ward_cfg_keys[];
extern const size_t ward_cfg_keys_cnt;

struct ward_config;

/* Loads path; when must_exist is false a missing file yields defaults. */
int ward_config_load(const char *path, bool must_exist, struct ward_config **out,
		     struct ward_diag *diag);
/* Parses YAML from memory (name is used in diagnostics). */
int ward_config_parse(const char *name, const char *data, size_t len, struct ward_config **out,
		      struct ward_diag *diag);
struct ward_config *ward_config_defaults(void);
void ward_config_free(struct ward_config *cfg);

/* Accessors; keys must be in the schema (asserted: a typo is a programming error). */
const char *ward_config_str(const struct ward_config *cfg, const char *key);
int64_t ward_config_int(const struct ward_config *cfg, const char *key);
bool ward_config_bool(const struct ward_config *cfg, const char *key);
/* List items; *cnt set. The array is owned by cfg. */
const char *const *ward_config_list(const struct ward_config *cfg, const char *key, size_t *cnt);
/* Overrides a value (CLI flags); value as text. Returns 0 or -WARD_E_NOTFOUND/-EINVAL. */
int ward_config_set(struct ward_config *cfg, const char *key, const char *value);
const char *ward_config_path(const struct ward_config *cfg);

#endif
