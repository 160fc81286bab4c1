/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leveled logging to stderr (or a file). Logs are for operators; alerts are not logs and go
 * through the alert outputs. Never log per event on the hot path.
 */
#ifndef WARD_LOG_H
#define WARD_LOG_H

#include <stdio.h>

enum ward_log_level { WARD_LOG_ERROR, WARD_LOG_WARN, WARD_LOG_INFO, WARD_LOG_DEBUG };

void ward_log_set_level(enum ward_log_level level);
enum ward_log_level ward_log_get_level(void);
/* Parses "error|warn|info|debug"; returns 0 or -EINVAL. */
int ward_log_parse_level(const char *s, enum ward_log_level *out);
void ward_log(enum ward_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ward_err(...) ward_log(WARD_LOG_ERROR, __VA_ARGS__)
#define ward_warn(...) ward_log(WARD_LOG_WARN, __VA_ARGS__)
#define ward_info(...) ward_log(WARD_LOG_INFO, __VA_ARGS__)
#define ward_dbg(...) ward_log(WARD_LOG_DEBUG, __VA_ARGS__)

#endif
