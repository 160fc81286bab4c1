// SPDX-License-Identifier: Apache-2.0
/* The config parser (src/config/config.c) on good documents and on each kind of bad input:
 * every error names the file, the line and the key, and a failed parse returns no config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/limits.h"
#include "config/config.h"

static void test_good_document(void **state)
{
	static const char doc[] =
		"# comment\n"
		"sensor:\n"
		"  ring_kb: 8192\n"
		"  exec_wakeup: false\n"
		"rules:\n"
		"  mode: enforce\n"
		"  files: [/etc/ward/a.yaml, \"/etc/ward/b c.yaml\"]\n"
		"fim.exclude:\n"
		"  - '*.log'\n"
		"  - /var/tmp/*\n";
	struct ward_config *cfg = NULL;
	struct ward_diag d = { 0 };
	const char *const *items;
	size_t n;

	(void)state;
	assert_int_equal(ward_config_parse("good.yaml", doc, sizeof(doc) - 1, &cfg, &d), 0);
	assert_int_equal(ward_config_int(cfg, "sensor.ring_kb"), 8192);
	assert_false(ward_config_bool(cfg, "sensor.exec_wakeup"));
	assert_string_equal(ward_config_str(cfg, "rules.mode"), "enforce");
	items = ward_config_list(cfg, "rules.files", &n);
	assert_int_equal(n, 2);
	assert_string_equal(items[1], "/etc/ward/b c.yaml");
	items = ward_config_list(cfg, "fim.exclude", &n);
	assert_int_equal(n, 2);
	assert_string_equal(items[0], "*.log");
	/* untouched keys keep their defaults */
	assert_true(ward_config_bool(cfg, "sensor.ignore_self"));
	ward_config_free(cfg);

	/* an empty document is all defaults */
	assert_int_equal(ward_config_parse("empty.yaml", "", 0, &cfg, &d), 0);
	assert_int_equal(ward_config_int(cfg, "sensor.ring_kb"), 4096);
	ward_config_free(cfg);
}

struct bad {
	const char *doc;
	size_t len;      /* 0: strlen(doc) */
	int line;        /* expected diagnostic line, 0: don't check */
	const char *in_msg;
};

static void test_bad_documents(void **state)
{
	/* "\0" escapes in double-quoted YAML scalars are the only way a NUL gets in */
	static const struct bad bad[] = {
		{ "sensor:\n  ring_kbb: 4\n", 0, 2, "sensor.ring_kbb" },
		{ "sensor:\n  ring_kb: lots\n", 0, 2, "sensor.ring_kb" },
		{ "sensor:\n  exec_wakeup: maybe\n", 0, 2, "sensor.exec_wakeup" },
		{ "rules:\n  mode: [a, b]\n", 0, 2, "rules.mode" },
		{ "rules:\n  files: [a, {b: c}]\n", 0, 2, "rules.files" },
		{ "- a\n- b\n", 0, 1, "mapping" },
		{ "just text\n", 0, 1, "mapping" },
		{ "rules:\n  mode: \"enf\\0orce\"\n", 0, 2, "NUL" },
		{ "rules:\n  files: [ok, \"a\\0b\"]\n", 0, 2, "list item 2" },
		{ "\"sensor.ring_kb\\0x\": 4\n", 0, 1, "NUL" },
		{ "sensor: {ring_kb: 4\n", 0, 0, "" },
		{ "a: &x [1]\nb: *x\n", 0, 0, "" },
	};
	struct ward_config *cfg;
	struct ward_diag d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].doc);
		int err;

		cfg = (struct ward_config *)0x1;
		memset(&d, 0, sizeof(d));
		err = ward_config_parse("bad.yaml", bad[i].doc, len, &cfg, &d);
		if (err == 0)
			fail_msg("case %zu parsed: %s", i, bad[i].doc);
		assert_string_equal(d.file, "bad.yaml");
		if (bad[i].line && d.line != bad[i].line)
			fail_msg("case %zu: line %d, want %d (%s)", i, d.line, bad[i].line, d.msg);
		if (!strstr(d.msg, bad[i].in_msg))
			fail_msg("case %zu: message '%s' lacks '%s'", i, d.msg, bad[i].in_msg);
	}
}

static void test_size_limit(void **state)
{
	size_t len = WARD_CONFIG_MAX_BYTES + 1;
	char *big = malloc(len);
	struct ward_config *cfg = NULL;
	struct ward_diag d = { 0 };

	(void)state;
	assert_non_null(big);
	memset(big, '#', len);
	assert_int_not_equal(ward_config_parse("big.yaml", big, len, &cfg, &d), 0);
	assert_non_null(strstr(d.msg, "larger than"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_document),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
