// SPDX-License-Identifier: Apache-2.0
/*
 * ward db: build the local vulnerability database from OSV data (import) and say what is in
 * it and how old it is (info). The database work is in src/vulndb; this file is option
 * parsing and output only.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "vulndb/vulndb.h"

static void db_help(FILE *out)
{
	fprintf(out,
		"Usage: ward db import SOURCE... [--db PATH] [--strict] [--quiet]\n"
		"       ward db info [--db PATH] [--json]\n"
		"\n"
		"Manages the local vulnerability database (SQLite) that `ward scan` matches\n"
		"packages against. No network is used: SOURCE is OSV data you downloaded, either a\n"
		"directory tree of OSV JSON records, one .json record, or a zip export such as\n"
		"https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip.\n"
		"\n"
		"import  adds or updates records. Records whose id and modified time are already\n"
		"        stored are skipped, changed ones replaced. A broken record is reported\n"
		"        with its file and JSON path and skipped; if a source cannot be read at\n"
		"        all, nothing from it is stored and what was stored before is kept.\n"
		"info    prints the record count per ecosystem, the newest modified date and the\n"
		"        time and age of the last import.\n"
		"\n"
		"Options:\n"
		"  --db PATH   database file (default: config key scan.db, %s)\n"
		"  --strict    import: exit 1 when any record was broken (default: warn, exit 0)\n"
		"  --quiet     import: no per-source summary and no progress line\n"
		"  --json      info: print JSON instead of text\n"
		"  -h, --help  this help\n"
		"\n"
		"Exit status: 0 ok, 1 error (or broken records with --strict), 2 usage error.\n"
		"\n"
		"Examples:\n"
		"  ward db import ~/osv/Debian.zip ~/osv/npm.zip\n"
		"  ward db import ./advisories --db /tmp/vuln.db\n"
		"  ward db import ~/osv/PyPI.zip --strict --quiet\n"
		"  ward db info\n"
		"  ward db info --db /tmp/vuln.db --json | jq .ecosystems\n",
		"/var/lib/ward/vuln.db");
}

enum { OPT_DB = 1, OPT_JSON, OPT_STRICT, OPT_QUIET };

static const struct option db_opts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ 0 },
};

struct db_args {
	const char *db;
	int json, strict, quiet;
};

static void report_diag(const struct ward_diag *d, int err)
{
	char msg[1024];

	if (d->msg[0])
		fprintf(stderr, "ward db: %s\n", ward_diag_format(d, msg, sizeof(msg)));
	else
		fprintf(stderr, "ward db: %s\n", ward_strerror(err));
}

/* The default location's directory may not exist on a fresh install. */
static void ensure_parent(const char *path)
{
	char tmp[4096];

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return;
	if (mkdir(dirname(tmp), 0755) < 0 && errno != EEXIST)
		return;
}

static int db_import(struct db_args *a, int n, char **sources)
{
	struct ward_vulndb *db = NULL;
	struct ward_diag d = { 0 };
	size_t added = 0, updated = 0, unchanged = 0, failed = 0;
	int err, rc = WARD_EXIT_OK;
	unsigned flags = (!a->quiet && isatty(STDERR_FILENO)) ? WARD_VULNDB_IMPORT_PROGRESS : 0;

	ensure_parent(a->db);
	err = ward_vulndb_open(a->db, false, &db, &d);
	if (err) {
		report_diag(&d, err);
		return WARD_EXIT_ERR;
	}
	for (int i = 0; i < n; i++) {
		struct ward_vulndb_import_stats st;

		memset(&d, 0, sizeof(d));
		err = ward_vulndb_import_ex(db, sources[i], flags, &st, &d);
		if (err < 0) {
			report_diag(&d, err);
			fprintf(stderr, "ward db: %s: nothing imported from this source\n", sources[i]);
			rc = WARD_EXIT_ERR;
			continue;
		}
		added += st.added;
		updated += st.updated;
		unchanged += st.unchanged;
		failed += st.failed;
		if (!a->quiet)
			printf("%s: %zu new, %zu updated, %zu unchanged, %zu failed\n", sources[i],
			       st.added, st.updated, st.unchanged, st.failed);
	}
	if (!a->quiet && n > 1)
		printf("total: %zu new, %zu updated, %zu unchanged, %zu failed\n", added, updated,
		       unchanged, failed);
	if (failed && a->strict)
		rc = WARD_EXIT_ERR;
	ward_vulndb_close(db);
	return rc;
}

static void fmt_age(long long secs, char *out, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(out, len, "%lld seconds", secs);
	else if (secs < 7200)
		snprintf(out, len, "%lld minutes", secs / 60);
	else if (secs < 172800)
		snprintf(out, len, "%lld hours", secs / 3600);
	else
		snprintf(out, len, "%lld days", secs / 86400);
}

static int db_info(struct db_args *a)
{
	struct ward_vulndb *db = NULL;
	struct ward_vulndb_info info;
	struct ward_diag d = { 0 };
	char when[64] = "", age[32] = "";
	long long now = (long long)time(NULL);
	int err;

	err = ward_vulndb_open(a->db, true, &db, &d);
	if (err) {
		report_diag(&d, err);
		return WARD_EXIT_ERR;
	}
	err = ward_vulndb_info(db, &info);
	ward_vulndb_close(db);
	if (err) {
		fprintf(stderr, "ward db: %s: cannot read: %s\n", a->db, ward_strerror(err));
		return WARD_EXIT_ERR;
	}
	if (info.import_time) {
		time_t t = (time_t)info.import_time;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fmt_age(now - info.import_time, age, sizeof(age));
	}
	if (a->json) {
		struct ward_buf b;
		struct ward_jw w;

		ward_buf_init(&b, 0);
		ward_jw_init(&w, &b);
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "path", a->db);
		ward_jw_kint(&w, "schema", info.schema_version);
		ward_jw_kuint(&w, "records", info.records);
		ward_jw_kuint(&w, "withdrawn", info.withdrawn);
		ward_jw_kuint(&w, "affected_packages", info.packages);
		ward_jw_key(&w, "newest_modified");
		if (info.newest_modified[0])
			ward_jw_str(&w, info.newest_modified);
		else
			ward_jw_null(&w);
		ward_jw_key(&w, "import_time");
		if (info.import_time)
			ward_jw_str(&w, when);
		else
			ward_jw_null(&w);
		ward_jw_key(&w, "age_seconds");
		if (info.import_time)
			ward_jw_int(&w, now - info.import_time > 0 ? now - info.import_time : 0);
		else
			ward_jw_null(&w);
		ward_jw_key(&w, "ecosystems");
		ward_jw_obj_begin(&w);
		for (size_t i = 0; i < info.ecos_cnt; i++)
			ward_jw_kuint(&w, info.ecos[i].ecosystem, info.ecos[i].records);
		ward_jw_obj_end(&w);
		ward_jw_obj_end(&w);
		if (!w.err)
			printf("%s\n", b.data);
		ward_buf_free(&b);
		err = w.err;
	} else {
		printf("database:        %s\n", a->db);
		printf("records:         %zu (%zu withdrawn)\n", info.records, info.withdrawn);
		printf("packages:        %zu affected-package entries\n", info.packages);
		printf("newest modified: %s\n", info.newest_modified[0] ? info.newest_modified : "-");
		if (info.import_time)
			printf("last import:     %s (%s ago)\n", when, age);
		else
			printf("last import:     never\n");
		printf("ecosystems:\n");
		for (size_t i = 0; i < info.ecos_cnt; i++)
			printf("  %-32s %zu\n", info.ecos[i].ecosystem, info.ecos[i].records);
	}
	ward_vulndb_info_free(&info);
	return err ? WARD_EXIT_ERR : WARD_EXIT_OK;
}

static int db_run(struct ward_ctx *ctx, int argc, char **argv)
{
	struct db_args a = { 0 };
	const char *sub;
	int c;

	if (argc < 2)
		return ward_cli_usage_error("db", "missing subcommand (import or info)");
	sub = argv[1];
	if (strcmp(sub, "import") && strcmp(sub, "info"))
		return ward_cli_usage_error("db", "unknown subcommand '%s' (import or info)", sub);
	a.db = ward_config_str(ctx->cfg, "scan.db");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", db_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: a.db = optarg; break;
		case OPT_JSON: a.json = 1; break;
		case OPT_STRICT: a.strict = 1; break;
		case OPT_QUIET: a.quiet = 1; break;
		default: return ward_cli_usage_error("db", "unknown option");
		}
	}
	if (!a.db || !*a.db)
		return ward_cli_usage_error("db", "no database path: use --db PATH or set scan.db");
	if (!strcmp(sub, "import")) {
		if (a.json)
			return ward_cli_usage_error("db", "--json applies to 'info'");
		if (optind >= argc)
			return ward_cli_usage_error("db", "import needs at least one SOURCE");
		return db_import(&a, argc - optind, argv + optind);
	}
	if (a.strict || a.quiet)
		return ward_cli_usage_error("db", "--strict and --quiet apply to 'import'");
	if (optind < argc)
		return ward_cli_usage_error("db", "unexpected argument '%s'", argv[optind]);
	return db_info(&a);
}

const struct ward_cmd ward_cmd_db = {
	.name = "db", .summary = "build and inspect the local vulnerability database",
	.run = db_run, .help = db_help,
};
