/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inventory of a scanned artifact: the OS it is and the packages found in it, each with
 * where it was found and a purl. Produced by src/scan (inventory parsers), consumed by
 * src/vulndb (matching) and the SBOM writers.
 */
#ifndef WARD_PKG_H
#define WARD_PKG_H

#include <stddef.h>

/* Ecosystem names as OSV spells them. */
#define WARD_ECO_DEBIAN "Debian"
#define WARD_ECO_UBUNTU "Ubuntu"
#define WARD_ECO_ALPINE "Alpine"
#define WARD_ECO_REDHAT "Red Hat"
#define WARD_ECO_NPM "npm"
#define WARD_ECO_PYPI "PyPI"
#define WARD_ECO_MAVEN "Maven"
#define WARD_ECO_GO "Go"
#define WARD_ECO_CRATES "crates.io"
#define WARD_ECO_RUBYGEMS "RubyGems"
#define WARD_ECO_NUGET "NuGet"
#define WARD_ECO_PACKAGIST "Packagist"

struct ward_os {
	char id[32];          /* os-release ID: debian, ubuntu, alpine, rhel, ... */
	char version_id[32];  /* os-release VERSION_ID: "12", "22.04", "3.19.1" */
	char codename[32];    /* VERSION_CODENAME where present */
	char pretty[128];
};

struct ward_pkg {
	char *ecosystem;      /* WARD_ECO_* (OS packages: the distro's OSV ecosystem) */
	char *name;           /* binary package name / module name */
	char *version;        /* as the package manager records it (dpkg: with epoch) */
	char *src_name;       /* source package (dpkg Source:, apk origin, rpm sourcerpm), or NULL */
	char *src_version;    /* source version when it differs, or NULL */
	char *purl;           /* pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12 */
	char *license;        /* SPDX expression or NULL */
	char *layer;          /* layer digest (sha256:...) or NULL for a rootfs */
	char *path;           /* file the package was read from, inside the artifact */
	char *kind;           /* "os" or "lang" */
};

struct ward_pkg_list {
	struct ward_os os;
	struct ward_pkg *items;
	size_t cnt, cap;
};

void ward_pkg_list_init(struct ward_pkg_list *l);
void ward_pkg_list_free(struct ward_pkg_list *l);
/* Appends a package (all strings copied; NULLs allowed except ecosystem, name, version). */
int ward_pkg_add(struct ward_pkg_list *l, const struct ward_pkg *p);
/* Replaces one string field of a stored package with a copy of value (NULL clears it). */
void ward_pkg_set(char **field, const char *value);
/* Removes item i (the last item takes its place). */
void ward_pkg_remove(struct ward_pkg_list *l, size_t i);

#endif
