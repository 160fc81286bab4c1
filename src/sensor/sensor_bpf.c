// SPDX-License-Identifier: Apache-2.0
/*
 * eBPF backend: loads the tracer skeleton, sizes one ring buffer per CPU, writes the syscall
 * capture table and attaches the exit program to each syscall's exit tracepoint. It is not
 * the decoder: records leave here exactly as the kernel wrote them.
 */
#include "sensor/sensor_bpf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "tracer.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* One poll's records from every CPU, delivered in timestamp order: a process that execs on
 * one CPU and opens a file on another must be seen exec-first, whichever ring is read first. */
#define BATCH_BYTES (2u << 20)
#define BATCH_RECS 16384

struct batch_rec {
	uint64_t ts;
	uint32_t off;
	uint32_t len;
};

struct ward_bpf_sensor {
	struct ward_tracer *skel;
	unsigned char *batch;
	size_t batch_len;
	struct batch_rec *recs;
	size_t recs_cnt;
	size_t flush_pos;   /* next record to hand out when a flush was stopped */
	struct ring_buffer *rb;
	int *ring_fds;
	int ncpu;
	struct bpf_link **links;
	size_t links_cnt;
	size_t attached;     /* syscalls whose tracepoint attached */
	size_t reported;     /* attached and asked for by this run (--type, rules) */
	size_t missing;      /* syscalls this kernel has no tracepoint for */
	ward_record_fn fn;
	void *fn_arg;
	int stop;
	uint64_t delivered;
	/* kill-policy hooks, attached while a kind has policies */
	struct bpf_link *kk_links[WARD_KK_K_CNT][3];
	int cg_fd;
	/* per program: loaded or refused, and what is off because of a refusal */
	struct ward_sensor_prog progs[WARD_SENSOR_PROGS_MAX];
	size_t progs_cnt;
	uint32_t refused;    /* bit i: progs[i] left out */
	char off[256];
	double load_ms;
	unsigned attempts;
};

/*
 * What each program provides, so that a program the kernel refuses turns off exactly that.
 * group: programs that only work together (the connect kill needs its sys_enter half and
 * both cgroup gates) are left out together.
 */
static const struct prog_role {
	const char *name;
	const char *serves;
	int group;
} prog_roles[] = {
	{ "sys_exit", "syscall events (file, network, privilege, kernel) and open kills", 1 },
	{ "sched_exec", "exec events and exec kills", 2 },
	{ "sched_fork", "fork events", 3 },
	{ "sched_exit", "exit events", 4 },
	{ "sys_enter_kk", "ptrace, setns, unshare and module kills", 5 },
	{ "sys_enter_kk_clone", "clone kills", 6 },
	{ "sys_enter_kk_conn", "connect kills", 7 },
	{ "kk_connect4", "connect kills", 7 },
	{ "kk_connect6", "connect kills", 7 },
};

static const struct prog_role *role_of(const char *name)
{
	for (size_t i = 0; i < sizeof(prog_roles) / sizeof(prog_roles[0]); i++)
		if (strcmp(prog_roles[i].name, name) == 0)
			return &prog_roles[i];
	return NULL;
}

/* 1 when the program by that name is loaded. */
static bool prog_loaded(const struct ward_bpf_sensor *b, const char *name)
{
	for (size_t i = 0; i < b->progs_cnt; i++)
		if (strcmp(b->progs[i].name, name) == 0)
			return b->progs[i].loaded;
	return false;
}

/* The program libbpf reported refused during the current load, and the verifier's
 * verdict (the log's last line before "processed ..."). Loading is single-threaded. */
static char refused_name[32];
static char refused_why[192];
static bool watching_load;

static void note_verdict(const char *log)
{
	const char *end = strstr(log, "\nprocessed ");
	const char *start;

	if (!end)
		end = log + strlen(log);
	while (end > log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > log && start[-1] != '\n')
		start--;
	snprintf(refused_why, sizeof(refused_why), "%.*s", (int)(end - start), start);
}

__attribute__((format(printf, 2, 0)))
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (watching_load && level == LIBBPF_WARN) {
		static char line[16384];
		const char *p, *q;
		va_list aq;

		va_copy(aq, ap);
		vsnprintf(line, sizeof(line), fmt, aq);
		va_end(aq);
		/* "prog 'NAME': BPF program load failed: ..." then the verifier log */
		if (!refused_name[0] && (p = strstr(line, "prog '")) &&
		    strstr(line, "load failed") && (q = strchr(p + 6, '\'')))
			snprintf(refused_name, sizeof(refused_name), "%.*s", (int)(q - p - 6), p + 6);
		if ((p = strstr(line, "-- BEGIN PROG LOAD LOG --\n")))
			note_verdict(p + 26);
	}
	/* libbpf's messages (the verifier log among them) explain a load failure that we
	 * report once in one line; show them only when debugging */
	if (ward_log_get_level() < WARD_LOG_DEBUG)
		return 0;
	fputs("ward: debug: libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Test hook: programs named in WARD_TEST_BPF_REFUSE (comma-separated) are loaded as socket
 * filters, which the kernel refuses, so the per-program degradation runs for real. */
static bool test_refuse(const char *name)
{
	const char *list = getenv("WARD_TEST_BPF_REFUSE");
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == n && strncmp(p, name, n) == 0)
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

/* libbpf resolves tracepoint ids through tracefs; mount it where the kernel expects it. */
static int ensure_tracefs(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0 ||
	    stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return 0;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0)
		return -errno;
	return 0;
}

static int by_ts(const void *a, const void *b)
{
	const struct batch_rec *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* Hands the batch out in timestamp order. A consumer that asks to stop keeps the rest: the
 * next call (the session's final drain) resumes where this one stopped, so nothing already
 * taken from the rings is lost. Returns false when stopped with records left. */
static bool flush_batch(struct ward_bpf_sensor *b)
{
	if (b->flush_pos == 0)
		qsort(b->recs, b->recs_cnt, sizeof(*b->recs), by_ts);
	while (b->flush_pos < b->recs_cnt) {
		const struct batch_rec *r = &b->recs[b->flush_pos++];

		b->delivered++;
		if (b->fn(b->batch + r->off, r->len, b->fn_arg)) {
			b->stop = 1;
			if (b->flush_pos < b->recs_cnt)
				return false;
		}
	}
	b->recs_cnt = 0;
	b->batch_len = 0;
	b->flush_pos = 0;
	return true;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct ward_bpf_sensor *b = ctx;
	const struct ward_ev_raw *r = data;

	if ((b->recs_cnt == BATCH_RECS || b->batch_len + size > BATCH_BYTES) && !flush_batch(b))
		return 1; /* stopped with a full batch: leave this record in the ring */
	if (size < sizeof(*r) || size > WARD_EV_MAX)
		return 0; /* the decoder would reject it; the kernel never writes one */
	memcpy(b->batch + b->batch_len, data, size);
	b->recs[b->recs_cnt].ts = r->ts;
	b->recs[b->recs_cnt].off = (uint32_t)b->batch_len;
	b->recs[b->recs_cnt].len = (uint32_t)size;
	b->recs_cnt++;
	/* keep 8-byte alignment for the next record's header */
	b->batch_len += (size + 7) & ~(size_t)7;
	return b->stop ? 1 : 0;
}

int ward_bpf_sensor_set_syscalls(struct ward_bpf_sensor *b, const bool *enabled)
{
	int fd = bpf_map__fd(b->skel->maps.sc_conf);

	for (size_t i = 0; i < ward_syscalls_cnt; i++) {
		struct ward_sc_conf conf = ward_syscalls[i].conf;
		__u32 nr = (__u32)ward_syscalls[i].nr;

		conf.enabled = enabled ? enabled[nr] : 1;
		if (bpf_map_update_elem(fd, &nr, &conf, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

static bool kk_in_set(const struct ward_sensor_kill_entry *e, size_t cnt, const char *comm)
{
	for (size_t i = 0; i < cnt; i++)
		if (memcmp(e[i].comm, comm, WARD_KK_COMM) == 0)
			return true;
	return false;
}

int ward_bpf_sensor_set_kill_policies(struct ward_bpf_sensor *b,
				      const struct ward_sensor_kill_entry *entries, size_t cnt,
				      uint32_t ward_tgid)
{
	int fd = bpf_map__fd(b->skel->maps.kk_exec);
	char key[WARD_KK_COMM], next[WARD_KK_COMM];
	char (*stale)[WARD_KK_COMM];
	size_t stale_cnt = 0;
	int err = 0;

	if (cnt > WARD_KK_MAP_MAX)
		return -E2BIG;
	if (cnt && !prog_loaded(b, "sched_exec"))
		return -ENOTSUP; /* refused by this kernel: nothing decides exec kills */
	/* ward's tgid first: from here on no policy can hit ward */
	b->skel->bss->kk_ward_tgid = ward_tgid;
	for (size_t i = 0; i < cnt; i++)
		if (bpf_map_update_elem(fd, entries[i].comm, &entries[i].pol, BPF_ANY) < 0)
			return -errno;
	if (cnt)
		__atomic_or_fetch(&b->skel->bss->kk_kinds, 1u << WARD_KK_KIND_EXEC, __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&b->skel->bss->kk_kinds, ~(1u << WARD_KK_KIND_EXEC),
				   __ATOMIC_RELAXED);
	/* then drop comms that are no longer in the set (collected first: deleting while
	 * iterating a hash map can restart the walk) */
	stale = ward_xcalloc(WARD_KK_MAP_MAX, sizeof(*stale));
	for (int r = bpf_map_get_next_key(fd, NULL, next); r == 0 && stale_cnt < WARD_KK_MAP_MAX;
	     r = bpf_map_get_next_key(fd, key, next)) {
		memcpy(key, next, sizeof(key));
		if (!kk_in_set(entries, cnt, key))
			memcpy(stale[stale_cnt++], key, sizeof(key));
	}
	for (size_t i = 0; i < stale_cnt; i++)
		if (bpf_map_delete_elem(fd, stale[i]) < 0 && errno != ENOENT && !err)
			err = -errno;
	free(stale);
	return err;
}

uint64_t ward_bpf_sensor_kernel_kills(struct ward_bpf_sensor *b)
{
	return __atomic_load_n(&b->skel->bss->kk_kills, __ATOMIC_RELAXED);
}

uint64_t ward_bpf_sensor_kernel_kills_limited(struct ward_bpf_sensor *b)
{
	return __atomic_load_n(&b->skel->bss->kk_rate_limited, __ATOMIC_RELAXED);
}

void ward_bpf_sensor_set_kill_rate(struct ward_bpf_sensor *b, uint32_t per_min)
{
	__atomic_store_n(&b->skel->bss->kk_rate_limit, per_min, __ATOMIC_RELAXED);
}

/* The root of the cgroup v2 hierarchy: /sys/fs/cgroup/unified on hybrid hosts. */
static int open_cgroup2_root(void)
{
	static const char *const dirs[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };

	for (size_t i = 0; i < 2; i++) {
		struct statfs sf;
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			continue;
		if (fstatfs(fd, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

static void kk_detach(struct ward_bpf_sensor *b, int kind)
{
	for (int i = 0; i < 3; i++) {
		bpf_link__destroy(b->kk_links[kind][i]);
		b->kk_links[kind][i] = NULL;
	}
}

/* The sys_enter program that decides kill policies of kind. */
static struct bpf_program *kk_enter_prog(const struct ward_bpf_sensor *b, int kind)
{
	return kind == WARD_KK_K_CONNECT ? b->skel->progs.sys_enter_kk_conn :
	       kind == WARD_KK_K_CLONE ? b->skel->progs.sys_enter_kk_clone :
	       b->skel->progs.sys_enter_kk;
}

/* Attaches kind's hooks; 0, or -errno when this kernel lacks one (nothing left attached). */
static int kk_attach(struct ward_bpf_sensor *b, int kind)
{
	static const char *const tps[WARD_KK_K_CNT][2] = {
		[WARD_KK_K_CONNECT] = { "sys_enter_connect" },
		[WARD_KK_K_PTRACE] = { "sys_enter_ptrace" },
		[WARD_KK_K_SETNS] = { "sys_enter_setns" },
		[WARD_KK_K_UNSHARE] = { "sys_enter_unshare" },
		[WARD_KK_K_MODULE] = { "sys_enter_init_module", "sys_enter_finit_module" },
		[WARD_KK_K_CLONE] = { "sys_enter_clone", "sys_enter_clone3" },
	};
	int n = 0, err;

	if (kind == WARD_KK_K_OPEN)
		return prog_loaded(b, "sys_exit") ? 0 : -ENOTSUP;
	if (kind == WARD_KK_K_EXEC_PATH)
		return prog_loaded(b, "sched_exec") ? 0 : -ENOTSUP;
	if (b->kk_links[kind][0])
		return 0;
	if (bpf_program__fd(kk_enter_prog(b, kind)) < 0)
		return -ENOTSUP; /* refused by this kernel */
	for (int i = 0; i < 2 && tps[kind][i]; i++) {
		struct bpf_link *l = bpf_program__attach_tracepoint(kk_enter_prog(b, kind), "syscalls",
								    tps[kind][i]);

		if (!l) {
			err = -errno;
			ward_dbg("sensor: no tracepoint syscalls/%s", tps[kind][i]);
			kk_detach(b, kind);
			return err ? err : -ENOENT;
		}
		b->kk_links[kind][n++] = l;
	}
	if (kind == WARD_KK_K_CONNECT) {
		struct bpf_program *progs[2] = { b->skel->progs.kk_connect4, b->skel->progs.kk_connect6 };

		if (b->cg_fd < 0)
			b->cg_fd = open_cgroup2_root();
		if (b->cg_fd < 0) {
			kk_detach(b, kind);
			return -ENOENT;
		}
		for (int i = 0; i < 2; i++) {
			struct bpf_link *l = bpf_program__attach_cgroup(progs[i], b->cg_fd);

			if (!l) {
				err = -errno;
				kk_detach(b, kind);
				return err ? err : -EINVAL;
			}
			b->kk_links[kind][n++] = l;
		}
	}
	return 0;
}

static bool kk_key_in(const struct ward_sensor_sys_kill_entry *e, size_t cnt,
		      const struct ward_kk_key *k)
{
	for (size_t i = 0; i < cnt; i++)
		if (memcmp(&e[i].key, k, sizeof(*k)) == 0)
			return true;
	return false;
}

int ward_bpf_sensor_set_sys_kill_policies(struct ward_bpf_sensor *b,
					  const struct ward_sensor_sys_kill_entry *entries, size_t cnt,
					  uint32_t *unavailable)
{
	int fd = bpf_map__fd(b->skel->maps.kk_sys);
	struct ward_kk_key key, next;
	struct ward_kk_key *stale;
	uint32_t want = 0, have = 0;
	size_t stale_cnt = 0;
	int err = 0;

	*unavailable = 0;
	if (cnt > WARD_KK_SYS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < cnt; i++)
		if (entries[i].key.kind > WARD_KK_K_NONE && entries[i].key.kind < WARD_KK_K_CNT)
			want |= 1u << entries[i].key.kind;
	for (int k = 1; k < WARD_KK_K_CNT; k++) {
		if (!(want & (1u << k)))
			continue;
		if (kk_attach(b, k) == 0)
			have |= 1u << k;
		else
			*unavailable |= 1u << k;
	}
	/* new entries, then the kinds switch on, then stale entries and unused hooks go */
	for (size_t i = 0; i < cnt; i++) {
		if (!(have & (1u << entries[i].key.kind)))
			continue;
		if (bpf_map_update_elem(fd, &entries[i].key, &entries[i].pol, BPF_ANY) < 0)
			return -errno;
	}
	__atomic_store_n(&b->skel->bss->kk_kinds,
			 (__atomic_load_n(&b->skel->bss->kk_kinds, __ATOMIC_RELAXED) &
			  (1u << WARD_KK_KIND_EXEC)) | have, __ATOMIC_RELAXED);
	stale = ward_xcalloc(WARD_KK_SYS_MAX, sizeof(*stale));
	for (int r = bpf_map_get_next_key(fd, NULL, &next); r == 0 && stale_cnt < WARD_KK_SYS_MAX;
	     r = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (!(have & (1u << key.kind)) || !kk_key_in(entries, cnt, &key))
			stale[stale_cnt++] = key;
	}
	for (size_t i = 0; i < stale_cnt; i++)
		if (bpf_map_delete_elem(fd, &stale[i]) < 0 && errno != ENOENT && !err)
			err = -errno;
	free(stale);
	for (int k = 1; k < WARD_KK_K_CNT; k++)
		if (!(have & (1u << k)))
			kk_detach(b, k);
	return err;
}

static bool is_gate_only(const struct ward_syscall_def *d)
{
	/* fork and exit come from scheduler tracepoints; their entries only switch them */
	return d->nr == WARD_SC_GATE_FORK || d->nr == WARD_SC_GATE_EXIT;
}

static int attach_syscalls(struct ward_bpf_sensor *b, const bool *wanted)
{
	b->links = ward_xcalloc(ward_syscalls_cnt, sizeof(*b->links));
	for (size_t i = 0; i < ward_syscalls_cnt; i++) {
		char tp[64];
		struct bpf_link *l;

		if (is_gate_only(&ward_syscalls[i]))
			continue;
		snprintf(tp, sizeof(tp), "sys_exit_%s",
			 ward_syscalls[i].tp ? ward_syscalls[i].tp : ward_syscalls[i].name);
		l = bpf_program__attach_tracepoint(b->skel->progs.sys_exit, "syscalls", tp);
		if (!l) {
			/* kernels lack some syscalls (fchmodat2 before 6.6, module loading without
			 * CONFIG_MODULES): capture the rest */
			ward_dbg("sensor: no tracepoint syscalls/%s", tp);
			b->missing++;
			continue;
		}
		b->links[b->links_cnt++] = l;
		b->attached++;
		b->reported += !wanted || wanted[ward_syscalls[i].nr];
	}
	return b->attached ? 0 : -ENOENT;
}

/* Opens and loads the skeleton with the programs in b->refused left out. Returns 0,
 * -EAGAIN when the kernel refused a program that is now left out too (load again), or
 * -errno with why set. */
static int load_tracer(struct ward_bpf_sensor *b, const struct ward_sensor_opts *opts,
		       size_t ring_bytes, char *why, size_t why_len)
{
	struct bpf_program *p;
	struct timespec bt;
	uint64_t started;
	size_t i = 0;
	double t0 = mono_ms();
	int err, hit = -1;

	ward_tracer__destroy(b->skel);
	b->skel = ward_tracer__open();
	if (!b->skel) {
		err = -errno;
		snprintf(why, why_len, "cannot open BPF object: %s", ward_strerror(err));
		return err;
	}
	b->attempts++;
	if (opts->ignore_self)
		b->skel->rodata->self_tgid = (__u32)getpid();
	b->skel->rodata->wakeup_bytes = ring_bytes / 8;
	b->skel->rodata->exec_wakeup = opts->batch_exec ? 0 : 1;
	bpf_map__set_max_entries(b->skel->maps.rings, (__u32)b->ncpu);
	bpf_map__set_max_entries(b->skel->maps.scratch, (__u32)b->ncpu);
	/* syscall exits and kill-policy hooks are attached by hand (kill hooks when policies
	 * arrive); the scheduler tracepoints by the skeleton */
	bpf_program__set_autoattach(b->skel->progs.sys_exit, false);
	bpf_program__set_autoattach(b->skel->progs.sys_enter_kk, false);
	bpf_program__set_autoattach(b->skel->progs.sys_enter_kk_conn, false);
	bpf_program__set_autoattach(b->skel->progs.sys_enter_kk_clone, false);
	bpf_program__set_autoattach(b->skel->progs.kk_connect4, false);
	bpf_program__set_autoattach(b->skel->progs.kk_connect6, false);
	b->progs_cnt = 0;
	bpf_object__for_each_program(p, b->skel->obj) {
		struct ward_sensor_prog *sp;
		const struct prog_role *r = role_of(bpf_program__name(p));

		if (i >= WARD_SENSOR_PROGS_MAX)
			break;
		sp = &b->progs[i];
		if (b->attempts == 1) {
			memset(sp, 0, sizeof(*sp));
			snprintf(sp->name, sizeof(sp->name), "%s", bpf_program__name(p));
			sp->serves = r ? r->serves : "";
		}
		if (b->refused & (1u << i)) {
			bpf_program__set_autoload(p, false);
			bpf_program__set_autoattach(p, false);
		} else if (test_refuse(sp->name)) {
			bpf_program__set_type(p, BPF_PROG_TYPE_SOCKET_FILTER);
		}
		i++;
	}
	b->progs_cnt = i;
	err = bpf_map__set_inner_map_fd(b->skel->maps.rings, b->ring_fds[0]);
	if (err) {
		snprintf(why, why_len, "cannot set the ring buffer template: %s", ward_strerror(err));
		return err;
	}
	clock_gettime(CLOCK_BOOTTIME, &bt);
	started = (uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec;
	refused_name[0] = refused_why[0] = 0;
	watching_load = true;
	err = ward_tracer__load(b->skel);
	watching_load = false;
	b->load_ms += mono_ms() - t0;
	/* loading parses the kernel's BTF (megabytes) and frees it; give that back to the OS so
	 * the agent's resident size reflects what it keeps */
	malloc_trim(0);
	if (err) {
		for (i = 0; i < b->progs_cnt; i++)
			if (strcmp(b->progs[i].name, refused_name) == 0)
				hit = (int)i;
		if (hit < 0 || (b->refused & (1u << hit))) {
			snprintf(why, why_len, "the kernel refused the BPF programs (%s); run with "
				 "--log-level debug for the verifier log", ward_strerror(err));
			return err;
		}
		snprintf(b->progs[hit].error, sizeof(b->progs[hit].error), "%s%s%s",
			 ward_strerror(err), refused_why[0] ? ": " : "", refused_why);
		/* the rest of its group goes with it */
		{
			const struct prog_role *h = role_of(b->progs[hit].name);
			char hit_name[sizeof(b->progs[hit].name)];

			memcpy(hit_name, b->progs[hit].name, sizeof(hit_name));
			for (i = 0; i < b->progs_cnt; i++) {
				const struct prog_role *a = role_of(b->progs[i].name);

				if ((int)i != hit && !(a && h && a->group == h->group))
					continue;
				b->refused |= 1u << i;
				if ((int)i != hit && !b->progs[i].error[0])
					snprintf(b->progs[i].error, sizeof(b->progs[i].error),
						 "left out with %s", hit_name);
			}
		}
		return -EAGAIN;
	}
	/* verified instructions, and each program's load time: the kernel stamps a program's
	 * load_time (CLOCK_BOOTTIME) as it starts verifying it and libbpf loads them one after
	 * the other, so a program took until the next one's stamp (the last: until now) */
	{
		uint64_t stamp[WARD_SENSOR_PROGS_MAX] = { 0 }, ended;

		clock_gettime(CLOCK_BOOTTIME, &bt);
		ended = (uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec;
		for (i = 0; i < b->progs_cnt; i++) {
			struct ward_sensor_prog *sp = &b->progs[i];
			struct bpf_prog_info info;
			__u32 len = sizeof(info);
			int fd;

			p = bpf_object__find_program_by_name(b->skel->obj, sp->name);
			fd = p ? bpf_program__fd(p) : -1;
			sp->loaded = fd >= 0;
			if (!sp->loaded)
				continue;
			memset(&info, 0, sizeof(info));
			if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0) {
				sp->verified_insns = info.verified_insns;
				stamp[i] = info.load_time >= started ? info.load_time : 0;
			}
		}
		for (i = 0; i < b->progs_cnt; i++) {
			uint64_t next = ended;

			if (!stamp[i])
				continue;
			for (size_t j = 0; j < b->progs_cnt; j++)
				if (stamp[j] > stamp[i] && stamp[j] < next)
					next = stamp[j];
			b->progs[i].load_ms = (double)(next - stamp[i]) / 1e6;
		}
	}
	return 0;
}

int ward_bpf_sensor_open(const struct ward_sensor_opts *opts, struct ward_bpf_sensor **out,
			 char *why, size_t why_len, struct ward_sensor_report *rep)
{
	struct ward_bpf_sensor *b = ward_xcalloc(1, sizeof(*b));
	size_t ring_bytes = (opts->ring_kb ? opts->ring_kb : 4096) * 1024;
	char lifecycle[32];
	int err, outer_fd;

	libbpf_set_print(libbpf_log);
	b->cg_fd = -1;
	b->batch = ward_xmalloc(BATCH_BYTES + WARD_EV_MAX);
	b->recs = ward_xcalloc(BATCH_RECS, sizeof(*b->recs));
	if (ring_bytes & (ring_bytes - 1) || ring_bytes < 4096) {
		snprintf(why, why_len, "sensor.ring_kb must be a power of two of at least 4");
		err = -EINVAL;
		goto fail;
	}
	err = ensure_tracefs();
	if (err) {
		snprintf(why, why_len, "tracefs is not mounted and mounting it failed: %s",
			 ward_strerror(err));
		goto fail;
	}
	b->ncpu = libbpf_num_possible_cpus();
	if (b->ncpu <= 0 || b->ncpu > 256) {
		snprintf(why, why_len, "unsupported CPU count %d", b->ncpu);
		err = -EINVAL;
		goto fail;
	}
	/* every inner ring must match the template's size, so the first ring is the template */
	b->ring_fds = ward_xcalloc((size_t)b->ncpu, sizeof(int));
	for (int cpu = 0; cpu < b->ncpu; cpu++) {
		b->ring_fds[cpu] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ward_ring", 0, 0,
						  (__u32)ring_bytes, NULL);
		if (b->ring_fds[cpu] < 0) {
			err = -errno;
			snprintf(why, why_len, "cannot create ring buffer for CPU %d: %s", cpu,
				 ward_strerror(err));
			goto fail;
		}
	}
	/* a program the kernel refuses is left out and the object loaded again without it
	 * (and its group); each retry costs one more load, never a verifier timeout */
	for (;;) {
		err = load_tracer(b, opts, ring_bytes, why, why_len);
		if (err != -EAGAIN)
			break;
	}
	if (err)
		goto fail;
	if (!prog_loaded(b, "sys_exit") && !prog_loaded(b, "sched_exec") &&
	    !prog_loaded(b, "sched_fork") && !prog_loaded(b, "sched_exit")) {
		snprintf(why, why_len, "the kernel refused every capture program");
		err = -ENOTSUP;
		goto fail;
	}
	for (size_t i = 0; i < b->progs_cnt; i++) {
		const char *serves = b->progs[i].serves;
		size_t l = strlen(b->off);

		/* each role once: the connect kill is three programs */
		if (b->progs[i].loaded || !serves || !serves[0] || strstr(b->off, serves))
			continue;
		snprintf(b->off + l, sizeof(b->off) - l, "%s%s", l ? "; " : "", serves);
	}
	outer_fd = bpf_map__fd(b->skel->maps.rings);
	for (int cpu = 0; cpu < b->ncpu; cpu++) {
		__u32 key = (__u32)cpu;

		if (bpf_map_update_elem(outer_fd, &key, &b->ring_fds[cpu], BPF_ANY) < 0) {
			err = -errno;
			snprintf(why, why_len, "cannot create ring buffer for CPU %d: %s", cpu,
				 ward_strerror(err));
			goto fail;
		}
		if (!b->rb)
			b->rb = ring_buffer__new(b->ring_fds[cpu], on_record, b, NULL);
		else if (ring_buffer__add(b->rb, b->ring_fds[cpu], on_record, b) < 0)
			b->rb = NULL;
		if (!b->rb) {
			err = errno ? -errno : -ENOMEM;
			snprintf(why, why_len, "cannot map ring buffer: %s", ward_strerror(err));
			goto fail;
		}
	}
	err = ward_bpf_sensor_set_syscalls(b, opts->syscalls);
	if (err) {
		snprintf(why, why_len, "cannot write the syscall table: %s", ward_strerror(err));
		goto fail;
	}
	err = ward_tracer__attach(b->skel);
	if (err) {
		snprintf(why, why_len, "cannot attach scheduler tracepoints: %s", ward_strerror(err));
		goto fail;
	}
	if (prog_loaded(b, "sys_exit")) {
		err = attach_syscalls(b, opts->syscalls);
		if (err) {
			snprintf(why, why_len, "no syscall tracepoint could be attached");
			goto fail;
		}
	}
	{
		static const char *const sched[3] = { "exec", "fork", "exit" };
		size_t l = 0;

		lifecycle[0] = 0;
		for (int i = 0; i < 3; i++) {
			char name[16];

			snprintf(name, sizeof(name), "sched_%s", sched[i]);
			if (prog_loaded(b, name))
				l += (size_t)snprintf(lifecycle + l, sizeof(lifecycle) - l, "%s%s",
						      l ? "/" : "", sched[i]);
		}
	}
	/* "attached": what this kernel offers; "reported": what this run asked for of those */
	snprintf(why, why_len, "ebpf: %zu syscalls attached%s, %zu reported, %s, "
		 "%d per-CPU ring buffers of %zu KiB%s%s%s", b->attached,
		 b->missing ? " (some missing on this kernel)" : "", b->reported,
		 lifecycle[0] ? lifecycle : "no process lifecycle", b->ncpu, ring_bytes / 1024,
		 b->off[0] ? "; DEGRADED, the kernel refused programs, off: " : "", b->off,
		 b->off[0] ? " (run 'ward doctor' for details)" : "");
	ward_bpf_sensor_report(b, rep);
	*out = b;
	return 0;
fail:
	ward_bpf_sensor_report(b, rep);
	if (rep)
		rep->backend = NULL;
	ward_bpf_sensor_close(b);
	return err;
}

/* The hooks a program is attached to now. */
static void describe_hooks(const struct ward_bpf_sensor *b, const struct ward_sensor_prog *sp,
			   char *out, size_t out_len)
{
	static const char *const kk_names[WARD_KK_K_CNT] = {
		[WARD_KK_K_CONNECT] = "connect", [WARD_KK_K_PTRACE] = "ptrace",
		[WARD_KK_K_SETNS] = "setns", [WARD_KK_K_UNSHARE] = "unshare",
		[WARD_KK_K_MODULE] = "init_module/finit_module", [WARD_KK_K_CLONE] = "clone/clone3",
	};
	struct bpf_program *prog;
	bool is_gate;
	size_t l = 0;

	out[0] = 0;
	if (!sp->loaded)
		return;
	if (strcmp(sp->name, "sys_exit") == 0) {
		snprintf(out, out_len, "tracepoint syscalls/sys_exit_* (%zu syscalls)", b->attached);
		return;
	}
	if (strncmp(sp->name, "sched_", 6) == 0) {
		snprintf(out, out_len, "tp_btf/sched_process_%s",
			 strcmp(sp->name, "sched_exec") == 0 ? "exec" :
			 strcmp(sp->name, "sched_fork") == 0 ? "fork" : "exit");
		return;
	}
	/* kill hooks: attached while policies of their kind exist */
	prog = bpf_object__find_program_by_name(b->skel->obj, sp->name);
	is_gate = prog == b->skel->progs.kk_connect4 || prog == b->skel->progs.kk_connect6;
	for (int k = 1; k < WARD_KK_K_CNT; k++) {
		bool mine = prog == kk_enter_prog(b, k) || (is_gate && k == WARD_KK_K_CONNECT);

		if (!mine || !b->kk_links[k][0] || !kk_names[k])
			continue;
		l += (size_t)snprintf(out + l, l < out_len ? out_len - l : 0, "%s%s %s", l ? ", " : "",
				      is_gate ? "cgroup" : "sys_enter", kk_names[k]);
		if (l >= out_len)
			break;
	}
	if (!out[0])
		snprintf(out, out_len, "none now (attached while kill policies of its kind exist)");
}

void ward_bpf_sensor_report(const struct ward_bpf_sensor *b, struct ward_sensor_report *r)
{
	if (!r)
		return;
	r->backend = "ebpf";
	snprintf(r->off, sizeof(r->off), "%s", b->off);
	r->load_ms = b->load_ms;
	r->attempts = b->attempts;
	r->progs_cnt = b->progs_cnt;
	for (size_t i = 0; i < b->progs_cnt; i++) {
		r->progs[i] = b->progs[i];
		describe_hooks(b, &b->progs[i], r->progs[i].hooks, sizeof(r->progs[i].hooks));
	}
}

void ward_bpf_sensor_detach(struct ward_bpf_sensor *b)
{
	for (size_t i = 0; i < b->links_cnt; i++)
		bpf_link__destroy(b->links[i]);
	b->links_cnt = 0;
	for (int k = 0; k < WARD_KK_K_CNT; k++)
		kk_detach(b, k);
	ward_tracer__detach(b->skel);
}

void ward_bpf_sensor_close(struct ward_bpf_sensor *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->links_cnt; i++)
		bpf_link__destroy(b->links[i]);
	free(b->links);
	for (int k = 0; k < WARD_KK_K_CNT; k++)
		kk_detach(b, k);
	if (b->cg_fd >= 0)
		close(b->cg_fd);
	ring_buffer__free(b->rb);
	if (b->ring_fds) {
		for (int i = 0; i < b->ncpu; i++)
			if (b->ring_fds[i] > 0)
				close(b->ring_fds[i]);
		free(b->ring_fds);
	}
	ward_tracer__destroy(b->skel);
	free(b->batch);
	free(b->recs);
	free(b);
}

int ward_bpf_sensor_poll(struct ward_bpf_sensor *b, int timeout_ms, ward_record_fn fn, void *arg)
{
	uint64_t before = b->delivered;
	int rc;

	b->fn = fn;
	b->fn_arg = arg;
	b->stop = 0;
	/* a batch left over from a stopped call goes first: it is older than the rings */
	if (b->recs_cnt && !flush_batch(b))
		return (int)(b->delivered - before);
	rc = ring_buffer__poll(b->rb, timeout_ms);
	/* poll returns after the first ring with data; take what the others hold too */
	if (rc >= 0)
		ring_buffer__consume(b->rb);
	flush_batch(b);
	if (rc < 0 && !b->stop)
		return rc == -EINTR ? -EINTR : rc;
	return (int)(b->delivered - before);
}

int ward_bpf_sensor_drain(struct ward_bpf_sensor *b, ward_record_fn fn, void *arg)
{
	uint64_t before = b->delivered;

	b->fn = fn;
	b->fn_arg = arg;
	b->stop = 0;
	ring_buffer__consume(b->rb);
	flush_batch(b);
	return (int)(b->delivered - before);
}

void ward_bpf_sensor_stats(struct ward_bpf_sensor *b, struct ward_sensor_stats *st)
{
	struct {
		__u64 events, drops, pending;
	} *vals;
	__u32 key = 0;

	memset(st, 0, sizeof(*st));
	st->ncpu = (uint32_t)b->ncpu;
	vals = ward_xcalloc((size_t)b->ncpu, sizeof(*vals));
	if (bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.stats), &key, vals) == 0) {
		for (int i = 0; i < b->ncpu && i < 256; i++) {
			st->events_cpu[i] = vals[i].events;
			st->drops_cpu[i] = vals[i].drops;
			st->events += vals[i].events;
			st->drops += vals[i].drops;
		}
	}
	free(vals);
}
