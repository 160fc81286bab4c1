/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Response actions: the library behind `ward respond` and the agent's rule actions.
 * A target (a process or a container's cgroup) is resolved once, checked against the safety
 * policy, then acted on: kill, freeze/thaw, network quarantine/release, exec blocking and
 * forensic collection. Every action reports an action event that the caller prints or puts
 * in its alert stream.
 *
 * Not here: deciding when to act (the rules engine), in-kernel kills (the sensor), and
 * bundle verification (bundle.h).
 *
 * Calls that may wait say so and take a bound; none blocks without one. The blocker runs
 * its own thread and calls back; everything else runs on the caller's thread.
 */
#ifndef WARD_RESPOND_H
#define WARD_RESPOND_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"
#include "events/container.h"

struct ward_config;

/* ---- targets (target.c) ---- */

enum ward_target_kind { WARD_TARGET_PID, WARD_TARGET_CONTAINER };

#define WARD_CGROUP_ROOT_FREEZER "/sys/fs/cgroup/freezer"

/* The cgroup v2 mount: /sys/fs/cgroup/unified on hybrid hosts, /sys/fs/cgroup on pure v2
 * hosts (probed once). */
const char *ward_cgroup_v2_root(void);
/* True when dir is a v2 cgroup directory other than the root. */
bool ward_cgroup_v2_is_child(const char *dir);

struct ward_target {
	enum ward_target_kind kind;
	pid_t pid;                              /* WARD_TARGET_PID; 0 for containers */
	uint64_t pid_start;                     /* start time (clock ticks) seen at resolve */
	char id[WARD_CONTAINER_ID_MAX + 1];     /* container id, "" for host processes */
	char cg_v2[PATH_MAX];                   /* v2 cgroup dir (absolute) or "" */
	char cg_freezer[PATH_MAX];              /* v1 freezer cgroup dir or "" */
	uint64_t cgroup_id;                     /* inode of cg_v2, 0 if none */
};

/* Resolves a live process: its start time and cgroup dirs. -ESRCH if it is gone. */
int ward_target_from_pid(pid_t pid, struct ward_target *out);
/* Resolves a container by full id or unique prefix (>= 3 chars) by finding its cgroup
 * directories. -WARD_E_NOTFOUND if none, -EEXIST (with the candidates in diag) if the
 * prefix is ambiguous. */
int ward_target_from_container(const char *id, struct ward_target *out, struct ward_diag *diag);
/* "pid 123" or "container 0123456789ab"; returns out. */
const char *ward_target_describe(const struct ward_target *t, char *out, size_t out_len);
/* Pids in the target's cgroup (v2, else freezer), at most cap. Returns the count or -errno. */
int ward_target_pids(const struct ward_target *t, pid_t *pids, size_t cap);

/* ---- /proc helpers (procfs.c) ---- */

/* Start time (field 22 of /proc/P/stat, clock ticks), ppid, kernel-thread flag and comm. */
struct ward_proc_stat {
	pid_t pid, ppid;
	uint64_t start;
	bool is_kthread;
	char state;          /* field 3: R, S, D, T (stopped), t (traced), Z, ... */
	char comm[17];
};
int ward_proc_stat_read(pid_t pid, struct ward_proc_stat *out);
/* The pid (in ward's namespace) of the process that is vpid inside the pid namespace with
 * inode pidns. For ward's own namespace that is vpid; otherwise /proc is scanned for a
 * process whose own namespace is pidns and whose `NSpid:` last column is vpid (so a process
 * in a namespace nested below pidns is not found). Returns 0, -ESRCH or -errno. */
int ward_proc_find_vpid(uint32_t pidns, pid_t vpid, pid_t *out);
/* Whether the process is stopped (State T or t) or has a SIGSTOP pending (SigPnd/ShdPnd of
 * /proc/P/status). Returns 0 with *out set, or -errno (-ESRCH when gone). */
int ward_proc_stop_pending(pid_t pid, bool *out);
/* Reads a whole small file into b (bounded by b's max). Returns bytes or -errno. */
int ward_read_file(const char *path, struct ward_buf *b);
/* Writes s to an existing file (cgroup knobs). Returns 0 or -errno. */
int ward_write_file(const char *path, const char *s);

/* ---- safety (safety.c) ---- */

struct ward_safety;

/* Builds the policy from respond.protected, respond.protected_containers and
 * respond.rate_limit_per_min; records ward's own pid and its ancestors. cfg may be NULL. */
int ward_safety_new(const struct ward_config *cfg, struct ward_safety **out);
void ward_safety_free(struct ward_safety *s);
/* Adds a protected process name (the comm or the executable's basename). */
void ward_safety_protect_name(struct ward_safety *s, const char *name);
/* 0 when pid may be acted on; -WARD_E_PROTECTED with the reason in why otherwise
 * (host pid 1, ward or an ancestor of ward, a kernel thread, a protected name). */
int ward_safety_check_pid(const struct ward_safety *s, pid_t pid, char *why, size_t why_len);
/* Checks a target: a process alone, or a container's id against the protected list and
 * then every process in its cgroup. */
int ward_safety_check_target(const struct ward_safety *s, const struct ward_target *t,
			     char *why, size_t why_len);
/* For actions on a whole cgroup (freeze, quarantine), whatever the target kind: refuses the
 * root cgroups and any cgroup holding a protected process. */
int ward_safety_check_cgroup(const struct ward_safety *s, const struct ward_target *t,
			     char *why, size_t why_len);
/* Consumes one action from the workload's budget; -WARD_E_LIMIT when over the limit. */
int ward_safety_rate(struct ward_safety *s, const struct ward_target *t, uint64_t now_ns);

/* ---- action events (action_event.c) ---- */

struct ward_action_event {
	const char *action;        /* "kill", "block", ... */
	const char *reason;        /* rule name, or "manual" */
	const struct ward_target *target; /* may be NULL (block denials name pid in detail) */
	pid_t pid;                 /* acted-on process when not the target itself, else 0 */
	int result;                /* 0 or -errno / -WARD_E_* */
	bool dry_run;
	uint64_t time_ns;          /* wall clock when the action finished */
	uint64_t latency_ns;       /* how long the action took (action-specific, see docs) */
	const char *detail;        /* free text, may be NULL */
};

/* One JSON object (no newline) appended to out. */
int ward_action_event_json(const struct ward_action_event *ev, struct ward_buf *out);
/* One human-readable line (no newline) appended to out. */
int ward_action_event_text(const struct ward_action_event *ev, struct ward_buf *out);

/* ---- kill (kill.c) ---- */

struct ward_kill_result {
	size_t killed_cnt;         /* processes signalled */
	uint64_t signal_ns;        /* time spent sending the signal(s) */
	uint64_t death_ns;         /* from first signal until death was observed; 0 if not waited */
	bool confirmed;            /* every process is gone */
};

/* SIGKILL through a pidfd. The start time, when non-zero, must match (guards against pid
 * reuse). Waits up to wait_ms for death (0 = do not wait). */
int ward_kill_pid(pid_t pid, uint64_t start, int wait_ms, struct ward_kill_result *res);
/* Kills every process in the target's cgroup: cgroup.kill when the v2 dir has it, else
 * signals cgroup.procs until it is empty or wait_ms passes. */
int ward_kill_cgroup(const struct ward_target *t, int wait_ms, struct ward_kill_result *res);

/* ---- freeze (freeze.c) ---- */

/* Freezes the target's cgroup (v2 cgroup.freeze if present, else the v1 freezer) and waits
 * up to wait_ms until it reports frozen (-ETIMEDOUT otherwise). */
int ward_freeze(const struct ward_target *t, int wait_ms);
/* Thaws through whichever interface is frozen. */
int ward_thaw(const struct ward_target *t, int wait_ms);

/* ---- quarantine (quarantine.c) ---- */

#define WARD_QUARANTINE_PIN_ROOT "/sys/fs/bpf/ward/quarantine"

struct ward_allow {
	int family;                /* AF_INET or AF_INET6 */
	uint8_t addr[16];          /* network order; v4 in the first 4 bytes */
	uint8_t prefix_len;
	uint16_t port;             /* host order; 0 = any */
};

/* Parses "ADDR[/LEN][:PORT]" or "[V6ADDR][/LEN][:PORT]". 0 or -EINVAL. */
int ward_allow_parse(const char *s, struct ward_allow *out);
/* Attaches deny-all connect4/6 and ingress/egress programs (except allow) to the target's v2
 * cgroup and pins them under WARD_QUARANTINE_PIN_ROOT/<cgroup-id>/ so they outlive the
 * caller. -EEXIST if already quarantined. */
int ward_quarantine(const struct ward_target *t, const struct ward_allow *allow, size_t allow_cnt);
/* Unpins (detaches) them. -ENOENT if the target is not quarantined. */
int ward_release(const struct ward_target *t);
/* 1 if quarantined, 0 if not. */
int ward_quarantine_active(const struct ward_target *t);

/* ---- exec blocking (block.c) ---- */

enum ward_block_kind { WARD_BLOCK_PATH, WARD_BLOCK_DIR, WARD_BLOCK_SHA256 };

#define WARD_BLOCK_PROTECTED_MAX 16 /* files never denied: ward, init, their loaders */

struct ward_block_entry {
	enum ward_block_kind kind;
	const char *what;          /* path, dir, or 64 hex digits */
	const char *origin;        /* who listed it: a rule name, "ward block list"; NULL = "manual" */
};

struct ward_block_denial {
	pid_t pid;                 /* process whose exec was denied */
	const char *path;          /* file it tried to execute */
	enum ward_block_kind matched;
	const char *rule;          /* the path, dir or hex hash that matched */
	const char *origin;        /* the matching entry's origin */
	int entry;                 /* its index (as returned by ward_blocker_add) */
	/* the caller, read before the answer (a failed exec's caller often exits at once);
	 * "" when unreadable */
	const char *comm;
	const char *exe;           /* the image that called exec */
	const char *container_id;  /* "" for host processes */
	uint64_t time_ns;
	uint64_t latency_ns;       /* from reading the event to answering it */
};

typedef void (*ward_block_cb)(const struct ward_block_denial *d, void *arg);

struct ward_blocker;

/* A fanotify group; needs CAP_SYS_ADMIN. Records ward's own executable, the host's init and
 * their dynamic loaders as protected. */
int ward_blocker_new(struct ward_blocker **out);
/* Protects every file with this base name (respond.protected) from path entries. */
void ward_blocker_protect_name(struct ward_blocker *b, const char *name);
/* Adds an entry, before or after start (thread-safe against the answering thread and other
 * adders). Paths are resolved now; a path or dir marks the mount that holds it; a hash needs
 * ward_blocker_add_mount() for every mount whose files it should cover. Returns the entry's
 * index (>= 0), or -EEXIST (already listed), -WARD_E_PROTECTED (it would deny ward, init, a
 * dynamic loader or a protected name), -WARD_E_LIMIT, -EINVAL (bad hex), -errno; why (may be
 * NULL) gets a sentence for the user on failure. */
int ward_blocker_add(struct ward_blocker *b, const struct ward_block_entry *e, char *why,
		     size_t why_len);
/* Marks the mount holding path (before or after start). */
int ward_blocker_add_mount(struct ward_blocker *b, const char *path);
/* Entries listed so far. */
size_t ward_blocker_count(const struct ward_blocker *b);
/* A listed entry's kind, text (resolved path/dir or hex) and origin; valid until free.
 * -ENOENT past the end. */
int ward_blocker_entry(const struct ward_blocker *b, size_t idx, enum ward_block_kind *kind,
		       const char **text, const char **origin);
/* Parses 64 hex digits (either case). 0 or -EINVAL. */
int ward_block_parse_sha256(const char *hex, uint8_t out[32]);
/* Starts the answering thread; cb runs on it for every denial, after the answer was written
 * (keep it short: the next exec waits for it). */
int ward_blocker_start(struct ward_blocker *b, ward_block_cb cb, void *arg);
/* Counters since start. */
void ward_blocker_stats(const struct ward_blocker *b, uint64_t *allowed, uint64_t *denied);
/* Stops the thread and closes the group; pending execs are then allowed (fail-open). */
void ward_blocker_free(struct ward_blocker *b);

/* ---- forensic collection (collect.c) ---- */

struct ward_collect_opts {
	const char *out_path;      /* bundle file to create (must not exist) */
	const char *key_path;      /* host signing key; created 0600 if missing */
	bool zstd;                 /* compress the tar with zstd */
	uint64_t mem_max;          /* bytes of memory dumped in total; 0 = none */
	uint64_t exe_max;          /* largest executable copied */
	uint64_t upper_max;        /* writable-layer bytes copied */
	const char *docker_socket; /* Engine API socket for inspect; NULL or "" = skip */
	const char *events;        /* JSON lines of recent events for the workload, or NULL */
	size_t events_len;
	const char *reason;        /* recorded in the manifest */
};

struct ward_collect_result {
	size_t artifact_cnt;
	uint64_t bytes;
	size_t proc_cnt;
	size_t skipped_cnt;        /* artifacts that could not be read (listed in errors.txt) */
};

/* GET /containers/<id>/json from the Docker Engine socket into out (bounded by out's max).
 * -ENOENT without a socket, -WARD_E_NOTFOUND for an unknown id, -EIO/-ECONNREFUSED. */
int ward_docker_inspect_raw(const char *socket_path, const char *id, struct ward_buf *out);

int ward_collect(const struct ward_target *t, const struct ward_collect_opts *opts,
		 struct ward_collect_result *res, struct ward_diag *diag);

#endif
