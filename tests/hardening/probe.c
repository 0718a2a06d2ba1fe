/* SPDX-License-Identifier: MIT */
/*
 * One attack or one allowed operation per run, for the hardening suites.
 * Each action makes the real system call and says what the kernel
 * answered: "ok ..." with status 0, or "fail ENAME (text)" with status 1.
 * Usage errors exit 2, so a typo in a test cannot pass for a denial.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/rtnetlink.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#define X32_SYSCALL_BIT 0x40000000
#define HIGH_BITS 0xffffffff00000000UL

static int fail(const char *what)
{
	int e = errno;
	const char *name = strerrorname_np(e);

	printf("fail %s (%s: %s)\n", name ? name : "?", what, strerror(e));
	return 1;
}

static int ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int ok(const char *fmt, ...)
{
	va_list ap;

	printf("ok ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return 0;
}

/* A descriptor number, or "tty": /dev/tty opened afresh, not inherited. */
static int terminal(const char *arg)
{
	if (!strcmp(arg, "tty"))
		return open("/dev/tty", O_RDWR | O_CLOEXEC);
	return atoi(arg);
}

static unsigned long request(unsigned long req, const char *high)
{
	return high && !strcmp(high, "high") ? req | HIGH_BITS : req;
}

/* Push text (and a newline) into the terminal's input, one byte a call. */
static int tiocsti(int argc, char **argv)
{
	unsigned long req;
	const char *text;
	char nl = '\n';
	int fd;

	if (argc < 2)
		return 2;
	fd = terminal(argv[0]);
	if (fd < 0)
		return fail("open /dev/tty");
	text = argv[1];
	req = request(TIOCSTI, argc > 2 ? argv[2] : NULL);
	for (; *text; text++)
		if (syscall(SYS_ioctl, fd, req, text))
			return fail("ioctl TIOCSTI");
	if (syscall(SYS_ioctl, fd, req, &nl))
		return fail("ioctl TIOCSTI");
	return ok("injected");
}

/* TIOCL_PASTESEL: paste the console selection as input. */
static int tioclinux(int argc, char **argv)
{
	char sub = 3;

	if (argc < 1)
		return 2;
	if (syscall(SYS_ioctl, terminal(argv[0]),
		    request(TIOCLINUX, argc > 1 ? argv[1] : NULL), &sub))
		return fail("ioctl TIOCLINUX");
	return ok("pasted");
}

static int winsz(int argc, char **argv)
{
	struct winsize ws;

	if (argc < 1)
		return 2;
	if (ioctl(atoi(argv[0]), TIOCGWINSZ, &ws))
		return fail("ioctl TIOCGWINSZ");
	return ok("%u %u", ws.ws_row, ws.ws_col);
}

static struct sockaddr_in loopback(const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	sa.sin_port = htons((uint16_t)atoi(port));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

/* Connect to 127.0.0.1:PORT and print the server's first line. */
static int tcp(int argc, char **argv)
{
	struct timeval quiet = { .tv_sec = 1 };
	struct sockaddr_in sa;
	char buf[128] = "";
	ssize_t n;
	int fd;

	if (argc < 1)
		return 2;
	sa = loopback(argv[0]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return fail("connect");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof(quiet));
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return ok("connected: %s", buf);
}

static int udp(int argc, char **argv)
{
	struct sockaddr_in sa;
	int fd;

	if (argc < 2)
		return 2;
	sa = loopback(argv[0]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return fail("socket");
	if (sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return fail("sendto");
	return ok("sent");
}

static int dns(int argc, char **argv)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	char addr[64];
	int ret;

	if (argc < 1)
		return 2;
	ret = getaddrinfo(argv[0], NULL, &hints, &res);
	if (ret) {
		printf("fail %s (getaddrinfo: errno %s)\n", gai_strerror(ret),
		       errno ? strerrorname_np(errno) : "0");
		return 1;
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr,
		  addr, sizeof(addr));
	freeaddrinfo(res);
	return ok("%s", addr);
}

/*
 * Only create a socket: family, type and protocol by name.  With "high",
 * each argument has bit 32 set too: the kernel reads ints and ignores
 * it, and a filter comparing 64 bits would not.
 */
static int sock(int argc, char **argv)
{
	static const struct {
		const char *name;
		int family, type, proto;
	} kinds[] = {
		{ "ping", AF_INET, SOCK_DGRAM, IPPROTO_ICMP },
		{ "raw", AF_INET, SOCK_RAW, IPPROTO_ICMP },
		{ "raw6", AF_INET6, SOCK_RAW, IPPROTO_ICMPV6 },
		{ "mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP },
		{ "mptcp6", AF_INET6, SOCK_STREAM, IPPROTO_MPTCP },
		{ "sctp", AF_INET, SOCK_STREAM, IPPROTO_SCTP },
		{ "udp", AF_INET, SOCK_DGRAM, 0 },
		{ "tcp", AF_INET, SOCK_STREAM, 0 },
		{ "tcp6", AF_INET6, SOCK_STREAM, 0 },
		{ "netlink", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE },
		{ "packet", AF_PACKET, SOCK_RAW, 0 },
		{ "vsock", AF_VSOCK, SOCK_STREAM, 0 },
		{ "unix", AF_UNIX, SOCK_STREAM, 0 },
	};
	size_t i;

	if (argc < 1)
		return 2;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, argv[0]))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return 2;
	if (argc > 1 && !strcmp(argv[1], "high")) {
		if (syscall(SYS_socket, (long)kinds[i].family | 1L << 32,
			    (long)kinds[i].type | 1L << 32,
			    (long)kinds[i].proto | 1L << 32) < 0)
			return fail("socket");
		return ok("socket with high bits");
	}
	if (socket(kinds[i].family, kinds[i].type, kinds[i].proto) < 0)
		return fail("socket");
	return ok("socket");
}

/* A route dump over netlink: the first answer proves the kernel talked. */
static int netlink(void)
{
	struct {
		struct nlmsghdr nh;
		struct rtgenmsg g;
	} req = {
		.nh = { .nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.g = { .rtgen_family = AF_UNSPEC },
	};
	char buf[8192];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return fail("socket");
	if (send(fd, &req, sizeof(req), 0) < 0)
		return fail("send");
	if (recv(fd, buf, sizeof(buf), 0) <= 0)
		return fail("recv");
	return ok("links dumped");
}

static int io_uring(void)
{
	struct io_uring_params p = { 0 };
	long fd = syscall(__NR_io_uring_setup, 4, &p);

	if (fd < 0)
		return fail("io_uring_setup");
	return ok("ring %ld", fd);
}

static int pipe_roundtrip(void)
{
	char buf[8] = "";
	int fds[2];

	if (pipe(fds))
		return fail("pipe");
	if (write(fds[1], "pipe", 4) != 4 || read(fds[0], buf, 4) != 4)
		return fail("pipe i/o");
	return ok("%s", buf);
}

static int pair_roundtrip(void)
{
	char buf[8] = "";
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		return fail("socketpair");
	if (write(fds[1], "pair", 4) != 4 || read(fds[0], buf, 4) != 4)
		return fail("socketpair i/o");
	return ok("%s", buf);
}

/* Bind and listen on 127.0.0.1:PORT, then connect to it from here. */
static int bind_port(int argc, char **argv)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	if (argc < 1)
		return 2;
	sa = loopback(argv[0]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return fail("bind");
	if (listen(fd, 1))
		return fail("listen");
	return ok("listening");
}

static socklen_t unix_addr(struct sockaddr_un *sa, const char *path,
			   bool abstract)
{
	size_t len = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (len > sizeof(sa->sun_path) - 2)
		len = sizeof(sa->sun_path) - 2;
	memcpy(sa->sun_path + abstract, path, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract +
			   len + !abstract);
}

/* Connect to a UNIX socket (a path, or @name for an abstract one). */
static int unix_connect(int argc, char **argv)
{
	struct timeval quiet = { .tv_sec = 1 };
	struct sockaddr_un sa;
	bool abstract;
	char buf[128] = "";
	socklen_t len;
	ssize_t n;
	int fd;

	if (argc < 1)
		return 2;
	abstract = argv[0][0] == '@';
	len = unix_addr(&sa, argv[0] + abstract, abstract);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket");
	if (connect(fd, (struct sockaddr *)&sa, len))
		return fail("connect");
	/* A daemon that waits for the client to speak first says nothing. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof(quiet));
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return ok("connected: %s", buf);
}

/* Bind an abstract socket here, and connect to it from here. */
static int abstract_self(int argc, char **argv)
{
	struct sockaddr_un sa;
	socklen_t len;
	int srv, cli;

	if (argc < 1)
		return 2;
	len = unix_addr(&sa, argv[0], true);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	if (srv < 0 || cli < 0)
		return fail("socket");
	if (bind(srv, (struct sockaddr *)&sa, len) || listen(srv, 1))
		return fail("bind");
	if (connect(cli, (struct sockaddr *)&sa, len))
		return fail("connect");
	return ok("connected to itself");
}

static int do_unshare(void)
{
	if (unshare(CLONE_NEWUSER))
		return fail("unshare");
	return ok("new user namespace");
}

/* clone() itself with CLONE_NEWUSER, not through unshare(). */
static int clone_newuser(void)
{
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	int status;

	if (pid < 0)
		return fail("clone");
	if (pid == 0)
		_exit(0);
	waitpid((pid_t)pid, &status, 0);
	return ok("child in a new user namespace");
}

static int do_mount(int argc, char **argv)
{
	if (argc < 1)
		return 2;
	if (mount("corral-probe", argv[0], "tmpfs", 0, "size=64k"))
		return fail("mount");
	return ok("mounted");
}

static int keyring(void)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
			  KEY_SPEC_PROCESS_KEYRING, 1);

	if (id < 0)
		return fail("keyctl");
	return ok("keyring %ld", id);
}

/* Load the smallest socket filter: r0 = 0; exit. */
static int bpf(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr = { 0 };
	long fd;

	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t) "GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return fail("bpf");
	return ok("program %ld", fd);
}

static int perf(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_TASK_CLOCK,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);

	if (fd < 0)
		return fail("perf_event_open");
	return ok("event %ld", fd);
}

static int uffd(void)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);

	if (fd < 0)
		return fail("userfaultfd");
	return ok("userfaultfd %ld", fd);
}

/* Read a word of our own memory the way a debugger reads another's. */
static int vm_read(void)
{
	static const char secret[] = "self";
	char buf[sizeof(secret)] = "";
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)secret, sizeof(secret) };

	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) < 0)
		return fail("process_vm_readv");
	return ok("read %s", buf);
}

/* Turn on READ_IMPLIES_EXEC, alone or with the unused bit 31 set. */
static int read_implies_exec(int argc, char **argv)
{
	unsigned long persona = READ_IMPLIES_EXEC;
	int now;

	if (argc > 0 && !strcmp(argv[0], "high"))
		persona |= 0x80000000UL;
	if (syscall(SYS_personality, persona) < 0)
		return fail("personality");
	now = personality(0xffffffff);
	if (!(now & READ_IMPLIES_EXEC)) {
		printf("fail unchanged (personality is %#x)\n", now);
		return 1;
	}
	return ok("READ_IMPLIES_EXEC set");
}

static int x32(void)
{
	long ret = syscall(X32_SYSCALL_BIT | SYS_getpid);

	if (ret < 0)
		return fail("x32 getpid");
	return ok("x32 getpid %ld", ret);
}

/*
 * One call from the filter's deny list, with arguments that the kernel
 * refuses before anything happens (a bad descriptor, address or magic
 * number), so that outside, even as root, it does nothing: the filter's
 * EPERM (clone3: ENOSYS) comes before the kernel looks at any of them.
 */
static int denied_call(int argc, char **argv)
{
	static const struct {
		const char *name;
		long nr, a[6];
	} calls[] = {
		{ "setns", SYS_setns, { -1, 0 } },
		{ "clone3", SYS_clone3, { 0, 0 } },
		{ "init_module", SYS_init_module, { 1, 0, 1 } },
		{ "finit_module", SYS_finit_module, { -1, 1, 0 } },
		{ "delete_module", SYS_delete_module, { 1, O_NONBLOCK } },
		{ "kexec_load", SYS_kexec_load, { 0, 1000, 0, 0 } },
		{ "kexec_file_load", SYS_kexec_file_load, { -1, -1, 0, 1, 0 } },
		{ "iopl", SYS_iopl, { 4 } },
		{ "ioperm", SYS_ioperm, { 70000, 1, 1 } },
		{ "acct", SYS_acct, { 1 } },
		{ "swapon", SYS_swapon, { 1, 0 } },
		{ "swapoff", SYS_swapoff, { 1 } },
		{ "reboot", SYS_reboot, { 0, 0, 0, 0 } },
		{ "add_key", SYS_add_key, { 1, 1, 0, 0, 0 } },
		{ "request_key", SYS_request_key, { 1, 1, 0, 0 } },
		{ "process_vm_writev",
		  SYS_process_vm_writev,
		  { 0, 0, 0, 0, 0, 0 } },
		{ "pivot_root", SYS_pivot_root, { 1, 1 } },
		{ "chroot", SYS_chroot, { 1 } },
		{ "umount2", SYS_umount2, { 1, 0 } },
		{ "fsopen", SYS_fsopen, { 1, 0 } },
		{ "open_tree", SYS_open_tree, { -1, 1, 0 } },
		{ "move_mount", SYS_move_mount, { -1, 1, -1, 1, 0 } },
		{ "mount_setattr", SYS_mount_setattr, { -1, 1, 0, 0, 0 } },
		{ "name_to_handle_at",
		  SYS_name_to_handle_at,
		  { -1, 1, 1, 1, 0 } },
		{ "open_by_handle_at", SYS_open_by_handle_at, { -1, 1, 0 } },
		{ "quotactl", SYS_quotactl, { 0, 1, 0, 1 } },
	};
	size_t i;
	long ret;

	if (argc < 1)
		return 2;
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(calls[i].name, argv[0]))
			break;
	if (i == sizeof(calls) / sizeof(calls[0]))
		return 2;
	ret = syscall(calls[i].nr, calls[i].a[0], calls[i].a[1], calls[i].a[2],
		      calls[i].a[3], calls[i].a[4], calls[i].a[5]);
	if (ret < 0)
		return fail(calls[i].name);
	return ok("%s returned %ld", calls[i].name, ret);
}

/* getpid through the i386 entry point, int 0x80 (20 is its number). */
static int i386_call(void)
{
	long ret = 20;

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return fail("i386 getpid");
	}
	return ok("i386 getpid %ld", ret);
}

static int do_kill(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (kill(atoi(argv[0]), atoi(argv[1])))
		return fail("kill");
	return ok("signalled");
}

static int do_ptrace(int argc, char **argv)
{
	pid_t pid;
	int status;

	if (argc < 1)
		return 2;
	pid = atoi(argv[0]);
	if (ptrace(PTRACE_ATTACH, pid, 0, 0))
		return fail("ptrace");
	waitpid(pid, &status, __WALL);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return ok("attached");
}

/* Touch MB megabytes, 8 at a time; say how far it got. */
static int alloc(int argc, char **argv)
{
	long want, got = 0;
	char *p;

	if (argc < 1)
		return 2;
	want = atol(argv[0]);
	for (; got < want; got += 8) {
		p = malloc(8 << 20);
		if (!p) {
			printf("fail ENOMEM (allocated %ld MB)\n", got);
			return 1;
		}
		memset(p, 1, 8 << 20);
	}
	return ok("allocated %ld MB", got);
}

/* Fork up to N (at most 4096) waiting children; say how many were made. */
static int forks(int argc, char **argv)
{
	static pid_t kids[4096];
	long want, made, i;
	int e = 0;

	if (argc < 1)
		return 2;
	want = atol(argv[0]);
	if (want > 4096)
		want = 4096;
	for (made = 0; made < want; made++) {
		kids[made] = fork();
		if (kids[made] < 0) {
			e = errno;
			break;
		}
		if (kids[made] == 0) {
			pause();
			_exit(0);
		}
	}
	for (i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	if (e) {
		printf("fail %s (forked %ld)\n", strerrorname_np(e), made);
		return 1;
	}
	return ok("forked %ld", made);
}

static void *thread_main(void *arg)
{
	return arg;
}

static int threads(int argc, char **argv)
{
	pthread_t t[64];
	int i, n, ret;

	if (argc < 1)
		return 2;
	n = atoi(argv[0]);
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		ret = pthread_create(&t[i], NULL, thread_main, NULL);
		if (ret) {
			errno = ret;
			return fail("pthread_create");
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return ok("%d threads", n);
}

int main(int argc, char **argv)
{
	const char *a = argc > 1 ? argv[1] : "";
	int n = argc - 2;
	char **v = argv + 2;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(a, "tiocsti"))
		return tiocsti(n, v);
	if (!strcmp(a, "tioclinux"))
		return tioclinux(n, v);
	if (!strcmp(a, "winsz"))
		return winsz(n, v);
	if (!strcmp(a, "tcp"))
		return tcp(n, v);
	if (!strcmp(a, "udp"))
		return udp(n, v);
	if (!strcmp(a, "dns"))
		return dns(n, v);
	if (!strcmp(a, "socket"))
		return sock(n, v);
	if (!strcmp(a, "netlink"))
		return netlink();
	if (!strcmp(a, "io_uring"))
		return io_uring();
	if (!strcmp(a, "pipe"))
		return pipe_roundtrip();
	if (!strcmp(a, "socketpair"))
		return pair_roundtrip();
	if (!strcmp(a, "bind"))
		return bind_port(n, v);
	if (!strcmp(a, "connect"))
		return unix_connect(n, v);
	if (!strcmp(a, "abstract-self"))
		return abstract_self(n, v);
	if (!strcmp(a, "unshare"))
		return do_unshare();
	if (!strcmp(a, "clone-newuser"))
		return clone_newuser();
	if (!strcmp(a, "mount"))
		return do_mount(n, v);
	if (!strcmp(a, "keyctl"))
		return keyring();
	if (!strcmp(a, "bpf"))
		return bpf();
	if (!strcmp(a, "perf"))
		return perf();
	if (!strcmp(a, "userfaultfd"))
		return uffd();
	if (!strcmp(a, "process_vm_readv"))
		return vm_read();
	if (!strcmp(a, "personality"))
		return read_implies_exec(n, v);
	if (!strcmp(a, "denied"))
		return denied_call(n, v);
	if (!strcmp(a, "i386"))
		return i386_call();
	if (!strcmp(a, "x32"))
		return x32();
	if (!strcmp(a, "kill"))
		return do_kill(n, v);
	if (!strcmp(a, "ptrace"))
		return do_ptrace(n, v);
	if (!strcmp(a, "alloc"))
		return alloc(n, v);
	if (!strcmp(a, "forks"))
		return forks(n, v);
	if (!strcmp(a, "threads"))
		return threads(n, v);
	fprintf(stderr, "probe: unknown action '%s'\n", a);
	return 2;
}
