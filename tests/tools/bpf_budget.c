// SPDX-License-Identifier: Apache-2.0
/*
 * Verifier budget check: loads every program of each BPF object given, one program at a
 * time (so a refused program cannot hide the others), and prints the kernel's
 * verified_insns for each. Exits 1 when any program is refused or verifies more than the
 * budget (--budget N, default 250000: a quarter of the kernel's 1,000,000 limit), naming
 * them all. Deterministic for one kernel build and one object.
 *
 * Usage: bpf_budget [--budget N] [--json] OBJECT.bpf.o...
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

struct result {
	char obj[256];
	char prog[64];
	int err;
	unsigned int insns;
	double ms;
};

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Loads only program idx of path; fills r. Returns 0 or -errno (open failure). */
static int load_one(const char *path, int idx, struct result *r, int *cnt)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;
	int i = 0, err;
	double t0;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj) {
		bpf_program__set_autoload(p, i == idx);
		if (i == idx)
			snprintf(r->prog, sizeof(r->prog), "%s", bpf_program__name(p));
		i++;
	}
	*cnt = i;
	if (idx >= i) {
		bpf_object__close(obj);
		return 0;
	}
	t0 = now_ms();
	err = bpf_object__load(obj);
	r->ms = now_ms() - t0;
	r->err = err;
	if (!err) {
		bpf_object__for_each_program(p, obj) {
			struct bpf_prog_info info;
			__u32 len = sizeof(info);

			if (!bpf_program__autoload(p))
				continue;
			memset(&info, 0, sizeof(info));
			if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len) == 0)
				r->insns = info.verified_insns;
		}
	}
	bpf_object__close(obj);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long budget = 250000;
	struct result *res = NULL;
	size_t res_cnt = 0, res_cap = 0, bad = 0;
	struct utsname u;
	int json = 0, a = 1;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--budget") == 0 && a + 1 < argc) {
			char *end;

			budget = strtoul(argv[++a], &end, 10);
			if (*end || !budget) {
				fprintf(stderr, "bpf_budget: --budget wants a positive number\n");
				return 2;
			}
		} else if (strcmp(argv[a], "--json") == 0) {
			json = 1;
		} else {
			fprintf(stderr, "usage: bpf_budget [--budget N] [--json] OBJECT.bpf.o...\n");
			return 2;
		}
	}
	if (a >= argc) {
		fprintf(stderr, "usage: bpf_budget [--budget N] [--json] OBJECT.bpf.o...\n");
		return 2;
	}
	libbpf_set_print(quiet);
	uname(&u);
	for (; a < argc; a++) {
		for (int idx = 0;; idx++) {
			struct result r = { .err = 0 };
			int cnt = 0, err;

			snprintf(r.obj, sizeof(r.obj), "%s", argv[a]);
			err = load_one(argv[a], idx, &r, &cnt);
			if (err) {
				fprintf(stderr, "bpf_budget: %s: cannot open: %s\n", argv[a], strerror(-err));
				return 2;
			}
			if (idx >= cnt)
				break;
			if (res_cnt == res_cap) {
				res_cap = res_cap ? res_cap * 2 : 16;
				res = realloc(res, res_cap * sizeof(*res));
				if (!res)
					return 2;
			}
			res[res_cnt++] = r;
		}
	}
	if (json)
		printf("{\"kernel\":\"%s %s\",\"budget\":%lu,\"programs\":[", u.release, u.version,
		       budget);
	else
		printf("kernel %s %s; budget %lu verified instructions per program\n", u.release,
		       u.version, budget);
	for (size_t i = 0; i < res_cnt; i++) {
		const struct result *r = &res[i];
		int over = r->err || r->insns > budget;

		bad += over;
		if (json)
			printf("%s{\"object\":\"%s\",\"name\":\"%s\",\"loaded\":%s,\"verified_insns\":%u,"
			       "\"load_ms\":%.1f,\"error\":\"%s\"}", i ? "," : "", r->obj, r->prog,
			       r->err ? "false" : "true", r->insns, r->ms,
			       r->err ? strerror(-r->err) : "");
		else
			printf("  %-24s %-40s %9u  %7.1f ms  %s\n", r->prog, r->obj, r->insns, r->ms,
			       r->err ? strerror(-r->err) : over ? "OVER BUDGET" : "ok");
	}
	if (json)
		printf("]}\n");
	if (bad) {
		fprintf(stderr, "bpf_budget: %zu program(s) refused or over %lu:", bad, budget);
		for (size_t i = 0; i < res_cnt; i++)
			if (res[i].err || res[i].insns > budget)
				fprintf(stderr, " %s(%s)", res[i].prog, res[i].obj);
		fprintf(stderr, "\n");
	}
	free(res);
	return bad ? 1 : 0;
}
