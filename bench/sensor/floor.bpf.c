// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * The benchmark's floor: programs that do nothing, attached where ward's sensor attaches.
 * Their cost is the price of the hooks themselves (tracepoint dispatch, BPF entry and
 * exit), which no tracepoint-based sensor can go below. It is not a sensor: nothing is
 * read, counted or sent.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* attached by the loader to syscalls/sys_exit_<name> for every name it is given */
SEC("tracepoint")
int sys_exit(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_exec")
int sched_exec(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_fork")
int sched_fork(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_exit")
int sched_exit(void *ctx)
{
	return 0;
}
