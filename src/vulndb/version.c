// SPDX-License-Identifier: Apache-2.0
/*
 * Version comparison entry point: maps an OSV ecosystem to its version scheme and calls the
 * scheme's comparator. Knows nothing about any scheme's syntax; that lives in
 * version_<scheme>.c. Ecosystems without a defined ordering (e.g. GIT ranges) are refused
 * with -WARD_E_UNSUPPORTED rather than guessed.
 */
#include "vulndb/vulndb.h"
#include "vulndb/version.h"

#include <errno.h>
#include <string.h>

#include "common/limits.h"

static const struct {
	const char *eco;
	enum ward_ver_scheme scheme;
} eco_schemes[] = {
	{ "Debian", WARD_VER_DPKG },     { "Ubuntu", WARD_VER_DPKG },
	{ "Alpine", WARD_VER_APK },      { "Red Hat", WARD_VER_RPM },
	{ "AlmaLinux", WARD_VER_RPM },   { "Rocky Linux", WARD_VER_RPM },
	{ "Rocky", WARD_VER_RPM },       { "openSUSE", WARD_VER_RPM },
	{ "SUSE", WARD_VER_RPM },        { "Mageia", WARD_VER_RPM },
	{ "npm", WARD_VER_SEMVER },      { "crates.io", WARD_VER_SEMVER },
	{ "Packagist", WARD_VER_SEMVER },{ "Hex", WARD_VER_SEMVER },
	{ "PyPI", WARD_VER_PEP440 },     { "Maven", WARD_VER_MAVEN },
	{ "Go", WARD_VER_GO },           { "RubyGems", WARD_VER_RUBYGEMS },
	{ "NuGet", WARD_VER_NUGET },     { "SEMVER", WARD_VER_SEMVER },
};

enum ward_ver_scheme ward_ver_scheme_for(const char *ecosystem)
{
	size_t len;
	const char *colon;

	if (!ecosystem)
		return WARD_VER_UNKNOWN;
	/* "Debian:12", "Alpine:v3.19", "Ubuntu:22.04:LTS": the release suffix does not change
	 * the scheme. */
	colon = strchr(ecosystem, ':');
	len = colon ? (size_t)(colon - ecosystem) : strlen(ecosystem);
	for (size_t i = 0; i < sizeof(eco_schemes) / sizeof(eco_schemes[0]); i++)
		if (strlen(eco_schemes[i].eco) == len && !strncmp(eco_schemes[i].eco, ecosystem, len))
			return eco_schemes[i].scheme;
	return WARD_VER_UNKNOWN;
}

const char *ward_ver_scheme_name(enum ward_ver_scheme s)
{
	static const char *const names[] = {
		[WARD_VER_UNKNOWN] = "unknown", [WARD_VER_DPKG] = "dpkg", [WARD_VER_APK] = "apk",
		[WARD_VER_RPM] = "rpm", [WARD_VER_SEMVER] = "semver", [WARD_VER_PEP440] = "pep440",
		[WARD_VER_MAVEN] = "maven", [WARD_VER_GO] = "go", [WARD_VER_RUBYGEMS] = "rubygems",
		[WARD_VER_NUGET] = "nuget",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

int ward_ver_numcmp(const char *a, size_t a_len, const char *b, size_t b_len)
{
	while (a_len && *a == '0') {
		a++;
		a_len--;
	}
	while (b_len && *b == '0') {
		b++;
		b_len--;
	}
	if (a_len != b_len)
		return a_len < b_len ? -1 : 1;
	for (size_t i = 0; i < a_len; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

int ward_ver_cmp_scheme(enum ward_ver_scheme s, const char *a, const char *b, int *err)
{
	int dummy;

	if (!err)
		err = &dummy;
	*err = 0;
	if (!a || !b) {
		*err = -EINVAL;
		return 0;
	}
	/* Every comparator walks its inputs a bounded number of times; the cap keeps the
	 * per-comparison scratch (Maven's item tree) small and fixed. */
	if (strlen(a) > WARD_VERSION_MAX_LEN || strlen(b) > WARD_VERSION_MAX_LEN) {
		*err = -WARD_E_LIMIT;
		return 0;
	}
	switch (s) {
	case WARD_VER_DPKG: return ward_vercmp_dpkg(a, b, err);
	case WARD_VER_APK: return ward_vercmp_apk(a, b, err);
	case WARD_VER_RPM: return ward_vercmp_rpm(a, b, err);
	case WARD_VER_SEMVER: return ward_vercmp_semver(a, b, err);
	case WARD_VER_PEP440: return ward_vercmp_pep440(a, b, err);
	case WARD_VER_MAVEN: return ward_vercmp_maven(a, b, err);
	case WARD_VER_GO: return ward_vercmp_go(a, b, err);
	case WARD_VER_RUBYGEMS: return ward_vercmp_rubygems(a, b, err);
	case WARD_VER_NUGET: return ward_vercmp_nuget(a, b, err);
	case WARD_VER_UNKNOWN: break;
	}
	*err = -WARD_E_UNSUPPORTED;
	return 0;
}

int ward_version_cmp(const char *ecosystem, const char *a, const char *b, int *err)
{
	return ward_ver_cmp_scheme(ward_ver_scheme_for(ecosystem), a, b, err);
}
