// SPDX-License-Identifier: Apache-2.0
/*
 * `ward scan image --docker NAME`: asks the local Docker Engine for the image over its unix
 * socket (GET /images/NAME/get, a docker-save tar) and scans the response as it streams. A
 * helper thread runs libcurl and writes into a socketpair the scanner reads, so the image
 * never lands on disk and memory stays what the scanner needs. Only unix sockets
 * ($DOCKER_HOST=unix://PATH or /var/run/docker.sock); no TCP, no registry.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/limits.h"
#include "scan/scan.h"

#define DOCKER_API "v1.41"

struct pump {
	CURL *curl;
	int fd;                  /* write end */
	long status;
	struct ward_buf errbody; /* the JSON error message on a non-200 answer */
	CURLcode res;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct pump *p = arg;
	size_t len = size * n, off = 0;

	if (!p->status)
		curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &p->status);
	if (p->status != 200) {
		ward_buf_append(&p->errbody, data, len < 4096 ? len : 4096);
		return len;
	}
	while (off < len) {
		ssize_t w = send(p->fd, data + off, len - off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return 0; /* the scanner stopped reading: abort the transfer */
		}
		off += (size_t)w;
	}
	return len;
}

static void *pump_run(void *arg)
{
	struct pump *p = arg;

	p->res = curl_easy_perform(p->curl);
	if (!p->status)
		curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &p->status);
	shutdown(p->fd, SHUT_WR);
	return NULL;
}

int ward_scan_docker(const struct ward_scan_opts *o, const char *name,
		     struct ward_scan_result **out, struct ward_diag *d)
{
	const char *host = getenv("DOCKER_HOST");
	const char *sock = "/var/run/docker.sock";
	char url[2048], target[600];
	struct pump p = { 0 };
	pthread_t th;
	char *esc;
	int sv[2], rc;

	if (host && *host) {
		if (strncmp(host, "unix://", 7))
			return ward_diag_set(d, -WARD_E_UNSUPPORTED, "DOCKER_HOST", 0, 0,
					     "'%s': only unix:// sockets are supported", host);
		sock = host + 7;
	}
	p.curl = curl_easy_init();
	if (!p.curl)
		return -ENOMEM;
	esc = curl_easy_escape(p.curl, name, 0);
	snprintf(url, sizeof(url), "http://localhost/%s/images/%s/get", DOCKER_API, esc ? esc : "");
	curl_free(esc);
	snprintf(target, sizeof(target), "docker:%s", name);
	ward_buf_init(&p.errbody, 8192);
	curl_easy_setopt(p.curl, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(p.curl, CURLOPT_URL, url);
	curl_easy_setopt(p.curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(p.curl, CURLOPT_WRITEDATA, &p);
	curl_easy_setopt(p.curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p.curl, CURLOPT_CONNECTTIMEOUT, 10L);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		rc = -errno;
		goto out_curl;
	}
	p.fd = sv[1];
	if ((rc = pthread_create(&th, NULL, pump_run, &p)) != 0) {
		close(sv[0]);
		close(sv[1]);
		rc = -rc;
		goto out_curl;
	}
	rc = ward_scan_image_stream(o, sv[0], target, out, d);
	close(sv[0]); /* unblocks the pump if the scan stopped early */
	pthread_join(th, NULL);
	close(sv[1]);
	if (p.res != CURLE_OK && p.status != 200 && p.status == 0) {
		if (rc == 0) {
			ward_scan_result_free(*out);
			*out = NULL;
		}
		rc = ward_diag_set(d, -ECONNREFUSED, sock, 0, 0, "cannot reach the Docker Engine: %s",
				   curl_easy_strerror(p.res));
	} else if (p.status != 200) {
		if (rc == 0) {
			ward_scan_result_free(*out);
			*out = NULL;
		}
		rc = ward_diag_set(d, p.status == 404 ? -WARD_E_NOTFOUND : -EIO, target, 0, 0,
				   "Docker Engine answered HTTP %ld: %.300s", p.status,
				   p.errbody.len ? p.errbody.data : "");
	} else if (p.res != CURLE_OK && rc == 0) {
		ward_scan_result_free(*out);
		*out = NULL;
		rc = ward_diag_set(d, -EIO, target, 0, 0, "image download failed: %s",
				   curl_easy_strerror(p.res));
	}
out_curl:
	ward_buf_free(&p.errbody);
	curl_easy_cleanup(p.curl);
	return rc;
}
