// SPDX-License-Identifier: Apache-2.0
/*
 * ward doctor: can the sensor run here, and how well. Starts the sensor as the agent would
 * (same config), reports the backend and why, every BPF program with its verifier cost, the
 * host's features, capabilities and limits, then stops. Exit 0: eBPF with every program
 * loaded; 1: degraded, fallback or no sensor.
 */
#include "cli/cli.h"
#include "common/buf.h"
#include "common/jsonw.h"
#include "common/log.h"
#include "sensor/features.h"
#include "sensor/report.h"
#include "sensor/sensor.h"
#include "sensor/session.h"

#include <getopt.h>
#include <stdint.h>
#include <string.h>

/* A quarter of the kernel's 1,000,000: what tests/integration/test_sensor_budget.sh holds
 * every program to, so a kernel build that verifies more stays far from refusing. */
#define VERIFIER_BUDGET 250000

static void doctor_help(FILE *out)
{
	fprintf(out,
		"Usage: ward doctor [--json]\n"
		"\n"
		"Starts the sensor as 'ward agent' would and reports what runs: the backend and,\n"
		"when it falls back, why; each BPF program (loaded, verified instructions, load\n"
		"time, hooks, what it serves); the kernel's features; capabilities and limits.\n"
		"\n"
		"Options:\n"
		"  -j, --json   one JSON object\n"
		"\n"
		"Exit codes: 0 eBPF with every program loaded, 1 degraded, fallback or no sensor.\n"
		"\n"
		"Examples:\n"
		"  ward doctor\n"
		"  ward doctor --json | jq '.programs[] | {name, verified_insns}'\n");
}

static const char *status_of(const struct ward_sensor_report *r, bool opened)
{
	if (!opened)
		return "unavailable";
	if (r->backend && strcmp(r->backend, "fallback") == 0)
		return "fallback";
	return r->off[0] ? "degraded" : "ok";
}

static void memlock_str(uint64_t v, char *out, size_t len)
{
	if (v == UINT64_MAX)
		snprintf(out, len, "unlimited");
	else
		snprintf(out, len, "%llu KiB", (unsigned long long)(v / 1024));
}

static void print_text(const struct ward_host_features *h, const struct ward_sensor_report *r,
		       const char *status)
{
	char cur[32], max[32];

	printf("kernel     %s %s (%s)\n", h->release, h->version, h->machine);
	printf("BTF        %s", h->btf ? "yes" : "NO");
	if (h->btf)
		printf(" (%llu bytes)", (unsigned long long)h->btf_bytes);
	printf("\nsensor     %s: %s\n", status, r->describe[0] ? r->describe : "did not start");
	if (r->why_fallback[0])
		printf("fallback   because: %s\n", r->why_fallback);
	if (r->off[0])
		printf("off        %s\n", r->off);
	if (r->progs_cnt) {
		printf("\nBPF programs (loaded in %.0f ms, %u attempt%s; budget %d verified insns)\n",
		       r->load_ms, r->attempts, r->attempts == 1 ? "" : "s", VERIFIER_BUDGET);
		printf("  %-20s %-7s %9s %8s  %s\n", "name", "loaded", "insns", "ms", "hooks / why not");
		for (size_t i = 0; i < r->progs_cnt; i++) {
			const struct ward_sensor_prog *p = &r->progs[i];

			printf("  %-20s %-7s %9u %8.1f  %s%s\n", p->name, p->loaded ? "yes" : "NO",
			       p->verified_insns, p->load_ms, p->loaded ? p->hooks : p->error,
			       p->loaded && p->verified_insns > VERIFIER_BUDGET ? " [OVER BUDGET]" : "");
		}
	}
	printf("\nfeatures\n");
	for (int i = 0; i < h->feat_cnt; i++)
		printf("  %-3s %-38s %s\n", h->feat[i].ok ? "ok" : "NO", h->feat[i].name,
		       h->feat[i].ok ? "" : h->feat[i].needed_for);
	printf("\ncapabilities (effective)\n");
	for (int i = 0; i < WARD_CAPS_CNT; i++)
		printf("  %-3s %-20s %s\n", h->caps[i].effective ? "yes" : "no", h->caps[i].name,
		       h->caps[i].why);
	memlock_str(h->memlock_cur, cur, sizeof(cur));
	memlock_str(h->memlock_max, max, sizeof(max));
	printf("\nlimits     RLIMIT_MEMLOCK %s (max %s)\n", cur, max);
	if (h->unprivileged_bpf_disabled > -1000)
		printf("sysctl     kernel.unprivileged_bpf_disabled=%d kernel.perf_event_paranoid=%d\n",
		       h->unprivileged_bpf_disabled, h->perf_event_paranoid);
}

static void print_json(const struct ward_host_features *h, const struct ward_sensor_report *r,
		       const char *status)
{
	struct ward_buf b;
	struct ward_jw w;

	ward_buf_init(&b, 1 << 20);
	ward_jw_init(&w, &b);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "ward", WARD_VERSION);
	ward_jw_key(&w, "kernel");
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "release", h->release);
	ward_jw_kstr(&w, "version", h->version);
	ward_jw_kstr(&w, "machine", h->machine);
	ward_jw_obj_end(&w);
	ward_jw_key(&w, "btf");
	ward_jw_obj_begin(&w);
	ward_jw_kbool(&w, "present", h->btf);
	ward_jw_kuint(&w, "bytes", h->btf_bytes);
	ward_jw_obj_end(&w);
	ward_jw_kstr(&w, "status", status);
	ward_jw_key(&w, "backend");
	if (r->backend)
		ward_jw_str(&w, r->backend);
	else
		ward_jw_null(&w);
	ward_jw_kstr(&w, "describe", r->describe);
	ward_jw_kstr(&w, "off", r->off);
	ward_jw_kstr(&w, "why_fallback", r->why_fallback);
	ward_jw_key(&w, "load_ms");
	ward_jw_double(&w, r->load_ms);
	ward_jw_kuint(&w, "load_attempts", r->attempts);
	ward_jw_kuint(&w, "verifier_budget", VERIFIER_BUDGET);
	ward_jw_key(&w, "programs");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < r->progs_cnt; i++) {
		const struct ward_sensor_prog *p = &r->progs[i];

		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "name", p->name);
		ward_jw_kbool(&w, "loaded", p->loaded);
		ward_jw_kuint(&w, "verified_insns", p->verified_insns);
		ward_jw_key(&w, "load_ms");
		ward_jw_double(&w, p->load_ms);
		ward_jw_kstr(&w, "hooks", p->hooks);
		ward_jw_kstr(&w, "serves", p->serves ? p->serves : "");
		ward_jw_kstr(&w, "error", p->error);
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);
	ward_jw_key(&w, "features");
	ward_jw_arr_begin(&w);
	for (int i = 0; i < h->feat_cnt; i++) {
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "name", h->feat[i].name);
		ward_jw_kbool(&w, "ok", h->feat[i].ok);
		ward_jw_kstr(&w, "needed_for", h->feat[i].needed_for);
		ward_jw_obj_end(&w);
	}
	ward_jw_arr_end(&w);
	ward_jw_key(&w, "capabilities");
	ward_jw_obj_begin(&w);
	for (int i = 0; i < WARD_CAPS_CNT; i++)
		ward_jw_kbool(&w, h->caps[i].name, h->caps[i].effective);
	ward_jw_obj_end(&w);
	ward_jw_key(&w, "limits");
	ward_jw_obj_begin(&w);
	ward_jw_key(&w, "memlock_bytes");
	if (h->memlock_cur == UINT64_MAX)
		ward_jw_str(&w, "unlimited");
	else
		ward_jw_uint(&w, h->memlock_cur);
	ward_jw_obj_end(&w);
	ward_jw_obj_end(&w);
	if (!w.err) {
		fwrite(b.data, 1, b.len, stdout);
		putchar('\n');
	}
	ward_buf_free(&b);
}

static int doctor_run(struct ward_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	struct ward_sensor_report rep;
	struct ward_host_features h;
	struct ward_sensor_opts so;
	struct ward_sensor *s = NULL;
	const char *status;
	bool opened = false;
	int c, json = 0;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j')
			return ward_cli_usage_error("doctor", "unknown option");
		json = 1;
	}
	if (optind < argc)
		return ward_cli_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
	memset(&rep, 0, sizeof(rep));
	ward_host_features_probe(&h);
	if (ward_session_sensor_opts(ctx->cfg, &so) == 0 && ward_sensor_open(&so, &s) == 0) {
		opened = true;
		ward_sensor_get_report(s, &rep);
		ward_sensor_close(s);
	}
	status = status_of(&rep, opened);
	if (json)
		print_json(&h, &rep, status);
	else
		print_text(&h, &rep, status);
	return strcmp(status, "ok") == 0 ? WARD_EXIT_OK : WARD_EXIT_ERR;
}

const struct ward_cmd ward_cmd_doctor = {
	.name = "doctor", .summary = "check what the sensor can do on this host",
	.run = doctor_run, .help = doctor_help,
};
