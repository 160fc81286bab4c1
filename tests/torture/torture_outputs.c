// SPDX-License-Identifier: Apache-2.0
/*
 * Torture target for the output paths (docs/testing.md): the input is an alert's rule name
 * and output text; it is formatted as JSON and text, delivered through the file output (a
 * small max_bytes so it rotates) and the stdout output (to /dev/null), and the input is
 * written into a signed forensic bundle that is then verified. Every step's error is
 * returned, so the driver can require an error whenever an allocation or write was failed.
 */
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/alert.h"
#include "alert/output.h"
#include "common/buf.h"
#include "respond/bundle.h"

int ward_torture_target(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* The host key is made once, before the driver forks: generating it writes key.pub, whose
 * failure hostkey.c tolerates by design (the private key stays usable). */
static char key_dir[] = "/tmp/ward-torture-key.XXXXXX";
static char key_path[sizeof(key_dir) + 16];
static pid_t key_owner;

__attribute__((constructor)) static void key_make(void)
{
	struct ward_hostkey *k;

	if (!mkdtemp(key_dir))
		return;
	key_owner = getpid();
	snprintf(key_path, sizeof(key_path), "%s/host.key", key_dir);
	if (ward_hostkey_load(key_path, true, &k) == 0)
		ward_hostkey_free(k);
}

__attribute__((destructor)) static void key_remove(void)
{
	if (key_owner == getpid())
		nftw(key_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int alerts(const char *dir, const char *text)
{
	struct ward_alert a = { .time_ns = 1, .rule = "torture", .priority = WARD_PRIO_WARNING,
				.output = text, .hostname = "h" };
	struct ward_buf json, txt;
	struct ward_output *file = NULL, *out = NULL;
	char path[256];
	int devnull = -1, err;

	ward_buf_init(&json, 0);
	ward_buf_init(&txt, 0);
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	err = ward_alert_to_json(&a, &json);
	if (!err)
		err = ward_alert_to_text(&a, &txt);
	if (!err)
		err = ward_output_file_new(path, 2 * json.len + 8, 1, &file);
	for (int i = 0; !err && i < 4; i++) /* the third line rotates */
		err = file->write(file, &a, json.data, json.len, txt.data, txt.len);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (!err && devnull < 0)
		err = -EIO;
	if (!err)
		err = ward_output_stdout_new(devnull, true, &out);
	if (!err)
		err = out->write(out, &a, json.data, json.len, txt.data, txt.len);
	if (file)
		file->close(file);
	if (out)
		out->close(out);
	if (devnull >= 0)
		close(devnull);
	ward_buf_free(&json);
	ward_buf_free(&txt);
	return err;
}

static int bundle(const char *dir, const uint8_t *data, size_t size)
{
	struct ward_bundle_writer *w = NULL;
	struct ward_bundle_report r;
	struct ward_hostkey *k = NULL;
	char path[256];
	int err;

	snprintf(path, sizeof(path), "%s/case.tar", dir);
	err = ward_hostkey_load(key_path, false, &k);
	if (!err)
		err = ward_bundle_writer_open(path, false, &w);
	if (!err)
		err = ward_bundle_add(w, "input.bin", data, size);
	if (!err)
		err = ward_bundle_finish(w, "{\"reason\":\"torture\"}", k);
	ward_bundle_writer_free(w);
	ward_hostkey_free(k);
	if (!err) {
		err = ward_bundle_verify_file(path, NULL, &r);
		ward_bundle_report_free(&r);
	}
	return err;
}

int ward_torture_target(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/ward-torture-out.XXXXXX";
	char *text;
	int err;

	if (!mkdtemp(dir))
		return -EIO;
	text = strndup((const char *)data, size);
	err = text ? alerts(dir, text) : -ENOMEM;
	if (!err)
		err = bundle(dir, data, size);
	free(text);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return err;
}

/* the driver takes ward_torture_target; this keeps the shared driver's link complete */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return 0;
}
