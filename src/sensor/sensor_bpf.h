/* SPDX-License-Identifier: Apache-2.0 */
/* The eBPF backend of the sensor (see sensor.h for the public interface). */
#ifndef WARD_SENSOR_BPF_H
#define WARD_SENSOR_BPF_H

#include "sensor/report.h"
#include "sensor/sensor.h"

struct ward_bpf_sensor;

/* On failure, why says what the kernel refused, for the one start-up message. A program
 * the kernel refuses is left out and the rest loaded (why then says what is off). rep, when
 * not NULL, gets the per-program outcome whether or not the open succeeded. */
int ward_bpf_sensor_open(const struct ward_sensor_opts *opts, struct ward_bpf_sensor **out,
			 char *why, size_t why_len, struct ward_sensor_report *rep);
void ward_bpf_sensor_report(const struct ward_bpf_sensor *b, struct ward_sensor_report *r);
void ward_bpf_sensor_close(struct ward_bpf_sensor *b);
/* Stops the programs producing records; the rings and counters stay readable. */
void ward_bpf_sensor_detach(struct ward_bpf_sensor *b);
int ward_bpf_sensor_poll(struct ward_bpf_sensor *b, int timeout_ms, ward_record_fn fn, void *arg);
/* Hands out whatever is already in the rings without waiting. */
int ward_bpf_sensor_drain(struct ward_bpf_sensor *b, ward_record_fn fn, void *arg);
int ward_bpf_sensor_set_syscalls(struct ward_bpf_sensor *b, const bool *enabled);
int ward_bpf_sensor_set_kill_policies(struct ward_bpf_sensor *b,
				      const struct ward_sensor_kill_entry *entries, size_t cnt,
				      uint32_t ward_tgid);
uint64_t ward_bpf_sensor_kernel_kills(struct ward_bpf_sensor *b);
uint64_t ward_bpf_sensor_kernel_kills_limited(struct ward_bpf_sensor *b);
int ward_bpf_sensor_set_sys_kill_policies(struct ward_bpf_sensor *b,
					  const struct ward_sensor_sys_kill_entry *entries, size_t cnt,
					  uint32_t *unavailable);
void ward_bpf_sensor_set_kill_rate(struct ward_bpf_sensor *b, uint32_t per_min);
void ward_bpf_sensor_stats(struct ward_bpf_sensor *b, struct ward_sensor_stats *st);

#endif
