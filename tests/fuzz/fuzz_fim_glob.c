// SPDX-License-Identifier: Apache-2.0
/* Fuzzes the FIM policy built from config items: the first line is a path item ("PATH" or
 * "PATH SPEC"), further lines are exclude globs; a valid policy is then queried with the
 * path of the first item. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fim/policy.h"

#define MAX_LINES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *lines[MAX_LINES];
	size_t n = 0;
	struct ward_fim_policy *p = NULL;
	struct ward_diag d;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *s = buf, *nl; s && n < MAX_LINES; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		lines[n++] = s;
	}
	struct ward_fim_policy_src src = {
		.paths = (const char *const *)lines, .paths_cnt = 1,
		.excludes = (const char *const *)lines + 1, .excludes_cnt = n - 1,
		.default_group = "R", .hash = "sha256",
	};
	if (ward_fim_policy_new(&src, &p, &d) == 0) {
		const char *q = p->roots[0].path;

		if (!ward_fim_policy_mask(p, q, strlen(q)))
			abort(); /* a root always lies within itself */
		ward_fim_policy_excluded(p, q);
		ward_fim_policy_free(p);
	}
	free(buf);
	return 0;
}
