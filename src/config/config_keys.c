// SPDX-License-Identifier: Apache-2.0
/* The config schema: every key ward reads, its type, default and meaning. docs/config.md
 * mirrors this table; `ward config --defaults` prints it. */
#include "config/config.h"

const struct ward_cfg_key ward_cfg_keys[] = {
	{ "log.level", WARD_CFG_STR, "info", "error, warn, info or debug" },

	{ "sensor.backend", WARD_CFG_STR, "auto", "auto (eBPF, else fallback), bpf, or fallback" },
	{ "sensor.ring_kb", WARD_CFG_INT, "4096", "ring buffer size per CPU in KiB (power of two)" },
	{ "sensor.syscalls", WARD_CFG_LIST, "", "syscalls to capture; empty = all ward knows" },
	{ "sensor.proc_table_max", WARD_CFG_INT, "32768", "processes kept in the process table" },
	{ "sensor.ignore_self", WARD_CFG_BOOL, "true", "drop events caused by ward itself" },
	{ "sensor.exec_wakeup", WARD_CFG_BOOL, "true", "wake the reader at every exec record (lowest alert latency); false lets execs wait for the next wakeup or the 20 ms poll, saving one wakeup per exec" },

	{ "containers.docker_socket", WARD_CFG_STR, "/var/run/docker.sock",
	  "Docker Engine API socket for names, images and labels; empty disables" },
	{ "containers.podman_storage", WARD_CFG_STR, "/var/lib/containers/storage",
	  "podman's containers/storage root, read for podman container names and images; empty disables" },

	{ "agent.pidfile", WARD_CFG_STR, "/run/ward/agent.pid", "the agent's pid and single-instance lock (ward rules reload reads it and checks the lock)" },
	{ "agent.hostname", WARD_CFG_STR, "", "hostname in alerts; empty = the machine's" },

	{ "rules.files", WARD_CFG_LIST, "", "rule files or directories, loaded in order; empty = built-in defaults" },
	{ "rules.mode", WARD_CFG_STR, "detect", "detect (report actions) or enforce (run them)" },
	{ "rules.min_priority", WARD_CFG_STR, "debug", "lowest priority that raises an alert" },
	{ "rules.rate_limit_per_min", WARD_CFG_INT, "60", "alerts per rule and workload per minute" },
	{ "rules.allow_partial", WARD_CFG_BOOL, "false", "the agent starts and reloads with the rules that compile when some fail (never with none); false refuses any rule error" },

	{ "outputs.stdout.enabled", WARD_CFG_BOOL, "true", "print alerts on stdout" },
	{ "outputs.stdout.json", WARD_CFG_BOOL, "false", "alerts on stdout as JSON lines" },
	{ "outputs.stdout.min_priority", WARD_CFG_STR, "", "lowest priority printed on stdout; empty = all that pass rules.min_priority" },
	{ "outputs.file.path", WARD_CFG_STR, "", "append JSON alerts to this file" },
	{ "outputs.file.max_mb", WARD_CFG_INT, "100", "rotate the alert file at this size" },
	{ "outputs.file.keep", WARD_CFG_INT, "5", "rotated alert files kept" },
	{ "outputs.file.min_priority", WARD_CFG_STR, "", "lowest priority written to the file; empty = all" },
	{ "outputs.syslog.enabled", WARD_CFG_BOOL, "false", "send alerts to syslog" },
	{ "outputs.syslog.facility", WARD_CFG_STR, "daemon", "syslog facility: daemon, user, auth, authpriv, local0 .. local7" },
	{ "outputs.syslog.min_priority", WARD_CFG_STR, "", "lowest priority sent to syslog; empty = all" },
	{ "outputs.webhook.url", WARD_CFG_STR, "", "POST JSON alerts to this URL" },
	{ "outputs.webhook.queue", WARD_CFG_INT, "1024", "alerts queued for the webhook before dropping" },
	{ "outputs.webhook.retries", WARD_CFG_INT, "8", "retries per webhook alert, with exponential backoff" },
	{ "outputs.webhook.timeout_s", WARD_CFG_INT, "5", "timeout of one webhook request in seconds" },
	{ "outputs.webhook.min_priority", WARD_CFG_STR, "", "lowest priority POSTed to the webhook; empty = all" },
	{ "outputs.webhook.headers", WARD_CFG_LIST, "", "extra request headers, each \"Name: value\" (e.g. Authorization: Bearer TOKEN); never logged" },
	{ "outputs.webhook.user_agent", WARD_CFG_STR, "", "User-Agent of webhook requests; empty = ward/VERSION" },
	{ "outputs.webhook.ca_cert", WARD_CFG_STR, "", "PEM file of CAs that verify the webhook server; empty = system store" },
	{ "outputs.webhook.ca_path", WARD_CFG_STR, "", "directory of hashed CA certificates (openssl rehash) that verify the server" },
	{ "outputs.webhook.client_cert", WARD_CFG_STR, "", "PEM client certificate presented to the webhook (mutual TLS)" },
	{ "outputs.webhook.client_key", WARD_CFG_STR, "", "PEM key of client_cert; empty = in the client_cert file" },
	{ "outputs.webhook.insecure", WARD_CFG_BOOL, "false", "skip TLS verification of the webhook server (warned at start; testing only)" },
	{ "metrics.listen", WARD_CFG_STR, "", "serve Prometheus metrics on ADDR:PORT" },
	{ "metrics.file", WARD_CFG_STR, "", "write Prometheus metrics to this file every metrics.interval_s" },
	{ "metrics.interval_s", WARD_CFG_INT, "10", "seconds between rewrites of metrics.file" },

	{ "fim.paths", WARD_CFG_LIST, "/etc,/usr/bin,/usr/sbin,/usr/lib,/bin,/sbin", "trees to baseline" },
	{ "fim.exclude", WARD_CFG_LIST, "", "globs to skip" },
	{ "fim.db", WARD_CFG_STR, "/var/lib/ward/fim.db", "baseline database" },
	{ "fim.key", WARD_CFG_STR, "/var/lib/ward/fim.key", "HMAC key protecting the baseline" },
	{ "fim.hash", WARD_CFG_STR, "sha256", "sha256 or sha512" },
	{ "fim.groups", WARD_CFG_LIST, "", "named attribute groups, NAME=SPEC (AIDE style: p+i+n+u+g+s+m+c+sha256)" },
	{ "fim.group", WARD_CFG_STR, "R", "attribute group (name or spec) for paths that name none" },
	{ "fim.watch_window_ms", WARD_CFG_INT, "500", "fim watch: changes to one path within this window are one event" },

	{ "scan.db", WARD_CFG_STR, "/var/lib/ward/vuln.db", "vulnerability database" },

	{ "respond.protected", WARD_CFG_LIST, "", "process names never acted on" },
	{ "respond.bundle_dir", WARD_CFG_STR, "/var/lib/ward/bundles", "where rule-triggered collect writes bundles" },
	{ "respond.key", WARD_CFG_STR, "/var/lib/ward/host.key", "key signing forensic bundles" },
	{ "respond.protected_containers", WARD_CFG_LIST, "", "container ids (or prefixes) never acted on" },
	{ "respond.rate_limit_per_min", WARD_CFG_INT, "10", "actions per workload per minute; 0 = unlimited" },
	{ "respond.collect_mem_mb", WARD_CFG_INT, "64", "memory dumped per forensic bundle (all processes)" },
	{ "respond.collect_exe_mb", WARD_CFG_INT, "64", "largest executable copied into a bundle" },
	{ "respond.block_paths", WARD_CFG_LIST, "", "agent: files whose exec is denied from start (fanotify; fail-open if the agent stops)" },
	{ "respond.block_dirs", WARD_CFG_LIST, "", "agent: directories below which every exec is denied from start" },
	{ "respond.block_sha256", WARD_CFG_LIST, "", "agent: SHA-256 (hex) of files whose exec is denied, whatever their name" },
	{ "respond.block_mounts", WARD_CFG_LIST, "", "agent: mounts whose execs are checked against block_sha256 (default: those of the listed files, else /)" },
	{ "respond.collect_upper_mb", WARD_CFG_INT, "256", "writable-layer bytes copied into a bundle" },
};

const size_t ward_cfg_keys_cnt = sizeof(ward_cfg_keys) / sizeof(ward_cfg_keys[0]);
