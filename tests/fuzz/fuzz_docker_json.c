// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the container metadata parsers: Docker inspect JSON and the
 * capture-file metadata document read back in replay. Whatever parses must serialize and
 * parse again to the same fields; nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/container_meta.h"

static void roundtrip(const struct ward_container *c)
{
	struct ward_container back;
	char *s = ward_container_meta_json(c);

	if (!s)
		return;
	/* ids can be empty after an inspect parse: the document is then rejected */
	if (ward_container_meta_parse(s, strlen(s), &back) == 0) {
		if (strcmp(back.name, c->name) || strcmp(back.image, c->image) ||
		    strcmp(back.pod_name, c->pod_name) || back.privileged != c->privileged)
			abort();
		ward_container_meta_clear(&back);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_container c;
	char repo[64], tag[16], img[256];

	memset(&c, 0, sizeof(c));
	memcpy(c.id, "abc", 4);
	c.runtime = WARD_RT_DOCKER;
	if (ward_docker_parse_inspect((const char *)data, size, NULL, &c) == 0) {
		roundtrip(&c);
		ward_container_meta_clear(&c);
	}
	if (ward_container_meta_parse((const char *)data, size, &c) == 0) {
		roundtrip(&c);
		ward_container_meta_clear(&c);
	}
	/* small outputs so the length limits are exercised too */
	if (size < sizeof(img) && !memchr(data, '\0', size)) {
		memcpy(img, data, size);
		img[size] = '\0';
		ward_image_split(img, repo, sizeof(repo), tag, sizeof(tag));
	}
	return 0;
}
