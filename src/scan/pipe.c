// SPDX-License-Identifier: Apache-2.0
/*
 * Content analysis on a second thread. The reader (decompression, tar parsing, package
 * parsers) runs on the calling thread; secret rules and YARA over each file's content run on
 * one worker, fed through a FIFO queue bounded in jobs and in bytes. With two cores the two
 * halves overlap, so a scan costs about the larger of the two instead of their sum.
 *
 * Only the worker touches r->secrets, r->malware and their layer tags while it runs; the
 * reader touches neither until ward_scan_pipe_drain() returns. One worker and FIFO order
 * keep the hits in the order a single-threaded scan finds them. Not a general thread pool:
 * one consumer, one producer. When the thread cannot be started, jobs run inline.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "scan/malware.h"
#include "scan/secrets.h"
#include "scan/walk.h"

/* One queued file: its content and path live in the ring, at off. */
struct job {
	uint32_t rec;       /* the entry the content was read from */
	bool secrets, malware;
	size_t off, need;   /* where the job's bytes start in the ring, and how many */
	size_t len;         /* content bytes; the path follows the content and its NUL */
};

struct ward_scan_pipe {
	struct ward_scan_ctx *c;
	pthread_t th;
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t wake;     /* worker: a job arrived or stop was asked */
	pthread_cond_t room;     /* reader: a job finished */
	/* Content ring: jobs take contiguous space in FIFO order, so the bytes in use are
	 * [head, tail) or, once wrapped, [head, cap) + [0, tail). Fixed size, allocated once:
	 * no per-file malloc, no heap growth from a thread freeing another's blocks. */
	char *ring;
	size_t head, tail;
	struct job jobs[WARD_SCAN_PIPE_JOBS];
	size_t qhead, job_cnt;   /* queued jobs start at jobs[qhead] */
	bool busy, stop;         /* busy: the worker holds jobs[qhead - 1] */
	int err;                 /* first failure; later jobs are dropped */
	char err_path[WARD_SCAN_MAX_PATH];
	int warn_cnt;
};

static void stage_hits(struct ward_scan_ctx *c, uint32_t rec, size_t sbefore, size_t mbefore)
{
	struct ward_scan_result *r = c->r;

	if (r->secret_cnt > c->secret_cap) {
		c->secret_cap = r->secret_cnt * 2;
		c->secret_blob = ward_xreallocarray(c->secret_blob, c->secret_cap, sizeof(uint32_t));
	}
	for (size_t i = sbefore; i < r->secret_cnt; i++)
		c->secret_blob[i] = rec;
	if (r->malware_cnt > c->malware_cap) {
		c->malware_cap = r->malware_cnt * 2;
		c->malware_blob = ward_xreallocarray(c->malware_blob, c->malware_cap,
						     sizeof(uint32_t));
	}
	for (size_t i = mbefore; i < r->malware_cnt; i++)
		c->malware_blob[i] = rec;
}

/* Analyzes one file; returns 0 or the secret scan's error (a YARA failure is a warning). */
static int analyze(struct ward_scan_pipe *p, uint32_t rec, const char *path, const char *data,
		   size_t len, bool secrets, bool malware)
{
	struct ward_scan_ctx *c = p->c;
	size_t sb = c->r->secret_cnt, mb = c->r->malware_cnt;
	int rc = 0;

	if (secrets) {
		rc = ward_secrets_scan(c->o->secrets, path, data, len, c->r);
		if (rc < 0)
			goto out;
		rc = 0;
	}
	if (malware) {
		int mrc = ward_malware_scan(c->o->malware, path, data, len, c->r);

		if (mrc < 0) {
			ward_warn("%s: YARA scan failed: %s", path, ward_strerror(mrc));
			p->warn_cnt++;
		}
	}
out:
	stage_hits(c, rec, sb, mb);
	return rc;
}

static void fail(struct ward_scan_pipe *p, int rc, const char *path)
{
	if (p->err)
		return;
	p->err = rc;
	snprintf(p->err_path, sizeof(p->err_path), "%s", path);
}

static void *worker(void *arg)
{
	struct ward_scan_pipe *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct job j;
		int rc = 0;

		while (!p->job_cnt && !p->stop)
			pthread_cond_wait(&p->wake, &p->mu);
		if (!p->job_cnt)
			break;
		j = p->jobs[p->qhead];
		p->qhead = (p->qhead + 1) % WARD_SCAN_PIPE_JOBS;
		p->job_cnt--;
		p->busy = true;
		if (!p->err && !p->stop) {
			const char *data = p->ring + j.off;

			pthread_mutex_unlock(&p->mu);
			rc = analyze(p, j.rec, data + j.len + 1, data, j.len, j.secrets, j.malware);
			pthread_mutex_lock(&p->mu);
			if (rc < 0)
				fail(p, rc, data + j.len + 1);
		}
		p->busy = false;
		/* the oldest job is done: its bytes are free */
		p->head = j.off + j.need;
		if (!p->job_cnt)
			p->head = p->tail = 0;
		pthread_cond_signal(&p->room);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int ward_scan_pipe_new(struct ward_scan_ctx *c, struct ward_scan_pipe **out)
{
	struct ward_scan_pipe *p = ward_xcalloc(1, sizeof(*p));

	p->c = c;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->room, NULL);
	p->ring = ward_xmalloc(WARD_SCAN_PIPE_BYTES);
	p->threaded = pthread_create(&p->th, NULL, worker, p) == 0;
	if (!p->threaded) {
		free(p->ring);
		p->ring = NULL;
		ward_dbg("scan: content analysis runs on the reading thread (no worker thread)");
	}
	*out = p;
	return 0;
}

static int report(struct ward_scan_pipe *p)
{
	return ward_diag_set(p->c->d, p->err, p->err_path, 0, 0, "secret scan failed: %s",
			     ward_strerror(p->err));
}

/* Where need bytes fit in the ring now, or -1. Called with the lock held. */
static ssize_t ring_fit(struct ward_scan_pipe *p, size_t need)
{
	if (!p->job_cnt && !p->busy)
		return 0;   /* empty: head == tail == 0 */
	if (p->tail > p->head) {
		if (WARD_SCAN_PIPE_BYTES - p->tail >= need)
			return (ssize_t)p->tail;
		return p->head >= need ? 0 : -1;   /* wrap; the gap at the end stays unused */
	}
	/* wrapped (tail == head here means full) */
	return p->head - p->tail >= need && p->tail != p->head ? (ssize_t)p->tail : -1;
}

int ward_scan_pipe_drain(struct ward_scan_pipe *p)
{
	int err;

	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		while (p->job_cnt || p->busy)
			pthread_cond_wait(&p->room, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
	/* the worker is idle: its counters may be read without the lock from here on */
	p->c->warn_cnt += p->warn_cnt;
	p->warn_cnt = 0;
	err = p->err;
	return err ? report(p) : 0;
}

int ward_scan_pipe_submit(struct ward_scan_pipe *p, uint32_t rec, const char *path,
			  const char *data, size_t len, bool secrets, bool malware)
{
	size_t plen = strlen(path), need = len + plen + 2;
	ssize_t off = -1;
	int rc;

	if (!p->threaded || need > WARD_SCAN_PIPE_BYTES) {
		/* Too big for the ring (or no worker): wait for the worker to be idle, then
		 * analyze on this thread from the reader's buffer. Order is kept. */
		rc = ward_scan_pipe_drain(p);
		if (rc < 0)
			return rc;
		rc = analyze(p, rec, path, data, len, secrets, malware);
		if (rc < 0) {
			fail(p, rc, path);
			return report(p);
		}
		return 0;
	}
	pthread_mutex_lock(&p->mu);
	while (!p->err && (p->job_cnt == WARD_SCAN_PIPE_JOBS || (off = ring_fit(p, need)) < 0))
		pthread_cond_wait(&p->room, &p->mu);
	if (p->err) {
		pthread_mutex_unlock(&p->mu);
		return report(p);
	}
	/* copied under the lock: simpler than reserving and publishing in two steps, and the
	 * worker only waits for it when it has just finished a job */
	memcpy(p->ring + off, data, len);
	p->ring[off + len] = '\0';
	memcpy(p->ring + off + len + 1, path, plen + 1);
	p->tail = (size_t)off + need;
	p->jobs[(p->qhead + p->job_cnt) % WARD_SCAN_PIPE_JOBS] = (struct job){
		.rec = rec, .secrets = secrets, .malware = malware, .off = (size_t)off,
		.need = need, .len = len };
	p->job_cnt++;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

void ward_scan_pipe_free(struct ward_scan_pipe *p)
{
	if (!p)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;    /* queued jobs are dropped unanalyzed */
		pthread_cond_signal(&p->wake);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
	}
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->mu);
	free(p->ring);
	free(p);
}
