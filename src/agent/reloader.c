// SPDX-License-Identifier: Apache-2.0
/*
 * The reload worker (see reloader.h). One mutex guards the request flag, the finished result
 * and the stop flag; the ruleset a compile builds reaches the event thread only through that
 * mutex, which orders every write the compile made before the event thread's first read.
 */
#include "agent/reloader.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ward_reloader {
	const char *const *paths;
	size_t paths_cnt;
	struct ward_rules_opts ropts;   /* ropts.cancel points at cancel */
	const char *gate;               /* test hook: wait for this file before compiling */
	atomic_bool cancel;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;              /* CLOCK_MONOTONIC: the gate waits in slices */
	bool requested;                 /* a compile is wanted (coalesces) */
	bool running;                   /* the worker is compiling */
	bool has_result;
	bool stop;
	struct ward_reload_result result;
};

/* Test hook: hold the compile until the gate file exists or the agent stops. Returns false
 * when stopping. Called with mu held. */
static bool gate_wait(struct ward_reloader *r)
{
	struct timespec ts;

	while (!r->stop && access(r->gate, F_OK) != 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	}
	return !r->stop;
}

static void *worker(void *arg)
{
	struct ward_reloader *r = arg;
	struct ward_reload_result res;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		/* a result not yet taken holds the next compile back: the newest request then
		 * compiles the files as they are after it, and nothing is compiled twice */
		while (!r->stop && (!r->requested || r->has_result))
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop)
			break;
		r->requested = false;
		r->running = true;
		if (r->gate) {
			ward_info("rules: test hook: the reload compile waits for %s", r->gate);
			if (!gate_wait(r))
				break;
		}
		pthread_mutex_unlock(&r->mu);

		memset(&res, 0, sizeof(res));
		res.err = ward_rules_load(r->paths, r->paths_cnt, &r->ropts, &res.rep, &res.rs);

		pthread_mutex_lock(&r->mu);
		r->running = false;
		r->result = res;
		r->has_result = true;
	}
	r->running = false;
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

int ward_reloader_new(const char *const *paths, size_t paths_cnt,
		      const struct ward_rules_opts *ropts, struct ward_reloader **out)
{
	struct ward_reloader *r = ward_xcalloc(1, sizeof(*r));
	pthread_condattr_t ca;
	sigset_t all, old;
	int err;

	r->paths = paths;
	r->paths_cnt = paths_cnt;
	r->ropts = *ropts;
	r->ropts.cancel = &r->cancel;
	atomic_init(&r->cancel, false);
	r->gate = getenv("WARD_TEST_RELOAD_GATE");
	if (r->gate && !r->gate[0])
		r->gate = NULL;
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* signals belong to the event thread: its poll must wake for SIGHUP and SIGINT */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&r->thread, NULL, worker, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		free(r);
		return err;
	}
	*out = r;
	return 0;
}

bool ward_reloader_request(struct ward_reloader *r)
{
	bool busy;

	pthread_mutex_lock(&r->mu);
	busy = r->requested || r->running || r->has_result;
	r->requested = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return busy;
}

bool ward_reloader_is_compiling(struct ward_reloader *r)
{
	bool running;

	pthread_mutex_lock(&r->mu);
	running = r->running;
	pthread_mutex_unlock(&r->mu);
	return running;
}

bool ward_reloader_take(struct ward_reloader *r, struct ward_reload_result *res)
{
	bool got;

	pthread_mutex_lock(&r->mu);
	got = r->has_result;
	if (got) {
		*res = r->result;
		memset(&r->result, 0, sizeof(r->result));
		r->has_result = false;
		/* a request that arrived meanwhile may run now */
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return got;
}

void ward_reloader_free(struct ward_reloader *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	if (r->running)
		ward_info("rules: stopping: cancelling the reload being compiled");
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	atomic_store_explicit(&r->cancel, true, memory_order_relaxed);
	pthread_join(r->thread, NULL);
	if (r->has_result) {
		ward_rules_free(r->result.rs);
		ward_rules_report_free(&r->result.rep);
	}
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}
