/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to src/vulndb: one comparison function per version scheme (version_<scheme>.c)
 * and the small helpers they share. Each returns the sign of a - b (-1, 0, 1) and sets *err
 * to 0, or to -WARD_E_SYNTAX / -WARD_E_LIMIT when either string is not a version of that
 * scheme (the return value is then meaningless). Not a public API: callers use
 * ward_version_cmp() from vulndb.h, which picks the scheme from the OSV ecosystem.
 */
#ifndef WARD_VULNDB_VERSION_H
#define WARD_VULNDB_VERSION_H

#include <stddef.h>

enum ward_ver_scheme {
	WARD_VER_UNKNOWN = 0, WARD_VER_DPKG, WARD_VER_APK, WARD_VER_RPM, WARD_VER_SEMVER,
	WARD_VER_PEP440, WARD_VER_MAVEN, WARD_VER_GO, WARD_VER_RUBYGEMS, WARD_VER_NUGET,
};

/* Scheme for an OSV ecosystem ("Debian:12" -> dpkg); WARD_VER_UNKNOWN when none applies. */
enum ward_ver_scheme ward_ver_scheme_for(const char *ecosystem);
const char *ward_ver_scheme_name(enum ward_ver_scheme s);
int ward_ver_cmp_scheme(enum ward_ver_scheme s, const char *a, const char *b, int *err);

/* Compares two runs of decimal digits by value, any length, leading zeros ignored. */
int ward_ver_numcmp(const char *a, size_t a_len, const char *b, size_t b_len);

int ward_vercmp_dpkg(const char *a, const char *b, int *err);
int ward_vercmp_apk(const char *a, const char *b, int *err);
int ward_vercmp_rpm(const char *a, const char *b, int *err);
int ward_vercmp_semver(const char *a, const char *b, int *err);
int ward_vercmp_pep440(const char *a, const char *b, int *err);
int ward_vercmp_maven(const char *a, const char *b, int *err);
int ward_vercmp_go(const char *a, const char *b, int *err);
int ward_vercmp_rubygems(const char *a, const char *b, int *err);
int ward_vercmp_nuget(const char *a, const char *b, int *err);

/*
 * Dotted numeric core + pre-release, shared by semver, Go and NuGet: up to max_parts numeric
 * parts (missing ones are 0; at least min_parts required), optional "-pre.release", optional
 * "+build" (ignored). Pre-release identifiers compare case-insensitively when ci is set.
 */
int ward_ver_semverish_cmp(const char *a, const char *b, int min_parts, int max_parts, int ci,
			   int *err);

#define WARD_SIGN(x) ((x) < 0 ? -1 : (x) > 0 ? 1 : 0)

#endif
