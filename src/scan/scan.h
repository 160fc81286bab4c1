/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pre-runtime scanning of an artifact (container image, root filesystem, function bundle):
 * reads it as a stream, applies layer whiteouts, and produces the inventory, secret hits and
 * malware hits of the final filesystem view. Vulnerability matching is src/vulndb's job and
 * report formatting is in report.h; this header is only the scan itself.
 */
#ifndef WARD_SCAN_H
#define WARD_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "scan/pkg.h"
#include "vulndb/vulndb.h"

struct ward_secret_hit {
	char *rule_id;
	char *title;
	enum ward_severity severity;
	char *path;     /* inside the artifact */
	char *layer;    /* layer digest or NULL */
	int line;       /* 1-based */
	char *snippet;  /* the line with the secret redacted */
	bool suppressed;
	char *suppressed_reason;
};

struct ward_malware_hit {
	char *rule;     /* YARA rule identifier */
	char *title;    /* rule meta "description" or the identifier */
	enum ward_severity severity;  /* rule meta "severity", default HIGH */
	char *path;
	char *layer;
	bool suppressed;
	char *suppressed_reason;
};

/* One name of an image's final filesystem (with ward_scan_opts.files). */
struct ward_scan_file {
	char *path;
	const char *type;   /* "file", "dir", "symlink", "other" */
	unsigned mode;      /* permission bits */
	unsigned long long size;  /* files */
	char sha256[65];    /* files: hex digest of the content; else "" */
	char *target;       /* symlinks: the target as written; else NULL */
	char *layer;        /* digest of the layer the content or entry came from */
};

struct ward_scan_result {
	char *target;           /* what the user named */
	const char *kind;       /* "image", "rootfs", "bundle" */
	char **layers;          /* layer digests in order (images only) */
	size_t layer_cnt;
	struct ward_pkg_list pkgs;
	struct ward_secret_hit *secrets;
	size_t secret_cnt;
	struct ward_malware_hit *malware;
	size_t malware_cnt;
	size_t entry_cnt;       /* archive entries / files seen */
	size_t skipped_cnt;     /* regular files over the content cap, not searched */
	struct ward_scan_file *files; /* final filesystem, sorted by path (o->files) */
	size_t file_cnt;
	struct ward_findings vulns;   /* filled by the caller from src/vulndb */
	bool has_db;
};

struct ward_secrets;
struct ward_malware;

struct ward_scan_opts {
	struct ward_secrets *secrets;   /* NULL: no secret scanning */
	struct ward_malware *malware;   /* NULL: no malware scanning */
	bool progress;                  /* progress line on stderr */
	bool files;                     /* list the final filesystem (images) */
};

/* Each returns 0 and sets *out (free with ward_scan_result_free), or -errno / -WARD_E_*
 * with d naming the file or archive entry at fault. */
int ward_scan_image(const struct ward_scan_opts *o, const char *path, struct ward_scan_result **out,
		    struct ward_diag *d);
/* A docker-save or oci-archive tar read once from fd (a pipe or socket is fine). */
int ward_scan_image_stream(const struct ward_scan_opts *o, int fd, const char *name,
			   struct ward_scan_result **out, struct ward_diag *d);
/* The image NAME from the local Docker Engine ($DOCKER_HOST=unix://... or the default socket). */
int ward_scan_docker(const struct ward_scan_opts *o, const char *name,
		     struct ward_scan_result **out, struct ward_diag *d);
int ward_scan_rootfs(const struct ward_scan_opts *o, const char *dir, struct ward_scan_result **out,
		     struct ward_diag *d);
int ward_scan_bundle(const struct ward_scan_opts *o, const char *zip, struct ward_scan_result **out,
		     struct ward_diag *d);
void ward_scan_result_free(struct ward_scan_result *r);

#endif
