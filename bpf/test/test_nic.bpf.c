// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Programs for the real-driver tier (tests/kernel/suite-virtio.sh), whose
 * packets leave the chain's NIC: a redirect through a DEVMAP to another
 * NIC, a redirect into an AF_XDP socket, and a multi-buffer program that
 * drops. Each counts its packets like test_progs.o's (trace.h); the test
 * fills the maps through their pins (attach --pin-maps). */
#include "trace.h"

/* Entry 0: the ifindex of the NIC to send out of. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

/* Entry Q: the socket bound to queue Q (tests/tools/xsktest.c). */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

__u64 hits_t_redirect_dev;
SEC("xdp") int t_redirect_dev(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&hits_t_redirect_dev, 1);
	trace(ctx, 0xde);
	return bpf_redirect_map(&tx_port, 0, 0);
}

/* A queue without a socket passes: the flag is the verdict then. */
__u64 hits_t_xsk;
SEC("xdp") int t_xsk(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&hits_t_xsk, 1);
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

TEST_PROG("xdp.frags", t_frags_drop, 0xfd, XDP_DROP)
TEST_PROG("xdp.frags", t_frags_count, 0xfc, XDP_PASS)

char _license[] SEC("license") = "GPL";
