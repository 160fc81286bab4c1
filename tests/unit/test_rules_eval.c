// SPDX-License-Identifier: Apache-2.0
/* Every operator and every field group, evaluated against hand-built events with a real
 * process table (ancestors) and container entry, table-driven: condition -> expected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <cmocka.h>

#include "events/container.h"
#include "events/event.h"
#include "events/proc.h"
#include "rules/rules_int.h"

#define SEC 1000000000ull

struct fx {
	char dir[64], passwd[128], group[128];
	struct ward_proc_table *pt;
	struct ward_ruleset *rs;
	struct ward_ev_raw raw;
	struct ward_event ev;
	struct ward_container ct;
	struct ward_proc *self;
};

static struct fx F;
static struct ward_rx X;

static struct ward_proc *mkproc(uint32_t pid, uint64_t start, uint32_t ppid, uint64_t pstart,
				const char *comm, const char *exe, const char *exepath, const char *args,
				const char *cwd)
{
	bool created;
	struct ward_proc *p = ward_proc_upsert(F.pt, pid, start, &created);

	p->ppid = ppid;
	p->pstart = pstart;
	p->vpid = pid;
	p->sid = 200;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	ward_proc_set_str(&p->exe, exe, strlen(exe));
	ward_proc_set_str(&p->exepath, exepath, strlen(exepath));
	ward_proc_set_str(&p->args, args, strlen(args));
	ward_proc_set_str(&p->cwd, cwd, strlen(cwd));
	return p;
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static const char rules_doc[] =
	"- list: shells\n  items: [bash, sh, zsh]\n"
	"- list: more_shells\n  items: [shells, fish]\n"
	"- list: ports\n  items: [22, 443]\n"
	"- list: nets\n  items: ['\"10.0.0.0/8\"', '\"192.168.0.0/16\"']\n"
	"- macro: opened\n  condition: evt.type in (open, openat, openat2)\n"
	"- macro: sens\n  condition: (opened and fd.name in (/etc/shadow, /etc/sudoers))\n";

static int setup(void **state)
{
	struct ward_rules_opts o = { .min_priority = WARD_PRIO_DEBUG };
	struct ward_rules_report rep;

	snprintf(F.dir, sizeof(F.dir), "/tmp/ward-rules-eval.XXXXXX");
	assert_non_null(mkdtemp(F.dir));
	snprintf(F.passwd, sizeof(F.passwd), "%s/passwd", F.dir);
	snprintf(F.group, sizeof(F.group), "%s/group", F.dir);
	write_file(F.passwd, "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/zsh\n"
			     "# comment\nbroken line\n");
	write_file(F.group, "root:x:0:\nstaff:x:50:alice\n");
	o.passwd_path = F.passwd;
	o.group_path = F.group;
	assert_int_equal(ward_rules_load_mem("t.yaml", rules_doc, sizeof(rules_doc) - 1, &o, &rep, &F.rs), 0);
	assert_int_equal(rep.errors, 0);
	ward_rules_report_free(&rep);
	assert_int_equal(ward_proc_table_new(64, &F.pt), 0);
	/* systemd(1) -> sshd(100) -> bash(200) -> cat(300) */
	mkproc(1, 1 * SEC, 0, 0, "systemd", "/sbin/init", "/usr/lib/systemd/systemd", "", "/");
	mkproc(100, 2 * SEC, 1, 1 * SEC, "sshd", "/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "/");
	mkproc(200, 3 * SEC, 100, 2 * SEC, "bash", "-bash", "/usr/bin/bash", "", "/root");
	F.self = mkproc(300, 10 * SEC, 200, 3 * SEC, "cat", "cat", "/usr/bin/cat", "/etc/shadow -n",
			"/root");
	F.self->tty = 34816;
	return 0;
}

static int teardown(void **state)
{
	ward_rules_free(F.rs);
	ward_proc_table_free(F.pt);
	unlink(F.passwd);
	unlink(F.group);
	rmdir(F.dir);
	return 0;
}

/* openat("/etc/shadow", O_RDONLY|O_CLOEXEC) = 3 by cat, on the host */
static void ev_open(void)
{
	memset(&F.raw, 0, sizeof(F.raw));
	memset(&F.ev, 0, sizeof(F.ev));
	F.raw.kind = WARD_EV_OPEN;
	F.raw.nr = 257;
	F.raw.pid = F.raw.tid = 300;
	F.raw.ppid = 200;
	F.raw.ts = 12 * SEC;
	F.raw.ret = 3;
	F.raw.args[0] = (uint64_t)-100;
	F.raw.args[2] = O_RDONLY | O_CLOEXEC;
	F.raw.euid = 0;
	F.raw.egid = 50;
	F.raw.loginuid = 1000;
	F.raw.cap_eff = (1ull << 21) | (1ull << 0);
	F.raw.fd_type = WARD_FD_FILE;
	F.ev.raw = &F.raw;
	F.ev.wall_ns = 1700000000ull * SEC;
	F.ev.type = "openat";
	F.ev.category = "file";
	F.ev.path = "/etc/shadow";
	F.ev.path_raw = "../../etc/shadow";
	F.ev.path2 = F.ev.aux = F.ev.filename = F.ev.argv = F.ev.cwd = F.ev.cgroup = "";
	F.ev.fd = 3;
	F.ev.proc = F.self;
	F.ev.container = NULL;
}

/* connect(3, 93.184.216.34:443) from 10.1.2.3:40000 over TCP = -EINPROGRESS */
static void ev_connect(void)
{
	ev_open();
	F.raw.kind = WARD_EV_CONNECT;
	F.raw.nr = 42;
	F.raw.ret = -115;
	F.raw.args[0] = 3;
	F.raw.fd_type = WARD_FD_IPV4;
	F.raw.sock_family = AF_INET;
	F.raw.sock_type = SOCK_STREAM;
	F.raw.local.family = AF_INET;
	F.raw.local.port = 40000;
	inet_pton(AF_INET, "10.1.2.3", F.raw.local.addr);
	F.raw.remote.family = AF_INET;
	F.raw.remote.port = 443;
	inet_pton(AF_INET, "93.184.216.34", F.raw.remote.addr);
	F.ev.type = "connect";
	F.ev.category = "network";
	F.ev.path = F.ev.path_raw = "";
}

/* execve of bash in a privileged docker container with labels */
static void ev_exec_container(void)
{
	ev_open();
	memset(&F.ct, 0, sizeof(F.ct));
	F.ct.runtime = WARD_RT_DOCKER;
	snprintf(F.ct.id, sizeof(F.ct.id), "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	snprintf(F.ct.name, sizeof(F.ct.name), "web");
	snprintf(F.ct.image, sizeof(F.ct.image), "docker.io/library/nginx:1.25");
	snprintf(F.ct.image_repo, sizeof(F.ct.image_repo), "docker.io/library/nginx");
	snprintf(F.ct.image_tag, sizeof(F.ct.image_tag), "1.25");
	snprintf(F.ct.pod_name, sizeof(F.ct.pod_name), "web-1");
	snprintf(F.ct.pod_ns, sizeof(F.ct.pod_ns), "prod");
	snprintf(F.ct.pod_uid, sizeof(F.ct.pod_uid), "11111111-2222-3333-4444-555555555555");
	F.ct.labels_json = "{\"app\":\"web\",\"team\":\"a\\\"b\"}";
	F.ct.privileged = true;
	F.ct.has_meta = true;
	F.raw.kind = WARD_EV_EXEC;
	F.raw.nr = 59;
	F.raw.ret = 0;
	F.raw.flags = WARD_F_EXE_UPPER;
	F.raw.fd_type = WARD_FD_NONE;
	F.ev.type = "execve";
	F.ev.category = "process";
	F.ev.path = "/usr/bin/cat";
	F.ev.fd = -1;
	F.ev.container = &F.ct;
}

static void ev_ptrace(void)
{
	ev_open();
	F.raw.kind = WARD_EV_PTRACE;
	F.raw.nr = 101;
	F.raw.ret = 0;
	F.raw.args[0] = 16; /* PTRACE_ATTACH */
	F.raw.args[1] = 4242;
	F.raw.fd_type = WARD_FD_NONE;
	F.ev.type = "ptrace";
	F.ev.path = F.ev.path_raw = "";
	F.ev.fd = -1;
}

static void ev_socket_packet(void)
{
	ev_open();
	F.raw.kind = WARD_EV_SOCKET;
	F.raw.nr = 41;
	F.raw.args[0] = AF_PACKET;
	F.raw.args[1] = SOCK_RAW | SOCK_CLOEXEC;
	F.raw.args[2] = 768;
	F.raw.fd_type = WARD_FD_SOCK_OTHER;
	F.raw.sock_family = AF_PACKET;
	F.ev.type = "socket";
	F.ev.path = F.ev.path_raw = "";
}

static void ev_failed_open(void)
{
	ev_open();
	F.raw.ret = -2;
	F.raw.fd_type = WARD_FD_NONE;
	F.raw.args[2] = O_WRONLY | O_CREAT | O_TRUNC;
	F.ev.fd = -1;
	F.ev.path = "/var/log/auth.log";
}

static void ev_exit(void)
{
	ev_open();
	F.raw.kind = WARD_EV_EXIT;
	F.raw.nr = -1;
	F.ev.type = "procexit";
}

struct row {
	void (*ev)(void);
	const char *cond;
	bool want;
};

static const struct row rows[] = {
	/* operators on strings */
	{ ev_open, "fd.name = /etc/shadow", true },
	{ ev_open, "fd.name == '/etc/shadow'", true },
	{ ev_open, "fd.name != /etc/shadow", false },
	{ ev_open, "fd.name contains shad", true },
	{ ev_open, "fd.name contains SHAD", false },
	{ ev_open, "fd.name icontains SHAD", true },
	{ ev_open, "fd.name startswith /etc/", true },
	{ ev_open, "fd.name endswith dow", true },
	{ ev_open, "fd.name endswith /etc/shadowx", false },
	/* substring search: a first-byte hit that fails, the end of the haystack, one byte */
	{ ev_open, "fd.name contains /etc/sh", true },
	{ ev_open, "fd.name contains adow", true },
	{ ev_open, "fd.name contains dowx", false },
	{ ev_open, "fd.name contains w", true },
	{ ev_open, "fd.name contains /etc/shadow/", false },
	{ ev_open, "fd.name icontains ETC/SHADOW", true },
	{ ev_open, "fd.name icontains hadoww", false },
	{ ev_open, "fd.name icontains ''", true },
	{ ev_open, "fd.name startswith /f", false },
	{ ev_open, "fd.name endswith xdow", false },
	/* sorted sets: probes that differ in the first byte and ones that differ later */
	{ ev_open, "fd.name in (/a, /etc/passwd, /etc/shadow, /z)", true },
	{ ev_open, "fd.name in (/a, /etc/passwd, /etc/shadow-, /z)", false },
	{ ev_open, "fd.name glob '/etc/sh*'", true },
	{ ev_open, "fd.name glob '/*/sh?dow'", true },
	{ ev_open, "fd.name glob '/tmp/*'", false },
	{ ev_open, "fd.name pmatch (/etc)", true },
	{ ev_open, "fd.name pmatch (/et)", false },
	{ ev_open, "fd.name pmatch (/usr, /etc/)", true },
	{ ev_open, "fd.name pmatch (/)", true },
	{ ev_open, "fd.name regex '^/etc/s[a-z]+$'", true },
	{ ev_open, "fd.name regex 'passwd'", false },
	{ ev_open, "fd.name in (/etc/passwd, /etc/shadow)", true },
	{ ev_open, "fd.name intersects (/etc/shadow)", true },
	{ ev_open, "fd.name in ()", false },
	{ ev_open, "fd.name exists", true },
	{ ev_open, "fd.sip exists", false },
	{ ev_open, "fd.name < /etc/z", true },
	{ ev_open, "fd.name > /etc/z", false },
	/* numbers */
	{ ev_open, "fd.num = 3", true },
	{ ev_open, "fd.num >= 0", true },
	{ ev_open, "fd.num > 3", false },
	{ ev_open, "fd.num <= 3 and fd.num < 4", true },
	{ ev_open, "fd.num in (1, 2, 3)", true },
	{ ev_open, "fd.num in (0x3)", true },
	{ ev_open, "evt.rawres in (0, 1, 2)", false },
	{ ev_open, "fd.num contains 3", true },
	/* logic */
	{ ev_open, "not fd.name = /x", true },
	{ ev_open, "fd.name = /x or fd.num = 3", true },
	{ ev_open, "fd.name = /x and fd.num = 3", false },
	{ ev_open, "not (fd.name = /x or fd.num = 4)", true },
	/* absent values: any comparison is false, its negation true */
	{ ev_open, "container.image = nginx", false },
	{ ev_open, "container.image != nginx", false },
	{ ev_open, "not container.image = nginx", true },
	{ ev_open, "evt.num = 0", false },
	/* lists and macros */
	{ ev_open, "proc.pname in (shells)", true },
	{ ev_open, "proc.pname in (more_shells)", true },
	{ ev_open, "proc.name in (more_shells)", false },
	{ ev_open, "sens", true },
	{ ev_open, "opened and not sens", false },
	/* evt.* */
	{ ev_open, "evt.type = openat", true },
	{ ev_open, "evt.type in (open, openat)", true },
	{ ev_open, "evt.type != openat", false },
	{ ev_open, "evt.type startswith open", true },
	{ ev_open, "syscall.type = openat", true },
	{ ev_open, "evt.dir = <", true },
	{ ev_open, "evt.dir = >", false },
	{ ev_open, "evt.res = SUCCESS", true },
	{ ev_open, "evt.rawres = 3", true },
	{ ev_open, "evt.failed = false", true },
	{ ev_open, "evt.is_open_read = true and evt.is_open_write = false", true },
	{ ev_open, "evt.arg.flags = O_RDONLY|O_CLOEXEC", true },
	{ ev_open, "evt.arg.flags contains O_CLOEXEC", true },
	{ ev_open, "evt.arg.name = /etc/shadow", true },
	{ ev_open, "evt.arg.dirfd = AT_FDCWD", true },
	{ ev_open, "evt.arg[0] = 3", true },
	{ ev_open, "evt.arg.fd = 3", true },
	{ ev_open, "evt.rawarg.flags = 524288", true },
	{ ev_open, "evt.args contains 'name=/etc/shadow'", true },
	{ ev_open, "evt.category = file", true },
	{ ev_open, "evt.time startswith 2023-11-14T", true },
	{ ev_failed_open, "evt.res = ENOENT and evt.rawres = -2 and evt.failed = true", true },
	{ ev_failed_open, "fd.typechar = f and fd.num = -1 and evt.res startswith E", true },
	{ ev_failed_open, "evt.is_open_write = true and evt.arg.flags contains O_TRUNC", true },
	{ ev_failed_open, "fd.directory = /var/log and fd.filename = auth.log", true },
	{ ev_exit, "evt.type = procexit", true },
	/* proc.* */
	{ ev_open, "proc.name = cat and proc.exe = cat and proc.exepath = /usr/bin/cat", true },
	{ ev_open, "proc.args = '/etc/shadow -n'", true },
	{ ev_open, "proc.cmdline = 'cat /etc/shadow -n'", true },
	{ ev_open, "proc.pid = 300 and proc.ppid = 200 and proc.vpid = 300", true },
	{ ev_open, "proc.pname = bash and proc.pexe = -bash and proc.pexepath = /usr/bin/bash", true },
	{ ev_open, "proc.pcmdline = bash", true },
	{ ev_open, "proc.aname[0] = cat and proc.aname[1] = bash and proc.aname[2] = sshd", true },
	{ ev_open, "proc.aname[3] = systemd", true },
	{ ev_open, "proc.aname[4] exists", false },
	{ ev_open, "proc.aname = sshd", true },
	{ ev_open, "proc.aname = cat", false },
	{ ev_open, "proc.aname in (systemd, nope)", true },
	{ ev_open, "proc.apid[2] = 100 and proc.apid = 1", true },
	{ ev_open, "proc.aexepath[2] = /usr/sbin/sshd", true },
	{ ev_open, "proc.tty = 34816 and proc.tty != 0", true },
	{ ev_open, "proc.cwd = /root/", true },
	{ ev_open, "proc.duration = 2000000000", true },
	{ ev_open, "proc.duration <= 5000000000", true },
	{ ev_open, "proc.ppid.duration = 9000000000", true },
	{ ev_open, "proc.sid = 200 and proc.sname = bash and proc.is_sid_leader = false", true },
	{ ev_open, "proc.is_exe_upper_layer = false and proc.is_exe_from_memfd = false", true },
	{ ev_open, "proc.env exists", false },
	{ ev_exec_container, "proc.is_exe_upper_layer = true", true },
	{ ev_exec_container, "evt.arg.flags = EXE_UPPER_LAYER", true },
	/* user.*, group.*, thread.* */
	{ ev_open, "user.uid = 0 and user.name = root", true },
	{ ev_open, "user.homedir = /root and user.shell = /bin/bash", true },
	{ ev_open, "user.loginuid = 1000 and user.loginname = alice", true },
	{ ev_open, "group.gid = 50 and group.name = staff", true },
	{ ev_open, "thread.cap_effective = 'CAP_CHOWN CAP_SYS_ADMIN'", true },
	{ ev_open, "thread.cap_effective contains CAP_SYS_ADMIN", true },
	{ ev_open, "thread.cap_effective icontains sys_module", false },
	{ ev_open, "thread.tid = 300", true },
	/* fd.* on files and sockets */
	{ ev_open, "fd.typechar = f and fd.type = file", true },
	{ ev_open, "fd.nameraw = ../../etc/shadow", true },
	{ ev_open, "fd.directory = /etc and fd.filename = shadow", true },
	{ ev_connect, "fd.typechar = 4 and fd.type = ipv4 and fd.sockfamily = ip", true },
	{ ev_connect, "fd.name = '10.1.2.3:40000->93.184.216.34:443'", true },
	{ ev_connect, "fd.sip = 93.184.216.34 and fd.dip = 93.184.216.34 and fd.cip = 10.1.2.3", true },
	{ ev_connect, "fd.lip = 10.1.2.3 and fd.rip = 93.184.216.34", true },
	{ ev_connect, "fd.sport = 443 and fd.dport = 443 and fd.cport = 40000 and fd.lport = 40000 and fd.rport = 443", true },
	{ ev_connect, "fd.sport in (ports)", true },
	{ ev_connect, "fd.l4proto = tcp and fd.connected = true", true },
	{ ev_connect, "evt.res = EINPROGRESS", true },
	{ ev_connect, "fd.snet = 93.184.0.0/16", true },
	{ ev_connect, "fd.snet in (nets)", false },
	{ ev_connect, "fd.cnet in (nets)", true },
	{ ev_connect, "fd.net = 10.0.0.0/8", true },
	{ ev_connect, "fd.net != 127.0.0.0/8", true },
	{ ev_connect, "fd.ip = 93.184.216.34", true },
	{ ev_connect, "fd.port = 443", true },
	{ ev_connect, "fd.sip.name exists", false },
	{ ev_connect, "evt.arg.addr = '93.184.216.34:443'", true },
	{ ev_connect, "evt.arg.tuple = '10.1.2.3:40000->93.184.216.34:443'", true },
	{ ev_connect, "fd.directory exists", false },
	/* container.*, k8s.* */
	{ ev_open, "container.id = host and container.name = host", true },
	{ ev_open, "container.privileged exists", false },
	{ ev_exec_container, "container.id = 0123456789ab", true },
	{ ev_exec_container, "container.full_id startswith 0123456789abcdef0123", true },
	{ ev_exec_container, "container.name = web and container.type = docker", true },
	{ ev_exec_container, "container.image = docker.io/library/nginx:1.25", true },
	{ ev_exec_container, "container.image.repository = docker.io/library/nginx and container.image.tag = 1.25", true },
	{ ev_exec_container, "container.privileged = true", true },
	{ ev_exec_container, "container.label[app] = web and container.label.team = 'a\"b'", true },
	{ ev_exec_container, "k8s.ns.name = prod and k8s.pod.name = web-1", true },
	{ ev_exec_container, "k8s.pod.label[app] = web and k8s.pod.label[none] exists", false },
	{ ev_exec_container, "k8s.pod.label[app] = web", true },
	{ ev_exec_container, "k8s.pod.labels contains app", true },
	{ ev_exec_container, "k8s.pod.uid = 11111111-2222-3333-4444-555555555555", true },
	/* evt.arg renderings */
	{ ev_ptrace, "evt.arg.request = PTRACE_ATTACH and evt.arg.pid = 4242", true },
	{ ev_ptrace, "evt.arg.request contains PTRACE_POKETEXT", false },
	{ ev_socket_packet, "evt.arg.domain = AF_PACKET and evt.arg.type = SOCK_RAW|SOCK_CLOEXEC", true },
	{ ev_socket_packet, "evt.arg.proto = 768 and fd.type = socket and fd.typechar = o", true },
};

static void test_table(void **state)
{
	int failures = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ward_rnode *n = NULL;
		struct ward_diag d = { 0 };
		bool got;

		rows[i].ev();
		if (ward_rcompile_text(F.rs, rows[i].cond, &n, &d) != 0) {
			print_error("row %zu '%s' does not compile: %s\n", i, rows[i].cond, d.msg);
			failures++;
			continue;
		}
		ward_rx_init(&X, F.rs, &F.ev, F.pt);
		got = ward_rnode_eval(n, &X);
		if (got != rows[i].want) {
			print_error("row %zu '%s': got %d, want %d\n", i, rows[i].cond, got, rows[i].want);
			failures++;
		}
		ward_rnode_free(n);
	}
	assert_int_equal(failures, 0);
}

/* Value of field name for the current event as a string ("" when absent). */
static const char *value_of(const char *name, size_t *len)
{
	struct ward_rfref r;
	struct ward_rval v;
	static char num[32];
	char err[128];
	const char *s = "";

	*len = 0;
	assert_int_equal(ward_rfield_resolve(name, &r, err, sizeof(err)), 0);
	ward_rx_init(&X, F.rs, &F.ev, F.pt);
	if (ward_rfield_extract(&X, &r, 0, &v))
		s = ward_rval_str(&v, num, sizeof(num), len);
	ward_rfref_free(&r);
	return s;
}

/* The renderings built without snprintf (fd.name of IP sockets, proc.cmdline, flag sets)
 * give what snprintf gives, including where a command line is cut. */
static void test_renderings(void **state)
{
	static const char *const v4[] = { "0.0.0.0", "1.2.3.4", "9.99.100.255", "255.255.255.255",
					  "10.0.0.10" };
	static const char *const v6[] = { "::", "::1", "2001:db8::ff00:42:8329", "fe80::1",
					  "::ffff:1.2.3.4" };
	static const uint16_t ports[] = { 0, 9, 10, 443, 10000, 65535 };
	char want[256], got[256], *args, *saved;
	const char *s;
	size_t len;

	for (int fam = 0; fam < 2; fam++) {
		for (size_t a = 0; a < 5; a++) {
			for (size_t b = 0; b < 5; b++) {
				for (size_t p = 0; p < 6; p++) {
					const char *ca = fam ? v6[a] : v4[a], *sa = fam ? v6[b] : v4[b];
					int af = fam ? AF_INET6 : AF_INET;
					bool one_end = p == 5 && b == 4;

					ev_connect();
					F.raw.fd_type = fam ? WARD_FD_IPV6 : WARD_FD_IPV4;
					F.raw.local.family = F.raw.remote.family = (uint16_t)af;
					assert_int_equal(inet_pton(af, ca, F.raw.local.addr), 1);
					assert_int_equal(inet_pton(af, sa, F.raw.remote.addr), 1);
					F.raw.local.port = ports[p];
					F.raw.remote.port = ports[(p + a) % 6];
					if (one_end)
						F.raw.remote.family = 0;
					{
						char x1[64], x2[64];

						inet_ntop(af, F.raw.local.addr, x1, sizeof(x1));
						inet_ntop(af, F.raw.remote.addr, x2, sizeof(x2));
						if (one_end)
							snprintf(want, sizeof(want), "%s:%u", x1, F.raw.local.port);
						else
							snprintf(want, sizeof(want), "%s:%u->%s:%u", x1, F.raw.local.port,
								 x2, F.raw.remote.port);
					}
					s = value_of("fd.name", &len);
					snprintf(got, sizeof(got), "%.*s", (int)len, s);
					assert_string_equal(got, want);
					assert_int_equal(s[len], '\0');
				}
			}
		}
	}
	/* command lines: none, short, and cut at the buffer (the args sizes straddle it) */
	args = malloc(WARD_RX_CMDLINE + 8);
	assert_non_null(args);
	for (size_t n = 0; n < 13; n++) {
		{
			/* "cat " is 4 bytes: lengths around the cut, and none at all */
			size_t an = n < 3 ? n * 2 : WARD_RX_CMDLINE - 10 + n;

			for (size_t i = 0; i < an; i++)
				args[i] = (char)('a' + i % 26);
			args[an] = '\0';
			ev_open();
			/* set directly: the process table caps what it stores below this size */
			saved = F.self->args;
			F.self->args = args;
			s = value_of("proc.cmdline", &len);
			{
				char *ref = malloc(WARD_RX_CMDLINE);
				int rn;

				assert_non_null(ref);
				if (F.self->args && F.self->args[0])
					rn = snprintf(ref, WARD_RX_CMDLINE, "%s %s", F.self->comm, F.self->args);
				else
					rn = snprintf(ref, WARD_RX_CMDLINE, "%s", F.self->comm);
				rn = rn >= WARD_RX_CMDLINE ? WARD_RX_CMDLINE - 1 : rn;
				assert_int_equal(len, (size_t)rn);
				assert_memory_equal(s, ref, len);
				assert_int_equal(s[len], '\0');
				free(ref);
			}
			F.self->args = saved;
		}
	}
	free(args);
	/* flag sets: every combination of a few open flags, and bits without a name */
	{
		static const struct {
			uint64_t v;
			const char *n;
		} fl[] = { { 0100, "O_CREAT" }, { 01000, "O_TRUNC" }, { 02000, "O_APPEND" },
			   { 0200000, "O_DIRECTORY" }, { 02000000, "O_CLOEXEC" } };

		for (unsigned m = 0; m < 64; m++) {
			uint64_t v = 1; /* O_WRONLY */
			size_t o = (size_t)snprintf(want, sizeof(want), "O_WRONLY");

			for (unsigned i = 0; i < 5; i++)
				if (m & (1u << i)) {
					v |= fl[i].v;
					o += (size_t)snprintf(want + o, sizeof(want) - o, "|%s", fl[i].n);
				}
			if (m & 32) {
				v |= 1ull << 40;
				snprintf(want + o, sizeof(want) - o, "|0x%llx", 1ull << 40);
			}
			ev_open();
			F.raw.args[2] = v;
			s = value_of("evt.arg.flags", &len);
			snprintf(got, sizeof(got), "%.*s", (int)len, s);
			assert_string_equal(got, want);
		}
	}
}

static void test_compile_errors(void **state)
{
	static const struct {
		const char *cond, *msg;
		int col;
	} cases[] = {
		{ "proc.nme = x", "unknown field 'proc.nme'", 1 },
		{ "fd.num = abc", "'abc' is not a number", 1 },
		{ "fd.num in (1, x)", "'x' is not a number", 1 },
		{ "evt.is_open_read = maybe", "not true or false", 1 },
		{ "fd.name regex '('", "invalid regex", 1 },
		{ "fd.net = nonsense", "not an IP address", 1 },
		{ "fd.net contains 1", "does not apply to network field", 1 },
		{ "proc.name = bash and no_such_macro", "undefined macro 'no_such_macro'", 22 },
		{ "shells", "'shells' is a list, not a macro", 1 },
		{ "proc.aname[x] = a", "numeric index", 1 },
		{ "proc.name[1] = a", "takes no argument", 1 },
		{ "k8s.pod.label = a", "needs an argument", 1 },
		{ "evt.arg.nosucharg = a", "unknown argument 'nosucharg'", 1 },
		{ "proc.aname[99] = a", "beyond", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_rnode *n = NULL;
		struct ward_diag d = { 0 };

		if (ward_rcompile_text(F.rs, cases[i].cond, &n, &d) == 0) {
			ward_rnode_free(n);
			fail_msg("'%s' compiled but should not", cases[i].cond);
		}
		if (!strstr(d.msg, cases[i].msg) || d.line != 1 || d.column != cases[i].col)
			fail_msg("'%s': got %d:%d '%s', want 1:%d '%s'", cases[i].cond, d.line, d.column,
				 d.msg, cases[i].col, cases[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_renderings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
