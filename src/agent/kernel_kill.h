/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's in-kernel exec kill policies (see kernel_kill.c). */
#ifndef WARD_AGENT_KERNEL_KILL_H
#define WARD_AGENT_KERNEL_KILL_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "rules/rules.h"
#include "sensor/sensor.h"

/*
 * Computes the exec kill policies of rs and installs them in the sensor (all removed when
 * enforce is false). Rules whose names are protected (respond.protected), and every policy
 * not limited to the host while respond.protected_containers is set, stay user-space kills.
 * Returns the number of rules enforced in the kernel, or -errno (logged once here).
 */
int ward_agent_kernel_kill_push(struct ward_sensor *s, const struct ward_ruleset *rs,
				const struct ward_config *cfg, bool enforce);

#endif
