/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface between the artifact readers (image.c, rootfs.c, bundle.c) and the
 * analysis of each file (walk.c): readers hand over one entry at a time with a callback that
 * streams its content; walk.c decides what to read, runs the parsers, secret rules and YARA,
 * and stages results tagged with the layer ("blob") they came from. layers.c resolves the
 * whiteouts at the end. Not a public API: only src/scan includes it.
 */
#ifndef WARD_SCAN_WALK_H
#define WARD_SCAN_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"
#include "scan/scan.h"

enum ward_scan_etype {
	WARD_SCAN_E_FILE, WARD_SCAN_E_DIR, WARD_SCAN_E_SYMLINK, WARD_SCAN_E_HARDLINK, WARD_SCAN_E_OTHER,
};

/* Reads up to len bytes of the current entry; 0 at its end, -errno/-WARD_E_* on failure. */
typedef ssize_t (*ward_scan_read_fn)(void *arg, void *buf, size_t len);

struct ward_scan_blob {
	char *name;     /* path of the layer inside the artifact ("rootfs" for a directory) */
	char *digest;   /* sha256:... once known, else NULL */
	int idx;        /* last position in the layer order; -1 when not part of the image */
	uint32_t rec_first, rec_cnt;   /* its entries in c->recs (layered scans) */
};

/*
 * One entry of one layer, as tree.c needs it to replay the layers the way a runtime
 * extracts them: kind, permission bits, size, and offsets of the normalized path and of
 * the link target in c->names (0 is the empty string: the root, or no target).
 */
enum {
	WARD_SCAN_R_FILE, WARD_SCAN_R_DIR, WARD_SCAN_R_SYMLINK, WARD_SCAN_R_HARDLINK,
	WARD_SCAN_R_OTHER, WARD_SCAN_R_WHITEOUT, WARD_SCAN_R_OPAQUE,
};

struct ward_scan_rec {
	uint64_t size;
	uint32_t blob;
	uint32_t name;
	uint32_t link;
	uint16_t mode;
	uint8_t kind;
};

#define WARD_SCAN_NO_REC UINT32_MAX

struct ward_scan_pipe;

struct ward_scan_os_cand {
	uint32_t rec;
	char *path;
	int prio;
	struct ward_os os;
};

struct ward_scan_ctx {
	const struct ward_scan_opts *o;
	struct ward_scan_result *r;
	struct ward_diag *d;
	bool layered;          /* record entries and whiteouts for layers.c */
	struct ward_scan_blob *blobs;
	size_t blob_cnt, blob_cap;
	uint32_t *order;       /* blob at each layer position (a blob may appear twice) */
	size_t order_cnt;
	struct ward_scan_rec *recs;   /* every entry of every layer, in reading order */
	size_t rec_cnt, rec_cap;
	uint8_t (*sha)[32];           /* content digest per record, with o->files */
	char *names;                  /* paths and link targets the records point into */
	size_t names_len, names_cap;
	uint32_t cur_rec;             /* record of the entry being analyzed, or WARD_SCAN_NO_REC */
	/* results are staged with the record (layered) of the file they were read from */
	uint32_t *pkg_blob, *secret_blob, *malware_blob;   /* record of each result (parallel) */
	size_t pkg_blob_cap, secret_cap, malware_cap;
	struct ward_scan_os_cand *os;
	size_t os_cnt, os_cap;
	struct ward_scan_pipe *pipe;   /* secrets and YARA worker; NULL when both are off */
	struct ward_buf content;   /* reused for every file read */
	char *lower;               /* lowercase copy for secret keyword prefilter */
	size_t lower_cap;
	uint64_t bytes_done;
	int warn_cnt;
	int progress_tick;
};

void ward_scan_ctx_init(struct ward_scan_ctx *c, const struct ward_scan_opts *o,
			const char *target, const char *kind, struct ward_diag *d);
/* Frees staging state; frees the result too unless it was handed out (c->r == NULL). */
void ward_scan_ctx_free(struct ward_scan_ctx *c);
/* Registers a layer; returns its id. name is copied. */
uint32_t ward_scan_blob_add(struct ward_scan_ctx *c, const char *name);

/* Normalizes an archive entry name into out ("a/b/c"). Returns 0, 1 for the root itself
 * (nothing to do), -WARD_E_SYNTAX for "..", absolute or empty components that escape,
 * -WARD_E_LIMIT when too long or too deep. */
int ward_scan_path_norm(const char *in, char *out, size_t out_len);

/* Analyzes one entry. name is the raw entry name (normalized here); size is what the header
 * claims; mode its permission bits; link the symlink or hard link target (else NULL). The
 * caller skips whatever content is left unread. */
int ward_scan_entry(struct ward_scan_ctx *c, uint32_t blob, const char *name,
		    enum ward_scan_etype type, uint64_t size, uint32_t mode, const char *link,
		    ward_scan_read_fn rd, void *arg);

/* Would a file be analyzed the same under both paths (same parser, same secret rules)? */
bool ward_scan_same_analysis(const struct ward_scan_ctx *c, const char *a, const char *b);

/*
 * The final filesystem (tree.c): replays every layer's records in layer order into an
 * in-memory tree, as extraction does (parents resolved through symlinks inside the root,
 * later entries replacing earlier ones, whiteouts and opaque directories hiding lower
 * layers, hard links sharing their target's content). Only names and metadata are kept.
 */
/* A name of the final view: its path, and the record whose content (files) or metadata
 * (everything else) it has. Names are sorted by path. */
struct ward_scan_name {
	char *path;
	uint32_t rec;     /* content record for files and hard links, else the entry's record */
	uint8_t kind;     /* WARD_SCAN_R_FILE, _DIR, _SYMLINK, _OTHER */
};

/* Builds the final view; 0 or -WARD_E_* with c->d naming the layer and entry. */
int ward_scan_tree_build(struct ward_scan_ctx *c, struct ward_scan_name **names, size_t *cnt);
void ward_scan_names_free(struct ward_scan_name *names, size_t cnt);

/* Applies whiteouts and layer order, picks the OS, builds purls; moves the result to *out. */
int ward_scan_finish(struct ward_scan_ctx *c, struct ward_scan_result **out);
/* Ends a scan whose reading returned rc: the result on success, a cleared progress line on
 * failure; frees the context either way. Returns rc or ward_scan_finish's result. */
int ward_scan_conclude(struct ward_scan_ctx *c, int rc, struct ward_scan_result **out);

/*
 * Content analysis worker (pipe.c). Queued files are copied into a fixed ring of
 * WARD_SCAN_PIPE_BYTES; a file that does not fit in it (content + path) is analyzed on the
 * reading thread once the queue is empty, from the reader's own buffer. So the worker adds
 * exactly the ring to the scan's memory, whatever the image holds. Limits: common/limits.h.
 */

/* Starts the worker (or the inline fallback when no thread can be made); returns 0. */
int ward_scan_pipe_new(struct ward_scan_ctx *c, struct ward_scan_pipe **out);
/* Queues a copy of data (the content of path) for secret rules and/or YARA; blocks while the
 * queue is full (files too big for the ring are analyzed here, after a drain). Returns 0, or
 * the first failure of this or an earlier file with c->d filled. */
int ward_scan_pipe_submit(struct ward_scan_pipe *p, uint32_t rec, const char *path,
			  const char *data, size_t len, bool secrets, bool malware);
/* Waits until every queued job is done; returns 0 or the first failure (c->d filled). The
 * worker touches nothing of c between a drain and the next submit. */
int ward_scan_pipe_drain(struct ward_scan_pipe *p);
/* Stops the worker, dropping jobs still queued; accepts NULL. */
void ward_scan_pipe_free(struct ward_scan_pipe *p);

/* Progress line on stderr (when enabled). */
void ward_scan_progress(struct ward_scan_ctx *c, const char *what, bool done);

#endif
