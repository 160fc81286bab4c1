// SPDX-License-Identifier: Apache-2.0
/* One line of /proc/<pid>/status as numbers; see proc_status.h. */
#include "events/proc_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* pid namespaces nest at most 32 deep (MAX_PID_NS_LEVEL), plus the initial one */
#define WARD_PROC_STATUS_NS_MAX 33

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

int ward_proc_status_ids(const char *status, struct ward_ev_raw *r)
{
	uint64_t v[WARD_PROC_STATUS_NS_MAX];
	int cnt;

	if (ward_proc_status_vals(status, "Uid", 10, v, 2) == 2) {
		r->uid = (uint32_t)v[0];
		r->euid = (uint32_t)v[1];
	}
	if (ward_proc_status_vals(status, "Gid", 10, v, 2) == 2) {
		r->gid = (uint32_t)v[0];
		r->egid = (uint32_t)v[1];
	}
	if (ward_proc_status_vals(status, "CapEff", 16, v, 1) == 1)
		r->cap_eff = v[0];
	if (ward_proc_status_vals(status, "CapPrm", 16, v, 1) == 1)
		r->cap_prm = v[0];
	/* NSpid lists the pid in each nested namespace, innermost last */
	cnt = ward_proc_status_vals(status, "NSpid", 10, v, WARD_PROC_STATUS_NS_MAX);
	if (cnt <= 0)
		return 0;
	r->vpid = (uint32_t)v[cnt - 1];
	return 1;
}
