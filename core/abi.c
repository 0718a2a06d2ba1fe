/* SPDX-License-Identifier: MIT */
/*
 * What the running kernel offers: the Landlock ABI and its rights, in one
 * table, and whether unprivileged user namespaces may be used.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "landlock_compat.h"

#define FS_READ (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
/*
 * Writing never includes MAKE_CHAR or MAKE_BLOCK: a device node made in a
 * granted directory would reach whatever it names (a disk, for root).
 */
#define FS_WRITE                                                               \
	(LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE |             \
	 LL_FS_MAKE_DIR | LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | \
	 LL_FS_MAKE_SYM | LL_FS_REFER | LL_FS_TRUNCATE)
/* Rights that make sense on a file rather than a directory. */
#define FS_FILE                                                                \
	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | \
	 LL_FS_IOCTL_DEV)

/*
 * Every filesystem right each ABI knows, indexed by ABI; ABIs 6 to 8 add
 * none.  TODO(#3): ABI 9's RESOLVE_UNIX (connect() to pathname sockets)
 * would keep daemons out without a view; unused until a kernel here has
 * it, so that the rule can be tested.
 */
static const uint64_t abi_fs[] = {
	[1] = (1ULL << 13) - 1, [2] = (1ULL << 14) - 1, [3] = (1ULL << 15) - 1,
	[4] = (1ULL << 15) - 1, [5] = (1ULL << 16) - 1,
};
#define ABI_FS_MAX ((int)(sizeof(abi_fs) / sizeof(abi_fs[0])) - 1)

int corral_landlock_kernel_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
			   LL_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

/* The kernel's ABI, lowered by CORRAL_TEST_MAX_ABI to test fallbacks. */
int corral_landlock_abi(void)
{
	int abi = corral_landlock_kernel_abi();
	const char *cap = getenv(CORRAL_ENV_MAX_ABI);
	char *end;
	long max;

	if (abi <= 0 || !cap || !*cap)
		return abi;
	max = strtol(cap, &end, 10);
	if (*end || max < 0)
		return abi;
	if (max == 0)
		return -EOPNOTSUPP;
	return max < abi ? (int)max : abi;
}

uint64_t corral_landlock_handled_fs(int abi)
{
	if (abi <= 0)
		return 0;
	return abi_fs[abi > ABI_FS_MAX ? ABI_FS_MAX : abi];
}

/*
 * The Landlock rights of a grant, intersected with what the ABI knows.
 * IOCTL_DEV comes with write access: terminals need their ioctls.
 */
uint64_t corral_landlock_rights(unsigned access, bool is_dir, int abi)
{
	uint64_t rights = 0;

	if (access & CORRAL_ACCESS_READ)
		rights |= FS_READ;
	if (access & CORRAL_ACCESS_WRITE)
		rights |= FS_WRITE | LL_FS_IOCTL_DEV;
	if (!is_dir)
		rights &= FS_FILE;
	return rights & corral_landlock_handled_fs(abi);
}

bool corral_namespaces_disabled(void)
{
	const char *v = getenv(CORRAL_ENV_NO_NAMESPACES);

	return v && *v;
}
