/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inventory parsers: each reads one package database or manifest from memory (already
 * size-capped by the caller) and appends packages to a list. They never touch the
 * filesystem, so the same code serves images, root filesystems and the fuzz targets.
 * OS package parsers set ecosystem to the package manager ("dpkg", "apk", "rpm"); the
 * distro ecosystem and purls are filled once the OS is known (purl.c).
 * Each returns the number of packages added or -WARD_E_* with d naming path and line.
 */
#ifndef WARD_SCAN_PARSERS_H
#define WARD_SCAN_PARSERS_H

#include <stddef.h>

#include "common/err.h"
#include "scan/pkg.h"

#define WARD_MGR_DPKG "dpkg"
#define WARD_MGR_APK "apk"
#define WARD_MGR_RPM "rpm"

/* os-release style KEY=value; returns 0 when ID was found. */
int ward_parse_os_release(const char *data, size_t len, struct ward_os *os);
int ward_parse_dpkg_status(const char *data, size_t len, const char *path,
			   struct ward_pkg_list *out, struct ward_diag *d);
int ward_parse_apk_installed(const char *data, size_t len, const char *path,
			     struct ward_pkg_list *out, struct ward_diag *d);
/* One rpm header blob as stored in rpmdb.sqlite / Packages (no lead, no magic). */
int ward_parse_rpm_header(const unsigned char *data, size_t len, const char *path,
			  struct ward_pkg_list *out, struct ward_diag *d);
/* A whole rpmdb.sqlite file image. */
int ward_parse_rpmdb_sqlite(const unsigned char *data, size_t len, const char *path,
			    struct ward_pkg_list *out, struct ward_diag *d);
/* A whole Berkeley DB hash "Packages" file image (rpm's bdb backend), either byte order. */
int ward_parse_rpmdb_bdb(const unsigned char *data, size_t len, const char *path,
			 struct ward_pkg_list *out, struct ward_diag *d);
int ward_parse_npm_package_json(const char *data, size_t len, const char *path,
				struct ward_pkg_list *out, struct ward_diag *d);
int ward_parse_npm_lock(const char *data, size_t len, const char *path,
			struct ward_pkg_list *out, struct ward_diag *d);
int ward_parse_python_metadata(const char *data, size_t len, const char *path,
			       struct ward_pkg_list *out, struct ward_diag *d);
int ward_parse_composer_installed(const char *data, size_t len, const char *path,
				  struct ward_pkg_list *out, struct ward_diag *d);
int ward_parse_dotnet_deps(const char *data, size_t len, const char *path,
			   struct ward_pkg_list *out, struct ward_diag *d);
int ward_parse_cargo_lock(const char *data, size_t len, const char *path,
			  struct ward_pkg_list *out, struct ward_diag *d);
/* Gem name and version come from the gemspec file name (NAME-VERSION.gemspec). */
int ward_parse_gemspec(const char *data, size_t len, const char *path,
		       struct ward_pkg_list *out, struct ward_diag *d);
/* jar/war/ear held in memory; nested archives up to WARD_SCAN_MAX_ARCHIVE_NEST. */
int ward_parse_java_archive(const unsigned char *data, size_t len, const char *path,
			    struct ward_pkg_list *out, struct ward_diag *d);
/* ELF binaries: Go build info and cargo-auditable .dep-v0; 0 when neither is present. */
int ward_parse_go_buildinfo(const unsigned char *data, size_t len, const char *path,
			    struct ward_pkg_list *out, struct ward_diag *d);
int ward_parse_cargo_auditable(const unsigned char *data, size_t len, const char *path,
			       struct ward_pkg_list *out, struct ward_diag *d);

/* One OS package record as the dpkg, apk and rpm parsers read it. Empty strings count as
 * absent: src_name falls back to name, arch to default_arch; epoch < 1 means none. */
struct ward_os_rec {
	const char *mgr;          /* WARD_MGR_* */
	const char *name, *version, *src_name, *src_version, *license, *arch, *default_arch;
	long epoch;
};

/* Shared helper: appends an OS package (purl qualifiers "arch=..[&epoch=N]" for purl.c);
 * 1 when added, 0 when name or version is missing, -WARD_E_LIMIT. */
int ward_scan_add_os(struct ward_pkg_list *out, const struct ward_os_rec *r, const char *path);

/* Shared helper: appends a language package with the given ecosystem. */
int ward_scan_add_lang(struct ward_pkg_list *out, const char *eco, const char *name,
		       const char *version, const char *license, const char *path);

#endif
