// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * Kill policies decided at sys_enter (ptrace, setns, unshare, module loading, clone and
 * connect) and the cgroup connect gate. These programs are attached only while policies of
 * their kind exist.
 */
#include "kill.h"

/*
 * connect at sys_enter: the peer the caller asks for (read from its sockaddr) against the
 * connect policies, most specific first. A match is only recorded here: the cgroup connect
 * program refuses the connect when the kernel's copy of the address is the same, and
 * sys_exit sends the SIGKILL, so a thread racing to rewrite the sockaddr can neither get a
 * connection through nor get killed for an address it did not connect to.
 */
__noinline int kill__connect_enter(__u64 uaddr, __s64 ulen, __u64 id)
{
	const void *ua = (const void *)uaddr;
	struct ward_kk_sys_policy *pol;
	struct kk_pend pd = {};
	struct ward_kk_key *k;
	__u16 fam = 0, port = 0;
	__u32 rule = 0;

	if (!ua || ulen < 2 || bpf_probe_read_user(&fam, sizeof(fam), ua))
		return 0;
	if (fam == AF_INET && ulen >= 16) {
		bpf_probe_read_user(&port, 2, ua + 2);
		bpf_probe_read_user(pd.addr, 4, ua + 4);
	} else if (fam == AF_INET6 && ulen >= 24) {
		bpf_probe_read_user(&port, 2, ua + 2);
		bpf_probe_read_user(pd.addr, 16, ua + 8);
	} else {
		return 0;
	}
	pd.family = fam;
	pd.port = bpf_ntohs(port);
	for (int i = 0; i < 4 && !rule; i++) {
		k = kk_key_reset(WARD_KK_K_CONNECT);
		if (!k)
			return 0;
		k->port = (i & 1) ? WARD_KK_ANY_PORT : pd.port;
		if (i < 2) {
			k->family = fam;
			__builtin_memcpy(k->obj, pd.addr, 16);
		}
		pol = bpf_map_lookup_elem(&kk_sys, k);
		if (pol)
			rule = kill__sys_match(pol, NR_CONNECT, 0);
	}
	if (!rule)
		return 0;
	pd.rule = rule;
	pd.state = kill__charge() ? KK_DECIDED : KK_LIMITED;
	bpf_map_update_elem(&kk_pend, &id, &pd, BPF_ANY);
	return 1;
}

/*
 * sys_enter of ptrace, setns, unshare and the module syscalls. Reads args[0] only: the
 * kernel refuses to attach a program to a syscall whose record is shorter than the context
 * the program reads (unshare has one argument), hence a separate program for connect.
 */
SEC("tracepoint")
int sys_enter_kk(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	/* syscalls:sys_enter_* records hold a 32-bit __syscall_nr where the raw record's id is */
	long nr = (int)ctx->id;
	__u32 kind = kk_kind_of(nr), rule;
	struct ward_kk_sys_policy *pol;
	struct kk_pend pd = {};
	struct ward_kk_key *k;

	if (!kind || kind == WARD_KK_K_CONNECT || !(kk_kinds & (1u << kind)) || kk_exempt(id >> 32))
		return 0;
	k = kk_key_reset(kind);
	if (!k)
		return 0;
	pol = bpf_map_lookup_elem(&kk_sys, k);
	if (!pol)
		return 0;
	rule = kill__sys_match(pol, nr, kind == WARD_KK_K_PTRACE ? ctx->args[0] : 0);
	if (!rule)
		return 0;
	pd.rule = rule;
	if (kill__charge()) {
		/* the syscall itself still runs; the task dies on its way back to user space */
		kk_kill();
		pd.state = KK_KILLED;
	} else {
		pd.state = KK_LIMITED;
	}
	bpf_map_update_elem(&kk_pend, &id, &pd, BPF_ANY);
	return 0;
}

/*
 * sys_enter of clone and clone3 (reads args[0] and args[1]; both syscalls have them). A new
 * thread (CLONE_THREAD) is never killed: ward reports only new processes. The SIGKILL is
 * pending before copy_process runs, and copy_process refuses to fork while a fatal signal
 * is pending (-ERESTARTNOINTR): no child exists, so no fork record will ever describe this
 * clone. The kill record is therefore made here: a clone record (nr 56 whichever syscall,
 * as user space names every fork "clone") with the flags in args[0], flagged killed.
 * A rate-limited clone proceeds and is reported by sched_process_fork as usual.
 */
SEC("tracepoint")
int sys_enter_kk_clone(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	long nr = (int)ctx->id;
	struct ward_kk_sys_policy *pol;
	struct ward_kk_key *k;
	struct ward_ev_raw *e;
	struct scratch *s;
	__u64 fl;
	__u32 rule;
	int ok;

	if (!(kk_kinds & (1u << WARD_KK_K_CLONE)) || kk_exempt(id >> 32))
		return 0;
	if (nr != NR_CLONE && nr != NR_CLONE3)
		return 0;
	fl = clone_flags_of(nr, ctx->args[0], ctx->args[1], &ok);
	if (!ok || (fl & KK_CLONE_THREAD))
		return 0;
	k = kk_key_reset(WARD_KK_K_CLONE);
	if (!k)
		return 0;
	pol = bpf_map_lookup_elem(&kk_sys, k);
	if (!pol)
		return 0;
	rule = kill__sys_match(pol, nr, fl);
	if (!rule || !kill__charge())
		return 0;
	kk_kill();
	s = get_scratch();
	if (!s)
		return 0;
	e = (struct ward_ev_raw *)s->data;
	rec__fill_task(s, WARD_EV_UNSHARE, NR_CLONE);
	e->args[0] = fl;
	e->flags |= WARD_F_KERNEL_KILLED;
	e->kill_rule = rule;
	rec__emit(s, sizeof(*e));
	return 0;
}

SEC("tracepoint")
int sys_enter_kk_conn(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (!(kk_kinds & (1u << WARD_KK_K_CONNECT)) || kk_exempt(id >> 32))
		return 0;
	kill__connect_enter(ctx->args[1], (__s64)ctx->args[2], id);
	return 0;
}

/* The cgroup half of a connect kill (attached to the root of the v2 hierarchy, so it sees
 * every task): refuses the connect that sys_enter decided on, before any packet is built. */
static __always_inline int kk_connect_gate(__u16 fam, const __u32 *ip, __u32 n, __u16 port_net)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct kk_pend *pd;

	if (!(kk_kinds & (1u << WARD_KK_K_CONNECT)))
		return 1;
	pd = bpf_map_lookup_elem(&kk_pend, &id);
	if (!pd || pd->state != KK_DECIDED || pd->family != fam || pd->port != bpf_ntohs(port_net))
		return 1;
	for (__u32 i = 0; i < n && i < 4; i++) {
		__u32 a;

		__builtin_memcpy(&a, &pd->addr[i * 4], 4);
		if (a != ip[i])
			return 1;
	}
	pd->state = KK_REFUSED;
	return 0;
}

SEC("cgroup/connect4")
int kk_connect4(struct bpf_sock_addr *ctx)
{
	__u32 ip = ctx->user_ip4;

	return kk_connect_gate(AF_INET, &ip, 1, (__u16)ctx->user_port);
}

SEC("cgroup/connect6")
int kk_connect6(struct bpf_sock_addr *ctx)
{
	__u32 ip[4];

	ip[0] = ctx->user_ip6[0];
	ip[1] = ctx->user_ip6[1];
	ip[2] = ctx->user_ip6[2];
	ip[3] = ctx->user_ip6[3];
	return kk_connect_gate(AF_INET6, ip, 4, (__u16)ctx->user_port);
}
