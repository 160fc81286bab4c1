// SPDX-License-Identifier: Apache-2.0
/*
 * Webhook output: each alert's JSON is POSTed (Content-Type: application/json) by a worker
 * thread, so detection never waits on the network. The caller only copies the JSON into a
 * bounded ring; when the ring is full the oldest queued alert is dropped and counted, since
 * the newest alert is the one an operator most needs. Transient failures (connection errors,
 * timeouts, 408, 429, 5xx) are retried with exponential backoff; other 4xx answers are final.
 * At close the worker delivers what is queued, one attempt each, for at most flush_s seconds.
 *
 * Ownership of a queued body: the ring slot owns it until ring_pop() moves it out (and clears
 * the slot); whoever popped it frees it. Every path that removes an item (delivery, the full
 * ring dropping its oldest, the flush deadline dropping the rest) goes through ring_pop, so
 * webhook_close only frees what is still in the ring, and nothing twice.
 *
 * Configured extra headers (authentication tokens, tenant ids) are sent on every request;
 * they were checked by ward_webhook_header_check and are never logged. TLS verifies the
 * server against the system store or a configured CA file/directory, and presents a client
 * certificate for mutual TLS when one is configured. Logs name the URL without its userinfo
 * or query, where credentials tend to hide.
 *
 * Not a general HTTP client: no redirects, no proxies, http and https only.
 */
#include "alert/output.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct item {
	char *body;
	size_t len;
};

struct out_webhook {
	struct ward_output base;
	char *url;
	char *log_url;             /* url without userinfo and query: safe to log */
	struct ward_webhook_opts o;
	struct ward_metrics *metrics;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct item *ring;
	size_t cap, head, cnt;     /* ring of cap items; head = oldest */
	bool stopping;
	struct timespec deadline;  /* flush deadline once stopping */
	pthread_t thread;

	CURL *curl;
	struct curl_slist *headers;
	bool warned;               /* one log line per outage, not per alert */
	char errbuf[CURL_ERROR_SIZE]; /* libcurl's detail (TLS verification ...), worker only */
};

enum post_result { POST_OK, POST_RETRY, POST_FINAL };

static size_t discard_body(char *p, size_t size, size_t n, void *arg)
{
	return size * n; /* the receiver's answer is not used; never buffered */
}

static enum post_result post(struct out_webhook *w, const struct item *it)
{
	long code = 0;
	CURLcode rc;

	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, it->body);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)it->len);
	w->errbuf[0] = '\0';
	rc = curl_easy_perform(w->curl);
	if (rc != CURLE_OK) {
		if (!w->warned)
			ward_warn("webhook: %s: %s%s%s (will retry)", w->log_url, curl_easy_strerror(rc),
				  w->errbuf[0] ? ": " : "", w->errbuf);
		w->warned = true;
		return POST_RETRY;
	}
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300) {
		if (w->warned)
			ward_info("webhook: %s: delivering again", w->log_url);
		w->warned = false;
		return POST_OK;
	}
	if (!w->warned)
		ward_warn("webhook: %s answered HTTP %ld", w->log_url, code);
	w->warned = true;
	if (code == 408 || code == 429 || code >= 500)
		return POST_RETRY;
	return POST_FINAL;
}

static void deadline_in(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static bool past(const struct timespec *ts)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > ts->tv_sec || (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

/* Delivers one item with retries. Called without the lock. */
static void deliver(struct out_webhook *w, const struct item *it)
{
	unsigned delay = w->o.backoff_min_ms;

	for (unsigned attempt = 0;; attempt++) {
		enum post_result r = post(w, it);
		struct timespec until;
		bool stop;

		if (r == POST_OK) {
			if (w->metrics)
				ward_metrics_webhook_sent(w->metrics);
			return;
		}
		pthread_mutex_lock(&w->lock);
		stop = w->stopping;
		pthread_mutex_unlock(&w->lock);
		/* at shutdown there is no time to back off: one attempt each, then move on */
		if (r == POST_FINAL || attempt >= w->o.max_retries || stop) {
			if (w->metrics)
				ward_metrics_output_error(w->metrics, WARD_MO_WEBHOOK);
			return;
		}
		if (w->metrics)
			ward_metrics_webhook_retry(w->metrics);
		deadline_in(&until, delay);
		pthread_mutex_lock(&w->lock);
		while (!w->stopping && pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&w->lock);
		delay = delay > w->o.backoff_max_ms / 2 ? w->o.backoff_max_ms : delay * 2;
	}
}

/* Moves the oldest item out of the ring; the caller owns (and frees) it. Lock held. */
static struct item ring_pop(struct out_webhook *w)
{
	struct item it = w->ring[w->head];

	w->ring[w->head].body = NULL;
	w->ring[w->head].len = 0;
	w->head = (w->head + 1) % w->cap;
	w->cnt--;
	return it;
}

static void *worker(void *arg)
{
	struct out_webhook *w = arg;
	struct item it;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->cnt && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->cnt)
			break;
		if (w->stopping && past(&w->deadline)) {
			/* out of flush time: what is left is dropped, and counted */
			if (w->metrics)
				ward_metrics_output_dropped(w->metrics, WARD_MO_WEBHOOK, w->cnt);
			while (w->cnt)
				free(ring_pop(w).body);
			break;
		}
		it = ring_pop(w);
		pthread_mutex_unlock(&w->lock);
		deliver(w, &it);
		free(it.body);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static int webhook_write(struct ward_output *o, const struct ward_alert *a, const char *json,
			 size_t json_len, const char *text, size_t text_len)
{
	struct out_webhook *w = (struct out_webhook *)o;
	char *copy = malloc(json_len + 1);
	size_t tail;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, json, json_len);
	copy[json_len] = '\0';
	pthread_mutex_lock(&w->lock);
	if (w->cnt == w->cap) {
		free(ring_pop(w).body);
		if (w->metrics)
			ward_metrics_output_dropped(w->metrics, WARD_MO_WEBHOOK, 1);
	}
	tail = (w->head + w->cnt) % w->cap;
	w->ring[tail].body = copy;
	w->ring[tail].len = json_len;
	w->cnt++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

static void webhook_close(struct ward_output *o)
{
	struct out_webhook *w = (struct out_webhook *)o;

	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	deadline_in(&w->deadline, w->o.flush_s * 1000u);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);

	/* the worker emptied the ring (delivered or dropped); this frees only what a failed
	 * worker could have left, each slot owning at most one body */
	while (w->cnt)
		free(ring_pop(w).body);
	free(w->ring);
	curl_slist_free_all(w->headers);
	curl_easy_cleanup(w->curl);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->url);
	free(w->log_url);
	free(w);
}

static bool url_ok(const char *url)
{
	size_t len = strnlen(url, WARD_WEBHOOK_URL_MAX + 1);

	if (len == 0 || len > WARD_WEBHOOK_URL_MAX)
		return false;
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

/* scheme://[userinfo@]host[:port]/path[?query][#frag] -> scheme://host[:port]/path */
static char *url_for_log(const char *url)
{
	const char *sep = strstr(url, "://");
	size_t scheme_len = sep ? (size_t)(sep + 3 - url) : 0;
	const char *auth = url + scheme_len;
	const char *at = memrchr(auth, '@', strcspn(auth, "/?#"));
	const char *host = at ? at + 1 : auth;
	size_t rest_len = strcspn(host, "?#");
	char *out = ward_xmalloc(scheme_len + rest_len + 1);

	memcpy(out, url, scheme_len);
	memcpy(out + scheme_len, host, rest_len);
	out[scheme_len + rest_len] = '\0';
	return out;
}

int ward_output_webhook_new(const struct ward_webhook_opts *opts, struct ward_output **out)
{
	struct out_webhook *w;
	pthread_condattr_t ca;
	int err;

	if (!opts || !opts->url || !url_ok(opts->url) || opts->queue_cap > WARD_WEBHOOK_QUEUE_MAX ||
	    opts->max_retries > WARD_WEBHOOK_RETRIES_MAX || opts->timeout_s > WARD_WEBHOOK_TIMEOUT_MAX ||
	    opts->flush_s > WARD_WEBHOOK_TIMEOUT_MAX || opts->headers_cnt > WARD_WEBHOOK_HEADERS_MAX ||
	    (opts->headers_cnt && !opts->headers) ||
	    (opts->user_agent && (strnlen(opts->user_agent, WARD_WEBHOOK_UA_MAX + 1) > WARD_WEBHOOK_UA_MAX ||
				  strpbrk(opts->user_agent, "\r\n"))) ||
	    (opts->client_key && *opts->client_key && !(opts->client_cert && *opts->client_cert)))
		return -EINVAL;
	for (size_t i = 0; i < opts->headers_cnt; i++) {
		if (!opts->headers[i] ||
		    ward_webhook_header_check(opts->headers[i],
					      strnlen(opts->headers[i], WARD_WEBHOOK_HEADER_MAX + 1),
					      NULL, NULL))
			return -EINVAL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	w = ward_xcalloc(1, sizeof(*w));
	w->o = *opts;
	w->url = ward_xstrdup(opts->url);
	w->log_url = url_for_log(opts->url);
	w->o.url = w->url;
	/* the options below are copied by libcurl; nothing of opts is kept past this call */
	w->o.headers = NULL;
	w->o.headers_cnt = 0;
	w->o.user_agent = w->o.ca_cert = w->o.ca_path = w->o.client_cert = w->o.client_key = NULL;
	w->metrics = opts->metrics;
	w->cap = opts->queue_cap ? opts->queue_cap : 1024;
	if (!w->o.timeout_s)
		w->o.timeout_s = 5;
	if (!w->o.backoff_min_ms)
		w->o.backoff_min_ms = 100;
	if (!w->o.backoff_max_ms)
		w->o.backoff_max_ms = 5000;
	if (w->o.backoff_max_ms < w->o.backoff_min_ms)
		w->o.backoff_max_ms = w->o.backoff_min_ms;
	if (!w->o.flush_s)
		w->o.flush_s = 5;
	w->ring = ward_xcalloc(w->cap, sizeof(*w->ring));

	w->curl = curl_easy_init();
	if (!w->curl) {
		err = -ENOMEM;
		goto fail_curl;
	}
	w->headers = curl_slist_append(NULL, "Content-Type: application/json");
	for (size_t i = 0; i < opts->headers_cnt && w->headers; i++) {
		struct curl_slist *h = curl_slist_append(w->headers, opts->headers[i]);

		if (!h) {
			curl_slist_free_all(w->headers);
			w->headers = NULL;
		}
		w->headers = h;
	}
	if (!w->headers) {
		err = -ENOMEM;
		goto fail;
	}
	curl_easy_setopt(w->curl, CURLOPT_URL, w->url);
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, w->headers);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT,
			 opts->user_agent && *opts->user_agent ? opts->user_agent : "ward/" WARD_VERSION);
	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, w->errbuf);
	if (opts->ca_cert && *opts->ca_cert)
		curl_easy_setopt(w->curl, CURLOPT_CAINFO, opts->ca_cert);
	if (opts->ca_path && *opts->ca_path)
		curl_easy_setopt(w->curl, CURLOPT_CAPATH, opts->ca_path);
	if (opts->client_cert && *opts->client_cert) {
		curl_easy_setopt(w->curl, CURLOPT_SSLCERT, opts->client_cert);
		curl_easy_setopt(w->curl, CURLOPT_SSLCERTTYPE, "PEM");
		/* no client_key: the key sits in the certificate's PEM file, as libcurl expects */
		if (opts->client_key && *opts->client_key) {
			curl_easy_setopt(w->curl, CURLOPT_SSLKEY, opts->client_key);
			curl_easy_setopt(w->curl, CURLOPT_SSLKEYTYPE, "PEM");
		}
	}
	if (opts->insecure) {
		curl_easy_setopt(w->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(w->curl, CURLOPT_SSL_VERIFYHOST, 0L);
		/* said at every start, at warn level: this is never a safe production setting */
		ward_warn("webhook: %s: outputs.webhook.insecure is true: the server's TLS "
			  "certificate is NOT verified; anyone on the network path can read and "
			  "alter alerts and the configured headers", w->log_url);
	} else {
		curl_easy_setopt(w->curl, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(w->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	}
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM games in a thread */
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT, (long)w->o.timeout_s);
	curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT, (long)w->o.timeout_s);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(w->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, discard_body);

	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	w->base.name = "webhook";
	w->base.write = webhook_write;
	w->base.close = webhook_close;
	err = pthread_create(&w->thread, NULL, worker, w);
	if (err) {
		err = -err;
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		goto fail;
	}
	*out = &w->base;
	return 0;
fail:
	curl_slist_free_all(w->headers);
	curl_easy_cleanup(w->curl);
fail_curl:
	free(w->ring);
	free(w->url);
	free(w->log_url);
	free(w);
	return err;
}
