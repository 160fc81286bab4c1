// SPDX-License-Identifier: Apache-2.0
/*
 * LD_PRELOAD shim that lets Falco's libs (scap-open, sinsp-example) run on this machine for
 * the sensor benchmark, without changing their sources. Two adaptations, both at libpman's
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
 *
 * falco_libs.sh builds it; run.sh preloads it for the falco configurations.
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

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

	real_load = (int (*)(struct bpf_object_skeleton *))dlsym(RTLD_NEXT, "bpf_object__load_skeleton");
	if (!real_load)
		return -ENOSYS;
	if (s && s->obj && *s->obj)
		skip_programs(*s->obj);
	return real_load(s);
}
