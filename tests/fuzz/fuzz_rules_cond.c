// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: one bare condition through the lexer, parser and compiler (with a few lists
 * and macros defined), then evaluated against a fixed synthetic event. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/event.h"
#include "events/proc.h"
#include "rules/rules_int.h"

static const char defs[] =
	"- list: shells\n  items: [bash, sh]\n"
	"- list: nested\n  items: [shells, zsh]\n"
	"- list: nets\n  items: ['\"10.0.0.0/8\"']\n"
	"- macro: spawned\n  condition: evt.type = execve\n"
	"- macro: sens\n  condition: fd.name in (/etc/shadow)\n";

static struct ward_ruleset *rs;
static struct ward_rx x;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_ev_raw raw = { 0 };
	struct ward_proc p = { 0 };
	struct ward_event ev = { 0 };
	struct ward_rnode *n = NULL;
	struct ward_diag d;
	char *text;

	if (!rs && ward_rules_load_mem("defs.yaml", defs, sizeof(defs) - 1, NULL, NULL, &rs) != 0)
		abort();
	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (ward_rcompile_text(rs, text, &n, &d) == 0) {
		raw.kind = WARD_EV_CONNECT;
		raw.nr = 42;
		raw.ret = -115;
		raw.fd_type = WARD_FD_IPV4;
		raw.local.family = raw.remote.family = 2;
		raw.remote.port = 443;
		p.pid = 7;
		memcpy(p.comm, "bash", 5);
		ev.raw = &raw;
		ev.type = "connect";
		ev.category = "network";
		ev.path = ev.path_raw = ev.path2 = ev.aux = ev.cwd = "";
		ev.fd = 3;
		ev.proc = &p;
		ward_rx_init(&x, rs, &ev, NULL);
		(void)ward_rnode_eval(n, &x);
		ward_rnode_free(n);
	}
	free(text);
	return 0;
}
