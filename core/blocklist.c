/* SPDX-License-Identifier: MIT */
/*
 * Blocked commands, kept by the kernel for every descendant: a Landlock
 * layer of its own that handles only execution and reading files, and
 * grants both everywhere but on the blocked binaries, found by inode so
 * that every name and path of a binary (/bin/rm, /usr/bin/rm, a hard
 * link) is covered.  Reading too, since the dynamic loader runs a binary
 * it can read (ld.so /usr/bin/rm) without an execve of it.
 */

/* What the layer handles, and grants on everything but a blocked binary. */
#define BLOCK_ACCESS (LL_FS_EXECUTE | LL_FS_READ_FILE)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "landlock_compat.h"

/* Searched beside PATH, so that a trimmed PATH hides nothing. */
static const char *const standard_dirs[] = {
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
	"/usr/bin",	   "/sbin",	     "/bin",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool is_blocked(const struct corral_plan *plan, dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < plan->n_blocked; i++)
		if (plan->blocked[i].dev == dev && plan->blocked[i].ino == ino)
			return true;
	return false;
}

static bool listed(const struct corral_plan *plan, const char *real)
{
	size_t i;

	for (i = 0; i < plan->n_blocked; i++)
		if (!strcmp(plan->blocked[i].path, real))
			return true;
	return false;
}

/* One entry per path: the view masks each name of a binary. */
static int add_binary(struct corral_plan *plan, const char *path)
{
	struct corral_blocked *b;
	struct stat st;
	char *real;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	real = realpath(path, NULL);
	if (!real || listed(plan, real)) {
		free(real);
		return 0;
	}
	b = realloc(plan->blocked, (plan->n_blocked + 1) * sizeof(*b));
	if (!b) {
		free(real);
		return -ENOMEM;
	}
	plan->blocked = b;
	b[plan->n_blocked].dev = st.st_dev;
	b[plan->n_blocked].ino = st.st_ino;
	b[plan->n_blocked].path = real;
	plan->n_blocked++;
	return 0;
}

/* Every match of a pattern but those lifted by name (mkfs.* less mkfs.ext4). */
static int add_matches(struct corral_plan *plan, const char *pattern,
		       const struct corral_words *allow)
{
	const char *base;
	glob_t g;
	size_t i;
	int ret = 0;

	if (glob(pattern, GLOB_NOSORT, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc && !ret; i++) {
		base = strrchr(g.gl_pathv[i], '/');
		if (!corral_words_has(allow, base ? base + 1 : g.gl_pathv[i]))
			ret = add_binary(plan, g.gl_pathv[i]);
	}
	globfree(&g);
	return ret;
}

/*
 * The directories a name is looked up in: each PATH entry and each
 * standard one, once each by its canonical path (/bin is /usr/bin on a
 * merged-/usr system), held open so that looking a name up in one is a
 * single step of the kernel's path walk.  Relative PATH entries name no
 * fixed binary.
 */
struct search_dirs {
	struct corral_words paths;
	int *fds;
	const struct corral_words *allow; /* names lifted from patterns */
};

static int search_dir(struct corral_plan *plan, const struct search_dirs *dirs,
		      size_t i, const char *name)
{
	char pattern[PATH_MAX];
	struct stat st;

	if (!strpbrk(name, "*?[") &&
	    (fstatat(dirs->fds[i], name, &st, 0) || !S_ISREG(st.st_mode)))
		return 0; /* the usual case: not there */
	if (snprintf(pattern, sizeof(pattern), "%s/%s", dirs->paths.v[i],
		     name) >= (int)sizeof(pattern))
		return 0;
	if (!strpbrk(name, "*?["))
		return add_binary(plan, pattern);
	return add_matches(plan, pattern, dirs->allow);
}

static void search_dirs_free(struct search_dirs *dirs)
{
	size_t i;

	for (i = 0; dirs->fds && i < dirs->paths.n; i++)
		if (dirs->fds[i] >= 0)
			close(dirs->fds[i]);
	free(dirs->fds);
	corral_words_free(&dirs->paths);
}

static int open_dir(struct search_dirs *dirs, const char *dir)
{
	char *real = realpath(dir, NULL);
	int fd, ret;

	if (!real || corral_words_has(&dirs->paths, real)) {
		free(real);
		return 0;
	}
	fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ret = fd < 0 ? 0 : corral_words_add(&dirs->paths, real);
	free(real);
	if (fd < 0 || ret) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	dirs->fds[dirs->paths.n - 1] = fd;
	return 0;
}

static int search_dirs(struct search_dirs *dirs)
{
	char *path = strdup(getenv("PATH") ? getenv("PATH") : "");
	char *dir, *save;
	size_t i, most = COUNT(standard_dirs) + 1;
	int ret = 0;

	if (!path)
		return -ENOMEM;
	for (i = 0; path[i]; i++)
		most += path[i] == ':';
	dirs->fds = calloc(most, sizeof(*dirs->fds));
	if (!dirs->fds)
		ret = -ENOMEM;
	for (dir = strtok_r(path, ":", &save); dir && !ret;
	     dir = strtok_r(NULL, ":", &save))
		ret = dir[0] == '/' ? open_dir(dirs, dir) : 0;
	free(path);
	for (i = 0; i < COUNT(standard_dirs) && !ret; i++)
		ret = open_dir(dirs, standard_dirs[i]);
	return ret;
}

/* Every binary a name can mean here. */
static int resolve_name(struct corral_plan *plan,
			const struct search_dirs *dirs, const char *name)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < dirs->paths.n && !ret; i++)
		ret = search_dir(plan, dirs, i, name);
	return ret;
}

static nlink_t names_of(const struct corral_plan *plan, dev_t dev, ino_t ino)
{
	nlink_t n = 0;
	size_t i;

	for (i = 0; i < plan->n_blocked; i++)
		n += plan->blocked[i].dev == dev && plan->blocked[i].ino == ino;
	return n;
}

/*
 * Other names of a blocked binary (mkfs.ext4 is mke2fs): hard links live
 * on the same filesystem, in practice in the same directory.
 */
static int add_hard_links(struct corral_plan *plan)
{
	size_t i, n = plan->n_blocked;
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		if (stat(plan->blocked[i].path, &st) || st.st_nlink < 2 ||
		    names_of(plan, st.st_dev, st.st_ino) >= st.st_nlink)
			continue;
		snprintf(dir, sizeof(dir), "%s", plan->blocked[i].path);
		*strrchr(dir, '/') = '\0';
		d = opendir(dir[0] ? dir : "/");
		while (d && !ret && (de = readdir(d)))
			if (de->d_ino == st.st_ino) {
				snprintf(path, sizeof(path), "%s/%s", dir,
					 de->d_name);
				ret = add_binary(plan, path);
			}
		if (d)
			closedir(d);
	}
	return ret;
}

/* Resolve the block list, less the names lifted by an allow. */
int corral_blocklist_resolve(struct corral_plan *plan,
			     const struct corral_words *block,
			     const struct corral_words *allow,
			     struct corral_error *err)
{
	struct search_dirs dirs = { 0 };
	size_t i;
	int ret;

	for (i = 0; i < block->n; i++)
		if (!block->v[i][0])
			return corral_fail(
				err, -EINVAL, NULL,
				"an empty command name cannot be blocked");
	dirs.allow = allow;
	ret = block->n ? search_dirs(&dirs) : 0;
	for (i = 0; i < block->n && !ret; i++) {
		if (corral_words_has(allow, block->v[i]))
			continue;
		if (corral_words_add(&plan->block_names, block->v[i]))
			ret = -ENOMEM;
		else
			ret = strchr(block->v[i], '/')
				      ? add_matches(plan, block->v[i], allow)
				      : resolve_name(plan, &dirs, block->v[i]);
	}
	search_dirs_free(&dirs);
	if (!ret)
		ret = add_hard_links(plan);
	if (ret)
		return corral_fail(err, ret, NULL,
				   "cannot resolve blocked commands: %s",
				   strerror(-ret));
	return 0;
}

bool corral_plan_blocks(const struct corral_plan *plan, const char *path)
{
	struct stat st;

	return !stat(path, &st) && is_blocked(plan, st.st_dev, st.st_ino);
}

static bool holds_blocked(const struct corral_plan *plan, const char *dir)
{
	size_t i;

	for (i = 0; i < plan->n_blocked; i++)
		if (corral_path_within(plan->blocked[i].path, dir))
			return true;
	return false;
}

struct exec_layer {
	int fd;
	uint64_t refer; /* REFER where the ABI has it, see prepare */
	const struct corral_plan *plan;
	struct corral_error *err;
};

static int allow_exec(struct exec_layer *l, int dirfd, const char *name,
		      const char *path, bool is_dir)
{
	struct corral_ll_path_beneath pb = { .allowed_access = BLOCK_ACCESS };
	int ret = 0;

	if (is_dir)
		pb.allowed_access |= l->refer;
	pb.parent_fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return 0; /* gone, or not ours to reach: nothing to grant */
	if (syscall(__NR_landlock_add_rule, l->fd, LL_RULE_PATH_BENEATH, &pb,
		    0))
		ret = corral_fail(
			l->err, -errno, NULL,
			"landlock: cannot allow execution in '%s': %s", path,
			strerror(errno));
	close(pb.parent_fd);
	return ret;
}

/*
 * Grant execution on every entry of dir but the blocked binaries; recurse
 * into the directories that hold one.  Symlinks are skipped: what they
 * lead to is judged where it lives.
 */
static int grant_dir(struct exec_layer *l, const char *dir)
{
	char child[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);
	int ret = 0;

	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    S_ISLNK(st.st_mode) ||
		    is_blocked(l->plan, st.st_dev, st.st_ino))
			continue;
		snprintf(child, sizeof(child), "%s/%s",
			 strcmp(dir, "/") ? dir : "", de->d_name);
		if (S_ISDIR(st.st_mode) && holds_blocked(l->plan, child))
			ret = grant_dir(l, child);
		else
			ret = allow_exec(l, dirfd(d), de->d_name, child,
					 S_ISDIR(st.st_mode));
	}
	closedir(d);
	return ret;
}

/*
 * Grant execution beneath every grant of the plan that may hold a program
 * (what the filesystem layer leaves out, this one need not allow), the
 * directories with a blocked binary entry by entry.  Walking from the
 * grants, not from /, also works inside another sandbox, which may not
 * let / be listed.
 */
static int grant_plan(struct exec_layer *l)
{
	const struct corral_plan *plan = l->plan;
	struct stat st;
	size_t i;
	int ret = 0;

	for (i = 0; i < plan->n_rules && !ret; i++) {
		const struct corral_rule *g = &plan->rules[i];

		if (g->kind != CORRAL_RULE_GRANT || !g->exists ||
		    !(g->access & CORRAL_ACCESS_READ) || stat(g->path, &st) ||
		    is_blocked(plan, st.st_dev, st.st_ino))
			continue;
		if (S_ISDIR(st.st_mode) && holds_blocked(plan, g->path))
			ret = grant_dir(l, g->path);
		else
			ret = allow_exec(l, AT_FDCWD, g->path, g->path,
					 S_ISDIR(st.st_mode));
	}
	return ret;
}

/*
 * Build the layer while the process can still list every directory: the
 * filesystem layer, enforced first, would hide most of them.  *fd stays
 * -1 when nothing is blocked.
 */
int corral_blocklist_prepare(const struct corral_plan *plan, int *fd,
			     struct corral_error *err)
{
	struct corral_ll_ruleset_attr attr = { .handled_access_fs =
						       BLOCK_ACCESS };
	struct exec_layer l = { .plan = plan, .err = err };
	int ret;

	/*
	 * Every layer denies moving files across directories unless it
	 * grants REFER itself, handled or not: so this one handles and
	 * grants it everywhere, and still refuses to move a blocked binary
	 * somewhere it would become executable.
	 */
	if (plan->abi >= 2) {
		l.refer = LL_FS_REFER;
		attr.handled_access_fs |= LL_FS_REFER;
	}
	*fd = -1;
	if (!plan->n_blocked || plan->namespaces)
		return 0; /* a view masks them */
	l.fd = (int)syscall(__NR_landlock_create_ruleset, &attr,
			    sizeof(attr.handled_access_fs), 0);
	if (l.fd < 0)
		return corral_fail(
			err, -errno, NULL,
			"landlock: cannot create the blocked-command layer: %s",
			strerror(errno));
	ret = grant_plan(&l);
	if (ret)
		close(l.fd);
	else
		*fd = l.fd;
	return ret;
}

int corral_blocklist_enforce(int fd, struct corral_error *err)
{
	int ret = 0;

	if (fd < 0)
		return 0;
	if (syscall(__NR_landlock_restrict_self, fd, 0))
		ret = corral_fail(
			err, -errno,
			errno == E2BIG
				? "the kernel stacks at most 16 Landlock layers; each sandbox with blocked commands uses two"
				: NULL,
			"landlock: cannot enforce the blocked-command layer: %s",
			strerror(errno));
	close(fd);
	return ret;
}

void corral_blocklist_describe(const struct corral_plan *plan, FILE *f)
{
	size_t i;

	if (!plan->block_names.n) {
		fprintf(f, "blocked commands: none\n");
		return;
	}
	if (plan->namespaces)
		fprintf(f,
			"blocked commands: masked in the view (an empty file no one may run or read, on a noexec mount, over each name), for every descendant, by any path:");
	else
		fprintf(f,
			"blocked commands: a Landlock layer that allows execution and reading everywhere but on these binaries (by inode, so that neither execve nor the dynamic loader runs them), for every descendant, by any path:");
	for (i = 0; i < plan->n_blocked; i++)
		fprintf(f, " %s", plan->blocked[i].path);
	fprintf(f,
		"\nblocked commands: a copy of a binary made inside the sandbox, a multi-call binary (busybox rm) or an interpreter (python3 -c 'os.remove(...)') is not blocked: the filesystem policy is what protects files\n");
}
