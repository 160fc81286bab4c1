// SPDX-License-Identifier: Apache-2.0
/* Attribute comparison for FIM check (see compare.h). */
#include "fim/compare.h"

#include <string.h>
#include <sys/stat.h>

#include "fim/attr.h"

uint32_t ward_fim_compare(const struct ward_fim_entry *base, const struct ward_fim_entry *cur,
			  uint32_t mask, bool has_deep)
{
	uint32_t d = 0;

	if ((base->mode & S_IFMT) != (cur->mode & S_IFMT))
		d |= WARD_FIM_A_TYPE;
	if ((base->mode & 07777) != (cur->mode & 07777))
		d |= WARD_FIM_A_PERM;
	if (base->ino != cur->ino)
		d |= WARD_FIM_A_INODE;
	if (base->nlink != cur->nlink)
		d |= WARD_FIM_A_NLINK;
	if (base->uid != cur->uid)
		d |= WARD_FIM_A_UID;
	if (base->gid != cur->gid)
		d |= WARD_FIM_A_GID;
	if (base->size != cur->size)
		d |= WARD_FIM_A_SIZE;
	if (base->mtime_ns != cur->mtime_ns)
		d |= WARD_FIM_A_MTIME;
	if (base->ctime_ns != cur->ctime_ns)
		d |= WARD_FIM_A_CTIME;
	if (has_deep) {
		if (base->link_len != cur->link_len ||
		    memcmp(base->link, cur->link, cur->link_len) != 0)
			d |= WARD_FIM_A_LINK;
		if (base->has_xattr != cur->has_xattr ||
		    (cur->has_xattr && memcmp(base->xattr, cur->xattr, sizeof(cur->xattr))))
			d |= WARD_FIM_A_XATTR;
		if (base->has_acl != cur->has_acl ||
		    (cur->has_acl && memcmp(base->acl, cur->acl, sizeof(cur->acl))))
			d |= WARD_FIM_A_ACL;
		/* a type change is reported as such; hashes of different types do not compare */
		if (S_ISREG(cur->mode) && S_ISREG(base->mode) &&
		    (base->hash_len != cur->hash_len ||
		     memcmp(base->hash, cur->hash, cur->hash_len) != 0))
			d |= mask & WARD_FIM_A_HASHES;
	}
	return d & (mask | WARD_FIM_A_TYPE);
}
