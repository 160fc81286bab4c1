// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the config parser: any bytes as a ward.yaml. A parse either fails
 * with a message naming the file, or yields a config whose every schema key reads back
 * through its typed accessor (list items and strings NUL-free by construction, since the
 * parser refuses embedded NULs). Nothing may crash, hang or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_config *cfg = NULL;
	struct ward_diag d;

	memset(&d, 0, sizeof(d));
	if (ward_config_parse("fuzz.yaml", (const char *)data, size, &cfg, &d) != 0) {
		if (strcmp(d.file, "fuzz.yaml") || !d.msg[0])
			abort();
		return 0;
	}
	for (size_t i = 0; i < ward_cfg_keys_cnt; i++) {
		const struct ward_cfg_key *k = &ward_cfg_keys[i];
		size_t n;

		switch (k->type) {
		case WARD_CFG_STR:
			if (!ward_config_str(cfg, k->key))
				abort();
			break;
		case WARD_CFG_INT:
			(void)ward_config_int(cfg, k->key);
			break;
		case WARD_CFG_BOOL:
			(void)ward_config_bool(cfg, k->key);
			break;
		case WARD_CFG_LIST: {
			const char *const *items = ward_config_list(cfg, k->key, &n);

			for (size_t j = 0; j < n; j++)
				if (!items[j])
					abort();
			break;
		}
		}
	}
	ward_config_free(cfg);
	return 0;
}
