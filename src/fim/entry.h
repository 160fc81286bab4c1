/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One file's recorded state, as read from disk (collect.c) or from the baseline
 * (baseline.c). Fixed size so the scan pipeline can preallocate its slots and never
 * allocate per file. Paths and link targets are bytes: any name the kernel accepts,
 * including newlines and invalid UTF-8, is stored as is.
 */
#ifndef WARD_FIM_ENTRY_H
#define WARD_FIM_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hash.h"
#include "common/limits.h"

struct ward_fim_entry {
	uint32_t mask;       /* attributes that apply (policy) */
	uint32_t mode;       /* st_mode: type and permission bits */
	uint64_t ino;
	uint64_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	int64_t mtime_ns, ctime_ns;
	uint16_t link_len;
	uint8_t hash_len;    /* 0 (not hashed), 32 or 64 */
	bool has_xattr;      /* xattr digest valid (file has at least one) */
	bool has_acl;
	uint8_t xattr[WARD_SHA256_LEN];  /* SHA-256 over sorted name/value pairs */
	uint8_t acl[WARD_SHA256_LEN];    /* SHA-256 over the POSIX ACL xattrs */
	uint8_t hash[WARD_SHA512_LEN];
	size_t path_len;
	char path[WARD_FIM_PATH_MAX + 1];
	char link[WARD_FIM_LINK_MAX + 1];
};

#endif
