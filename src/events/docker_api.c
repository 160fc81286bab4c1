// SPDX-License-Identifier: Apache-2.0
/*
 * Docker Engine API client: GET /containers/<id>/json over the engine's unix socket with
 * libcurl (CURLOPT_UNIX_SOCKET_PATH). The body is capped at WARD_DOCKER_MAX_RESPONSE while it
 * arrives, and the whole request at a few seconds, so a stuck or hostile engine can delay
 * metadata but never grow memory or hang the caller forever. Parsing is container_meta.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "events/container_meta.h"
#include "events/docker_api.h"

#define DOCKER_CONNECT_TIMEOUT_MS 1000L
#define DOCKER_REQUEST_TIMEOUT_MS 3000L

struct ward_docker {
	char *socket_path;
	CURL *curl;
	struct ward_buf body;
	bool over_limit;
	long connect_timeout_ms, request_timeout_ms;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe in older libcurl: run it exactly once. */
static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_NOTHING);
}

int ward_docker_new(const char *socket_path, struct ward_docker **out)
{
	struct ward_docker *d;

	if (!socket_path || !socket_path[0] || strlen(socket_path) >= 108)
		return -EINVAL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return -ENOMEM;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->socket_path = strdup(socket_path);
	d->curl = curl_easy_init();
	if (!d->socket_path || !d->curl) {
		ward_docker_free(d);
		return -ENOMEM;
	}
	ward_buf_init(&d->body, WARD_DOCKER_MAX_RESPONSE);
	d->connect_timeout_ms = DOCKER_CONNECT_TIMEOUT_MS;
	d->request_timeout_ms = DOCKER_REQUEST_TIMEOUT_MS;
	*out = d;
	return 0;
}

void ward_docker_free(struct ward_docker *d)
{
	if (!d)
		return;
	if (d->curl)
		curl_easy_cleanup(d->curl);
	ward_buf_free(&d->body);
	free(d->socket_path);
	free(d);
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct ward_docker *d = arg;
	size_t n = size * nmemb;

	/* returning less than n makes curl abort the transfer */
	if (ward_buf_append(&d->body, p, n) < 0) {
		d->over_limit = true;
		return 0;
	}
	return n;
}

/* Ids go into a URL path: only the characters container ids are made of. */
static bool id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > WARD_CONTAINER_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

int ward_docker_get_inspect(struct ward_docker *d, const char *id, const char **body,
			    size_t *body_len)
{
	char url[160];
	long status = 0;
	struct stat st;
	CURLcode rc;

	if (!d || !id || !id_ok(id))
		return -EINVAL;
	/* a missing socket is the common case on hosts without Docker: say so without curl */
	if (stat(d->socket_path, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	if (snprintf(url, sizeof(url), "http://localhost/containers/%s/json", id) >=
	    (int)sizeof(url))
		return -EINVAL;

	ward_buf_reset(&d->body);
	d->over_limit = false;
	curl_easy_reset(d->curl);
	curl_easy_setopt(d->curl, CURLOPT_UNIX_SOCKET_PATH, d->socket_path);
	curl_easy_setopt(d->curl, CURLOPT_URL, url);
	curl_easy_setopt(d->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(d->curl, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(d->curl, CURLOPT_CONNECTTIMEOUT_MS, d->connect_timeout_ms);
	curl_easy_setopt(d->curl, CURLOPT_TIMEOUT_MS, d->request_timeout_ms);
	curl_easy_setopt(d->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d->curl, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(d->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(d->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)WARD_DOCKER_MAX_RESPONSE);

	rc = curl_easy_perform(d->curl);
	if (d->over_limit || rc == CURLE_FILESIZE_EXCEEDED)
		return -WARD_E_LIMIT;
	if (rc == CURLE_COULDNT_CONNECT)
		return -ECONNREFUSED;
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return -ETIMEDOUT;
	if (rc != CURLE_OK)
		return -EIO;
	curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 404)
		return -WARD_E_NOTFOUND;
	if (status != 200)
		return -EIO;
	*body = d->body.data;
	*body_len = d->body.len;
	return 0;
}

void ward_docker_set_timeouts(struct ward_docker *d, long connect_ms, long request_ms)
{
	d->connect_timeout_ms = connect_ms;
	d->request_timeout_ms = request_ms;
}

int ward_docker_inspect(struct ward_docker *d, const char *id, struct ward_container *out)
{
	const char *body;
	size_t len;
	int err;

	if (!out)
		return -EINVAL;
	err = ward_docker_get_inspect(d, id, &body, &len);
	if (err)
		return err;
	return ward_docker_parse_inspect(body, len, id, out);
}
