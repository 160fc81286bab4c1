// SPDX-License-Identifier: Apache-2.0
/*
 * Turns the rules the kernel can decide (ward_rules_kernel_kills) into the sensor's kill
 * maps: the exec map (one entry per comm, holding up to WARD_KK_PER_NAME rules, each with
 * its parent comms, container/host requirement and memfd flag) and the map of other
 * syscalls (one entry per kind and object: an opened or executed path, a peer address and
 * port, or just the syscall family). Runs at start and on every reload; only rules whose mode (their
 * own `mode:`, else rules.mode) is enforce get a policy. The safety rules of the user-space
 * path apply before anything reaches the kernel: protected names never get a policy, host
 * pid 1 and ward are excluded in the BPF programs themselves, and the per-workload rate
 * limit (respond.rate_limit_per_min) is counted in the kernel. What the kernel cannot
 * honour (protected containers) keeps the rule in user space. Not here: deciding which rules
 * qualify (src/rules/kernel_filter.c).
 */
#include "agent/kernel_kill.h"
#include "agent/actions.h"
#include "common/err.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KK_RULES_MAX 256

static const char *const kind_names[WARD_KK_K_CNT] = {
	"exec", "open", "connect", "ptrace", "setns", "unshare", "module load", "clone", "exec path",
};

static bool is_protected(const struct ward_config *cfg, const char *name)
{
	const char *const *list;
	size_t n;

	list = ward_config_list(cfg, "respond.protected", &n);
	for (size_t i = 0; i < n; i++) {
		/* the responder compares the comm (15 chars) and the exe basename */
		if (!strcmp(list[i], name) || !strncmp(list[i], name, WARD_KK_NAME_LEN))
			return true;
	}
	return false;
}

static struct ward_sensor_kill_entry *entry_for(struct ward_sensor_kill_entry *e, size_t *cnt,
						 const char *comm)
{
	char key[WARD_KK_COMM] = { 0 };

	memcpy(key, comm, strnlen(comm, WARD_KK_NAME_LEN));
	for (size_t i = 0; i < *cnt; i++)
		if (!memcmp(e[i].comm, key, sizeof(key)))
			return &e[i];
	if (*cnt == WARD_KK_MAP_MAX)
		return NULL;
	memset(&e[*cnt], 0, sizeof(e[*cnt]));
	memcpy(e[*cnt].comm, key, sizeof(key));
	return &e[(*cnt)++];
}

/* Adds rule k under every comm it names; false when a comm is full (then nothing of k is
 * added: a rule is enforced in the kernel for all its names or for none). */
static bool add_rule(struct ward_sensor_kill_entry *e, size_t *cnt, const struct ward_kernel_kill *k)
{
	static const char none[WARD_KK_NAMES_MAX][WARD_KK_NAME_LEN + 1];
	const char (*names)[WARD_KK_NAME_LEN + 1] = k->names_cnt ? k->names : none;
	size_t names_cnt = k->names_cnt;
	struct ward_kk_rule kr = { 0 };

	kr.rule = (uint32_t)k->rule + 1;
	kr.flags = (k->execve ? WARD_KK_EXECVE : 0) | (k->execveat ? WARD_KK_EXECVEAT : 0) |
		   (k->where == WARD_KK_IN_CONTAINER ? WARD_KK_CONTAINER : 0) |
		   (k->where == WARD_KK_ON_HOST ? WARD_KK_HOST : 0) |
		   (k->memfd ? WARD_KK_MEMFD : 0);
	kr.pcomm_cnt = (uint32_t)k->pnames_cnt;
	for (size_t j = 0; j < k->pnames_cnt && j < WARD_KK_PARENTS; j++)
		memcpy(kr.pcomm[j], k->pnames[j], strnlen(k->pnames[j], WARD_KK_NAME_LEN));
	/* a memfd rule naming no comm lives under the empty comm, which no exec has */
	if (!names_cnt)
		names_cnt = 1;
	for (size_t i = 0; i < names_cnt; i++) {
		struct ward_sensor_kill_entry *en = entry_for(e, cnt, names[i]);
		int free_slot = -1;

		if (!en)
			return false;
		for (int s = 0; s < WARD_KK_PER_NAME && free_slot < 0; s++)
			if (!en->pol.r[s].rule)
				free_slot = s;
		if (free_slot < 0)
			return false;
	}
	for (size_t i = 0; i < names_cnt; i++) {
		struct ward_sensor_kill_entry *en = entry_for(e, cnt, names[i]);

		for (int s = 0; s < WARD_KK_PER_NAME; s++) {
			if (!en->pol.r[s].rule) {
				en->pol.r[s] = kr;
				break;
			}
		}
	}
	return true;
}

static struct ward_sensor_sys_kill_entry *sys_entry_for(struct ward_sensor_sys_kill_entry *e,
							size_t *cnt,
							const struct ward_kk_key *key)
{
	for (size_t i = 0; i < *cnt; i++)
		if (!memcmp(&e[i].key, key, sizeof(*key)))
			return &e[i];
	if (*cnt == WARD_KK_SYS_MAX)
		return NULL;
	memset(&e[*cnt], 0, sizeof(e[*cnt]));
	e[*cnt].key = *key;
	return &e[(*cnt)++];
}

/* The map keys of a non-exec policy; returns how many (at most cap). */
static size_t sys_keys(const struct ward_kernel_kill *k, struct ward_kk_key *keys, size_t cap)
{
	size_t n = 0;

	if (k->kind == WARD_KK_K_OPEN || k->kind == WARD_KK_K_EXEC_PATH) {
		for (size_t i = 0; i < k->paths_cnt && n < cap; i++, n++) {
			memset(&keys[n], 0, sizeof(keys[n]));
			keys[n].kind = k->kind;
			memcpy(keys[n].obj, k->paths[i], WARD_KK_PATH);
		}
		return n;
	}
	if (k->kind == WARD_KK_K_CONNECT) {
		size_t na = k->addrs_cnt ? k->addrs_cnt : 1, np = k->ports_cnt ? k->ports_cnt : 1;

		for (size_t a = 0; a < na; a++) {
			for (size_t p = 0; p < np && n < cap; p++, n++) {
				memset(&keys[n], 0, sizeof(keys[n]));
				keys[n].kind = WARD_KK_K_CONNECT;
				keys[n].port = k->ports_cnt ? k->ports[p] : WARD_KK_ANY_PORT;
				if (k->addrs_cnt) {
					keys[n].family = k->addrs[a].family;
					memcpy(keys[n].obj, k->addrs[a].addr, 16);
				}
			}
		}
		return n;
	}
	memset(&keys[0], 0, sizeof(keys[0]));
	keys[0].kind = k->kind;
	return 1;
}

/* Adds a non-exec rule under every key it needs; all or nothing, like add_rule. */
static bool add_sys_rule(struct ward_sensor_sys_kill_entry *e, size_t *cnt,
			 const struct ward_kernel_kill *k)
{
	struct ward_kk_key keys[WARD_KK_OBJS_MAX * WARD_KK_OBJS_MAX];
	struct ward_kk_sys_rule kr = { 0 };
	size_t nk = sys_keys(k, keys, sizeof(keys) / sizeof(keys[0]));

	kr.rule = (uint32_t)k->rule + 1;
	kr.flags = (k->where == WARD_KK_IN_CONTAINER ? WARD_KK_CONTAINER : 0) |
		   (k->where == WARD_KK_ON_HOST ? WARD_KK_HOST : 0);
	kr.comm_cnt = (uint32_t)k->names_cnt;
	for (size_t j = 0; j < k->names_cnt && j < WARD_KK_SYS_COMMS; j++)
		memcpy(kr.comm[j], k->names[j], strnlen(k->names[j], WARD_KK_NAME_LEN));
	kr.pcomm_cnt = (uint32_t)k->pnames_cnt;
	for (size_t j = 0; j < k->pnames_cnt && j < WARD_KK_PARENTS; j++)
		memcpy(kr.pcomm[j], k->pnames[j], strnlen(k->pnames[j], WARD_KK_NAME_LEN));
	kr.req_mask = k->req_mask;
	for (int j = 0; j < WARD_KK_SYS_NRS; j++)
		kr.nr[j] = (size_t)j < k->nrs_cnt ? (int16_t)k->nrs[j] : -1;
	for (size_t i = 0; i < nk; i++) {
		struct ward_sensor_sys_kill_entry *en = sys_entry_for(e, cnt, &keys[i]);
		bool room = false;

		if (!en)
			return false;
		for (int s = 0; s < WARD_KK_PER_NAME; s++)
			room |= en->pol.r[s].rule == 0;
		if (!room)
			return false;
	}
	for (size_t i = 0; i < nk; i++) {
		struct ward_sensor_sys_kill_entry *en = sys_entry_for(e, cnt, &keys[i]);

		for (int s = 0; s < WARD_KK_PER_NAME; s++) {
			if (!en->pol.r[s].rule) {
				en->pol.r[s] = kr;
				break;
			}
		}
	}
	return true;
}

int ward_agent_kernel_kill_push(struct ward_sensor *s, const struct ward_ruleset *rs,
				const struct ward_config *cfg, bool enforce)
{
	static bool said_unavailable[WARD_KK_K_CNT];
	struct ward_kernel_kill *kk = NULL;
	struct ward_sensor_kill_entry *e = NULL;
	struct ward_sensor_sys_kill_entry *se = NULL;
	size_t e_cnt = 0, se_cnt = 0, prot_ct = 0;
	int n, done = 0, done_kind[WARD_KK_K_CNT] = { 0 }, err;
	uint32_t unavailable = 0;
	int64_t rate = ward_config_int(cfg, "respond.rate_limit_per_min");
	char line[256];
	size_t used = 0;

	if (!s)
		return 0;
	kk = ward_xcalloc(KK_RULES_MAX, sizeof(*kk));
	e = ward_xcalloc(WARD_KK_MAP_MAX, sizeof(*e));
	se = ward_xcalloc(WARD_KK_SYS_MAX, sizeof(*se));
	n = ward_rules_kernel_kills(rs, kk, KK_RULES_MAX);
	if (n > KK_RULES_MAX)
		n = KK_RULES_MAX;
	ward_config_list(cfg, "respond.protected_containers", &prot_ct);
	for (int i = 0; i < n; i++) {
		const struct ward_rule_info *ri = ward_rules_get(rs, kk[i].rule);
		bool skip = false, ok;

		if (!ward_agent_rule_enforced(enforce, ri))
			continue;
		for (size_t j = 0; j < kk[i].names_cnt && !skip; j++)
			skip = is_protected(cfg, kk[i].names[j]);
		if (skip) {
			ward_info("respond: rule '%s' names a protected process: kill stays in user space",
				  ri->name);
			continue;
		}
		if (prot_ct && kk[i].where != WARD_KK_ON_HOST) {
			ward_info("respond: rule '%s' may match in a protected container: kill stays in "
				  "user space", ri->name);
			continue;
		}
		/* a rule that does not fit is still killed, from user space */
		ok = kk[i].kind == 0 ? add_rule(e, &e_cnt, &kk[i]) : add_sys_rule(se, &se_cnt, &kk[i]);
		if (ok) {
			done++;
			done_kind[kk[i].kind < WARD_KK_K_CNT ? kk[i].kind : 0]++;
		}
	}
	err = ward_sensor_set_kill_policies(s, e, e_cnt, (uint32_t)getpid());
	if (!err)
		err = ward_sensor_set_sys_kill_policies(s, se, se_cnt, &unavailable);
	if (!err)
		err = ward_sensor_set_kill_rate(s, rate > 0 ? (uint32_t)rate : 0);
	free(kk);
	free(e);
	free(se);
	if (err == -ENOTSUP) {
		ward_info("respond: no eBPF sensor: every kill runs in user space");
		return 0;
	}
	if (err) {
		ward_err("respond: cannot install in-kernel kill policies: %s", ward_strerror(err));
		return err;
	}
	for (int k = 1; k < WARD_KK_K_CNT; k++) {
		if (!(unavailable & (1u << k)))
			continue;
		done -= done_kind[k];
		done_kind[k] = 0;
		if (!said_unavailable[k])
			ward_warn("respond: %s kills cannot run in the kernel here (no sys_enter "
				  "tracepoint or cgroup v2 hook for it): those rules kill from user space",
				  kind_names[k]);
		said_unavailable[k] = true;
	}
	ward_info("respond: %d rule(s) kill in the kernel at exec (%zu comm(s))", done_kind[0], e_cnt);
	line[0] = '\0';
	for (int k = 1; k < WARD_KK_K_CNT; k++)
		if (done_kind[k] && used < sizeof(line))
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s %d",
						 used ? ", " : "", kind_names[k], done_kind[k]);
	if (line[0])
		ward_info("respond: %d rule(s) kill in the kernel at syscalls (%s)",
			  done - done_kind[0], line);
	return done;
}
