/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interfaces between the files of the rules engine: condition text with its source
 * positions, tokens, the syntax tree, rule/macro/list definitions as loaded, the compiled
 * form, the field table and the extraction context. Not a public API: the agent and the CLI
 * use rules.h only.
 */
#ifndef WARD_RULES_INT_H
#define WARD_RULES_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "common/buf.h"
#include "common/limits.h"
#include "rules/rules.h"

struct ward_event;
struct ward_proc;

/* Macros and shared comparisons evaluated at most once per event: every inlined copy of
 * macro i is wrapped in a MEMO node with id i; comparisons that occur more than once in the
 * ruleset (same field, operator and constant) share an id after the macros'. Results are
 * kept in the evaluation context. */
#define WARD_RULES_MEMO_MAX 4096

/* ---- source positions ---------------------------------------------------------------- */

struct ward_rpos {
	const char *file; /* interned in the ruleset, never freed before it */
	int line, col;    /* 1-based */
};

/* One YAML scalar that contributed to a condition or output. raw holds the bytes of the
 * scalar as written in the file so an offset in the value maps back to a line and column,
 * even for folded (>) and multi-line plain scalars. */
struct ward_rfrag {
	size_t off, len;        /* range in the joined text */
	struct ward_rpos pos;   /* where the scalar starts */
	char *raw;
	size_t raw_len;
	int style;              /* yaml_scalar_style_t */
};

/* Condition text: fragments joined with a space (append: true adds one). */
struct ward_rtext {
	char *s;
	size_t len;
	struct ward_rfrag *frags;
	size_t frags_cnt;
};

void ward_rtext_init(struct ward_rtext *t);
void ward_rtext_free(struct ward_rtext *t);
/* Appends a fragment (copying value and raw). Returns 0 or -WARD_E_LIMIT. */
int ward_rtext_add(struct ward_rtext *t, const char *val, size_t val_len, const char *raw,
		   size_t raw_len, int style, struct ward_rpos pos);
void ward_rtext_copy(struct ward_rtext *dst, const struct ward_rtext *src);
/* Position in the file of byte off of the joined text. */
struct ward_rpos ward_rtext_pos(const struct ward_rtext *t, size_t off);

/* ---- tokens -------------------------------------------------------------------------- */

enum ward_rtok_kind {
	WARD_TK_EOF, WARD_TK_WORD, WARD_TK_STR, WARD_TK_LP, WARD_TK_RP, WARD_TK_COMMA,
	WARD_TK_OP, WARD_TK_ERR,
};

struct ward_rtok {
	enum ward_rtok_kind kind;
	size_t off, len;   /* extent in the text, quotes included */
	const char *err;   /* WARD_TK_ERR: what is wrong */
};

struct ward_rlex {
	const char *s;
	size_t len, pos;
};

void ward_rlex_init(struct ward_rlex *l, const char *s, size_t len);
void ward_rlex_next(struct ward_rlex *l, struct ward_rtok *t);
/* Value of a WARD_TK_STR token without quotes, escapes resolved; caller frees. */
char *ward_rlex_unquote(const char *s, size_t len);

/* ---- syntax tree --------------------------------------------------------------------- */

enum ward_rop {
	WARD_OP_EQ, WARD_OP_NE, WARD_OP_LT, WARD_OP_LE, WARD_OP_GT, WARD_OP_GE,
	WARD_OP_IN, WARD_OP_INTERSECTS, WARD_OP_PMATCH,
	WARD_OP_CONTAINS, WARD_OP_ICONTAINS, WARD_OP_STARTSWITH, WARD_OP_ENDSWITH,
	WARD_OP_GLOB, WARD_OP_REGEX, WARD_OP_EXISTS,
	WARD_OP_CNT
};
const char *ward_rop_name(int op);
bool ward_rop_is_list(int op);

enum ward_rast_kind { WARD_RA_AND, WARD_RA_OR, WARD_RA_NOT, WARD_RA_CMP, WARD_RA_MACRO };

struct ward_rvalue {
	char *s;
	size_t len;
	bool bare;              /* unquoted: may name a list */
	const struct ward_rtext *src; /* where it was written (NULL: pos says) */
	size_t off;
	struct ward_rpos pos;
};

struct ward_rast {
	enum ward_rast_kind kind;
	const struct ward_rtext *src; /* positions are computed only when reporting */
	size_t off;
	struct ward_rpos pos;         /* used when src is NULL (exceptions) */
	struct ward_rast **kids;   /* AND/OR: n children; NOT: one */
	size_t kids_cnt;
	char *name;                /* CMP: field name with its argument; MACRO: macro name */
	int op;                    /* CMP */
	struct ward_rvalue *vals;  /* CMP: one value, or the list items of in/intersects/pmatch */
	size_t vals_cnt;
};

/* Position of a node or value for a diagnostic. */
struct ward_rpos ward_rast_pos(const struct ward_rast *a);
struct ward_rpos ward_rvalue_pos(const struct ward_rvalue *v);
/* Parses condition text (t must outlive the tree). Returns 0 and *out, or -WARD_E_SYNTAX/-WARD_E_LIMIT with diag. */
int ward_rparse(const struct ward_rtext *t, struct ward_rast **out, struct ward_diag *diag);
void ward_rast_free(struct ward_rast *a);

/* ---- definitions as loaded ----------------------------------------------------------- */

struct ward_rexc_elem {        /* one element of an exception tuple */
	struct ward_rvalue *vals;
	size_t cnt;
	bool is_list;          /* written as a YAML sequence: (a, b) */
};

struct ward_rexc {
	char *name;
	struct ward_rpos pos;
	char **fields;
	size_t fields_cnt;
	bool fields_is_list;
	char **comps;          /* one per field; defaults filled in by the loader */
	size_t comps_cnt;
	struct ward_rexc_elem **tuples; /* each fields_cnt long */
	size_t tuples_cnt;
};

struct ward_rmacro {
	char *name;
	struct ward_rpos pos;
	struct ward_rtext cond;
	struct ward_rast *ast;  /* parsed after all files are merged */
	bool bad;               /* failed to parse: uses are errors */
	bool compile_failed;    /* failed to compile once: later uses are errors too */
	struct ward_rnode *compiled; /* compiled once, shared by every use (owned here) */
	bool used;
	int visiting;           /* cycle detection while compiling */
	uint64_t expanded;      /* nodes of the tree with every macro use inlined */
};

struct ward_rlist {
	char *name;
	struct ward_rpos pos;
	struct ward_rvalue *items;
	size_t cnt;
	int visiting;
};

struct ward_rnode;
struct ward_rout;

struct ward_rrule {
	struct ward_rule_info info;  /* public view; strings point at the fields below */
	char *name, *desc, *output, *source;
	struct ward_rtext cond;
	struct ward_rpos pos, out_pos;
	char **tags;
	size_t tags_cnt;
	struct ward_rexc *excs;
	size_t excs_cnt;
	char *cond_str;              /* joined condition, for listing */
	/* compiled */
	struct ward_rnode *root;
	struct ward_rout *out;
	_Atomic uint64_t hits;
};

/* A string -> index table for names of rules, macros and lists. */
struct ward_rnames {
	uint32_t *slots;   /* index + 1, 0 = empty */
	size_t cap;
	size_t cnt;
};
void ward_rnames_free(struct ward_rnames *n);
/* Index of name in arr (whose element i has name name_of(arr, i)), or -1. */
long ward_rnames_get(const struct ward_rnames *n, const char *name,
		     const char *(*name_of)(const void *ctx, size_t i), const void *ctx);
void ward_rnames_put(struct ward_rnames *n, const char *name, size_t idx,
		     const char *(*name_of)(const void *ctx, size_t i), const void *ctx);

struct ward_rusers;

/* One rule of a type bucket's plan. */
struct ward_rplan {
	const struct ward_rnode *root;  /* the rule's condition specialized for the bucket */
	uint32_t rule;                  /* index in rules[] */
	uint32_t code;                  /* where the rule starts in the bucket's program */
};

/* A bucket's plan compiled to one flat program (program.c): every rule's condition in turn,
 * as tests that jump to one instruction when true and another when false, ending each rule
 * with a MATCH. A macro or a shared comparison checks the per-event memo first, so a rule
 * whose first test another rule already found false is left after one instruction. */
enum ward_rinsn_kind {
	WARD_RI_TEST,       /* comparison p; no memo */
	WARD_RI_TEST_MEMO,  /* comparison p, memoized under arg */
	WARD_RI_MEMO,       /* macro arg: when memoized jump by its value, else go on */
	WARD_RI_SET_TRUE,   /* memoize macro arg as true, jump to on_true */
	WARD_RI_SET_FALSE,  /* memoize macro arg as false, jump to on_false */
	WARD_RI_NODE,       /* subtree p evaluated by ward_rnode_eval (beyond the size limit) */
	WARD_RI_GROUP,      /* test arg % 64 of string group arg / 64 (struct ward_rgroup p) */
	WARD_RI_JUMP,       /* to on_true */
	WARD_RI_MATCH,      /* rule arg matched; go on at on_true */
	WARD_RI_END,
};

struct ward_rinsn {
	uint8_t kind;
	uint32_t arg;
	uint32_t on_true, on_false;
	const void *p;
};

/* One string of a group's matcher: the tests (bits) it satisfies. In the prefix (suffix)
 * table, up is the longest other entry that is a prefix (suffix) of this one, or
 * UINT32_MAX, and mask includes the masks of every entry up the chain. */
struct ward_rgstr {
	const char *s;
	uint32_t len;
	uint32_t up;
	uint64_t mask;
};

/* Hash index over a table of strings (strhash.c): slot[i] is a table index + 1, 0 when
 * empty; at most half the slots are used. */
struct ward_rshash {
	const uint32_t *slot;   /* NULL: no index */
	uint32_t mask;          /* slots - 1 */
};

/* Exact tables of at least this many strings get a hash index (fewer: binary search is as
 * cheap as hashing the value). */
#define WARD_RSHASH_MIN 8

uint32_t ward_rstr_hash(const char *s, size_t len);
/* Indexes the cnt strings of t (no duplicates) into slots in rs's arena. Returns 0, or
 * -WARD_E_LIMIT when the index would not fit an arena chunk (out is then empty). */
int ward_rshash_build(struct ward_ruleset *rs, const struct ward_rgstr *t, uint32_t cnt,
		      struct ward_rshash *out);
/* Index in t of the entry equal to s, or UINT32_MAX. */
uint32_t ward_rshash_find(const struct ward_rshash *h, const struct ward_rgstr *t,
			  const char *s, size_t len);

/* Needles searched in one pass over a value. Needles of two bytes or more are ordered by
 * the bucket of their first two bytes (ward_rgroup_pair), at[b] .. at[b + 1] being bucket
 * b's, so at each position of the value only the needles starting with its two bytes are
 * compared; shorter needles (an empty one always matches) are in short_. */
struct ward_rsubs {
	const struct ward_rgstr *s, *short_;
	const uint16_t *at;        /* 257 offsets into s */
	uint32_t cnt, short_cnt;
	/* The distinct first bytes of the needles in s when there are at most
	 * WARD_RSUBS_FIRSTS (the value is then searched with memchr for each, as a lone
	 * contains would be), else firsts_cnt is 0 and every position is tried against
	 * first_set. */
	uint8_t firsts[4];
	uint8_t firsts_cnt;
	uint64_t first_set[4];
};
#define WARD_RSUBS_FIRSTS 4

/* Every string test of a bucket's program on one single-valued field (=, in, startswith,
 * endswith, contains, icontains, and merged ORs of those), answered together: the field is
 * extracted once per event and each table searched once, giving a bitmap of the tests that
 * hold (program.c builds it, eval.c matches). Exact strings and prefixes (suffixes) are
 * sorted (suffixes by their reversed bytes) for binary search. Substrings are searched only
 * when a test that the tables did not answer needs them: searching every needle on every
 * event costs more than the few tests a rejected event reaches. */
struct ward_rgroup {
	const struct ward_rfref *fr;
	const struct ward_rgstr *exact, *prefix, *suffix;
	uint32_t exact_cnt, prefix_cnt, suffix_cnt;
	struct ward_rshash exact_hash; /* over exact, when it has WARD_RSHASH_MIN or more */
	/* first bytes of the prefixes, last bytes of the suffixes (every byte when one of them
	 * is empty): a value whose byte is not in the set skips that table's search */
	uint64_t prefix_first[4], suffix_last[4];
	/* Substrings (contains, and the substrings of merged ORs; icontains in isub, needles
	 * lowercased): searched together, at the first test of the event that needs them (most
	 * events are decided before). */
	struct ward_rsubs sub, isub;
	uint64_t sub_tests;            /* tests that have substrings (either kind) */
	const struct ward_rcmp *tests[64]; /* the comparison behind each bit */
	uint32_t tests_cnt;
};

/* Groups per bucket (a field beyond this keeps its tests separate). */
#define WARD_RGROUP_MAX 64
/* Substrings per group (a test that would exceed this keeps its own comparison). */
#define WARD_RGROUP_SUB_MAX 4096

/* Bucket of a needle or a value position by its first two bytes. */
static inline unsigned ward_rgroup_pair(const char *s)
{
	return ((unsigned)(unsigned char)s[0] * 31u + (unsigned char)s[1]) & 0xffu;
}

/* Bitmap of the tests of g that s satisfies by its exact, prefix and suffix tables. */
uint64_t ward_rgroup_match_affix(const struct ward_rgroup *g, const char *s, size_t len);
/* Bitmap of the tests of g that s satisfies by a substring (icontains: of s lowercased). */
uint64_t ward_rgroup_match_sub(const struct ward_rgroup *g, const char *s, size_t len);
/* Bitmap of the tests of g that s satisfies (both of the above). */
uint64_t ward_rgroup_match(const struct ward_rgroup *g, const char *s, size_t len);

/* Instructions per bucket's program: past this, whole subtrees become WARD_RI_NODE (macro
 * uses are expanded in place, so a program may be larger than the trees it comes from). */
#define WARD_RPROG_MAX (1u << 16)

/* Type buckets: syscall numbers, plus one for procexit. */
#define WARD_RTYPE_PROCEXIT WARD_SC_MAX
#define WARD_RTYPE_CNT (WARD_SC_MAX + 1)
#define WARD_RTYPE_WORDS ((WARD_RTYPE_CNT + 63) / 64)

struct ward_ruleset {
	struct ward_rrule *rules;
	size_t rules_cnt, rules_cap;
	struct ward_rmacro *macros;
	size_t macros_cnt, macros_cap;
	struct ward_rlist *lists;
	size_t lists_cnt, lists_cap;
	struct ward_rnames rule_names, macro_names, list_names;
	char **files;           /* interned file names */
	size_t files_cnt;
	struct ward_rules_report *rep;  /* during load only */
	struct ward_rules_opts opts;
	/* index: rules (in load order) per type, and the union of needed types */
	uint32_t *bucket_rules[WARD_RTYPE_CNT];
	uint32_t bucket_cnt[WARD_RTYPE_CNT];
	/* what evaluation runs per type: each rule of the bucket that can match an event of
	 * that type, with its condition specialized for the type (specialize.c) */
	struct ward_rplan *plan[WARD_RTYPE_CNT];
	uint32_t plan_cnt[WARD_RTYPE_CNT];
	struct ward_rinsn *prog[WARD_RTYPE_CNT]; /* the plan as one program (program.c) */
	uint32_t prog_cnt[WARD_RTYPE_CNT];
	bool types_needed[WARD_RTYPE_CNT];
	bool all_types;         /* some rule needs every event */
	struct ward_rusers *users;
	uint32_t memo_cnt;      /* memo ids in use: macros, then shared comparisons */
	char hostname[256];
	/* compiled nodes of rules and macros, allocated densely in evaluation order so a
	 * rule's tree shares cache lines */
	char **arena_chunks;
	size_t arena_cnt, arena_used;
	/* compile budgets spent so far (compile.c, loader.c; limits.h) */
	uint64_t spent_nodes;   /* condition nodes, macros inlined, over the compiled rules */
	uint64_t spent_values;  /* list values after expansion */
	uint64_t spent_items;   /* list items and exception values loaded */
	uint64_t max_alias_nodes; /* YAML nodes aliases added, in the file that added most */
	uint64_t max_rule_nodes;  /* the largest compiled condition */
	uint64_t deadline_ns;   /* ward_mono_ns() past which compiling stops (backstop) */
	bool past_deadline;
	bool cancelled;         /* opts.cancel was seen set */
};

#define WARD_RULES_ARENA_CHUNK (64u << 10)
/* Zeroed memory from the ruleset's node arena (freed with the ruleset). */
void *ward_rules_arena_alloc(struct ward_ruleset *rs, size_t size);

/* Report helpers (kept bounded). */
void ward_rules_msg(struct ward_ruleset *rs, bool is_error, struct ward_rpos pos,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *ward_rules_intern_file(struct ward_ruleset *rs, const char *name);
long ward_rules_find_macro(const struct ward_ruleset *rs, const char *name);
long ward_rules_find_list(const struct ward_ruleset *rs, const char *name);
long ward_rules_find_rule(const struct ward_ruleset *rs, const char *name);

/* Adds the name of rules/macros/lists[idx] (what = 0/1/2) to its lookup table. */
void ward_rules_index_name(struct ward_ruleset *rs, int what, size_t idx);
/* Frees everything a rule owns (loader.c). */
void ward_rrule_clear(struct ward_rrule *r);

/* YAML rule file -> definitions merged into rs (loader.c). */
int ward_rules_load_yaml(struct ward_ruleset *rs, const char *name, const char *data, size_t len);

/* ---- fields -------------------------------------------------------------------------- */

enum ward_rft { WARD_RFT_STR, WARD_RFT_NUM, WARD_RFT_BOOL, WARD_RFT_NET };
enum ward_rfarg {
	WARD_RFA_NONE,     /* no argument */
	WARD_RFA_IDX,      /* optional [N] */
	WARD_RFA_KEY,      /* required [key] or .key */
	WARD_RFA_EVTARG,   /* .name or [N] (evt.arg, evt.rawarg) */
};

struct ward_rfield {
	const char *name;
	uint16_t id;
	uint8_t type;      /* enum ward_rft */
	uint8_t arg;       /* enum ward_rfarg */
	bool multi;        /* without an index: every ancestor / both ends */
};

/* A resolved field reference. */
struct ward_rfref {
	const struct ward_rfield *f;
	int idx;           /* [N], -1 when absent */
	char *key;         /* [key] / .key, owned */
	size_t key_len;
};

/* Resolves "proc.aname[2]", "evt.arg.flags", "k8s.pod.label[app]". Returns 0, or
 * -WARD_E_NOTFOUND / -WARD_E_SYNTAX with a message in err. */
int ward_rfield_resolve(const char *text, struct ward_rfref *out, char *err, size_t err_len);
void ward_rfref_free(struct ward_rfref *r);
/* "name[arg]" as written canonically, into out; returns out. */
const char *ward_rfref_name(const struct ward_rfref *r, char *out, size_t out_len);

#define WARD_RX_TMP 8192
#define WARD_RX_CMDLINE (WARD_ARGV_MAX + 64)

/* Per-evaluation state: the event and lazily computed values. Lives on the stack. */
struct ward_rx {
	const struct ward_event *ev;
	struct ward_proc_table *pt;
	const struct ward_ruleset *rs;
	int type_id;              /* bucket of the event, -1 if none */
	int anc_cnt;              /* ancestors resolved so far into anc[1..] */
	bool anc_end;             /* the chain ended (or is unknown) after anc_cnt */
	struct ward_proc *anc[WARD_RULES_ANAME_DEPTH + 1]; /* anc[0] = the process */
	int cmdline_len;          /* -1 until computed */
	int pcmdline_len;
	int fdname_state;         /* fd.name: -1 until computed, 0 absent, 1 in fdname */
	const char *fdname;
	size_t fdname_len;
	char fdname_buf[2 * 46 + 16]; /* "addr:port->addr:port" of an IP socket */
	char cmdline[WARD_RX_CMDLINE];
	char pcmdline[WARD_RX_CMDLINE];
	uint64_t grp_done;        /* string groups of the bucket matched so far */
	uint64_t grp_sub_done;    /* ... and those whose substrings were searched too */
	uint64_t grp_bits[WARD_RGROUP_MAX];
	size_t memo_words;        /* words of memo_done in use */
	uint64_t memo_done[WARD_RULES_MEMO_MAX / 64];
	uint64_t memo_val[WARD_RULES_MEMO_MAX / 64];
	char tmp[WARD_RX_TMP];
	char args[WARD_RX_TMP];   /* evt.args, composed from renderings that use tmp */
};

struct ward_rval {
	const char *s;   /* string form (also for numbers once rendered) */
	size_t len;
	int64_t n;
	bool is_num;
};

void ward_rx_init(struct ward_rx *x, const struct ward_ruleset *rs, const struct ward_event *ev,
		  struct ward_proc_table *pt);
/* Value i of a field (i > 0 only for multi-valued fields). Returns 1 and *v, or 0 when
 * absent or past the last value. */
int ward_rfield_extract(struct ward_rx *x, const struct ward_rfref *r, unsigned i,
			struct ward_rval *v);
/* String form of a value (numbers rendered into buf). */
const char *ward_rval_str(const struct ward_rval *v, char *buf, size_t buf_len, size_t *len);
/* Bucket of an event type name ("openat", "clone", "procexit"), or -1. */
int ward_rtype_id(const char *name);
/* Bucket of an event. */
int ward_rtype_of_event(const struct ward_event *ev);

/* evt.arg.*: per-syscall argument names and renderings (evtargs.c). */
bool ward_evtarg_name_known(const char *name);
/* Renders argument `name` (or index idx when name is NULL) of the event into out. raw: the
 * undecoded number (evt.rawarg). Returns 1 with *v set, 0 when the event has no such arg. */
int ward_evtarg_get(struct ward_rx *x, const char *name, int idx, bool raw, struct ward_rval *v);
/* All arguments "name=value name=value" (evt.args) into out. */
size_t ward_evtarg_all(struct ward_rx *x, char *out, size_t out_len);
/* Falco's capability list "CAP_CHOWN CAP_DAC_OVERRIDE ..." for a mask. */
size_t ward_caps_render(uint64_t mask, char *out, size_t out_len);

/* users.c: uid/gid names read once at load. */
int ward_rusers_load(const char *passwd, const char *group, struct ward_rusers **out);
void ward_rusers_free(struct ward_rusers *u);
const char *ward_rusers_name(const struct ward_rusers *u, uint32_t uid);
const char *ward_rusers_home(const struct ward_rusers *u, uint32_t uid);
const char *ward_rusers_shell(const struct ward_rusers *u, uint32_t uid);
const char *ward_rusers_group(const struct ward_rusers *u, uint32_t gid);

/* ---- compiled form ------------------------------------------------------------------- */

enum ward_rnode_kind { WARD_RN_AND, WARD_RN_OR, WARD_RN_NOT, WARD_RN_CMP, WARD_RN_TRUE,
		       WARD_RN_FALSE, WARD_RN_MEMO };


/* How the constant side of a comparison was prepared. */
enum ward_rcv {
	WARD_RCV_STR,     /* s/len (icontains: lowercased) */
	WARD_RCV_NUM,     /* n */
	WARD_RCV_STRSET,  /* sorted strs */
	WARD_RCV_NUMSET,  /* sorted nums */
	WARD_RCV_TYPES,   /* evt.type: bitmap over type buckets */
	WARD_RCV_NETS,    /* CIDRs */
	WARD_RCV_NONE,    /* exists */
	WARD_RCV_MULTI,   /* an OR of string tests on one field merged (specialize.c): multi */
};

struct ward_rstr {
	const char *s;
	size_t len;
};

/* Several string tests on one field, any of which matches: equality (sorted for binary
 * search), prefixes, suffixes and substrings. Built by the specialization pass from the
 * children of an OR; strings point into the comparisons it replaced. */
struct ward_rmulti {
	const struct ward_rstr *exact;
	size_t exact_cnt;
	const struct ward_rstr *prefix;
	size_t prefix_cnt;
	const struct ward_rstr *suffix;
	size_t suffix_cnt;
	const struct ward_rstr *infix;
	size_t infix_cnt;
};

struct ward_rnet {
	uint8_t addr[16];
	uint8_t family_len;  /* 4 or 16 */
	uint8_t prefix;
};

struct ward_rcmp {
	struct ward_rfref fr;
	uint8_t op;
	uint8_t cv;             /* enum ward_rcv */
	char *s;                /* owned */
	size_t len;
	int64_t n;
	struct ward_rstr *strs; /* owned, strings owned */
	int64_t *nums;
	size_t set_cnt;
	uint64_t *types;        /* bitmap of WARD_RTYPE_WORDS words */
	struct ward_rnet *nets;
	pcre2_code *re;
	const struct ward_rmulti *multi; /* WARD_RCV_MULTI, in the ruleset's arena */
};

struct ward_rnode {
	uint8_t kind;
	bool in_arena;          /* node, kids and types live in the ruleset's arena */
	uint32_t memo;          /* WARD_RN_MEMO: macro index, or UINT32_MAX for no caching;
				 * kids[0] is the macro's shared tree, not owned.
				 * WARD_RN_CMP: memo id shared by equal comparisons, or
				 * UINT32_MAX */
	uint32_t kids_cnt;
	struct ward_rnode **kids;
	struct ward_rcmp cmp;
};

/* Compiles a rule's condition (macros, lists and exceptions expanded). Errors are reported
 * through rs; returns 0 and sets r->root, or a negative error. */
int ward_rcompile_rule(struct ward_ruleset *rs, struct ward_rrule *r);
/* Compiles bare condition text with rs's macros and lists (tests, fuzzing). */
int ward_rcompile_text(struct ward_ruleset *rs, const char *text, struct ward_rnode **out,
		       struct ward_diag *diag);
void ward_rnode_free(struct ward_rnode *n);
/* Types a condition can match: sets types[] and returns true when it is restricted. */
bool ward_rnode_types(const struct ward_rnode *n, bool types[WARD_RTYPE_CNT]);

/* After every rule is compiled: gives comparisons that occur more than once the same memo
 * id, so each is computed at most once per event (evaluation has no side effects, so the
 * result cannot change). */
void ward_rcompile_optimize(struct ward_ruleset *rs);

bool ward_rnode_eval(const struct ward_rnode *n, struct ward_rx *x);
/* Whether the constant side of comparison m accepts value v (exists: always). */
bool ward_rcmp_match(const struct ward_rcmp *m, const struct ward_rval *v);
/* Whether s matches any test of mu. */
bool ward_rmulti_match(const struct ward_rmulti *mu, const char *s, size_t len);

/* specialize.c: after ward_rcompile_optimize, builds plan[] for every type bucket. Each
 * rule's condition is rewritten for the bucket's event type: evt.type tests and other
 * tests whose answer is fixed (evt.dir) become constants, AND/OR/NOT are simplified and
 * flattened, and an OR's string tests on one field are merged into one WARD_RCV_MULTI
 * comparison. Rules that cannot match an event of the type are left out of its plan.
 * Nodes are shared where nothing changed and the rest are allocated in the arena; the
 * compiled trees in rules[] and macros[] are not modified. */
void ward_rspecialize(struct ward_ruleset *rs);

/* program.c: after ward_rspecialize, compiles each bucket's plan into prog[] (at most
 * max_insns instructions per bucket before subtrees are left to the tree evaluator; tests
 * pass small limits, the loader WARD_RPROG_MAX). Replaces programs built before. */
void ward_rprogram_build(struct ward_ruleset *rs, size_t max_insns);

/* output.c */
int ward_rout_compile(struct ward_ruleset *rs, const char *tmpl, struct ward_rpos pos,
		      struct ward_rout **out);
void ward_rout_free(struct ward_rout *o);
/* Renders text and output_fields; pointers valid until the next call on this thread. */
int ward_rout_render(const struct ward_rout *o, struct ward_rx *x, const char **text,
		     const struct ward_alert_field **fields, size_t *fields_cnt);

#endif
