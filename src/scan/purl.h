/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Package URLs (purl spec) and the final ecosystem of OS packages. Parsers leave OS
 * packages with ecosystem "dpkg"/"apk"/"rpm" and may put known qualifiers ("arch=amd64")
 * into purl; once the OS is known this turns them into OSV ecosystems and full purls.
 */
#ifndef WARD_SCAN_PURL_H
#define WARD_SCAN_PURL_H

#include "common/buf.h"
#include "scan/pkg.h"

/* Sets p->ecosystem (OS packages) and p->purl. */
void ward_purl_finalize(struct ward_pkg *p, const struct ward_os *os);
/* Appends s percent-encoded as a purl component; keep_slash keeps '/' separators. */
int ward_purl_encode(struct ward_buf *b, const char *s, int keep_slash);

#endif
