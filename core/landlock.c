/* SPDX-License-Identifier: MIT */
/*
 * The Landlock layer: the filesystem allow-list of the plan.  Without a
 * mount namespace, a deny or protect inside a grant is kept by granting
 * the siblings of the carved-out path instead of its parent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "landlock_compat.h"

struct ruleset {
	int fd;
	int abi;
	struct corral_plan *plan;
	bool siblings;
	struct corral_error *err;
};

static int add_rule_fd(struct ruleset *rs, int fd, unsigned access,
		       bool only_list, const char *path)
{
	struct corral_ll_path_beneath pb = { 0 };
	struct stat st;
	uint64_t rights;

	if (fstat(fd, &st))
		return corral_fail(rs->err, -errno, NULL,
				   "cannot stat '%s': %s", path,
				   strerror(errno));
	rights = corral_landlock_rights(access, S_ISDIR(st.st_mode), rs->abi);
	if (only_list)
		rights &= LL_FS_READ_DIR;
	if (!rights)
		return 0;
	pb.allowed_access = rights;
	pb.parent_fd = fd;
	if (syscall(__NR_landlock_add_rule, rs->fd, LL_RULE_PATH_BENEATH, &pb,
		    0))
		return corral_fail(rs->err, -errno, NULL,
				   "landlock: cannot add a rule for '%s': %s",
				   path, strerror(errno));
	return 0;
}

/* A grant whose path went away or cannot be reached grants nothing. */
static int add_rule_at(struct ruleset *rs, int dirfd, const char *name,
		       const char *path, unsigned access, bool only_list)
{
	int fd = openat(dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	int ret;

	if (fd < 0) {
		if (errno == ENOENT || errno == EACCES || errno == ELOOP)
			return 0;
		return corral_fail(rs->err, -errno, NULL,
				   "cannot open '%s': %s", path,
				   strerror(errno));
	}
	ret = add_rule_fd(rs, fd, access, only_list, path);
	close(fd);
	return ret;
}

/* Does a deny or protect apply to path itself (exact) or below it? */
/*
 * Which carve-outs Landlock must keep by granting siblings.  An existing
 * one only without a view (with one, a mount covers it).  A missing one,
 * in both cases, inside a writable grant: no mount can cover a path that
 * does not exist, so its parent must not let anything new be made.
 */
static bool kept_by_landlock(const struct ruleset *rs,
			     const struct corral_rule *r, unsigned access)
{
	if (r->kind == CORRAL_RULE_GRANT || r->lifted)
		return false;
	if (r->exists)
		return rs->siblings;
	return r->guard_missing && (access & CORRAL_ACCESS_WRITE);
}

static const struct corral_rule *carved(const struct ruleset *rs,
					const char *path, unsigned access,
					bool exact, bool *is_deny)
{
	const struct corral_rule *found = NULL;
	size_t i;

	*is_deny = false;
	for (i = 0; i < rs->plan->n_rules; i++) {
		const struct corral_rule *r = &rs->plan->rules[i];
		bool same;

		if (!kept_by_landlock(rs, r, access))
			continue;
		if (r->kind == CORRAL_RULE_PROTECT &&
		    !(access & CORRAL_ACCESS_WRITE))
			continue;
		same = !strcmp(r->path, path);
		if (exact ? !same : same || !corral_path_within(r->path, path))
			continue;
		found = r;
		if (r->kind == CORRAL_RULE_DENY) {
			*is_deny = true;
			break;
		}
	}
	return found;
}

bool corral_landlock_partly_granted(const struct corral_plan *plan,
				    const char *dir)
{
	struct ruleset rs = { .plan = (struct corral_plan *)plan,
			      .siblings = !plan->namespaces };
	bool deny;

	return carved(&rs, dir, CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE, false,
		      &deny) != NULL;
}

static int expand(struct ruleset *rs, const char *path, unsigned access);

static int expand_children(struct ruleset *rs, const char *path,
			   unsigned access)
{
	char child[PATH_MAX];
	struct dirent *de;
	DIR *dir = opendir(path);
	int ret = 0;

	if (!dir) {
		if (errno == EACCES || errno == ENOENT)
			return 0;
		return corral_fail(rs->err, -errno, NULL,
				   "cannot list '%s' to grant its entries: %s",
				   path, strerror(errno));
	}
	while (!ret && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* A symlink leads to a path judged by its own rules. */
		if (de->d_type == DT_LNK)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s",
			     strcmp(path, "/") ? path : "",
			     de->d_name) >= (int)sizeof(child))
			continue;
		ret = expand(rs, child, access);
	}
	closedir(dir);
	return ret;
}

/*
 * Grant path with access, leaving out every deny below it and keeping
 * every protect below it read-only.  A directory with a carve-out below is
 * not granted itself (only listed), so nothing can be added to it, renamed
 * into it or removed from it; each of its entries is granted instead.
 */
static int expand(struct ruleset *rs, const char *path, unsigned access)
{
	bool deny;
	int ret;

	if (carved(rs, path, access, true, &deny)) {
		if (deny)
			return 0;
		access &= CORRAL_ACCESS_READ;
	}
	if (!carved(rs, path, access, false, &deny))
		return add_rule_at(rs, AT_FDCWD, path, path, access, false);

	ret = add_rule_at(rs, AT_FDCWD, path, path, access & CORRAL_ACCESS_READ,
			  deny);
	return ret ? ret : expand_children(rs, path, access);
}

static int add_grants(struct ruleset *rs)
{
	size_t i;
	int ret;

	for (i = 0; i < rs->plan->n_rules; i++) {
		const struct corral_rule *g = &rs->plan->rules[i];

		if (g->kind != CORRAL_RULE_GRANT || !g->exists)
			continue;
		/*
		 * The private /tmp is fresh: granted whole, or nothing could
		 * be made in it.  A missing denied path under a home or a
		 * project that lives in /tmp is therefore not guarded.
		 */
		if (!strcmp(g->origin, ORIGIN_PRIVATE_TMP))
			ret = add_rule_at(rs, AT_FDCWD, g->path, g->path,
					  g->access, false);
		else
			ret = expand(rs, g->path, g->access);
		if (ret)
			return ret;
	}
	return 0;
}

/* TCP port rules (ABI 4): with the network off, no rule at all. */
static bool handles_net(const struct ruleset *rs)
{
	return rs->abi >= 4 && (rs->plan->net.off || rs->plan->net.ports);
}

static int add_port(struct ruleset *rs, uint16_t port, uint64_t access)
{
	struct corral_ll_net_port np = { .allowed_access = access,
					 .port = port };

	if (!syscall(__NR_landlock_add_rule, rs->fd, LL_RULE_NET_PORT, &np, 0))
		return 0;
	return corral_fail(rs->err, -errno, NULL,
			   "landlock: cannot add a rule for TCP port %u: %s",
			   port, strerror(errno));
}

static int add_ports(struct ruleset *rs)
{
	const struct corral_net *net = &rs->plan->net;
	size_t i;
	int ret = 0;

	if (!handles_net(rs) || net->off)
		return 0;
	for (i = 0; i < net->n_connect && !ret; i++)
		ret = add_port(rs, net->connect[i], LL_NET_CONNECT_TCP);
	for (i = 0; i < net->n_bind && !ret; i++)
		ret = add_port(rs, net->bind[i], LL_NET_BIND_TCP);
	return ret;
}

static int create_ruleset(struct ruleset *rs)
{
	struct corral_ll_ruleset_attr attr = { 0 };
	size_t size = sizeof(attr.handled_access_fs);

	attr.handled_access_fs = corral_landlock_handled_fs(rs->abi);
	if (handles_net(rs)) {
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = offsetof(struct corral_ll_ruleset_attr, scoped);
	}
	/* Signals and abstract sockets stop at the sandbox's edge (ABI 6). */
	if (rs->abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	rs->fd = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
	if (rs->fd < 0)
		return corral_fail(
			rs->err, -errno,
			"Landlock must be enabled in the kernel (see /sys/kernel/security/lsm)",
			"landlock: cannot create a ruleset: %s",
			strerror(errno));
	return 0;
}

static int restrict_self(struct ruleset *rs)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return corral_fail(rs->err, -errno, NULL,
				   "cannot set no_new_privs: %s",
				   strerror(errno));
	if (!syscall(__NR_landlock_restrict_self, rs->fd, 0))
		return 0;
	if (errno == E2BIG)
		return corral_fail(
			rs->err, -E2BIG,
			"the kernel stacks at most 16 Landlock layers: run this from a less nested shell",
			"landlock: too many nested sandboxes");
	return corral_fail(rs->err, -errno, NULL,
			   "landlock: cannot enforce the ruleset: %s",
			   strerror(errno));
}

/*
 * Build and enforce the filesystem ruleset.  no_new_privs is set first:
 * Landlock requires it of a process without CAP_SYS_ADMIN, and it keeps
 * set-uid programs from running with more than the sandbox allows.
 */
int corral_landlock_apply(struct corral_plan *plan, bool siblings,
			  struct corral_error *err)
{
	struct ruleset rs = {
		.fd = -1,
		.abi = plan->abi,
		.plan = plan,
		.siblings = siblings,
		.err = err,
	};
	int ret;

	ret = create_ruleset(&rs);
	if (ret)
		return ret;
	ret = add_grants(&rs);
	if (!ret)
		ret = add_ports(&rs);
	if (!ret)
		ret = restrict_self(&rs);
	close(rs.fd);
	return ret;
}
