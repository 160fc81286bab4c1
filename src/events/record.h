/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A raw record (struct ward_ev_raw and its strings, bpf/ward_abi.h) on its way to the
 * decoder. Every producer (the eBPF rings, the fallback backend, the /proc snapshot, a
 * capture file) hands records to a callback of this type.
 */
#ifndef WARD_EVENTS_RECORD_H
#define WARD_EVENTS_RECORD_H

#include <stddef.h>

/* Called for each record; rec is valid only during the call. Return non-zero to stop. */
typedef int (*ward_record_fn)(const void *rec, size_t len, void *arg);

#endif
