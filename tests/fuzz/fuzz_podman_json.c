// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for podman's containers/storage records: the input is read as
 * containers.json and as images.json, and one fixed id is looked up in each (the seed corpus
 * uses it). Whatever parses must give ids that are 64 hex or empty (they become path
 * components) and NUL-terminated slots; nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/podman_store.h"

#define ID "d572b762dfa2cc2e156b24aae1747ddbd701f078c174845c86f771eecee9a7d8"

static void check_hex(const char *s)
{
	size_t n = strnlen(s, 65);

	if (n != 0 && n != 64)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_podman_rec r;
	struct ward_diag d;
	char name[64];

	if (ward_podman_find_container((const char *)data, size, "containers.json", ID, &r,
				       &d) == 0) {
		check_hex(r.image_id);
		check_hex(r.layer);
		if (strnlen(r.name, sizeof(r.name)) == sizeof(r.name) ||
		    strnlen(r.image, sizeof(r.image)) == sizeof(r.image))
			abort();
	}
	/* a small slot so the length limit is exercised too */
	if (ward_podman_find_image((const char *)data, size, "images.json", ID, name,
				   sizeof(name), &d) == 0 && strnlen(name, sizeof(name)) == sizeof(name))
		abort();
	return 0;
}
