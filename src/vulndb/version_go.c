// SPDX-License-Identifier: Apache-2.0
/*
 * Go module version ordering: semver with the 'v' prefix optional (the Go vulnerability
 * database writes versions without it), "+incompatible" ignored like any build metadata,
 * and pseudo-versions (v0.0.0-20191109021931-daa7c04131f5) ordered by their pre-release
 * part, which is how the go command orders them. The toolchain spelling "go1.21.3" (what Go
 * binaries record for the stdlib module) is accepted too. Not a validator of pseudo-version
 * shape, and not Go's pre-1.21 toolchain names such as "go1.20rc1".
 */
#include "vulndb/version.h"

static const char *strip_go(const char *s)
{
	return (s[0] == 'g' && s[1] == 'o' && s[2] >= '0' && s[2] <= '9') ? s + 2 : s;
}

int ward_vercmp_go(const char *a, const char *b, int *err)
{
	return ward_ver_semverish_cmp(strip_go(a), strip_go(b), 1, 3, 0, err);
}
