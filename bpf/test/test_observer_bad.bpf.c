// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* An observer whose map of the observers' name is of another kind: the
 * library must refuse it (suite scenarios, t_observer_errors), since
 * reading the decision through it would read garbage. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} xdpchain_final SEC(".maps");

SEC("xdp")
int t_observer_bad(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&xdpchain_final, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
