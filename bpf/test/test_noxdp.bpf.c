// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A valid BPF object without any XDP program (tests/kernel/suite-badinput.sh). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int t_tc_only(struct __sk_buff *skb)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
