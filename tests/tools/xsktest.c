// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xsktest: a raw AF_XDP receiver for tests/kernel/suite-programs.sh, on
 * the kernel's UAPI (<linux/if_xdp.h>) and libbpf's syscall wrappers only
 * (no libxdp):
 *   xsktest IFACE XSKMAP_PIN --count N [--timeout MS] [--queue Q]
 *           [--bind copy|zerocopy|any]
 * registers a UMEM, maps its fill ring and an RX ring, binds the socket
 * to IFACE's queue Q (default 0) in copy mode (XDP_COPY, the default:
 * veth has no zero-copy; zerocopy: XDP_ZEROCOPY or fail; any: zero-copy
 * if the driver offers it, else copy), prints "bound copy" or "bound
 * zerocopy" (with why zero-copy was refused under any), puts the socket
 * into entry Q of the XSKMAP pinned at
 * XSKMAP_PIN (the entry an XDP program redirects queue Q's packets
 * through: xdp-tools' xsk_def_xdp_prog.o uses its rx_queue_index), prints
 * "ready" and waits until it has N packets or MS milliseconds (default
 * 5000) have passed since then. It prints
 *   received N ports P:n[,P:n...]
 * (the UDP destination ports of the IPv4 packets received, "-" for none
 * and for other packets) and exits 0; 1 if it could not set up.
 * Closing the socket takes it out of the map again (the kernel does).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_xdp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define NUM_FRAMES 64
#define FRAME_SIZE 4096
#define RING_SIZE 64 /* a power of two, for the fill and RX rings alike */
#define MAX_PORTS 16

static int fail(const char *what)
{
	fprintf(stderr, "xsktest: %s: %s\n", what, strerror(errno));
	return 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One mapped ring: the producer and consumer indexes the kernel and we
 * share, and the descriptors. */
struct ring {
	__u32 *producer;
	__u32 *consumer;
	void *desc;
};

static int map_ring(int fd, const struct xdp_ring_offset *off, size_t desc_size, off_t pgoff,
		    struct ring *r)
{
	void *p = mmap(NULL, off->desc + RING_SIZE * desc_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, pgoff);

	if (p == MAP_FAILED)
		return -1;
	r->producer = (__u32 *)((char *)p + off->producer);
	r->consumer = (__u32 *)((char *)p + off->consumer);
	r->desc = (char *)p + off->desc;
	return 0;
}

/* The UDP destination port of an IPv4 frame, or -1. */
static int udp_dport(const unsigned char *pkt, __u32 len)
{
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;

	if (len < sizeof(eth) + sizeof(ip) + sizeof(udp))
		return -1;
	memcpy(&eth, pkt, sizeof(eth));
	memcpy(&ip, pkt + sizeof(eth), sizeof(ip));
	if (eth.h_proto != htons(ETH_P_IP) || ip.protocol != IPPROTO_UDP || ip.ihl < 5 ||
	    len < sizeof(eth) + ip.ihl * 4u + sizeof(udp))
		return -1;
	memcpy(&udp, pkt + sizeof(eth) + ip.ihl * 4, sizeof(udp));
	return ntohs(udp.dest);
}

/* A socket bound with flags (XDP_COPY or XDP_ZEROCOPY), its UMEM and
 * rings; -1 with errno set if bind() failed, -1 after a message for other
 * failures. A failed bind() has consumed the fill ring, so another try
 * needs a socket of its own (the failed one's ring mappings stay until
 * exit: a test tool's few pages). */
static int xsk_bind(struct sockaddr_xdp *sxdp, __u16 flags, unsigned char **umem_out,
		    struct ring *fill, struct ring *rx)
{
	struct xdp_umem_reg reg = {};
	struct xdp_mmap_offsets off = {};
	socklen_t optlen = sizeof(off);
	int ring_size = RING_SIZE, fd, i, err;
	unsigned char *umem;

	fd = socket(AF_XDP, SOCK_RAW, 0);
	if (fd < 0)
		return -fail("AF_XDP socket");
	/* The UMEM: NUM_FRAMES frames of FRAME_SIZE bytes that the kernel
	 * copies received packets into. */
	umem = mmap(NULL, NUM_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (umem == MAP_FAILED)
		return -fail("UMEM mmap");
	reg.addr = (__u64)(unsigned long)umem;
	reg.len = NUM_FRAMES * FRAME_SIZE;
	reg.chunk_size = FRAME_SIZE;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)))
		return -fail("XDP_UMEM_REG");
	/* bind() wants the completion ring too, though we never transmit. */
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &ring_size, sizeof(ring_size)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring_size, sizeof(ring_size)) ||
	    setsockopt(fd, SOL_XDP, XDP_RX_RING, &ring_size, sizeof(ring_size)))
		return -fail("ring sizes");
	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen))
		return -fail("XDP_MMAP_OFFSETS");
	if (map_ring(fd, &off.fr, sizeof(__u64), XDP_UMEM_PGOFF_FILL_RING, fill) ||
	    map_ring(fd, &off.rx, sizeof(struct xdp_desc), XDP_PGOFF_RX_RING, rx))
		return -fail("ring mmap");
	/* Every frame to the kernel, through the fill ring. */
	for (i = 0; i < RING_SIZE && i < NUM_FRAMES; i++)
		((__u64 *)fill->desc)[i] = (__u64)i * FRAME_SIZE;
	__atomic_store_n(fill->producer, (__u32)i, __ATOMIC_RELEASE);

	sxdp->sxdp_flags = flags;
	if (bind(fd, (struct sockaddr *)sxdp, sizeof(*sxdp))) {
		err = errno;
		close(fd);
		munmap(umem, NUM_FRAMES * FRAME_SIZE);
		errno = err;
		return -1;
	}
	*umem_out = umem;
	return fd;
}

/* bind_mode: "copy", "zerocopy" or "any"; prints how the socket is bound. */
static int xsk_open(struct sockaddr_xdp *sxdp, const char *bind_mode, unsigned char **umem,
		    struct ring *fill, struct ring *rx)
{
	int fd;

	if (strcmp(bind_mode, "copy")) {
		fd = xsk_bind(sxdp, XDP_ZEROCOPY, umem, fill, rx);
		if (fd >= 0) {
			printf("bound zerocopy\n");
			return fd;
		}
		if (!strcmp(bind_mode, "zerocopy"))
			return -fail("bind (zero-copy)");
		printf("bound copy (zero-copy refused: %s)\n", strerror(errno));
	} else {
		printf("bound copy\n");
	}
	fd = xsk_bind(sxdp, XDP_COPY, umem, fill, rx);
	if (fd < 0)
		fail("bind (copy mode)");
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_xdp sxdp = {};
	struct ring fill, rx;
	int count = 0, timeout = 5000, queue = 0, got = 0, nports = 0, i, fd, map_fd;
	int ports[MAX_PORTS], port_n[MAX_PORTS];
	const char *bind_mode = "copy";
	long long deadline;
	unsigned char *umem;
	__u32 key;

	if (argc < 3)
		goto usage;
	for (i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--count"))
			count = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--timeout"))
			timeout = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--queue"))
			queue = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--bind"))
			bind_mode = argv[i + 1];
		else
			goto usage;
	}
	if (i != argc || count <= 0 || timeout <= 0 || queue < 0 ||
	    (strcmp(bind_mode, "copy") && strcmp(bind_mode, "zerocopy") && strcmp(bind_mode, "any")))
		goto usage;
	sxdp.sxdp_ifindex = if_nametoindex(argv[1]);
	if (!sxdp.sxdp_ifindex) {
		fprintf(stderr, "xsktest: interface %s not found\n", argv[1]);
		return 1;
	}

	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_queue_id = (__u32)queue;
	fd = xsk_open(&sxdp, bind_mode, &umem, &fill, &rx);
	if (fd < 0)
		return 1;
	map_fd = bpf_obj_get(argv[2]);
	if (map_fd < 0)
		return fail("the XSKMAP's pin");
	key = (__u32)queue;
	if (bpf_map_update_elem(map_fd, &key, &fd, 0))
		return fail("XSKMAP update");
	close(map_fd);
	printf("ready\n");
	fflush(stdout);

	deadline = now_ms() + timeout;
	while (got < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		__u32 cons, prod, fprod;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return fail("poll");
		cons = *rx.consumer;
		prod = __atomic_load_n(rx.producer, __ATOMIC_ACQUIRE);
		fprod = *fill.producer;
		for (; cons != prod; cons++) {
			const struct xdp_desc *d =
				&((struct xdp_desc *)rx.desc)[cons & (RING_SIZE - 1)];
			int port;

			if (d->addr + d->len > (__u64)NUM_FRAMES * FRAME_SIZE)
				continue;
			port = udp_dport(umem + d->addr, d->len);
			for (i = 0; i < nports && ports[i] != port; i++)
				;
			if (i == nports && nports < MAX_PORTS) {
				ports[nports] = port;
				port_n[nports++] = 0;
			}
			if (i < nports)
				port_n[i]++;
			got++;
			/* The frame back to the kernel (aligned mode: any
			 * address inside the frame names it). */
			((__u64 *)fill.desc)[fprod++ & (RING_SIZE - 1)] = d->addr;
		}
		__atomic_store_n(rx.consumer, cons, __ATOMIC_RELEASE);
		__atomic_store_n(fill.producer, fprod, __ATOMIC_RELEASE);
	}
	/* Sorted by port, for a stable line. */
	for (i = 1; i < nports; i++)
		for (int j = i; j > 0 && ports[j - 1] > ports[j]; j--) {
			int t = ports[j];

			ports[j] = ports[j - 1];
			ports[j - 1] = t;
			t = port_n[j];
			port_n[j] = port_n[j - 1];
			port_n[j - 1] = t;
		}
	printf("received %d ports ", got);
	if (!nports)
		printf("-");
	for (i = 0; i < nports; i++) {
		if (ports[i] < 0)
			printf("%s-:%d", i ? "," : "", port_n[i]);
		else
			printf("%s%d:%d", i ? "," : "", ports[i], port_n[i]);
	}
	printf("\n");
	close(fd);
	munmap(umem, NUM_FRAMES * FRAME_SIZE);
	return 0;
usage:
	fprintf(stderr, "usage: xsktest IFACE XSKMAP_PIN --count N [--timeout MS] [--queue Q]\n"
			"               [--bind copy|zerocopy|any]\n");
	return 2;
}
