// SPDX-License-Identifier: Apache-2.0
/* Leveled logging. One line per call, written with a single fprintf so threads don't interleave. */
#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static enum ward_log_level ward_level = WARD_LOG_INFO;
static const char *const ward_level_names[] = { "error", "warn", "info", "debug" };

void ward_log_set_level(enum ward_log_level level) { ward_level = level; }
enum ward_log_level ward_log_get_level(void) { return ward_level; }

int ward_log_parse_level(const char *s, enum ward_log_level *out)
{
	for (size_t i = 0; i < sizeof(ward_level_names) / sizeof(ward_level_names[0]); i++) {
		if (strcmp(s, ward_level_names[i]) == 0) {
			*out = (enum ward_log_level)i;
			return 0;
		}
	}
	if (strcmp(s, "warning") == 0) {
		*out = WARD_LOG_WARN;
		return 0;
	}
	return -EINVAL;
}

void ward_log(enum ward_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > ward_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ward: %s: %s\n", ward_level_names[level], line);
}
