// SPDX-License-Identifier: Apache-2.0
/*
 * Checks one configured webhook request header ("Name: value") before it reaches libcurl.
 * libcurl sends CURLOPT_HTTPHEADER lines verbatim, so a CR or LF inside one would let a
 * config value inject further headers or a second request; an item without a colon, or with
 * an empty value, means something else to libcurl (it removes or blanks a header) than the
 * user wrote. Not the HTTP client (output_webhook.c) and not the config reader.
 *
 * The reason strings never quote the value: it is usually a credential.
 */
#include "alert/output.h"
#include "common/err.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* RFC 9110 token characters, the only ones allowed in a field name */
static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Headers ward sets itself: a second copy would make the request ambiguous or malformed. */
static const char *const reserved[] = {
	"Content-Type", "Content-Length", "Transfer-Encoding", "User-Agent", "Host", "Expect",
};

int ward_webhook_header_check(const char *s, size_t len, size_t *name_len, const char **why)
{
	const char *reason = NULL;
	size_t colon, i;
	bool has_value = false;
	int err = -WARD_E_SYNTAX;

	if (!s || len == 0) {
		reason = "is empty";
		goto out;
	}
	if (len > WARD_WEBHOOK_HEADER_MAX) {
		reason = "is longer than " STR(WARD_WEBHOOK_HEADER_MAX) " bytes";
		err = -WARD_E_LIMIT;
		goto out;
	}
	for (colon = 0; colon < len && s[colon] != ':'; colon++)
		;
	if (colon == len) {
		reason = "has no ':' (write it as \"Name: value\")";
		goto out;
	}
	if (colon == 0) {
		reason = "has an empty name before ':'";
		goto out;
	}
	for (i = 0; i < colon; i++) {
		if (!is_tchar((unsigned char)s[i])) {
			reason = "has a character that is not allowed in a header name (letters, "
				 "digits and !#$%&'*+-.^_`|~ only; no spaces before ':')";
			goto out;
		}
	}
	for (i = colon + 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' || c == '\n') {
			reason = "contains a CR or LF (one header per item)";
			goto out;
		}
		/* HTAB is allowed whitespace; other controls (NUL, DEL ...) are not */
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			reason = "contains a control character in its value";
			goto out;
		}
		if (c != ' ' && c != '\t')
			has_value = true;
	}
	if (!has_value) {
		/* libcurl reads "Name:" as "remove this header", not "send it empty" */
		reason = "has an empty value";
		goto out;
	}
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (strlen(reserved[i]) == colon && strncasecmp(s, reserved[i], colon) == 0) {
			reason = "names a header ward sets itself (Content-Type, Content-Length, "
				 "Transfer-Encoding, Host, Expect; User-Agent is "
				 "outputs.webhook.user_agent)";
			goto out;
		}
	}
	if (name_len)
		*name_len = colon;
	return 0;
out:
	if (why)
		*why = reason;
	return err;
}
