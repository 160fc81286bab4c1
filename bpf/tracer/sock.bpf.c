// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/* Socket addresses as the caller passed them (bind, connect, sendto). */
#include "tracer.h"

/* Copies a user sockaddr into the record's local (which 0) or remote address; a unix
 * socket's path goes to the PATH slot. */
__noinline __u64 sock__put_user_addr(struct scratch *s, __u64 off, __u32 which, __u64 uaddr,
				     __s64 ulen)
{
	const void *ua = (const void *)uaddr;
	struct ward_ev_raw *e;
	struct ward_sa *sa;
	__u16 fam = 0, port = 0;

	if (!s || !ua || ulen < 2 || bpf_probe_read_user(&fam, sizeof(fam), ua))
		return off;
	e = (struct ward_ev_raw *)s->data;
	sa = which ? &e->remote : &e->local;
	sa->family = fam;
	if (fam == AF_INET && ulen >= 8) {
		bpf_probe_read_user(&port, 2, ua + 2);
		sa->port = bpf_ntohs(port);
		bpf_probe_read_user(sa->addr, 4, ua + 4);
	} else if (fam == AF_INET6 && ulen >= 24) {
		bpf_probe_read_user(&port, 2, ua + 2);
		sa->port = bpf_ntohs(port);
		bpf_probe_read_user(sa->addr, 16, ua + 8);
	} else if (fam == AF_UNIX && ulen > 2) {
		off = path__put_user_str(s, off, WARD_STR_PATH, uaddr + 2, 108);
	}
	return off;
}
