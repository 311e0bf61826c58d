// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The demo's throwaway network: a namespace with a veth pair, real
 * packets sent from the peer side, and the programs' counters. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "demo.h"

int demo_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) ? 0 : -1;
}

int demo_ensure_bpffs(void)
{
	struct statfs sfs;

	if (!statfs("/sys/fs/bpf", &sfs) && sfs.f_type == 0xcafe4a11)
		return 0;
	printf("mounting a BPF filesystem on /sys/fs/bpf (it was not mounted)\n");
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

int demo_enter_netns(const char *name)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

static unsigned short csum(const void *buf, size_t len)
{
	const unsigned short *p = buf;
	unsigned long sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

int demo_send_udp(const char *from_if, const char *to_if, int dport, int count)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	unsigned char pkt[64] = {};
	struct ethhdr *eth = (void *)pkt;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct ifreq ifr = {};
	int fd, i, err = 0;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", to_if);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		err = -errno;
		goto out;
	}
	memcpy(eth->h_dest, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", from_if);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		err = -errno;
		goto out;
	}
	memcpy(eth->h_source, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(pkt) - sizeof(*eth));
	ip->saddr = inet_addr("10.11.12.2");
	ip->daddr = inet_addr("10.11.12.1");
	ip->check = csum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons((unsigned short)dport);
	udp->len = htons(sizeof(pkt) - sizeof(*eth) - sizeof(*ip));
	sll.sll_ifindex = (int)if_nametoindex(from_if);
	memcpy(sll.sll_addr, eth->h_dest, ETH_ALEN);
	for (i = 0; i < count; i++) {
		if (sendto(fd, pkt, sizeof(pkt), 0, (void *)&sll, sizeof(sll)) != sizeof(pkt)) {
			err = -errno;
			break;
		}
	}
out:
	close(fd);
	usleep(200 * 1000); /* let the receive side's NAPI run */
	return err;
}

/* Value of the global variable NAME in program PROG_ID's .bss. */
int demo_read_var(__u32 prog_id, const char *name, __u64 *value)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[8], i;
	int fd, err = -ENOENT;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	for (i = 0; i < info.nr_map_ids && i < 8 && err == -ENOENT; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi), key = 0;
		const struct btf_var_secinfo *vs;
		const struct btf_type *sec;
		unsigned char val[512];
		struct btf *btf = NULL;
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(mfd, &mi, &mlen) || !strstr(mi.name, ".bss") ||
		    mi.value_size > sizeof(val) || bpf_map_lookup_elem(mfd, &key, val) ||
		    !(btf = btf__load_from_kernel_by_id(mi.btf_id))) {
			close(mfd);
			continue;
		}
		sec = btf__type_by_id(btf, mi.btf_value_type_id);
		vs = btf_var_secinfos(sec);
		for (int j = 0; j < btf_vlen(sec); j++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);

			if (!strcmp(btf__name_by_offset(btf, v->name_off), name)) {
				memcpy(value, val + vs->offset, sizeof(*value));
				err = 0;
			}
		}
		btf__free(btf);
		close(mfd);
	}
	return err;
}
