/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which attributes differ between a baseline entry and the file on disk, restricted to the
 * attribute mask that applies to the path. Pure function; no I/O.
 */
#ifndef WARD_FIM_COMPARE_H
#define WARD_FIM_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "fim/entry.h"

/* Returns the WARD_FIM_A_* bits of mask that differ. With has_deep false the deep
 * attributes of cur (hash, link target, xattrs, ACLs) are unknown and not compared. */
uint32_t ward_fim_compare(const struct ward_fim_entry *base, const struct ward_fim_entry *cur,
			  uint32_t mask, bool has_deep);

#endif
