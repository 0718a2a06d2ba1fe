/* SPDX-License-Identifier: MIT */
/*
 * minwrap: the least a Landlock sandbox can do before exec, as a floor to
 * measure corral against.  /usr, /lib and /etc readable and executable,
 * the working directory read-write, nothing else; no_new_privs; a small
 * seccomp filter (a foreign architecture killed, a dozen syscalls
 * refused).  No options, no profile, no mount namespace.
 *
 *   minwrap COMMAND [ARG...]
 *
 * MINWRAP_SKIP=landlock or MINWRAP_SKIP=seccomp leaves that layer out,
 * to tell what each costs a long-running command.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define READ_RIGHTS                                                            \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |           \
	 LANDLOCK_ACCESS_FS_READ_DIR)
#define WRITE_RIGHTS                                                           \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |       \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR |        \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |          \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM)
#define ABI1_RIGHTS                                                            \
	(READ_RIGHTS | WRITE_RIGHTS | LANDLOCK_ACCESS_FS_MAKE_CHAR |           \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK)

static int die(const char *what)
{
	fprintf(stderr, "minwrap: %s: %s\n", what, strerror(errno));
	return 125;
}

static uint64_t handled_rights(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	uint64_t rights = ABI1_RIGHTS;

	if (abi >= 2)
		rights |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return abi < 1 ? 0 : rights;
}

static int add_rule(int ruleset, const char *path, uint64_t rights)
{
	struct landlock_path_beneath_attr pb = {.allowed_access = rights};
	int ret;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return errno == ENOENT ? 0 : -1;
	ret = syscall(SYS_landlock_add_rule, ruleset,
		      LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(pb.parent_fd);
	return ret;
}

static int apply_landlock(void)
{
	struct landlock_ruleset_attr attr = {.handled_access_fs =
						 handled_rights()};
	uint64_t rw = attr.handled_access_fs &
		      (READ_RIGHTS | WRITE_RIGHTS | LANDLOCK_ACCESS_FS_REFER |
		       LANDLOCK_ACCESS_FS_TRUNCATE);
	int ruleset, ret;

	if (!attr.handled_access_fs) {
		errno = EOPNOTSUPP;
		return -1;
	}
	ruleset = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -1;
	ret = add_rule(ruleset, "/usr", READ_RIGHTS);
	if (!ret)
		ret = add_rule(ruleset, "/lib", READ_RIGHTS);
	if (!ret)
		ret = add_rule(ruleset, "/etc", READ_RIGHTS);
	if (!ret)
		ret = add_rule(ruleset, ".", rw);
	if (!ret)
		ret = syscall(SYS_landlock_restrict_self, ruleset, 0);
	close(ruleset);
	return ret;
}

#define DENY(nr)                                                               \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),                       \
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

static int apply_seccomp(void)
{
	struct sock_filter insns[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, nr)),
	    /* x32 shares the architecture: its numbers have bit 30 set */
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    DENY(SYS_ptrace),
	    DENY(SYS_mount),
	    DENY(SYS_umount2),
	    DENY(SYS_unshare),
	    DENY(SYS_setns),
	    DENY(SYS_kexec_load),
	    DENY(SYS_init_module),
	    DENY(SYS_finit_module),
	    DENY(SYS_bpf),
	    DENY(SYS_perf_event_open),
	    DENY(SYS_userfaultfd),
	    DENY(SYS_keyctl),
	    DENY(SYS_process_vm_writev),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
	    .len = sizeof(insns) / sizeof(insns[0]),
	    .filter = insns,
	};

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static bool skip(const char *layer)
{
	const char *what = getenv("MINWRAP_SKIP");

	return what && !strcmp(what, layer);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: minwrap COMMAND [ARG...]\n", stderr);
		return 125;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return die("no_new_privs");
	if (!skip("landlock") && apply_landlock())
		return die("landlock");
	if (!skip("seccomp") && apply_seccomp())
		return die("seccomp");
	execvp(argv[1], argv + 1);
	fprintf(stderr, "minwrap: cannot run '%s': %s\n", argv[1],
		strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
