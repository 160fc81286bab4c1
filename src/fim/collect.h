/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reads one file's attributes from disk without ever following a symlink or opening
 * anything but a regular file: lstat-level attributes (cheap, for every file) and the
 * "deep" ones (content hash, symlink target, xattrs, ACLs) that check skips when inode,
 * size, mtime and ctime are unchanged. Not the walk and not the comparison.
 */
#ifndef WARD_FIM_COLLECT_H
#define WARD_FIM_COLLECT_H

#include <sys/stat.h>

#include "fim/entry.h"

/* Fills the stat fields of e from st. */
void ward_fim_collect_stat(struct ward_fim_entry *e, const struct stat *st);

/* Reads the deep attributes in e->mask for e->path. The file is opened with O_NOFOLLOW
 * and O_NONBLOCK, and fstat must show the same inode and type lstat saw; otherwise it
 * changed mid-scan and the fresh fstat values are stored. Returns 0, -ENOENT when the file
 * vanished, or another -errno (EACCES, ENAMETOOLONG, EIO...) that the caller reports. */
int ward_fim_collect_deep(struct ward_fim_entry *e);

#endif
