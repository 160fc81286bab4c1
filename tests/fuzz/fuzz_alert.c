// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzzes the alert module's input handling: priority names and metrics listen addresses
 * (both come from config and rule files), and the JSON/text formats fed with arbitrary
 * bytes (event data reaches them). Every JSON alert must parse back with jansson and keep
 * the rule string; anything else aborts so libFuzzer reports it.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "alert/metrics_serve.h"
#include "alert/ratelimit.h"

#define PARTS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *part[PARTS];
	size_t n = 0, i;
	enum ward_priority p;
	struct sockaddr_storage ss;
	socklen_t ss_len;

	if (size == 0 || size > (1u << 16))
		return 0;
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';

	if (ward_priority_parse(copy, size, &p) == 0 &&
	    ward_priority_parse(ward_priority_name(p), strlen(ward_priority_name(p)), &p) != 0)
		abort(); /* a parsed priority's name must parse again */
	ward_metrics_parse_listen(copy, &ss, &ss_len);

	/* split at NULs into the strings of an alert */
	part[n++] = copy;
	for (i = 0; i < size && n < PARTS; i++)
		if (copy[i] == '\0')
			part[n++] = copy + i + 1;
	while (n < PARTS)
		part[n++] = "";

	struct ward_alert_field f[2] = {
		{ part[2], WARD_AV_STR, { .s = part[3] } },
		{ "n", WARD_AV_INT, { .i = (int64_t)size } },
	};
	const char *tags[2] = { part[4], part[5] };
	struct ward_alert_proc anc = { 1, part[6], part[7], part[3] };
	struct ward_alert a = { .time_ns = (uint64_t)size * 1000003u, .rule = part[0],
				.priority = (enum ward_priority)(data[0] % 9), .output = part[1],
				.fields = f, .fields_cnt = 2, .tags = tags, .tags_cnt = 2,
				.container = { .id = part[5] }, .ancestry = &anc, .ancestry_cnt = 1 };
	struct ward_buf b;
	json_error_t e;
	json_t *j;

	ward_buf_init(&b, 0);
	if (ward_alert_to_json(&a, &b) == 0) {
		j = json_loadb(b.data, b.len, 0, &e);
		if (!j || !json_is_string(json_object_get(j, "rule")))
			abort();
		json_decref(j);
	}
	ward_buf_reset(&b);
	if (ward_alert_to_text(&a, &b) == 0 && memchr(b.data, '\n', b.len))
		abort(); /* text alerts are one line whatever the output holds */
	ward_buf_free(&b);

	struct ward_ratelimit *rl;
	uint64_t sup;

	if (ward_ratelimit_new(2, 4, &rl) == 0) {
		for (i = 0; i < 4 && i + 1 < PARTS; i++)
			ward_ratelimit_check(rl, part[i], part[i + 1], i, &sup);
		ward_ratelimit_free(rl);
	}
	free(copy);
	return 0;
}
