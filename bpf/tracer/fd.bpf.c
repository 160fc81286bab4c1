// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * The kernel's view of an fd: what kind of file it is, a socket's family, type and both
 * ends, and optionally the file's path (a dentry walk, immune to user-memory races).
 */
#include "tracer.h"

static __always_inline void sa_from_sock_v4(struct ward_sa *sa, __u32 addr, __u16 port_host)
{
	sa->family = AF_INET;
	sa->port = port_host;
	__builtin_memcpy(sa->addr, &addr, 4);
}

static __always_inline void describe_sock(struct ward_ev_raw *e, struct file *f)
{
	struct socket *sock = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);

	e->sock_family = fam;
	e->sock_type = BPF_CORE_READ(sk, sk_type);
	e->sock_proto = BPF_CORE_READ(sk, sk_protocol);
	if (fam == AF_INET) {
		e->fd_type = WARD_FD_IPV4;
		sa_from_sock_v4(&e->local, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr),
				BPF_CORE_READ(sk, __sk_common.skc_num));
		sa_from_sock_v4(&e->remote, BPF_CORE_READ(sk, __sk_common.skc_daddr),
				bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport)));
	} else if (fam == AF_INET6) {
		e->fd_type = WARD_FD_IPV6;
		e->local.family = e->remote.family = AF_INET6;
		e->local.port = BPF_CORE_READ(sk, __sk_common.skc_num);
		e->remote.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		BPF_CORE_READ_INTO(&e->local.addr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&e->remote.addr, sk, __sk_common.skc_v6_daddr);
	} else if (fam == AF_UNIX) {
		e->fd_type = WARD_FD_UNIX;
		e->local.family = e->remote.family = AF_UNIX;
	} else {
		e->fd_type = WARD_FD_SOCK_OTHER;
	}
}

/* Fills the fd description from the kernel's struct file; may add the AUX path string. */
__noinline __u64 fd__describe(struct scratch *s, __u64 off, __u64 file, __u32 want_path)
{
	struct file *f = (struct file *)file;
	struct ward_ev_raw *e;
	struct inode *ino;
	__u16 mode;

	if (!s || !f)
		return off;
	e = (struct ward_ev_raw *)s->data;
	ino = BPF_CORE_READ(f, f_inode);
	mode = BPF_CORE_READ(ino, i_mode);
	if ((mode & S_IFMT) == S_IFSOCK) {
		describe_sock(e, f);
		return off;
	}
	if ((mode & S_IFMT) == S_IFIFO)
		e->fd_type = WARD_FD_PIPE;
	else if ((mode & S_IFMT) == S_IFDIR)
		e->fd_type = WARD_FD_DIR;
	else
		e->fd_type = WARD_FD_FILE;
	if (BPF_CORE_READ(ino, i_sb, s_magic) == TMPFS_MAGIC &&
	    name_is_memfd(BPF_CORE_READ(f, f_path.dentry, d_name.name)))
		e->fd_type = WARD_FD_MEMFD;
	if (want_path)
		off = path__put_dentry(s, off, WARD_STR_AUX, (__u64)BPF_CORE_READ(f, f_path.dentry),
				       (__u64)BPF_CORE_READ(f, f_path.mnt));
	return off;
}
