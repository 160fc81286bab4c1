// SPDX-License-Identifier: Apache-2.0
/*
 * syslog output: the readable line at the alert's priority. Alert priorities share syslog's
 * numbering, so the level is the priority itself. openlog() is process-wide state: ward
 * opens it once here and closes it when this output closes.
 */
#include "alert/output.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <syslog.h>

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
	syslog(LOG_DAEMON | ward_output_syslog_level(a->priority), "%s", msg);
	return 0;
}

static void syslog_close(struct ward_output *o)
{
	closelog();
	free(o);
}

int ward_output_syslog_new(struct ward_output **out)
{
	struct ward_output *o = ward_xcalloc(1, sizeof(*o));

	o->name = "syslog";
	o->write = syslog_write;
	o->close = syslog_close;
	openlog("ward", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	*out = o;
	return 0;
}
