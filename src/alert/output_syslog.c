// SPDX-License-Identifier: Apache-2.0
/*
 * syslog output: the readable line at the alert's priority. Alert priorities share syslog's
 * numbering, so the level is the priority itself. The facility is configurable
 * (outputs.syslog.facility) because collectors route on it: a SIEM forwarder commonly takes
 * one of local0..local7 for security tools. openlog() is process-wide state: ward opens it
 * once here and closes it when this output closes.
 */
#include "alert/output.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

struct out_syslog {
	struct ward_output base;
	int facility;
};

/* The facilities a log shipper plausibly routes ward's alerts by; kern, mail, news and the
 * like would only mislabel them. */
static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int ward_syslog_facility_parse(const char *s, size_t len, int *out)
{
	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++) {
		if (strlen(facilities[i].name) == len &&
		    strncasecmp(s, facilities[i].name, len) == 0) {
			*out = facilities[i].facility;
			return 0;
		}
	}
	return -EINVAL;
}

int ward_output_syslog_level(enum ward_priority p)
{
	if ((unsigned)p > LOG_DEBUG)
		return LOG_DEBUG;
	return (int)p;
}

static int syslog_write(struct ward_output *o, const struct ward_alert *a, const char *json,
			size_t json_len, const char *text, size_t text_len)
{
	/* the text form starts with a time stamp syslog adds itself; skip to the priority */
	const char *msg = text;
	size_t skip = 0;

	while (skip + 1 < text_len && !(text[skip] == ':' && text[skip + 1] == ' '))
		skip++;
	if (skip + 2 <= text_len)
		msg = text + skip + 2;
	syslog(((struct out_syslog *)o)->facility | ward_output_syslog_level(a->priority), "%s",
	       msg);
	return 0;
}

static void syslog_close(struct ward_output *o)
{
	closelog();
	free(o);
}

int ward_output_syslog_new(int facility, struct ward_output **out)
{
	struct out_syslog *o;

	if (facility & ~LOG_FACMASK || (facility >> 3) >= LOG_NFACILITIES)
		return -EINVAL;
	o = ward_xcalloc(1, sizeof(*o));
	o->facility = facility;
	o->base.name = "syslog";
	o->base.write = syslog_write;
	o->base.close = syslog_close;
	openlog("ward", LOG_PID | LOG_NDELAY, facility);
	*out = &o->base;
	return 0;
}
