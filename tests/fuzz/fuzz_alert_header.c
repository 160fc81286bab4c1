// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzzes the checks on webhook config values: ward_webhook_header_check (a header line from
 * outputs.webhook.headers) and ward_syslog_facility_parse. An accepted header must be
 * something libcurl sends as exactly one header line: a token name before the first colon,
 * no CR, LF or NUL anywhere, a non-blank value. Anything else aborts so libFuzzer reports it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "alert/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *why = NULL;
	size_t name_len = 0;
	int f, rc;

	if (size > WARD_WEBHOOK_HEADER_MAX + 16)
		return 0;
	rc = ward_webhook_header_check(s, size, &name_len, &why);
	if (rc == 0) {
		if (name_len == 0 || name_len >= size || s[name_len] != ':' ||
		    memchr(s, ':', name_len) || memchr(s, '\r', size) || memchr(s, '\n', size) ||
		    memchr(s, '\0', size) || size > WARD_WEBHOOK_HEADER_MAX)
			abort();
		for (size_t i = 0; i < name_len; i++)
			if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
				abort();
	} else if (!why || !*why) {
		abort(); /* every refusal says why */
	}
	if (ward_syslog_facility_parse(s, size, &f) == 0 && (f & ~LOG_FACMASK))
		abort();
	return 0;
}
