/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Publishing metrics: GET /metrics over HTTP (libmicrohttpd, its own thread) and/or a file
 * rewritten atomically every interval. Only serving; the counters are metrics.h.
 */
#ifndef WARD_ALERT_METRICS_SERVE_H
#define WARD_ALERT_METRICS_SERVE_H

#include <stdint.h>
#include <sys/socket.h>

#include "alert/metrics.h"
#include "common/err.h"
#include "common/limits.h"

/* Parses "127.0.0.1:9376", "[::1]:9376", "localhost:9376" or ":9376" (all IPv4 addresses).
 * Port 0 asks for an ephemeral port. Returns 0 or -EINVAL; *out and *out_len set on success. */
int ward_metrics_parse_listen(const char *s, struct sockaddr_storage *out, socklen_t *out_len);

struct ward_metrics_server;

/* Starts whichever of listen (HTTP) and file is non-empty; interval_s is the file rewrite
 * period (0 = 10 s). Returns 0 or -errno/-WARD_E_*, with detail in diag. m must outlive the
 * server. */
int ward_metrics_server_start(struct ward_metrics *m, const char *listen, const char *file,
			      unsigned interval_s, struct ward_metrics_server **out,
			      struct ward_diag *diag);
/* The bound HTTP port (useful with port 0), or 0 when not serving HTTP. */
uint16_t ward_metrics_server_port(const struct ward_metrics_server *s);
/* Stops the threads; writes the file one last time. Accepts NULL. */
void ward_metrics_server_stop(struct ward_metrics_server *s);

/* Writes the metrics file now (no-op without one, or for NULL); the shutdown calls it before
 * the outputs' flush, which can take outputs.webhook's flush time, so the file holds the final
 * detection counts even if the process is killed during that flush. */
void ward_metrics_server_write(struct ward_metrics_server *s);

#endif
