// SPDX-License-Identifier: Apache-2.0
/* Names of event kinds, categories and fd types, and address formatting. */
#include "events/event.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const struct {
	const char *name;
	const char *category;
} kinds[WARD_EV_KIND_MAX] = {
	[WARD_EV_EXEC] = { "exec", "process" },
	[WARD_EV_FORK] = { "fork", "process" },
	[WARD_EV_EXIT] = { "exit", "process" },
	[WARD_EV_OPEN] = { "open", "file" },
	[WARD_EV_UNLINK] = { "unlink", "file" },
	[WARD_EV_RENAME] = { "rename", "file" },
	[WARD_EV_MKDIR] = { "mkdir", "file" },
	[WARD_EV_RMDIR] = { "rmdir", "file" },
	[WARD_EV_CHMOD] = { "chmod", "file" },
	[WARD_EV_CHOWN] = { "chown", "file" },
	[WARD_EV_SYMLINK] = { "symlink", "file" },
	[WARD_EV_LINK] = { "link", "file" },
	[WARD_EV_TRUNCATE] = { "truncate", "file" },
	[WARD_EV_UTIMES] = { "utimes", "file" },
	[WARD_EV_XATTR] = { "xattr", "file" },
	[WARD_EV_SOCKET] = { "socket", "network" },
	[WARD_EV_CONNECT] = { "connect", "network" },
	[WARD_EV_ACCEPT] = { "accept", "network" },
	[WARD_EV_BIND] = { "bind", "network" },
	[WARD_EV_LISTEN] = { "listen", "network" },
	[WARD_EV_DUP] = { "dup", "network" },
	[WARD_EV_SETUID] = { "setuid", "privilege" },
	[WARD_EV_SETGID] = { "setgid", "privilege" },
	[WARD_EV_CAPSET] = { "capset", "privilege" },
	[WARD_EV_PTRACE] = { "ptrace", "privilege" },
	[WARD_EV_MEMFD] = { "memfd", "process" },
	[WARD_EV_MOUNT] = { "mount", "kernel" },
	[WARD_EV_UMOUNT] = { "umount", "kernel" },
	[WARD_EV_UNSHARE] = { "unshare", "kernel" },
	[WARD_EV_SETNS] = { "setns", "kernel" },
	[WARD_EV_MODULE] = { "module", "kernel" },
	[WARD_EV_BPF] = { "bpf", "kernel" },
	[WARD_EV_KILL] = { "kill", "process" },
	[WARD_EV_PROC_SNAPSHOT] = { "snapshot", "process" },
	[WARD_EV_CONTAINER_INFO] = { "container", "container" },
};

const char *ward_ev_kind_name(unsigned kind)
{
	return kind < WARD_EV_KIND_MAX && kinds[kind].name ? kinds[kind].name : "unknown";
}

const char *ward_ev_kind_category(unsigned kind)
{
	return kind < WARD_EV_KIND_MAX && kinds[kind].category ? kinds[kind].category : "unknown";
}

int ward_ev_kind_parse(const char *name)
{
	for (unsigned i = 0; i < WARD_EV_KIND_MAX; i++)
		if (kinds[i].name && strcmp(kinds[i].name, name) == 0)
			return (int)i;
	return -1;
}

static const char *const fd_types[] = {
	[WARD_FD_NONE] = "none", [WARD_FD_FILE] = "file", [WARD_FD_DIR] = "directory",
	[WARD_FD_IPV4] = "ipv4", [WARD_FD_IPV6] = "ipv6", [WARD_FD_UNIX] = "unix",
	[WARD_FD_PIPE] = "pipe", [WARD_FD_MEMFD] = "memfd", [WARD_FD_SOCK_OTHER] = "socket",
	[WARD_FD_OTHER] = "other",
};

const char *ward_fd_type_name(unsigned t)
{
	return t < sizeof(fd_types) / sizeof(fd_types[0]) ? fd_types[t] : "other";
}

char ward_fd_typechar(unsigned t)
{
	static const char chars[] = {
		[WARD_FD_NONE] = '\0', [WARD_FD_FILE] = 'f', [WARD_FD_DIR] = 'd',
		[WARD_FD_IPV4] = '4', [WARD_FD_IPV6] = '6', [WARD_FD_UNIX] = 'u',
		[WARD_FD_PIPE] = 'p', [WARD_FD_MEMFD] = 'f', [WARD_FD_SOCK_OTHER] = 's',
		[WARD_FD_OTHER] = 'o',
	};
	return t < sizeof(chars) ? chars[t] : 'o';
}

const char *ward_sa_ip(const struct ward_sa *sa, char *out, size_t out_len)
{
	if (sa->family == AF_INET)
		inet_ntop(AF_INET, sa->addr, out, (socklen_t)out_len);
	else if (sa->family == AF_INET6)
		inet_ntop(AF_INET6, sa->addr, out, (socklen_t)out_len);
	else if (out_len)
		out[0] = '\0';
	return out;
}
