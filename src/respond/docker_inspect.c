// SPDX-License-Identifier: Apache-2.0
/*
 * The raw Docker Engine inspect document of one container, for forensic bundles, which keep
 * the engine's own JSON verbatim as evidence (events/docker_api.c parses it into fields for
 * attribution instead). libcurl over the engine's unix socket, size-capped, short timeouts.
 */
#include "respond/respond.h"

#include "common/limits.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct ward_buf *b = arg;

	/* returning less than given makes libcurl abort the transfer */
	return ward_buf_append(b, p, size * n) ? 0 : size * n;
}

int ward_docker_inspect_raw(const char *socket_path, const char *id, struct ward_buf *out)
{
	char url[160];
	struct stat st;
	long status = 0;
	CURLcode rc;
	CURL *c;

	if (!socket_path || !*socket_path)
		return -ENOENT;
	if (stat(socket_path, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	snprintf(url, sizeof(url), "http://localhost/containers/%s/json", id);
	c = curl_easy_init();
	if (!c)
		return -ENOMEM;
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket_path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc == CURLE_WRITE_ERROR)
		return -WARD_E_LIMIT;
	if (rc != CURLE_OK)
		return -ECONNREFUSED;
	if (status == 404)
		return -WARD_E_NOTFOUND;
	return status == 200 ? 0 : -EIO;
}
