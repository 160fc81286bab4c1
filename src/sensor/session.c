// SPDX-License-Identifier: Apache-2.0
/*
 * The sensing loop. Live: sensor first, then the /proc snapshot, so nothing that starts in
 * between is missed (an exec seen twice only refreshes its process entry). Replay: the
 * capture's own snapshot and container records rebuild the same state.
 */
#include "sensor/session.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"
#include "events/capture.h"
#include "events/decoder.h"
#include "events/proc_scan.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ward_session {
	const struct ward_session_opts *o;
	struct ward_sensor *sensor;
	struct ward_capture_reader *reader;
	struct ward_capture_writer *writer;
	struct ward_proc_table *procs;
	struct ward_container_table *containers;
	struct ward_decoder *dec;
	bool stop;
	bool draining;  /* final drain after a stop: take everything, ignore the stop flag */
	int write_err;
	uint64_t records;
	uint64_t events;
};

static volatile sig_atomic_t sig_stop, sig_stats, sig_reload;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_stats = 1;
	else if (sig == SIGHUP)
		sig_reload = 1;
	else
		sig_stop = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal must wake the poll so we act on it promptly */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void ward_session_stop(struct ward_session *s) { s->stop = true; }
struct ward_proc_table *ward_session_procs(struct ward_session *s) { return s->procs; }
struct ward_container_table *ward_session_containers(struct ward_session *s) { return s->containers; }
struct ward_sensor *ward_session_sensor(struct ward_session *s) { return s->sensor; }
bool ward_session_is_replay(const struct ward_session *s) { return s->reader != NULL; }

bool ward_session_take_reload(struct ward_session *s)
{
	if (!sig_reload)
		return false;
	sig_reload = 0;
	return true;
}

uint64_t ward_session_drops(struct ward_session *s)
{
	struct ward_sensor_stats st;

	if (!s->sensor)
		return 0;
	ward_sensor_get_stats(s->sensor, &st);
	return st.drops;
}

void ward_session_print_stats(struct ward_session *s, FILE *f)
{
	struct ward_decoder_stats ds;

	ward_decoder_get_stats(s->dec, &ds);
	if (s->sensor) {
		struct ward_sensor_stats st;

		ward_sensor_get_stats(s->sensor, &st);
		fprintf(f, "ward: counters: backend=%s events=%llu drops=%llu", 
			ward_sensor_backend_name(s->sensor), (unsigned long long)st.events,
			(unsigned long long)st.drops);
		for (uint32_t i = 0; i < st.ncpu && i < 256; i++)
			fprintf(f, " cpu%u=%llu/%llu", i, (unsigned long long)st.events_cpu[i],
				(unsigned long long)st.drops_cpu[i]);
	} else if (s->reader) {
		fprintf(f, "ward: counters: replay records=%llu", (unsigned long long)s->records);
	} else {
		/* a live start that failed before the sensor opened: no counters to speak of */
		fprintf(f, "ward: counters: none (the sensor did not start)\n");
		fflush(f);
		return;
	}
	fprintf(f, " decoded=%llu malformed=%llu proc_table=%zu/%zu\n",
		(unsigned long long)ds.decoded,
		(unsigned long long)(ds.malformed + ds.version_mismatch),
		ward_proc_table_count(s->procs), ward_proc_table_capacity(s->procs));
	fflush(f);
}

static void write_container_update(const struct ward_container *c, void *arg)
{
	struct ward_session *s = arg;
	_Alignas(8) unsigned char buf[WARD_EV_MAX];
	struct ward_ev_raw *r = (struct ward_ev_raw *)buf;
	char *json = ward_container_meta_json(c);
	size_t n;

	if (!json)
		return;
	n = strlen(json) + 1;
	if (n <= WARD_STR_MAX && s->writer) {
		memset(r, 0, sizeof(*r));
		r->abi = WARD_ABI_VERSION;
		r->kind = WARD_EV_CONTAINER_INFO;
		r->nr = -1;
		r->ts = ward_boot_ns();
		r->str_len[WARD_STR_AUX] = (uint16_t)n;
		memcpy(buf + sizeof(*r), json, n);
		r->size = (uint16_t)(sizeof(*r) + n);
		ward_capture_write(s->writer, buf, r->size);
	}
	free(json);
}

static int on_record(const void *rec, size_t len, void *arg)
{
	struct ward_session *s = arg;
	struct ward_event ev;
	int rc;

	s->records++;
	if (s->writer && !s->write_err) {
		s->write_err = ward_capture_write(s->writer, rec, len);
		if (s->write_err)
			ward_err("trace: writing the capture failed: %s; recording stopped",
				 ward_strerror(s->write_err));
	}
	rc = ward_decoder_decode(s->dec, rec, len, &ev);
	if (rc != 0)
		return 0; /* state-only or malformed (counted by the decoder) */
	s->events++;
	if (s->o->on_event && s->o->on_event(&ev, s->o->arg))
		s->stop = true;
	return s->draining ? 0 : (s->stop || sig_stop);
}

static enum ward_backend backend_of(const char *name)
{
	if (strcmp(name, "bpf") == 0 || strcmp(name, "ebpf") == 0)
		return WARD_BACKEND_BPF;
	if (strcmp(name, "fallback") == 0)
		return WARD_BACKEND_FALLBACK;
	return WARD_BACKEND_AUTO;
}

int ward_session_sensor_opts(const struct ward_config *cfg, struct ward_sensor_opts *so)
{
	const char *backend = ward_config_str(cfg, "sensor.backend");

	if (strcmp(backend, "auto") && strcmp(backend, "bpf") && strcmp(backend, "ebpf") &&
	    strcmp(backend, "fallback")) {
		ward_err("config: sensor.backend must be auto, bpf or fallback, not '%s'", backend);
		return -EINVAL;
	}
	memset(so, 0, sizeof(*so));
	so->backend = backend_of(backend);
	so->ring_kb = (size_t)ward_config_int(cfg, "sensor.ring_kb");
	so->ignore_self = ward_config_bool(cfg, "sensor.ignore_self");
	so->batch_exec = !ward_config_bool(cfg, "sensor.exec_wakeup");
	return 0;
}

static int run_live(struct ward_session *s)
{
	const struct ward_session_opts *o = s->o;
	struct ward_sensor_opts so;
	uint64_t deadline;
	int err;

	err = ward_session_sensor_opts(o->cfg, &so);
	if (err)
		return err;
	so.syscalls = o->syscalls;
	err = ward_sensor_open(&so, &s->sensor);
	if (err)
		return err;
	ward_decoder_set_boot_offset(s->dec, ward_boot_to_wall_offset());
	if (o->write_path) {
		err = ward_capture_create(o->write_path, ward_boot_to_wall_offset(), &s->writer);
		if (err) {
			ward_err("trace: cannot create %s: %s", o->write_path, ward_strerror(err));
			return err;
		}
	}
	err = ward_proc_scan("/proc", on_record, s);
	if (err < 0)
		ward_warn("sensor: /proc snapshot failed: %s", ward_strerror(err));
	if (o->on_start && (err = o->on_start(s, o->arg)) != 0)
		return err;
	/* --duration counts from when events flow, not from before the (slow) BPF load */
	deadline = o->duration_s > 0 ? ward_mono_ns() + (uint64_t)o->duration_s * 1000000000ull : 0;
	while (!s->stop && !sig_stop) {
		/* records other than execs wake nobody: this timeout bounds their latency */
		int rc = ward_sensor_poll(s->sensor, 20, on_record, s);

		if (rc < 0 && rc != -EINTR) {
			ward_err("sensor: poll failed: %s", ward_strerror(rc));
			return rc;
		}
		if (s->containers)
			ward_container_drain_updates(s->containers, write_container_update, s);
		if (sig_stats) {
			sig_stats = 0;
			ward_session_print_stats(s, stderr);
		}
		if (o->on_tick)
			o->on_tick(s, o->arg);
		if (deadline && ward_mono_ns() >= deadline)
			break;
		fflush(stdout);
	}
	return 0;
}

static int run_replay(struct ward_session *s)
{
	const struct ward_session_opts *o = s->o;
	struct ward_diag diag = { 0 };
	char msg[600];
	const void *rec;
	size_t len;
	int rc;

	rc = ward_capture_open(o->read_path, &s->reader, &diag);
	if (rc) {
		ward_err("%s", ward_diag_format(&diag, msg, sizeof(msg)));
		return rc;
	}
	ward_decoder_set_boot_offset(s->dec, ward_capture_header(s->reader)->boot_offset);
	if (o->on_start && (rc = o->on_start(s, o->arg)) != 0)
		return rc;
	while (!s->stop && !sig_stop && (rc = ward_capture_next(s->reader, &rec, &len, &diag)) == 1) {
		on_record(rec, len, s);
		if (o->on_tick && (s->records & 1023) == 0)
			o->on_tick(s, o->arg);
	}
	if (rc < 0) {
		ward_err("%s", ward_diag_format(&diag, msg, sizeof(msg)));
		return rc;
	}
	if (o->on_tick)
		o->on_tick(s, o->arg);
	return 0;
}

int ward_session_run(const struct ward_session_opts *o)
{
	struct ward_session s = { .o = o };
	struct ward_container_opts co = { 0 };
	int err;

	sig_stop = sig_stats = sig_reload = 0;
	install_signals();
	err = ward_proc_table_new((size_t)ward_config_int(o->cfg, "sensor.proc_table_max"), &s.procs);
	if (err) {
		ward_err("config: sensor.proc_table_max out of range");
		return err;
	}
	/* replays use the metadata recorded in the capture, never the live engine */
	co.docker_socket = o->read_path ? "" : ward_config_str(o->cfg, "containers.docker_socket");
	co.podman_storage = o->read_path ? "" : ward_config_str(o->cfg, "containers.podman_storage");
	co.async = o->read_path == NULL;
	err = ward_container_table_new(&co, &s.containers);
	if (err)
		goto out;
	ward_decoder_new(s.procs, s.containers, &s.dec);
	err = o->read_path ? run_replay(&s) : run_live(&s);
	if (s.sensor && !err) {
		/* stop producing, then take what is already in the rings: events up to the stop
		 * are part of the result, and the counters below then add up exactly */
		ward_sensor_detach(s.sensor);
		s.draining = true;
		while (ward_sensor_poll(s.sensor, 0, on_record, &s) > 0)
			;
	}
	if (o->report_stats && s.dec)
		ward_session_print_stats(&s, stderr);
out:
	if (s.writer) {
		int werr = ward_capture_close(s.writer);

		if (werr && !err)
			err = werr;
	}
	ward_capture_free(s.reader);
	ward_sensor_close(s.sensor);
	ward_decoder_free(s.dec);
	ward_container_table_free(s.containers);
	ward_proc_table_free(s.procs);
	return err;
}
