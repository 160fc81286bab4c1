// SPDX-License-Identifier: Apache-2.0
/*
 * init / check / diff / accept (see check.h). Runs on the caller's thread as the scan
 * pipeline's consumer: it verifies each baseline row's MAC before using it, compares,
 * reports and (for init and accept) writes the new baseline in the same ordered pass.
 */
#include "fim/check.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fim/attr.h"
#include "fim/baseline.h"
#include "fim/compare.h"
#include "fim/mac.h"
#include "fim/scan.h"

struct run {
	const struct ward_fim_run_opts *o;
	struct ward_fim_mac *verify;    /* row context used here, root context by the walker */
	struct ward_fim_mac *wmac;      /* the writer's own contexts */
	struct ward_fim_db_writer *w;
	struct ward_fim_report rep;
	struct ward_fim_summary *sum;
	struct ward_diag *diag;
	bool changed;
};

static int keep_base(struct run *r, const struct ward_fim_item *it)
{
	int err = ward_fim_db_put_mac(r->w, &it->base, it->base_mac);

	return err ? ward_diag_set(r->diag, err, r->o->db_path, 0, 0, "cannot write baseline row")
		   : 0;
}

static int put_cur(struct run *r, const struct ward_fim_entry *e)
{
	int err = ward_fim_db_put(r->w, e);

	return err ? ward_diag_set(r->diag, err, r->o->db_path, 0, 0, "cannot write baseline row")
		   : 0;
}

static int on_item(const struct ward_fim_item *it, void *arg)
{
	struct run *r = arg;
	bool accept = r->o->mode == WARD_FIM_ACCEPT;
	int err;

	if (it->has_base) {
		uint8_t mac[WARD_FIM_MAC_LEN];

		if (ward_fim_mac_row(r->verify, &it->base, mac) ||
		    !ward_fim_mac_equal(mac, it->base_mac))
			return ward_diag_set(r->diag, -WARD_E_INTEGRITY, r->o->db_path, 0, 0,
					     "baseline was modified: the row for '%.*s' fails its HMAC; "
					     "refusing to trust it (re-create it with 'ward fim init' "
					     "from a known-good state)",
					     (int)(it->base.path_len > 512 ? 512 : it->base.path_len),
					     it->base.path);
	}
	if (!it->has_cur && !it->has_base && !it->err)
		return 0; /* appeared and vanished during the scan: nothing to report */
	if (!it->has_cur && (it->err || !it->has_base)) {
		/* lstat failed (or a directory could not be read): the state is unknown, so a
		 * baseline row is kept, never reported as removed */
		r->sum->errors++;
		err = ward_fim_report_add(&r->rep, WARD_FIM_ERROR, NULL, NULL, 0, it->err,
					  it->err_path, NULL);
		if (err)
			return err;
		return accept && it->has_base ? keep_base(r, it) : 0;
	}
	if (r->o->mode == WARD_FIM_INIT) {
		if (!it->has_cur)
			return 0; /* vanished while being read */
		r->sum->files++;
		if (it->err) {
			r->sum->errors++;
			err = ward_fim_report_add(&r->rep, WARD_FIM_ERROR, NULL, &it->cur, 0, it->err,
						  NULL, "stored without its unreadable attributes");
			if (err)
				return err;
		}
		return put_cur(r, &it->cur);
	}
	if (it->is_unknown) {
		r->sum->unverified++;
		return accept ? keep_base(r, it) : 0;
	}
	if (!it->in_scope)
		return it->has_base ? keep_base(r, it) : 0;
	if (it->has_cur)
		r->sum->files++;
	if (it->has_cur && it->err) {
		r->sum->errors++;
		err = ward_fim_report_add(&r->rep, WARD_FIM_ERROR, NULL, &it->cur, 0, it->err, NULL,
					  NULL);
		if (err)
			return err;
	}
	if (it->has_cur && it->has_base) {
		uint32_t d = ward_fim_compare(&it->base, &it->cur, it->cur.mask, it->err == 0);

		if (d) {
			r->sum->changed++;
			r->changed = true;
			err = ward_fim_report_add(&r->rep, WARD_FIM_CHANGED, &it->base, &it->cur, d,
						  0, NULL, NULL);
			if (err)
				return err;
		}
		if (accept)
			return it->err ? keep_base(r, it) : put_cur(r, &it->cur);
		return 0;
	}
	if (it->has_cur) {
		r->sum->added++;
		r->changed = true;
		err = ward_fim_report_add(&r->rep, WARD_FIM_ADDED, NULL, &it->cur, 0, 0, NULL, NULL);
		if (err)
			return err;
		return accept ? put_cur(r, &it->cur) : 0;
	}
	r->sum->removed++;
	r->changed = true;
	return ward_fim_report_add(&r->rep, WARD_FIM_REMOVED, &it->base, NULL, 0, 0, NULL,
				   it->is_vanished ? "vanished during the scan" : NULL);
}

static int copy_out(FILE *from, FILE *to)
{
	char buf[65536];
	size_t n;

	if (fflush(from) || fseek(from, 0, SEEK_SET))
		return -EIO;
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return -EIO;
	return ferror(from) ? -EIO : 0;
}

int ward_fim_run(const struct ward_fim_run_opts *o, struct ward_fim_summary *sum,
		 struct ward_diag *diag)
{
	struct ward_fim_db_reader *base = NULL;
	struct run r = { .o = o, .sum = sum, .diag = diag };
	FILE *hold = NULL;
	int err;

	memset(sum, 0, sizeof(*sum));
	err = ward_fim_mac_new(o->key_path, o->mode == WARD_FIM_INIT, &r.verify, diag);
	if (err)
		return err;
	if (o->mode != WARD_FIM_INIT) {
		err = ward_fim_db_open(o->db_path, &base, diag);
		if (err)
			goto out;
		sum->baseline_created = ward_fim_db_created(base);
		if (strcmp(ward_fim_db_key_id(base), ward_fim_mac_key_id(r.verify)) != 0) {
			err = ward_diag_set(diag, -WARD_E_INTEGRITY, o->db_path, 0, 0,
					    "baseline was written with key id %s but %s has id %s; "
					    "refusing to trust it", ward_fim_db_key_id(base),
					    o->key_path, ward_fim_mac_key_id(r.verify));
			goto out;
		}
		if (ward_fim_db_hash_bit(base) != o->policy->hash_bit) {
			err = ward_diag_set(diag, -EINVAL, o->db_path, 0, 0,
					    "baseline holds %s hashes but %s was asked for; pass "
					    "--hash %s or run 'ward fim init' again",
					    ward_fim_attr_name(ward_fim_db_hash_bit(base)),
					    ward_fim_attr_name(o->policy->hash_bit),
					    ward_fim_attr_name(ward_fim_db_hash_bit(base)));
			goto out;
		}
	}
	if (o->mode != WARD_FIM_CHECK) {
		err = o->mode == WARD_FIM_INIT ? 0 : ward_fim_mac_new(o->key_path, false, &r.wmac, diag);
		if (err)
			goto out;
		err = ward_fim_db_create(o->db_path, r.wmac ? r.wmac : r.verify, o->policy->hash_bit,
					 &r.w, diag);
		if (err)
			goto out;
	}
	if (o->mode == WARD_FIM_INIT) {
		ward_fim_report_init(&r.rep, o->out, o->is_json, false);
	} else {
		hold = tmpfile();
		if (!hold) {
			err = ward_diag_set(diag, -errno, "", 0, 0, "cannot create a temporary file: %s",
					    strerror(errno));
			goto out;
		}
		ward_fim_report_init(&r.rep, hold, o->is_json, o->is_detail);
	}
	struct ward_fim_scan_opts so = {
		.policy = o->policy, .base = base, .verify = base ? r.verify : NULL,
		.is_full = o->is_full, .hashers = o->hashers, .scopes = o->scopes,
		.scopes_cnt = o->scopes_cnt, .on_item = on_item, .arg = &r,
	};
	err = ward_fim_scan(&so, diag);
	if (err)
		goto out;
	if (r.w) {
		struct ward_fim_db_writer *w = r.w;

		r.w = NULL;
		err = ward_fim_db_commit(w, diag);
		if (err)
			goto out;
	}
	ward_fim_report_end(&r.rep, sum, o->mode == WARD_FIM_INIT ? "baseline written" :
				 o->mode == WARD_FIM_ACCEPT ? "accepted" :
				 r.changed ? "changes found" : "no changes");
	if (hold)
		err = copy_out(hold, o->out);
	if (!err)
		err = r.changed ? 1 : 0;
out:
	ward_fim_db_abort(r.w);
	ward_fim_report_free(&r.rep);
	if (hold)
		fclose(hold);
	ward_fim_db_close(base);
	ward_fim_mac_free(r.wmac);
	ward_fim_mac_free(r.verify);
	return err;
}
