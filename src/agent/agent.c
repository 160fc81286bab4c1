// SPDX-License-Identifier: Apache-2.0
/*
 * The agent loop: a sensing session whose per-event callback evaluates the current ruleset
 * and whose tick handles reloads and metrics. A reload compiles on the reloader's thread
 * (agent/reloader.h) while events keep being evaluated with the running set; the ruleset
 * pointer is only replaced on the event thread, in a tick between events, so evaluation,
 * the kernel filter and the kill policies never see a half-swapped set.
 */
#include "agent/agent.h"
#include "agent/actions.h"
#include "agent/alert_build.h"
#include "alert/pipeline.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"
#include "rules/rules.h"
#include "agent/kernel_kill.h"
#include "agent/pidfile.h"
#include "agent/reloader.h"
#include "sensor/session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct agent {
	const struct ward_agent_opts *o;
	const char *const *paths;
	size_t paths_cnt;
	struct ward_rules_opts ropts;
	struct ward_ruleset *rs;
	struct ward_reloader *reloader;     /* started with the session */
	bool allow_partial;                 /* run with the rules that compile (start and reload) */
	struct ward_alerts *alerts;
	struct ward_metrics *metrics;
	struct ward_alert_builder *builder;
	struct ward_agent_actions *actions;
	struct ward_session *session;
	uint64_t events, events_reported;
	uint64_t alerts_sent;
	uint64_t eval_samples;
	bool syscalls[WARD_SC_MAX];
};

static void print_report(const struct ward_rules_report *rep, bool errors_only)
{
	char line[1024];

	for (size_t i = 0; i < rep->msgs_cnt; i++) {
		const struct ward_rules_msg *m = &rep->msgs[i];

		if (errors_only && !m->is_error)
			continue;
		ward_diag_format(&m->d, line, sizeof(line));
		if (m->is_error)
			ward_err("rules: %s", line);
		else
			ward_dbg("rules: %s", line);
	}
}

/* The syscalls the kernel must send: what the rules use, plus process lifecycle (which keeps
 * the process table, and so ancestry and attribution, right whatever the rules say). */
static void compute_syscalls(struct agent *a)
{
	ward_rules_syscalls(a->rs, a->syscalls);
	a->syscalls[WARD_SC_GATE_EXEC] = true;
	a->syscalls[WARD_SC_GATE_FORK] = true;
	a->syscalls[WARD_SC_GATE_EXIT] = true;
}

/* "a.yaml, b.yaml": the distinct files the kept error messages name. */
static void failed_files(const struct ward_rules_report *rep, char *out, size_t out_len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < rep->msgs_cnt && o + 1 < out_len; i++) {
		const char *f = rep->msgs[i].d.file;
		bool seen = false;

		if (!rep->msgs[i].is_error || !f[0])
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = rep->msgs[j].is_error && strcmp(rep->msgs[j].d.file, f) == 0;
		if (!seen) {
			int n = snprintf(out + o, out_len - o, "%s%s", o ? ", " : "", f);

			o = n < 0 || (size_t)n >= out_len - o ? out_len - 1 : o + (size_t)n;
		}
	}
}

/*
 * Whether a loaded set may run: any error refuses it unless partial sets are allowed, and a
 * set where no rule compiled is refused always (an agent without rules detects nothing and
 * must not look like it runs). A rejected reload keeps the running rules. The errors were
 * printed; this says the verdict.
 */
static int accept_rules(struct agent *a, const struct ward_rules_report *rep, bool is_reload)
{
	const char *what = is_reload ? "reload rejected" : "refusing to start";
	const char *tail = is_reload ? "; the running rules stay in force" : "";
	char files[512];

	if (rep->rules_compiled == 0) {
		failed_files(rep, files, sizeof(files));
		ward_err("rules: %s: no rule compiled (%zu rule(s) in %zu file(s), %zu error(s)%s%s)%s",
			 what, rep->rules, rep->files, rep->errors, files[0] ? " in " : "", files,
			 is_reload ? tail : "; an agent without rules detects nothing, so --allow-partial-rules does not start it either");
		return -WARD_E_SYNTAX;
	}
	if (!rep->errors)
		return 0;
	failed_files(rep, files, sizeof(files));
	if (!a->allow_partial) {
		ward_err("rules: %s: %zu error(s) in %s (%zu of %zu rules compiled)%s; to run with the rules that compile, pass --allow-partial-rules (config rules.allow_partial)",
			 what, rep->errors, files[0] ? files : "the rule files", rep->rules_compiled,
			 rep->rules, tail);
		return -WARD_E_SYNTAX;
	}
	ward_warn("rules: %zu error(s) in %s: running with the %zu of %zu rules that compiled (partial rules allowed)",
		  rep->errors, files[0] ? files : "the rule files", rep->rules_compiled, rep->rules);
	return 0;
}

/* Prints a finished load and decides (accept_rules); on success *out owns the set. */
static int take_rules(struct agent *a, int err, struct ward_ruleset *rs, struct ward_rules_report *rep,
		      bool is_reload, struct ward_ruleset **out)
{
	if (err) {
		ward_err("rules: cannot load: %s", ward_strerror(err));
		goto out;
	}
	print_report(rep, false);
	err = accept_rules(a, rep, is_reload);
	if (err)
		goto out;
	ward_info("rules: %zu rules (%zu compiled), %zu macros, %zu lists from %zu file(s)",
		  rep->rules, rep->rules_compiled, rep->macros, rep->lists, rep->files);
	*out = rs;
	rs = NULL;
out:
	ward_rules_free(rs);
	ward_rules_report_free(rep);
	return err;
}

static int on_match(const struct ward_rule_match *m, void *arg);

struct match_ctx {
	struct agent *a;
	const struct ward_event *ev;
};

static int on_event(const struct ward_event *ev, void *arg)
{
	struct agent *a = arg;
	struct match_ctx mc = { a, ev };
	struct ward_proc_table *pt = ward_session_procs(a->session);

	a->events++;
	/* time one event in 64: the clock reads would otherwise cost as much as the rules */
	if ((a->events & 63) == 0) {
		uint64_t t0 = ward_mono_ns();

		ward_rules_eval(a->rs, ev, pt, on_match, &mc);
		ward_metrics_rule_eval_observe(a->metrics, ward_mono_ns() - t0);
		a->eval_samples++;
	} else {
		ward_rules_eval(a->rs, ev, pt, on_match, &mc);
	}
	return 0;
}

static int on_match(const struct ward_rule_match *m, void *arg)
{
	struct match_ctx *mc = arg;
	struct agent *a = mc->a;
	struct ward_alert alert;

	const struct ward_alert_action *acts;
	size_t n;

	ward_alert_build(a->builder, m, mc->ev, ward_session_procs(a->session),
			 ward_session_drops(a->session), &alert);
	/* replays never act: the processes in a recording are not the ones running now */
	if (m->actions && !ward_session_is_replay(a->session)) {
		n = ward_agent_actions_run(a->actions, m, ward_rules_get(a->rs, m->index), mc->ev,
					   &acts);
		ward_alert_set_actions(a->builder, &alert, acts, n);
	}
	if (ward_alerts_emit(a->alerts, &alert) == WARD_ALERT_SENT)
		a->alerts_sent++;
	return 0;
}

/* On the event thread: swaps in a set the reloader finished, or says why not. */
static void reload_finish(struct agent *a, struct ward_reload_result *res)
{
	struct ward_ruleset *rs = NULL;
	struct ward_sensor *sensor = ward_session_sensor(a->session);

	if (take_rules(a, res->err, res->rs, &res->rep, true, &rs))
		return;
	ward_rules_free(a->rs);
	a->rs = rs;
	compute_syscalls(a);
	if (sensor && ward_sensor_set_syscalls(sensor, a->syscalls) == 0)
		ward_info("rules: reloaded; kernel filter updated");
	else
		ward_info("rules: reloaded");
	ward_agent_kernel_kill_push(sensor, a->rs, a->o->cfg,
				    ward_agent_actions_enforcing(a->actions));
}

static void reload_tick(struct agent *a, struct ward_session *s)
{
	struct ward_reload_result res;

	if (!a->reloader)
		return;
	if (ward_session_take_reload(s)) {
		if (ward_reloader_request(a->reloader))
			ward_info("rules: reload requested while one is compiling: the files are compiled again after it");
		else
			ward_info("rules: reloading in the background; the running rules stay in force until it finishes");
	}
	if (ward_reloader_take(a->reloader, &res))
		reload_finish(a, &res);
}

static void on_tick(struct ward_session *s, void *arg)
{
	struct agent *a = arg;
	struct ward_sensor *sensor = ward_session_sensor(s);

	reload_tick(a, s);
	ward_agent_actions_tick(a->actions, a->alerts);
	ward_metrics_events_add(a->metrics, a->events - a->events_reported);
	a->events_reported = a->events;
	ward_metrics_proc_table_set(a->metrics, ward_proc_table_count(ward_session_procs(s)));
	if (sensor) {
		struct ward_sensor_stats st;

		ward_sensor_get_stats(sensor, &st);
		for (uint32_t i = 0; i < st.ncpu && i < 256; i++)
			ward_metrics_drops_set(a->metrics, i, st.drops_cpu[i]);
	}
}

static int on_start(struct ward_session *s, void *arg)
{
	struct agent *a = arg;
	int err;

	a->session = s;
	err = ward_reloader_new(a->paths, a->paths_cnt, &a->ropts, &a->reloader);
	if (err) {
		ward_err("rules: cannot start the reload thread: %s", ward_strerror(err));
		return err;
	}
	/* replays never act; a live sensor gets the exec kill policies and the block list
	 * before events flow */
	if (ward_session_is_replay(s))
		return 0;
	ward_agent_kernel_kill_push(ward_session_sensor(s), a->rs, a->o->cfg,
				    ward_agent_actions_enforcing(a->actions));
	return ward_agent_actions_start(a->actions);
}

int ward_agent_request_reload(const char *pidfile, char *msg, size_t msg_len)
{
	pid_t pid = 0;
	int err = ward_pidfile_signal(pidfile, SIGHUP, &pid, msg, msg_len);

	if (!err)
		snprintf(msg, msg_len, "asked agent pid %ld to reload its rules", (long)pid);
	return err;
}

int ward_agent_run(const struct ward_agent_opts *o)
{
	struct agent a = { .o = o };
	struct ward_session_opts so = { 0 };
	struct ward_diag diag = { 0 };
	const char *min_prio = ward_config_str(o->cfg, "rules.min_priority");
	const char *pidfile = o->pidfile ? o->pidfile : ward_config_str(o->cfg, "agent.pidfile");
	const char *default_path = ward_rules_default_paths();
	struct ward_pidfile *pf = NULL;
	char msg[600];
	int err;

	if (o->rule_paths_cnt) {
		a.paths = o->rule_paths;
		a.paths_cnt = o->rule_paths_cnt;
	} else {
		a.paths = ward_config_list(o->cfg, "rules.files", &a.paths_cnt);
		if (!a.paths_cnt) {
			a.paths = &default_path;
			a.paths_cnt = 1;
		}
	}
	a.allow_partial = o->allow_partial_rules || ward_config_bool(o->cfg, "rules.allow_partial");
	if (ward_priority_parse(min_prio, strlen(min_prio), &a.ropts.min_priority)) {
		ward_err("config: rules.min_priority: unknown priority '%s'", min_prio);
		return -EINVAL;
	}
	/* first: a second agent must refuse before it binds ports or loads anything; replays
	 * take a pidfile only when one is given on the command line */
	if (pidfile[0] && (!o->replay_path || o->pidfile)) {
		/* from here `ward rules reload` can find us; until the session installs its
		 * handler a SIGHUP must not kill the agent (the rules are being loaded anyway) */
		signal(SIGHUP, SIG_IGN);
		err = ward_pidfile_acquire(pidfile, &pf, msg, sizeof(msg));
		if (err) {
			ward_err("agent: %s", msg);
			return err;
		}
	}
	{
		struct ward_rules_report rep = { 0 };
		struct ward_ruleset *rs = NULL;

		err = ward_rules_load(a.paths, a.paths_cnt, &a.ropts, &rep, &rs);
		err = take_rules(&a, err, rs, &rep, false, &a.rs);
		if (err)
			goto out;
	}
	err = ward_alerts_setup(o->cfg, &a.alerts, &diag);
	if (err) {
		ward_err("outputs: %s", ward_diag_format(&diag, msg, sizeof(msg)));
		goto out;
	}
	a.metrics = ward_alerts_metrics(a.alerts);
	a.builder = ward_alert_builder_new(o->cfg);
	err = ward_agent_actions_new(o->cfg, &a.actions);
	if (err)
		goto out;
	compute_syscalls(&a);

	so.cfg = o->cfg;
	so.read_path = o->replay_path;
	so.write_path = o->write_path;
	so.duration_s = o->duration_s;
	so.syscalls = a.syscalls;
	so.on_event = on_event;
	so.on_start = on_start;
	so.on_tick = on_tick;
	so.arg = &a;
	so.report_stats = true;
	err = ward_session_run(&so);
	/* no more ticks: a compile still running is cancelled, one never taken is dropped */
	ward_reloader_free(a.reloader);
	a.reloader = NULL;
	/* the events drained after the last tick (live stop) count too */
	ward_metrics_events_add(a.metrics, a.events - a.events_reported);
	a.events_reported = a.events;
	ward_agent_actions_finish(a.actions, a.alerts);
	ward_alerts_report_pending(a.alerts);
	ward_info("agent: %llu events evaluated, %llu alerts sent, %llu suppressed by rate limiting",
		  (unsigned long long)a.events, (unsigned long long)a.alerts_sent,
		  (unsigned long long)ward_metrics_suppressed(a.metrics));
out:
	ward_reloader_free(a.reloader);
	ward_agent_actions_free(a.actions);
	ward_alert_builder_free(a.builder);
	ward_alerts_shutdown(a.alerts);
	ward_rules_free(a.rs);
	/* last: the agent is one instance until its outputs are flushed */
	ward_pidfile_release(pf);
	return err;
}
