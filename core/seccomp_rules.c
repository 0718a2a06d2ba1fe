/* SPDX-License-Identifier: MIT */
/*
 * The rules of the syscall filter, written with libseccomp: terminal
 * injection, namespace and mount changes, kernel-wide interfaces,
 * cross-process memory access, and the socket families the network
 * policy forbids.  A filter depends on a few switches only, so every
 * variant is built once, when corral is built (tools/filters.c), and a
 * confinement loads the ready program (seccomp.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <netinet/in.h>
#include <seccomp.h>

#include "internal.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#define DENY SCMP_ACT_ERRNO(EPERM)

/*
 * An int argument, compared on the low 32 bits that the kernel reads: a
 * plain comparison of all 64 would let a caller set the high ones and
 * slip past the rule.
 */
#define INT_EQ(value) SCMP_CMP_MASKED_EQ, 0xffffffffULL, (scmp_datum_t)(value)

/* Denied outright: none of these has a use inside a sandbox. */
static const char *const denied_syscalls[] = {
	"unshare",
	"setns",
	"mount",
	"umount",
	"umount2",
	"pivot_root",
	"move_mount",
	"open_tree",
	"fsopen",
	"fsconfig",
	"fsmount",
	"fspick",
	"mount_setattr",
	"chroot",
	"init_module",
	"finit_module",
	"delete_module",
	"kexec_load",
	"kexec_file_load",
	"bpf",
	"perf_event_open",
	"userfaultfd",
	"keyctl",
	"add_key",
	"request_key",
	"process_vm_readv",
	"process_vm_writev",
	"io_uring_setup",
	"io_uring_enter",
	"io_uring_register",
	"open_by_handle_at",
	"name_to_handle_at",
	"iopl",
	"ioperm",
	"acct",
	"swapon",
	"swapoff",
	"reboot",
	"quotactl",
	"lookup_dcookie",
	"vhangup",
	"nfsservctl",
	"syslog",
};

static const unsigned long namespace_flags[] = {
	CLONE_NEWNS,  CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET,
	CLONE_NEWUTS, CLONE_NEWIPC,  CLONE_NEWCGROUP,
};

static int deny_by_name(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not on this architecture */
	return seccomp_rule_add(ctx, DENY, nr, 0);
}

/*
 * The request is compared on its low 32 bits only: the kernel ignores the
 * high ones, and a filter that compared all 64 was bypassed by setting
 * them (CVE-2019-10063).
 */
static int deny_terminal_injection(scmp_filter_ctx ctx)
{
	int ret;

	ret = seccomp_rule_add(
		ctx, DENY, SCMP_SYS(ioctl), 1,
		SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, TIOCSTI));
	if (!ret)
		ret = seccomp_rule_add(
			ctx, DENY, SCMP_SYS(ioctl), 1,
			SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, TIOCLINUX));
	return ret;
}

/*
 * clone: refuse any namespace flag.  clone3 passes its flags in memory a
 * filter cannot read, so it answers ENOSYS and libc falls back to clone.
 */
static int deny_namespaces(scmp_filter_ctx ctx)
{
	size_t i;
	int ret = 0;

	for (i = 0;
	     i < sizeof(namespace_flags) / sizeof(namespace_flags[0]) && !ret;
	     i++)
		ret = seccomp_rule_add(ctx, DENY, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ,
					       namespace_flags[i],
					       namespace_flags[i]));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(clone3), 0);
	return ret;
}

/*
 * personality() may not turn on READ_IMPLIES_EXEC.  The kernel sets any
 * 32-bit value but the query personality(0xffffffff), so a value with
 * READ_IMPLIES_EXEC is denied as soon as one other bit is clear: one rule
 * per bit, since a filter cannot compare against "all ones but this".
 */
static int deny_personality(scmp_filter_ctx ctx)
{
	scmp_datum_t bit;
	int ret = 0;

	for (bit = 1; bit <= 0x80000000ULL && !ret; bit <<= 1) {
		if (bit == READ_IMPLIES_EXEC)
			continue;
		ret = seccomp_rule_add(ctx, DENY, SCMP_SYS(personality), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ,
					       READ_IMPLIES_EXEC | bit,
					       READ_IMPLIES_EXEC));
	}
	return ret;
}

/* Deny socket() of every family but those allowed. */
static int deny_families(scmp_filter_ctx ctx, const int *allowed, size_t n)
{
	int family, ret = 0;
	size_t i;
	bool ok;

	for (family = 0; family < AF_MAX && !ret; family++) {
		for (i = 0, ok = false; i < n; i++)
			ok |= allowed[i] == family;
		if (!ok)
			ret = seccomp_rule_add(
				ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				SCMP_SYS(socket), 1, SCMP_A0(INT_EQ(family)));
	}
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				       SCMP_SYS(socket), 1,
				       SCMP_A0(SCMP_CMP_GE, AF_MAX));
	return ret;
}

/* With port rules only plain TCP may be made: Landlock rules see no more. */
static int only_plain_tcp(scmp_filter_ctx ctx)
{
	static const int inet[] = { AF_INET, AF_INET6 };
	static const int types[] = { SOCK_DGRAM,     SOCK_RAW,	SOCK_RDM,
				     SOCK_SEQPACKET, SOCK_DCCP, SOCK_PACKET };
	size_t f, t;
	int proto, ret = 0;

	for (f = 0; f < 2 && !ret; f++) {
		for (t = 0; t < sizeof(types) / sizeof(types[0]) && !ret; t++)
			ret = seccomp_rule_add(
				ctx, SCMP_ACT_ERRNO(EPROTONOSUPPORT),
				SCMP_SYS(socket), 2, SCMP_A0(INT_EQ(inet[f])),
				SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, types[t]));
		for (proto = 1; proto < IPPROTO_TCP && !ret; proto++)
			ret = seccomp_rule_add(
				ctx, SCMP_ACT_ERRNO(EPROTONOSUPPORT),
				SCMP_SYS(socket), 2, SCMP_A0(INT_EQ(inet[f])),
				SCMP_A2(INT_EQ(proto)));
		if (!ret)
			ret = seccomp_rule_add(
				ctx, SCMP_ACT_ERRNO(EPROTONOSUPPORT),
				SCMP_SYS(socket), 2, SCMP_A0(INT_EQ(inet[f])),
				SCMP_A2(SCMP_CMP_GT, IPPROTO_TCP));
	}
	return ret;
}

static int network_rules(scmp_filter_ctx ctx, unsigned variant)
{
	static const int unix_only[] = { AF_UNIX };
	static const int unix_tcp[] = { AF_UNIX, AF_INET, AF_INET6 };
	static const int tcp_only[] = { AF_INET, AF_INET6 };
	enum corral_filter_net net = CORRAL_FILTER_NET(variant);
	bool unix_ok = variant & CORRAL_FILTER_UNIX;
	bool ports =
		net == CORRAL_FILTER_PORTS || net == CORRAL_FILTER_PORTS_BIND;
	int ret = 0;

	if (net == CORRAL_FILTER_OFF)
		ret = unix_ok ? deny_families(ctx, unix_only, 1)
			      : deny_families(ctx, NULL, 0);
	else if (ports)
		ret = unix_ok ? deny_families(ctx, unix_tcp, 3)
			      : deny_families(ctx, tcp_only, 2);
	else if (!unix_ok)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
				       SCMP_SYS(socket), 1,
				       SCMP_A0(INT_EQ(AF_UNIX)));
	if (!ret && ports)
		ret = only_plain_tcp(ctx);
	/* listen() without bind() takes a port of its own choosing. */
	if (!ret && net == CORRAL_FILTER_PORTS)
		ret = seccomp_rule_add(ctx, DENY, SCMP_SYS(listen), 0);
	return ret;
}

/*
 * Landlock scopes signals, not resource limits: prlimit() on a process
 * outside could give the user's shell no processes or a CPU second to
 * live.  Setting limits is allowed on the caller itself (pid 0, what
 * setrlimit() sends); reading another's stays allowed.
 */
static int deny_foreign_limits(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(ctx, DENY, SCMP_SYS(prlimit64), 2,
				SCMP_A0(SCMP_CMP_NE, 0),
				SCMP_A2(SCMP_CMP_NE, 0));
}

static int add_rules(scmp_filter_ctx ctx, unsigned variant)
{
	size_t i;
	int ret = 0;

	for (i = 0;
	     i < sizeof(denied_syscalls) / sizeof(denied_syscalls[0]) && !ret;
	     i++)
		ret = deny_by_name(ctx, denied_syscalls[i]);
	if (!ret && !(variant & CORRAL_FILTER_PTRACE))
		ret = deny_by_name(ctx, "ptrace");
	if (!ret)
		ret = deny_terminal_injection(ctx);
	if (!ret)
		ret = deny_namespaces(ctx);
	if (!ret)
		ret = deny_personality(ctx);
	if (!ret)
		ret = deny_foreign_limits(ctx);
	if (!ret)
		ret = network_rules(ctx, variant);
	return ret;
}

/* libseccomp 2.5 exports only to a descriptor: go through a memfd. */
static int export_program(scmp_filter_ctx ctx, struct sock_filter **prog,
			  size_t *len)
{
	int fd = memfd_create("corral-seccomp", MFD_CLOEXEC);
	struct stat st;
	int ret;

	if (fd < 0)
		return -errno;
	ret = seccomp_export_bpf(ctx, fd);
	if (!ret && fstat(fd, &st))
		ret = -errno;
	if (!ret) {
		*prog = malloc((size_t)st.st_size);
		if (!*prog)
			ret = -ENOMEM;
	}
	if (!ret && pread(fd, *prog, (size_t)st.st_size, 0) != st.st_size) {
		free(*prog);
		ret = -EIO;
	}
	if (!ret)
		*len = (size_t)st.st_size / sizeof(struct sock_filter);
	close(fd);
	return ret;
}

int corral_seccomp_build(unsigned variant, struct sock_filter **prog,
			 size_t *len)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (!ctx)
		return -ENOMEM;
	/* Other architectures and x32 would dodge every rule: kill them. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			       SCMP_ACT_KILL_PROCESS);
	if (!ret)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (!ret)
		ret = add_rules(ctx, variant);
	if (!ret)
		ret = export_program(ctx, prog, len);
	seccomp_release(ctx);
	return ret;
}
