// SPDX-License-Identifier: Apache-2.0
/*
 * Turns the rules the kernel can decide (ward_rules_kernel_kills) into the sensor's exec
 * kill map: one entry per comm, holding up to WARD_KK_PER_NAME rules, each with its parent
 * comms and its container/host requirement. Runs at start and on every reload, only in
 * enforce mode. The safety rules of the user-space path apply before anything reaches the
 * kernel: protected names never get a policy, host pid 1 and ward are excluded in the BPF
 * program itself. What the kernel cannot honour (protected containers, rate limits) keeps
 * the rule in user space. Not here: deciding which rules qualify (src/rules/kernel_filter.c).
 */
#include "agent/kernel_kill.h"
#include "common/err.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KK_RULES_MAX 256

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
	struct ward_kk_rule kr = { 0 };

	kr.rule = (uint32_t)k->rule + 1;
	kr.flags = (k->execve ? WARD_KK_EXECVE : 0) | (k->execveat ? WARD_KK_EXECVEAT : 0) |
		   (k->where == WARD_KK_IN_CONTAINER ? WARD_KK_CONTAINER : 0) |
		   (k->where == WARD_KK_ON_HOST ? WARD_KK_HOST : 0);
	kr.pcomm_cnt = (uint32_t)k->pnames_cnt;
	for (size_t j = 0; j < k->pnames_cnt && j < WARD_KK_PARENTS; j++)
		memcpy(kr.pcomm[j], k->pnames[j], strnlen(k->pnames[j], WARD_KK_NAME_LEN));
	for (size_t i = 0; i < k->names_cnt; i++) {
		struct ward_sensor_kill_entry *en = entry_for(e, cnt, k->names[i]);
		int free_slot = -1;

		if (!en)
			return false;
		for (int s = 0; s < WARD_KK_PER_NAME && free_slot < 0; s++)
			if (!en->pol.r[s].rule)
				free_slot = s;
		if (free_slot < 0)
			return false;
	}
	for (size_t i = 0; i < k->names_cnt; i++) {
		struct ward_sensor_kill_entry *en = entry_for(e, cnt, k->names[i]);

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
	struct ward_kernel_kill *kk = NULL;
	struct ward_sensor_kill_entry *e = NULL;
	size_t e_cnt = 0, prot_ct = 0;
	int n = 0, done = 0, err;

	if (!s)
		return 0;
	if (enforce) {
		kk = ward_xcalloc(KK_RULES_MAX, sizeof(*kk));
		e = ward_xcalloc(WARD_KK_MAP_MAX, sizeof(*e));
		n = ward_rules_kernel_kills(rs, kk, KK_RULES_MAX);
		if (n > KK_RULES_MAX)
			n = KK_RULES_MAX;
		ward_config_list(cfg, "respond.protected_containers", &prot_ct);
	}
	for (int i = 0; i < n; i++) {
		const struct ward_rule_info *ri = ward_rules_get(rs, kk[i].rule);
		bool skip = false;

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
		if (add_rule(e, &e_cnt, &kk[i]))
			done++;
	}
	err = ward_sensor_set_kill_policies(s, e, e_cnt, (uint32_t)getpid());
	free(kk);
	free(e);
	if (err == -ENOTSUP) {
		ward_info("respond: no eBPF sensor: every kill runs in user space");
		return 0;
	}
	if (err) {
		ward_err("respond: cannot install in-kernel kill policies: %s", ward_strerror(err));
		return err;
	}
	if (enforce)
		ward_info("respond: %d rule(s) kill in the kernel at exec (%zu comm(s))", done, e_cnt);
	return done;
}
