// SPDX-License-Identifier: Apache-2.0
/*
 * ward forensics: check and summarize forensic bundles written by `ward respond collect`.
 * verify checks every artifact hash and the signature and names the first artifact that
 * fails; show prints what a bundle holds. Neither extracts anything (use tar for that).
 */
#include "cli/cli.h"

#include "common/jsonw.h"
#include "respond/bundle.h"
#include "respond/respond.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <string.h>

static void forensics_help(FILE *out)
{
	fprintf(out,
		"Usage: ward forensics verify BUNDLE [--key PUB] [--json]\n"
		"       ward forensics show BUNDLE [--json]\n"
		"\n"
		"Check and summarize forensic bundles made by 'ward respond collect'.\n"
		"\n"
		"Actions:\n"
		"  verify   check that every artifact matches the SHA-256 in manifest.json, that\n"
		"           nothing was added or removed, and that manifest.sig is a valid Ed25519\n"
		"           signature. Names the first artifact that fails. Without --key the key\n"
		"           embedded in the bundle is used, which proves integrity but not origin.\n"
		"  show     print the bundle's target, host, time and artifacts (verifies too)\n"
		"\n"
		"Options:\n"
		"  -k, --key PUB   the signing host's public key (PEM, the <respond.key>.pub file)\n"
		"  -j, --json      machine-readable output\n"
		"\n"
		"Examples:\n"
		"  ward forensics verify case-17.tar --key /var/lib/ward/host.key.pub\n"
		"  ward forensics show case-17.tar --json\n"
		"\n"
		"Exit codes: 0 verified, 1 verification failed or error, 2 usage.\n");
}

static int load_pub(const char *path, struct ward_hostkey **out)
{
	struct ward_buf b;
	int err;

	ward_buf_init(&b, 64u << 10);
	err = ward_read_file(path, &b);
	if (err >= 0)
		err = ward_hostkey_from_pub_pem(b.data, b.len, out);
	ward_buf_free(&b);
	return err;
}

static void print_json(const char *file, int err, const struct ward_bundle_report *r,
		       bool with_manifest)
{
	struct ward_buf b;
	struct ward_jw w;

	ward_buf_init(&b, 0);
	ward_jw_init(&w, &b);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "bundle", file);
	ward_jw_kbool(&w, "verified", err == 0);
	if (err) {
		ward_jw_kstr(&w, "error", r->msg[0] ? r->msg : ward_strerror(err));
		if (r->failed[0])
			ward_jw_kstr(&w, "failed_artifact", r->failed);
	}
	ward_jw_kuint(&w, "artifacts", r->artifact_cnt);
	ward_jw_kuint(&w, "bytes", r->artifact_bytes);
	ward_jw_kbool(&w, "signature_ok", r->sig_ok);
	ward_jw_kbool(&w, "key_pinned", r->key_pinned);
	if (r->key_fpr[0])
		ward_jw_kstr(&w, "key_sha256", r->key_fpr);
	if (with_manifest && r->manifest) {
		json_t *m = json_loadb(r->manifest, r->manifest_len, 0, NULL);

		/* only well-formed JSON is embedded raw; anything else is not ours to echo */
		if (m) {
			ward_jw_key(&w, "manifest");
			ward_jw_raw(&w, r->manifest, r->manifest_len - (r->manifest[r->manifest_len - 1] == '\n'));
			json_decref(m);
		}
	}
	ward_jw_obj_end(&w);
	printf("%s\n", w.err ? "{}" : b.data);
	ward_buf_free(&b);
}

static void print_show(const struct ward_bundle_report *r)
{
	json_t *m = json_loadb(r->manifest, r->manifest_len, 0, NULL), *meta, *tgt, *arts, *it;
	size_t i;

	if (!m)
		return;
	meta = json_object_get(m, "meta");
	tgt = json_object_get(meta, "target");
	printf("created:   %s\n", json_string_value(json_object_get(m, "created")) ?: "?");
	printf("host:      %s\n", json_string_value(json_object_get(meta, "host")) ?: "?");
	printf("reason:    %s\n", json_string_value(json_object_get(meta, "reason")) ?: "?");
	if (json_is_string(json_object_get(tgt, "container_id")))
		printf("container: %s\n", json_string_value(json_object_get(tgt, "container_id")));
	if (json_is_integer(json_object_get(tgt, "pid")))
		printf("pid:       %lld\n", (long long)json_integer_value(json_object_get(tgt, "pid")));
	printf("processes: %zu\n", json_array_size(json_object_get(meta, "pids")));
	printf("key:       %s\n", json_string_value(json_object_get(m, "hostkey_sha256")) ?: "?");
	arts = json_object_get(m, "artifacts");
	printf("artifacts: %zu\n", json_array_size(arts));
	json_array_foreach(arts, i, it)
		printf("  %12lld  %s%s\n", (long long)json_integer_value(json_object_get(it, "size")),
		       json_string_value(json_object_get(it, "path")) ?: "?",
		       json_is_true(json_object_get(it, "truncated")) ? " (truncated)" : "");
	json_decref(m);
}

static int forensics_run(struct ward_ctx *ctx, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	struct ward_bundle_report r;
	struct ward_hostkey *pub = NULL;
	const char *key = NULL, *file, *action;
	bool json = false, show;
	int c, err;

	if (argc < 2)
		return ward_cli_usage_error("forensics", "missing action (verify or show)");
	action = argv[1];
	if (strcmp(action, "verify") != 0 && strcmp(action, "show") != 0)
		return ward_cli_usage_error("forensics", "unknown action '%s'", action);
	show = action[0] == 's';
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "k:j", lopts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'j': json = true; break;
		default: return WARD_EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return ward_cli_usage_error("forensics", "%s needs exactly one BUNDLE", action);
	file = argv[optind];
	if (key) {
		err = load_pub(key, &pub);
		if (err) {
			fprintf(stderr, "ward forensics: --key %s: %s\n", key, ward_strerror(err));
			return WARD_EXIT_ERR;
		}
	}
	err = ward_bundle_verify_file(file, pub, &r);
	if (json) {
		print_json(file, err, &r, show);
	} else {
		if (show && r.manifest)
			print_show(&r);
		if (err) {
			printf("FAILED: %s\n", file);
			if (r.failed[0])
				printf("artifact: %s\n", r.failed);
			printf("reason:   %s\n", r.msg[0] ? r.msg : ward_strerror(err));
		} else {
			printf("OK: %s: %zu artifacts, %llu bytes, signature valid (key sha256 %s, %s)\n",
			       file, r.artifact_cnt, (unsigned long long)r.artifact_bytes, r.key_fpr,
			       r.key_pinned ? "given with --key" : "embedded in the bundle");
			if (!r.key_pinned)
				printf("note: the key came from the bundle itself; pass --key HOST.pub to "
				       "prove which host signed it\n");
		}
	}
	ward_bundle_report_free(&r);
	ward_hostkey_free(pub);
	return err ? WARD_EXIT_ERR : WARD_EXIT_OK;
}

const struct ward_cmd ward_cmd_forensics = {
	.name = "forensics",
	.summary = "verify and show forensic bundles",
	.run = forensics_run,
	.help = forensics_help,
};
