// SPDX-License-Identifier: Apache-2.0
/*
 * A ruleset from start to finish: collect the files (directories contribute sorted *.yaml
 * and *.yml), read each one with a size bound, merge their items (loader.c), parse every
 * macro, compile every syscall rule and its output, then index enabled rules by event type
 * and compute the syscalls they need. Also the name tables, the load report, the listing
 * API and freeing. Not the language (parser.c, compile.c) nor evaluation (eval.c).
 */
#include "rules/rules_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"
#include "events/event.h"
#include "sensor/sensor.h"

const char *ward_rule_action_name(unsigned bit)
{
	switch (bit) {
	case WARD_ACT_KILL: return "kill";
	case WARD_ACT_BLOCK: return "block";
	case WARD_ACT_QUARANTINE: return "quarantine";
	case WARD_ACT_FREEZE: return "freeze";
	case WARD_ACT_COLLECT: return "collect";
	default: return NULL;
	}
}

/* ---- names -------------------------------------------------------------------------- */

void ward_rnames_free(struct ward_rnames *n)
{
	free(n->slots);
	memset(n, 0, sizeof(*n));
}

long ward_rnames_get(const struct ward_rnames *n, const char *name,
		     const char *(*name_of)(const void *ctx, size_t i), const void *ctx)
{
	size_t mask, i;

	if (!n->cap)
		return -1;
	mask = n->cap - 1;
	for (i = ward_hash64(name, strlen(name)) & mask; n->slots[i]; i = (i + 1) & mask)
		if (strcmp(name_of(ctx, n->slots[i] - 1), name) == 0)
			return (long)n->slots[i] - 1;
	return -1;
}

void ward_rnames_put(struct ward_rnames *n, const char *name, size_t idx,
		     const char *(*name_of)(const void *ctx, size_t i), const void *ctx)
{
	size_t mask, i;

	if ((n->cnt + 1) * 2 > n->cap) {
		struct ward_rnames old = *n;

		n->cap = n->cap ? n->cap * 2 : 64;
		n->slots = ward_xcalloc(n->cap, sizeof(*n->slots));
		n->cnt = 0;
		for (size_t k = 0; k < old.cap; k++)
			if (old.slots[k])
				ward_rnames_put(n, name_of(ctx, old.slots[k] - 1), old.slots[k] - 1, name_of, ctx);
		free(old.slots);
	}
	mask = n->cap - 1;
	for (i = ward_hash64(name, strlen(name)) & mask; n->slots[i]; i = (i + 1) & mask)
		;
	n->slots[i] = (uint32_t)idx + 1;
	n->cnt++;
}

static const char *rule_name(const void *ctx, size_t i)
{
	return ((const struct ward_ruleset *)ctx)->rules[i].name;
}

static const char *macro_name(const void *ctx, size_t i)
{
	return ((const struct ward_ruleset *)ctx)->macros[i].name;
}

static const char *list_name(const void *ctx, size_t i)
{
	return ((const struct ward_ruleset *)ctx)->lists[i].name;
}

void ward_rules_index_name(struct ward_ruleset *rs, int what, size_t idx)
{
	if (what == 0)
		ward_rnames_put(&rs->rule_names, rs->rules[idx].name, idx, rule_name, rs);
	else if (what == 1)
		ward_rnames_put(&rs->macro_names, rs->macros[idx].name, idx, macro_name, rs);
	else
		ward_rnames_put(&rs->list_names, rs->lists[idx].name, idx, list_name, rs);
}

long ward_rules_find_rule(const struct ward_ruleset *rs, const char *name)
{
	return ward_rnames_get(&rs->rule_names, name, rule_name, rs);
}

long ward_rules_find_macro(const struct ward_ruleset *rs, const char *name)
{
	return ward_rnames_get(&rs->macro_names, name, macro_name, rs);
}

long ward_rules_find_list(const struct ward_ruleset *rs, const char *name)
{
	return ward_rnames_get(&rs->list_names, name, list_name, rs);
}

const char *ward_rules_intern_file(struct ward_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->files_cnt; i++)
		if (strcmp(rs->files[i], name) == 0)
			return rs->files[i];
	rs->files = ward_xreallocarray(rs->files, rs->files_cnt + 1, sizeof(char *));
	rs->files[rs->files_cnt] = ward_xstrdup(name);
	return rs->files[rs->files_cnt++];
}

void *ward_rules_arena_alloc(struct ward_ruleset *rs, size_t size)
{
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (size > WARD_RULES_ARENA_CHUNK)
		return NULL;
	if (!rs->arena_cnt || rs->arena_used + size > WARD_RULES_ARENA_CHUNK) {
		rs->arena_chunks = ward_xreallocarray(rs->arena_chunks, rs->arena_cnt + 1, sizeof(char *));
		rs->arena_chunks[rs->arena_cnt++] = ward_xcalloc(1, WARD_RULES_ARENA_CHUNK);
		rs->arena_used = 0;
	}
	p = rs->arena_chunks[rs->arena_cnt - 1] + rs->arena_used;
	rs->arena_used += size;
	return p;
}

/* ---- report ------------------------------------------------------------------------- */

void ward_rules_msg(struct ward_ruleset *rs, bool is_error, struct ward_rpos pos,
		    const char *fmt, ...)
{
	struct ward_rules_report *rep = rs->rep;
	struct ward_rules_msg *m;
	va_list ap;

	if (!rep)
		return;
	if (is_error)
		rep->errors++;
	else
		rep->warnings++;
	if (rep->msgs_cnt >= WARD_RULES_MAX_MSGS)
		return;
	rep->msgs = ward_xreallocarray(rep->msgs, rep->msgs_cnt + 1, sizeof(*rep->msgs));
	m = &rep->msgs[rep->msgs_cnt++];
	memset(m, 0, sizeof(*m));
	m->is_error = is_error;
	snprintf(m->d.file, sizeof(m->d.file), "%s", pos.file ? pos.file : "");
	m->d.line = pos.line;
	m->d.column = pos.col;
	va_start(ap, fmt);
	vsnprintf(m->d.msg, sizeof(m->d.msg), fmt, ap);
	va_end(ap);
}

void ward_rules_report_free(struct ward_rules_report *rep)
{
	if (!rep)
		return;
	free(rep->msgs);
	memset(rep, 0, sizeof(*rep));
}

/* ---- files -------------------------------------------------------------------------- */

static int read_file(struct ward_ruleset *rs, const char *path, char **data, size_t *len)
{
	struct ward_rpos at = { ward_rules_intern_file(rs, path), 0, 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fd < 0) {
		ward_rules_msg(rs, true, at, "cannot open: %s", strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ward_rules_msg(rs, true, at, "not a regular file");
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > WARD_RULES_MAX_FILE_BYTES) {
		ward_rules_msg(rs, true, at, "file larger than %u bytes", WARD_RULES_MAX_FILE_BYTES);
		close(fd);
		return -WARD_E_LIMIT;
	}
	buf = ward_xmalloc((size_t)st.st_size + 1);
	err = ward_read_full(fd, buf, (size_t)st.st_size, &got);
	close(fd);
	if (err) {
		ward_rules_msg(rs, true, at, "read failed: %s", strerror(-err));
		free(buf);
		return -EIO;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool yaml_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && ((l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")));
}

/* Expands directories into their sorted rule files. */
static void collect(struct ward_ruleset *rs, const char *path, char ***files, size_t *cnt)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (stat(path, &st) < 0) {
		ward_rules_msg(rs, true, (struct ward_rpos){ ward_rules_intern_file(rs, path), 0, 0 },
			       "cannot read: %s", strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		*files = ward_xreallocarray(*files, *cnt + 1, sizeof(char *));
		(*files)[(*cnt)++] = ward_xstrdup(path);
		return;
	}
	d = opendir(path);
	if (!d) {
		ward_rules_msg(rs, true, (struct ward_rpos){ ward_rules_intern_file(rs, path), 0, 0 },
			       "cannot open directory: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!yaml_name(de->d_name))
			continue;
		if (n >= WARD_RULES_MAX_FILES)
			break;
		names = ward_xreallocarray(names, n + 1, sizeof(char *));
		names[n++] = ward_xstrdup(de->d_name);
	}
	closedir(d);
	if (n) /* qsort(NULL, 0) is undefined */
		qsort(names, n, sizeof(char *), cmp_cstr);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(path) + strlen(names[i]) + 2;
		char *full = ward_xmalloc(l);

		snprintf(full, l, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
		*files = ward_xreallocarray(*files, *cnt + 1, sizeof(char *));
		(*files)[(*cnt)++] = full;
		free(names[i]);
	}
	free(names);
}

/* ---- build -------------------------------------------------------------------------- */

static struct ward_ruleset *ruleset_new(const struct ward_rules_opts *opts,
					struct ward_rules_report *rep)
{
	struct ward_ruleset *rs = ward_xcalloc(1, sizeof(*rs));

	if (opts)
		rs->opts = *opts;
	else
		rs->opts.min_priority = WARD_PRIO_DEBUG;
	rs->rep = rep;
	if (gethostname(rs->hostname, sizeof(rs->hostname) - 1) < 0)
		rs->hostname[0] = '\0';
	ward_rusers_load(rs->opts.passwd_path, rs->opts.group_path, &rs->users);
	return rs;
}

static void add_to_bucket(struct ward_ruleset *rs, size_t t, uint32_t rule)
{
	rs->bucket_rules[t] = ward_xreallocarray(rs->bucket_rules[t], rs->bucket_cnt[t] + 1, sizeof(uint32_t));
	rs->bucket_rules[t][rs->bucket_cnt[t]++] = rule;
}

static void finish(struct ward_ruleset *rs)
{
	struct ward_rules_report *rep = rs->rep;
	bool types[WARD_RTYPE_CNT];
	uint64_t t0 = ward_mono_ns();

	rs->deadline_ns = t0 + (uint64_t)WARD_RULES_MAX_COMPILE_SECS * 1000000000ull;
	for (size_t i = 0; i < rs->macros_cnt; i++) {
		struct ward_rmacro *m = &rs->macros[i];
		struct ward_diag d = { 0 };

		if (ward_rparse(&m->cond, &m->ast, &d) < 0) {
			m->bad = true;
			ward_rules_msg(rs, true, (struct ward_rpos){ d.file[0] ? ward_rules_intern_file(rs, d.file) : m->pos.file, d.line, d.column },
				       "macro '%s': %s", m->name, d.msg);
		}
	}
	for (size_t i = 0; i < rs->rules_cnt; i++) {
		struct ward_rrule *r = &rs->rules[i];
		struct ward_rule_info *in = &r->info;
		size_t n = 0;

		in->name = r->name;
		in->desc = r->desc;
		in->source = r->source;
		in->file = r->pos.file;
		in->line = r->pos.line;
		in->tags = (const char *const *)r->tags;
		in->tags_cnt = r->tags_cnt;
		r->cond_str = ward_xstrdup(r->cond.s);
		in->condition = r->cond_str;
		if (strcmp(r->source, "syscall") != 0)
			continue; /* other sources (k8s_audit, plugins) are kept, never evaluated here */
		/* checked per rule too: the compiler reads them only every 1024 steps of one
		 * rule, which a set of many small rules may never reach */
		if (rs->opts.cancel && atomic_load_explicit(rs->opts.cancel, memory_order_relaxed))
			rs->past_deadline = rs->cancelled = true;
		else if (ward_mono_ns() > rs->deadline_ns)
			rs->past_deadline = true;
		if (ward_rcompile_rule(rs, r) < 0)
			continue;
		if (ward_rout_compile(rs, r->output, r->out_pos, &r->out) < 0) {
			ward_rnode_free(r->root);
			r->root = NULL;
			continue;
		}
		in->compiled = true;
		if (rep)
			rep->rules_compiled++;
		in->any_type = !ward_rnode_types(r->root, types);
		if (!in->any_type) {
			for (size_t t = 0; t < WARD_RTYPE_CNT; t++)
				n += types[t];
			/* "not evt.type = x" restricts nothing useful */
			in->any_type = n > WARD_RTYPE_CNT / 2;
		}
		if (in->any_type)
			ward_rules_msg(rs, false, r->pos,
				       "rule '%s' does not restrict evt.type: it runs on every event, which is expensive",
				       r->name);
		if (!in->enabled || in->priority > rs->opts.min_priority)
			continue;
		for (size_t t = 0; t < WARD_RTYPE_CNT; t++) {
			if (in->any_type || types[t]) {
				add_to_bucket(rs, t, (uint32_t)i);
				rs->types_needed[t] = rs->types_needed[t] || !in->any_type;
			}
		}
		rs->all_types |= in->any_type;
	}
	ward_rcompile_optimize(rs);
	ward_rspecialize(rs);
	ward_rprogram_build(rs, WARD_RPROG_MAX);
	if (rep) {
		rep->rules = rs->rules_cnt;
		rep->macros = rs->macros_cnt;
		rep->lists = rs->lists_cnt;
		rep->files = 0;
		rep->used = (struct ward_rules_budget_use){
			.yaml_alias_nodes = rs->max_alias_nodes,
			.loaded_items = rs->spent_items,
			.rule_nodes = rs->max_rule_nodes,
			.set_nodes = rs->spent_nodes,
			.set_values = rs->spent_values,
			.compile_ms = (ward_mono_ns() - t0) / 1000000u,
		};
	}
}

int ward_rules_load(const char *const *paths, size_t paths_cnt, const struct ward_rules_opts *opts,
		    struct ward_rules_report *rep, struct ward_ruleset **out)
{
	struct ward_rules_report local = { 0 };
	struct ward_ruleset *rs;
	char **files = NULL;
	size_t files_cnt = 0, read_cnt = 0;

	if (!out || (paths_cnt && !paths))
		return -EINVAL;
	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	rs = ruleset_new(opts, rep);
	for (size_t i = 0; i < paths_cnt; i++)
		collect(rs, paths[i], &files, &files_cnt);
	for (size_t i = 0; i < files_cnt; i++) {
		char *data;
		size_t len;

		if (read_file(rs, files[i], &data, &len) == 0) {
			read_cnt++;
			(void)ward_rules_load_yaml(rs, files[i], data, len);
			free(data);
		}
		free(files[i]);
	}
	free(files);
	finish(rs);
	rep->files = read_cnt;
	rs->rep = NULL;
	if (rep == &local)
		ward_rules_report_free(&local);
	*out = rs;
	return 0;
}

int ward_rules_load_mem(const char *name, const char *data, size_t len,
			const struct ward_rules_opts *opts, struct ward_rules_report *rep,
			struct ward_ruleset **out)
{
	struct ward_rules_report local = { 0 };
	struct ward_ruleset *rs;

	if (!out || !name || (!data && len))
		return -EINVAL;
	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	rs = ruleset_new(opts, rep);
	(void)ward_rules_load_yaml(rs, name, data ? data : "", len);
	finish(rs);
	rep->files = 1;
	rs->rep = NULL;
	if (rep == &local)
		ward_rules_report_free(&local);
	*out = rs;
	return 0;
}

void ward_rules_free(struct ward_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->rules_cnt; i++) {
		ward_rnode_free(rs->rules[i].root);
		ward_rout_free(rs->rules[i].out);
		ward_rrule_clear(&rs->rules[i]);
	}
	free(rs->rules);
	for (size_t i = 0; i < rs->macros_cnt; i++) {
		free(rs->macros[i].name);
		ward_rtext_free(&rs->macros[i].cond);
		ward_rast_free(rs->macros[i].ast);
		ward_rnode_free(rs->macros[i].compiled);
	}
	free(rs->macros);
	for (size_t i = 0; i < rs->lists_cnt; i++) {
		free(rs->lists[i].name);
		for (size_t k = 0; k < rs->lists[i].cnt; k++)
			free(rs->lists[i].items[k].s);
		free(rs->lists[i].items);
	}
	free(rs->lists);
	ward_rnames_free(&rs->rule_names);
	ward_rnames_free(&rs->macro_names);
	ward_rnames_free(&rs->list_names);
	for (size_t i = 0; i < rs->files_cnt; i++)
		free(rs->files[i]);
	free(rs->files);
	for (size_t t = 0; t < WARD_RTYPE_CNT; t++) {
		free(rs->bucket_rules[t]);
		free(rs->plan[t]);
		free(rs->prog[t]);
	}
	ward_rusers_free(rs->users);
	for (size_t i = 0; i < rs->arena_cnt; i++)
		free(rs->arena_chunks[i]);
	free(rs->arena_chunks);
	free(rs);
}

/* ---- queries ------------------------------------------------------------------------ */

size_t ward_rules_count(const struct ward_ruleset *rs)
{
	return rs ? rs->rules_cnt : 0;
}

const struct ward_rule_info *ward_rules_get(const struct ward_ruleset *rs, size_t i)
{
	return rs && i < rs->rules_cnt ? &rs->rules[i].info : NULL;
}

uint64_t ward_rules_hits(const struct ward_ruleset *rs, size_t i)
{
	if (!rs || i >= rs->rules_cnt)
		return 0;
	return atomic_load_explicit(&rs->rules[i].hits, memory_order_relaxed);
}

size_t ward_rules_macro_count(const struct ward_ruleset *rs)
{
	return rs ? rs->macros_cnt : 0;
}

size_t ward_rules_list_count(const struct ward_ruleset *rs)
{
	return rs ? rs->lists_cnt : 0;
}

void ward_rules_syscalls(const struct ward_ruleset *rs, bool enabled[WARD_SC_MAX])
{
	memset(enabled, 0, WARD_SC_MAX * sizeof(bool));
	if (!rs)
		return;
	if (rs->all_types) {
		/* a rule without an evt.type restriction needs everything ward can capture */
		for (size_t i = 0; i < ward_syscalls_cnt; i++)
			if (ward_syscalls[i].nr >= 0 && ward_syscalls[i].nr < WARD_SC_MAX)
				enabled[ward_syscalls[i].nr] = true;
		return;
	}
	for (int t = 0; t < WARD_SC_MAX; t++)
		enabled[t] = rs->types_needed[t];
	/* scheduler events are switched by the syscall that gates them */
	if (rs->types_needed[56] || rs->types_needed[57] || rs->types_needed[58] || rs->types_needed[435])
		enabled[WARD_SC_GATE_FORK] = true;
	if (rs->types_needed[WARD_RTYPE_PROCEXIT])
		enabled[WARD_SC_GATE_EXIT] = true;
	if (rs->types_needed[59] || rs->types_needed[322])
		enabled[WARD_SC_GATE_EXEC] = true;
}

const char *ward_rules_default_paths(void)
{
	static const char src[] = WARD_SOURCE_DIR "/rules";
	struct stat st;

	if (stat(src, &st) == 0 && S_ISDIR(st.st_mode))
		return src;
	return "/usr/local/share/ward/rules";
}
