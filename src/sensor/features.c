// SPDX-License-Identifier: Apache-2.0
/* Host feature probes for `ward doctor` (see features.h). */
#include "sensor/features.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void add(struct ward_host_features *h, const char *name, bool ok, const char *needed_for)
{
	if (h->feat_cnt >= WARD_FEATURES_MAX)
		return;
	h->feat[h->feat_cnt++] = (struct ward_feature){ name, ok, needed_for };
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool cgroup2_root(void)
{
	struct statfs sf;

	return (statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) ||
	       (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC);
}

static int read_int_file(const char *path)
{
	char buf[32];
	char *end;
	long v;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1000;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1000;
	buf[n] = 0;
	v = strtol(buf, &end, 10);
	return end == buf ? -1000 : (int)v;
}

/* The effective capability set from /proc/self/status (CapEff, hex). */
static uint64_t cap_eff(void)
{
	char line[256];
	uint64_t v = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "CapEff:", 7) == 0)
			v = strtoull(line + 7, NULL, 16);
	fclose(f);
	return v;
}

/* tp_btf programs attach to a tracepoint through its btf_trace_<name> type in the
 * kernel's BTF (the prog type alone cannot be probed without a target). */
static bool tp_btf_targets(void)
{
	static const char *const tps[] = { "btf_trace_sched_process_exec",
					   "btf_trace_sched_process_fork",
					   "btf_trace_sched_process_exit" };
	struct btf *btf = btf__load_vmlinux_btf();
	bool ok = btf != NULL;

	for (size_t i = 0; ok && i < 3; i++)
		ok = btf__find_by_name_kind(btf, tps[i], BTF_KIND_TYPEDEF) > 0;
	btf__free(btf);
	return ok;
}

void ward_host_features_probe(struct ward_host_features *h)
{
	static const struct {
		const char *name;
		int bit;
		const char *why;
	} caps[WARD_CAPS_CNT] = {
		{ "CAP_BPF", 39, "load BPF programs and create maps" },
		{ "CAP_PERFMON", 38, "tracepoint programs, reading kernel memory (paths, sockets)" },
		{ "CAP_SYS_ADMIN", 21, "fanotify in the fallback backend; BPF on kernels before 5.8" },
		{ "CAP_SYS_RESOURCE", 24, "not needed: maps are charged to the memory cgroup (5.11+)" },
		{ "CAP_SYS_PTRACE", 19, "reading /proc/<pid>/exe, environ and fds of other users" },
		{ "CAP_DAC_READ_SEARCH", 2, "reading /proc and files of any user (FIM, snapshot)" },
		{ "CAP_KILL", 5, "respond: kill a process of another user" },
		{ "CAP_NET_ADMIN", 12, "respond: quarantine (cgroup network programs, nftables)" },
	};
	libbpf_print_fn_t old = libbpf_set_print(quiet);
	enum bpf_prog_type tp = BPF_PROG_TYPE_TRACEPOINT;
	struct utsname u;
	struct rlimit rl;
	struct stat st;
	uint64_t eff = cap_eff();

	memset(h, 0, sizeof(*h));
	if (uname(&u) == 0) {
		snprintf(h->release, sizeof(h->release), "%s", u.release);
		snprintf(h->version, sizeof(h->version), "%s", u.version);
		snprintf(h->machine, sizeof(h->machine), "%s", u.machine);
	}
	h->btf = stat("/sys/kernel/btf/vmlinux", &st) == 0;
	h->btf_bytes = h->btf ? (uint64_t)st.st_size : 0;
	add(h, "kernel BTF (/sys/kernel/btf/vmlinux)", h->btf, "the eBPF sensor (CO-RE)");
	add(h, "tracefs", is_dir("/sys/kernel/tracing/events") ||
			  is_dir("/sys/kernel/debug/tracing/events"),
	    "syscall tracepoints (ward mounts it when it can)");
	add(h, "prog type tracepoint", libbpf_probe_bpf_prog_type(tp, NULL) == 1,
	    "syscall events and kill policies");
	add(h, "tp_btf sched_process_exec/fork/exit", tp_btf_targets(), "exec, fork, exit events");
	add(h, "prog type cgroup sock_addr",
	    libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, NULL) == 1,
	    "connect kills, network quarantine");
	add(h, "map ringbuf", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1,
	    "every event");
	add(h, "map array of maps", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL) == 1,
	    "per-CPU rings");
	add(h, "map LRU hash", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_LRU_HASH, NULL) == 1,
	    "kill decisions and rate limits");
	add(h, "helper bpf_loop", libbpf_probe_bpf_helper(tp, BPF_FUNC_loop, NULL) == 1,
	    "paths (dentry walk)");
	add(h, "helper bpf_get_current_task_btf",
	    libbpf_probe_bpf_helper(tp, BPF_FUNC_get_current_task_btf, NULL) == 1, "every event");
	add(h, "helper bpf_task_pt_regs", libbpf_probe_bpf_helper(tp, BPF_FUNC_task_pt_regs, NULL) == 1,
	    "syscall arguments");
	add(h, "helper bpf_send_signal", libbpf_probe_bpf_helper(tp, BPF_FUNC_send_signal, NULL) == 1,
	    "kill in the kernel");
	add(h, "helper bpf_ringbuf_query", libbpf_probe_bpf_helper(tp, BPF_FUNC_ringbuf_query, NULL) == 1,
	    "batched wakeups");
	add(h, "cgroup v2", cgroup2_root(), "container attribution, connect kills, quarantine");
	libbpf_set_print(old);
	for (int i = 0; i < WARD_CAPS_CNT; i++)
		h->caps[i] = (struct ward_cap_state){ caps[i].name, (eff >> caps[i].bit) & 1,
						      caps[i].why };
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
		h->memlock_cur = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
		h->memlock_max = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_max;
	}
	h->unprivileged_bpf_disabled = read_int_file("/proc/sys/kernel/unprivileged_bpf_disabled");
	h->perf_event_paranoid = read_int_file("/proc/sys/kernel/perf_event_paranoid");
}
