// SPDX-License-Identifier: Apache-2.0
/*
 * Which kill rules the kernel can decide at exec, and the exact policy for each.
 *
 * A rule qualifies only when its compiled condition is a conjunction (AND, macros expanded)
 * of leaves that the sched_process_exec program can test with the same result user space
 * gets: evt.type restricted to execve/execveat, evt.dir = <, proc.name and proc.pname
 * against constant sets (the kernel compares the new image's comm and the parent leader's
 * comm), and container.id against "host". Anything else (not, or, exceptions, any other
 * field, operator or argument) leaves the rule to the user-space kill, so the kernel never
 * kills an exec the rule would not match. Not here: the BPF map layout (bpf/ward_abi.h) and
 * pushing policies (src/agent/kernel_kill.c).
 */
#include "rules/rules_int.h"

#include <errno.h>
#include <string.h>

#define NR_EXECVE 59
#define NR_EXECVEAT 322

/* A set of comms, or "unconstrained". */
struct kk_set {
	bool constrained;
	size_t cnt;
	char v[WARD_KK_NAMES_MAX][WARD_KK_NAME_LEN + 1];
};

struct kk_acc {
	bool types_seen;
	bool execve, execveat;
	bool want_host, want_container;
	bool never;              /* a leaf that can never hold on an exec: rule never fires */
	struct kk_set names, pnames;
};

static bool set_has(const struct ward_rstr *vals, size_t cnt, const char *s)
{
	for (size_t i = 0; i < cnt; i++)
		if (vals[i].len == strlen(s) && memcmp(vals[i].s, s, vals[i].len) == 0)
			return true;
	return false;
}

/* Intersects set with the leaf's constant(s). false: not representable. */
static bool set_and(struct kk_set *set, const struct ward_rcmp *m)
{
	struct ward_rstr one = { m->s, m->len };
	const struct ward_rstr *vals;
	size_t cnt;

	if (m->op == WARD_OP_EQ && m->cv == WARD_RCV_STR) {
		vals = &one;
		cnt = 1;
	} else if (m->op == WARD_OP_IN && m->cv == WARD_RCV_STRSET) {
		vals = m->strs;
		cnt = m->set_cnt;
	} else {
		return false;
	}
	if (set->constrained) {
		size_t k = 0;

		for (size_t i = 0; i < set->cnt; i++)
			if (set_has(vals, cnt, set->v[i]))
				memmove(set->v[k++], set->v[i], sizeof(set->v[0]));
		set->cnt = k;
		return true;
	}
	set->constrained = true;
	set->cnt = 0;
	for (size_t i = 0; i < cnt; i++) {
		/* a comm never holds more than 15 characters (nor a NUL): such a value can
		 * never be equal to proc.name, so it adds nothing to the set */
		if (vals[i].len > WARD_KK_NAME_LEN || memchr(vals[i].s, '\0', vals[i].len))
			continue;
		if (set->cnt == WARD_KK_NAMES_MAX)
			return false;
		memcpy(set->v[set->cnt], vals[i].s, vals[i].len);
		set->v[set->cnt][vals[i].len] = '\0';
		set->cnt++;
	}
	return true;
}

static bool leaf(const struct ward_rcmp *m, struct kk_acc *acc)
{
	const char *name = m->fr.f->name;

	if (m->fr.idx != -1 || m->fr.key)
		return false;
	if (!strcmp(name, "evt.type")) {
		bool ve, vat;

		if (m->cv != WARD_RCV_TYPES || (m->op != WARD_OP_EQ && m->op != WARD_OP_IN))
			return false;
		ve = (m->types[NR_EXECVE / 64] >> (NR_EXECVE % 64)) & 1;
		vat = (m->types[NR_EXECVEAT / 64] >> (NR_EXECVEAT % 64)) & 1;
		/* other types in the set cannot be exec records: intersecting is exact */
		acc->execve = (acc->types_seen ? acc->execve : true) && ve;
		acc->execveat = (acc->types_seen ? acc->execveat : true) && vat;
		acc->types_seen = true;
		return true;
	}
	if (!strcmp(name, "evt.dir")) {
		/* ward reports syscalls at exit: evt.dir is always "<" */
		if (m->op != WARD_OP_EQ || m->cv != WARD_RCV_STR)
			return false;
		if (m->len != 1 || m->s[0] != '<')
			acc->never = true;
		return true;
	}
	if (!strcmp(name, "proc.name"))
		return set_and(&acc->names, m);
	if (!strcmp(name, "proc.pname"))
		return set_and(&acc->pnames, m);
	if (!strcmp(name, "container.id")) {
		if (m->cv != WARD_RCV_STR || m->len != 4 || memcmp(m->s, "host", 4))
			return false;
		if (m->op == WARD_OP_EQ)
			acc->want_host = true;
		else if (m->op == WARD_OP_NE)
			acc->want_container = true;
		else
			return false;
		return true;
	}
	return false;
}

static bool walk(const struct ward_rnode *n, struct kk_acc *acc)
{
	switch (n->kind) {
	case WARD_RN_MEMO:
		return walk(n->kids[0], acc);
	case WARD_RN_TRUE:
		return true;
	case WARD_RN_AND:
		for (uint32_t i = 0; i < n->kids_cnt; i++)
			if (!walk(n->kids[i], acc))
				return false;
		return true;
	case WARD_RN_CMP:
		return leaf(&n->cmp, acc);
	default:
		return false;
	}
}

/* Builds the policy for rule i; false when the kernel cannot decide it exactly. */
static bool rule_policy(const struct ward_ruleset *rs, size_t i, struct ward_kernel_kill *out)
{
	const struct ward_rrule *r = &rs->rules[i];
	struct kk_acc acc;

	if (!r->info.enabled || !r->info.compiled || !r->root || !(r->info.actions & WARD_ACT_KILL))
		return false;
	if (r->info.priority > rs->opts.min_priority)
		return false; /* loaded but never evaluated */
	if (r->info.source && strcmp(r->info.source, "syscall"))
		return false;
	memset(&acc, 0, sizeof(acc));
	if (!walk(r->root, &acc))
		return false;
	/* the exec type must be explicit; a rule that can never match gets no policy */
	if (!acc.types_seen || (!acc.execve && !acc.execveat) || acc.never)
		return false;
	if (acc.want_host && acc.want_container)
		return false;
	if (!acc.names.constrained || acc.names.cnt == 0)
		return false;
	if (acc.pnames.constrained && (acc.pnames.cnt == 0 || acc.pnames.cnt > WARD_KK_PNAMES_MAX))
		return false;
	memset(out, 0, sizeof(*out));
	out->rule = i;
	out->execve = acc.execve;
	out->execveat = acc.execveat;
	out->where = acc.want_host ? WARD_KK_ON_HOST :
		     acc.want_container ? WARD_KK_IN_CONTAINER : WARD_KK_ANYWHERE;
	out->names_cnt = acc.names.cnt;
	memcpy(out->names, acc.names.v, sizeof(out->names));
	out->pnames_cnt = acc.pnames.constrained ? acc.pnames.cnt : 0;
	memcpy(out->pnames, acc.pnames.v, sizeof(out->pnames));
	return true;
}

int ward_rules_kernel_kills(const struct ward_ruleset *rs, struct ward_kernel_kill *out,
			    size_t cap)
{
	struct ward_kernel_kill tmp;
	int n = 0;

	if (!rs)
		return -EINVAL;
	for (size_t i = 0; i < rs->rules_cnt; i++) {
		if (!rule_policy(rs, i, (size_t)n < cap ? &out[n] : &tmp))
			continue;
		n++;
	}
	return n;
}
