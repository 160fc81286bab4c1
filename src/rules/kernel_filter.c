// SPDX-License-Identifier: Apache-2.0
/*
 * Which kill rules the kernel can decide, and the exact policy for each.
 *
 * A rule qualifies only when its compiled condition is a conjunction (AND, macros expanded)
 * of leaves that the sensor's programs can test with the same result user space gets.
 * evt.type picks the kind: the first of exec, open, connect, ptrace, setns, unshare and
 * module load whose syscalls it names (the policy covers those; the rule's other types stay
 * with user space, which is exact because a record of another type is never killed by this
 * policy). Common leaves: evt.dir = <, proc.name and proc.pname against constant sets (the
 * kernel compares comms), container.id against "host". Per kind: proc.is_exe_from_memfd
 * (exec), proc.exepath against canonical absolute paths (exec; makes it an exec-path policy
 * keyed by the path the kernel writes for the new image, the string proc.exepath is decoded
 * from), fd.name against canonical absolute paths (open: the kernel compares the opened
 * file's path, the string fd.name is decoded from), the peer address and port (connect),
 * evt.arg.request (ptrace), evt.arg.flags contains CLONE_NEW<ns> (clone: user space names
 * every new process "clone" and the compiler maps clone3, fork and vfork to it, so the
 * policy covers both syscalls that can carry namespace flags, clone and clone3).
 * Anything else (not, or, exceptions, any other field, operator
 * or argument) leaves the rule to the user-space kill, so the kernel never kills an event
 * the rule would not match. Not here: the BPF map layout (bpf/ward_abi.h) and pushing
 * policies (src/agent/kernel_kill.c).
 */
#include "rules/rules_int.h"

#include "common/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NR_EXECVE 59
#define NR_EXECVEAT 322
#define NR_CLONE 56
#define NR_CLONE3 435

/* The syscalls of each kind, in the order kinds are tried. */
static const struct {
	unsigned kind;
	int nrs[WARD_KK_SYS_NRS];
} kinds[] = {
	{ 0, { NR_EXECVE, NR_EXECVEAT, -1, -1 } },
	{ WARD_KK_K_OPEN, { 2 /* open */, 257 /* openat */, 437 /* openat2 */, 85 /* creat */ } },
	{ WARD_KK_K_CONNECT, { 42, -1, -1, -1 } },
	{ WARD_KK_K_PTRACE, { 101, -1, -1, -1 } },
	{ WARD_KK_K_SETNS, { 308, -1, -1, -1 } },
	{ WARD_KK_K_UNSHARE, { 272, -1, -1, -1 } },
	{ WARD_KK_K_MODULE, { 175 /* init_module */, 313 /* finit_module */, -1, -1 } },
	{ WARD_KK_K_CLONE, { NR_CLONE, NR_CLONE3, -1, -1 } },
};

/* Every name evt.arg.flags renders for a clone (src/rules/evtargs.c), and which of them the
 * kernel may test: the namespace flags. `contains NAME` is exact only when NAME occurs in no
 * other rendered name (checked in ns_flag_bit); CLONE_NEWTIME (0x80) is never rendered by
 * name (on clone it is the exit signal), so a rule testing it never matches. */
static const char *const clone_names[] = {
	"CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_PIDFD", "CLONE_PTRACE",
	"CLONE_VFORK", "CLONE_PARENT", "CLONE_THREAD", "CLONE_NEWNS", "CLONE_SYSVSEM",
	"CLONE_SETTLS", "CLONE_PARENT_SETTID", "CLONE_CHILD_CLEARTID", "CLONE_DETACHED",
	"CLONE_UNTRACED", "CLONE_CHILD_SETTID", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC",
	"CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_IO",
};
static const struct {
	const char *name;
	uint64_t bit;
} ns_flags[] = {
	{ "CLONE_NEWNS", 0x20000 }, { "CLONE_NEWCGROUP", 0x2000000 }, { "CLONE_NEWUTS", 0x4000000 },
	{ "CLONE_NEWIPC", 0x8000000 }, { "CLONE_NEWUSER", 0x10000000 }, { "CLONE_NEWPID", 0x20000000 },
	{ "CLONE_NEWNET", 0x40000000 },
};

/* The bit of a namespace flag name that `contains` finds exactly, or 0. */
static uint64_t ns_flag_bit(const char *s, size_t len)
{
	uint64_t bit = 0;

	for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++)
		if (strlen(ns_flags[i].name) == len && !memcmp(ns_flags[i].name, s, len))
			bit = ns_flags[i].bit;
	if (!bit)
		return 0;
	/* another rendered name holding this text would make contains match it too */
	for (size_t i = 0; i < sizeof(clone_names) / sizeof(clone_names[0]); i++)
		if (strlen(clone_names[i]) != len && memmem(clone_names[i], strlen(clone_names[i]), s, len))
			return 0;
	return bit;
}

/* ptrace requests by the names evt.arg.request renders (src/rules/evtargs.c). */
static const struct {
	const char *name;
	uint64_t req;
} ptrace_reqs[] = {
	{ "PTRACE_TRACEME", 0 }, { "PTRACE_PEEKTEXT", 1 }, { "PTRACE_PEEKDATA", 2 },
	{ "PTRACE_PEEKUSR", 3 }, { "PTRACE_POKETEXT", 4 }, { "PTRACE_POKEDATA", 5 },
	{ "PTRACE_POKEUSR", 6 }, { "PTRACE_CONT", 7 }, { "PTRACE_KILL", 8 },
	{ "PTRACE_SINGLESTEP", 9 }, { "PTRACE_GETREGS", 12 }, { "PTRACE_SETREGS", 13 },
	{ "PTRACE_ATTACH", 16 }, { "PTRACE_DETACH", 17 }, { "PTRACE_SYSCALL", 24 },
	{ "PTRACE_SETOPTIONS", 0x4200 }, { "PTRACE_GETREGSET", 0x4204 },
	{ "PTRACE_SETREGSET", 0x4205 }, { "PTRACE_SEIZE", 0x4206 }, { "PTRACE_INTERRUPT", 0x4207 },
};

/* A set of comms, or "unconstrained". */
struct kk_set {
	bool constrained;
	size_t cnt;
	char v[WARD_KK_NAMES_MAX][WARD_KK_NAME_LEN + 1];
};

/* A set of addresses, ports or paths, or "unconstrained". */
struct kk_objs {
	bool constrained;
	size_t cnt;
	struct ward_kk_addr addr[WARD_KK_OBJS_MAX];
	uint16_t port[WARD_KK_OBJS_MAX];
	uint8_t path[WARD_KK_OBJS_MAX][WARD_KK_PATH];
};

struct kk_acc {
	unsigned kind;           /* decided before the walk from the rule's types */
	bool types_seen;
	uint64_t types[(512 + 63) / 64]; /* intersection of the evt.type sets */
	bool want_host, want_container;
	bool memfd;
	bool req_seen;
	uint64_t req_mask;
	uint64_t clone_mask;     /* CLONE_NEW* bits the flags must all hold */
	bool never;              /* a leaf that can never hold: rule never fires */
	struct kk_set names, pnames;
	struct kk_objs paths, addrs, ports;
};

bool ward_kk_encode_path(const char *path, size_t len, uint8_t out[WARD_KK_PATH])
{
	size_t o = 0, end = len;

	memset(out, 0, WARD_KK_PATH);
	if (len < 2 || path[0] != '/' || path[len - 1] == '/' || memchr(path, '\0', len))
		return false;
	/* components from the leaf up, each followed by its NUL */
	while (end > 0) {
		size_t start = end;

		while (start > 0 && path[start - 1] != '/')
			start--;
		if (start == end || (end - start == 1 && path[start] == '.') ||
		    (end - start == 2 && path[start] == '.' && path[start + 1] == '.'))
			return false;
		if (o + (end - start) + 1 >= WARD_KK_PATH)
			return false;
		memcpy(out + o, path + start, end - start);
		o += end - start + 1;
		end = start - 1; /* skip the '/' */
		if (start == 1)
			break;
	}
	return true;
}

static bool objs_has(const struct kk_objs *o, const void *v, unsigned what)
{
	for (size_t i = 0; i < o->cnt; i++) {
		if (what == 0 && !memcmp(o->path[i], v, WARD_KK_PATH))
			return true;
		if (what == 1 && !memcmp(&o->addr[i], v, sizeof(o->addr[i])))
			return true;
		if (what == 2 && o->port[i] == *(const uint16_t *)v)
			return true;
	}
	return false;
}

/* Turns one constant into a set element; false: it can never equal the field. */
static bool obj_from(unsigned what, const char *s, size_t len, int64_t n, bool is_num, void *out)
{
	if (what == 0)
		return !is_num && ward_kk_encode_path(s, len, out);
	if (what == 1) {
		struct ward_kk_addr *a = out;
		char txt[INET6_ADDRSTRLEN + 1], back[INET6_ADDRSTRLEN];
		int af;

		if (is_num || len >= sizeof(txt))
			return false;
		memcpy(txt, s, len);
		txt[len] = '\0';
		memset(a, 0, sizeof(*a));
		af = strchr(txt, ':') ? AF_INET6 : AF_INET;
		/* fd.sip compares the text inet_ntop prints: only that exact form can match */
		if (inet_pton(af, txt, a->addr) != 1 || !inet_ntop(af, a->addr, back, sizeof(back)) ||
		    strcmp(back, txt))
			return false;
		a->family = (uint16_t)af;
		return true;
	}
	if (!is_num || n < 0 || n > 65535)
		return false;
	*(uint16_t *)out = (uint16_t)n;
	return true;
}

/* Intersects an object set with the leaf's constant(s). false: not representable. */
static bool objs_and(struct kk_objs *o, const struct ward_rcmp *m, unsigned what)
{
	struct kk_objs in;
	size_t cnt;

	memset(&in, 0, sizeof(in));
	if (m->op == WARD_OP_EQ && (m->cv == WARD_RCV_STR || m->cv == WARD_RCV_NUM))
		cnt = 1;
	else if (m->op == WARD_OP_IN && (m->cv == WARD_RCV_STRSET || m->cv == WARD_RCV_NUMSET))
		cnt = m->set_cnt;
	else
		return false;
	for (size_t i = 0; i < cnt; i++) {
		bool num = m->cv == WARD_RCV_NUM || m->cv == WARD_RCV_NUMSET;
		const char *sv = m->cv == WARD_RCV_STRSET ? m->strs[i].s : m->s;
		size_t sl = m->cv == WARD_RCV_STRSET ? m->strs[i].len : m->len;
		int64_t nv = m->cv == WARD_RCV_NUMSET ? m->nums[i] : m->n;
		void *slot = what == 0 ? (void *)in.path[in.cnt] : what == 1 ? (void *)&in.addr[in.cnt] :
			     (void *)&in.port[in.cnt];

		if (in.cnt == WARD_KK_OBJS_MAX)
			return false;
		if (obj_from(what, sv, sl, nv, num, slot) &&
		    !objs_has(&in, slot, what))
			in.cnt++;
	}
	if (o->constrained) {
		size_t k = 0;

		for (size_t i = 0; i < o->cnt; i++) {
			const void *v = what == 0 ? (const void *)o->path[i] :
					what == 1 ? (const void *)&o->addr[i] : (const void *)&o->port[i];

			if (!objs_has(&in, v, what))
				continue;
			if (what == 0)
				memmove(o->path[k], o->path[i], WARD_KK_PATH);
			else if (what == 1)
				o->addr[k] = o->addr[i];
			else
				o->port[k] = o->port[i];
			k++;
		}
		o->cnt = k;
		return true;
	}
	in.constrained = true;
	*o = in;
	return true;
}

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

	if (m->fr.idx != -1)
		return false;
	if (m->fr.key && !strcmp(name, "evt.arg") && !strcmp(m->fr.key, "flags") &&
	    acc->kind == WARD_KK_K_CLONE) {
		uint64_t bit;

		/* evt.arg.flags contains CLONE_NEW<ns>: the rendered text holds that name,
		 * which it does exactly when the bit is set */
		if (m->op != WARD_OP_CONTAINS || m->cv != WARD_RCV_STR)
			return false;
		bit = ns_flag_bit(m->s, m->len);
		if (!bit)
			return false;
		acc->clone_mask |= bit;
		return true;
	}
	if (m->fr.key) {
		/* evt.arg.request of ptrace: the request names evtargs.c renders */
		if (strcmp(name, "evt.arg") || strcmp(m->fr.key, "request") ||
		    acc->kind != WARD_KK_K_PTRACE)
			return false;
		{
			struct ward_rstr one = { m->s, m->len };
			const struct ward_rstr *vals = &one;
			size_t cnt = 1;
			uint64_t mask = 0;

			if (m->op == WARD_OP_IN && m->cv == WARD_RCV_STRSET) {
				vals = m->strs;
				cnt = m->set_cnt;
			} else if (m->op != WARD_OP_EQ || m->cv != WARD_RCV_STR) {
				return false;
			}
			for (size_t i = 0; i < cnt; i++) {
				bool known = false;

				for (size_t k = 0; k < sizeof(ptrace_reqs) / sizeof(ptrace_reqs[0]); k++) {
					if (strlen(ptrace_reqs[k].name) == vals[i].len &&
					    !memcmp(ptrace_reqs[k].name, vals[i].s, vals[i].len)) {
						mask |= 1ull << ward_kk_req_bit(ptrace_reqs[k].req);
						known = true;
					}
				}
				if (!known)
					return false; /* rendered some other way: leave it to user space */
			}
			acc->req_mask = acc->req_seen ? acc->req_mask & mask : mask;
			acc->req_seen = true;
			if (!acc->req_mask)
				acc->never = true;
			return true;
		}
	}
	if (!strcmp(name, "evt.type")) {
		if (m->cv != WARD_RCV_TYPES || (m->op != WARD_OP_EQ && m->op != WARD_OP_IN))
			return false;
		return true; /* intersected before the walk (collect_types) */
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
	if (!strcmp(name, "proc.is_exe_from_memfd") && acc->kind == 0) {
		if (m->cv != WARD_RCV_NUM)
			return false;
		if ((m->op == WARD_OP_EQ && m->n == 1) || (m->op == WARD_OP_NE && m->n == 0))
			acc->memfd = true;
		else
			return false;
		return true;
	}
	if (!strcmp(name, "fd.name") && acc->kind == WARD_KK_K_OPEN)
		return objs_and(&acc->paths, m, 0);
	/* the exec record's executable path: the kernel compares the same dentry walk */
	if (!strcmp(name, "proc.exepath") && acc->kind == 0)
		return objs_and(&acc->paths, m, 0);
	if (acc->kind == WARD_KK_K_CONNECT) {
		/* on a connect record the server end, the remote end and the destination are
		 * all the peer the caller connected to */
		if (!strcmp(name, "fd.sip") || !strcmp(name, "fd.rip") || !strcmp(name, "fd.dip"))
			return objs_and(&acc->addrs, m, 1);
		if (!strcmp(name, "fd.sport") || !strcmp(name, "fd.rport") || !strcmp(name, "fd.dport"))
			return objs_and(&acc->ports, m, 2);
	}
	return false;
}

/* Intersects every evt.type leaf of the conjunction (the walk checks the shape later). */
static void collect_types(const struct ward_rnode *n, struct kk_acc *acc)
{
	switch (n->kind) {
	case WARD_RN_MEMO:
		collect_types(n->kids[0], acc);
		return;
	case WARD_RN_AND:
		for (uint32_t i = 0; i < n->kids_cnt; i++)
			collect_types(n->kids[i], acc);
		return;
	case WARD_RN_CMP:
		if (strcmp(n->cmp.fr.f->name, "evt.type") || n->cmp.cv != WARD_RCV_TYPES ||
		    (n->cmp.op != WARD_OP_EQ && n->cmp.op != WARD_OP_IN))
			return;
		for (size_t w = 0; w < sizeof(acc->types) / sizeof(acc->types[0]); w++)
			acc->types[w] = acc->types_seen ? acc->types[w] & n->cmp.types[w] :
					n->cmp.types[w];
		acc->types_seen = true;
		return;
	default:
		return;
	}
}

static bool has_type(const struct kk_acc *acc, int nr)
{
	return nr >= 0 && nr < 512 && ((acc->types[nr / 64] >> (nr % 64)) & 1);
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
	struct kk_acc *acc;
	bool ok = false;
	size_t k;

	if (!r->info.enabled || !r->info.compiled || !r->root || !(r->info.actions & WARD_ACT_KILL))
		return false;
	if (r->info.priority > rs->opts.min_priority)
		return false; /* loaded but never evaluated */
	if (r->info.source && strcmp(r->info.source, "syscall"))
		return false;
	acc = ward_xcalloc(1, sizeof(*acc));
	collect_types(r->root, acc);
	/* the type must be explicit: it picks the kind */
	if (!acc->types_seen)
		goto out;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		bool any = false;

		for (int j = 0; j < WARD_KK_SYS_NRS; j++)
			any |= has_type(acc, kinds[k].nrs[j]);
		if (any)
			break;
	}
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		goto out;
	acc->kind = kinds[k].kind;
	if (!walk(r->root, acc) || acc->never)
		goto out;
	if (acc->want_host && acc->want_container)
		goto out;
	if (acc->names.constrained && acc->names.cnt == 0)
		goto out; /* proc.name can never match */
	if (acc->pnames.constrained && (acc->pnames.cnt == 0 || acc->pnames.cnt > WARD_KK_PNAMES_MAX))
		goto out;
	if (acc->kind == 0 && acc->paths.constrained) {
		/* an exec on proc.exepath is keyed by the path, like open; a memfd's path is
		 * never absolute, so both together never match */
		if (acc->memfd || !acc->paths.cnt)
			goto out;
		acc->kind = WARD_KK_K_EXEC_PATH;
	}
	memset(out, 0, sizeof(*out));
	out->rule = i;
	out->kind = acc->kind;
	out->where = acc->want_host ? WARD_KK_ON_HOST :
		     acc->want_container ? WARD_KK_IN_CONTAINER : WARD_KK_ANYWHERE;
	if (acc->kind == 0) {
		out->execve = has_type(acc, NR_EXECVE);
		out->execveat = has_type(acc, NR_EXECVEAT);
		out->memfd = acc->memfd;
		/* the exec map is keyed by comm: only memfd rules may leave it open */
		if (!acc->names.constrained && !acc->memfd)
			goto out;
	} else {
		for (int j = 0; j < WARD_KK_SYS_NRS; j++)
			if (has_type(acc, kinds[k].nrs[j]) ||
			    (acc->kind == WARD_KK_K_CLONE && kinds[k].nrs[j] >= 0))
				out->nrs[out->nrs_cnt++] = kinds[k].nrs[j];
		if (acc->names.cnt > WARD_KK_SYS_COMMS)
			goto out;
		if (acc->kind == WARD_KK_K_OPEN || acc->kind == WARD_KK_K_EXEC_PATH) {
			/* the path is the map key: fd.name (proc.exepath) is required */
			if (!acc->paths.constrained || acc->paths.cnt == 0)
				goto out;
			out->paths_cnt = acc->paths.cnt;
			memcpy(out->paths, acc->paths.path, sizeof(out->paths));
		}
		if (acc->kind == WARD_KK_K_CONNECT) {
			if ((acc->addrs.constrained && !acc->addrs.cnt) ||
			    (acc->ports.constrained && !acc->ports.cnt))
				goto out;
			out->addrs_cnt = acc->addrs.cnt;
			memcpy(out->addrs, acc->addrs.addr, sizeof(out->addrs));
			out->ports_cnt = acc->ports.cnt;
			memcpy(out->ports, acc->ports.port, sizeof(out->ports));
		}
		out->req_mask = acc->req_mask;
		if (acc->kind == WARD_KK_K_CLONE) {
			/* a namespace flag is required: forks without one stay in user space */
			if (!acc->clone_mask)
				goto out;
			out->req_mask = acc->clone_mask;
		}
	}
	out->names_cnt = acc->names.constrained ? acc->names.cnt : 0;
	memcpy(out->names, acc->names.v, sizeof(out->names));
	out->pnames_cnt = acc->pnames.constrained ? acc->pnames.cnt : 0;
	memcpy(out->pnames, acc->pnames.v, sizeof(out->pnames));
	ok = true;
out:
	free(acc);
	return ok;
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
