// SPDX-License-Identifier: Apache-2.0
/*
 * Per-entry analysis shared by every artifact reader: normalizes the name, records what the
 * entry does to the layered view (file, directory, whiteout, opaque directory), reads the
 * content of the files worth reading (package databases and manifests by path; any file
 * under the content cap for secrets and YARA), runs the parsers, hands the content to the
 * secrets/YARA worker (pipe.c), and stages results tagged with their layer. It does not
 * decide what survives whiteouts: layers.c does, at the end, so layers may even arrive out
 * of order (docker-save tars list them in any order).
 */
#include "scan/walk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hash.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "scan/parsers.h"
#include "scan/secrets.h"

enum parser_id {
	P_NONE, P_OSREL_ETC, P_OSREL_USR, P_DEBVER, P_ALPINEREL, P_RHREL, P_DPKG, P_APK, P_RPMSQL,
	P_RPMBDB,
	P_NPM_PKG, P_NPM_LOCK, P_PYMETA, P_COMPOSER, P_DOTNET, P_CARGO, P_GEM, P_JAVA,
};

void ward_scan_ctx_init(struct ward_scan_ctx *c, const struct ward_scan_opts *o,
			const char *target, const char *kind, struct ward_diag *d)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->d = d;
	c->r = ward_xcalloc(1, sizeof(*c->r));
	c->r->target = ward_xstrdup(target);
	c->r->kind = kind;
	ward_pkg_list_init(&c->r->pkgs);
	ward_buf_init(&c->content, WARD_SCAN_MAX_PKGDB + 1);
	if (o->secrets || o->malware)
		ward_scan_pipe_new(c, &c->pipe);
}

void ward_scan_result_free(struct ward_scan_result *r)
{
	if (!r)
		return;
	free(r->target);
	for (size_t i = 0; i < r->layer_cnt; i++)
		free(r->layers[i]);
	free(r->layers);
	ward_pkg_list_free(&r->pkgs);
	for (size_t i = 0; i < r->secret_cnt; i++) {
		struct ward_secret_hit *s = &r->secrets[i];

		free(s->rule_id);
		free(s->title);
		free(s->path);
		free(s->layer);
		free(s->snippet);
		free(s->suppressed_reason);
	}
	free(r->secrets);
	for (size_t i = 0; i < r->malware_cnt; i++) {
		struct ward_malware_hit *m = &r->malware[i];

		free(m->rule);
		free(m->title);
		free(m->path);
		free(m->layer);
		free(m->suppressed_reason);
	}
	free(r->malware);
	for (size_t i = 0; i < r->file_cnt; i++) {
		free(r->files[i].path);
		free(r->files[i].target);
		free(r->files[i].layer);
	}
	free(r->files);
	ward_findings_free(&r->vulns);
	free(r);
}

void ward_scan_ctx_free(struct ward_scan_ctx *c)
{
	/* first: the worker may still be writing into c->r */
	ward_scan_pipe_free(c->pipe);
	c->pipe = NULL;
	for (size_t i = 0; i < c->blob_cnt; i++) {
		free(c->blobs[i].name);
		free(c->blobs[i].digest);
	}
	free(c->blobs);
	free(c->order);
	free(c->recs);
	free(c->sha);
	free(c->names);
	free(c->pkg_blob);
	free(c->secret_blob);
	free(c->malware_blob);
	for (size_t i = 0; i < c->os_cnt; i++)
		free(c->os[i].path);
	free(c->os);
	ward_buf_free(&c->content);
	free(c->lower);
	ward_scan_result_free(c->r);
	c->r = NULL;
}

uint32_t ward_scan_blob_add(struct ward_scan_ctx *c, const char *name)
{
	if (c->blob_cnt == c->blob_cap) {
		c->blob_cap = c->blob_cap ? c->blob_cap * 2 : 8;
		c->blobs = ward_xreallocarray(c->blobs, c->blob_cap, sizeof(*c->blobs));
	}
	c->blobs[c->blob_cnt] = (struct ward_scan_blob){ .name = ward_xstrdup(name), .idx = -1 };
	return (uint32_t)c->blob_cnt++;
}

void ward_scan_progress(struct ward_scan_ctx *c, const char *what, bool done)
{
	if (!c->o->progress)
		return;
	if (done) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	fprintf(stderr, "\r\033[Kscanning %.40s  %zu files  %llu MB", what ? what : "",
		c->r->entry_cnt, (unsigned long long)(c->bytes_done >> 20));
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && memcmp(s + a - b, suf, b) == 0;
}

static bool has_suffix_ci(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcasecmp(s + a - b, suf) == 0;
}

/* Name of the n-th directory above the file ("" when there is none). */
static size_t parent_component(const char *path, int up, const char **start)
{
	const char *end = path + strlen(path);

	for (int i = 0; i <= up; i++) {
		while (end > path && end[-1] != '/')
			end--;
		if (end == path)
			return 0;
		end--; /* the slash */
	}
	{
		const char *s = end;

		while (s > path && s[-1] != '/')
			s--;
		*start = s;
		return (size_t)(end - s);
	}
}

static bool parent_is(const char *path, int up, const char *name)
{
	const char *s;
	size_t n = parent_component(path, up, &s);

	return n == strlen(name) && memcmp(s, name, n) == 0;
}

static bool parent_ends(const char *path, int up, const char *suf)
{
	const char *s;
	size_t n = parent_component(path, up, &s), k = strlen(suf);

	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* node_modules/@scope/name/package.json */
static bool scoped(const char *path)
{
	const char *s;

	return parent_component(path, 1, &s) > 1 && *s == '@';
}

static enum parser_id classify(const char *p)
{
	const char *b = base_name(p);

	if (!strcmp(p, "etc/os-release"))
		return P_OSREL_ETC;
	if (!strcmp(p, "usr/lib/os-release"))
		return P_OSREL_USR;
	if (!strcmp(p, "etc/debian_version"))
		return P_DEBVER;
	if (!strcmp(p, "etc/alpine-release"))
		return P_ALPINEREL;
	if (!strcmp(p, "etc/redhat-release"))
		return P_RHREL;
	if (!strcmp(p, "var/lib/dpkg/status"))
		return P_DPKG;
	if (!strncmp(p, "var/lib/dpkg/status.d/", 22) && !strchr(p + 22, '/') && p[22] &&
	    !has_suffix(p, ".md5sums"))
		return P_DPKG;
	if (!strcmp(p, "lib/apk/db/installed"))
		return P_APK;
	if (!strcmp(p, "var/lib/rpm/rpmdb.sqlite") || !strcmp(p, "usr/lib/sysimage/rpm/rpmdb.sqlite"))
		return P_RPMSQL;
	if (!strcmp(p, "var/lib/rpm/Packages") || !strcmp(p, "usr/lib/sysimage/rpm/Packages"))
		return P_RPMBDB;
	if (!strcmp(b, "package.json") &&
	    (parent_is(p, 1, "node_modules") || (parent_is(p, 2, "node_modules") && scoped(p))))
		return P_NPM_PKG;
	if (!strcmp(b, "package-lock.json"))
		return P_NPM_LOCK;
	if ((!strcmp(b, "METADATA") && parent_ends(p, 0, ".dist-info")) ||
	    (!strcmp(b, "PKG-INFO") && parent_ends(p, 0, ".egg-info")))
		return P_PYMETA;
	if (!strcmp(b, "installed.json") && parent_is(p, 0, "composer"))
		return P_COMPOSER;
	if (has_suffix(b, ".deps.json"))
		return P_DOTNET;
	if (!strcmp(b, "Cargo.lock"))
		return P_CARGO;
	if (has_suffix(b, ".gemspec") && parent_is(p, 0, "specifications"))
		return P_GEM;
	if (has_suffix_ci(b, ".jar") || has_suffix_ci(b, ".war") || has_suffix_ci(b, ".ear"))
		return P_JAVA;
	return P_NONE;
}

bool ward_scan_same_analysis(const struct ward_scan_ctx *c, const char *a, const char *b)
{
	return classify(a) == classify(b) &&
	       (!c->o->secrets || ward_secrets_same_paths(c->o->secrets, a, b));
}

static size_t parser_cap(enum parser_id id)
{
	switch (id) {
	case P_DPKG: case P_APK: case P_RPMSQL: case P_RPMBDB:
		return WARD_SCAN_MAX_PKGDB;
	case P_NPM_PKG: case P_NPM_LOCK: case P_COMPOSER: case P_DOTNET:
		return WARD_SCAN_MAX_JSON;
	default:
		return WARD_SCAN_MAX_FILE;
	}
}

/* Copies n bytes of s into the name arena; returns its offset, 0 for "" (or on error). */
static uint32_t name_add(struct ward_scan_ctx *c, const char *s, size_t n, int *err)
{
	uint32_t off;

	if (!n)
		return 0;
	if (c->names_len + n + 1 > WARD_SCAN_MAX_NAME_BYTES) {
		*err = -WARD_E_LIMIT;
		return 0;
	}
	if (c->names_len + n + 1 > c->names_cap) {
		c->names_cap = c->names_cap ? c->names_cap : 1u << 16;
		while (c->names_cap < c->names_len + n + 1)
			c->names_cap *= 2;
		c->names = ward_xrealloc(c->names, c->names_cap);
	}
	if (!c->names_len)
		c->names[c->names_len++] = '\0'; /* offset 0: the empty name */
	off = (uint32_t)c->names_len;
	memcpy(c->names + off, s, n);
	c->names[off + n] = '\0';
	c->names_len += n + 1;
	return off;
}

/* Keeps what tree.c needs to replay this entry; sets c->cur_rec. */
static void record_add(struct ward_scan_ctx *c, uint32_t blob, const char *path, uint8_t kind,
		       uint64_t size, uint32_t mode, const char *link, int *err)
{
	struct ward_scan_rec *r;

	if (!c->layered)
		return;
	if (c->rec_cnt >= WARD_SCAN_MAX_ENTRIES) {
		*err = -WARD_E_LIMIT;
		return;
	}
	if (c->rec_cnt == c->rec_cap) {
		c->rec_cap = c->rec_cap ? c->rec_cap * 2 : 4096;
		c->recs = ward_xreallocarray(c->recs, c->rec_cap, sizeof(*c->recs));
		if (c->o->files)
			c->sha = ward_xreallocarray(c->sha, c->rec_cap, sizeof(*c->sha));
	}
	if (!c->blobs[blob].rec_cnt)
		c->blobs[blob].rec_first = (uint32_t)c->rec_cnt;
	r = &c->recs[c->rec_cnt];
	*r = (struct ward_scan_rec){ .size = size, .blob = blob, .mode = (uint16_t)(mode & 07777),
				     .kind = kind };
	r->name = name_add(c, path, strlen(path), err);
	if (link)
		r->link = name_add(c, link, strlen(link), err);
	if (*err < 0)
		return;
	if (c->sha)
		memset(c->sha[c->rec_cnt], 0, sizeof(c->sha[0]));
	c->blobs[blob].rec_cnt++;
	c->cur_rec = (uint32_t)c->rec_cnt++;
}

static void stage_os(struct ward_scan_ctx *c, const char *path, int prio, const struct ward_os *os)
{
	if (c->os_cnt == c->os_cap) {
		c->os_cap = c->os_cap ? c->os_cap * 2 : 8;
		c->os = ward_xreallocarray(c->os, c->os_cap, sizeof(*c->os));
	}
	c->os[c->os_cnt++] = (struct ward_scan_os_cand){
		.rec = c->cur_rec, .path = ward_xstrdup(path), .prio = prio, .os = *os };
}

/* First line of a release file, trimmed, into dst. */
static void first_line(const char *data, size_t len, char *dst, size_t dst_len)
{
	size_t n = 0;

	while (n < len && data[n] != '\n' && data[n] != '\r' && n + 1 < dst_len)
		n++;
	memcpy(dst, data, n);
	dst[n] = '\0';
}

static void parse_release_file(struct ward_scan_ctx *c, const char *path,
			       enum parser_id id, const char *data, size_t len)
{
	struct ward_os os = { 0 };
	char line[128];

	switch (id) {
	case P_OSREL_ETC: case P_OSREL_USR:
		if (ward_parse_os_release(data, len, &os) == 0)
			stage_os(c, path, id == P_OSREL_ETC ? 3 : 2, &os);
		return;
	case P_DEBVER:
		first_line(data, len, line, sizeof(line));
		snprintf(os.id, sizeof(os.id), "debian");
		/* "12.4" -> VERSION_ID "12"; "bookworm/sid" has no number */
		snprintf(os.version_id, sizeof(os.version_id), "%.*s", (int)strcspn(line, "."), line);
		snprintf(os.pretty, sizeof(os.pretty), "Debian %s", line);
		break;
	case P_ALPINEREL:
		first_line(data, len, line, sizeof(line));
		snprintf(os.id, sizeof(os.id), "alpine");
		snprintf(os.version_id, sizeof(os.version_id), "%s", line);
		snprintf(os.pretty, sizeof(os.pretty), "Alpine Linux v%s", line);
		break;
	case P_RHREL: {
		const char *v;

		first_line(data, len, line, sizeof(line));
		snprintf(os.id, sizeof(os.id), "rhel");
		v = strstr(line, "release ");
		if (v)
			snprintf(os.version_id, sizeof(os.version_id), "%.*s",
				 (int)strcspn(v + 8, " ."), v + 8);
		snprintf(os.pretty, sizeof(os.pretty), "%s", line);
		break;
	}
	default:
		return;
	}
	stage_os(c, path, 1, &os);
}

static void warn_parse(struct ward_scan_ctx *c, const char *path, int rc, struct ward_diag *pd)
{
	char msg[900];

	c->warn_cnt++;
	if (pd->msg[0])
		ward_warn("%s", ward_diag_format(pd, msg, sizeof(msg)));
	else
		ward_warn("%s: %s (skipped)", path, ward_strerror(rc));
}

static void run_parser(struct ward_scan_ctx *c, const char *path, enum parser_id id,
		       const char *data, size_t len)
{
	struct ward_pkg_list *l = &c->r->pkgs;
	struct ward_diag pd = { 0 };
	size_t before = l->cnt;
	int rc = 0;

	switch (id) {
	case P_NONE:
		break;
	case P_OSREL_ETC: case P_OSREL_USR: case P_DEBVER: case P_ALPINEREL: case P_RHREL:
		parse_release_file(c, path, id, data, len);
		return;
	case P_DPKG: rc = ward_parse_dpkg_status(data, len, path, l, &pd); break;
	case P_APK: rc = ward_parse_apk_installed(data, len, path, l, &pd); break;
	case P_RPMSQL:
		rc = ward_parse_rpmdb_sqlite((const unsigned char *)data, len, path, l, &pd);
		break;
	case P_RPMBDB:
		rc = ward_parse_rpmdb_bdb((const unsigned char *)data, len, path, l, &pd);
		break;
	case P_NPM_PKG: rc = ward_parse_npm_package_json(data, len, path, l, &pd); break;
	case P_NPM_LOCK: rc = ward_parse_npm_lock(data, len, path, l, &pd); break;
	case P_PYMETA: rc = ward_parse_python_metadata(data, len, path, l, &pd); break;
	case P_COMPOSER: rc = ward_parse_composer_installed(data, len, path, l, &pd); break;
	case P_DOTNET: rc = ward_parse_dotnet_deps(data, len, path, l, &pd); break;
	case P_CARGO: rc = ward_parse_cargo_lock(data, len, path, l, &pd); break;
	case P_GEM: rc = ward_parse_gemspec(data, len, path, l, &pd); break;
	case P_JAVA:
		rc = ward_parse_java_archive((const unsigned char *)data, len, path, l, &pd);
		break;
	}
	if (id == P_NONE && len >= 4 && !memcmp(data, "\x7f" "ELF", 4)) {
		rc = ward_parse_go_buildinfo((const unsigned char *)data, len, path, l, &pd);
		if (rc == 0)
			rc = ward_parse_cargo_auditable((const unsigned char *)data, len, path, l, &pd);
	}
	if (rc < 0)
		warn_parse(c, path, rc, &pd);
	if (l->cnt > c->pkg_blob_cap) {
		c->pkg_blob_cap = l->cap;
		c->pkg_blob = ward_xreallocarray(c->pkg_blob, c->pkg_blob_cap, sizeof(uint32_t));
	}
	for (size_t i = before; i < l->cnt; i++) {
		c->pkg_blob[i] = c->cur_rec;
		if (!l->items[i].path)
			ward_pkg_set(&l->items[i].path, path);
	}
}

static bool looks_binary(const char *data, size_t len)
{
	return memchr(data, '\0', len < 8192 ? len : 8192) != NULL;
}

/*
 * Files over the content cap are not read whole. Go binaries often are that big, and since
 * Go 1.18 their build info is self-contained right after the "\xff Go buildinf:" header, so
 * an ELF file is searched chunk by chunk for it, keeping only a small window.
 */
#define GO_MAGIC "\xff Go buildinf:"
#define GO_MAGIC_LEN 14
#define GO_WINDOW (64u << 10)

static int big_binary(struct ward_scan_ctx *c, const char *path,
		      ward_scan_read_fn rd, void *arg)
{
	struct ward_buf *b = &c->content;
	size_t found = (size_t)-1;
	bool first = true;

	c->r->skipped_cnt++;
	ward_buf_reset(b);
	if (ward_buf_reserve(b, 3 * GO_WINDOW) < 0)
		return 0;
	for (;;) {
		ssize_t n = rd(arg, b->data + b->len, 3 * GO_WINDOW - b->len);

		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		if (first && ((size_t)n < 4 || memcmp(b->data, "\x7f" "ELF", 4)))
			return 0; /* not a binary: nothing else reads files this big */
		first = false;
		b->len += (size_t)n;
		c->bytes_done += (uint64_t)n;
		if (found == (size_t)-1) {
			const char *m = memmem(b->data, b->len, GO_MAGIC, GO_MAGIC_LEN);

			if (m) {
				found = (size_t)(m - b->data);
				/* move the header to the front to have a full window after it */
				memmove(b->data, m, b->len - found);
				b->len -= found;
				found = 0;
			} else if (b->len > GO_MAGIC_LEN) {
				size_t keep = GO_MAGIC_LEN - 1;

				memmove(b->data, b->data + b->len - keep, keep);
				b->len = keep;
			}
		}
		if (found != (size_t)-1 && b->len >= GO_WINDOW)
			break;
	}
	if (found == (size_t)-1)
		return 0;
	{
		struct ward_pkg_list *l = &c->r->pkgs;
		struct ward_diag pd = { 0 };
		size_t before = l->cnt;
		int rc = ward_parse_go_buildinfo((const unsigned char *)b->data, b->len, path, l, &pd);

		if (rc < 0) {
			/* pre-1.18 binaries point into the file; that needs all of it */
			ward_warn("%s: Go build info not read (pre-Go 1.18 layout in a binary over %u bytes)",
				  path, WARD_SCAN_MAX_FILE);
			c->warn_cnt++;
			return 0;
		}
		if (l->cnt > c->pkg_blob_cap) {
			c->pkg_blob_cap = l->cap;
			c->pkg_blob = ward_xreallocarray(c->pkg_blob, c->pkg_blob_cap, sizeof(uint32_t));
		}
		for (size_t i = before; i < l->cnt; i++) {
			c->pkg_blob[i] = c->cur_rec;
			if (!l->items[i].path)
				ward_pkg_set(&l->items[i].path, path);
		}
	}
	return 0;
}

int ward_scan_entry(struct ward_scan_ctx *c, uint32_t blob, const char *name,
		    enum ward_scan_etype type, uint64_t size, uint32_t mode, const char *link,
		    ward_scan_read_fn rd, void *arg)
{
	char path[WARD_SCAN_MAX_PATH], target[WARD_SCAN_MAX_PATH];
	const char *b;
	enum parser_id id;
	size_t cap;
	bool want_secrets, want_malware;
	int rc = 0;

	c->cur_rec = WARD_SCAN_NO_REC;
	rc = ward_scan_path_norm(name, path, sizeof(path));
	if (rc == 1)
		return 0;
	if (rc < 0)
		return ward_diag_set(c->d, rc, c->blobs[blob].name, 0, 0,
				     "entry '%.200s': %s", name,
				     rc == -WARD_E_SYNTAX ? "absolute path or '..' escapes the root"
							  : "name too long or nested too deep");
	c->r->entry_cnt++;
	if ((c->r->entry_cnt & 1023) == 0)
		ward_scan_progress(c, c->blobs[blob].name, false);
	b = base_name(path);
	if (c->layered && !strncmp(b, ".wh.", 4)) {
		/* OCI whiteouts: ".wh..wh..opq" hides the lower layers' content of this directory;
		 * ".wh.NAME" deletes NAME. Neither is a file of the final view. */
		if (!strcmp(b, ".wh..wh..opq")) {
			size_t dl = (size_t)(b - path);

			path[dl ? dl - 1 : 0] = '\0';
			record_add(c, blob, path, WARD_SCAN_R_OPAQUE, 0, 0, NULL, &rc);
		} else {
			memmove((char *)b, b + 4, strlen(b + 4) + 1);
			record_add(c, blob, path, WARD_SCAN_R_WHITEOUT, 0, 0, NULL, &rc);
		}
		goto limit;
	}
	if (type == WARD_SCAN_E_HARDLINK && c->layered) {
		/* a hard link names another entry of the archive; "/x" is how some writers
		 * spell x, ".." would leave the root */
		const char *t = link ? link + strspn(link, "/") : "";
		int nrc = ward_scan_path_norm(t, target, sizeof(target));

		if (nrc != 0)
			return ward_diag_set(c->d, -WARD_E_SYNTAX, c->blobs[blob].name, 0, 0,
					     "entry '%.200s': hard link target '%.200s' is empty, "
					     "leaves the root or is too long", path, link ? link : "");
		link = target;
	} else if (type == WARD_SCAN_E_SYMLINK && link && strlen(link) >= WARD_SCAN_MAX_PATH) {
		return ward_diag_set(c->d, -WARD_E_LIMIT, c->blobs[blob].name, 0, 0,
				     "entry '%.200s': symlink target over %u bytes", path,
				     WARD_SCAN_MAX_PATH);
	}
	{
		static const uint8_t kinds[] = {
			[WARD_SCAN_E_FILE] = WARD_SCAN_R_FILE, [WARD_SCAN_E_DIR] = WARD_SCAN_R_DIR,
			[WARD_SCAN_E_SYMLINK] = WARD_SCAN_R_SYMLINK,
			[WARD_SCAN_E_HARDLINK] = WARD_SCAN_R_HARDLINK,
			[WARD_SCAN_E_OTHER] = WARD_SCAN_R_OTHER,
		};

		record_add(c, blob, path, kinds[type], type == WARD_SCAN_E_FILE ? size : 0, mode,
			   type == WARD_SCAN_E_SYMLINK || type == WARD_SCAN_E_HARDLINK ? link : NULL,
			   &rc);
	}
limit:
	if (rc < 0)
		return ward_diag_set(c->d, rc, c->blobs[blob].name, 0, 0,
				     "entry '%.200s': more than %u entries or %u bytes of names: "
				     "refusing to index further", path, WARD_SCAN_MAX_ENTRIES,
				     WARD_SCAN_MAX_NAME_BYTES);
	if (type != WARD_SCAN_E_FILE || !strncmp(b, ".wh.", 4))
		return 0;
	if (size > WARD_SCAN_MAX_ENTRY_BYTES)
		return ward_diag_set(c->d, -WARD_E_LIMIT, c->blobs[blob].name, 0, 0,
				     "entry '%s' claims %llu bytes (limit %llu)", path,
				     (unsigned long long)size, WARD_SCAN_MAX_ENTRY_BYTES);

	id = classify(path);
	want_secrets = c->o->secrets && size <= WARD_SCAN_MAX_SECRET_FILE;
	want_malware = c->o->malware && size <= WARD_SCAN_MAX_FILE;
	cap = id != P_NONE ? parser_cap(id) : WARD_SCAN_MAX_FILE;
	if (size > cap && id == P_NONE)
		return big_binary(c, path, rd, arg);
	if (size > cap) {
		if (id != P_NONE) {
			ward_warn("%s: %llu bytes is over the %zu-byte limit for this file; not parsed",
				  path, (unsigned long long)size, cap);
			c->warn_cnt++;
		}
		c->r->skipped_cnt++;
		return 0;
	}
	if (id == P_NONE && !want_secrets && !want_malware && size < 4)
		return 0;

	/* Read the whole file (bounded by cap, whatever the header said). */
	ward_buf_reset(&c->content);
	while (c->content.len <= cap) {
		ssize_t n;
		int err = ward_buf_reserve(&c->content, 65536);

		/* out of memory (or the buffer's own bound): an error, never a silently short read */
		if (err < 0)
			return ward_diag_set(c->d, err, c->blobs[blob].name, 0, 0, "entry '%s': %s",
					     path, ward_strerror(err));
		n = rd(arg, c->content.data + c->content.len,
		       c->content.cap - c->content.len - 1 < 65536 ? c->content.cap - c->content.len - 1
								  : 65536);
		if (n < 0) {
			/* the reader already filled c->d when it could say more */
			if (!c->d || !c->d->msg[0])
				ward_diag_set(c->d, (int)n, c->blobs[blob].name, 0, 0,
					      "entry '%s': read failed: %s", path, ward_strerror((int)n));
			return (int)n;
		}
		if (n == 0)
			break;
		c->content.len += (size_t)n;
	}
	if (c->content.len > cap)
		return ward_diag_set(c->d, -WARD_E_LIMIT, c->blobs[blob].name, 0, 0,
				     "entry '%s' holds more data than its header claims", path);
	c->content.data[c->content.len] = '\0';
	c->bytes_done += c->content.len;
	{
		const char *data = c->content.data;
		size_t len = c->content.len;
		bool secrets = want_secrets && !looks_binary(data, len);

		if (id != P_NONE || (len >= 4 && !memcmp(data, "\x7f" "ELF", 4)))
			run_parser(c, path, id, data, len);
		/* secrets and YARA run on the worker (pipe.c) while the next entry is read */
		if (secrets || want_malware)
			return ward_scan_pipe_submit(c->pipe, c->cur_rec, path, data, len, secrets,
						     want_malware);
	}
	return 0;
}
