/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path classes and the severity of a change to them: credentials (shadow, sudoers, SSH
 * keys, private keys), binaries (bin/sbin/lib trees, shared objects), configuration (/etc)
 * and logs (/var/log). Built in and documented in docs/fim.md; not configurable yet.
 */
#ifndef WARD_FIM_CLASSIFY_H
#define WARD_FIM_CLASSIFY_H

#include <stddef.h>

#include "alert/alert.h"

enum ward_fim_class {
	WARD_FIM_CLASS_OTHER = 0,
	WARD_FIM_CLASS_LOG,
	WARD_FIM_CLASS_CONFIG,
	WARD_FIM_CLASS_BINARY,
	WARD_FIM_CLASS_CREDENTIAL,
};

enum ward_fim_class ward_fim_classify(const char *path, size_t len);
const char *ward_fim_class_name(enum ward_fim_class c);
/* critical (credentials), high (binaries), medium (config), low (logs), info (other) */
const char *ward_fim_class_severity(enum ward_fim_class c);
/* The same scale as Falco priorities, for the alert pipeline. */
enum ward_priority ward_fim_class_priority(enum ward_fim_class c);

#endif
