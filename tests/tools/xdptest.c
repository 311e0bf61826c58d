// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xdptest: the kernel scenario suite's helper.
 *   run IFACE [--repeat N] [--size N]   BPF_PROG_TEST_RUN of what runs on IFACE
 *                                       on a trace packet: "verdict=NAME trace=a1,a2"
 *   send IFACE --count N [--dport P] [--size B]   N real trace packets out of
 *                                       IFACE, B bytes each (default 128, up to
 *                                       9014: a jumbo frame)
 *   hits PROG_ID...                     each program's hits_* counter (one line)
 *   objs                                "progs N maps N links N" in the kernel
 *   attach-foreign IFACE FILE PROG [skb|native|devbound]   plain netlink
 *                                       attach (a "foreign" tool); devbound:
 *                                       loaded bound to IFACE (XDP hints,
 *                                       Linux 6.3+); prints the id
 *   detach-foreign IFACE                remove it
 *   packet [--dport P]                  the trace packet in hex
 *   pcap FILE [--count N] [--swapped] [--nsec]   N trace packets in a
 *                                       classic pcap file (other byte order,
 *                                       nanosecond timestamps)
 *   prog-exists ID                      exit 0 if the kernel still has program
 *                                       ID, 1 if not
 *   held DIR [IFACE]                    every object kept alive by the pins
 *                                       under DIR and IFACE's XDP program,
 *                                       followed through links, map ids and
 *                                       program arrays: "prog N", "map N",
 *                                       "link N" lines
 *   alive                               of such lines on stdin, print those
 *                                       whose object still exists
 *   link-foreign IFACE FILE PROG PIN [skb|native]   attach through an XDP
 *                                       bpf_link pinned at PIN; prints the id
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <fcntl.h>

#define TRACE_OFF (14 + 20 + 8)

static int fail(const char *what)
{
	fprintf(stderr, "xdptest: %s: %s\n", what, strerror(errno));
	return 1;
}

static unsigned short csum(const void *buf, size_t len)
{
	const unsigned short *p = buf;
	unsigned long sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const unsigned char *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

/* Ethernet/IPv4/UDP to 10.0.0.2:dport with the "XCTR" trace payload. The
 * headers are built in their own (aligned) structs and copied: the IP
 * header sits at offset 14 of buf, where its 32-bit fields are
 * misaligned (UBSan). */
static size_t build_packet(unsigned char *buf, size_t size, int dport)
{
	struct ethhdr eth = { .h_proto = htons(ETH_P_IP) };
	struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP };
	struct udphdr udp = { .source = htons(40000) };
	unsigned char *payload = buf + sizeof(eth) + sizeof(ip) + sizeof(udp);

	memset(buf, 0, size);
	memset(eth.h_dest, 0xff, ETH_ALEN);
	memcpy(eth.h_source, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	ip.tot_len = htons((unsigned short)(size - sizeof(eth)));
	ip.saddr = htonl(0x0a000001);
	ip.daddr = htonl(0x0a000002);
	ip.check = csum(&ip, sizeof(ip));
	udp.dest = htons((unsigned short)dport);
	udp.len = htons((unsigned short)(size - sizeof(eth) - sizeof(ip)));
	memcpy(buf, &eth, sizeof(eth));
	memcpy(buf + sizeof(eth), &ip, sizeof(ip));
	memcpy(buf + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
	memcpy(payload, "XCTR", 4);
	payload[4] = 0;
	return size;
}

static const char *verdict_name(int v)
{
	static const char *names[] = { "aborted", "drop", "pass", "tx", "redirect" };
	static char buf[16];

	if (v >= 0 && v < 5)
		return names[v];
	snprintf(buf, sizeof(buf), "%d", v);
	return buf;
}

static int ifindex_of(const char *ifname)
{
	int idx = (int)if_nametoindex(ifname);

	if (!idx)
		fprintf(stderr, "xdptest: interface %s not found\n", ifname);
	return idx;
}

static int cmd_run(int argc, char **argv)
{
	unsigned char in[128], out[256];
	LIBBPF_OPTS(bpf_test_run_opts, t);
	int ifindex, fd, repeat = 1, i;
	__u32 id = 0;

	if (argc < 2)
		return 2;
	for (i = 2; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "--repeat"))
			repeat = atoi(argv[i + 1]);
	ifindex = ifindex_of(argv[1]);
	if (!ifindex)
		return 1;
	if (bpf_xdp_query_id(ifindex, 0, &id) || !id) {
		fprintf(stderr, "xdptest: no XDP program on %s\n", argv[1]);
		return 1;
	}
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return fail("prog fd");
	build_packet(in, sizeof(in), 5000);
	t.data_in = in;
	t.data_size_in = sizeof(in);
	t.data_out = out;
	t.data_size_out = sizeof(out);
	t.repeat = repeat;
	if (bpf_prog_test_run_opts(fd, &t))
		return fail("BPF_PROG_TEST_RUN");
	printf("verdict=%s trace=", verdict_name((int)t.retval));
	if (t.data_size_out > TRACE_OFF + 5 && !memcmp(out + TRACE_OFF, "XCTR", 4)) {
		for (i = 0; i < out[TRACE_OFF + 4] && TRACE_OFF + 5 + i < (int)t.data_size_out; i++)
			printf("%s%02x", i ? "," : "", out[TRACE_OFF + 5 + i]);
	}
	printf("\n");
	close(fd);
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int count = 1, dport = 5000, i, fd;
	static unsigned char pkt[9014];
	size_t size = 128;

	if (argc < 2)
		return 2;
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--count"))
			count = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--dport"))
			dport = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--size"))
			size = strtoul(argv[i + 1], NULL, 10);
	}
	if (size < 64 || size > sizeof(pkt)) {
		fprintf(stderr, "xdptest: --size must be 64 to %zu\n", sizeof(pkt));
		return 2;
	}
	sll.sll_ifindex = ifindex_of(argv[1]);
	if (!sll.sll_ifindex)
		return 1;
	sll.sll_halen = ETH_ALEN;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return fail("AF_PACKET socket");
	build_packet(pkt, size, dport);
	for (i = 0; i < count; i++)
		if (sendto(fd, pkt, size, 0, (void *)&sll, sizeof(sll)) != (ssize_t)size)
			return fail("sendto");
	close(fd);
	return 0;
}

/* The sum of the hits_* variables in the program's .bss: every program
 * of test_progs.o is loaded on its own, so only its own counter moves. */
static int prog_hits(const char *id, __u64 *sum)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), map_ids[16], i;
	int fd;

	fd = bpf_prog_get_fd_by_id((__u32)strtoul(id, NULL, 10));
	if (fd < 0)
		return fail("program id");
	info.nr_map_ids = 16;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return fail("prog info");
	close(fd);
	for (i = 0; i < info.nr_map_ids && i < 16; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi), key = 0;
		const struct btf_var_secinfo *vs;
		const struct btf_type *sec;
		unsigned char val[4096];
		struct btf *btf;
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);

		if (mfd < 0 || bpf_obj_get_info_by_fd(mfd, &mi, &mlen) ||
		    !strstr(mi.name, ".bss") || !mi.btf_id || mi.value_size > sizeof(val)) {
			if (mfd >= 0)
				close(mfd);
			continue;
		}
		if (bpf_map_lookup_elem(mfd, &key, val))
			return fail("lookup .bss");
		btf = btf__load_from_kernel_by_id(mi.btf_id);
		if (!btf)
			return fail("map BTF");
		sec = btf__type_by_id(btf, mi.btf_value_type_id);
		vs = btf_var_secinfos(sec);
		int found = 0;

		*sum = 0;
		for (int j = 0; j < btf_vlen(sec); j++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);
			const char *name = btf__name_by_offset(btf, v->name_off);
			__u64 h;

			if (strncmp(name, "hits", 4) || vs->offset + sizeof(h) > mi.value_size)
				continue;
			memcpy(&h, val + vs->offset, sizeof(h));
			*sum += h;
			found = 1;
		}
		btf__free(btf);
		close(mfd);
		if (found)
			return 0;
	}
	fprintf(stderr, "xdptest: no hits_* counter in program %s\n", id);
	return 1;
}

/* hits PROG_ID...: each program's counter, space-separated on one line. */
static int cmd_hits(int argc, char **argv)
{
	__u64 sum;
	int i;

	if (argc < 2)
		return 2;
	for (i = 1; i < argc; i++) {
		if (prog_hits(argv[i], &sum))
			return 1;
		printf("%s%llu", i > 1 ? " " : "", (unsigned long long)sum);
	}
	printf("\n");
	return 0;
}

static unsigned int count_ids(int (*next)(__u32, __u32 *))
{
	unsigned int n = 0;
	__u32 id = 0;

	while (!next(id, &id))
		n++;
	return n;
}

static int cmd_objs(void)
{
	printf("progs %u maps %u links %u\n", count_ids(bpf_prog_get_next_id),
	       count_ids(bpf_map_get_next_id), count_ids(bpf_link_get_next_id));
	return 0;
}

static int cmd_attach_foreign(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	__u32 flags = XDP_FLAGS_DRV_MODE, id;
	int ifindex, err;

	if (argc < 4)
		return 2;
	if (argc > 4 && !strcmp(argv[4], "skb"))
		flags = XDP_FLAGS_SKB_MODE;
	ifindex = ifindex_of(argv[1]);
	if (!ifindex)
		return 1;
	obj = bpf_object__open_file(argv[2], NULL);
	if (!obj)
		return fail("open");
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), argv[3]));
	prog = bpf_object__find_program_by_name(obj, argv[3]);
	if (prog && argc > 4 && !strcmp(argv[4], "devbound")) {
		/* BPF_F_XDP_DEV_BOUND_ONLY (Linux 6.3; not in older headers) */
		bpf_program__set_ifindex(prog, (__u32)ifindex);
		bpf_program__set_flags(prog, bpf_program__flags(prog) | (1U << 6));
	}
	if (!prog || bpf_object__load(obj)) {
		err = fail("load");
		bpf_object__close(obj);
		return err;
	}
	err = bpf_xdp_attach(ifindex, bpf_program__fd(prog), flags, NULL);
	/* Closed on every path (LeakSanitizer): netlink attachments
	 * outlive the object and the process. */
	bpf_object__close(obj);
	if (err) {
		errno = -err;
		return fail("bpf_xdp_attach");
	}
	bpf_xdp_query_id(ifindex, 0, &id);
	printf("%u\n", id);
	return 0;
}

/* Like attach-foreign, but through a bpf_link kept alive by a pin: the
 * way xdpchain holds its dispatcher (to forge state in its directory). */
static int cmd_link_foreign(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_DRV_MODE);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int ifindex, fd;

	if (argc < 5)
		return 2;
	if (argc > 5 && !strcmp(argv[5], "skb"))
		lo.flags = XDP_FLAGS_SKB_MODE;
	ifindex = ifindex_of(argv[1]);
	if (!ifindex)
		return 1;
	obj = bpf_object__open_file(argv[2], NULL);
	if (!obj)
		return fail("open");
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), argv[3]));
	prog = bpf_object__find_program_by_name(obj, argv[3]);
	if (!prog || bpf_object__load(obj))
		return fail("load");
	fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &lo);
	if (fd < 0)
		return fail("bpf_link_create");
	if (bpf_obj_pin(fd, argv[4]))
		return fail("pin");
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return fail("info");
	printf("%u\n", info.id);
	/* The pin keeps the link, the link the program: nothing else to keep
	 * (and LeakSanitizer fails the run on an object left open). */
	close(fd);
	bpf_object__close(obj);
	return 0;
}

static int cmd_detach_foreign(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int ifindex, err;

	if (argc < 2)
		return 2;
	ifindex = ifindex_of(argv[1]);
	if (!ifindex)
		return 1;
	if (bpf_xdp_query(ifindex, 0, &q))
		return fail("query");
	err = bpf_xdp_detach(ifindex, q.skb_prog_id ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE,
			     NULL);
	if (err) {
		errno = -err;
		return fail("detach");
	}
	return 0;
}

static int cmd_packet(int argc, char **argv)
{
	unsigned char pkt[128];
	int dport = 5000;

	if (argc >= 3 && !strcmp(argv[1], "--dport"))
		dport = atoi(argv[2]);
	build_packet(pkt, sizeof(pkt), dport);
	for (size_t i = 0; i < sizeof(pkt); i++)
		printf("%02x", pkt[i]);
	printf("\n");
	return 0;
}

static void put32(FILE *f, unsigned int v, int swapped)
{
	if (swapped)
		v = __builtin_bswap32(v);
	fwrite(&v, 4, 1, f);
}

static int cmd_pcap(int argc, char **argv)
{
	int count = 1, swapped = 0, nsec = 0, i;
	unsigned char pkt[128];
	unsigned short v[2] = { 2, 4 };
	FILE *f;

	if (argc < 2)
		return 2;
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--swapped"))
			swapped = 1;
		else if (!strcmp(argv[i], "--nsec"))
			nsec = 1;
	}
	f = fopen(argv[1], "wb");
	if (!f)
		return fail("pcap file");
	put32(f, nsec ? 0xa1b23c4d : 0xa1b2c3d4, swapped);
	if (swapped) {
		v[0] = __builtin_bswap16(v[0]);
		v[1] = __builtin_bswap16(v[1]);
	}
	fwrite(v, 2, 2, f);
	put32(f, 0, swapped);     /* thiszone */
	put32(f, 0, swapped);     /* sigfigs */
	put32(f, 65535, swapped); /* snaplen */
	put32(f, 1, swapped);     /* Ethernet */
	for (i = 0; i < count; i++) {
		build_packet(pkt, sizeof(pkt), 5000 + i);
		put32(f, 1700000000u + (unsigned int)i, swapped);
		put32(f, nsec ? 999999999u : 999999u, swapped);
		put32(f, sizeof(pkt), swapped);
		put32(f, sizeof(pkt), swapped);
		fwrite(pkt, 1, sizeof(pkt), f);
	}
	return fclose(f) ? fail("pcap write") : 0;
}

static int cmd_prog_exists(int argc, char **argv)
{
	int fd;

	if (argc != 2)
		return 2;
	fd = bpf_prog_get_fd_by_id((__u32)strtoul(argv[1], NULL, 10));
	if (fd < 0)
		return errno == ENOENT ? 1 : fail("prog-exists") + 2;
	close(fd);
	return 0;
}

/* ---- held / alive: which kernel objects a state directory keeps ---- */
#define HELD_MAX 4096
static struct {
	char kind; /* 'p', 'm', 'l' */
	__u32 id;
} held[HELD_MAX];
static unsigned int nheld;

static int held_add(char kind, __u32 id)
{
	for (unsigned int i = 0; i < nheld; i++)
		if (held[i].kind == kind && held[i].id == id)
			return 0;
	if (nheld == HELD_MAX || !id)
		return 0;
	held[nheld].kind = kind;
	held[nheld++].id = id;
	return 1;
}

static void held_map(__u32 id);

static void held_prog(__u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), map_ids[64];
	int fd;

	if (!held_add('p', id))
		return;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	info.nr_map_ids = 64;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++)
			held_map(map_ids[i]);
	close(fd);
}

static void held_map(__u32 id)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd;

	if (!held_add('m', id))
		return;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return;
	/* A program array's lookup from user space gives the program id. */
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_MAP_TYPE_PROG_ARRAY) {
		for (__u32 k = 0; k < info.max_entries; k++) {
			__u32 pid;

			if (!bpf_map_lookup_elem(fd, &k, &pid))
				held_prog(pid);
		}
	}
	close(fd);
}

static void held_link_fd(int fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !held_add('l', info.id))
		return;
	held_prog(info.prog_id);
	if (info.type == BPF_LINK_TYPE_TRACING)
		held_prog(info.tracing.target_obj_id);
}

/* What kind of BPF object fd is, from its fdinfo. */
static char fd_kind(int fd)
{
	char path[64], line[256], kind = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!kind && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "link_type:", 10))
			kind = 'l';
		else if (!strncmp(line, "map_type:", 9))
			kind = 'm';
		else if (!strncmp(line, "prog_type:", 10))
			kind = 'p';
	}
	fclose(f);
	return kind;
}

static void held_dir(const char *dir)
{
	struct dirent *de;
	char path[4096];
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR) {
			held_dir(path);
			continue;
		}
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		switch (fd_kind(fd)) {
		case 'l':
			held_link_fd(fd);
			break;
		case 'p': {
			struct bpf_prog_info info = {};
			__u32 len = sizeof(info);

			if (!bpf_obj_get_info_by_fd(fd, &info, &len))
				held_prog(info.id);
			break;
		}
		case 'm': {
			struct bpf_map_info info = {};
			__u32 len = sizeof(info);

			if (!bpf_obj_get_info_by_fd(fd, &info, &len))
				held_map(info.id);
			break;
		}
		}
		close(fd);
	}
	if (d)
		closedir(d);
}

static int cmd_held(int argc, char **argv)
{
	__u32 id = 0;

	if (argc < 2)
		return 2;
	held_dir(argv[1]);
	if (argc > 2) {
		int ifindex = ifindex_of(argv[2]);

		if (!ifindex)
			return 1;
		if (!bpf_xdp_query_id(ifindex, 0, &id) && id)
			held_prog(id);
	}
	for (unsigned int i = 0; i < nheld; i++)
		printf("%s %u\n", held[i].kind == 'p' ? "prog" : held[i].kind == 'm' ? "map" : "link",
		       held[i].id);
	return 0;
}

static int cmd_alive(void)
{
	char kind[16];
	__u32 id;
	int fd;

	while (scanf("%15s %u", kind, &id) == 2) {
		if (!strcmp(kind, "prog"))
			fd = bpf_prog_get_fd_by_id(id);
		else if (!strcmp(kind, "map"))
			fd = bpf_map_get_fd_by_id(id);
		else
			fd = bpf_link_get_fd_by_id(id);
		if (fd >= 0 || errno != ENOENT)
			printf("%s %u\n", kind, id);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/* links PROG_ID: the BTF id of the function each tracing (freplace)
 * link into program PROG_ID targets, one per line. */
static int cmd_links(int argc, char **argv)
{
	__u32 id = 0, target;

	if (argc < 2)
		return 2;
	target = (__u32)strtoul(argv[1], NULL, 10);
	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue; /* gone meanwhile */
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_LINK_TYPE_TRACING && info.tracing.target_obj_id == target)
			printf("%u\n", info.tracing.target_btf_id);
		close(fd);
	}
	return 0;
}

/* hold PATH SECONDS: keep the object pinned at PATH open (a reference
 * of another process), say "held", and after SECONDS say "closing" and
 * close it. */
static int cmd_hold(int argc, char **argv)
{
	int fd;

	if (argc < 3)
		return 2;
	fd = bpf_obj_get(argv[1]);
	if (fd < 0)
		return fail("bpf_obj_get");
	printf("held\n");
	fflush(stdout);
	sleep((unsigned int)strtoul(argv[2], NULL, 10));
	printf("closing\n"); /* before: a waiter returns after the close */
	fflush(stdout);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc >= 2) {
		if (!strcmp(argv[1], "run"))
			ret = cmd_run(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "send"))
			ret = cmd_send(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "hits"))
			ret = cmd_hits(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "objs"))
			ret = cmd_objs();
		else if (!strcmp(argv[1], "attach-foreign"))
			ret = cmd_attach_foreign(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "detach-foreign"))
			ret = cmd_detach_foreign(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "packet"))
			ret = cmd_packet(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "pcap"))
			ret = cmd_pcap(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "prog-exists"))
			ret = cmd_prog_exists(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "held"))
			ret = cmd_held(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "alive"))
			ret = cmd_alive();
		else if (!strcmp(argv[1], "link-foreign"))
			ret = cmd_link_foreign(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "links"))
			ret = cmd_links(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "hold"))
			ret = cmd_hold(argc - 1, argv + 1);
	}
	if (ret == 2)
		fprintf(stderr, "usage: xdptest run|send|hits|objs|attach-foreign|detach-foreign|"
				"packet|pcap|prog-exists|held|alive|link-foreign|links|hold ...\n");
	return ret;
}
