// SPDX-License-Identifier: Apache-2.0
/* One line of /proc/<pid>/status as numbers; see proc_status.h. */
#include "events/proc_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ward_proc_status_vals(const char *status, const char *key, int base, uint64_t *v, int cnt)
{
	size_t klen = strlen(key);
	const char *p = status;
	int got = 0;

	/* the key must start a line and be followed by ':' ("Uid" is not "PPid...Uid") */
	while ((p = strstr(p, key))) {
		if ((p == status || p[-1] == '\n') && p[klen] == ':')
			break;
		p += klen;
	}
	if (!p)
		return 0;
	p += klen + 1;
	while (got < cnt) {
		char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			break;
		errno = 0;
		v[got] = strtoull(p, &end, base);
		if (end == p || errno)
			break;
		got++;
		p = end;
	}
	return got;
}
