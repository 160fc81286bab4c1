/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process table: what ward knows about each process, keyed by (pid, start time) because
 * pids are reused (pid_max is small on many hosts). Filled from /proc at start and kept by
 * exec/fork/exit events after. Bounded: when full, the oldest exited entries go first, then
 * the least recently seen. Exited processes stay for a grace period so a child's ancestry
 * still resolves after its parent is gone.
 *
 * Not thread-safe: owned by the event thread.
 */
#ifndef WARD_PROC_H
#define WARD_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ward_container;

#define WARD_PROC_CMDLINE_MAX 4096
#define WARD_PROC_NAME_MAX 16

struct ward_proc {
	uint32_t pid;
	uint64_t start;         /* boot ns; with pid, the key */
	uint32_t ppid;
	uint64_t pstart;        /* parent's start */
	uint32_t vpid;          /* pid in its own pid namespace */
	uint32_t uid, gid, euid, egid, loginuid;
	uint32_t sid;
	uint32_t tty;
	uint64_t cap_eff, cap_prm;
	uint64_t exec_ts;       /* boot ns of the last exec (proc.duration counts from start) */
	uint64_t exit_ts;       /* boot ns of the exit, 0 while alive */
	uint32_t flags;         /* WARD_F_EXE_* and WARD_F_HAS_TTY */
	bool exited;
	bool from_snapshot;     /* learned from /proc, not seen being created */
	uint64_t cgroup_id;
	char comm[WARD_PROC_NAME_MAX + 1]; /* proc.name */
	char *exe;              /* proc.exe: argv[0]; owned */
	char *exepath;          /* proc.exepath: full path of the executable; owned */
	char *args;             /* proc.args: argv[1..] joined with spaces; owned */
	char *cwd;              /* owned */
	char *cgroup;           /* owned, may be NULL */
	const struct ward_container *container; /* NULL = host; held, set only through
						  * ward_proc_set_container() */
	/* table bookkeeping */
	uint64_t last_seen;
	uint32_t slot_next;
};

struct ward_proc_table;

/* Creates a table holding at most max_cnt processes (0 = default). */
int ward_proc_table_new(size_t max_cnt, struct ward_proc_table **out);
void ward_proc_table_free(struct ward_proc_table *t);

/* Exact lookup; NULL if unknown. */
struct ward_proc *ward_proc_get(struct ward_proc_table *t, uint32_t pid, uint64_t start);
/* Lookup or create an empty entry (evicting if full). Never returns NULL. */
struct ward_proc *ward_proc_upsert(struct ward_proc_table *t, uint32_t pid, uint64_t start,
				   bool *created);
/* Most recent live entry for a pid (for --pid filters and responders); NULL if none. */
struct ward_proc *ward_proc_by_pid(struct ward_proc_table *t, uint32_t pid);
/* Parent entry, or NULL. */
struct ward_proc *ward_proc_parent(struct ward_proc_table *t, const struct ward_proc *p);
/* n-th ancestor (1 = parent); NULL when the chain ends or is unknown. */
struct ward_proc *ward_proc_ancestor(struct ward_proc_table *t, const struct ward_proc *p,
				     unsigned n);
/* Marks exited; the entry is reclaimed later. */
void ward_proc_mark_exited(struct ward_proc_table *t, struct ward_proc *p, uint64_t now);
/* Points p at container c (NULL = host), holding c and releasing the previous one, so the
 * container table never evicts a container a process entry points at. Entries release their
 * container when the table reclaims them; ward_proc_table_free() does not, so the container
 * table may be freed first. */
void ward_proc_set_container(struct ward_proc *p, const struct ward_container *c);
/* Replaces an owned string field (exe, exepath, args, cwd, cgroup) with a bounded copy. */
void ward_proc_set_str(char **field, const char *s, size_t len);
/* Full command line "exe args" into out; returns out. */
const char *ward_proc_cmdline(const struct ward_proc *p, char *out, size_t out_len);

size_t ward_proc_table_count(const struct ward_proc_table *t);
size_t ward_proc_table_capacity(const struct ward_proc_table *t);
/* Iterates live and exited entries; stop by returning non-zero from fn. */
int ward_proc_table_foreach(struct ward_proc_table *t,
			    int (*fn)(struct ward_proc *p, void *arg), void *arg);

#endif
