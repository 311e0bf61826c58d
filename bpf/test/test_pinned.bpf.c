// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* One map pinned by name (LIBBPF_PIN_BY_NAME) and one not: where
 * xdpchain_open_opts.pin_root_path puts the first (tests/unit/test_pin_root.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} own_count SEC(".maps");

SEC("xdp")
int t_pinned(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *cfg = bpf_map_lookup_elem(&pinned_cfg, &key);
	__u64 *n = bpf_map_lookup_elem(&own_count, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	return cfg && *cfg ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
