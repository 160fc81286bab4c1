/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules engine: Falco-compatible rule files (rules, macros, lists, exceptions, append and
 * override) loaded from files and directories, compiled once into trees of pre-resolved field
 * extractors and preprocessed constants, indexed by event type, and evaluated against decoded
 * events without allocating.
 *
 * A loaded ruleset is immutable: evaluation only bumps per-rule atomic hit counters, so the
 * agent can evaluate on one thread and swap in a freshly loaded set (SIGHUP) by exchanging
 * the pointer. Not here: alert delivery, rate limiting and response actions (src/alert,
 * src/respond); this module says which rule matched and what it asked for.
 */
#ifndef WARD_RULES_H
#define WARD_RULES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"
#include "common/err.h"
#include "ward_abi.h"

struct ward_event;
struct ward_proc_table;
struct ward_ruleset;

/* ward's extension key `actions:` on a rule: what the responder may do on a match. */
enum ward_rule_action {
	WARD_ACT_KILL = 1u << 0,
	WARD_ACT_BLOCK = 1u << 1,
	WARD_ACT_QUARANTINE = 1u << 2,
	WARD_ACT_FREEZE = 1u << 3,
	WARD_ACT_COLLECT = 1u << 4,
};
#define WARD_ACT_CNT 5

/* ward's extension key `mode:` on a rule: whether its actions run, overriding rules.mode. */
enum ward_rule_mode { WARD_RMODE_GLOBAL = 0, WARD_RMODE_DETECT, WARD_RMODE_ENFORCE };
/* "kill", ... for one bit; NULL otherwise. */
const char *ward_rule_action_name(unsigned bit);

/* One diagnostic of a load: where and what. */
struct ward_rules_msg {
	bool is_error;
	struct ward_diag d;
};

/* What a load spent of each compile budget (limits in common/limits.h, docs/rules.md
 * "Budgets"), so `ward rules validate --json` can show the headroom. */
struct ward_rules_budget_use {
	uint64_t yaml_alias_nodes;    /* nodes that aliases add, in the file that added most */
	uint64_t loaded_items;        /* list items and exception values, all files */
	uint64_t rule_nodes;          /* the largest compiled condition, macros inlined */
	uint64_t set_nodes;           /* compiled conditions' nodes, summed */
	uint64_t set_values;          /* list values after expansion, summed */
	uint64_t compile_ms;          /* wall clock spent compiling (the backstop's measure) */
};

/* What a load found. Owned by the caller; release with ward_rules_report_free(). */
struct ward_rules_report {
	struct ward_rules_msg *msgs;  /* at most WARD_RULES_MAX_MSGS kept */
	size_t msgs_cnt;
	size_t errors, warnings;      /* all counted, even past the kept maximum */
	size_t rules, macros, lists;  /* items defined (after append/override merging) */
	size_t rules_compiled;        /* rules that compiled (enabled or not) */
	size_t files;                 /* files read */
	struct ward_rules_budget_use used;
};
void ward_rules_report_free(struct ward_rules_report *rep);

struct ward_rules_opts {
	enum ward_priority min_priority; /* rules less severe are loaded but never evaluated */
	const char *passwd_path;         /* NULL: /etc/passwd (user.name lookups) */
	const char *group_path;          /* NULL: /etc/group */
	/* NULL, or a flag another thread sets to stop a compile early (agent shutdown during a
	 * background reload): the rules not yet compiled then fail, as past the deadline */
	const atomic_bool *cancel;
};

/*
 * Loads rule files in order; a directory contributes its *.yaml and *.yml files sorted by
 * name. Later items append to or override earlier ones. A YAML syntax error skips that file;
 * a rule that fails to compile is reported and left out; everything else loads.
 * Returns 0 and sets *out (even when rep->errors > 0: the caller decides whether a partial
 * set is acceptable), or -EINVAL for bad arguments. opts may be NULL.
 */
int ward_rules_load(const char *const *paths, size_t paths_cnt, const struct ward_rules_opts *opts,
		    struct ward_rules_report *rep, struct ward_ruleset **out);
/* Same, from one in-memory document named `name` in diagnostics (tests, fuzzing). */
int ward_rules_load_mem(const char *name, const char *data, size_t len,
			const struct ward_rules_opts *opts, struct ward_rules_report *rep,
			struct ward_ruleset **out);
void ward_rules_free(struct ward_ruleset *rs);

/* A rule as listed (`ward rules list`); pointers owned by the ruleset. */
struct ward_rule_info {
	const char *name;
	const char *desc;
	const char *condition;
	const char *source;       /* "syscall" unless the file says otherwise */
	const char *file;
	int line;
	enum ward_priority priority;
	const char *const *tags;
	size_t tags_cnt;
	unsigned actions;         /* WARD_ACT_* */
	enum ward_rule_mode mode; /* WARD_RMODE_GLOBAL: follow rules.mode */
	bool enabled;
	bool compiled;            /* false: reported as an error and never evaluated */
	bool any_type;            /* no evt.type restriction: evaluated on every event */
};

size_t ward_rules_count(const struct ward_ruleset *rs);
/* i-th rule in load order; NULL past the end. */
const struct ward_rule_info *ward_rules_get(const struct ward_ruleset *rs, size_t i);
/* Matches of the i-th rule so far (relaxed atomic). */
uint64_t ward_rules_hits(const struct ward_ruleset *rs, size_t i);
size_t ward_rules_macro_count(const struct ward_ruleset *rs);
size_t ward_rules_list_count(const struct ward_ruleset *rs);

/* Syscalls the enabled, evaluated rules need (flags indexed by x86_64 syscall number). */
void ward_rules_syscalls(const struct ward_ruleset *rs, bool enabled[WARD_SC_MAX]);

/* One match, valid only during the callback. */
struct ward_rule_match {
	size_t index;                          /* for ward_rules_get() */
	const char *rule;
	enum ward_priority priority;
	const char *source;
	const char *const *tags;
	size_t tags_cnt;
	unsigned actions;                      /* WARD_ACT_* */
	const char *output;                    /* %fields substituted, absent as <NA> */
	const struct ward_alert_field *fields; /* output_fields, in template order, no duplicates */
	size_t fields_cnt;
};

/* Return non-zero to stop evaluating further rules for this event. */
typedef int (*ward_rule_match_fn)(const struct ward_rule_match *m, void *arg);

/*
 * Evaluates one event against the enabled syscall-source rules that can match its type, in
 * load order. pt resolves ancestors (proc.pname, proc.aname[N]); NULL means none known.
 * Returns the number of matching rules. Never allocates on a non-matching event; rendering a
 * match uses per-thread buffers.
 */
int ward_rules_eval(const struct ward_ruleset *rs, const struct ward_event *ev,
		    struct ward_proc_table *pt, ward_rule_match_fn fn, void *arg);

/* Where `ward rules` and the agent look when no file is configured: the source tree's rules/
 * directory when it exists (development builds), else /usr/local/share/ward/rules. */
const char *ward_rules_default_paths(void);


/* ---- kernel-decidable kill rules (kernel_filter.c) ------------------------------------ */

#define WARD_KK_NAMES_MAX 32      /* proc.name values per exec policy */
#define WARD_KK_PNAMES_MAX 8      /* proc.pname values per policy (WARD_KK_PARENTS) */
#define WARD_KK_NAME_LEN 15       /* a comm holds at most 15 characters */
#define WARD_KK_OBJS_MAX 8        /* fd.name paths, addresses or ports per policy */

/* Where the process must run for the rule to match. */
enum ward_kk_where { WARD_KK_ANYWHERE, WARD_KK_IN_CONTAINER, WARD_KK_ON_HOST };

/* A peer address a connect policy names (family AF_INET or AF_INET6, network order). */
struct ward_kk_addr {
	uint16_t family;
	uint8_t addr[16];
};

/*
 * A kill policy that matches exactly the events the rule matches. kind 0 is exec; other
 * kinds are enum ward_kk_kind (bpf/ward_abi.h).
 */
struct ward_kernel_kill {
	size_t rule;                  /* for ward_rules_get() */
	unsigned kind;                /* 0: exec, else WARD_KK_K_* */
	bool execve, execveat;        /* exec: which syscalls' successful execs */
	bool memfd;                   /* exec: proc.is_exe_from_memfd is required */
	int nrs[WARD_KK_SYS_NRS];     /* other kinds: the syscalls covered */
	size_t nrs_cnt;
	enum ward_kk_where where;
	size_t names_cnt;             /* proc.name is one of; 0: any (exec: memfd rules only) */
	char names[WARD_KK_NAMES_MAX][WARD_KK_NAME_LEN + 1];
	size_t pnames_cnt;            /* 0: any parent */
	char pnames[WARD_KK_PNAMES_MAX][WARD_KK_NAME_LEN + 1];
	uint64_t req_mask;            /* ptrace: ward_kk_req_bit() of each request; 0: any; clone: CLONE_NEW* bits all required */
	size_t paths_cnt;             /* open: fd.name, exec path: proc.exepath is one of (>= 1) */
	char paths[WARD_KK_OBJS_MAX][WARD_KK_PATH];
	size_t addrs_cnt;             /* connect: the peer address is one of; 0: any */
	struct ward_kk_addr addrs[WARD_KK_OBJS_MAX];
	size_t ports_cnt;             /* connect: the peer port is one of; 0: any */
	uint16_t ports[WARD_KK_OBJS_MAX];
};

/*
 * Finds the enabled, evaluated syscall rules with the kill action whose compiled condition
 * (macros expanded) is a conjunction of tests the kernel can decide exactly (see
 * docs/respond.md, "Kill in the kernel"): evt.type (required; it picks the kind: exec, open,
 * connect, ptrace, setns, unshare, module load), evt.dir = <, proc.name, proc.pname,
 * container.id = host / != host, and per kind proc.is_exe_from_memfd (exec), fd.name (open),
 * fd.sip/rip/dip and fd.sport/rport/dport (connect), evt.arg.request (ptrace). Any other
 * test, not, or (exceptions included) leaves the rule to user space. Writes at most cap
 * policies, in load order, and returns how many rules qualified (possibly more than cap).
 */
int ward_rules_kernel_kills(const struct ward_ruleset *rs, struct ward_kernel_kill *out,
			    size_t cap);

/* The encoding of an absolute, canonical path as the sensor writes an fd path (components
 * leaf first, each NUL-terminated) into out[WARD_KK_PATH], zero-padded. Returns false when
 * the path is not canonical (relative, "//", ".", "..", trailing "/") or does not fit: such
 * a value is never what fd.name shows for an opened file. */
bool ward_kk_encode_path(const char *path, size_t len, uint8_t out[WARD_KK_PATH]);

#endif
