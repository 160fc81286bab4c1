// SPDX-License-Identifier: Apache-2.0
/*
 * ward scan: container images, root filesystems and function bundles for vulnerable
 * packages, secrets and malware; writes a report or an SBOM and gates CI with --exit-code.
 * This file is only option handling and wiring: scanning is src/scan, matching src/vulndb.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "scan/malware.h"
#include "scan/report.h"
#include "scan/scan.h"
#include "scan/secrets.h"
#include "vulndb/vulndb.h"

#define MAX_YARA_PATHS 32

static void scan_help(FILE *out)
{
	fprintf(out,
"Usage: ward scan image PATH | image --docker NAME | rootfs DIR | bundle FILE.zip [OPTIONS]\n"
"\n"
"Scan a container image, a root filesystem or a function bundle for known-vulnerable\n"
"packages, leaked secrets and malware, offline. Images are docker-save archives, OCI image\n"
"layout directories or oci-archive tars (optionally gzip/zstd-compressed); layers are read\n"
"as streams and whiteouts applied, nothing is extracted.\n"
"\n"
"Targets:\n"
"  image PATH             docker-save tar, OCI layout directory or oci-archive tar\n"
"  image --docker NAME    the image NAME from the local Docker Engine\n"
"                         ($DOCKER_HOST=unix://PATH, default /var/run/docker.sock)\n"
"  rootfs DIR             a container root or mounted VM snapshot (stays on DIR's filesystem)\n"
"  bundle FILE.zip        a function package (node_modules, site-packages, jars)\n"
"\n"
"Output:\n"
"  -f, --format FMT       table (default), json, sarif, cyclonedx, spdx\n"
"      --json             same as --format json\n"
"  -o, --output FILE      write the report to FILE instead of stdout\n"
"  -q, --quiet            no progress line and no warnings on stderr\n"
"      --files            (image, json) list the final filesystem too: every path with\n"
"                         its type, mode, size, sha256 or symlink target, and layer\n"
"\n"
"Policy:\n"
"      --severity LIST    report only these severities: comma-separated CRITICAL, HIGH,\n"
"                         MEDIUM, LOW, NONE, UNKNOWN; or LEVEL+ for that level and above\n"
"                         (default: all)\n"
"      --exit-code N      exit with N when reported (unsuppressed, in --severity)\n"
"                         findings remain (default 0: findings do not change the exit code)\n"
"      --ignore-unfixed   leave out vulnerabilities without a fixed version\n"
"      --ignorefile FILE  suppress findings by id: CVE/GHSA ids, secret rule ids, YARA\n"
"                         rule names; one per line, optional 'exp:YYYY-MM-DD', '# reason'\n"
"      --vex FILE         OpenVEX document: not_affected/fixed statements suppress findings\n"
"\n"
"Detection:\n"
"      --db PATH          vulnerability database (default: config scan.db, %s)\n"
"      --secret-rules F   YAML secret rules replacing the built-ins (see docs/readme/scan.md)\n"
"      --yara-rules P     add a YARA rule file or directory (repeatable)\n"
"      --no-secrets       skip secret detection\n"
"      --no-malware       skip YARA\n"
"\n"
"Exit codes: 0 ok (or findings without --exit-code), 1 error, 2 usage, N per --exit-code.\n"
"\n"
"Examples:\n"
"  ward scan image app.tar\n"
"  ward scan image --docker myapp:1.2 --severity HIGH+ --exit-code 3\n"
"  ward scan image ./oci-layout --format cyclonedx -o sbom.cdx.json\n"
"  ward scan rootfs /mnt/snapshot --format sarif -o ward.sarif\n"
"  ward scan bundle function.zip --json --ignorefile .wardignore --vex app.openvex.json\n",
		"/var/lib/ward/vuln.db");
}

enum { O_JSON = 256, O_SEV, O_EXIT, O_UNFIXED, O_IGNORE, O_VEX, O_DB, O_SECRULES, O_YARA,
       O_NOSECRETS, O_NOMALWARE, O_DOCKER, O_FILES };

static const struct option OPTS[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, O_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "severity", required_argument, NULL, O_SEV },
	{ "exit-code", required_argument, NULL, O_EXIT },
	{ "ignore-unfixed", no_argument, NULL, O_UNFIXED },
	{ "ignorefile", required_argument, NULL, O_IGNORE },
	{ "vex", required_argument, NULL, O_VEX },
	{ "db", required_argument, NULL, O_DB },
	{ "secret-rules", required_argument, NULL, O_SECRULES },
	{ "yara-rules", required_argument, NULL, O_YARA },
	{ "no-secrets", no_argument, NULL, O_NOSECRETS },
	{ "no-malware", no_argument, NULL, O_NOMALWARE },
	{ "docker", required_argument, NULL, O_DOCKER },
	{ "files", no_argument, NULL, O_FILES },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	enum ward_report_fmt fmt;
	const char *output, *ignorefile, *vex, *db, *secret_rules, *docker;
	const char *yara[MAX_YARA_PATHS];
	size_t yara_cnt;
	bool quiet, no_secrets, no_malware, files;
	int exit_code;
	struct ward_report_opts ro;
};

static int parse_sev(const char *s, unsigned *mask)
{
	size_t n = strlen(s);
	const char *bad = NULL;

	if (n > 1 && s[n - 1] == '+') {
		char word[32];
		unsigned one;

		snprintf(word, sizeof(word), "%.*s", (int)(n - 1), s);
		if (ward_report_sev_mask(word, &one, &bad) < 0)
			return -EINVAL;
		/* LEVEL+ = that bit and every higher one */
		*mask = WARD_SEV_MASK_ALL & ~(one - 1);
		return 0;
	}
	return ward_report_sev_mask(s, mask, &bad);
}

static int parse_args(int argc, char **argv, struct args *a)
{
	int c;

	while ((c = getopt_long(argc, argv, "+f:o:qh", OPTS, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (ward_report_fmt_parse(optarg, &a->fmt) < 0)
				return ward_cli_usage_error("scan", "unknown --format '%s' (table, json, sarif, cyclonedx, spdx)", optarg);
			break;
		case O_JSON: a->fmt = WARD_REPORT_JSON; break;
		case 'o': a->output = optarg; break;
		case 'q': a->quiet = true; break;
		case O_SEV:
			if (parse_sev(optarg, &a->ro.sev_mask) < 0)
				return ward_cli_usage_error("scan", "bad --severity '%s': use e.g. CRITICAL,HIGH or HIGH+", optarg);
			break;
		case O_EXIT: {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0 || v > 255)
				return ward_cli_usage_error("scan", "--exit-code takes 0..255, not '%s'", optarg);
			a->exit_code = (int)v;
			break;
		}
		case O_UNFIXED: a->ro.ignore_unfixed = true; break;
		case O_IGNORE: a->ignorefile = optarg; break;
		case O_VEX: a->vex = optarg; break;
		case O_DB: a->db = optarg; break;
		case O_SECRULES: a->secret_rules = optarg; break;
		case O_YARA:
			if (a->yara_cnt + 1 >= MAX_YARA_PATHS)
				return ward_cli_usage_error("scan", "at most %d --yara-rules", MAX_YARA_PATHS - 1);
			a->yara[a->yara_cnt++] = optarg;
			break;
		case O_NOSECRETS: a->no_secrets = true; break;
		case O_NOMALWARE: a->no_malware = true; break;
		case O_DOCKER: a->docker = optarg; break;
		case O_FILES: a->files = true; break;
		case 'h': scan_help(stdout); return -1;
		default:
			return ward_cli_usage_error("scan", "unknown option");
		}
	}
	return 0;
}

static int fail(const char *what, int rc, const struct ward_diag *d)
{
	char msg[1024];

	if (d->msg[0])
		fprintf(stderr, "ward scan: %s\n", ward_diag_format(d, msg, sizeof(msg)));
	else
		fprintf(stderr, "ward scan: %s: %s\n", what, ward_strerror(rc));
	return WARD_EXIT_ERR;
}

/* ward's own YARA rules: the installed copy, else the source tree this binary came from. */
static const char *builtin_yara(void)
{
	struct stat st;

	if (stat(WARD_YARA_RULES_INSTALLED, &st) == 0)
		return WARD_YARA_RULES_INSTALLED;
	return WARD_SOURCE_DIR "/rules/yara";
}

static int match_vulns(struct ward_scan_result *r, const char *db_path, char *note, size_t note_len,
		       struct ward_diag *d)
{
	struct ward_vulndb *db = NULL;
	struct stat st;
	int rc;

	if (stat(db_path, &st) < 0) {
		snprintf(note, note_len, "no vulnerability database at %s: run 'ward db import'", db_path);
		return 0;
	}
	rc = ward_vulndb_open(db_path, true, &db, d);
	if (rc < 0)
		return rc;
	rc = ward_vulndb_match(db, &r->pkgs, &r->vulns);
	ward_vulndb_close(db);
	if (rc < 0)
		return ward_diag_set(d, rc, db_path, 0, 0, "matching failed: %s", ward_strerror(rc));
	r->has_db = true;
	return 0;
}

static int apply_suppressions(struct ward_scan_result *r, const struct args *a, struct ward_diag *d)
{
	struct ward_suppress *s;
	int rc = 0;

	if (!a->ignorefile && !a->vex)
		return 0;
	/* vulnerabilities: src/vulndb's suppression (ids, packages, expiry, OpenVEX) */
	s = ward_suppress_new();
	if (a->ignorefile)
		rc = ward_suppress_load_ignore(s, a->ignorefile, d);
	/* the loaders may return how many entries they read */
	if (rc >= 0 && a->vex)
		rc = ward_suppress_load_vex(s, a->vex, d);
	if (rc >= 0) {
		int n = ward_suppress_apply(s, &r->vulns, NULL);

		rc = n < 0 ? n : 0;
	}
	ward_suppress_free(s);
	/* secrets and malware: by rule id from the same ignore file */
	if (rc == 0 && a->ignorefile)
		rc = ward_report_apply_ignorefile(r, a->ignorefile, d);
	return rc;
}

static int scan_run(struct ward_ctx *ctx, int argc, char **argv)
{
	struct args a = { 0 };
	struct ward_scan_opts so = { 0 };
	struct ward_secrets *sec = NULL;
	struct ward_malware *mal = NULL;
	struct ward_scan_result *r = NULL;
	struct ward_diag d = { 0 };
	struct ward_buf out;
	const char *what, *target = NULL;
	char note[600] = "";
	int rc, exit_rc = WARD_EXIT_ERR;

	if (argc < 2)
		return ward_cli_usage_error("scan", "what to scan? image, rootfs or bundle");
	what = argv[1];
	if (strcmp(what, "image") && strcmp(what, "rootfs") && strcmp(what, "bundle"))
		return ward_cli_usage_error("scan", "unknown target kind '%s' (image, rootfs, bundle)", what);
	a.ro.sev_mask = WARD_SEV_MASK_ALL;
	optind = 2;
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? WARD_EXIT_OK : rc;
	/* the target may come before or after the options */
	if (optind < argc)
		target = argv[optind++];
	if (optind < argc) {
		rc = parse_args(argc, argv, &a);
		if (rc)
			return rc < 0 ? WARD_EXIT_OK : rc;
		if (optind < argc)
			return ward_cli_usage_error("scan", "unexpected argument '%s'", argv[optind]);
	}
	if (a.docker && (strcmp(what, "image") || target))
		return ward_cli_usage_error("scan", "--docker NAME goes with 'image' and no PATH");
	if (!a.docker && !target)
		return ward_cli_usage_error("scan", "%s needs a path", what);
	if (a.files && (strcmp(what, "image") || a.fmt != WARD_REPORT_JSON))
		return ward_cli_usage_error("scan", "--files goes with 'image' and --format json");
	if (a.quiet)
		ward_log_set_level(WARD_LOG_ERROR);

	if (!a.no_secrets && (rc = ward_secrets_new(a.secret_rules, &sec, &d)) < 0)
		return fail("secret rules", rc, &d);
	if (!a.no_malware) {
		const char *paths[MAX_YARA_PATHS];

		paths[0] = builtin_yara();
		memcpy(paths + 1, a.yara, a.yara_cnt * sizeof(*paths));
		if ((rc = ward_malware_new(paths, a.yara_cnt + 1, &mal, &d)) < 0) {
			ward_secrets_free(sec);
			return fail("YARA rules", rc, &d);
		}
	}
	so.secrets = sec;
	so.malware = mal;
	so.progress = !a.quiet && isatty(STDERR_FILENO);
	so.files = a.files;
	if (a.docker)
		rc = ward_scan_docker(&so, a.docker, &r, &d);
	else if (!strcmp(what, "image"))
		rc = ward_scan_image(&so, target, &r, &d);
	else if (!strcmp(what, "rootfs"))
		rc = ward_scan_rootfs(&so, target, &r, &d);
	else
		rc = ward_scan_bundle(&so, target, &r, &d);
	if (rc < 0) {
		fail(target ? target : a.docker, rc, &d);
		goto out;
	}
	rc = match_vulns(r, a.db ? a.db : ward_config_str(ctx->cfg, "scan.db"), note, sizeof(note), &d);
	if (rc < 0) {
		fail("vulnerability database", rc, &d);
		goto out;
	}
	if (note[0] && !a.quiet)
		fprintf(stderr, "ward scan: %s\n", note);
	rc = apply_suppressions(r, &a, &d);
	if (rc < 0) {
		fail("suppressions", rc, &d);
		goto out;
	}
	a.ro.db_note = note[0] ? note : NULL;
	a.ro.color = a.fmt == WARD_REPORT_TABLE && !a.output && isatty(STDOUT_FILENO);
	ward_buf_init(&out, 1ull << 30);
	rc = ward_report_write(a.fmt, &a.ro, r, &out);
	if (rc == 0) {
		FILE *f = a.output ? fopen(a.output, "we") : stdout;

		if (!f) {
			fprintf(stderr, "ward scan: %s: %s\n", a.output, strerror(errno));
		} else {
			bool ok = fwrite(out.data, 1, out.len, f) == out.len;

			ok &= (a.output ? fclose(f) : fflush(f)) == 0;
			if (!ok)
				fprintf(stderr, "ward scan: writing %s failed\n", a.output ? a.output : "stdout");
			else
				exit_rc = a.exit_code && ward_report_count(&a.ro, r) ? a.exit_code
										      : WARD_EXIT_OK;
		}
	} else {
		fprintf(stderr, "ward scan: report: %s\n", ward_strerror(rc));
	}
	ward_buf_free(&out);
out:
	ward_scan_result_free(r);
	ward_malware_free(mal);
	ward_secrets_free(sec);
	return exit_rc;
}

const struct ward_cmd ward_cmd_scan = {
	.name = "scan",
	.summary = "scan images, root filesystems and bundles for vulnerabilities, secrets and malware",
	.run = scan_run,
	.help = scan_help,
};
