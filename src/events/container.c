// SPDX-License-Identifier: Apache-2.0
/*
 * The container table: one entry per container id seen in a cgroup path, at most
 * WARD_CONTAINER_TABLE_MAX. Metadata from the Docker Engine API or podman's storage records
 * arrives later and is published into the entry. It is not the cgroup parser (cgroup.c), the
 * inspect parser (container_meta.c), the HTTP client (docker_api.c) nor the podman storage
 * reader (podman_store.c).
 *
 * Eviction: process entries point at containers and hold a reference (ward_container_hold);
 * ward_container_for_cgroup() returns its result already held, taken under the lock, so an
 * entry with no holders cannot gain one while the table decides to evict it. When the table
 * is full, up to an eighth of it is evicted at once: the least recently seen entries that have
 * no holders, no query queued or running on the metadata thread (inflight) and no update
 * waiting for ward_container_drain_updates(). A container that is still running but has no
 * process in the process table only costs a new entry and a new query when it shows again.
 *
 * Threads: the API functions may be called from any thread; they serialize on a mutex the
 * metadata thread never takes, so the event thread never waits for engine I/O. New entries
 * are handed to the metadata thread through a bounded single-producer/single-consumer ring
 * (WARD_DOCKER_QUEUE_MAX) and an eventfd; when the ring is full the entry is simply asked for
 * again the next time it is seen. The metadata thread fills a private copy, then claims the
 * entry (state QUEUED -> WRITING), copies the fields in and sets has_meta with release
 * ordering; readers load has_meta with acquire ordering before reading metadata. Failed
 * queries are retried on a later sighting: after NEG_TTL for errors (the socket may appear
 * later), after NOTFOUND_TTL when the engine does not know the id (not a Docker container).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/err.h"
#include "common/hash.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "events/container.h"
#include "events/container_meta.h"
#include "events/docker_api.h"
#include "events/podman_store.h"

#define DEFAULT_DOCKER_SOCKET "/var/run/docker.sock"
#define NEG_TTL_NS (10ull * 1000000000ull)
#define NOTFOUND_TTL_NS (300ull * 1000000000ull)
#define INDEX_CAP (2 * WARD_CONTAINER_TABLE_MAX) /* power of two, load <= 1/2 */
#define QUEUE_CAP WARD_DOCKER_QUEUE_MAX

_Static_assert((INDEX_CAP & (INDEX_CAP - 1)) == 0, "index size must be a power of two");
_Static_assert((QUEUE_CAP & (QUEUE_CAP - 1)) == 0, "queue size must be a power of two");

enum { ST_IDLE, ST_QUEUED, ST_WRITING, ST_DONE };

struct entry {
	struct ward_container c; /* first: callers get &e->c */
	int state;               /* ST_*, atomic */
	uint64_t retry_at;       /* mono ns before which a failed query is not repeated */
	int announce;            /* atomic: metadata published, not yet drained */
	int inflight;            /* atomic: in the request ring or being queried */
	uint64_t last_seen;      /* table tick of the last lookup; under lock */
	bool is_victim;          /* chosen by evict(); under lock */
};

struct ward_container_table {
	pthread_mutex_t lock;    /* entries and index; never taken by the metadata thread */
	struct entry *ents[WARD_CONTAINER_TABLE_MAX];
	struct entry *cand[WARD_CONTAINER_TABLE_MAX]; /* evict()'s scratch: no allocation there */
	size_t cnt;
	size_t cap;              /* at most WARD_CONTAINER_TABLE_MAX */
	uint64_t tick;           /* lookup clock for last_seen */
	uint16_t index[INDEX_CAP]; /* ents position + 1; 0 = empty slot */
	char *socket;            /* NULL: engine queries disabled */
	char *podman_root;       /* NULL: podman storage lookups disabled */
	bool async;
	struct ward_docker *sync_client;
	struct ward_podman_store *sync_podman;
	bool warned_full;
	int warned_podman;       /* atomic: one warning for podman storage errors */

	/* request ring: producer under lock, consumer the metadata thread */
	struct entry *queue[QUEUE_CAP];
	unsigned q_head;         /* atomic, consumer */
	unsigned q_tail;         /* atomic, producer */
	int efd;
	pthread_t thread;
	bool has_thread;
	int stop;                /* atomic */

	uint64_t gen;            /* atomic: bumped after each publish */
	uint64_t drained_gen;
};

_Static_assert(WARD_CONTAINER_TABLE_MAX < UINT16_MAX, "index holds 16-bit positions");

const char *ward_container_short_id(const struct ward_container *c)
{
	/* small rotating per-thread buffers so a caller may format two ids in one printf */
	static __thread char buf[4][13];
	static __thread unsigned next;
	char *b;

	if (!c)
		return "host";
	if (strlen(c->id) <= 12)
		return c->id;
	b = buf[next++ % 4];
	memcpy(b, c->id, 12);
	b[12] = '\0';
	return b;
}

static bool wants_meta(const struct ward_container_table *t, enum ward_runtime rt)
{
	if (rt == WARD_RT_PODMAN)
		return t->podman_root != NULL;
	/* bare 64-hex ids may be Docker containers with a custom cgroup parent, and Kubernetes
	 * nodes with cri-dockerd put Docker containers under kubepods */
	return t->socket &&
	       (rt == WARD_RT_DOCKER || rt == WARD_RT_KUBEPODS || rt == WARD_RT_RUNC);
}

/* Moves metadata from src (a private copy) into e and publishes it. Caller holds WRITING. */
static void publish(struct ward_container_table *t, struct entry *e, struct ward_container *src)
{
	struct ward_container *c = &e->c;

	memcpy(c->name, src->name, sizeof(c->name));
	memcpy(c->image, src->image, sizeof(c->image));
	memcpy(c->image_repo, src->image_repo, sizeof(c->image_repo));
	memcpy(c->image_tag, src->image_tag, sizeof(c->image_tag));
	memcpy(c->image_id, src->image_id, sizeof(c->image_id));
	memcpy(c->pod_name, src->pod_name, sizeof(c->pod_name));
	memcpy(c->pod_ns, src->pod_ns, sizeof(c->pod_ns));
	/* pod_uid is not touched: readers use it without waiting for has_meta, and the cgroup
	 * path already gave it for every Kubernetes layout (the label stays in labels_json) */
	c->privileged = src->privileged;
	c->labels_json = src->labels_json;
	c->merged_dir = src->merged_dir;
	c->upper_dir = src->upper_dir;
	src->labels_json = src->merged_dir = src->upper_dir = NULL;
	__atomic_store_n(&c->has_meta, true, __ATOMIC_RELEASE);
	__atomic_store_n(&e->state, ST_DONE, __ATOMIC_RELEASE);
	__atomic_store_n(&e->announce, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&t->gen, 1, __ATOMIC_RELEASE);
}

/* Runs one metadata query for e, which the caller moved to QUEUED and marked inflight. */
static void query(struct ward_container_table *t, struct ward_docker *d,
		  struct ward_podman_store *ps, struct entry *e)
{
	struct ward_container tmp;
	struct ward_diag diag = { 0 };
	int expect = ST_QUEUED;
	int err;

	memset(&tmp, 0, sizeof(tmp));
	if (e->c.runtime == WARD_RT_PODMAN) {
		err = ps ? ward_podman_lookup(ps, e->c.id, &tmp, &diag) : -ENOENT;
		/* a missing storage or a bad file concerns every podman container: say it once */
		if (err && err != -WARD_E_NOTFOUND && ps &&
		    !__atomic_exchange_n(&t->warned_podman, 1, __ATOMIC_RELAXED)) {
			char msg[1024];

			ward_warn("containers: no podman names or images: %s (%s)",
				  ward_diag_format(&diag, msg, sizeof(msg)), ward_strerror(err));
		}
	} else {
		err = d ? ward_docker_inspect(d, e->c.id, &tmp) : -ENOENT;
	}
	if (err == 0 && __atomic_compare_exchange_n(&e->state, &expect, ST_WRITING, false,
						    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		publish(t, e, &tmp);
		return;
	}
	ward_container_meta_clear(&tmp);
	if (err == 0)
		return; /* someone else (set_meta_json) published first */
	__atomic_store_n(&e->retry_at,
			 ward_mono_ns() + (err == -WARD_E_NOTFOUND ? NOTFOUND_TTL_NS : NEG_TTL_NS),
			 __ATOMIC_RELAXED);
	expect = ST_QUEUED;
	__atomic_compare_exchange_n(&e->state, &expect, ST_IDLE, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
}

static void *meta_thread(void *arg)
{
	struct ward_container_table *t = arg;
	struct ward_docker *d = NULL;
	struct ward_podman_store *ps = NULL;

	if (t->socket && ward_docker_new(t->socket, &d) < 0)
		ward_warn("containers: cannot create the Docker API client; no Docker names");
	if (t->podman_root && ward_podman_store_new(t->podman_root, &ps) < 0)
		ward_warn("containers: out of memory; no podman names");
	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd = { .fd = t->efd, .events = POLLIN };
		unsigned head = __atomic_load_n(&t->q_head, __ATOMIC_RELAXED);
		unsigned tail = __atomic_load_n(&t->q_tail, __ATOMIC_ACQUIRE);
		uint64_t v;

		if (head == tail) {
			if (poll(&pfd, 1, -1) > 0 && read(t->efd, &v, sizeof(v)) < 0 &&
			    errno != EAGAIN)
				break;
			continue;
		}
		struct entry *e = t->queue[head % QUEUE_CAP];

		__atomic_store_n(&t->q_head, head + 1, __ATOMIC_RELEASE);
		if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) == ST_QUEUED)
			query(t, d, ps, e);
		/* last touch of e: from here the table may evict it */
		__atomic_store_n(&e->inflight, 0, __ATOMIC_RELEASE);
	}
	ward_docker_free(d);
	ward_podman_store_free(ps);
	return NULL;
}

/* Asks for metadata when it is missing and not asked for recently. Caller holds t->lock. */
static void maybe_query(struct ward_container_table *t, struct entry *e)
{
	int expect = ST_IDLE;
	uint64_t retry_at;

	if (!wants_meta(t, e->c.runtime) ||
	    __atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != ST_IDLE)
		return;
	retry_at = __atomic_load_n(&e->retry_at, __ATOMIC_RELAXED);
	if (retry_at && ward_mono_ns() < retry_at)
		return;
	if (!__atomic_compare_exchange_n(&e->state, &expect, ST_QUEUED, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	if (!t->async) {
		if (e->c.runtime == WARD_RT_PODMAN ? !t->sync_podman &&
		    ward_podman_store_new(t->podman_root, &t->sync_podman) < 0 :
		    !t->sync_client && ward_docker_new(t->socket, &t->sync_client) < 0) {
			__atomic_store_n(&e->state, ST_IDLE, __ATOMIC_RELEASE);
			return;
		}
		query(t, t->sync_client, t->sync_podman, e);
		return;
	}
	unsigned tail = __atomic_load_n(&t->q_tail, __ATOMIC_RELAXED);
	unsigned head = __atomic_load_n(&t->q_head, __ATOMIC_ACQUIRE);
	uint64_t one = 1;

	if (tail - head >= QUEUE_CAP) {
		/* full: this entry is asked for again at its next sighting */
		__atomic_store_n(&e->state, ST_IDLE, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&e->inflight, 1, __ATOMIC_RELEASE);
	t->queue[tail % QUEUE_CAP] = e;
	__atomic_store_n(&t->q_tail, tail + 1, __ATOMIC_RELEASE);
	/* non-blocking eventfd: a saturated counter already means "wake up" */
	if (write(t->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		ward_dbg("containers: eventfd write: %s", strerror(errno));
}

int ward_container_table_new(const struct ward_container_opts *opts,
			     struct ward_container_table **out)
{
	struct ward_container_table *t;
	pthread_mutexattr_t ma;
	const char *sock = opts && opts->docker_socket ? opts->docker_socket
							: DEFAULT_DOCKER_SOCKET;
	const char *proot = opts && opts->podman_storage ? opts->podman_storage
							 : WARD_PODMAN_DEFAULT_ROOT;
	int err = 0;

	if (!out)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->efd = -1;
	/* recursive: drain_updates callbacks may look containers up */
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&t->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	t->async = opts ? opts->async : false;
	t->cap = opts && opts->max_cnt ? opts->max_cnt : WARD_CONTAINER_TABLE_MAX;
	if (t->cap > WARD_CONTAINER_TABLE_MAX) {
		err = -WARD_E_LIMIT;
		goto fail;
	}
	if (sock[0]) {
		t->socket = strdup(sock);
		if (!t->socket) {
			err = -ENOMEM;
			goto fail;
		}
	}
	if (proot[0]) {
		t->podman_root = strdup(proot);
		if (!t->podman_root) {
			err = -ENOMEM;
			goto fail;
		}
	}
	if ((t->socket || t->podman_root) && t->async) {
		t->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (t->efd < 0) {
			err = -errno;
			goto fail;
		}
		err = -pthread_create(&t->thread, NULL, meta_thread, t);
		if (err)
			goto fail;
		t->has_thread = true;
	}
	*out = t;
	return 0;
fail:
	ward_container_table_free(t);
	return err;
}

void ward_container_table_free(struct ward_container_table *t)
{
	uint64_t one = 1;

	if (!t)
		return;
	if (t->has_thread) {
		__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
		if (write(t->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			ward_dbg("containers: eventfd write: %s", strerror(errno));
		/* a request in flight ends within the client's timeouts */
		pthread_join(t->thread, NULL);
	}
	if (t->efd >= 0)
		close(t->efd);
	for (size_t i = 0; i < t->cnt; i++) {
		ward_container_meta_clear(&t->ents[i]->c);
		free(t->ents[i]);
	}
	ward_docker_free(t->sync_client);
	ward_podman_store_free(t->sync_podman);
	free(t->socket);
	free(t->podman_root);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* Index slot for id: its entry, or the empty slot where it would go. */
static size_t slot_of(struct ward_container_table *t, const char *id, size_t id_len)
{
	size_t i = ward_hash64(id, id_len) & (INDEX_CAP - 1);

	/* load factor <= 1/2 guarantees an empty slot ends the probe */
	while (t->index[i]) {
		struct entry *e = t->ents[t->index[i] - 1];

		if (strlen(e->c.id) == id_len && memcmp(e->c.id, id, id_len) == 0)
			break;
		i = (i + 1) & (INDEX_CAP - 1);
	}
	return i;
}

static bool evictable(struct entry *e)
{
	int st = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);

	return __atomic_load_n(&e->c.refs, __ATOMIC_ACQUIRE) == 0 &&
	       !__atomic_load_n(&e->inflight, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&e->announce, __ATOMIC_ACQUIRE) &&
	       st != ST_QUEUED && st != ST_WRITING;
}

static int by_last_seen(const void *a, const void *b)
{
	uint64_t x = (*(struct entry *const *)a)->last_seen;
	uint64_t y = (*(struct entry *const *)b)->last_seen;

	return x < y ? -1 : x > y;
}

/*
 * Frees up to an eighth of the table (at least one entry): the least recently seen of the
 * entries evictable() accepts, then rebuilds the index. Batching keeps the O(n) rebuild rare
 * on a host that churns containers. Caller holds t->lock. Returns the number evicted.
 */
static size_t evict(struct ward_container_table *t)
{
	struct entry **cand = t->cand;
	size_t n = 0, want = t->cap / 8 ? t->cap / 8 : 1, kept = 0;

	for (size_t i = 0; i < t->cnt; i++)
		if (evictable(t->ents[i]))
			cand[n++] = t->ents[i];
	if (n > want) {
		qsort(cand, n, sizeof(*cand), by_last_seen);
		n = want;
	}
	for (size_t i = 0; i < n; i++)
		cand[i]->is_victim = true;
	for (size_t i = 0; i < t->cnt; i++) {
		struct entry *e = t->ents[i];

		if (e->is_victim) {
			ward_container_meta_clear(&e->c);
			free(e);
		} else {
			t->ents[kept++] = e;
		}
	}
	t->cnt = kept;
	memset(t->index, 0, sizeof(t->index));
	for (size_t i = 0; i < t->cnt; i++) {
		const char *id = t->ents[i]->c.id;

		t->index[slot_of(t, id, strlen(id))] = (uint16_t)(i + 1);
	}
	if (n)
		ward_dbg("containers: table full; evicted %zu containers no process uses", n);
	return n;
}

/* Finds or creates id's entry. Caller holds t->lock. NULL when full of entries that cannot be
 * evicted, or out of memory. */
static struct entry *get_or_add(struct ward_container_table *t, enum ward_runtime rt,
				const char *id, const char *pod_uid)
{
	size_t id_len = strlen(id);
	size_t s = slot_of(t, id, id_len);
	struct entry *e;

	if (t->index[s]) {
		e = t->ents[t->index[s] - 1];
		e->last_seen = ++t->tick;
		return e;
	}
	if (t->cnt >= t->cap) {
		if (evict(t) == 0) {
			if (!t->warned_full)
				ward_warn("containers: table full (%zu containers, all in use by processes "
					  "or pending queries); new containers are reported as host",
					  t->cap);
			t->warned_full = true;
			return NULL;
		}
		s = slot_of(t, id, id_len); /* the index was rebuilt */
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->c.runtime = rt;
	memcpy(e->c.id, id, id_len);
	memcpy(e->c.pod_uid, pod_uid, strnlen(pod_uid, sizeof(e->c.pod_uid) - 1));
	e->last_seen = ++t->tick;
	t->ents[t->cnt++] = e;
	t->index[s] = (uint16_t)t->cnt;
	return e;
}

const struct ward_container *ward_container_for_cgroup(struct ward_container_table *t,
							const struct ward_cgroup_info *ci)
{
	struct entry *e;

	if (!t || !ci || ci->runtime == WARD_RT_HOST ||
	    strnlen(ci->id, sizeof(ci->id)) == 0 || strnlen(ci->id, sizeof(ci->id)) == sizeof(ci->id))
		return NULL;
	pthread_mutex_lock(&t->lock);
	e = get_or_add(t, ci->runtime, ci->id, ci->pod_uid);
	if (e) {
		/* held before the lock is dropped: no eviction can come in between */
		ward_container_hold(&e->c);
		maybe_query(t, e);
	}
	pthread_mutex_unlock(&t->lock);
	return e ? &e->c : NULL;
}

const struct ward_container *ward_container_find(struct ward_container_table *t, const char *id)
{
	const struct ward_container *found = NULL;
	size_t n;

	if (!t || !id)
		return NULL;
	n = strnlen(id, WARD_CONTAINER_ID_MAX + 1);
	if (n < 3 || n > WARD_CONTAINER_ID_MAX)
		return NULL;
	pthread_mutex_lock(&t->lock);
	size_t s = slot_of(t, id, n);

	if (t->index[s]) {
		found = &t->ents[t->index[s] - 1]->c;
	} else {
		for (size_t i = 0; i < t->cnt; i++) {
			if (strncmp(t->ents[i]->c.id, id, n) != 0)
				continue;
			if (found) { /* ambiguous prefix */
				found = NULL;
				break;
			}
			found = &t->ents[i]->c;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return found;
}

int ward_container_set_meta_json(struct ward_container_table *t, const char *json, size_t len)
{
	struct ward_container tmp;
	struct entry *e;
	int err;

	if (!t || !json)
		return -EINVAL;
	err = ward_container_meta_parse(json, len, &tmp);
	if (err)
		return err;
	if (tmp.runtime == WARD_RT_HOST) {
		ward_container_meta_clear(&tmp);
		return -WARD_E_SYNTAX;
	}
	pthread_mutex_lock(&t->lock);
	e = get_or_add(t, tmp.runtime, tmp.id, tmp.pod_uid);
	if (!e) {
		err = t->cnt >= t->cap ? -WARD_E_LIMIT : -ENOMEM;
		goto out;
	}
	for (;;) {
		int st = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);

		if (st == ST_DONE)
			goto out; /* entries only gain metadata; the first answer stays */
		if (st == ST_WRITING) {
			/* the metadata thread is copying fields in: a few stores */
			sched_yield();
			continue;
		}
		if (__atomic_compare_exchange_n(&e->state, &st, ST_WRITING, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			break;
	}
	publish(t, e, &tmp);
out:
	pthread_mutex_unlock(&t->lock);
	ward_container_meta_clear(&tmp);
	return err;
}

void ward_container_drain_updates(struct ward_container_table *t,
				  void (*fn)(const struct ward_container *c, void *arg), void *arg)
{
	uint64_t gen;

	if (!t || !fn)
		return;
	gen = __atomic_load_n(&t->gen, __ATOMIC_ACQUIRE);
	pthread_mutex_lock(&t->lock);
	if (gen != t->drained_gen) {
		t->drained_gen = gen;
		for (size_t i = 0; i < t->cnt; i++) {
			struct entry *e = t->ents[i];

			if (__atomic_exchange_n(&e->announce, 0, __ATOMIC_ACQ_REL))
				fn(&e->c, arg);
		}
	}
	pthread_mutex_unlock(&t->lock);
}
