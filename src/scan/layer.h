/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one layer (a tar, optionally gzip/zstd/xz-compressed) as a stream with libarchive
 * and feeding each entry to walk.c, with decompression-bomb checks: a cap on uncompressed
 * bytes and on the uncompressed:compressed ratio. The layer's bytes come from a callback so
 * the same code reads a blob file, a tar nested in another tar, or a zip bundle.
 */
#ifndef WARD_SCAN_LAYER_H
#define WARD_SCAN_LAYER_H

#include "scan/walk.h"

/* Supplies raw (possibly compressed) layer bytes: >0 bytes, 0 at end, <0 on error. */
typedef ssize_t (*ward_layer_src_fn)(void *arg, const void **buf);

/* Reads the layer from src; 0 on success, 1 when the data is not an archive at all (only
 * when probe is set and no entry was read), else -WARD_E_* with c->d naming the entry. */
int ward_scan_layer(struct ward_scan_ctx *c, uint32_t blob, ward_layer_src_fn src, void *arg,
		    bool probe, bool zip);

#endif
