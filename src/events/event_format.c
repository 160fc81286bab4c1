// SPDX-License-Identifier: Apache-2.0
/*
 * Renders a decoded event as one JSON object or one readable line (ward trace). The JSON
 * shape is documented in docs/sensor.md; field names follow Falco's where one exists.
 */
#include "events/event_format.h"
#include "common/jsonw.h"
#include "common/timeutil.h"
#include "events/container.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

static const struct {
	unsigned flag;
	const char *name;
} open_flags[] = {
	{ O_WRONLY, "O_WRONLY" }, { O_RDWR, "O_RDWR" }, { O_CREAT, "O_CREAT" },
	{ O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" }, { O_TRUNC, "O_TRUNC" },
	{ O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" }, { O_DSYNC, "O_DSYNC" },
	{ O_DIRECT, "O_DIRECT" }, { O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
	{ O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" }, { O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE" },
};

uint64_t ward_event_open_flags(const struct ward_ev_raw *r)
{
	switch (r->nr) {
	case SYS_open: return r->args[1];
	case SYS_creat: return O_CREAT | O_WRONLY | O_TRUNC;
	default: return r->args[2];
	}
}

const char *ward_open_flags_str(uint64_t flags, char *out, size_t out_len)
{
	size_t o = 0;

	out[0] = '\0';
	if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_PATH))
		o += (size_t)snprintf(out, out_len, "O_RDONLY");
	for (size_t i = 0; i < sizeof(open_flags) / sizeof(open_flags[0]) && o < out_len; i++) {
		if (!(flags & open_flags[i].flag))
			continue;
		o += (size_t)snprintf(out + o, out_len - o, "%s%s", o ? "|" : "", open_flags[i].name);
	}
	return out;
}

static void sa_json(struct ward_jw *w, const char *key, const struct ward_sa *sa)
{
	char ip[64];

	if (sa->family != AF_INET && sa->family != AF_INET6)
		return;
	ward_jw_key(w, key);
	ward_jw_obj_begin(w);
	ward_jw_kstr(w, "ip", ward_sa_ip(sa, ip, sizeof(ip)));
	ward_jw_kuint(w, "port", sa->port);
	ward_jw_obj_end(w);
}

static void argv_json(struct ward_jw *w, const char *argv, size_t len)
{
	size_t i = 0;

	ward_jw_arr_begin(w);
	while (i < len) {
		size_t n = strnlen(argv + i, len - i);

		if (n == 0 && i + 1 >= len)
			break;
		ward_jw_strn(w, argv + i, n);
		i += n + 1;
	}
	ward_jw_arr_end(w);
}

static void proc_json(struct ward_jw *w, const struct ward_event *ev)
{
	const struct ward_proc *p = ev->proc;
	char cmd[WARD_PROC_CMDLINE_MAX + 32];

	ward_jw_key(w, "proc");
	ward_jw_obj_begin(w);
	ward_jw_kuint(w, "pid", ev->raw->pid);
	ward_jw_kuint(w, "tid", ev->raw->tid);
	ward_jw_kuint(w, "ppid", ev->raw->ppid);
	ward_jw_kuint(w, "vpid", p->vpid);
	ward_jw_kstr(w, "name", p->comm);
	ward_jw_kstr(w, "exe", p->exe ? p->exe : "");
	ward_jw_kstr(w, "exepath", p->exepath ? p->exepath : "");
	ward_jw_kstr(w, "cmdline", ward_proc_cmdline(p, cmd, sizeof(cmd)));
	ward_jw_kstr(w, "cwd", p->cwd ? p->cwd : "");
	ward_jw_kuint(w, "uid", ev->raw->uid);
	ward_jw_kuint(w, "gid", ev->raw->gid);
	ward_jw_kuint(w, "euid", ev->raw->euid);
	ward_jw_kuint(w, "loginuid", ev->raw->loginuid);
	ward_jw_kuint(w, "sid", ev->raw->sid);
	ward_jw_kuint(w, "tty", ev->raw->tty);
	ward_jw_obj_end(w);
}

static void container_json(struct ward_jw *w, const struct ward_container *c)
{
	ward_jw_key(w, "container");
	ward_jw_obj_begin(w);
	if (!c) {
		ward_jw_kstr(w, "id", "host");
		ward_jw_obj_end(w);
		return;
	}
	ward_jw_kstr(w, "id", c->id);
	ward_jw_kstr(w, "runtime", ward_runtime_name(c->runtime));
	if (ward_container_has_meta(c)) {
		ward_jw_kstr(w, "name", c->name);
		ward_jw_kstr(w, "image", c->image);
	}
	if (c->pod_uid[0])
		ward_jw_kstr(w, "pod_uid", c->pod_uid);
	if (ward_container_has_meta(c) && c->pod_name[0]) {
		ward_jw_kstr(w, "pod", c->pod_name);
		ward_jw_kstr(w, "namespace", c->pod_ns);
	}
	ward_jw_obj_end(w);
}

static void fd_json(struct ward_jw *w, const struct ward_event *ev)
{
	const struct ward_ev_raw *r = ev->raw;

	if (r->fd_type == WARD_FD_NONE && ev->fd < 0)
		return;
	ward_jw_key(w, "fd");
	ward_jw_obj_begin(w);
	ward_jw_kint(w, "num", ev->fd);
	ward_jw_kstr(w, "type", ward_fd_type_name(r->fd_type));
	if (r->fd_type == WARD_FD_IPV4 || r->fd_type == WARD_FD_IPV6) {
		sa_json(w, "local", &r->local);
		sa_json(w, "remote", &r->remote);
		ward_jw_kstr(w, "l4proto", r->sock_proto == 6 ? "tcp" : r->sock_proto == 17 ? "udp" :
			     r->sock_type == SOCK_RAW ? "raw" : "");
	} else if (r->fd_type != WARD_FD_NONE && ev->aux[0] &&
		   (r->str_flags[WARD_STR_AUX] & WARD_S_DENTRY)) {
		ward_jw_kstr(w, "name", ev->aux);
	}
	ward_jw_obj_end(w);
}

static void args_json(struct ward_jw *w, const struct ward_event *ev)
{
	const struct ward_ev_raw *r = ev->raw;
	char tmp[256];

	ward_jw_key(w, "args");
	ward_jw_obj_begin(w);
	switch (r->kind) {
	case WARD_EV_EXEC:
		ward_jw_kstr(w, "filename", ev->filename);
		if (r->ret >= 0) {
			ward_jw_key(w, "argv");
			argv_json(w, ev->argv, ev->argv_len);
			ward_jw_kstr(w, "cwd", ev->cwd);
			ward_jw_kstr(w, "cgroup", ev->cgroup);
			ward_jw_kbool(w, "exe_memfd", r->flags & WARD_F_EXE_MEMFD);
			ward_jw_kbool(w, "exe_upper_layer", r->flags & WARD_F_EXE_UPPER);
			ward_jw_kbool(w, "exe_deleted", r->flags & WARD_F_EXE_DELETED);
		}
		break;
	case WARD_EV_FORK:
		ward_jw_kuint(w, "child_pid", r->child_pid);
		/* the clone flags as evt.arg.flags tests them (no exit-signal byte) */
		snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)r->args[0]);
		ward_jw_kstr(w, "flags", tmp);
		break;
	case WARD_EV_EXIT:
		ward_jw_kuint(w, "code", (r->exit_code >> 8) & 0xff);
		ward_jw_kuint(w, "signal", r->exit_code & 0x7f);
		break;
	case WARD_EV_OPEN:
		ward_jw_kstr(w, "path", ev->path);
		ward_jw_kstr(w, "path_raw", ev->path_raw);
		ward_jw_kstr(w, "flags", ward_open_flags_str(ward_event_open_flags(r), tmp, sizeof(tmp)));
		break;
	case WARD_EV_RENAME:
		ward_jw_kstr(w, "old", ev->path);
		ward_jw_kstr(w, "new", ev->path2);
		break;
	case WARD_EV_LINK:
		ward_jw_kstr(w, "target", ev->path);
		ward_jw_kstr(w, "linkpath", ev->path2);
		break;
	case WARD_EV_SYMLINK:
		ward_jw_kstr(w, "target", ev->path_raw);
		ward_jw_kstr(w, "linkpath", ev->path2);
		break;
	case WARD_EV_UNLINK:
	case WARD_EV_MKDIR:
	case WARD_EV_RMDIR:
	case WARD_EV_TRUNCATE:
	case WARD_EV_UTIMES:
	case WARD_EV_UMOUNT:
		ward_jw_kstr(w, "path", ev->path);
		break;
	case WARD_EV_XATTR:
		ward_jw_kstr(w, "path", ev->path);
		ward_jw_kstr(w, "name", ev->path2);
		break;
	case WARD_EV_CHMOD:
		ward_jw_kstr(w, "path", ev->path);
		snprintf(tmp, sizeof(tmp), "%04llo",
			 (unsigned long long)((r->nr == SYS_chmod || r->nr == SYS_fchmod) ? r->args[1] :
					      r->args[2]));
		ward_jw_kstr(w, "mode", tmp);
		break;
	case WARD_EV_CHOWN:
		ward_jw_kstr(w, "path", ev->path);
		ward_jw_kint(w, "uid", (int32_t)(r->nr == SYS_fchownat ? r->args[2] : r->args[1]));
		ward_jw_kint(w, "gid", (int32_t)(r->nr == SYS_fchownat ? r->args[3] : r->args[2]));
		break;
	case WARD_EV_SOCKET:
		ward_jw_kuint(w, "domain", r->args[0]);
		ward_jw_kuint(w, "type", r->args[1] & 0xf);
		ward_jw_kuint(w, "protocol", r->args[2]);
		break;
	case WARD_EV_CONNECT:
	case WARD_EV_BIND:
		sa_json(w, "addr", r->kind == WARD_EV_BIND ? &r->local : &r->remote);
		if (ev->path_raw[0])
			ward_jw_kstr(w, "unix_path", ev->path_raw);
		break;
	case WARD_EV_DUP:
		ward_jw_kint(w, "oldfd", (int32_t)r->args[0]);
		if (r->nr != SYS_dup)
			ward_jw_kint(w, "newfd", (int32_t)r->args[1]);
		break;
	case WARD_EV_SETUID:
	case WARD_EV_SETGID:
		ward_jw_kint(w, "arg0", (int32_t)r->args[0]);
		ward_jw_kuint(w, "new_uid", r->uid);
		ward_jw_kuint(w, "new_euid", r->euid);
		ward_jw_kuint(w, "new_gid", r->gid);
		break;
	case WARD_EV_CAPSET:
		snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)r->cap_eff);
		ward_jw_kstr(w, "cap_effective", tmp);
		break;
	case WARD_EV_PTRACE:
		ward_jw_kuint(w, "request", r->args[0]);
		ward_jw_kint(w, "pid", (int32_t)r->args[1]);
		break;
	case WARD_EV_MEMFD:
		ward_jw_kstr(w, "name", ev->aux);
		ward_jw_kuint(w, "flags", r->args[1]);
		break;
	case WARD_EV_MOUNT:
		ward_jw_kstr(w, "source", ev->path2);
		ward_jw_kstr(w, "target", ev->path);
		ward_jw_kstr(w, "fstype", ev->aux);
		ward_jw_kuint(w, "flags", r->args[3]);
		break;
	case WARD_EV_UNSHARE:
		snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)r->args[0]);
		ward_jw_kstr(w, "flags", tmp);
		break;
	case WARD_EV_SETNS:
		ward_jw_kint(w, "fd", (int32_t)r->args[0]);
		ward_jw_kuint(w, "nstype", r->args[1]);
		ward_jw_kstr(w, "ns", ev->aux);
		break;
	case WARD_EV_MODULE:
		if (ev->path[0])
			ward_jw_kstr(w, "path", ev->path);
		else
			ward_jw_kstr(w, "params", ev->aux);
		break;
	case WARD_EV_BPF:
		ward_jw_kuint(w, "cmd", r->args[0]);
		break;
	case WARD_EV_KILL:
		ward_jw_kint(w, "pid", (int32_t)r->args[0]);
		ward_jw_kuint(w, "sig", r->nr == SYS_tgkill ? r->args[2] : r->args[1]);
		break;
	default:
		break;
	}
	ward_jw_obj_end(w);
}

int ward_event_json(const struct ward_event *ev, struct ward_buf *out)
{
	struct ward_jw w;
	char ts[48];

	ward_jw_init(&w, out);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "time", ward_time_fmt(ev->wall_ns, ts, sizeof(ts)));
	ward_jw_kstr(&w, "type", ev->type);
	ward_jw_kstr(&w, "kind", ward_ev_kind_name(ev->raw->kind));
	ward_jw_kstr(&w, "category", ev->category);
	ward_jw_kint(&w, "res", ev->raw->ret);
	ward_jw_kbool(&w, "failed", ev->raw->flags & WARD_F_FAILED);
	proc_json(&w, ev);
	container_json(&w, ev->container);
	fd_json(&w, ev);
	args_json(&w, ev);
	if (ev->drops_before)
		ward_jw_kbool(&w, "drops_before", true);
	ward_jw_obj_end(&w);
	return w.err;
}

int ward_event_text(const struct ward_event *ev, struct ward_buf *out)
{
	const struct ward_ev_raw *r = ev->raw;
	const struct ward_container *c = ev->container;
	char ts[48], ip[64];
	int err;

	ward_time_fmt(ev->wall_ns, ts, sizeof(ts));
	err = ward_buf_printf(out, "%.15s %-10s %7u %-15s %-12s res=%-5" PRId64, ts + 11, ev->type,
			      r->pid, ev->proc->comm, c ? ward_container_short_id(c) : "host",
			      (int64_t)r->ret);
	if (err)
		return err;
	switch (r->kind) {
	case WARD_EV_EXEC:
		if (r->ret < 0)
			return ward_buf_printf(out, " filename=%s", ev->filename);
		ward_buf_printf(out, " exe=%s args=", ev->path);
		for (size_t i = 0; i < ev->argv_len; i++)
			ward_buf_putc(out, ev->argv[i] ? ev->argv[i] : ' ');
		return 0;
	case WARD_EV_FORK:
		return ward_buf_printf(out, " child=%u flags=0x%llx", r->child_pid,
				       (unsigned long long)r->args[0]);
	case WARD_EV_EXIT:
		return ward_buf_printf(out, " code=%u signal=%u", (r->exit_code >> 8) & 0xff,
				       r->exit_code & 0x7f);
	case WARD_EV_CONNECT:
	case WARD_EV_ACCEPT:
	case WARD_EV_BIND:
	case WARD_EV_LISTEN: {
		const struct ward_sa *sa = r->kind == WARD_EV_BIND || r->kind == WARD_EV_LISTEN ?
			&r->local : &r->remote;

		if (sa->family == AF_INET || sa->family == AF_INET6)
			return ward_buf_printf(out, " fd=%d addr=%s:%u", ev->fd,
					       ward_sa_ip(sa, ip, sizeof(ip)), sa->port);
		return ward_buf_printf(out, " fd=%d %s", ev->fd, ev->path_raw);
	}
	case WARD_EV_DUP:
		return ward_buf_printf(out, " oldfd=%d newfd=%d fdtype=%s", (int)r->args[0], ev->fd,
				       ward_fd_type_name(r->fd_type));
	case WARD_EV_RENAME:
	case WARD_EV_LINK:
	case WARD_EV_SYMLINK:
		return ward_buf_printf(out, " %s -> %s", r->kind == WARD_EV_SYMLINK ? ev->path_raw :
				       ev->path, ev->path2);
	case WARD_EV_XATTR:
		return ward_buf_printf(out, " path=%s name=%s", ev->path, ev->path2);
	default:
		if (ev->path[0])
			return ward_buf_printf(out, " path=%s", ev->path);
		if (ev->aux[0])
			return ward_buf_printf(out, " %s", ev->aux);
		return 0;
	}
}
