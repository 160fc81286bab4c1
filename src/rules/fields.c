// SPDX-License-Identifier: Apache-2.0
/*
 * The field table (every name a condition or output may use) and the extractors that read a
 * field's value from a decoded event, its process, ancestors and container. Fields Falco
 * defines but ward has no data for yet are in the table so Falco rules compile; they
 * extract as absent, and any comparison with an absent value is false, as in Falco.
 *
 * Extraction never allocates and never makes a syscall: rendered values go into the
 * per-evaluation scratch space of struct ward_rx. Not here: argument rendering of evt.arg.*
 * (evtargs.c) and the user/group name cache (users.c).
 */
#include "rules/rules_int.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/timeutil.h"
#include "common/xalloc.h"
#include "events/container.h"
#include "events/event.h"
#include "events/proc.h"

/* id, name, type, argument, multi-valued */
#define FIELDS(X)                                                                      \
	X(EVT_TYPE, "evt.type", STR, NONE, 0)                                          \
	X(SYSCALL_TYPE, "syscall.type", STR, NONE, 0)                                  \
	X(EVT_DIR, "evt.dir", STR, NONE, 0)                                            \
	X(EVT_RES, "evt.res", STR, NONE, 0)                                            \
	X(EVT_RAWRES, "evt.rawres", NUM, NONE, 0)                                      \
	X(EVT_FAILED, "evt.failed", BOOL, NONE, 0)                                     \
	X(EVT_TIME, "evt.time", STR, NONE, 0)                                          \
	X(EVT_TIME_S, "evt.time.s", STR, NONE, 0)                                      \
	X(EVT_TIME_ISO, "evt.time.iso8601", STR, NONE, 0)                              \
	X(EVT_DATETIME, "evt.datetime", STR, NONE, 0)                                  \
	X(EVT_RAWTIME, "evt.rawtime", NUM, NONE, 0)                                    \
	X(EVT_NUM, "evt.num", NUM, NONE, 0)                                            \
	X(EVT_CPU, "evt.cpu", NUM, NONE, 0)                                            \
	X(EVT_ARG, "evt.arg", STR, EVTARG, 0)                                          \
	X(EVT_RAWARG, "evt.rawarg", NUM, EVTARG, 0)                                    \
	X(EVT_ARGS, "evt.args", STR, NONE, 0)                                          \
	X(EVT_INFO, "evt.info", STR, NONE, 0)                                          \
	X(EVT_IS_OPEN_READ, "evt.is_open_read", BOOL, NONE, 0)                         \
	X(EVT_IS_OPEN_WRITE, "evt.is_open_write", BOOL, NONE, 0)                       \
	X(EVT_IS_OPEN_EXEC, "evt.is_open_exec", BOOL, NONE, 0)                         \
	X(EVT_IS_OPEN_CREATE, "evt.is_open_create", BOOL, NONE, 0)                     \
	X(EVT_CATEGORY, "evt.category", STR, NONE, 0)                                  \
	X(EVT_HOSTNAME, "evt.hostname", STR, NONE, 0)                                  \
	X(EVT_SOURCE, "evt.source", STR, NONE, 0)                                      \
	X(EVT_LATENCY, "evt.latency", NUM, NONE, 0)                                    \
	X(EVT_DELTATIME, "evt.deltatime", NUM, NONE, 0)                                \
	X(EVT_BUFFER, "evt.buffer", STR, NONE, 0)                                      \
	X(EVT_BUFLEN, "evt.buflen", NUM, NONE, 0)                                      \
	X(EVT_ABSPATH, "evt.abspath", STR, NONE, 0)                                    \
	X(EVT_IS_IO, "evt.is_io", BOOL, NONE, 0)                                       \
	X(EVT_IS_WAIT, "evt.is_wait", BOOL, NONE, 0)                                   \
	X(PROC_NAME, "proc.name", STR, NONE, 0)                                        \
	X(PROC_EXE, "proc.exe", STR, NONE, 0)                                          \
	X(PROC_EXEPATH, "proc.exepath", STR, NONE, 0)                                  \
	X(PROC_PEXE, "proc.pexe", STR, NONE, 0)                                        \
	X(PROC_PEXEPATH, "proc.pexepath", STR, NONE, 0)                                \
	X(PROC_AEXE, "proc.aexe", STR, IDX, 1)                                         \
	X(PROC_AEXEPATH, "proc.aexepath", STR, IDX, 1)                                 \
	X(PROC_CMDLINE, "proc.cmdline", STR, NONE, 0)                                  \
	X(PROC_PCMDLINE, "proc.pcmdline", STR, NONE, 0)                                \
	X(PROC_ACMDLINE, "proc.acmdline", STR, IDX, 1)                                 \
	X(PROC_EXELINE, "proc.exeline", STR, NONE, 0)                                  \
	X(PROC_ARGS, "proc.args", STR, NONE, 0)                                        \
	X(PROC_CMDNARGS, "proc.cmdnargs", NUM, NONE, 0)                                \
	X(PROC_CMDLENARGS, "proc.cmdlenargs", NUM, NONE, 0)                            \
	X(PROC_PID, "proc.pid", NUM, NONE, 0)                                          \
	X(PROC_PPID, "proc.ppid", NUM, NONE, 0)                                        \
	X(PROC_VPID, "proc.vpid", NUM, NONE, 0)                                        \
	X(PROC_PVPID, "proc.pvpid", NUM, NONE, 0)                                      \
	X(PROC_PNAME, "proc.pname", STR, NONE, 0)                                      \
	X(PROC_ANAME, "proc.aname", STR, IDX, 1)                                       \
	X(PROC_APID, "proc.apid", NUM, IDX, 1)                                         \
	X(PROC_TTY, "proc.tty", NUM, NONE, 0)                                          \
	X(PROC_CWD, "proc.cwd", STR, NONE, 0)                                          \
	X(PROC_DURATION, "proc.duration", NUM, NONE, 0)                                \
	X(PROC_PPID_DURATION, "proc.ppid.duration", NUM, NONE, 0)                      \
	X(PROC_PID_TS, "proc.pid.ts", NUM, NONE, 0)                                    \
	X(PROC_PPID_TS, "proc.ppid.ts", NUM, NONE, 0)                                  \
	X(PROC_SID, "proc.sid", NUM, NONE, 0)                                          \
	X(PROC_SNAME, "proc.sname", STR, NONE, 0)                                      \
	X(PROC_SID_EXE, "proc.sid.exe", STR, NONE, 0)                                  \
	X(PROC_SID_EXEPATH, "proc.sid.exepath", STR, NONE, 0)                          \
	X(PROC_IS_SID_LEADER, "proc.is_sid_leader", BOOL, NONE, 0)                     \
	X(PROC_VPGID, "proc.vpgid", NUM, NONE, 0)                                      \
	X(PROC_VPGID_NAME, "proc.vpgid.name", STR, NONE, 0)                            \
	X(PROC_VPGID_EXE, "proc.vpgid.exe", STR, NONE, 0)                              \
	X(PROC_VPGID_EXEPATH, "proc.vpgid.exepath", STR, NONE, 0)                      \
	X(PROC_IS_VPGID_LEADER, "proc.is_vpgid_leader", BOOL, NONE, 0)                 \
	X(PROC_IS_EXE_UPPER, "proc.is_exe_upper_layer", BOOL, NONE, 0)                 \
	X(PROC_IS_EXE_MEMFD, "proc.is_exe_from_memfd", BOOL, NONE, 0)                  \
	X(PROC_IS_EXE_WRITABLE, "proc.is_exe_writable", BOOL, NONE, 0)                 \
	X(PROC_EXE_INO, "proc.exe_ino", NUM, NONE, 0)                                  \
	X(PROC_EXE_INO_CTIME, "proc.exe_ino.ctime", NUM, NONE, 0)                      \
	X(PROC_EXE_INO_MTIME, "proc.exe_ino.mtime", NUM, NONE, 0)                      \
	X(PROC_EXE_INO_CDPS, "proc.exe_ino.ctime_duration_proc_start", NUM, NONE, 0)   \
	X(PROC_EXE_INO_CDNS, "proc.exe_ino.ctime_duration_pidns_start", NUM, NONE, 0)  \
	X(PROC_ENV, "proc.env", STR, IDX, 0)                                           \
	X(PROC_STDIN_TYPE, "proc.stdin.type", STR, NONE, 0)                            \
	X(PROC_STDOUT_TYPE, "proc.stdout.type", STR, NONE, 0)                          \
	X(PROC_STDERR_TYPE, "proc.stderr.type", STR, NONE, 0)                          \
	X(PROC_STDIN_NAME, "proc.stdin.name", STR, NONE, 0)                            \
	X(PROC_STDOUT_NAME, "proc.stdout.name", STR, NONE, 0)                          \
	X(PROC_STDERR_NAME, "proc.stderr.name", STR, NONE, 0)                          \
	X(PROC_LOGINSHELLID, "proc.loginshellid", NUM, NONE, 0)                        \
	X(PROC_IS_HEALTHCHECK, "proc.is_container_healthcheck", BOOL, NONE, 0)         \
	X(PROC_IS_LIVENESS, "proc.is_container_liveness_probe", BOOL, NONE, 0)         \
	X(PROC_IS_READINESS, "proc.is_container_readiness_probe", BOOL, NONE, 0)       \
	X(PROC_FDOPENCOUNT, "proc.fdopencount", NUM, NONE, 0)                          \
	X(PROC_PIDNS_INIT_TS, "proc.pidns_init_start_ts", NUM, NONE, 0)                \
	X(THREAD_TID, "thread.tid", NUM, NONE, 0)                                      \
	X(THREAD_VTID, "thread.vtid", NUM, NONE, 0)                                    \
	X(THREAD_CAP_EFF, "thread.cap_effective", STR, NONE, 0)                        \
	X(THREAD_CAP_PRM, "thread.cap_permitted", STR, NONE, 0)                        \
	X(THREAD_CAP_INH, "thread.cap_inheritable", STR, NONE, 0)                      \
	X(THREAD_IS_MAIN, "thread.ismain", BOOL, NONE, 0)                              \
	X(USER_UID, "user.uid", NUM, NONE, 0)                                          \
	X(USER_NAME, "user.name", STR, NONE, 0)                                        \
	X(USER_HOMEDIR, "user.homedir", STR, NONE, 0)                                  \
	X(USER_SHELL, "user.shell", STR, NONE, 0)                                      \
	X(USER_LOGINUID, "user.loginuid", NUM, NONE, 0)                                \
	X(USER_LOGINNAME, "user.loginname", STR, NONE, 0)                              \
	X(GROUP_GID, "group.gid", NUM, NONE, 0)                                        \
	X(GROUP_NAME, "group.name", STR, NONE, 0)                                      \
	X(FD_NUM, "fd.num", NUM, NONE, 0)                                              \
	X(FD_TYPE, "fd.type", STR, NONE, 0)                                            \
	X(FD_TYPECHAR, "fd.typechar", STR, NONE, 0)                                    \
	X(FD_NAME, "fd.name", STR, NONE, 0)                                            \
	X(FD_NAMERAW, "fd.nameraw", STR, NONE, 0)                                      \
	X(FD_DIRECTORY, "fd.directory", STR, NONE, 0)                                  \
	X(FD_FILENAME, "fd.filename", STR, NONE, 0)                                    \
	X(FD_IP, "fd.ip", STR, NONE, 1)                                                \
	X(FD_CIP, "fd.cip", STR, NONE, 0)                                              \
	X(FD_SIP, "fd.sip", STR, NONE, 0)                                              \
	X(FD_LIP, "fd.lip", STR, NONE, 0)                                              \
	X(FD_RIP, "fd.rip", STR, NONE, 0)                                              \
	X(FD_DIP, "fd.dip", STR, NONE, 0)                                              \
	X(FD_PORT, "fd.port", NUM, NONE, 1)                                            \
	X(FD_CPORT, "fd.cport", NUM, NONE, 0)                                          \
	X(FD_SPORT, "fd.sport", NUM, NONE, 0)                                          \
	X(FD_LPORT, "fd.lport", NUM, NONE, 0)                                          \
	X(FD_RPORT, "fd.rport", NUM, NONE, 0)                                          \
	X(FD_DPORT, "fd.dport", NUM, NONE, 0)                                          \
	X(FD_NET, "fd.net", NET, NONE, 1)                                              \
	X(FD_CNET, "fd.cnet", NET, NONE, 0)                                            \
	X(FD_SNET, "fd.snet", NET, NONE, 0)                                            \
	X(FD_LNET, "fd.lnet", NET, NONE, 0)                                            \
	X(FD_RNET, "fd.rnet", NET, NONE, 0)                                            \
	X(FD_L4PROTO, "fd.l4proto", STR, NONE, 0)                                      \
	X(FD_SOCKFAMILY, "fd.sockfamily", STR, NONE, 0)                                \
	X(FD_IS_SERVER, "fd.is_server", BOOL, NONE, 0)                                 \
	X(FD_CONNECTED, "fd.connected", BOOL, NONE, 0)                                 \
	X(FD_NAME_CHANGED, "fd.name_changed", BOOL, NONE, 0)                           \
	X(FD_SIP_NAME, "fd.sip.name", STR, NONE, 0)                                    \
	X(FD_CIP_NAME, "fd.cip.name", STR, NONE, 0)                                    \
	X(FD_LIP_NAME, "fd.lip.name", STR, NONE, 0)                                    \
	X(FD_RIP_NAME, "fd.rip.name", STR, NONE, 0)                                    \
	X(FD_CPROTO, "fd.cproto", STR, NONE, 0)                                        \
	X(FD_SPROTO, "fd.sproto", STR, NONE, 0)                                        \
	X(FD_LPROTO, "fd.lproto", STR, NONE, 0)                                        \
	X(FD_RPROTO, "fd.rproto", STR, NONE, 0)                                        \
	X(FD_DEV, "fd.dev", NUM, NONE, 0)                                              \
	X(FD_INO, "fd.ino", NUM, NONE, 0)                                              \
	X(FD_UID, "fd.uid", STR, NONE, 0)                                              \
	X(FD_CONTAINERNAME, "fd.containername", STR, NONE, 0)                          \
	X(FD_CONTAINERDIR, "fd.containerdirectory", STR, NONE, 0)                      \
	X(FD_TYPES, "fd.types", STR, IDX, 0)                                           \
	X(FD_IS_UPPER, "fd.is_upper_layer", BOOL, NONE, 0)                             \
	X(FD_IS_LOWER, "fd.is_lower_layer", BOOL, NONE, 0)                             \
	X(FS_PATH_NAME, "fs.path.name", STR, NONE, 0)                                  \
	X(FS_PATH_NAMERAW, "fs.path.nameraw", STR, NONE, 0)                            \
	X(FS_PATH_SOURCE, "fs.path.source", STR, NONE, 0)                              \
	X(FS_PATH_SOURCERAW, "fs.path.sourceraw", STR, NONE, 0)                        \
	X(FS_PATH_TARGET, "fs.path.target", STR, NONE, 0)                              \
	X(FS_PATH_TARGETRAW, "fs.path.targetraw", STR, NONE, 0)                        \
	X(CT_ID, "container.id", STR, NONE, 0)                                         \
	X(CT_FULL_ID, "container.full_id", STR, NONE, 0)                               \
	X(CT_NAME, "container.name", STR, NONE, 0)                                     \
	X(CT_TYPE, "container.type", STR, NONE, 0)                                     \
	X(CT_IMAGE, "container.image", STR, NONE, 0)                                   \
	X(CT_IMAGE_ID, "container.image.id", STR, NONE, 0)                             \
	X(CT_IMAGE_REPO, "container.image.repository", STR, NONE, 0)                   \
	X(CT_IMAGE_TAG, "container.image.tag", STR, NONE, 0)                           \
	X(CT_IMAGE_DIGEST, "container.image.digest", STR, NONE, 0)                     \
	X(CT_PRIVILEGED, "container.privileged", BOOL, NONE, 0)                        \
	X(CT_MOUNTS, "container.mounts", STR, NONE, 0)                                 \
	X(CT_MOUNT, "container.mount", STR, KEY, 0)                                    \
	X(CT_MOUNT_SOURCE, "container.mount.source", STR, KEY, 0)                      \
	X(CT_MOUNT_DEST, "container.mount.dest", STR, KEY, 0)                          \
	X(CT_MOUNT_MODE, "container.mount.mode", STR, KEY, 0)                          \
	X(CT_MOUNT_RDWR, "container.mount.rdwr", STR, KEY, 0)                          \
	X(CT_MOUNT_PROP, "container.mount.propagation", STR, KEY, 0)                   \
	X(CT_START_TS, "container.start_ts", NUM, NONE, 0)                             \
	X(CT_DURATION, "container.duration", NUM, NONE, 0)                             \
	X(CT_IP, "container.ip", STR, NONE, 0)                                         \
	X(CT_CNIJSON, "container.cni.json", STR, NONE, 0)                              \
	X(CT_HOST_PID, "container.host_pid", BOOL, NONE, 0)                            \
	X(CT_HOST_NETWORK, "container.host_network", BOOL, NONE, 0)                    \
	X(CT_HOST_IPC, "container.host_ipc", BOOL, NONE, 0)                            \
	X(CT_LABEL, "container.label", STR, KEY, 0)                                    \
	X(CT_LABELS, "container.labels", STR, NONE, 0)                                 \
	X(CT_HEALTHCHECK, "container.healthcheck", STR, NONE, 0)                       \
	X(K8S_NS_NAME, "k8s.ns.name", STR, NONE, 0)                                    \
	X(K8S_NS_ID, "k8s.ns.id", STR, NONE, 0)                                        \
	X(K8S_NS_LABEL, "k8s.ns.label", STR, KEY, 0)                                   \
	X(K8S_NS_LABELS, "k8s.ns.labels", STR, NONE, 0)                                \
	X(K8S_POD_NAME, "k8s.pod.name", STR, NONE, 0)                                  \
	X(K8S_POD_ID, "k8s.pod.id", STR, NONE, 0)                                      \
	X(K8S_POD_UID, "k8s.pod.uid", STR, NONE, 0)                                    \
	X(K8S_POD_LABEL, "k8s.pod.label", STR, KEY, 0)                                 \
	X(K8S_POD_LABELS, "k8s.pod.labels", STR, NONE, 0)                              \
	X(K8S_POD_IP, "k8s.pod.ip", STR, NONE, 0)                                      \
	X(K8S_POD_CNIJSON, "k8s.pod.cni.json", STR, NONE, 0)                           \
	X(K8S_POD_SANDBOX, "k8s.pod.sandbox_id", STR, NONE, 0)                         \
	X(K8S_POD_FULL_SANDBOX, "k8s.pod.full_sandbox_id", STR, NONE, 0)               \
	X(K8S_RC_NAME, "k8s.rc.name", STR, NONE, 0)                                    \
	X(K8S_RS_NAME, "k8s.rs.name", STR, NONE, 0)                                    \
	X(K8S_SVC_NAME, "k8s.svc.name", STR, NONE, 0)                                  \
	X(K8S_DEPLOYMENT_NAME, "k8s.deployment.name", STR, NONE, 0)

enum {
#define X(id, name, type, arg, multi) F_##id,
	FIELDS(X)
#undef X
	F_CNT
};

static const struct ward_rfield fields[F_CNT] = {
#define X(fid, nm, ty, ar, mu) [F_##fid] = { .name = nm, .id = F_##fid, .type = WARD_RFT_##ty, .arg = WARD_RFA_##ar, .multi = mu },
	FIELDS(X)
#undef X
};

static const struct ward_rfield *field_find(const char *name, size_t len)
{
	for (size_t i = 0; i < F_CNT; i++)
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0)
			return &fields[i];
	return NULL;
}

int ward_rfield_resolve(const char *text, struct ward_rfref *out, char *err, size_t err_len)
{
	size_t len = strlen(text), base = len;
	const char *br = strchr(text, '[');
	const struct ward_rfield *f = NULL;
	const char *arg = NULL;
	size_t arg_len = 0;
	bool bracket = false;

	memset(out, 0, sizeof(*out));
	out->idx = -1;
	if (br) {
		if (len < 2 || text[len - 1] != ']' || br == text) {
			snprintf(err, err_len, "malformed field argument in '%s'", text);
			return -WARD_E_SYNTAX;
		}
		base = (size_t)(br - text);
		arg = br + 1;
		arg_len = len - base - 2;
		bracket = true;
	}
	f = field_find(text, base);
	if (!f && !bracket) {
		/* evt.arg.flags, k8s.pod.label.app: the longest known prefix takes a .key */
		for (size_t cut = base - 1; cut > 0; cut--) {
			if (text[cut] != '.')
				continue;
			f = field_find(text, cut);
			if (f && (f->arg == WARD_RFA_EVTARG || f->arg == WARD_RFA_KEY)) {
				arg = text + cut + 1;
				arg_len = base - cut - 1;
				break;
			}
			f = NULL;
		}
	}
	if (!f) {
		snprintf(err, err_len, "unknown field '%.*s'", (int)(base > 200 ? 200 : base), text);
		return -WARD_E_NOTFOUND;
	}
	if (!arg && f->arg == WARD_RFA_KEY) {
		snprintf(err, err_len, "field '%s' needs an argument, as in %s[name]", f->name, f->name);
		return -WARD_E_SYNTAX;
	}
	if (!arg && f->arg == WARD_RFA_EVTARG) {
		snprintf(err, err_len, "field '%s' needs an argument name or index, as in %s.flags or %s[0]",
			 f->name, f->name, f->name);
		return -WARD_E_SYNTAX;
	}
	if (arg && f->arg == WARD_RFA_NONE) {
		snprintf(err, err_len, "field '%s' takes no argument", f->name);
		return -WARD_E_SYNTAX;
	}
	if (arg && arg_len == 0) {
		snprintf(err, err_len, "empty argument for field '%s'", f->name);
		return -WARD_E_SYNTAX;
	}
	out->f = f;
	if (arg) {
		bool numeric = bracket && arg_len <= 4;

		for (size_t i = 0; i < arg_len && numeric; i++)
			numeric = arg[i] >= '0' && arg[i] <= '9';
		if (f->arg == WARD_RFA_IDX && f->id != F_PROC_ENV && !numeric) {
			snprintf(err, err_len, "field '%s' takes a numeric index, as in %s[2]", f->name, f->name);
			return -WARD_E_SYNTAX;
		}
		if (numeric && f->arg != WARD_RFA_KEY && f->id != F_PROC_ENV) {
			out->idx = 0;
			for (size_t i = 0; i < arg_len; i++)
				out->idx = out->idx * 10 + (arg[i] - '0');
		} else {
			out->key = ward_xstrndup(arg, arg_len);
			out->key_len = arg_len;
			if (f->arg == WARD_RFA_EVTARG && !ward_evtarg_name_known(out->key)) {
				snprintf(err, err_len, "unknown argument '%s' for %s", out->key, f->name);
				ward_rfref_free(out);
				return -WARD_E_NOTFOUND;
			}
		}
		if ((f->id == F_PROC_ANAME || f->id == F_PROC_APID || f->id == F_PROC_AEXE ||
		     f->id == F_PROC_AEXEPATH || f->id == F_PROC_ACMDLINE) &&
		    out->idx > WARD_RULES_ANAME_DEPTH) {
			snprintf(err, err_len, "ancestor index %d is beyond %d", out->idx, WARD_RULES_ANAME_DEPTH);
			return -WARD_E_LIMIT;
		}
	}
	return 0;
}

void ward_rfref_free(struct ward_rfref *r)
{
	free(r->key);
	r->key = NULL;
}

const char *ward_rfref_name(const struct ward_rfref *r, char *out, size_t out_len)
{
	if (r->key && r->f->arg == WARD_RFA_EVTARG)
		snprintf(out, out_len, "%s.%s", r->f->name, r->key);
	else if (r->key)
		snprintf(out, out_len, "%s[%s]", r->f->name, r->key);
	else if (r->idx >= 0)
		snprintf(out, out_len, "%s[%d]", r->f->name, r->idx);
	else
		snprintf(out, out_len, "%s", r->f->name);
	return out;
}

/* ---- event types ------------------------------------------------------------------- */

int ward_rtype_id(const char *name)
{
	int nr;

	if (strcmp(name, "procexit") == 0)
		return WARD_RTYPE_PROCEXIT;
	nr = ward_syscall_nr(name);
	return nr >= 0 && nr < WARD_SC_MAX ? nr : -1;
}

int ward_rtype_of_event(const struct ward_event *ev)
{
	const struct ward_ev_raw *r = ev->raw;

	switch (r->kind) {
	case WARD_EV_FORK:
		return 56; /* clone: ward reports every process creation as "clone" */
	case WARD_EV_EXIT:
		return WARD_RTYPE_PROCEXIT;
	case WARD_EV_EXEC:
		/* exec comes from a scheduler tracepoint: nr may be -1 */
		return r->nr == 322 ? 322 : 59;
	default:
		break;
	}
	if (r->nr >= 0 && r->nr < WARD_SC_MAX)
		return r->nr;
	return ev->type ? ward_rtype_id(ev->type) : -1;
}

/* ---- extraction helpers ------------------------------------------------------------ */

void ward_rx_init(struct ward_rx *x, const struct ward_ruleset *rs, const struct ward_event *ev,
		  struct ward_proc_table *pt)
{
	size_t memo;

	x->ev = ev;
	x->pt = pt;
	x->rs = rs;
	x->type_id = ward_rtype_of_event(ev);
	x->anc[0] = ev->proc;
	x->anc_cnt = 0;
	x->anc_end = !ev->proc || !pt;
	x->cmdline_len = -1;
	x->pcmdline_len = -1;
	x->fdname_state = -1;
	x->grp_done = 0;
	x->grp_sub_done = 0;
	memo = rs->memo_cnt > rs->macros_cnt ? rs->memo_cnt : rs->macros_cnt;
	/* ids stop below WARD_RULES_MEMO_MAX: round up, never past the arrays */
	x->memo_words = ((memo < WARD_RULES_MEMO_MAX ? memo : WARD_RULES_MEMO_MAX) + 63) / 64;
	memset(x->memo_done, 0, x->memo_words * sizeof(uint64_t));
}

/* n-th ancestor (0 = the process itself), resolved once per event. */
static struct ward_proc *ancestor(struct ward_rx *x, unsigned n)
{
	if (n == 0)
		return x->ev->proc;
	if (n > WARD_RULES_ANAME_DEPTH)
		return NULL;
	while ((unsigned)x->anc_cnt < n && !x->anc_end) {
		struct ward_proc *p = ward_proc_parent(x->pt, x->anc[x->anc_cnt]);

		/* a process that is its own parent (pid 0/1 quirks) ends the chain */
		if (!p || p == x->anc[x->anc_cnt]) {
			x->anc_end = true;
			break;
		}
		x->anc[++x->anc_cnt] = p;
	}
	return (unsigned)x->anc_cnt >= n ? x->anc[n] : NULL;
}

static int put_str(struct ward_rval *v, const char *s)
{
	if (!s || !*s)
		return 0;
	v->s = s;
	v->len = strlen(s);
	v->is_num = false;
	return 1;
}

static int put_strn(struct ward_rval *v, const char *s, size_t len)
{
	v->s = s;
	v->len = len;
	v->is_num = false;
	return 1;
}

static int put_num(struct ward_rval *v, int64_t n)
{
	v->n = n;
	v->is_num = true;
	v->s = NULL;
	v->len = 0;
	return 1;
}

/* Booleans carry both forms: n for "= true" compiled to a number, s for string operators. */
static int put_bool(struct ward_rval *v, bool b)
{
	v->s = b ? "true" : "false";
	v->len = b ? 4 : 5;
	v->n = b;
	v->is_num = true;
	return 1;
}

/* Appends len bytes of s to out (capacity cap, o bytes used), cut to leave room for the NUL;
 * returns the new length. */
static size_t cat_cut(char *out, size_t cap, size_t o, const char *s, size_t len)
{
	if (len > cap - 1 - o)
		len = cap - 1 - o;
	memcpy(out + o, s, len);
	return o + len;
}

/* "comm args" as snprintf("%s %s") would cut it, without its cost (this is computed for
 * most exec events). */
static int cmdline_of(const struct ward_proc *p, char *out, size_t cap)
{
	size_t o;

	if (!p || !p->comm[0])
		return -1;
	o = cat_cut(out, cap, 0, p->comm, strlen(p->comm));
	if (p->args && p->args[0]) {
		o = cat_cut(out, cap, o, " ", 1);
		o = cat_cut(out, cap, o, p->args, strlen(p->args));
	}
	out[o] = '\0';
	return (int)o;
}

const char *ward_rval_str(const struct ward_rval *v, char *buf, size_t buf_len, size_t *len)
{
	if (!v->is_num || v->s) {
		*len = v->len;
		return v->s;
	}
	*len = (size_t)snprintf(buf, buf_len, "%" PRId64, v->n);
	if (*len >= buf_len)
		*len = buf_len - 1;
	return buf;
}

static const struct ward_container *container_of(const struct ward_event *ev)
{
	if (ev->container)
		return ev->container;
	return ev->proc ? ev->proc->container : NULL;
}

static unsigned fd_type_of(const struct ward_event *ev)
{
	unsigned t = ev->raw->fd_type;

	/* a failed open still names a file, as Falco reports it */
	if (t == WARD_FD_NONE && ev->raw->kind == WARD_EV_OPEN)
		return WARD_FD_FILE;
	return t;
}

static bool is_ip_fd(unsigned t)
{
	return t == WARD_FD_IPV4 || t == WARD_FD_IPV6;
}

/* Client and server ends: outbound for connect and unknown roles, inbound for accept. */
static const struct ward_sa *sock_end(const struct ward_event *ev, bool server)
{
	const struct ward_ev_raw *r = ev->raw;
	bool inbound = r->kind == WARD_EV_ACCEPT || r->kind == WARD_EV_BIND || r->kind == WARD_EV_LISTEN ||
		       (r->remote.family == 0 && r->kind != WARD_EV_CONNECT);

	if (inbound)
		return server ? &r->local : (r->remote.family ? &r->remote : NULL);
	return server ? (r->remote.family ? &r->remote : NULL) : &r->local;
}

static int put_ip(struct ward_rx *x, struct ward_rval *v, const struct ward_sa *sa)
{
	int af;

	if (!sa || !is_ip_fd(fd_type_of(x->ev)))
		return 0;
	af = sa->family == AF_INET6 ? AF_INET6 : sa->family == AF_INET ? AF_INET : 0;
	if (!af && sa->family == 0)
		af = fd_type_of(x->ev) == WARD_FD_IPV6 ? AF_INET6 : AF_INET;
	if (!inet_ntop(af, sa->addr, x->tmp, sizeof(x->tmp)))
		return 0;
	return put_str(v, x->tmp);
}

static int put_port(struct ward_rx *x, struct ward_rval *v, const struct ward_sa *sa)
{
	if (!sa || !is_ip_fd(fd_type_of(x->ev)))
		return 0;
	return put_num(v, sa->port);
}

static int put_net(struct ward_rx *x, struct ward_rval *v, const struct ward_sa *sa)
{
	if (!sa || !is_ip_fd(fd_type_of(x->ev)))
		return 0;
	v->s = (const char *)sa->addr;
	v->len = fd_type_of(x->ev) == WARD_FD_IPV6 ? 16 : 4;
	v->is_num = false;
	return 1;
}

/* Decimal digits of u at out; returns the end. */
static char *dec_text(unsigned u, char *out)
{
	char d[10];
	int n = 0;

	do
		d[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	while (n)
		*out++ = d[--n];
	return out;
}

/* Address text at out (room for INET6_ADDRSTRLEN), as inet_ntop writes it; returns the end
 * (not terminated), or NULL. IPv4 is formatted here: inet_ntop's is a sprintf. */
static char *ip_text(int af, const uint8_t *addr, char *out)
{
	if (af == AF_INET) {
		for (int i = 0; i < 4; i++) {
			if (i)
				*out++ = '.';
			out = dec_text(addr[i], out);
		}
		return out;
	}
	if (!inet_ntop(af, addr, out, INET6_ADDRSTRLEN))
		return NULL;
	return out + strlen(out);
}

static const char *fd_name_compute(struct ward_rx *x, size_t *len)
{
	const struct ward_event *ev = x->ev;
	unsigned t = fd_type_of(ev);

	if (is_ip_fd(t)) {
		const struct ward_sa *c = sock_end(ev, false), *s = sock_end(ev, true);
		int af = t == WARD_FD_IPV6 ? AF_INET6 : AF_INET;
		char *o = x->fdname_buf;

		/* "client:port->server:port" into a buffer of its own (not tmp, which other
		 * fields reuse): computed once per event however many rules test it. Sized for
		 * two IPv6 ends, so nothing is cut. */
		if (!c || !(o = ip_text(af, c->addr, o)))
			return NULL;
		*o++ = ':';
		o = dec_text(c->port, o);
		if (s && s != c) {
			char *e = o;

			*e++ = '-';
			*e++ = '>';
			if ((e = ip_text(af, s->addr, e))) {
				*e++ = ':';
				o = dec_text(s->port, e);
			}
		}
		*o = '\0';
		*len = (size_t)(o - x->fdname_buf);
		return x->fdname_buf;
	}
	if (t == WARD_FD_NONE)
		return NULL;
	if (ev->path && ev->path[0]) {
		*len = strlen(ev->path);
		return ev->path;
	}
	if (ev->aux && ev->aux[0]) {
		*len = strlen(ev->aux);
		return ev->aux;
	}
	return NULL;
}

/* fd.name of the event (NULL when it has none), computed on first use. */
static const char *fd_name(struct ward_rx *x, size_t *len)
{
	if (x->fdname_state < 0) {
		x->fdname = fd_name_compute(x, &x->fdname_len);
		x->fdname_state = x->fdname != NULL;
	}
	*len = x->fdname_len;
	return x->fdname;
}

static const char *fd_type_name(unsigned t, const struct ward_ev_raw *r)
{
	switch (t) {
	case WARD_FD_FILE: return "file";
	case WARD_FD_DIR: return "directory";
	case WARD_FD_IPV4: return "ipv4";
	case WARD_FD_IPV6: return "ipv6";
	case WARD_FD_UNIX: return "unix";
	case WARD_FD_PIPE: return "pipe";
	case WARD_FD_MEMFD: return "memfd";
	case WARD_FD_SOCK_OTHER: return r->sock_family == AF_NETLINK ? "netlink" : "socket";
	case WARD_FD_OTHER: return "other";
	default: return NULL;
	}
}

static const char *fd_typechar(unsigned t, const struct ward_ev_raw *r)
{
	switch (t) {
	case WARD_FD_FILE: return "f";
	case WARD_FD_DIR: return "d";
	case WARD_FD_IPV4: return "4";
	case WARD_FD_IPV6: return "6";
	case WARD_FD_UNIX: return "u";
	case WARD_FD_PIPE: return "p";
	case WARD_FD_MEMFD: return "m";
	case WARD_FD_SOCK_OTHER: return r->sock_family == AF_NETLINK ? "n" : "o";
	case WARD_FD_OTHER: return "o";
	default: return NULL;
	}
}

/* Value of "key" in a flat JSON object of strings, unescaped into out. */
static int json_label(const char *json, const char *key, size_t key_len, char *out, size_t cap,
		      struct ward_rval *v)
{
	const char *p = json;

	if (!json)
		return 0;
	while ((p = strchr(p, '"')) != NULL) {
		const char *k = p + 1, *e = k;

		while (*e && *e != '"') {
			if (*e == '\\' && e[1])
				e++;
			e++;
		}
		if (!*e)
			return 0;
		p = e + 1;
		while (*p == ' ' || *p == ':')
			p++;
		if ((size_t)(e - k) == key_len && memcmp(k, key, key_len) == 0 && *p == '"') {
			size_t o = 0;

			for (p++; *p && *p != '"' && o + 1 < cap; p++) {
				if (*p == '\\' && p[1])
					p++;
				out[o++] = *p;
			}
			out[o] = '\0';
			return put_strn(v, out, o);
		}
		/* skip the value */
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		}
	}
	return 0;
}

/* Open flags of an open-family event; false when unknown (openat2 passes a struct). */
static bool open_flags(const struct ward_event *ev, uint64_t *flags)
{
	const struct ward_ev_raw *r = ev->raw;

	if (r->kind != WARD_EV_OPEN)
		return false;
	switch (r->nr) {
	case 2: *flags = r->args[1]; return true;   /* open */
	case 257: *flags = r->args[2]; return true; /* openat */
	case 85: *flags = O_CREAT | O_WRONLY | O_TRUNC; return true; /* creat */
	default: return false;
	}
}

static int proc_str(struct ward_rval *v, const struct ward_proc *p, int which)
{
	if (!p)
		return 0;
	switch (which) {
	case 0: return put_str(v, p->comm);
	case 1: return put_str(v, p->exe);
	case 2: return put_str(v, p->exepath);
	default: return 0;
	}
}

static struct ward_proc *session_leader(struct ward_rx *x)
{
	struct ward_proc *p = x->ev->proc;

	if (!p)
		return NULL;
	if (p->sid == p->pid)
		return p;
	return x->pt && p->sid ? ward_proc_by_pid(x->pt, p->sid) : NULL;
}

static uint32_t ev_flags(const struct ward_event *ev)
{
	/* the exec record is fresher than the table entry it updates */
	if (ev->raw->kind == WARD_EV_EXEC || !ev->proc)
		return ev->raw->flags;
	return ev->proc->flags;
}

int ward_rfield_extract(struct ward_rx *x, const struct ward_rfref *r, unsigned i,
			struct ward_rval *v)
{
	const struct ward_event *ev = x->ev;
	const struct ward_ev_raw *raw = ev->raw;
	const struct ward_proc *p = ev->proc;
	const struct ward_container *c;
	unsigned t;
	uint64_t fl;
	size_t len;
	const char *s;

	if (i > 0 && !r->f->multi)
		return 0;
	if (i > 0 && r->idx >= 0)
		return 0;
	switch (r->f->id) {
	case F_EVT_TYPE:
	case F_SYSCALL_TYPE:
		return put_str(v, ev->type);
	case F_EVT_DIR:
		return put_strn(v, "<", 1);
	case F_EVT_RES:
		if (raw->ret >= 0)
			return put_strn(v, "SUCCESS", 7);
		s = raw->ret > -4096 ? strerrorname_np((int)-raw->ret) : NULL;
		if (s)
			return put_str(v, s);
		snprintf(x->tmp, sizeof(x->tmp), "%" PRId64, (int64_t)raw->ret);
		return put_str(v, x->tmp);
	case F_EVT_RAWRES:
		return put_num(v, raw->ret);
	case F_EVT_FAILED:
		return put_bool(v, raw->ret < 0);
	case F_EVT_TIME:
	case F_EVT_TIME_ISO:
	case F_EVT_DATETIME:
		ward_time_fmt(ev->wall_ns, x->tmp, sizeof(x->tmp));
		return put_str(v, x->tmp);
	case F_EVT_TIME_S:
		snprintf(x->tmp, sizeof(x->tmp), "%" PRIu64, (uint64_t)(ev->wall_ns / 1000000000u));
		return put_str(v, x->tmp);
	case F_EVT_RAWTIME:
		return put_num(v, (int64_t)ev->wall_ns);
	case F_EVT_ARG:
	case F_EVT_RAWARG:
		return ward_evtarg_get(x, r->key, r->key ? -1 : r->idx, r->f->id == F_EVT_RAWARG, v);
	case F_EVT_ARGS:
	case F_EVT_INFO:
		len = ward_evtarg_all(x, x->args, sizeof(x->args));
		return put_strn(v, x->args, len);
	case F_EVT_IS_OPEN_READ:
		if (raw->kind != WARD_EV_OPEN)
			return put_bool(v, false);
		if (!open_flags(ev, &fl))
			return 0;
		return put_bool(v, (fl & O_ACCMODE) == O_RDONLY || (fl & O_ACCMODE) == O_RDWR);
	case F_EVT_IS_OPEN_WRITE:
		if (raw->kind != WARD_EV_OPEN)
			return put_bool(v, false);
		if (!open_flags(ev, &fl))
			return 0;
		return put_bool(v, (fl & O_ACCMODE) == O_WRONLY || (fl & O_ACCMODE) == O_RDWR);
	case F_EVT_IS_OPEN_CREATE:
		if (raw->kind != WARD_EV_OPEN)
			return put_bool(v, false);
		if (!open_flags(ev, &fl))
			return 0;
		return put_bool(v, fl & O_CREAT);
	case F_EVT_IS_OPEN_EXEC:
		return raw->kind == WARD_EV_OPEN ? 0 : put_bool(v, false);
	case F_EVT_CATEGORY:
		return put_str(v, ev->category);
	case F_EVT_HOSTNAME:
		return put_str(v, x->rs->hostname);
	case F_EVT_SOURCE:
		return put_strn(v, "syscall", 7);
	case F_EVT_ABSPATH:
	case F_FS_PATH_NAME:
		return put_str(v, ev->path);
	case F_FS_PATH_NAMERAW:
		return put_str(v, ev->path_raw);
	case F_FS_PATH_SOURCE:
		if (raw->kind == WARD_EV_RENAME || raw->kind == WARD_EV_LINK)
			return put_str(v, ev->path);
		if (raw->kind == WARD_EV_SYMLINK)
			return put_str(v, ev->path);
		return 0;
	case F_FS_PATH_TARGET:
		if (raw->kind == WARD_EV_RENAME || raw->kind == WARD_EV_LINK || raw->kind == WARD_EV_SYMLINK)
			return put_str(v, ev->path2);
		return 0;

	case F_PROC_NAME:
		return proc_str(v, p, 0);
	case F_PROC_EXE:
		return proc_str(v, p, 1);
	case F_PROC_EXEPATH:
		return proc_str(v, p, 2);
	case F_PROC_PNAME:
		return proc_str(v, ancestor(x, 1), 0);
	case F_PROC_PEXE:
		return proc_str(v, ancestor(x, 1), 1);
	case F_PROC_PEXEPATH:
		return proc_str(v, ancestor(x, 1), 2);
	case F_PROC_ANAME:
	case F_PROC_AEXE:
	case F_PROC_AEXEPATH:
	case F_PROC_APID:
	case F_PROC_ACMDLINE: {
		/* with an index: that ancestor (0 = self); without: each ancestor from the parent */
		struct ward_proc *a = ancestor(x, r->idx >= 0 ? (unsigned)r->idx : i + 1);

		if (!a)
			return 0;
		if (r->f->id == F_PROC_APID)
			return put_num(v, a->pid);
		if (r->f->id == F_PROC_ACMDLINE) {
			int n = cmdline_of(a, x->tmp, sizeof(x->tmp));

			return n < 0 ? 0 : put_strn(v, x->tmp, (size_t)n);
		}
		return proc_str(v, a, r->f->id == F_PROC_ANAME ? 0 : r->f->id == F_PROC_AEXE ? 1 : 2);
	}
	case F_PROC_CMDLINE:
		if (x->cmdline_len < 0)
			x->cmdline_len = cmdline_of(p, x->cmdline, sizeof(x->cmdline));
		return x->cmdline_len < 0 ? 0 : put_strn(v, x->cmdline, (size_t)x->cmdline_len);
	case F_PROC_PCMDLINE:
		if (x->pcmdline_len < 0)
			x->pcmdline_len = cmdline_of(ancestor(x, 1), x->pcmdline, sizeof(x->pcmdline));
		return x->pcmdline_len < 0 ? 0 : put_strn(v, x->pcmdline, (size_t)x->pcmdline_len);
	case F_PROC_EXELINE:
		if (!p || !p->exe)
			return 0;
		snprintf(x->tmp, sizeof(x->tmp), "%s%s%s", p->exe, p->args && p->args[0] ? " " : "",
			 p->args ? p->args : "");
		return put_str(v, x->tmp);
	case F_PROC_ARGS:
		if (!p)
			return 0;
		return p->args ? put_strn(v, p->args, strlen(p->args)) : put_strn(v, "", 0);
	case F_PROC_CMDNARGS: {
		int64_t n = 0;

		if (!p)
			return 0;
		for (const char *a = p->args; a && *a; a++)
			if ((a == p->args || a[-1] == ' ') && *a != ' ')
				n++;
		return put_num(v, n);
	}
	case F_PROC_CMDLENARGS:
		return p ? put_num(v, p->args ? (int64_t)strlen(p->args) : 0) : 0;
	case F_PROC_PID:
		return p ? put_num(v, p->pid) : put_num(v, raw->pid);
	case F_PROC_PPID:
		return p ? put_num(v, p->ppid) : put_num(v, raw->ppid);
	case F_PROC_VPID:
		return p ? put_num(v, p->vpid) : put_num(v, raw->vpid);
	case F_PROC_PVPID:
		return ancestor(x, 1) ? put_num(v, ancestor(x, 1)->vpid) : 0;
	case F_PROC_TTY:
		return put_num(v, p ? p->tty : raw->tty);
	case F_PROC_CWD: {
		const char *cwd = p && p->cwd && p->cwd[0] ? p->cwd : ev->cwd;
		size_t n;

		if (!cwd || !cwd[0])
			return 0;
		/* Falco's proc.cwd ends with a slash ("/dev/shm/") */
		n = strlen(cwd);
		if (cwd[n - 1] == '/')
			return put_strn(v, cwd, n);
		if (n + 2 > sizeof(x->tmp))
			return 0;
		memcpy(x->tmp, cwd, n);
		x->tmp[n] = '/';
		x->tmp[n + 1] = '\0';
		return put_strn(v, x->tmp, n + 1);
	}
	case F_PROC_DURATION:
		if (!p || !p->start || raw->ts < p->start)
			return 0;
		return put_num(v, (int64_t)(raw->ts - p->start));
	case F_PROC_PPID_DURATION: {
		struct ward_proc *a = ancestor(x, 1);

		if (!a || !a->start || raw->ts < a->start)
			return 0;
		return put_num(v, (int64_t)(raw->ts - a->start));
	}
	case F_PROC_PID_TS:
		return p && p->start ? put_num(v, (int64_t)p->start) : 0;
	case F_PROC_PPID_TS:
		return ancestor(x, 1) && ancestor(x, 1)->start ? put_num(v, (int64_t)ancestor(x, 1)->start) : 0;
	case F_PROC_SID:
		return put_num(v, p ? p->sid : raw->sid);
	case F_PROC_SNAME:
		return proc_str(v, session_leader(x), 0);
	case F_PROC_SID_EXE:
		return proc_str(v, session_leader(x), 1);
	case F_PROC_SID_EXEPATH:
		return proc_str(v, session_leader(x), 2);
	case F_PROC_IS_SID_LEADER:
		return p ? put_bool(v, p->sid == p->vpid || p->sid == p->pid) : 0;
	case F_PROC_IS_EXE_UPPER:
		return put_bool(v, ev_flags(ev) & WARD_F_EXE_UPPER);
	case F_PROC_IS_EXE_MEMFD:
		return put_bool(v, ev_flags(ev) & WARD_F_EXE_MEMFD);

	case F_THREAD_TID:
		return put_num(v, raw->tid);
	case F_THREAD_IS_MAIN:
		return put_bool(v, raw->tid == raw->pid);
	case F_THREAD_CAP_EFF:
		len = ward_caps_render(raw->cap_eff, x->tmp, sizeof(x->tmp));
		return put_strn(v, x->tmp, len);
	case F_THREAD_CAP_PRM:
		len = ward_caps_render(raw->cap_prm, x->tmp, sizeof(x->tmp));
		return put_strn(v, x->tmp, len);

	case F_USER_UID:
		return put_num(v, raw->euid);
	case F_USER_NAME:
		return put_str(v, ward_rusers_name(x->rs->users, raw->euid));
	case F_USER_HOMEDIR:
		return put_str(v, ward_rusers_home(x->rs->users, raw->euid));
	case F_USER_SHELL:
		return put_str(v, ward_rusers_shell(x->rs->users, raw->euid));
	case F_USER_LOGINUID:
		/* unset is (uid_t)-1, shown by Falco as -1 */
		return put_num(v, (int32_t)raw->loginuid);
	case F_USER_LOGINNAME:
		return raw->loginuid == UINT32_MAX ? 0 : put_str(v, ward_rusers_name(x->rs->users, raw->loginuid));
	case F_GROUP_GID:
		return put_num(v, raw->egid);
	case F_GROUP_NAME:
		return put_str(v, ward_rusers_group(x->rs->users, raw->egid));

	case F_FD_NUM:
		return put_num(v, ev->fd);
	case F_FD_TYPE:
		return put_str(v, fd_type_name(fd_type_of(ev), raw));
	case F_FD_TYPECHAR:
		return put_str(v, fd_typechar(fd_type_of(ev), raw));
	case F_FD_NAME:
		s = fd_name(x, &len);
		return s ? put_strn(v, s, len) : 0;
	case F_FD_NAMERAW:
		if (ev->path_raw && ev->path_raw[0])
			return put_str(v, ev->path_raw);
		s = fd_name(x, &len);
		return s ? put_strn(v, s, len) : 0;
	case F_FD_DIRECTORY:
	case F_FD_FILENAME: {
		const char *slash;

		t = fd_type_of(ev);
		if (t != WARD_FD_FILE && t != WARD_FD_DIR && t != WARD_FD_MEMFD)
			return 0;
		s = fd_name(x, &len);
		if (!s || s[0] != '/')
			return 0;
		if (t == WARD_FD_DIR && r->f->id == F_FD_DIRECTORY)
			return put_strn(v, s, len);
		slash = strrchr(s, '/');
		if (r->f->id == F_FD_FILENAME)
			return put_str(v, slash + 1);
		if (slash == s)
			return put_strn(v, "/", 1);
		len = (size_t)(slash - s);
		if (s != x->tmp) {
			if (len >= sizeof(x->tmp))
				return 0;
			memcpy(x->tmp, s, len);
		}
		x->tmp[len] = '\0';
		return put_strn(v, x->tmp, len);
	}
	case F_FD_IP:
		return put_ip(x, v, i == 0 ? &raw->local : (raw->remote.family ? &raw->remote : NULL));
	case F_FD_CIP:
		return put_ip(x, v, sock_end(ev, false));
	case F_FD_SIP:
	case F_FD_DIP:
		return put_ip(x, v, sock_end(ev, true));
	case F_FD_LIP:
		return put_ip(x, v, &raw->local);
	case F_FD_RIP:
		return put_ip(x, v, raw->remote.family ? &raw->remote : NULL);
	case F_FD_PORT:
		return put_port(x, v, i == 0 ? &raw->local : (raw->remote.family ? &raw->remote : NULL));
	case F_FD_CPORT:
		return put_port(x, v, sock_end(ev, false));
	case F_FD_SPORT:
	case F_FD_DPORT:
		return put_port(x, v, sock_end(ev, true));
	case F_FD_LPORT:
		return put_port(x, v, &raw->local);
	case F_FD_RPORT:
		return put_port(x, v, raw->remote.family ? &raw->remote : NULL);
	case F_FD_NET:
		return put_net(x, v, i == 0 ? &raw->local : (raw->remote.family ? &raw->remote : NULL));
	case F_FD_CNET:
		return put_net(x, v, sock_end(ev, false));
	case F_FD_SNET:
		return put_net(x, v, sock_end(ev, true));
	case F_FD_LNET:
		return put_net(x, v, &raw->local);
	case F_FD_RNET:
		return put_net(x, v, raw->remote.family ? &raw->remote : NULL);
	case F_FD_L4PROTO:
		if (!is_ip_fd(fd_type_of(ev)))
			return 0;
		switch (raw->sock_type & 0xf) {
		case SOCK_STREAM: return put_strn(v, "tcp", 3);
		case SOCK_DGRAM: return put_strn(v, "udp", 3);
		case SOCK_RAW: return raw->sock_proto == 1 || raw->sock_proto == 58 ? put_strn(v, "icmp", 4)
										 : put_strn(v, "raw", 3);
		default: return 0;
		}
	case F_FD_SOCKFAMILY:
		t = fd_type_of(ev);
		return is_ip_fd(t) ? put_strn(v, "ip", 2) : t == WARD_FD_UNIX ? put_strn(v, "unix", 4) : 0;
	case F_FD_IS_SERVER:
		if (!is_ip_fd(fd_type_of(ev)) && fd_type_of(ev) != WARD_FD_UNIX)
			return 0;
		return put_bool(v, raw->kind == WARD_EV_ACCEPT || raw->kind == WARD_EV_BIND ||
				      raw->kind == WARD_EV_LISTEN);
	case F_FD_CONNECTED:
		t = fd_type_of(ev);
		if (!is_ip_fd(t) && t != WARD_FD_UNIX)
			return 0;
		if (raw->kind == WARD_EV_CONNECT)
			return put_bool(v, raw->ret == 0 || raw->ret == -115 /* EINPROGRESS */);
		return put_bool(v, raw->remote.family != 0);
	case F_CT_ID:
		c = container_of(ev);
		if (!c)
			return put_strn(v, "host", 4);
		/* Falco prints the 12-character short id */
		len = strnlen(c->id, 12);
		memcpy(x->tmp, c->id, len);
		x->tmp[len] = '\0';
		return len ? put_strn(v, x->tmp, len) : 0;
	case F_CT_FULL_ID:
		c = container_of(ev);
		return c ? put_str(v, c->id) : put_strn(v, "host", 4);
	case F_CT_NAME:
		c = container_of(ev);
		if (!c)
			return put_strn(v, "host", 4);
		return ward_container_has_meta(c) ? put_str(v, c->name) : 0;
	case F_CT_TYPE:
		c = container_of(ev);
		return put_str(v, c ? ward_runtime_name(c->runtime) : "host");
	case F_CT_IMAGE:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? put_str(v, c->image) : 0;
	case F_CT_IMAGE_ID:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? put_str(v, c->image_id) : 0;
	case F_CT_IMAGE_REPO:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? put_str(v, c->image_repo) : 0;
	case F_CT_IMAGE_TAG:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? put_str(v, c->image_tag) : 0;
	case F_CT_PRIVILEGED:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? put_bool(v, c->privileged) : 0;
	case F_CT_LABELS:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? put_str(v, c->labels_json) : 0;
	case F_CT_LABEL:
	case F_K8S_POD_LABEL:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? json_label(c->labels_json, r->key, r->key_len, x->tmp, sizeof(x->tmp), v) : 0;
	case F_K8S_NS_NAME:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? put_str(v, c->pod_ns) : 0;
	case F_K8S_POD_NAME:
		c = container_of(ev);
		return c && ward_container_has_meta(c) ? put_str(v, c->pod_name) : 0;
	case F_K8S_POD_ID:
	case F_K8S_POD_UID:
		c = container_of(ev);
		return c ? put_str(v, c->pod_uid) : 0;
	case F_K8S_POD_LABELS:
		c = container_of(ev);
		return c && ward_container_has_meta(c) && c->pod_uid[0] ? put_str(v, c->labels_json) : 0;
	default:
		/* in the table for compatibility; ward has no data for it yet */
		return 0;
	}
}
