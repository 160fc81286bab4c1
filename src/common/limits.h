/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every bound on untrusted input, in one place. Exceeding one is a clear error
 * (-WARD_E_LIMIT with a diagnostic), never a crash or unbounded allocation.
 */
#ifndef WARD_LIMITS_H
#define WARD_LIMITS_H

/* config */
#define WARD_CONFIG_MAX_BYTES (1u << 20)
#define WARD_CONFIG_MAX_KEYS 1024
#define WARD_CONFIG_MAX_DEPTH 8
#define WARD_CONFIG_MAX_LIST 4096

/* events and process table */
#define WARD_PROC_TABLE_DEFAULT 32768
#define WARD_PROC_TABLE_MAX 1048576
#define WARD_PROC_ANCESTORS 8
#define WARD_CONTAINER_TABLE_MAX 4096
#define WARD_CGROUP_CACHE_MAX 8192

/* capture files */
#define WARD_CAPTURE_MAX_RECORD (64u << 10)

/* Docker Engine API responses */
#define WARD_DOCKER_MAX_RESPONSE (4u << 20)
#define WARD_DOCKER_MAX_LABELS 256

#endif
