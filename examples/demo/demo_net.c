// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The demo's throwaway network: a namespace made with iproute2 (the only
 * program the demo needs) holding a veth pair, configured from inside. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "demo.h"

/* Run `ip ARGS...` and wait for it. 0, -ENOENT if there is no ip
 * binary, -EIO if it failed (it said why on stderr). */
static int run_ip(char *const *args)
{
	static const char *const fallback[] = { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip",
						"/bin/ip" };
	char *argv[24];
	int st, n = 0;
	pid_t pid;

	argv[n++] = "ip";
	while (*args && n < 23)
		argv[n++] = *args++;
	if (*args)
		return -E2BIG;
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* The demo cleans up on Ctrl-C; the command it is running
		 * must finish rather than die with it half done. */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		execvp("ip", argv);
		/* root's PATH may lack the sbin directories */
		for (size_t i = 0; i < sizeof(fallback) / sizeof(fallback[0]); i++)
			execv(fallback[i], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return -ENOENT;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

/* Write a sysctl of the current network namespace (/proc/sys/net is
 * resolved against the namespace of whoever opens it). */
static int write_sysctl(const char *path, const char *value, bool may_be_absent)
{
	ssize_t len = (ssize_t)strlen(value), n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return may_be_absent && errno == ENOENT ? 0 : -errno;
	n = write(fd, value, (size_t)len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int enter(struct demo_net *net)
{
	char path[128];
	struct stat st;
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", net->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	net->ino = st.st_ino;
	/* setns() moves this thread only: remember its own namespace. */
	net->home_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (net->home_fd < 0) {
		err = -errno;
		goto out;
	}
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		close(net->home_fd);
		net->home_fd = -1;
	}
out:
	close(fd);
	return err;
}

static const char *why(int err, bool ip)
{
	if (ip && err == -ENOENT)
		return "no ip command: install iproute2";
	if (ip && err == -EIO)
		return "ip failed (see above)";
	return strerror(-err);
}

/* Do one step of the setup; on failure say which and return. */
#define STEP(what, call, is_ip)                                                 \
	do {                                                                    \
		int err_ = (call);                                              \
		if (err_) {                                                     \
			fprintf(stderr, DEMO_NAME ": demo network: %s: %s\n",   \
				what, why(err_, is_ip));                        \
			return err_;                                            \
		}                                                               \
	} while (0)
#define IP(what, ...) STEP(what, run_ip((char *const[]){ __VA_ARGS__, NULL }), true)
#define SYSCTL(what, ...) STEP(what, write_sysctl(__VA_ARGS__), false)

void demo_net_init(struct demo_net *net)
{
	snprintf(net->name, sizeof(net->name), "xdpchain-demo-%d", (int)getpid());
	net->ino = 0;
	net->home_fd = -1;
	net->created = false;
}

int demo_net_create(struct demo_net *net)
{
	IP("ip netns add", "netns", "add", net->name);
	net->created = true;
	STEP("entering the namespace", enter(net), false);
	/* IPv6 would add router and neighbour solicitations to the counts;
	 * "default" covers the devices created below. Absent without IPv6. */
	SYSCTL("disabling IPv6", "/proc/sys/net/ipv6/conf/default/disable_ipv6", "1", true);
	SYSCTL("disabling IPv6", "/proc/sys/net/ipv6/conf/all/disable_ipv6", "1", true);
	/* One queue each way: frames then reach the chain in the order
	 * they were sent, whichever CPU sends them. */
	IP("ip link add", "link", "add", DEMO_IF_CHAIN, "numtxqueues", "1", "numrxqueues", "1",
	   "type", "veth", "peer", "name", DEMO_IF_PEER, "numtxqueues", "1", "numrxqueues", "1");
	/* Both addresses are local to this one namespace, so each side sees
	 * the other's packets as coming from a local address: a "martian"
	 * the stack drops unless accept_local is set. */
	SYSCTL("accept_local", "/proc/sys/net/ipv4/conf/" DEMO_IF_CHAIN "/accept_local", "1", false);
	SYSCTL("accept_local", "/proc/sys/net/ipv4/conf/" DEMO_IF_PEER "/accept_local", "1", false);
	IP("ip addr add", "addr", "add", DEMO_ADDR_CHAIN "/" DEMO_PREFIX, "dev", DEMO_IF_CHAIN);
	IP("ip addr add", "addr", "add", DEMO_ADDR_PEER "/" DEMO_PREFIX, "dev", DEMO_IF_PEER);
	IP("ip link set up", "link", "set", DEMO_IF_CHAIN, "up");
	IP("ip link set up", "link", "set", DEMO_IF_PEER, "up");
	return 0;
}

int demo_net_leave(struct demo_net *net)
{
	int err = 0;

	if (net->home_fd < 0)
		return 0;
	if (setns(net->home_fd, CLONE_NEWNET)) {
		err = -errno;
		fprintf(stderr, DEMO_NAME ": cannot go back to the original network namespace: %s\n",
			strerror(errno));
	}
	close(net->home_fd);
	net->home_fd = -1;
	return err;
}

int demo_net_destroy(struct demo_net *net)
{
	/* Leave first: a namespace some thread is in outlives its name. */
	int err = demo_net_leave(net), e;

	if (!net->created)
		return err;
	e = run_ip((char *const[]){ "netns", "del", net->name, NULL });
	if (e) {
		fprintf(stderr, DEMO_NAME ": ip netns del %s failed\n", net->name);
		return err ? err : e;
	}
	net->created = false;
	return err;
}

bool demo_net_exists(const struct demo_net *net)
{
	char path[128];

	snprintf(path, sizeof(path), "/run/netns/%s", net->name);
	return access(path, F_OK) == 0 || errno != ENOENT;
}
