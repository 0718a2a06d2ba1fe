/* SPDX-License-Identifier: MIT */
/*
 * The view: a private mount namespace (inside a user namespace unless we
 * are root) where denied paths inside grants are masked, protected paths
 * are bound read-only, and /tmp is a fresh tmpfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "internal.h"

#define VIEW_FALLBACK 1

int corral_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(text), n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, (size_t)len);
	if (n != len) {
		n = n < 0 ? -errno : -EIO;
		close(fd);
		return (int)n;
	}
	close(fd);
	return 0;
}

/* Map our uid and gid to themselves; setgroups must be denied first. */
static int map_ids(uid_t uid, gid_t gid, struct corral_error *err)
{
	char map[64];
	int ret;

	ret = corral_write_file("/proc/self/setgroups", "deny");
	if (!ret) {
		snprintf(map, sizeof(map), "%u %u 1", uid, uid);
		ret = corral_write_file("/proc/self/uid_map", map);
	}
	if (!ret) {
		snprintf(map, sizeof(map), "%u %u 1", gid, gid);
		ret = corral_write_file("/proc/self/gid_map", map);
	}
	if (ret)
		return corral_fail(
			err, ret, NULL,
			"view: cannot map the user id in the new user namespace: %s",
			strerror(-ret));
	return 0;
}

/*
 * A Landlock domain forbids writing the id maps, and so a sandbox inside
 * a sandbox cannot build a view: detect that before unsharing anything.
 */
static bool can_write_maps(void)
{
	int fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * A mount namespace for the view, an IPC one so that the user's System V
 * shared memory, semaphores and message queues (and POSIX queues) stay
 * outside, and a user namespace unless we are root.
 */
static int enter_namespaces(struct corral_plan *plan)
{
	int flags =
		CLONE_NEWNS | CLONE_NEWIPC | (plan->root ? 0 : CLONE_NEWUSER);

	if (!plan->root && !can_write_maps()) {
		corral_note(plan, "no user namespace inside this sandbox");
		return VIEW_FALLBACK;
	}
	if (unshare(flags)) {
		corral_note(plan, "cannot create a %s namespace: %s",
			    plan->root ? "mount" : "user", strerror(errno));
		return VIEW_FALLBACK;
	}
	return 0;
}

static int mount_fail(struct corral_error *err, const char *what,
		      const char *path)
{
	return corral_fail(err, -errno, NULL, "view: cannot %s '%s': %s", what,
			   path, strerror(errno));
}

/* An empty read-only directory over a denied one. */
static int mask_dir(const char *path, struct corral_error *err)
{
	if (mount("corral-deny", path, "tmpfs",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,nr_inodes=1,mode=000"))
		return mount_fail(err, "mask", path);
	return 0;
}

/*
 * Add attributes to the mount at path.  mount_setattr leaves the others
 * (atime above all) as they are: a remount would reset them, which a user
 * namespace may not do to a mount it inherited.
 */
static int add_attrs(const char *path, uint64_t attrs, unsigned flags)
{
	struct mount_attr attr = { .attr_set = attrs };

	return mount_setattr(AT_FDCWD, path, flags, &attr, sizeof(attr));
}

/* /dev/null on a nodev mount over a denied file: every open fails. */
static int mask_file(const char *path, struct corral_error *err)
{
	if (mount("/dev/null", path, NULL, MS_BIND, NULL) ||
	    add_attrs(path,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			      MOUNT_ATTR_NOEXEC,
		      0))
		return mount_fail(err, "mask", path);
	return 0;
}

/* Bind a path over itself read-only; renaming onto a mount point fails. */
static int bind_readonly(const char *path, struct corral_error *err)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) ||
	    add_attrs(path,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
		      AT_RECURSIVE))
		return mount_fail(err, "protect", path);
	return 0;
}

/*
 * Re-create path inside the fresh /tmp and bind the original there, as
 * writable as the grants make it: Landlock grants the fresh /tmp whole,
 * so inside it the mount alone keeps a read grant read-only.
 */
static int carry_over(int fd, const char *path, bool is_dir, bool writable,
		      struct corral_error *err)
{
	char buf[PATH_MAX], src[64];
	char *p;
	int made;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return mount_fail(err, "create", buf);
		*p = '/';
	}
	made = is_dir ? mkdir(path, 0755) : mknod(path, S_IFREG | 0600, 0);
	if (made && errno != EEXIST)
		return mount_fail(err, "create", path);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, path, NULL, MS_BIND | MS_REC, NULL))
		return mount_fail(err, "carry over", path);
	/* The system is read-only by now: a writable grant is made so again. */
	if (mount_setattr(
		    AT_FDCWD, path, 0,
		    &(struct mount_attr){
			    .attr_set = writable ? 0 : MOUNT_ATTR_RDONLY,
			    .attr_clr = writable ? MOUNT_ATTR_RDONLY : 0 },
		    sizeof(struct mount_attr)))
		return mount_fail(err, "carry over", path);
	return 0;
}

/*
 * Whether grant i is carried into the fresh /tmp: it lies beneath /tmp,
 * and no other grant carries it already with the same writability (the
 * first of equal paths, the outermost of nested ones).
 */
static bool carried(const struct corral_plan *plan, size_t i)
{
	const struct corral_rule *r = &plan->rules[i];
	const struct corral_rule *outer = NULL;
	bool writable;
	size_t j;

	if (!corral_policy_grant(r) || !corral_path_within(r->path, "/tmp") ||
	    !strcmp(r->path, "/tmp"))
		return false;
	writable = corral_plan_granted(plan, r->path) & CORRAL_ACCESS_WRITE;
	for (j = 0; j < plan->n_rules; j++) {
		const struct corral_rule *o = &plan->rules[j];

		if (j == i || !corral_policy_grant(o) ||
		    !corral_path_within(r->path, o->path))
			continue;
		if (!strcmp(r->path, o->path)) {
			if (j < i)
				return false;
		} else if (!outer || strlen(o->path) > strlen(outer->path)) {
			outer = o;
		}
	}
	return !outer || (bool)(corral_plan_granted(plan, outer->path) &
				CORRAL_ACCESS_WRITE) != writable;
}

#define MAX_CARRIED 64

struct carry {
	const char *path;
	bool is_dir, writable;
	size_t depth; /* the length of its path */
	int fd; /* opened before the old /tmp is covered */
};

/* Outer paths first, so that a nested grant is bound over its parent's. */
static int by_depth(const void *a, const void *b)
{
	const struct carry *x = a, *y = b;

	return (x->depth > y->depth) - (x->depth < y->depth);
}

static int add_carry(struct carry *c, size_t *n, const char *path, bool is_dir,
		     bool writable, struct corral_error *err)
{
	if (*n == MAX_CARRIED)
		return corral_fail(err, -E2BIG, NULL,
				   "view: more than %d grants under /tmp",
				   MAX_CARRIED);
	c[*n] = (struct carry){ path, is_dir, writable, strlen(path), -1 };
	c[*n].fd = open(path, O_PATH | O_CLOEXEC);
	if (c[*n].fd < 0)
		return mount_fail(err, "open", path);
	(*n)++;
	return 0;
}

/* The grants under /tmp, and the sockets allowed there that exist. */
static int open_carried(const struct corral_plan *plan, struct carry *c,
			size_t *n, struct corral_error *err)
{
	struct stat st;
	size_t i;
	int ret = 0;

	for (i = 0; i < plan->n_rules && !ret; i++)
		if (carried(plan, i))
			ret = add_carry(
				c, n, plan->rules[i].path,
				plan->rules[i].is_dir,
				corral_plan_granted(plan, plan->rules[i].path) &
					CORRAL_ACCESS_WRITE,
				err);
	for (i = 0; i < plan->sockets.n && !ret; i++)
		if (corral_path_within(plan->sockets.v[i], "/tmp") &&
		    !lstat(plan->sockets.v[i], &st) && S_ISSOCK(st.st_mode))
			ret = add_carry(c, n, plan->sockets.v[i], false, true,
					err);
	qsort(c, *n, sizeof(*c), by_depth);
	return ret;
}

/*
 * A fresh tmpfs on /tmp.  Grants that live under the old /tmp (a project
 * in /tmp, say) are carried into the new one at the same paths.
 */
static int mount_tmp(struct corral_plan *plan, struct corral_error *err)
{
	struct carry c[MAX_CARRIED];
	size_t n = 0, i;
	int ret = open_carried(plan, c, &n, err);

	if (!ret && mount("corral-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
			  "mode=1777"))
		ret = mount_fail(err, "mount a private", "/tmp");
	for (i = 0; i < n && !ret; i++)
		ret = carry_over(c[i].fd, c[i].path, c[i].is_dir, c[i].writable,
				 err);
	for (i = 0; i < n; i++)
		if (c[i].fd >= 0)
			close(c[i].fd);
	return ret;
}

/* Whether path is the root of a mount in this view. */
static bool mount_root(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx))
		return false;
	return stx.stx_attributes & stx.stx_attributes_mask &
	       STATX_ATTR_MOUNT_ROOT;
}

/* Whether a grant lets the sandbox write in dir or beneath it. */
static bool writable(const struct corral_plan *plan, const char *dir)
{
	size_t i;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *g = &plan->rules[i];

		if (g->kind == CORRAL_RULE_GRANT && g->exists &&
		    (g->access & CORRAL_ACCESS_WRITE) &&
		    corral_path_within(dir, g->path))
			return true;
	}
	return false;
}

/* Whether the sandbox could rename, remove or replace the entry at name. */
static bool movable(const struct corral_plan *plan, const char *name)
{
	char *slash = strrchr(name, '/'), *parent, *real;
	bool ret;

	parent = strndup(name, slash > name ? (size_t)(slash - name) : 1);
	real = parent ? realpath(parent, NULL) : NULL;
	ret = real && writable(plan, real);
	free(parent);
	free(real);
	return ret;
}

/*
 * A clone of the mount at dfd/from (flags as for open_tree), with attr
 * changed if given, moved over to; what names the step in an error.
 */
static int clone_over(int dfd, const char *from, unsigned flags,
		      const struct mount_attr *attr, const char *to,
		      const char *what, struct corral_error *err)
{
	int tree = (int)open_tree(dfd, from,
				  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | flags);
	int ret = 0;

	if (tree < 0)
		return mount_fail(err, what, to);
	if ((attr && mount_setattr(tree, "", AT_EMPTY_PATH,
				   (struct mount_attr *)attr, sizeof(*attr))) ||
	    move_mount(tree, "", AT_FDCWD, to, MOVE_MOUNT_F_EMPTY_PATH))
		ret = mount_fail(err, what, to);
	close(tree);
	return ret;
}

/* A mount on a symlink itself: the new mount API does not follow it. */
static int pin_link(const char *name, struct corral_error *err)
{
	return clone_over(AT_FDCWD, name, AT_SYMLINK_NOFOLLOW, NULL, name,
			  "pin", err);
}

static int pin_dir(const char *name, struct corral_error *err)
{
	if (mount(name, name, NULL, MS_BIND | MS_REC, NULL))
		return mount_fail(err, "pin", name);
	return 0;
}

/*
 * A mount point can be neither renamed nor removed.  Each directory and
 * symlink along path whose parent the sandbox may write is bound over
 * itself, so that it cannot move that parent away and leave a free copy
 * in its place (mv .git old && mkdir .git), carry a denied directory off
 * inside its renamed parent, or swap a link (~/.bashrc -> dotfiles/bashrc)
 * for a file of its own.  The last name is the carve-out itself, covered
 * by its own mount unless it is a link.
 */
static int pin_names(const struct corral_plan *plan, const char *path,
		     struct corral_error *err)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t i, len;
	char c;
	int ret = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	len = strlen(buf);
	for (i = 1; i <= len && !ret; i++) {
		c = buf[i];
		if (c != '/' && c != '\0')
			continue;
		buf[i] = '\0';
		if (!lstat(buf, &st) && !mount_root(buf) &&
		    movable(plan, buf)) {
			if (S_ISLNK(st.st_mode))
				ret = pin_link(buf, err);
			else if (S_ISDIR(st.st_mode) && c)
				ret = pin_dir(buf, err);
		}
		buf[i] = c;
	}
	return ret;
}

/* Pin the canonical path and the path as named, through its symlinks. */
static int pin_rule(const struct corral_plan *plan, const struct corral_rule *r,
		    struct corral_error *err)
{
	char *named = NULL, *norm;
	int ret = pin_names(plan, r->path, err);

	if (ret || strpbrk(r->written, "*?[") ||
	    corral_path_expand(r->written, plan->home, plan->workdir, &named,
			       NULL))
		return ret;
	norm = corral_path_normalize(named);
	if (norm && strcmp(norm, r->path))
		ret = pin_names(plan, norm, err);
	free(norm);
	free(named);
	return ret;
}

/*
 * A carve-out outside every grant, which Landlock keeps away already but
 * for two things.  A UNIX socket's connect() (before ABI 9): a denied
 * directory (~/.ssh holding an agent's socket) is masked.  And metadata
 * in the home directory, whose mount stays writable (see writable_grants):
 * a denied file is masked and a protected path bound read-only, so that
 * neither chmod nor utimes reaches them.  Not what the private /tmp hid.
 */
static int carve_outside(const struct corral_plan *plan,
			 const struct corral_rule *r, struct corral_error *err)
{
	bool in_home = plan->home && strcmp(plan->home, "/") &&
		       corral_path_within(r->path, plan->home);

	if (access(r->path, F_OK))
		return 0;
	if (r->kind == CORRAL_RULE_DENY && r->is_dir)
		return mask_dir(r->path, err);
	if (!in_home)
		return 0;
	return r->kind == CORRAL_RULE_DENY ? mask_file(r->path, err)
					   : bind_readonly(r->path, err);
}

static int carve(const struct corral_plan *plan, struct corral_error *err)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < plan->n_rules && !ret; i++) {
		const struct corral_rule *r = &plan->rules[i];

		if (r->kind == CORRAL_RULE_GRANT || !r->exists || r->lifted)
			continue;
		ret = pin_rule(plan, r, err);
		if (!ret && r->inside < 0)
			ret = carve_outside(plan, r, err);
		if (ret || r->inside < 0)
			continue;
		if (r->kind == CORRAL_RULE_DENY)
			ret = r->is_dir ? mask_dir(r->path, err)
					: mask_file(r->path, err);
		else
			ret = bind_readonly(r->path, err);
	}
	return ret;
}

static int add_daemon(struct corral_plan *plan, const char *path)
{
	bool exists;
	char *real;
	int ret;

	if (!path || path[0] != '/')
		return 0;
	real = corral_path_resolve(path, &exists);
	if (!real)
		return -ENOMEM;
	if (corral_words_has(&plan->sockets, real))
		exists = false; /* left reachable on request */
	ret = exists ? corral_words_add(&plan->daemons, real) : 0;
	free(real);
	return ret;
}

/*
 * Sockets named in variables that give more than a path: $TMUX is
 * "SOCKET,PID,SESSION" (a server started with -S lives anywhere), and
 * $DOCKER_HOST may be unix://SOCKET.
 */
static int add_named_daemons(struct corral_plan *plan)
{
	const char *tmux = getenv("TMUX"), *docker = getenv("DOCKER_HOST");
	char buf[PATH_MAX];
	int ret = 0;

	if (tmux && snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(tmux, ","),
			     tmux) < (int)sizeof(buf))
		ret = add_daemon(plan, buf);
	if (!ret && docker && !strncmp(docker, "unix://", 7))
		ret = add_daemon(plan, docker + 7);
	return ret;
}

/*
 * Where the user's daemons listen.  Before Landlock ABI 9 a sandbox can
 * connect() to any UNIX socket it can name, granted or not, so the view
 * hides these whatever the grants say.
 */
int corral_daemon_paths(struct corral_plan *plan)
{
	static const char *const fixed[] = {
		"/run/screen",
		"/run/docker.sock",
		"/run/containerd",
		"/run/podman",
		"/run/dbus/system_bus_socket",
		"/run/systemd/private",
		"/tmp/.X11-unix",
		"/tmp/.ICE-unix",
	};
	static const char *const home[] = { ".gnupg", ".docker/run" };
	char buf[PATH_MAX];
	const char *tmux = getenv("TMUX_TMPDIR");
	size_t i;
	int ret = 0;

	snprintf(buf, sizeof(buf), "/run/user/%u", (unsigned)geteuid());
	ret = add_daemon(plan, buf);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && !ret; i++)
		ret = add_daemon(plan, fixed[i]);
	for (i = 0; i < sizeof(home) / sizeof(home[0]) && !ret; i++) {
		snprintf(buf, sizeof(buf), "%s/%s", plan->home, home[i]);
		ret = add_daemon(plan, buf);
	}
	snprintf(buf, sizeof(buf), "%s/tmux-%u", tmux ? tmux : "/tmp",
		 (unsigned)geteuid());
	if (!ret)
		ret = add_daemon(plan, buf);
	if (!ret)
		ret = add_daemon(plan, getenv("SSH_AUTH_SOCK"));
	if (!ret)
		ret = add_daemon(plan, getenv("XDG_RUNTIME_DIR"));
	if (!ret)
		ret = add_daemon(plan, getenv("SCREENDIR"));
	if (!ret)
		ret = add_named_daemons(plan);
	return ret;
}

/*
 * The stand-in for blocked binaries: an empty file, mode 0, on a tmpfs of
 * its own that is never attached anywhere, mounted noexec.  Running it
 * fails with EACCES, as for any file one may not execute (shells say
 * "permission denied", 126), and a copy of it is empty.  Its mount lives
 * while *mnt is open: clones of it can only be made until then.
 */
static int blocked_stand_in(int *mnt, struct corral_error *err)
{
	int fs, file = -1;

	*mnt = -1;
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs >= 0 && !fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) &&
	    !fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		*mnt = fsmount(fs, FSMOUNT_CLOEXEC,
			       MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV |
				       MOUNT_ATTR_NOSUID);
	if (*mnt >= 0)
		file = openat(*mnt, "blocked", O_CREAT | O_RDONLY | O_CLOEXEC,
			      0);
	/* Read-only once made, and so is every clone of it. */
	if (file >= 0 &&
	    mount_setattr(*mnt, "", AT_EMPTY_PATH,
			  &(struct mount_attr){ .attr_set = MOUNT_ATTR_RDONLY },
			  sizeof(struct mount_attr))) {
		close(file);
		file = -1;
	}
	if (file < 0)
		corral_fail(
			err, -errno, NULL,
			"view: cannot make the stand-in for blocked commands: %s",
			strerror(errno));
	if (fs >= 0)
		close(fs);
	return file;
}

/*
 * In a view, every name of a blocked binary is covered by the stand-in,
 * so that executing it by any path fails, and so does copying it.  Far
 * cheaper than a Landlock layer that must grant every other file of
 * /usr/bin one by one.
 */
static int mask_blocked(const struct corral_plan *plan,
			struct corral_error *err)
{
	int stand_in, mnt, ret = 0;
	size_t i;

	if (!plan->n_blocked)
		return 0;
	stand_in = blocked_stand_in(&mnt, err);
	for (i = 0; i < plan->n_blocked && stand_in >= 0 && !ret; i++)
		ret = clone_over(stand_in, "", AT_EMPTY_PATH, NULL,
				 plan->blocked[i].path, "mask", err);
	if (stand_in < 0)
		ret = -EPERM;
	else
		close(stand_in);
	if (mnt >= 0)
		close(mnt);
	return ret;
}

/* Mask every daemon path that this view still shows. */
/* Make path's parent directories and an empty file for a mount on it. */
static int make_mount_point(const char *path)
{
	char buf[PATH_MAX], *p;
	int fd;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strchr(buf + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	fd = open(buf, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * A daemon directory that holds a socket the user allowed: masked like
 * the others, with only that socket bound back into the empty tmpfs.
 */
static int mask_dir_keeping(const struct corral_plan *plan, const char *dir,
			    struct corral_error *err)
{
	char src[64];
	size_t i;
	int fd, ret = 0;

	if (mount("corral-daemons", dir, "tmpfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=0755"))
		return mount_fail(err, "mask", dir);
	for (i = 0; i < plan->sockets.n && !ret; i++) {
		if (!corral_path_within(plan->sockets.v[i], dir))
			continue;
		fd = plan->socket_fds ? plan->socket_fds[i] : -1;
		snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
		errno = -make_mount_point(plan->sockets.v[i]);
		if (fd < 0 || errno ||
		    mount(src, plan->sockets.v[i], NULL, MS_BIND, NULL))
			ret = mount_fail(err, "keep", plan->sockets.v[i]);
	}
	if (!ret &&
	    mount(NULL, dir, NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=64k,mode=0755"))
		ret = mount_fail(err, "mask", dir);
	return ret;
}

static bool keeps_socket(const struct corral_plan *plan, const char *dir)
{
	size_t i;

	for (i = 0; i < plan->sockets.n; i++)
		if (corral_path_within(plan->sockets.v[i], dir))
			return true;
	return false;
}

/* Open each allowed socket before the masks hide it. */
static int open_sockets(struct corral_plan *plan)
{
	size_t i;

	if (!plan->sockets.n)
		return 0;
	plan->socket_fds = calloc(plan->sockets.n, sizeof(int));
	if (!plan->socket_fds)
		return -ENOMEM;
	for (i = 0; i < plan->sockets.n; i++)
		plan->socket_fds[i] =
			open(plan->sockets.v[i], O_PATH | O_CLOEXEC);
	return 0;
}

static void close_sockets(struct corral_plan *plan)
{
	size_t i;

	for (i = 0; plan->socket_fds && i < plan->sockets.n; i++)
		if (plan->socket_fds[i] >= 0)
			close(plan->socket_fds[i]);
	free(plan->socket_fds);
	plan->socket_fds = NULL;
}

static int hide_daemons(struct corral_plan *plan, struct corral_error *err)
{
	const char *path;
	struct stat st;
	size_t i;
	int ret = open_sockets(plan);

	for (i = 0; i < plan->daemons.n && !ret; i++) {
		path = plan->daemons.v[i];
		if (lstat(path, &st))
			continue; /* gone with the private /tmp */
		if (!S_ISDIR(st.st_mode))
			ret = mask_file(path, err);
		else if (keeps_socket(plan, path))
			ret = mask_dir_keeping(plan, path, err);
		else
			ret = mask_dir(path, err);
	}
	close_sockets(plan);
	return ret;
}

/*
 * The working directory still refers to the old mounts: beneath the
 * private /tmp, a mask or a read-only bind, relative paths would reach
 * the real files.  Enter it again by its name, in the new view.
 */
static int reenter_cwd(struct corral_error *err)
{
	char *cwd = getcwd(NULL, 0);
	int ret = 0;

	if (!cwd)
		return corral_fail(
			err, -errno, NULL,
			"view: cannot find the working directory: %s",
			strerror(errno));
	if (chdir(cwd))
		ret = corral_fail(
			err, -errno, NULL,
			"view: cannot enter the working directory '%s' again: %s",
			cwd, strerror(errno));
	free(cwd);
	return ret;
}

/*
 * Root stays root inside (it owns files, binds low ports, changes ids),
 * but without the capabilities that reach past Landlock or the machine:
 * CAP_SYS_ADMIN and CAP_PERFMON would read /proc/<pid>/environ of any
 * process, CAP_SYS_RESOURCE would raise the limits, and so on.
 */
int corral_drop_root_capabilities(struct corral_error *err)
{
	static const int kept[] = { 0, 1, 2, 3, 4, 5, 6, 7, 10, 13, 18, 29 };
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct data[2];
	uint64_t keep = 0;
	size_t i;
	int cap, in_set;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		keep |= 1ULL << kept[i];
	/* Those already gone (an outer sandbox's doing) need no second drop. */
	for (cap = 0; (in_set = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) >= 0;
	     cap++)
		if (in_set && !(keep & (1ULL << cap)) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return corral_fail(err, -errno, NULL,
					   "cannot drop capability %d: %s", cap,
					   strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data))
		return corral_fail(err, -errno, NULL,
				   "cannot read capabilities: %s",
				   strerror(errno));
	for (i = 0; i < 2; i++) {
		data[i].effective &= (uint32_t)(keep >> (32 * i));
		data[i].permitted &= (uint32_t)(keep >> (32 * i));
		data[i].inheritable &= (uint32_t)(keep >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data))
		return corral_fail(err, -errno, NULL,
				   "cannot drop capabilities: %s",
				   strerror(errno));
	return 0;
}

/* Give up every capability the user namespace granted us. */
static int drop_capabilities(struct corral_error *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	int cap;

	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return corral_fail(
				err, -errno, NULL,
				"view: cannot drop capability %d: %s", cap,
				strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &hdr, data))
		return corral_fail(err, -errno, NULL,
				   "view: cannot drop capabilities: %s",
				   strerror(errno));
	return 0;
}

/* A grant the read-only system must leave writable: see read_only_system. */
struct rebind {
	const char *path;
	size_t depth;
};

static int rebind_by_depth(const void *a, const void *b)
{
	const struct rebind *x = a, *y = b;

	return (x->depth > y->depth) - (x->depth < y->depth);
}

/* Whether path needs its writable mount back, and may have it. */
static bool needs_rebind(bool private_tmp, const char *path)
{
	struct statvfs vfs;
	struct stat st;

	return !(private_tmp && corral_path_within(path, "/tmp")) &&
	       !stat(path, &st) &&
	       (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) &&
	       !statvfs(path, &vfs) && !(vfs.f_flag & ST_RDONLY);
}

/* A home in a read-only grant (HOME=/etc, say) stays as the grant has it. */
static bool read_only_grant_around(const struct corral_plan *plan,
				   const char *path)
{
	size_t i;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *g = &plan->rules[i];

		if (corral_policy_grant(g) &&
		    !(g->access & CORRAL_ACCESS_WRITE) &&
		    corral_path_within(path, g->path))
			return true;
	}
	return false;
}

/*
 * The paths that keep a writable mount: the writable grants (not those
 * the private /tmp carries in, nor devices, whose writes pass a read-only
 * mount, nor one that was read-only already), and the home directory,
 * where programs try to write and, refused, fall back on EACCES (Landlock's
 * answer) but not on EROFS (a read-only mount's): Claude Code saving its
 * settings is one.  Denied and protected paths in the home get mounts of
 * their own in carve().
 */
static size_t writable_grants(const struct corral_plan *plan,
			      struct rebind *out, size_t max)
{
	bool tmp = corral_plan_private_tmp(plan);
	size_t i, n = 0;

	if (plan->home && strcmp(plan->home, "/") &&
	    !read_only_grant_around(plan, plan->home) &&
	    needs_rebind(tmp, plan->home)) {
		out[n].path = plan->home;
		out[n++].depth = strlen(plan->home);
	}
	for (i = 0; i < plan->n_rules && n < max; i++) {
		const struct corral_rule *g = &plan->rules[i];

		if (!corral_policy_grant(g) ||
		    !(g->access & CORRAL_ACCESS_WRITE) ||
		    !needs_rebind(tmp, g->path))
			continue;
		out[n].path = g->path;
		out[n++].depth = strlen(g->path);
	}
	qsort(out, n, sizeof(*out), rebind_by_depth);
	return n;
}

/* Bind path over itself with a writable mount; what is mounted inside stays. */
static int writable_again(const char *path, struct corral_error *err)
{
	static const struct mount_attr rw = { .attr_clr = MOUNT_ATTR_RDONLY };

	return clone_over(AT_FDCWD, path, AT_RECURSIVE, &rw, path,
			  "grant a writable mount on", err);
}

#define MAX_WRITABLE 256

/*
 * Landlock rules what is read and written, not a file's metadata: chmod,
 * chown, utimes and extended attributes would pass on every path the
 * sandbox can name (a private key made world-readable, a setuid bit on a
 * system binary for root).  In the view every mount is made read-only,
 * which refuses them, and each writable grant is bound back writable;
 * Landlock still decides what may be written there.  The mounts the view
 * makes afterwards (/tmp, /dev/shm, masks) are its own.
 */
static int read_only_system(const struct corral_plan *plan,
			    struct corral_error *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct rebind *keep = calloc(MAX_WRITABLE, sizeof(*keep));
	size_t n, i;
	int ret = 0;

	if (!keep)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	n = writable_grants(plan, keep, MAX_WRITABLE);
	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof(ro)))
		ret = mount_fail(err, "make read-only", "/");
	for (i = 0; i < n && !ret; i++)
		ret = writable_again(keep[i].path, err);
	free(keep);
	return ret;
}

/*
 * Returns 0 with the view in place, VIEW_FALLBACK (with a note) when this
 * system cannot build one and nothing was changed, or -errno when it
 * failed half-way: then the process must not run anything.
 */
int corral_view_apply(struct corral_plan *plan, struct corral_error *err)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int ret;

	if (!plan->namespaces)
		return VIEW_FALLBACK;
	ret = enter_namespaces(plan);
	if (ret)
		return ret;
	if (!plan->root) {
		ret = map_ids(uid, gid, err);
		if (ret)
			return ret;
	}
	/* The first mount tells whether this namespace may mount at all. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL)) {
		corral_note(plan, "cannot mount in the new namespace: %s",
			    strerror(errno));
		return VIEW_FALLBACK;
	}
	ret = read_only_system(plan, err);
	if (ret)
		return ret;
	if (corral_plan_private_tmp(plan)) {
		ret = mount_tmp(plan, err);
		if (ret)
			return ret;
	}
	/* The host's /dev/shm holds other programs' shared memory. */
	if (!access("/dev/shm", F_OK) &&
	    mount("corral-shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777"))
		return mount_fail(err, "mount a private", "/dev/shm");
	ret = carve(plan, err);
	if (!ret)
		ret = hide_daemons(plan, err);
	if (!ret)
		ret = mask_blocked(plan, err);
	if (!ret)
		ret = reenter_cwd(err);
	if (!ret && !plan->root)
		ret = drop_capabilities(err);
	return ret;
}
