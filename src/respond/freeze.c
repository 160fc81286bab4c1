// SPDX-License-Identifier: Apache-2.0
/*
 * Freeze and thaw a cgroup: the v2 cgroup.freeze knob when the target's v2 directory has one,
 * else the v1 freezer controller. A frozen workload keeps its memory and sockets but runs no
 * code, which holds an intrusion still while evidence is collected. Not a kill: thaw resumes
 * it exactly where it stopped.
 */
#include "respond/respond.h"

#include "common/timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FREEZE_POLL_MS 5

static bool v2_usable(const struct ward_target *t, char *knob, size_t knob_len)
{
	if (!ward_cgroup_v2_is_child(t->cg_v2))
		return false;
	if (snprintf(knob, knob_len, "%s/cgroup.freeze", t->cg_v2) >= (int)knob_len)
		return false;
	return access(knob, W_OK) == 0;
}

static bool v1_usable(const struct ward_target *t, char *knob, size_t knob_len)
{
	if (!t->cg_freezer[0] || strcmp(t->cg_freezer, WARD_CGROUP_ROOT_FREEZER) == 0)
		return false;
	if (snprintf(knob, knob_len, "%s/freezer.state", t->cg_freezer) >= (int)knob_len)
		return false;
	return access(knob, W_OK) == 0;
}

/* v2: cgroup.events says "frozen 1" once every task stopped */
static int v2_frozen(const struct ward_target *t)
{
	char path[PATH_MAX + 16];
	struct ward_buf b;
	int err, frozen = -1;

	snprintf(path, sizeof(path), "%s/cgroup.events", t->cg_v2);
	ward_buf_init(&b, 4096);
	err = ward_read_file(path, &b);
	if (err >= 0) {
		const char *p = strstr(b.data ? b.data : "", "frozen ");

		frozen = p ? p[7] == '1' : -1;
	}
	ward_buf_free(&b);
	return err < 0 ? err : frozen;
}

/* v1: freezer.state reads FREEZING until every task stopped */
static int v1_state(const char *knob, char *out, size_t out_len)
{
	struct ward_buf b;
	int err;

	ward_buf_init(&b, 4096);
	err = ward_read_file(knob, &b);
	if (err >= 0) {
		size_t l = b.len;

		while (l && (b.data[l - 1] == '\n' || b.data[l - 1] == ' '))
			l--;
		snprintf(out, out_len, "%.*s", (int)l, b.data);
		err = 0;
	}
	ward_buf_free(&b);
	return err;
}

static int wait_state(const struct ward_target *t, bool v2, const char *knob, bool want_frozen,
		      int wait_ms)
{
	uint64_t deadline = ward_mono_ns() + (uint64_t)(wait_ms > 0 ? wait_ms : 0) * 1000000ull;
	char state[32];

	for (;;) {
		int done;

		if (v2) {
			int f = v2_frozen(t);

			if (f < 0)
				return f;
			done = f == (want_frozen ? 1 : 0);
		} else {
			int err = v1_state(knob, state, sizeof(state));

			if (err)
				return err;
			done = strcmp(state, want_frozen ? "FROZEN" : "THAWED") == 0;
			/* v1 needs the write repeated while FREEZING to make progress */
			if (!done && want_frozen)
				ward_write_file(knob, "FROZEN");
		}
		if (done)
			return 0;
		if (ward_mono_ns() >= deadline)
			return -ETIMEDOUT;
		usleep(FREEZE_POLL_MS * 1000);
	}
}

int ward_freeze(const struct ward_target *t, int wait_ms)
{
	char knob[PATH_MAX + 32];
	int err;

	if (v2_usable(t, knob, sizeof(knob))) {
		err = ward_write_file(knob, "1");
		return err ? err : wait_state(t, true, knob, true, wait_ms);
	}
	if (v1_usable(t, knob, sizeof(knob))) {
		err = ward_write_file(knob, "FROZEN");
		return err ? err : wait_state(t, false, knob, true, wait_ms);
	}
	return -WARD_E_UNSUPPORTED;
}

int ward_thaw(const struct ward_target *t, int wait_ms)
{
	char knob[PATH_MAX + 32];
	char state[32];
	bool any = false;
	int err;

	/* thaw both: the workload may have been frozen through either interface */
	if (v2_usable(t, knob, sizeof(knob))) {
		any = true;
		err = ward_write_file(knob, "0");
		if (!err)
			err = wait_state(t, true, knob, false, wait_ms);
		if (err)
			return err;
	}
	if (v1_usable(t, knob, sizeof(knob))) {
		any = true;
		err = v1_state(knob, state, sizeof(state));
		if (!err && strcmp(state, "THAWED") != 0) {
			err = ward_write_file(knob, "THAWED");
			if (!err)
				err = wait_state(t, false, knob, false, wait_ms);
		}
		if (err)
			return err;
	}
	return any ? 0 : -WARD_E_UNSUPPORTED;
}
