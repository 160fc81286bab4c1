// SPDX-License-Identifier: Apache-2.0
/*
 * Metrics endpoint and metrics file. The HTTP side answers GET /metrics only, renders per
 * request into a bounded buffer and hands it to libmicrohttpd to free. The file side is a
 * thread that sleeps on a condition variable, so stop wakes it at once.
 */
#include "alert/metrics_serve.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ward_metrics_server {
	struct ward_metrics *m;
	struct MHD_Daemon *httpd;
	uint16_t port;
	char *file;
	unsigned interval_s;
	bool has_thread;
	bool stopping;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static int parse_port(const char *s, uint16_t *out)
{
	char *end;
	long v;

	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 65535 || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int ward_metrics_parse_listen(const char *s, struct sockaddr_storage *out, socklen_t *out_len)
{
	char host[WARD_METRICS_LISTEN_MAX];
	const char *colon, *port_s;
	size_t len, host_len;
	uint16_t port;
	struct sockaddr_storage ss;

	if (!s)
		return -EINVAL;
	len = strnlen(s, WARD_METRICS_LISTEN_MAX);
	if (len == 0 || len >= WARD_METRICS_LISTEN_MAX)
		return -EINVAL;
	memset(&ss, 0, sizeof(ss));
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close || close[1] != ':')
			return -EINVAL;
		host_len = (size_t)(close - s - 1);
		memcpy(host, s + 1, host_len);
		host[host_len] = '\0';
		port_s = close + 2;
		if (parse_port(port_s, &port))
			return -EINVAL;
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;

		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			return -EINVAL;
		*out = ss;
		*out_len = sizeof(*a6);
		return 0;
	}
	colon = memrchr(s, ':', len);
	if (!colon)
		return -EINVAL;
	host_len = (size_t)(colon - s);
	memcpy(host, s, host_len);
	host[host_len] = '\0';
	if (parse_port(colon + 1, &port))
		return -EINVAL;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;

	a4->sin_family = AF_INET;
	a4->sin_port = htons(port);
	if (host_len == 0)
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return -EINVAL;
	*out = ss;
	*out_len = sizeof(*a4);
	return 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *body,
			     size_t len, enum MHD_ResponseMemoryMode mode, const char *ctype)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct ward_metrics_server *s = cls;
	struct ward_buf b;
	static const char nf[] = "not found\n", bad[] = "method not allowed\n",
			  fail[] = "metrics unavailable\n";

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(c, 405, bad, sizeof(bad) - 1, MHD_RESPMEM_PERSISTENT, "text/plain");
	if (strcmp(url, "/metrics") != 0)
		return reply(c, 404, nf, sizeof(nf) - 1, MHD_RESPMEM_PERSISTENT, "text/plain");
	ward_buf_init(&b, WARD_METRICS_TEXT_MAX);
	if (ward_metrics_render(s->m, &b) || !b.data) {
		ward_buf_free(&b);
		return reply(c, 500, fail, sizeof(fail) - 1, MHD_RESPMEM_PERSISTENT, "text/plain");
	}
	/* MHD takes ownership of b.data and free()s it after sending */
	return reply(c, 200, b.data, b.len, MHD_RESPMEM_MUST_FREE,
		     "text/plain; version=0.0.4; charset=utf-8");
}

static void *file_loop(void *arg)
{
	struct ward_metrics_server *s = arg;
	int last_err = 0;

	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		struct timespec until;
		int err;

		pthread_mutex_unlock(&s->lock);
		err = ward_metrics_write_file(s->m, s->file);
		/* say so once per change of state, not every interval */
		if (err && err != last_err)
			ward_warn("metrics: cannot write %s: %s", s->file, ward_strerror(err));
		last_err = err;
		pthread_mutex_lock(&s->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += s->interval_s;
		while (!s->stopping &&
		       pthread_cond_timedwait(&s->cond, &s->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int ward_metrics_server_start(struct ward_metrics *m, const char *listen, const char *file,
			      unsigned interval_s, struct ward_metrics_server **out,
			      struct ward_diag *diag)
{
	struct ward_metrics_server *s;
	struct sockaddr_storage ss;
	socklen_t ss_len;
	pthread_condattr_t ca;
	int err = 0;

	if (interval_s > WARD_METRICS_INTERVAL_MAX)
		return ward_diag_set(diag, -EINVAL, NULL, 0, 0,
				     "metrics interval %u s is above the maximum %u s", interval_s,
				     WARD_METRICS_INTERVAL_MAX);
	if (listen && *listen && ward_metrics_parse_listen(listen, &ss, &ss_len))
		return ward_diag_set(diag, -EINVAL, NULL, 0, 0,
				     "metrics.listen \"%.64s\" is not ADDR:PORT (e.g. 127.0.0.1:9376)",
				     listen);
	s = ward_xcalloc(1, sizeof(*s));
	s->m = m;
	s->interval_s = interval_s ? interval_s : 10;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);

	if (listen && *listen) {
		unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

		if (ss.ss_family == AF_INET6)
			flags |= MHD_USE_IPv6;
		s->httpd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
					    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					    MHD_OPTION_CONNECTION_LIMIT, 16u,
					    MHD_OPTION_CONNECTION_TIMEOUT, 10u,
					    MHD_OPTION_END);
		if (!s->httpd) {
			err = ward_diag_set(diag, -EADDRNOTAVAIL, NULL, 0, 0,
					    "metrics: cannot listen on %s (address in use or not local?)",
					    listen);
			goto fail;
		}
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->httpd,
								      MHD_DAEMON_INFO_BIND_PORT);
		s->port = di ? di->port : 0;
	}
	if (file && *file) {
		s->file = ward_xstrdup(file);
		err = pthread_create(&s->thread, NULL, file_loop, s);
		if (err) {
			err = ward_diag_set(diag, -err, NULL, 0, 0, "metrics: cannot start thread");
			goto fail;
		}
		s->has_thread = true;
	}
	*out = s;
	return 0;
fail:
	ward_metrics_server_stop(s);
	return err;
}

uint16_t ward_metrics_server_port(const struct ward_metrics_server *s)
{
	return s ? s->port : 0;
}

void ward_metrics_server_write(struct ward_metrics_server *s)
{
	int err;

	if (!s || !s->file)
		return;
	err = ward_metrics_write_file(s->m, s->file);
	if (err)
		ward_warn("metrics: cannot write %s: %s", s->file, ward_strerror(err));
}

void ward_metrics_server_stop(struct ward_metrics_server *s)
{
	if (!s)
		return;
	if (s->httpd)
		MHD_stop_daemon(s->httpd);
	if (s->has_thread) {
		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
		/* the final counts, so a file reader after shutdown sees the totals */
		ward_metrics_server_write(s);
	}
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s->file);
	free(s);
}
