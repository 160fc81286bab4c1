// SPDX-License-Identifier: Apache-2.0
/*
 * Record decoding. Every length in a record is checked against the record's own size before
 * use; a record that does not add up is counted as malformed and dropped, never trusted.
 * All strings an event points to live in the decoder's fixed buffers, so decoding does not
 * allocate (the process table allocates only when a process execs or is first seen).
 */
#include "events/decoder.h"
#include "common/err.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_BUF WARD_EV_PATH_MAX

struct ward_decoder {
	struct ward_proc_table *procs;
	struct ward_container_table *containers;
	uint64_t boot_offset;
	struct ward_decoder_stats st;
	/* an aligned copy of the record being decoded */
	union {
		struct ward_ev_raw raw;
		unsigned char bytes[WARD_EV_MAX];
	} rec;
	/* raw slot contents (NUL-terminated) */
	char slot[WARD_EV_STRS][SLOT_BUF + 1];
	size_t slot_len[WARD_EV_STRS];
	bool slot_present[WARD_EV_STRS];
	/* resolved strings handed out */
	char path[SLOT_BUF];
	char path2[SLOT_BUF];
	char argv[WARD_ARGV_MAX + 1];
};

int ward_decoder_new(struct ward_proc_table *procs, struct ward_container_table *containers,
		     struct ward_decoder **out)
{
	struct ward_decoder *d = ward_xcalloc(1, sizeof(*d));

	d->procs = procs;
	d->containers = containers;
	*out = d;
	return 0;
}

void ward_decoder_free(struct ward_decoder *d)
{
	free(d);
}

void ward_decoder_set_boot_offset(struct ward_decoder *d, uint64_t offset_ns)
{
	d->boot_offset = offset_ns;
}

void ward_decoder_get_stats(const struct ward_decoder *d, struct ward_decoder_stats *st)
{
	*st = d->st;
}

int ward_path_normalize(const char *in, size_t in_len, char *out, size_t out_len)
{
	size_t o = 0, i = 0;

	if (out_len < 2)
		return -WARD_E_LIMIT;
	out[o++] = '/';
	while (i < in_len) {
		size_t s, n;

		while (i < in_len && in[i] == '/')
			i++;
		s = i;
		while (i < in_len && in[i] != '/')
			i++;
		n = i - s;
		if (n == 0 || (n == 1 && in[s] == '.'))
			continue;
		if (n == 2 && in[s] == '.' && in[s + 1] == '.') {
			/* drop the last component; ".." at the root stays at the root */
			if (o > 1) {
				o--;
				while (o > 1 && out[o - 1] != '/')
					o--;
			}
			continue;
		}
		if (o + n + 1 >= out_len)
			return -WARD_E_LIMIT;
		memcpy(out + o, in + s, n);
		o += n;
		out[o++] = '/';
	}
	if (o > 1)
		o--; /* no trailing slash */
	out[o] = '\0';
	return 0;
}

int ward_path_join(const char *base, const char *rel, char *out, size_t out_len)
{
	char tmp[SLOT_BUF * 2 + 2];
	size_t bl = strlen(base), rl = strlen(rel);

	if (rel[0] == '/')
		return ward_path_normalize(rel, rl, out, out_len);
	if (bl + rl + 2 > sizeof(tmp))
		return -WARD_E_LIMIT;
	memcpy(tmp, base, bl);
	tmp[bl] = '/';
	memcpy(tmp + bl + 1, rel, rl);
	return ward_path_normalize(tmp, bl + rl + 1, out, out_len);
}

/* Leaf-first NUL-separated components → "/a/b/c". */
static void unreverse_dentry(const char *in, size_t len, char *out, size_t out_len)
{
	size_t o = 0, end = len;

	/* components end with NUL; strip the final terminator(s) */
	while (end > 0 && in[end - 1] == '\0')
		end--;
	if (end == 0) {
		snprintf(out, out_len, "/");
		return;
	}
	while (end > 0) {
		size_t s = end;

		while (s > 0 && in[s - 1] != '\0')
			s--;
		if (o + 1 + (end - s) >= out_len)
			break;
		out[o++] = '/';
		memcpy(out + o, in + s, end - s);
		o += end - s;
		end = s;
		while (end > 0 && in[end - 1] == '\0')
			end--;
	}
	out[o] = '\0';
}

/* Splits the record's string area into slots, in the order they were written (see
 * WARD_STR_ORDER_* in ward_abi.h). Returns 0 or -WARD_E_SYNTAX. */
static int split_strings(struct ward_decoder *d, size_t size)
{
	static const int image_order[WARD_EV_STRS] = { 0, 1, 2, 3, 4 };
	static const int sys_order[WARD_EV_STRS] = { WARD_STR_PATH, WARD_STR_BASE, WARD_STR_PATH2,
						     WARD_STR_BASE2, WARD_STR_AUX };
	const struct ward_ev_raw *r = &d->rec.raw;
	const int *order = r->kind == WARD_EV_EXEC || r->kind >= WARD_EV_KIND_KERNEL_MAX ?
			   image_order : sys_order;
	size_t off = sizeof(*r);

	for (int k = 0; k < WARD_EV_STRS; k++) {
		int i = order[k];
		size_t n = r->str_len[i];

		d->slot_present[i] = n > 0 || (r->str_flags[i] & WARD_S_DENTRY);
		d->slot[i][0] = '\0';
		d->slot_len[i] = 0;
		if (n > size - off)
			return -WARD_E_SYNTAX;
		if (!d->slot_present[i])
			continue;
		if (r->str_flags[i] & WARD_S_DENTRY) {
			unreverse_dentry((const char *)d->rec.bytes + off, n, d->slot[i], SLOT_BUF);
		} else if (r->str_flags[i] & WARD_S_LIST) {
			size_t m = n > SLOT_BUF ? SLOT_BUF : n;

			memcpy(d->slot[i], d->rec.bytes + off, m);
			d->slot[i][m] = '\0';
			d->slot_len[i] = m;
		} else {
			/* a C string: up to the first NUL */
			size_t m = strnlen((const char *)d->rec.bytes + off, n);

			if (m > SLOT_BUF)
				m = SLOT_BUF;
			memcpy(d->slot[i], d->rec.bytes + off, m);
			d->slot[i][m] = '\0';
		}
		if (!d->slot_len[i])
			d->slot_len[i] = strlen(d->slot[i]);
		off += n;
	}
	return 0;
}

/* exe = argv[0]; args = argv[1..] joined with spaces; returns argc. */
static int split_argv(const char *argv, size_t len, struct ward_proc *p)
{
	char args[WARD_PROC_CMDLINE_MAX + 1];
	size_t a0, o = 0;
	int argc = 1;

	while (len > 0 && argv[len - 1] == '\0')
		len--;
	if (len == 0) {
		ward_proc_set_str(&p->exe, "", 0);
		ward_proc_set_str(&p->args, "", 0);
		return 0;
	}
	a0 = strnlen(argv, len);
	ward_proc_set_str(&p->exe, argv, a0);
	for (size_t i = a0; i < len; i++)
		if (argv[i] == '\0')
			argc++;
	for (size_t i = a0 + 1; i < len && o < WARD_PROC_CMDLINE_MAX; i++)
		args[o++] = argv[i] ? argv[i] : ' ';
	args[o] = '\0';
	ward_proc_set_str(&p->args, args, o);
	return argc;
}

static void set_creds(struct ward_proc *p, const struct ward_ev_raw *r)
{
	p->uid = r->uid;
	p->gid = r->gid;
	p->euid = r->euid;
	p->egid = r->egid;
	p->loginuid = r->loginuid;
	p->sid = r->sid;
	p->tty = r->tty;
	p->cap_eff = r->cap_eff;
	p->cap_prm = r->cap_prm;
	p->cgroup_id = r->cgroup_id;
	if (r->vpid)
		p->vpid = r->vpid;
}

static void attribute(struct ward_decoder *d, struct ward_proc *p, const char *cgroup)
{
	struct ward_cgroup_info ci;

	if (!cgroup || !cgroup[0])
		return;
	ward_proc_set_str(&p->cgroup, cgroup, strlen(cgroup));
	if (!d->containers)
		return;
	if (ward_cgroup_parse(cgroup, strlen(cgroup), &ci) == 1) {
		const struct ward_container *c = ward_container_for_cgroup(d->containers, &ci);

		ward_proc_set_container(p, c);
		ward_container_put(c); /* the lookup's own hold; p holds it now */
	} else {
		ward_proc_set_container(p, NULL);
	}
}

/* exec and snapshot records describe a whole process image */
static struct ward_proc *apply_image(struct ward_decoder *d, const struct ward_ev_raw *r,
				     struct ward_event *ev)
{
	uint64_t start = ward_proc_key_start(r->pstart);
	struct ward_proc *p = ward_proc_upsert(d->procs, r->pid, start, NULL);
	size_t comm_len = strnlen(r->comm, sizeof(r->comm));

	p->ppid = r->ppid;
	p->pstart = ward_proc_key_start(r->ppstart);
	set_creds(p, r);
	memcpy(p->comm, r->comm, comm_len);
	p->comm[comm_len] = '\0';
	p->exec_ts = r->ts;
	p->flags = r->flags & (WARD_F_EXE_MEMFD | WARD_F_EXE_UPPER | WARD_F_EXE_DELETED |
			       WARD_F_HAS_TTY);
	p->exited = false;
	p->from_snapshot = r->kind == WARD_EV_PROC_SNAPSHOT;
	if (d->slot_present[WARD_STR_EXE])
		ward_proc_set_str(&p->exepath, d->slot[WARD_STR_EXE], d->slot_len[WARD_STR_EXE]);
	else if (d->slot_present[WARD_STR_FILENAME])
		ward_proc_set_str(&p->exepath, d->slot[WARD_STR_FILENAME],
				  d->slot_len[WARD_STR_FILENAME]);
	ev->argc = split_argv(d->slot[WARD_STR_ARGV], d->slot_len[WARD_STR_ARGV], p);
	ward_proc_set_str(&p->cwd, d->slot[WARD_STR_CWD], d->slot_len[WARD_STR_CWD]);
	attribute(d, p, d->slot[WARD_STR_CGROUP]);
	return p;
}

static struct ward_proc *lookup_or_learn(struct ward_decoder *d, const struct ward_ev_raw *r)
{
	bool created = false;
	struct ward_proc *p = ward_proc_upsert(d->procs, r->pid, ward_proc_key_start(r->pstart),
					       &created);

	if (created) {
		/* not seen being created and not in the snapshot: learn what the record says and
		 * inherit the parent's container, which is right unless it moved cgroups */
		struct ward_proc *parent = ward_proc_get(d->procs, r->ppid,
							 ward_proc_key_start(r->ppstart));
		size_t n = strnlen(r->comm, sizeof(r->comm));

		memcpy(p->comm, r->comm, n);
		p->comm[n] = '\0';
		p->ppid = r->ppid;
		p->pstart = ward_proc_key_start(r->ppstart);
		if (parent) {
			ward_proc_set_container(p, parent->container);
			if (parent->exepath)
				ward_proc_set_str(&p->exepath, parent->exepath, strlen(parent->exepath));
			if (parent->cwd)
				ward_proc_set_str(&p->cwd, parent->cwd, strlen(parent->cwd));
		}
	}
	set_creds(p, r);
	return p;
}

static void resolve(struct ward_decoder *d, int slot, int base_slot, char *out)
{
	const char *raw = d->slot[slot];

	out[0] = '\0';
	if (!d->slot_present[slot])
		return;
	if (raw[0] == '/')
		ward_path_normalize(raw, strlen(raw), out, SLOT_BUF);
	else if (base_slot >= 0 && d->slot_present[base_slot])
		ward_path_join(d->slot[base_slot], raw, out, SLOT_BUF);
	else
		snprintf(out, SLOT_BUF, "%s", raw);
}

int ward_decoder_decode(struct ward_decoder *d, const void *rec, size_t len, struct ward_event *ev)
{
	struct ward_ev_raw *r = &d->rec.raw;
	struct ward_proc *p;
	int err;

	if (len < sizeof(*r) || len > sizeof(d->rec.bytes)) {
		d->st.malformed++;
		return -WARD_E_SYNTAX;
	}
	memcpy(d->rec.bytes, rec, len);
	if (r->abi != WARD_ABI_VERSION) {
		d->st.version_mismatch++;
		return -WARD_E_VERSION;
	}
	if (r->size < sizeof(*r) || r->size > len || r->kind == WARD_EV_NONE ||
	    r->kind >= WARD_EV_KIND_MAX ||
	    (r->kind >= WARD_EV_KIND_KERNEL_MAX && r->kind < WARD_EV_PROC_SNAPSHOT)) {
		d->st.malformed++;
		return -WARD_E_SYNTAX;
	}
	err = split_strings(d, r->size);
	if (err) {
		d->st.malformed++;
		return err;
	}

	memset(ev, 0, sizeof(*ev));
	ev->raw = r;
	ev->wall_ns = r->ts + d->boot_offset;
	ev->fd = -1;
	ev->path = ev->path_raw = ev->path2 = ev->aux = "";
	ev->filename = ev->argv = ev->cwd = ev->cgroup = "";
	ev->category = ward_ev_kind_category(r->kind);
	ev->drops_before = (r->flags & WARD_F_DROPS) ? 1 : 0;

	switch (r->kind) {
	case WARD_EV_CONTAINER_INFO:
		if (d->containers && d->slot_present[WARD_STR_AUX])
			ward_container_set_meta_json(d->containers, d->slot[WARD_STR_AUX],
						     d->slot_len[WARD_STR_AUX]);
		return 1;
	case WARD_EV_PROC_SNAPSHOT:
		apply_image(d, r, ev);
		return 1;
	case WARD_EV_EXEC:
		ev->type = ward_syscall_name(r->nr);
		if (!ev->type)
			ev->type = "execve";
		if (r->ret < 0) {
			/* failed exec: the process image did not change */
			p = lookup_or_learn(d, r);
			resolve(d, WARD_STR_PATH, WARD_STR_BASE, d->path);
			ev->path = d->path;
			ev->path_raw = d->slot[WARD_STR_PATH];
			ev->filename = d->path;
			break;
		}
		p = apply_image(d, r, ev);
		ev->path = p->exepath ? p->exepath : "";
		ev->filename = d->slot[WARD_STR_FILENAME];
		{
			size_t n = d->slot_len[WARD_STR_ARGV];

			memcpy(d->argv, d->slot[WARD_STR_ARGV], n);
			d->argv[n] = '\0';
			ev->argv = d->argv;
			ev->argv_len = n;
		}
		ev->cwd = p->cwd ? p->cwd : "";
		ev->cgroup = p->cgroup ? p->cgroup : "";
		break;
	case WARD_EV_FORK: {
		struct ward_proc *c;
		uint64_t cstart = ward_proc_key_start(r->child_start);

		ev->type = "clone";
		p = lookup_or_learn(d, r);
		c = ward_proc_upsert(d->procs, r->child_pid, cstart, NULL);
		if (c != p) {
			/* the child is a copy of the parent until it execs */
			memcpy(c->comm, p->comm, sizeof(c->comm));
			c->ppid = r->pid;
			c->pstart = ward_proc_key_start(r->pstart);
			c->uid = p->uid;
			c->gid = p->gid;
			c->euid = p->euid;
			c->egid = p->egid;
			c->loginuid = p->loginuid;
			c->sid = p->sid;
			c->tty = p->tty;
			c->cap_eff = p->cap_eff;
			c->cap_prm = p->cap_prm;
			c->cgroup_id = p->cgroup_id;
			c->flags = p->flags;
			ward_proc_set_container(c, p->container);
			c->exited = false;
			c->exec_ts = r->ts;
			ward_proc_set_str(&c->exe, p->exe, p->exe ? strlen(p->exe) : 0);
			ward_proc_set_str(&c->exepath, p->exepath, p->exepath ? strlen(p->exepath) : 0);
			ward_proc_set_str(&c->args, p->args, p->args ? strlen(p->args) : 0);
			ward_proc_set_str(&c->cwd, p->cwd, p->cwd ? strlen(p->cwd) : 0);
			ward_proc_set_str(&c->cgroup, p->cgroup, p->cgroup ? strlen(p->cgroup) : 0);
		}
		ev->fd = -1;
		break;
	}
	case WARD_EV_EXIT:
		ev->type = "procexit";
		p = lookup_or_learn(d, r);
		ward_proc_mark_exited(d->procs, p, r->ts);
		break;
	default:
		ev->type = ward_syscall_name(r->nr);
		if (!ev->type)
			ev->type = ward_ev_kind_name(r->kind);
		p = lookup_or_learn(d, r);
		resolve(d, WARD_STR_PATH, WARD_STR_BASE, d->path);
		resolve(d, WARD_STR_PATH2, WARD_STR_BASE2, d->path2);
		ev->path = d->path;
		ev->path_raw = d->slot[WARD_STR_PATH];
		ev->path2 = d->path2;
		ev->aux = d->slot[WARD_STR_AUX];
		switch (r->kind) {
		case WARD_EV_OPEN:
			/* the kernel's view of the opened file beats the string the caller passed */
			if (r->ret >= 0 && d->slot_present[WARD_STR_AUX] &&
			    (r->str_flags[WARD_STR_AUX] & WARD_S_DENTRY))
				ev->path = d->slot[WARD_STR_AUX];
			ev->fd = r->ret >= 0 ? (int)r->ret : -1;
			break;
		case WARD_EV_SOCKET:
		case WARD_EV_ACCEPT:
			ev->fd = r->ret >= 0 ? (int)r->ret : -1;
			break;
		case WARD_EV_DUP:
			ev->fd = r->ret >= 0 ? (int)r->ret : -1;
			ev->path = ev->aux;
			break;
		case WARD_EV_CONNECT:
		case WARD_EV_BIND:
		case WARD_EV_LISTEN:
		case WARD_EV_SETNS:
			ev->fd = (int)r->args[0];
			if (r->kind == WARD_EV_SETNS)
				ev->path = ev->aux;
			break;
		case WARD_EV_CHMOD:
		case WARD_EV_CHOWN:
		case WARD_EV_TRUNCATE:
		case WARD_EV_UTIMES:
		case WARD_EV_XATTR:
		case WARD_EV_MODULE:
			/* the f* variants name the file by fd: its kernel path is in AUX */
			if (!d->slot_present[WARD_STR_PATH] && d->slot_present[WARD_STR_AUX] &&
			    (r->str_flags[WARD_STR_AUX] & WARD_S_DENTRY)) {
				ev->path = ev->aux;
				ev->fd = (int)r->args[0];
			}
			break;
		default:
			break;
		}
		break;
	}
	ev->proc = p;
	ev->container = p->container;
	d->st.decoded++;
	return 0;
}
