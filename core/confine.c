/* SPDX-License-Identifier: MIT */
/*
 * Confinement, in the order every front uses: prepare, view, Landlock
 * (with no_new_privs).  Any failure leaves the caller unable to run the
 * command: the fronts treat every error as fatal for it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Without a private /tmp, a fresh directory of its own serves as TMPDIR. */
static int make_tmpdir(struct corral_plan *plan, struct corral_error *err)
{
	char tmpl[] = "/tmp/corral-XXXXXX";
	size_t i;

	for (i = 0; i < plan->n_rules; i++)
		if (!strcmp(plan->rules[i].origin, ORIGIN_PRIVATE_TMP))
			plan->rules[i].exists = false;
	if (!mkdtemp(tmpl))
		return corral_fail(err, -errno, NULL,
				   "prepare: cannot create a temporary directory in /tmp: %s",
				   strerror(errno));
	plan->tmpdir = strdup(tmpl);
	if (!plan->tmpdir)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	corral_note(plan,
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
		corral_note(plan,
			    "denied and protected paths inside grants are kept by Landlock alone: nothing new can be created directly in their parent directories");
	return make_tmpdir(plan, err);
}

static int env_set(struct corral_plan *plan, const char *name, char *value)
{
	char *copy = strdup(name);

	if (!copy || !value) {
		free(copy);
		free(value);
		return -ENOMEM;
	}
	plan->env_set[plan->n_env_set][0] = copy;
	plan->env_set[plan->n_env_set][1] = value;
	plan->n_env_set++;
	return setenv(name, value, 1) ? -errno : 0;
}

static int set_environment(struct corral_plan *plan, struct corral_error *err)
{
	char *desc = NULL;
	int ret;

	ret = env_set(plan, "TMPDIR",
		      strdup(plan->tmpdir ? plan->tmpdir : "/tmp"));
	if (!ret && !corral_plan_summary(plan, &desc))
		ret = env_set(plan, CORRAL_ENV_SANDBOX, desc);
	if (ret)
		return corral_fail(err, ret, NULL,
				   "prepare: cannot set the environment: %s",
				   strerror(-ret));
	return 0;
}

size_t corral_plan_env_count(const struct corral_plan *plan)
{
	return plan->n_env_set;
}

const char *corral_plan_env_name(const struct corral_plan *plan, size_t i)
{
	return i < plan->n_env_set ? plan->env_set[i][0] : NULL;
}

const char *corral_plan_env_value(const struct corral_plan *plan, size_t i)
{
	return i < plan->n_env_set ? plan->env_set[i][1] : NULL;
}

bool corral_plan_env_removes(const struct corral_plan *plan, const char *name)
{
	(void)plan;
	(void)name;
	return false; /* TODO(#3): scrub injection and secret variables */
}

int corral_confine(struct corral_plan *plan, struct corral_error *err)
{
	int ret;

	ret = close_stray_fds(err);
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
	ret = set_environment(plan, err);
	if (ret)
		return ret;
	return corral_landlock_apply(plan, !plan->namespaces, err);
}
