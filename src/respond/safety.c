// SPDX-License-Identifier: Apache-2.0
/*
 * The safety policy every response action passes first: never host pid 1, never ward or one
 * of its ancestors (killing the shell or supervisor that runs ward is never the intent),
 * never a kernel thread, never a process or container on the protected lists, never a root
 * cgroup; and at most N actions per workload per minute. It refuses with a reason a
 * responder can read. It does not decide whether an action is wanted (rules do that).
 */
#include "respond/respond.h"

#include "common/hash.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "config/config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SAFETY_MAX_ANCESTORS 64
#define RATE_WINDOW_NS (60ull * 1000000000ull)

struct rate_slot {
	uint64_t key;           /* hash of the workload; 0 = free */
	uint64_t window_start;
	uint32_t count;
};

struct ward_safety {
	char **names;
	size_t names_cnt;
	char **containers;
	size_t containers_cnt;
	pid_t self[SAFETY_MAX_ANCESTORS];
	uint64_t self_start[SAFETY_MAX_ANCESTORS];
	size_t self_cnt;
	uint32_t rate_per_min;  /* 0 = unlimited */
	struct rate_slot slots[WARD_RESPOND_RATE_SLOTS];
};

static void add_str(char ***arr, size_t *cnt, const char *s)
{
	*arr = ward_xreallocarray(*arr, *cnt + 1, sizeof(char *));
	(*arr)[(*cnt)++] = ward_xstrdup(s);
}

void ward_safety_protect_name(struct ward_safety *s, const char *name)
{
	if (name && *name)
		add_str(&s->names, &s->names_cnt, name);
}

int ward_safety_new(const struct ward_config *cfg, struct ward_safety **out)
{
	struct ward_safety *s = ward_xcalloc(1, sizeof(*s));
	struct ward_proc_stat st;
	pid_t p = getpid();

	s->rate_per_min = 10;
	if (cfg) {
		const char *const *list;
		size_t n;
		int64_t rate;

		list = ward_config_list(cfg, "respond.protected", &n);
		for (size_t i = 0; i < n; i++)
			ward_safety_protect_name(s, list[i]);
		list = ward_config_list(cfg, "respond.protected_containers", &n);
		for (size_t i = 0; i < n; i++)
			if (list[i][0])
				add_str(&s->containers, &s->containers_cnt, list[i]);
		rate = ward_config_int(cfg, "respond.rate_limit_per_min");
		s->rate_per_min = rate < 0 ? 0 : rate > UINT32_MAX ? UINT32_MAX : (uint32_t)rate;
	}
	/* ward and its ancestors, recorded by (pid, start) so a reused pid is not confused */
	while (p > 0 && s->self_cnt < SAFETY_MAX_ANCESTORS) {
		if (ward_proc_stat_read(p, &st))
			break;
		s->self[s->self_cnt] = p;
		s->self_start[s->self_cnt++] = st.start;
		if (p == 1)
			break;
		p = st.ppid;
	}
	*out = s;
	return 0;
}

void ward_safety_free(struct ward_safety *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->names_cnt; i++)
		free(s->names[i]);
	for (size_t i = 0; i < s->containers_cnt; i++)
		free(s->containers[i]);
	free(s->names);
	free(s->containers);
	free(s);
}

static bool name_protected(const struct ward_safety *s, const char *comm, const char *exe_base)
{
	for (size_t i = 0; i < s->names_cnt; i++)
		if (strcmp(s->names[i], comm) == 0 || (exe_base && strcmp(s->names[i], exe_base) == 0))
			return true;
	return false;
}

int ward_safety_check_pid(const struct ward_safety *s, pid_t pid, char *why, size_t why_len)
{
	struct ward_proc_stat st;
	char link[64], exe[PATH_MAX];
	const char *base = NULL;
	ssize_t n;
	int err;

	if (pid <= 0) {
		snprintf(why, why_len, "pid %d is not a process id", (int)pid);
		return -EINVAL;
	}
	if (pid == 1) {
		snprintf(why, why_len, "pid 1 is the host's init");
		return -WARD_E_PROTECTED;
	}
	err = ward_proc_stat_read(pid, &st);
	if (err) {
		snprintf(why, why_len, "pid %d: %s", (int)pid, ward_strerror(err));
		return err;
	}
	for (size_t i = 0; i < s->self_cnt; i++) {
		if (s->self[i] == pid && s->self_start[i] == st.start) {
			snprintf(why, why_len, "pid %d (%s) is %s", (int)pid, st.comm,
				 i == 0 ? "ward itself" : "an ancestor of ward");
			return -WARD_E_PROTECTED;
		}
	}
	if (st.is_kthread || pid == 2 || st.ppid == 2) {
		snprintf(why, why_len, "pid %d (%s) is a kernel thread", (int)pid, st.comm);
		return -WARD_E_PROTECTED;
	}
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		base = strrchr(exe, '/');
		base = base ? base + 1 : exe;
	}
	if (name_protected(s, st.comm, base)) {
		snprintf(why, why_len, "pid %d (%s) is on the protected list (respond.protected)",
			 (int)pid, st.comm);
		return -WARD_E_PROTECTED;
	}
	return 0;
}

static int check_members(const struct ward_safety *s, const struct ward_target *t, char *why,
			 size_t why_len)
{
	pid_t *pids = ward_xcalloc(WARD_RESPOND_MAX_PIDS, sizeof(pid_t));
	int n, err = 0;

	n = ward_target_pids(t, pids, WARD_RESPOND_MAX_PIDS);
	if (n < 0) {
		/* an empty or vanished cgroup has nothing to protect, but an unreadable one
		 * cannot be proven safe */
		if (n != -ENOENT) {
			snprintf(why, why_len, "cannot list the cgroup's processes: %s", ward_strerror(n));
			err = n;
		}
		goto out;
	}
	for (int i = 0; i < n; i++) {
		err = ward_safety_check_pid(s, pids[i], why, why_len);
		if (err == -ESRCH) { /* exited meanwhile */
			err = 0;
			continue;
		}
		if (err)
			break;
	}
out:
	free(pids);
	return err;
}

int ward_safety_check_cgroup(const struct ward_safety *s, const struct ward_target *t, char *why,
			     size_t why_len)
{
	bool v2_root = !ward_cgroup_v2_is_child(t->cg_v2);
	bool fr_root = !t->cg_freezer[0] || strcmp(t->cg_freezer, WARD_CGROUP_ROOT_FREEZER) == 0;

	if (v2_root && fr_root) {
		snprintf(why, why_len, "the target is in the host's root cgroup; acting on it would "
			 "hit every process on the host");
		return -WARD_E_PROTECTED;
	}
	return check_members(s, t, why, why_len);
}

int ward_safety_check_target(const struct ward_safety *s, const struct ward_target *t, char *why,
			     size_t why_len)
{
	if (t->kind == WARD_TARGET_PID)
		return ward_safety_check_pid(s, t->pid, why, why_len);
	for (size_t i = 0; i < s->containers_cnt; i++) {
		if (strncmp(t->id, s->containers[i], strlen(s->containers[i])) == 0) {
			snprintf(why, why_len, "container %.12s is on the protected list "
				 "(respond.protected_containers)", t->id);
			return -WARD_E_PROTECTED;
		}
	}
	return ward_safety_check_cgroup(s, t, why, why_len);
}

int ward_safety_rate(struct ward_safety *s, const struct ward_target *t, uint64_t now_ns)
{
	struct rate_slot *slot, *oldest = NULL;
	uint64_t key;

	if (!s->rate_per_min)
		return 0;
	/* a container is one workload; a host process is keyed by (pid, start) */
	if (t->id[0])
		key = ward_hash64(t->id, strlen(t->id));
	else
		key = ward_hash64_mix((uint64_t)t->pid, t->pid_start);
	key |= 1; /* 0 marks a free slot */
	for (size_t i = 0; i < WARD_RESPOND_RATE_SLOTS; i++) {
		slot = &s->slots[(key + i) % WARD_RESPOND_RATE_SLOTS];
		if (slot->key == key)
			goto found;
		if (!slot->key || now_ns - slot->window_start >= RATE_WINDOW_NS) {
			slot->key = key;
			slot->window_start = now_ns;
			slot->count = 0;
			goto found;
		}
		if (!oldest || slot->window_start < oldest->window_start)
			oldest = slot;
	}
	/* table full of live windows: reuse the oldest rather than refuse every new workload */
	slot = oldest;
	slot->key = key;
	slot->window_start = now_ns;
	slot->count = 0;
found:
	if (now_ns - slot->window_start >= RATE_WINDOW_NS) {
		slot->window_start = now_ns;
		slot->count = 0;
	}
	if (slot->count >= s->rate_per_min)
		return -WARD_E_LIMIT;
	slot->count++;
	return 0;
}
