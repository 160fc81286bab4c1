/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A decoded event: the kernel record plus its strings made usable (paths absolute, argv
 * split) and the process and container it belongs to. The decoder owns all memory an event
 * points into; an event is valid until the next record is decoded. Consumers (trace output,
 * rules, FIM who-data) read events, they never keep pointers past the callback.
 */
#ifndef WARD_EVENT_H
#define WARD_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward_abi.h"

struct ward_proc;
struct ward_container;

#define WARD_EV_PATH_MAX 4096

struct ward_event {
	const struct ward_ev_raw *raw;  /* the record; raw->kind, raw->nr, raw->ret, ... */
	uint64_t wall_ns;               /* raw->ts converted to wall clock */
	const char *type;               /* evt.type: syscall name ("openat") or "execve", "clone", "procexit" */
	const char *category;           /* "process", "file", "network", "privilege", "kernel" */

	/* Strings, NUL-terminated, "" when absent. Paths are absolute and normalized when the
	 * kernel gave enough to resolve them; *_raw keep what the process passed. */
	const char *path;       /* fd.name for file events; exec: exe path */
	const char *path_raw;   /* fd.nameraw */
	const char *path2;      /* rename/link target, symlink target, mount source */
	const char *aux;        /* memfd name, mount fstype, fd path for dup/setns/finit_module */
	/* exec only */
	const char *filename;   /* what was executed, as the kernel resolved it */
	const char *argv;       /* NUL-separated, argv_len bytes */
	size_t argv_len;
	int argc;
	const char *cwd;
	const char *cgroup;     /* cgroup path (exec, snapshot) */

	int fd;                 /* fd.num: the fd produced (open/socket/accept) or acted on, -1 if none */
	struct ward_proc *proc;           /* never NULL after ward_decoder_decode() succeeds */
	const struct ward_container *container; /* NULL for host processes */
	uint64_t drops_before;  /* events lost (all CPUs) since the previous event handed out */
};

/* Names for kinds and fd types, for output and --type filters. */
const char *ward_ev_kind_name(unsigned kind);       /* "exec", "open", ... or "unknown" */
int ward_ev_kind_parse(const char *name);           /* -1 if unknown */
const char *ward_ev_kind_category(unsigned kind);
const char *ward_fd_type_name(unsigned fd_type);    /* "file", "ipv4", ... */
char ward_fd_typechar(unsigned fd_type);            /* Falco's fd.typechar: f, 4, 6, u, p, ... */
/* Syscall name for a number (x86_64), or NULL. */
const char *ward_syscall_name(int nr);
int ward_syscall_nr(const char *name);               /* -1 if unknown */

/* Formats an IP address (v4 or v6 by family) into out; returns out. */
const char *ward_sa_ip(const struct ward_sa *sa, char *out, size_t out_len);

#endif
