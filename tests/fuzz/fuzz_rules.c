// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: a whole rule file (YAML) through loading, merging, compiling and one
 * evaluation of every compiled rule against a fixed synthetic event. */
#include <stdint.h>
#include <string.h>

#include "events/event.h"
#include "events/proc.h"
#include "rules/rules.h"

static int on_match(const struct ward_rule_match *m, void *arg)
{
	(void)m;
	(*(int *)arg)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs = NULL;
	struct ward_ev_raw raw = { 0 };
	struct ward_proc p = { 0 };
	struct ward_event ev = { 0 };
	int n = 0;

	if (ward_rules_load_mem("fuzz.yaml", (const char *)data, size, NULL, &rep, &rs) != 0)
		return 0;
	raw.kind = WARD_EV_OPEN;
	raw.nr = 257;
	raw.ret = 3;
	raw.fd_type = WARD_FD_FILE;
	raw.args[2] = 0101;
	p.pid = 42;
	memcpy(p.comm, "cat", 4);
	ev.raw = &raw;
	ev.type = "openat";
	ev.category = "file";
	ev.path = ev.path_raw = "/etc/shadow";
	ev.path2 = ev.aux = ev.cwd = "";
	ev.fd = 3;
	ev.proc = &p;
	(void)ward_rules_eval(rs, &ev, NULL, on_match, &n);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	return 0;
}
