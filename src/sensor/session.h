/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A sensing session: the event loop shared by `ward trace` and `ward agent`. It opens the
 * sensor (or a capture file to replay), takes the /proc snapshot, decodes every record,
 * optionally records it, and hands each event to a callback. It handles SIGINT/SIGTERM
 * (stop), SIGUSR1 (print counters) and SIGHUP (sets a flag the caller polls in on_tick).
 */
#ifndef WARD_SESSION_H
#define WARD_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "events/container.h"
#include "events/event.h"
#include "events/proc.h"
#include "sensor/sensor.h"

struct ward_session;

struct ward_session_opts {
	const struct ward_config *cfg;
	const char *read_path;        /* replay this capture instead of the live sensor */
	const char *write_path;       /* record every record here */
	long duration_s;              /* stop after this long (live), 0 = until a signal */
	const bool *syscalls;         /* kernel-side syscall set, NULL = all */
	/* per event; return non-zero to stop the session */
	int (*on_event)(const struct ward_event *ev, void *arg);
	/* after the sensor is up and the snapshot is taken */
	int (*on_start)(struct ward_session *s, void *arg);
	/* about every 100 ms and after each batch */
	void (*on_tick)(struct ward_session *s, void *arg);
	void *arg;
	bool report_stats;            /* counters to stderr at exit */
};

/* The sensor options the config asks for (sensor.backend, ring_kb, ignore_self,
 * exec_wakeup); -EINVAL with the error said when a value is wrong. */
int ward_session_sensor_opts(const struct ward_config *cfg, struct ward_sensor_opts *so);
/* Runs until stopped; returns 0, or -errno when the source could not be opened. */
int ward_session_run(const struct ward_session_opts *opts);

void ward_session_stop(struct ward_session *s);
/* True once per SIGHUP received. */
bool ward_session_take_reload(struct ward_session *s);
struct ward_proc_table *ward_session_procs(struct ward_session *s);
struct ward_container_table *ward_session_containers(struct ward_session *s);
/* NULL when replaying. */
struct ward_sensor *ward_session_sensor(struct ward_session *s);
bool ward_session_is_replay(const struct ward_session *s);
/* Events lost in the kernel so far (live) */
uint64_t ward_session_drops(struct ward_session *s);
/* Writes the counters line(s) to f. */
void ward_session_print_stats(struct ward_session *s, FILE *f);

#endif
