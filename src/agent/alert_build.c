// SPDX-License-Identifier: Apache-2.0
/* Alert assembly from a match. Everything lives in fixed buffers of the builder: alerts are
 * rare next to events, but they must never allocate per alert either. */
#include "agent/alert_build.h"
#include "common/xalloc.h"
#include "events/container.h"

#include <stdlib.h>
#include <string.h>

struct ward_alert_builder {
	const char *hostname;  /* from config, or NULL for the pipeline's default */
	uint64_t drops_at_last;
	struct ward_alert_proc anc[WARD_ALERT_ANCESTRY];
	char cmdline[WARD_ALERT_ANCESTRY][WARD_PROC_CMDLINE_MAX + 32];
};

struct ward_alert_builder *ward_alert_builder_new(const struct ward_config *cfg)
{
	struct ward_alert_builder *b = ward_xcalloc(1, sizeof(*b));
	const char *h = ward_config_str(cfg, "agent.hostname");

	b->hostname = h[0] ? h : NULL;
	return b;
}

void ward_alert_builder_free(struct ward_alert_builder *b)
{
	free(b);
}

void ward_alert_build(struct ward_alert_builder *b, const struct ward_rule_match *m,
		      const struct ward_event *ev, struct ward_proc_table *pt,
		      uint64_t drops_total, struct ward_alert *out)
{
	const struct ward_container *c = ev->container;
	const struct ward_proc *p = ev->proc;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->time_ns = ev->wall_ns;
	out->rule = m->rule;
	out->priority = m->priority;
	out->output = m->output;
	out->fields = m->fields;
	out->fields_cnt = m->fields_cnt;
	out->tags = m->tags;
	out->tags_cnt = m->tags_cnt;
	out->source = m->source;
	out->hostname = b->hostname;
	if (c) {
		out->container.id = c->id;
		if (ward_container_has_meta(c)) {
			out->container.name = c->name;
			out->container.image = c->image;
			out->container.pod = c->pod_name[0] ? c->pod_name : NULL;
			out->container.ns = c->pod_ns[0] ? c->pod_ns : NULL;
		}
	} else {
		out->container.id = "host";
	}
	while (p && n < WARD_ALERT_ANCESTRY) {
		b->anc[n].pid = p->pid;
		b->anc[n].name = p->comm;
		b->anc[n].exepath = p->exepath ? p->exepath : "";
		b->anc[n].cmdline = ward_proc_cmdline(p, b->cmdline[n], sizeof(b->cmdline[n]));
		n++;
		p = ward_proc_parent(pt, p);
		if (p == ev->proc)
			break;
	}
	out->ancestry = b->anc;
	out->ancestry_cnt = n;
	/* the kernel's drop counter only grows; report what is new since the last alert. A
	 * loss flagged on this event may already be in an earlier alert's count (the counter
	 * is read when the alert is built, not when the record was written), so it sets the
	 * flag only: forcing the count to 1 made the sum exceed the counter. */
	out->drops_since_last = drops_total > b->drops_at_last ? drops_total - b->drops_at_last : 0;
	out->is_after_drop = ev->drops_before != 0;
	if (drops_total > b->drops_at_last)
		b->drops_at_last = drops_total;
}

void ward_alert_set_actions(struct ward_alert_builder *b, struct ward_alert *a,
			    const struct ward_alert_action *acts, size_t cnt)
{
	(void)b;
	a->actions = acts;
	a->actions_cnt = cnt;
}
