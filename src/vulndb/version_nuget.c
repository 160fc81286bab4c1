// SPDX-License-Identifier: Apache-2.0
/*
 * NuGet version ordering: SemVer 2.0 extended to a fourth numeric part (1.2.3.4), missing
 * parts read as 0 (1.0 == 1.0.0.0), pre-release labels compared case-insensitively
 * (1.0.0-Beta == 1.0.0-beta), build metadata ignored. Not NuGet's range syntax ([1.0,2.0)).
 */
#include "vulndb/version.h"

int ward_vercmp_nuget(const char *a, const char *b, int *err)
{
	return ward_ver_semverish_cmp(a, b, 1, 4, 1, err);
}
