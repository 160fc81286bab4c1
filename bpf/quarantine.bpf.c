// SPDX-License-Identifier: Apache-2.0
/*
 * Network quarantine for one cgroup: connect4/connect6 refuse (EPERM) and cgroup_skb
 * egress/ingress drop every packet whose peer is not on the allowlist. One object is loaded
 * per quarantined cgroup with its allowlist in rodata, attached with bpf_link (multi-attach,
 * so other cgroup programs keep running) and pinned by user space so it outlives ward.
 * Not a firewall: there are no per-rule counters or logging, only deny-unless-allowed.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define QUAR_MAX_ALLOW 16 /* WARD_QUARANTINE_MAX_ALLOW in src/common/limits.h */
#define ETH_P_IP_ 0x0800
#define ETH_P_IPV6_ 0x86DD
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

/* An allow rule: address and mask in network order (v4 uses word 3 only), port in host
 * order (0 = any). Same layout as struct quar_allow in src/respond/quarantine.c. */
struct quar_allow {
	__u32 addr[4];
	__u32 mask[4];
	__u16 port;
	__u8 is_v6;
	__u8 pad;
};

const volatile struct quar_allow allow[QUAR_MAX_ALLOW] = {};
const volatile __u32 allow_cnt = 0;

enum { STAT_CONNECT, STAT_EGRESS, STAT_INGRESS, STAT_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} quar_stats SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&quar_stats, &which);

	if (v)
		*v += 1;
}

/* a: four words, v4 in a[3] */
static __always_inline int allowed(const __u32 *a, int is_v6, __u16 port)
{
	__u32 n = allow_cnt;

	for (__u32 i = 0; i < QUAR_MAX_ALLOW; i++) {
		if (i >= n)
			break;
		if (allow[i].is_v6 != is_v6)
			continue;
		if (allow[i].port && allow[i].port != port)
			continue;
		if ((a[0] & allow[i].mask[0]) == allow[i].addr[0] &&
		    (a[1] & allow[i].mask[1]) == allow[i].addr[1] &&
		    (a[2] & allow[i].mask[2]) == allow[i].addr[2] &&
		    (a[3] & allow[i].mask[3]) == allow[i].addr[3])
			return 1;
	}
	return 0;
}

SEC("cgroup/connect4")
int connect4(struct bpf_sock_addr *ctx)
{
	__u32 a[4] = { 0, 0, 0, ctx->user_ip4 };

	if (allowed(a, 0, bpf_ntohs((__u16)ctx->user_port)))
		return 1;
	count(STAT_CONNECT);
	return 0;
}

SEC("cgroup/connect6")
int connect6(struct bpf_sock_addr *ctx)
{
	__u32 a[4];
	__u16 port = bpf_ntohs((__u16)ctx->user_port);

	a[0] = ctx->user_ip6[0];
	a[1] = ctx->user_ip6[1];
	a[2] = ctx->user_ip6[2];
	a[3] = ctx->user_ip6[3];
	/* ::ffff:a.b.c.d reaches an IPv4 peer: judge it by the IPv4 rules */
	if (a[0] == 0 && a[1] == 0 && a[2] == bpf_htonl(0xffff)) {
		__u32 v4[4] = { 0, 0, 0, a[3] };

		if (allowed(v4, 0, port))
			return 1;
	} else if (allowed(a, 1, port)) {
		return 1;
	}
	count(STAT_CONNECT);
	return 0;
}

/* Returns 1 if the packet's peer (destination on egress, source on ingress) is allowed. */
static __always_inline int skb_allowed(struct __sk_buff *skb, int egress)
{
	__u16 ports[2] = { 0, 0 };
	__u32 a[4] = { 0, 0, 0, 0 };
	__u8 proto = 0;
	__u32 l4 = 0;

	if (skb->protocol == bpf_htons(ETH_P_IP_)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return 0;
		a[3] = egress ? ip.daddr : ip.saddr;
		proto = ip.protocol;
		/* only the first fragment carries ports; later ones match port-0 rules only */
		if (!(ip.frag_off & bpf_htons(0x1fff)))
			l4 = (__u32)ip.ihl * 4;
		if ((proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_) && l4 &&
		    bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
			ports[0] = ports[1] = 0;
		if (proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_)
			ports[0] = ports[1] = 0;
		return allowed(a, 0, bpf_ntohs(egress ? ports[1] : ports[0]));
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6_)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return 0;
		if (egress)
			__builtin_memcpy(a, &ip6.daddr, 16);
		else
			__builtin_memcpy(a, &ip6.saddr, 16);
		/* extension headers are not walked: such packets match port-0 rules only */
		if ((ip6.nexthdr == IPPROTO_TCP_ || ip6.nexthdr == IPPROTO_UDP_) &&
		    bpf_skb_load_bytes(skb, sizeof(ip6), ports, sizeof(ports)))
			ports[0] = ports[1] = 0;
		if (ip6.nexthdr != IPPROTO_TCP_ && ip6.nexthdr != IPPROTO_UDP_)
			ports[0] = ports[1] = 0;
		return allowed(a, 1, bpf_ntohs(egress ? ports[1] : ports[0]));
	}
	return 0;
}

SEC("cgroup_skb/egress")
int egress(struct __sk_buff *skb)
{
	if (skb_allowed(skb, 1))
		return 1;
	count(STAT_EGRESS);
	return 0;
}

SEC("cgroup_skb/ingress")
int ingress(struct __sk_buff *skb)
{
	if (skb_allowed(skb, 0))
		return 1;
	count(STAT_INGRESS);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
