// SPDX-License-Identifier: Apache-2.0
/*
 * LD_PRELOAD shim that lets Falco's libs (scap-open, sinsp-example) run on this machine for
 * the sensor benchmark, without changing their sources. Four adaptations, all at libpman's
 * calls into libc and the shared libbpf:
 *
 * - setrlimit(RLIMIT_MEMLOCK) reports success. libpman raises the limit to infinity and gives
 *   up when that fails, which it does wherever root lacks CAP_SYS_RESOURCE (containers, this
 *   machine). Kernels from 5.11 charge BPF memory to the memory cgroup and ignore the limit.
 * - bpf_object__load_skeleton() first turns off autoload for the programs named in
 *   WARD_FALCO_NOLOAD (comma-separated). On this kernel the verifier refuses the probe's
 *   signal_deliver program (a siginfo field read through a pointer it types as a scalar),
 *   and one refused program fails the whole skeleton. libpman already copes with programs
 *   left unloaded (it does so for unsupported iterators); the benchmark never asks for the
 *   signal_deliver event.
 * - bpf_program__attach() of a program named in WARD_FALCO_NOATTACH returns a placeholder link
 *   and attaches nothing (bpf_link__destroy() accepts it back). sinsp-example (48dfd53cd)
 *   compiles its filter with the sinsp::set_filter() overload that keeps no AST, so -z finds
 *   no event types in it and asks for every one: libpman then attaches signal_deliver (not
 *   loaded, so the attach throws) and the sched_switch and page-fault tracepoints, which no
 *   Falco rule set enables by default.
 * - bpf_map_update_elem() on the probe's interesting_syscalls_table_64bit keeps only the
 *   native syscall numbers in WARD_FALCO_SYSCALLS (comma-separated) marked interesting: the
 *   kernel-side syscall selection sinsp-example would have made from its filter.
 *
 * falco_libs.sh builds it; run.sh preloads it for the falco configurations.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* stands in for the links of programs kept unattached; never dereferenced by libpman */
static char placeholder_link;
static int interesting_fd = -1;

int setrlimit(__rlimit_resource_t resource, const struct rlimit *rlim)
{
	int (*real_setrlimit)(__rlimit_resource_t, const struct rlimit *);

	if (resource == RLIMIT_MEMLOCK)
		return 0;
	real_setrlimit = (int (*)(__rlimit_resource_t, const struct rlimit *))dlsym(RTLD_NEXT, "setrlimit");
	if (!real_setrlimit) {
		errno = ENOSYS;
		return -1;
	}
	return real_setrlimit(resource, rlim);
}

/* in_list: whether NAME is an entry of the comma-separated LIST */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (list && *list) {
		size_t len = strcspn(list, ",");

		if (len == n && strncmp(list, name, n) == 0)
			return 1;
		list += len;
		if (*list == ',')
			list++;
	}
	return 0;
}

static void skip_programs(struct bpf_object *obj)
{
	const char *list = getenv("WARD_FALCO_NOLOAD");
	char name[128];

	while (list && *list) {
		size_t len = strcspn(list, ",");

		if (len > 0 && len < sizeof(name)) {
			struct bpf_program *prog;

			memcpy(name, list, len);
			name[len] = '\0';
			prog = bpf_object__find_program_by_name(obj, name);
			if (prog && bpf_program__set_autoload(prog, false) == 0)
				fprintf(stderr, "falco_shim: not loading BPF program %s\n", name);
		}
		list += len;
		if (*list == ',')
			list++;
	}
}

int bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	int (*real_load)(struct bpf_object_skeleton *);
	int ret;

	real_load = (int (*)(struct bpf_object_skeleton *))dlsym(RTLD_NEXT, "bpf_object__load_skeleton");
	if (!real_load)
		return -ENOSYS;
	if (s && s->obj && *s->obj)
		skip_programs(*s->obj);
	ret = real_load(s);
	if (ret == 0 && s && s->obj && *s->obj) {
		struct bpf_map *map = bpf_object__find_map_by_name(*s->obj, "interesting_syscalls_table_64bit");

		interesting_fd = map ? bpf_map__fd(map) : -1;
	}
	return ret;
}

struct bpf_link *bpf_program__attach(const struct bpf_program *prog)
{
	struct bpf_link *(*real_attach)(const struct bpf_program *);

	if (prog && in_list(getenv("WARD_FALCO_NOATTACH"), bpf_program__name(prog))) {
		fprintf(stderr, "falco_shim: not attaching BPF program %s\n", bpf_program__name(prog));
		return (struct bpf_link *)&placeholder_link;
	}
	real_attach = (struct bpf_link * (*)(const struct bpf_program *))dlsym(RTLD_NEXT, "bpf_program__attach");
	if (!real_attach) {
		errno = ENOSYS;
		return NULL;
	}
	return real_attach(prog);
}

int bpf_link__destroy(struct bpf_link *link)
{
	int (*real_destroy)(struct bpf_link *);

	if (link == (struct bpf_link *)&placeholder_link)
		return 0;
	real_destroy = (int (*)(struct bpf_link *))dlsym(RTLD_NEXT, "bpf_link__destroy");
	if (!real_destroy)
		return -ENOSYS;
	return real_destroy(link);
}

int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
	int (*real_update)(int, const void *, const void *, __u64);
	const char *keep = getenv("WARD_FALCO_SYSCALLS");
	bool interesting;
	char id[16];

	real_update = (int (*)(int, const void *, const void *, __u64))dlsym(RTLD_NEXT, "bpf_map_update_elem");
	if (!real_update) {
		errno = ENOSYS;
		return -1;
	}
	if (fd < 0 || fd != interesting_fd || !keep || !key || !value || !*(const bool *)value)
		return real_update(fd, key, value, flags);
	/* a syscall libpman marks interesting stays so only if the benchmark asked for it */
	snprintf(id, sizeof(id), "%d", *(const int *)key);
	interesting = in_list(keep, id);
	return real_update(fd, key, &interesting, flags);
}
