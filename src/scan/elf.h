/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal bounds-checked ELF reading over a file image in memory: mapping a virtual address
 * to a file offset (through PT_LOAD segments) and finding a section by name. Only what the
 * Go and cargo-auditable inventory needs; not a general ELF library.
 */
#ifndef WARD_SCAN_ELF_H
#define WARD_SCAN_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0 and *off on success, -1 when vaddr is in no loaded segment or the file is malformed. */
int ward_elf_vaddr_off(const unsigned char *d, size_t len, uint64_t vaddr, size_t *off);
/* 0 and the section's file range on success, -1 when absent or out of bounds. */
int ward_elf_section(const unsigned char *d, size_t len, const char *name, size_t *off,
		     size_t *size);

#endif
