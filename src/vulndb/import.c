// SPDX-License-Identifier: Apache-2.0
/*
 * `ward db import` sources: a single OSV JSON file, a directory tree of them, or a zip
 * export (libarchive) such as osv.dev's per-ecosystem all.zip. Each source is imported in
 * one transaction: a broken record is reported (file and JSON path) and skipped, a failure
 * of the source itself (unreadable, DB error) rolls the whole source back so what was
 * stored before is kept. Bounded: record size, zip entry count and total bytes, directory
 * depth. Not OSV parsing (osv.c) or the SQL (store.c).
 */
#include "vulndb/store.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/xalloc.h"

struct import_ctx {
	struct ward_vulndb *db;
	struct ward_vulndb_import_stats *st;
	const char *source;
	unsigned flags;
	char *buf; /* WARD_OSV_MAX_RECORD + 1 bytes, reused for every record */
};

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcasecmp(s + n - m, suf);
}

static void progress(struct import_ctx *c, int final)
{
	if (!(c->flags & WARD_VULNDB_IMPORT_PROGRESS))
		return;
	if (!final && c->st->files % 1000)
		return;
	fprintf(stderr, "\r%s: %zu records read (%zu new, %zu updated, %zu failed)%s", c->source,
		c->st->files, c->st->added, c->st->updated, c->st->failed, final ? "\n" : "");
}

/* One record: parse and store. Returns 0 when the record was handled (stored, unchanged or
 * reported as broken), -errno when the database itself failed. */
static int import_record(struct import_ctx *c, const char *name, const char *data, size_t len)
{
	struct ward_osv_record r;
	struct ward_diag d = { 0 };
	enum ward_store_result res;
	char msg[800];
	int err;

	c->st->files++;
	err = ward_osv_parse(name, data, len, &r, &d);
	if (err) {
		c->st->failed++;
		progress(c, 0);
		ward_diag_format(&d, msg, sizeof(msg));
		if (!c->st->first_error[0])
			snprintf(c->st->first_error, sizeof(c->st->first_error), "%s", msg);
		ward_warn("skipped %s", msg);
		return 0;
	}
	err = ward_store_record(c->db, &r, name, &res, &d);
	ward_osv_record_free(&r);
	if (err) {
		ward_diag_format(&d, msg, sizeof(msg));
		ward_err("%s", msg);
		return err;
	}
	if (res == WARD_STORE_ADDED)
		c->st->added++;
	else if (res == WARD_STORE_UPDATED)
		c->st->updated++;
	else
		c->st->unchanged++;
	progress(c, 0);
	return 0;
}

static void record_failure(struct import_ctx *c, const char *name, const char *what)
{
	c->st->failed++;
	if (!c->st->first_error[0])
		snprintf(c->st->first_error, sizeof(c->st->first_error), "%s: %s", name, what);
	ward_warn("skipped %s: %s", name, what);
}

static int import_fd(struct import_ctx *c, int fd, const char *name)
{
	struct stat sb;
	size_t len = 0;
	int err;

	if (fstat(fd, &sb) < 0)
		return -errno;
	if (sb.st_size > (off_t)WARD_OSV_MAX_RECORD) {
		c->st->files++;
		record_failure(c, name, "record larger than the limit (WARD_OSV_MAX_RECORD)");
		return 0;
	}
	/* one byte past the limit tells a file that grew while we read it */
	err = ward_read_full(fd, c->buf, WARD_OSV_MAX_RECORD + 1, &len);
	if (err)
		return err;
	if (len > WARD_OSV_MAX_RECORD) {
		c->st->files++;
		record_failure(c, name, "record larger than the limit (WARD_OSV_MAX_RECORD)");
		return 0;
	}
	return import_record(c, name, c->buf, len);
}

static int import_dir(struct import_ctx *c, int dir_fd, const char *path, int depth,
		      struct ward_diag *d)
{
	DIR *dir;
	struct dirent *de;
	int err = 0;

	if (depth > WARD_OSV_MAX_DIR_DEPTH) {
		close(dir_fd);
		return ward_diag_set(d, -WARD_E_LIMIT, path, 0, 0, "directories nested deeper than %d",
				     WARD_OSV_MAX_DIR_DEPTH);
	}
	dir = fdopendir(dir_fd);
	if (!dir) {
		err = -errno;
		close(dir_fd);
		return ward_diag_set(d, err, path, 0, 0, "cannot read directory: %s", strerror(-err));
	}
	/* Sorted order would be nicer for logs, but readdir order is fine for correctness:
	 * each record is independent. */
	while (!err && (de = readdir(dir))) {
		char sub[4096];
		int fd;

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= (int)sizeof(sub))
			continue;
		fd = openat(dirfd(dir), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue; /* symlinks (ELOOP) and vanished entries are not followed */
		struct stat sb;

		if (fstat(fd, &sb) < 0) {
			close(fd);
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			err = import_dir(c, fd, sub, depth + 1, d);
		} else if (S_ISREG(sb.st_mode) && ends_with(de->d_name, ".json")) {
			err = import_fd(c, fd, sub);
			close(fd);
			if (err)
				ward_diag_set(d, err, sub, 0, 0, "import failed: %s", ward_strerror(err));
		} else {
			close(fd);
		}
	}
	closedir(dir);
	return err;
}

static int import_zip(struct import_ctx *c, int fd, const char *path, struct ward_diag *d)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	unsigned long long total = 0;
	size_t entries = 0;
	int rc, err = 0;

	archive_read_support_format_zip(a);
	if (archive_read_open_fd(a, fd, 64 << 10) != ARCHIVE_OK) {
		err = ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "not a readable zip: %s",
				    archive_error_string(a));
		goto out;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		char label[4096];
		size_t len = 0;

		if (++entries > WARD_OSV_MAX_ZIP_ENTRIES) {
			err = ward_diag_set(d, -WARD_E_LIMIT, path, 0, 0, "more than %d zip entries",
					    WARD_OSV_MAX_ZIP_ENTRIES);
			goto out;
		}
		if (!name || archive_entry_filetype(e) != AE_IFREG || !ends_with(name, ".json"))
			continue;
		snprintf(label, sizeof(label), "%s:%s", path, name);
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > (la_int64_t)WARD_OSV_MAX_RECORD) {
			c->st->files++;
			record_failure(c, label, "zip entry larger than the limit (WARD_OSV_MAX_RECORD)");
			continue;
		}
		/* The declared size may lie; read at most one byte past the cap to find out. */
		for (;;) {
			la_ssize_t n = archive_read_data(a, c->buf + len, WARD_OSV_MAX_RECORD + 1 - len);

			if (n < 0) {
				err = ward_diag_set(d, -WARD_E_SYNTAX, label, 0, 0, "zip read error: %s",
						    archive_error_string(a));
				goto out;
			}
			if (!n)
				break;
			len += (size_t)n;
			total += (unsigned long long)n;
			if (len > WARD_OSV_MAX_RECORD || total > WARD_OSV_MAX_ZIP_BYTES)
				break;
		}
		if (total > WARD_OSV_MAX_ZIP_BYTES) {
			err = ward_diag_set(d, -WARD_E_LIMIT, path, 0, 0,
					    "more than %llu uncompressed bytes", WARD_OSV_MAX_ZIP_BYTES);
			goto out;
		}
		if (len > WARD_OSV_MAX_RECORD) {
			c->st->files++;
			record_failure(c, label, "zip entry larger than the limit (WARD_OSV_MAX_RECORD)");
			continue;
		}
		if ((err = import_record(c, label, c->buf, len)))
			goto out;
	}
	if (rc != ARCHIVE_EOF)
		err = ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "zip error: %s", archive_error_string(a));
out:
	archive_read_free(a);
	return err;
}

int ward_vulndb_import_ex(struct ward_vulndb *db, const char *source, unsigned flags,
			  struct ward_vulndb_import_stats *stats, struct ward_diag *d)
{
	struct ward_vulndb_import_stats local;
	struct import_ctx c = { db, stats ? stats : &local, source, flags, NULL };
	struct stat sb;
	int fd, err;

	memset(c.st, 0, sizeof(*c.st));
	if (db->readonly)
		return ward_diag_set(d, -EROFS, db->path, 0, 0, "database opened read-only");
	fd = open(source, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		return ward_diag_set(d, err, source, 0, 0, "cannot open: %s", strerror(-err));
	}
	if (fstat(fd, &sb) < 0 || (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode))) {
		close(fd);
		return ward_diag_set(d, -EINVAL, source, 0, 0, "not a file or directory");
	}
	if (S_ISREG(sb.st_mode) && !ends_with(source, ".zip") && !ends_with(source, ".json")) {
		close(fd);
		return ward_diag_set(d, -EINVAL, source, 0, 0,
				     "expected a directory, a .json OSV record or a .zip export");
	}
	c.buf = ward_xmalloc(WARD_OSV_MAX_RECORD + 1);
	if ((err = ward_store_exec(db, "BEGIN IMMEDIATE", d))) {
		close(fd);
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		err = import_dir(&c, fd, source, 0, d); /* takes the fd */
	} else if (ends_with(source, ".zip")) {
		err = import_zip(&c, fd, source, d);
		close(fd);
	} else {
		err = import_fd(&c, fd, source);
		close(fd);
		if (err)
			ward_diag_set(d, err, source, 0, 0, "import failed: %s", ward_strerror(err));
	}
	if (!err)
		err = ward_store_finish_import(db, source, c.st, d);
	if (!err)
		err = ward_store_exec(db, "COMMIT", d);
	if (err) {
		ward_store_exec(db, "ROLLBACK", NULL);
		c.st->added = c.st->updated = 0;
	}
	progress(&c, 1);
out:
	free(c.buf);
	return err ? err : (int)(c.st->added + c.st->updated);
}

int ward_vulndb_import(struct ward_vulndb *db, const char *source, struct ward_diag *d)
{
	return ward_vulndb_import_ex(db, source, 0, NULL, d);
}
