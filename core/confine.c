/* SPDX-License-Identifier: MIT */
/*
 * Confinement, in the order every front uses: prepare, view, Landlock
 * (with no_new_privs).  Any failure leaves the caller unable to run the
 * command: the fronts treat every error as fatal for it.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/*
 * An inherited descriptor to a denied file would outlive every rule: mark
 * all but the standard three close-on-exec.
 */
static int close_stray_fds(struct corral_error *err)
{
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	return corral_fail(err, -errno, "close_range needs Linux 5.11 or later",
			   "prepare: cannot close stray file descriptors: %s",
			   strerror(errno));
}

/*
 * Remove what dirfd holds, never following a link: a sandbox still
 * running in an old TMPDIR may swap a directory for a symlink while we
 * sweep, and a removal by path would then follow it out of the tree.
 */
static void empty_dir(int dirfd, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd;

	d = depth < 64 ? fdopendir(dirfd) : NULL;
	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!unlinkat(dirfd, de->d_name, 0) || errno != EISDIR)
			continue;
		fd = openat(dirfd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			empty_dir(fd, depth + 1);
		unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/*
 * Nothing stays behind to remove a sandbox's TMPDIR when it ends, so each
 * new one sweeps those of this user that are more than a day old.
 */
static void sweep_old_tmpdirs(void)
{
	time_t day_ago = time(NULL) - 24 * 3600;
	struct dirent *de;
	struct stat st;
	int fd;
	DIR *tmp = opendir("/tmp");

	while (tmp && (de = readdir(tmp))) {
		if (strncmp(de->d_name, "corral-", 7) ||
		    strlen(de->d_name) != 13)
			continue;
		fd = openat(dirfd(tmp), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) || st.st_uid != geteuid() ||
		    st.st_mtime >= day_ago) {
			close(fd);
			continue;
		}
		empty_dir(fd, 0);
		unlinkat(dirfd(tmp), de->d_name, AT_REMOVEDIR);
	}
	if (tmp)
		closedir(tmp);
}

/*
 * Without a private /tmp, a fresh directory of its own serves as TMPDIR:
 * in /tmp, or, inside another such sandbox (which grants its TMPDIR but
 * not /tmp itself), in the TMPDIR it was given.
 */
static int make_tmpdir(struct corral_plan *plan, struct corral_error *err)
{
	const char *outer = getenv("TMPDIR");
	char tmpl[PATH_MAX] = "/tmp/corral-XXXXXX";
	bool made;
	size_t i;

	for (i = 0; i < plan->n_rules; i++)
		if (!strcmp(plan->rules[i].origin, ORIGIN_PRIVATE_TMP))
			plan->rules[i].exists = false;
	sweep_old_tmpdirs();
	made = mkdtemp(tmpl) != NULL;
	if (!made && errno == EACCES && outer && outer[0] == '/' &&
	    snprintf(tmpl, sizeof(tmpl), "%s/corral-XXXXXX", outer) <
		    (int)sizeof(tmpl))
		made = mkdtemp(tmpl) != NULL;
	if (!made)
		return corral_fail(
			err, -errno, NULL,
			"prepare: cannot create a temporary directory in /tmp or $TMPDIR: %s",
			strerror(errno));
	plan->tmpdir = strdup(tmpl);
	if (!plan->tmpdir)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	corral_note(
		plan,
		"no private /tmp without namespaces: TMPDIR is %s, /tmp itself is not granted",
		plan->tmpdir);
	return corral_plan_add(plan, CORRAL_RULE_GRANT,
			       CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE,
			       plan->tmpdir, "TMPDIR", err);
}

static int fall_back(struct corral_plan *plan, struct corral_error *err)
{
	size_t i;
	bool carved = false;

	plan->namespaces = false;
	for (i = 0; i < plan->n_rules; i++)
		carved |= plan->rules[i].inside >= 0;
	if (carved)
		corral_note(
			plan,
			"denied and protected paths inside grants are kept by Landlock alone: nothing new can be created directly in their parent directories");
	return make_tmpdir(plan, err);
}

static int env_set(struct corral_plan *plan, const char *name,
		   const char *value)
{
	if (corral_words_add(&plan->env_names, name) ||
	    corral_words_add(&plan->env_values, value))
		return -ENOMEM;
	return setenv(name, value, 1) ? -errno : 0;
}

/* The user's --set-env, then what corral itself sets. */
static int set_environment(struct corral_plan *plan, struct corral_error *err)
{
	char *desc = NULL, *name;
	size_t i, len;
	int ret = 0;

	corral_words_free(&plan->env_names);
	corral_words_free(&plan->env_values);
	for (i = 0; i < plan->set_env.n && !ret; i++) {
		len = strcspn(plan->set_env.v[i], "=");
		name = strndup(plan->set_env.v[i], len);
		ret = name ? env_set(plan, name, plan->set_env.v[i] + len + 1)
			   : -ENOMEM;
		free(name);
	}
	if (!ret)
		ret = env_set(plan, "TMPDIR",
			      plan->tmpdir ? plan->tmpdir : "/tmp");
	if (!ret && corral_plan_summary(plan, &desc))
		ret = -ENOMEM;
	if (!ret)
		ret = env_set(plan, CORRAL_ENV_SANDBOX, desc);
	free(desc);
	if (ret)
		return corral_fail(err, ret, NULL,
				   "prepare: cannot set the environment: %s",
				   strerror(-ret));
	return 0;
}

size_t corral_plan_env_count(const struct corral_plan *plan)
{
	return plan->env_names.n;
}

const char *corral_plan_env_name(const struct corral_plan *plan, size_t i)
{
	return i < plan->env_names.n ? plan->env_names.v[i] : NULL;
}

const char *corral_plan_env_value(const struct corral_plan *plan, size_t i)
{
	return i < plan->env_values.n ? plan->env_values.v[i] : NULL;
}

static int prepare(struct corral_plan *plan, struct corral_error *err)
{
	int ret = close_stray_fds(err);

	if (!ret && corral_env_scrub(plan))
		ret = corral_fail(err, -ENOMEM, NULL,
				  "prepare: cannot scrub the environment");
	return ret;
}

/*
 * A shell confined in place still holds what it had before: secrets in
 * its memory and its first environment block.  Undumpable, it keeps them
 * from its children (/proc/PID/mem and environ need ptrace access); a
 * program exec'd from it is dumpable again.
 */
static int hide_memory(struct corral_error *err)
{
	if (!prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		return 0;
	return corral_fail(err, -errno, NULL,
			   "prepare: cannot make the process undumpable: %s",
			   strerror(errno));
}

int corral_confine(struct corral_plan *plan, struct corral_error *err)
{
	int exec_layer = -1, ret;

	if (plan->abi <= 0)
		return corral_fail(
			err, -EOPNOTSUPP,
			"Landlock needs Linux 5.13 or later built with CONFIG_SECURITY_LANDLOCK=y and 'landlock' in the lsm= boot option (see /sys/kernel/security/lsm)",
			"Landlock is not available on this kernel: %s",
			strerror(plan->abi < 0 ? -plan->abi : EOPNOTSUPP));

	ret = prepare(plan, err);
	/* Root's procs is a pids cgroup: joined while /sys is still writable. */
	if (!ret && plan->root)
		ret = corral_limits_apply(plan, err);
	if (ret)
		return ret;
	ret = corral_view_apply(plan, err);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		ret = fall_back(plan, err);
		if (ret)
			return ret;
	}
	/* Inside the user namespace, procs counts the sandbox's own. */
	if (!plan->root)
		ret = corral_limits_apply(plan, err);
	if (!ret && plan->root)
		ret = corral_drop_root_capabilities(err);
	if (!ret)
		ret = set_environment(plan, err);
	/* After the view: without one, UNIX sockets are denied. */
	if (!ret)
		ret = corral_seccomp_select(plan, err);
	if (!ret)
		ret = corral_blocklist_prepare(plan, &exec_layer, err);
	if (!ret)
		ret = corral_landlock_apply(plan, !plan->namespaces, err);
	if (!ret)
		ret = corral_blocklist_enforce(exec_layer, err);
	else if (exec_layer >= 0)
		close(exec_layer);
	if (!ret)
		ret = hide_memory(err);
	if (!ret)
		ret = corral_seccomp_load(plan, err);
	return ret;
}
