// SPDX-License-Identifier: Apache-2.0
/* Drop accounting on alerts (agent/alert_build.c): drops_since_last summed over the alerts
 * equals the kernel's drop counter at the last alert, whatever the drop flags on the events;
 * a flagged event marks the alert (events_dropped) without adding to the count.
 * Table-driven: each step is (counter read at the alert, drop flag on its event). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "agent/alert_build.h"
#include "alert/alert.h"
#include "common/buf.h"
#include "config/config.h"

struct step {
	uint64_t counter;
	int flagged;
	uint64_t want_count;
	int want_dropped;
};

static const struct step seqs[][5] = {
	/* a loss counted by one alert, flagged on the next event: counted once */
	{ { 5, 0, 5, 1 }, { 5, 1, 0, 1 }, { 5, 1, 0, 1 }, { 7, 1, 2, 1 }, { 7, 0, 0, 0 } },
	/* flags before the counter is seen (replays have no counter) */
	{ { 0, 1, 0, 1 }, { 0, 1, 0, 1 }, { 3, 0, 3, 1 }, { 3, 0, 0, 0 }, { 4, 1, 1, 1 } },
	/* no losses */
	{ { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
};

static void exact_sum(void **state)
{
	struct ward_config *cfg = ward_config_defaults();
	struct ward_rule_match m = { .rule = "r", .priority = WARD_PRIO_WARNING, .output = "o" };

	(void)state;
	for (size_t s = 0; s < sizeof(seqs) / sizeof(seqs[0]); s++) {
		struct ward_alert_builder *b = ward_alert_builder_new(cfg);
		uint64_t sum = 0, last = 0;

		for (size_t i = 0; i < 5; i++) {
			const struct step *st = &seqs[s][i];
			struct ward_event ev;
			struct ward_alert a;
			struct ward_buf json;

			memset(&ev, 0, sizeof(ev));
			ev.drops_before = st->flagged ? 1 : 0;
			ward_alert_build(b, &m, &ev, NULL, st->counter, &a);
			assert_int_equal(a.drops_since_last, st->want_count);
			ward_buf_init(&json, 1 << 16);
			assert_int_equal(ward_alert_to_json(&a, &json), 0);
			assert_non_null(strstr(json.data, st->want_dropped ? "\"events_dropped\":true"
									: "\"events_dropped\":false"));
			ward_buf_free(&json);
			sum += a.drops_since_last;
			last = st->counter;
		}
		assert_int_equal(sum, last);
		ward_alert_builder_free(b);
	}
	ward_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(exact_sum) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
