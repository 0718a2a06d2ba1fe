/* SPDX-License-Identifier: MIT */
/*
 * Snapshots, for fronts that keep a plan for later commands (a shell
 * builds it once and runs many commands with it).  A plan was resolved
 * against the filesystem as it was: a credential directory made since, or
 * a symlink pointed elsewhere, would not be masked by it.  Every such
 * change makes, removes or renames an entry in a directory that holds one
 * of the plan's paths, and so changes that directory's modification time;
 * stamping those directories is enough to tell a plan is still current.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

/*
 * Timestamps are coarse (a clock tick), and a change made while the plan
 * was being built may carry the same time as one made before it.  As git
 * does with its index, a directory changed this recently cannot be
 * vouched for: such a plan is used once and not kept.
 */
#define RACY_NS 2000000000LL

struct stamp {
	char *dir;
	bool exists;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
};

struct corral_snapshot {
	struct stamp *stamps;
	size_t n;
};

static void take_stamp(struct stamp *s)
{
	struct stat st;

	s->exists = stat(s->dir, &st) == 0;
	if (!s->exists)
		return;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->mtime = st.st_mtim;
}

static bool same_stamp(const struct stamp *a, const struct stamp *b)
{
	if (a->exists != b->exists)
		return false;
	return !a->exists ||
	       (a->dev == b->dev && a->ino == b->ino &&
		a->mtime.tv_sec == b->mtime.tv_sec &&
		a->mtime.tv_nsec == b->mtime.tv_nsec);
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* The directory holding path; for a pattern, the last one before it. */
static char *holder(const char *path)
{
	size_t len = strcspn(path, "*?[");
	char *dir;

	while (len > 0 && path[len - 1] != '/')
		len--;
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len == 0)
		return strdup(".");
	dir = strndup(path, len);
	return dir;
}

/* Stamp the directory holding path, once; takes path. */
static int add_dir(struct corral_snapshot *snap, char *path)
{
	struct stamp *stamps;
	char *dir = path ? holder(path) : NULL;
	size_t i;

	free(path);
	if (!dir)
		return -ENOMEM;
	for (i = 0; i < snap->n; i++) {
		if (!strcmp(snap->stamps[i].dir, dir)) {
			free(dir);
			return 0;
		}
	}
	stamps = realloc(snap->stamps, (snap->n + 1) * sizeof(*stamps));
	if (!stamps) {
		free(dir);
		return -ENOMEM;
	}
	snap->stamps = stamps;
	stamps[snap->n].dir = dir;
	take_stamp(&stamps[snap->n]);
	snap->n++;
	return 0;
}

/*
 * Both the path as written (expanded) and its canonical form: a symlink
 * on the way to the first is followed by stat, so pointing it elsewhere
 * changes the stamp of the directory behind it.
 */
static int add_rule(struct corral_snapshot *snap,
		    const struct corral_plan *plan, const struct corral_rule *r)
{
	struct corral_error err;
	char *expanded;
	int ret;

	ret = add_dir(snap, strdup(r->path));
	if (ret)
		return ret;
	if (corral_path_expand(r->written, plan->home, plan->workdir,
			       &expanded, &err))
		return err.code == -ENOMEM ? -ENOMEM : 0;
	return add_dir(snap, expanded);
}

static bool racy(const struct corral_snapshot *snap)
{
	struct timespec now;
	size_t i;

	if (clock_gettime(CLOCK_REALTIME, &now))
		return true;
	for (i = 0; i < snap->n; i++)
		if (snap->stamps[i].exists &&
		    ns_of(&snap->stamps[i].mtime) > ns_of(&now) - RACY_NS)
			return true;
	return false;
}

int corral_plan_snapshot(const struct corral_plan *plan,
			 struct corral_snapshot **out)
{
	struct corral_snapshot *snap = calloc(1, sizeof(*snap));
	size_t i;
	int ret = 0;

	if (!snap)
		return -ENOMEM;
	for (i = 0; i < plan->n_rules && !ret; i++)
		ret = add_rule(snap, plan, &plan->rules[i]);
	if (!ret && racy(snap))
		ret = -EAGAIN;
	if (ret) {
		corral_snapshot_free(snap);
		return ret;
	}
	*out = snap;
	return 0;
}

bool corral_snapshot_current(const struct corral_snapshot *snap)
{
	struct stamp now;
	size_t i;

	for (i = 0; i < snap->n; i++) {
		now.dir = snap->stamps[i].dir;
		take_stamp(&now);
		if (!same_stamp(&now, &snap->stamps[i]))
			return false;
	}
	return true;
}

void corral_snapshot_free(struct corral_snapshot *snap)
{
	size_t i;

	if (!snap)
		return;
	for (i = 0; i < snap->n; i++)
		free(snap->stamps[i].dir);
	free(snap->stamps);
	free(snap);
}
