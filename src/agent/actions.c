// SPDX-License-Identifier: Apache-2.0
/*
 * Rule-triggered response. A rule's `actions:` run when its `mode:` (or, without one,
 * rules.mode) is enforce, and are only reported in detect mode, after the responder's safety checks: never pid 1, never ward,
 * never a protected name or container, and at most respond.rate_limit_per_min per workload.
 * kill, freeze and quarantine run inline (they are quick syscalls); block adds the file to the
 * agent's exec blocker (exec_block.c); collect writes a bundle
 * on a worker thread so the event loop never waits on disk. Every outcome lands in the
 * alert's ward.actions and in the log. An exec that a kernel policy already killed
 * (WARD_F_KERNEL_KILLED, see kernel_kill.c) reports its kill as done in the kernel and is
 * not killed again.
 */
#include "agent/actions.h"
#include "agent/exec_block.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"
#include "respond/respond.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct collect_job {
	struct ward_target target;
	char reason[256];
	char out[512];
};

struct ward_agent_actions {
	bool enforce;
	struct ward_safety *safety;
	struct ward_agent_block *block;
	const struct ward_config *cfg;
	char bundle_dir[256];
	/* one pending bundle at a time: a second request while one is written is refused */
	pthread_mutex_t lock;
	bool collecting;
	pthread_t worker;
	bool worker_started;
	struct collect_job job;
	/* results for the alert being built */
	struct ward_alert_action acts[WARD_ACT_CNT];
	char details[WARD_ACT_CNT][256];
};

int ward_agent_actions_new(const struct ward_config *cfg, struct ward_agent_actions **out)
{
	struct ward_agent_actions *a = ward_xcalloc(1, sizeof(*a));
	const char *mode = ward_config_str(cfg, "rules.mode");
	int err;

	if (strcmp(mode, "detect") && strcmp(mode, "enforce")) {
		ward_err("config: rules.mode must be detect or enforce, not '%s'", mode);
		free(a);
		return -EINVAL;
	}
	a->enforce = strcmp(mode, "enforce") == 0;
	a->cfg = cfg;
	err = ward_safety_new(cfg, &a->safety);
	if (err) {
		free(a);
		return err;
	}
	err = ward_agent_block_new(cfg, &a->block);
	if (err) {
		ward_safety_free(a->safety);
		free(a);
		return err;
	}
	snprintf(a->bundle_dir, sizeof(a->bundle_dir), "%s", ward_config_str(cfg, "respond.bundle_dir"));
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return 0;
}

void ward_agent_actions_free(struct ward_agent_actions *a)
{
	if (!a)
		return;
	if (a->worker_started)
		pthread_join(a->worker, NULL);
	pthread_mutex_destroy(&a->lock);
	ward_agent_block_free(a->block);
	ward_safety_free(a->safety);
	free(a);
}

int ward_agent_actions_start(struct ward_agent_actions *a)
{
	return ward_agent_block_start(a->block);
}

void ward_agent_actions_tick(struct ward_agent_actions *a, struct ward_alerts *alerts)
{
	ward_agent_block_flush(a->block, alerts, false);
}

void ward_agent_actions_finish(struct ward_agent_actions *a, struct ward_alerts *alerts)
{
	ward_agent_block_finish(a->block, alerts);
}

bool ward_agent_actions_enforcing(const struct ward_agent_actions *a)
{
	return a->enforce;
}

bool ward_agent_rule_enforced(bool global_enforce, const struct ward_rule_info *ri)
{
	if (ri && ri->mode == WARD_RMODE_ENFORCE)
		return true;
	if (ri && ri->mode == WARD_RMODE_DETECT)
		return false;
	return global_enforce;
}

static void *collect_worker(void *arg)
{
	struct ward_agent_actions *a = arg;
	struct ward_collect_opts o = { 0 };
	struct ward_collect_result res;
	struct ward_diag diag = { 0 };
	char msg[600];
	int err;

	o.out_path = a->job.out;
	o.key_path = ward_config_str(a->cfg, "respond.key");
	o.mem_max = (uint64_t)ward_config_int(a->cfg, "respond.collect_mem_mb") << 20;
	o.exe_max = (uint64_t)ward_config_int(a->cfg, "respond.collect_exe_mb") << 20;
	o.upper_max = (uint64_t)ward_config_int(a->cfg, "respond.collect_upper_mb") << 20;
	o.docker_socket = ward_config_str(a->cfg, "containers.docker_socket");
	o.reason = a->job.reason;
	err = ward_collect(&a->job.target, &o, &res, &diag);
	if (err)
		ward_err("respond: collect for rule '%s' failed: %s", a->job.reason,
			 diag.msg[0] ? ward_diag_format(&diag, msg, sizeof(msg)) : ward_strerror(err));
	else
		ward_info("respond: bundle %s written (%zu artifacts, %zu processes) for rule '%s'",
			  a->job.out, res.artifact_cnt, res.proc_cnt, a->job.reason);
	pthread_mutex_lock(&a->lock);
	a->collecting = false;
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

static int start_collect(struct ward_agent_actions *a, const struct ward_target *t,
			 const char *rule, char *detail, size_t detail_len)
{
	pthread_mutex_lock(&a->lock);
	if (a->collecting) {
		pthread_mutex_unlock(&a->lock);
		snprintf(detail, detail_len, "a bundle is already being written");
		return -EBUSY;
	}
	a->collecting = true;
	pthread_mutex_unlock(&a->lock);
	if (a->worker_started)
		pthread_join(a->worker, NULL);
	mkdir(a->bundle_dir, 0700);
	a->job.target = *t;
	snprintf(a->job.reason, sizeof(a->job.reason), "%s", rule);
	snprintf(a->job.out, sizeof(a->job.out), "%s/ward-%llu-%s.tar", a->bundle_dir,
		 (unsigned long long)(ward_now_ns() / 1000000ull),
		 t->id[0] ? t->id : "host");
	if (pthread_create(&a->worker, NULL, collect_worker, a) != 0) {
		a->worker_started = false;
		a->collecting = false;
		snprintf(detail, detail_len, "cannot start the collector thread");
		return -EAGAIN;
	}
	a->worker_started = true;
	snprintf(detail, detail_len, "writing %s", a->job.out);
	return 0;
}

#define WARD_PTRACE_ATTACH 16 /* <sys/ptrace.h> PTRACE_ATTACH; that header's enum clashes with <linux/ptrace.h> */

/* What the kernel did, by the kind of event it killed at. */
static void kernel_kill_detail(const struct ward_event *ev, char *detail, size_t detail_len)
{
	double ms = (double)(ward_boot_ns() - ev->raw->ts) / 1e6;

	if (ev->raw->nr == 56) {
		snprintf(detail, detail_len, "killed in kernel at clone (SIGKILL at syscall entry; "
			 "the kernel refused to fork, no child was created; alert %.3f ms later)", ms);
		return;
	}
	switch (ev->raw->kind) {
	case WARD_EV_EXEC:
		snprintf(detail, detail_len, "killed in kernel at exec (SIGKILL in the exec syscall, "
			 "before the new image ran; alert %.3f ms later)", ms);
		break;
	case WARD_EV_CONNECT:
		snprintf(detail, detail_len, "killed in kernel at connect (connect refused by the "
			 "cgroup hook, no packet sent; SIGKILL before the call returned; alert %.3f ms "
			 "later)", ms);
		break;
	case WARD_EV_OPEN:
		snprintf(detail, detail_len, "killed in kernel at %s (the open completed, SIGKILL "
			 "before the fd reached user space; alert %.3f ms later)", ev->type, ms);
		break;
	default:
		snprintf(detail, detail_len, "killed in kernel at %s (SIGKILL at syscall entry; the "
			 "call completed, the caller never returned; alert %.3f ms later)", ev->type, ms);
		break;
	}
}

/* PTRACE_ATTACH completes before the killed tracer dies and queues a SIGSTOP for the
 * tracee, which therefore ends up stopped with nobody to continue it: a web server that an
 * attacker tried to inject into would hang. The kill record is written at sys_enter, before
 * the attach ran, so first wait (bounded) for the tracer to be gone: then the attach has
 * happened or failed for good. A SIGCONT then resumes a stopped tracee and also discards a
 * SIGSTOP still pending; a tracee with neither (the attach failed) is left alone. */
static void resume_ptrace_victim(const struct ward_event *ev, char *detail, size_t detail_len)
{
	struct ward_proc_stat st;
	size_t used = strlen(detail);
	pid_t victim = 0;
	bool stopped = false;
	int i;

	if (ev->raw->kind != WARD_EV_PTRACE || ev->raw->args[0] != WARD_PTRACE_ATTACH ||
	    used >= detail_len)
		return;
	if (ward_proc_find_vpid(ev->raw->pidns, (pid_t)ev->raw->args[1], &victim))
		return;
	for (i = 0; i < 200; i++) { /* up to ~200 ms for the tracer to exit */
		if (ward_proc_stat_read((pid_t)ev->raw->pid, &st) || st.state == 'Z' || st.state == 'X')
			break;
		usleep(1000);
	}
	for (i = 0; i < 20 && !stopped; i++) { /* the stop lands when the tracee runs */
		if (ward_proc_stop_pending(victim, &stopped))
			return;
		if (!stopped)
			usleep(1000);
	}
	if (!stopped)
		return;
	if (kill(victim, SIGCONT) == 0)
		snprintf(detail + used, detail_len - used, "; tracee %d resumed (SIGCONT)", (int)victim);
	else
		snprintf(detail + used, detail_len - used, "; tracee %d left stopped: %s", (int)victim,
			 strerror(errno));
}

/* Runs one action; fills detail; returns 0 or -errno. */
static int run_one(struct ward_agent_actions *a, unsigned bit, const struct ward_rule_match *m,
		   const struct ward_event *ev, struct ward_target *t, char *detail,
		   size_t detail_len)
{
	struct ward_kill_result kr = { 0 };
	int err;

	switch (bit) {
	case WARD_ACT_KILL:
		/* the process itself: containers are killed with freeze/quarantine or by hand */
		if (ev->raw->flags & WARD_F_KERNEL_KILLED) {
			kernel_kill_detail(ev, detail, detail_len);
			resume_ptrace_victim(ev, detail, detail_len);
			return 0;
		}
		err = ward_kill_pid((pid_t)ev->raw->pid, 0, 0, &kr);
		if (!err)
			snprintf(detail, detail_len,
				 "user-space SIGKILL via pidfd %.3f ms after the event",
				 (double)(ward_boot_ns() - ev->raw->ts) / 1e6);
		return err;
	case WARD_ACT_FREEZE:
		if (!t->id[0]) {
			snprintf(detail, detail_len, "not in a container");
			return -EINVAL;
		}
		err = ward_freeze(t, 0);
		snprintf(detail, detail_len, "%s", err ? "freezer refused" : "container frozen");
		return err;
	case WARD_ACT_QUARANTINE:
		if (!t->id[0]) {
			snprintf(detail, detail_len, "not in a container");
			return -EINVAL;
		}
		err = ward_quarantine(t, NULL, 0);
		snprintf(detail, detail_len, "%s", err ? "cgroup BPF attach failed" :
			 "network isolated (release with: ward respond release)");
		return err;
	case WARD_ACT_COLLECT:
		return start_collect(a, t, m->rule, detail, detail_len);
	case WARD_ACT_BLOCK: /* handled before the process checks: it acts on a file */
	default:
		snprintf(detail, detail_len, "not an action on a process");
		return -WARD_E_UNSUPPORTED;
	}
}

size_t ward_agent_actions_run(struct ward_agent_actions *a, const struct ward_rule_match *m,
			      const struct ward_rule_info *ri, const struct ward_event *ev,
			      const struct ward_alert_action **out)
{
	bool enforce = ward_agent_rule_enforced(a->enforce, ri);
	struct ward_target t;
	char why[256];
	size_t n = 0;
	int err;

	*out = a->acts;
	if (!m->actions)
		return 0;
	err = ev->container ? ward_target_from_container(ev->container->id, &t, NULL) :
			      ward_target_from_pid((pid_t)ev->raw->pid, &t);
	for (unsigned b = 0; b < WARD_ACT_CNT; b++) {
		unsigned bit = 1u << b;
		char *detail = a->details[n];
		int rc;

		if (!(m->actions & bit))
			continue;
		a->acts[n].action = ward_rule_action_name(bit);
		a->acts[n].detail = detail;
		detail[0] = '\0';
		if (!enforce) {
			a->acts[n].result = "skipped";
			snprintf(detail, sizeof(a->details[n]), "%s",
				 ri && ri->mode == WARD_RMODE_DETECT ? "the rule's mode is detect" :
				 "rules.mode is detect");
		} else if (bit == WARD_ACT_KILL && (ev->raw->flags & WARD_F_KERNEL_RATE_LIMITED)) {
			/* the kernel's policy matched but the workload spent its kill budget */
			a->acts[n].result = "refused";
			snprintf(detail, sizeof(a->details[n]), "rate limit for this workload reached "
				 "(counted in the kernel): not killed");
		} else if (bit == WARD_ACT_KILL && (ev->raw->flags & WARD_F_KERNEL_KILLED)) {
			/* the kernel applied the same safety rules (pid 1, ward, protected names
			 * are never given a policy); the process is gone, nothing to look up */
			rc = run_one(a, bit, m, ev, &t, detail, sizeof(a->details[n]));
			a->acts[n].result = "ok";
		} else if (bit == WARD_ACT_BLOCK) {
			/* a file, not the process: the process checks do not apply; the blocker
			 * refuses ward, init, loaders and respond.protected names itself */
			rc = ward_agent_block_event(a->block, m->rule, m->priority, ev, detail,
						    sizeof(a->details[n]));
			a->acts[n].result = rc == 0 ? "ok" : rc == -WARD_E_PROTECTED ? "refused" :
				"failed";
		} else if (err) {
			a->acts[n].result = "failed";
			snprintf(detail, sizeof(a->details[n]), "target gone: %s", ward_strerror(err));
		} else if ((rc = ward_safety_check_target(a->safety, &t, why, sizeof(why))) != 0) {
			a->acts[n].result = "refused";
			snprintf(detail, sizeof(a->details[n]), "%s", why);
		} else if (ward_safety_rate(a->safety, &t, ward_mono_ns()) != 0) {
			a->acts[n].result = "refused";
			snprintf(detail, sizeof(a->details[n]), "rate limit for this workload reached");
		} else {
			rc = run_one(a, bit, m, ev, &t, detail, sizeof(a->details[n]));
			a->acts[n].result = rc ? "failed" : "ok";
			if (rc && !detail[0])
				snprintf(detail, sizeof(a->details[n]), "%s", ward_strerror(rc));
		}
		ward_info("respond: %s on pid %u for rule '%s': %s (%s)", a->acts[n].action,
			  ev->raw->pid, m->rule, a->acts[n].result, detail);
		n++;
	}
	return n;
}
