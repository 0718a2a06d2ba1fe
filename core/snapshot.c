/* SPDX-License-Identifier: MIT */
/*
 * Snapshots, for fronts that keep a plan for later commands (a shell
 * builds it once and runs many commands with it).  A plan was resolved
 * against the filesystem as it was: a credential directory made since,
 * or a symlink pointed elsewhere, would not be masked by it.
 *
 * Every path of the plan is stamped (what stat says it is), and so is
 * each directory holding one.  Making, removing or renaming an entry
 * changes the directory's modification time, so while no holder changed
 * there is nothing to look at; when one did, its paths are stat'ed again
 * and the plan stays current if none of them changed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

/*
 * Timestamps are coarse (a clock tick): a directory changed this
 * recently may change again without its time moving.  As git does with
 * its index, such a holder is not trusted, and its paths are checked one
 * by one until it has been quiet for long enough.
 */
#define RACY_NS 2000000000LL

struct stamp {
	char *path;
	bool exists;
	dev_t dev;
	ino_t ino;
	mode_t type;
	struct timespec mtime; /* holders only */
	bool trusted; /* holders only: mtime not racy */
	bool pattern; /* holders only: holds a glob's matches */
	size_t holder; /* paths only */
};

struct corral_snapshot {
	struct stamp *holders;
	size_t n_holders;
	struct stamp *paths;
	size_t n_paths;
};

static long long now_ns(void)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now))
		return 0;
	return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void take(struct stamp *s, long long now)
{
	struct stat st;

	s->exists = stat(s->path, &st) == 0;
	/* Nothing can appear below a missing directory without making it. */
	s->trusted = !s->exists;
	if (!s->exists)
		return;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->type = st.st_mode & S_IFMT;
	s->mtime = st.st_mtim;
	s->trusted = (long long)st.st_mtim.tv_sec * 1000000000LL +
			     st.st_mtim.tv_nsec <
		     now - RACY_NS;
}

static bool same(const struct stamp *a, const struct stamp *b, bool mtime)
{
	if (a->exists != b->exists)
		return false;
	if (!a->exists)
		return true;
	if (a->dev != b->dev || a->ino != b->ino || a->type != b->type)
		return false;
	return !mtime || (a->mtime.tv_sec == b->mtime.tv_sec &&
			  a->mtime.tv_nsec == b->mtime.tv_nsec);
}

static bool is_pattern(const char *path)
{
	return strpbrk(path, "*?[") != NULL;
}

/* The directory holding path; for a pattern, the last one before it. */
static char *holder_of(const char *path)
{
	size_t len = strcspn(path, "*?[");

	while (len > 0 && path[len - 1] != '/')
		len--;
	while (len > 1 && path[len - 1] == '/')
		len--;
	return len ? strndup(path, len) : strdup(".");
}

/* Find or add a stamp for path (taken over); its index, or -ENOMEM. */
static long add(struct stamp **list, size_t *n, char *path, long long now)
{
	struct stamp *grown;
	size_t i;

	if (!path)
		return -ENOMEM;
	for (i = 0; i < *n; i++) {
		if (!strcmp((*list)[i].path, path)) {
			free(path);
			return (long)i;
		}
	}
	grown = realloc(*list, (*n + 1) * sizeof(**list));
	if (!grown) {
		free(path);
		return -ENOMEM;
	}
	*list = grown;
	memset(&grown[*n], 0, sizeof(grown[*n]));
	grown[*n].path = path;
	take(&grown[*n], now);
	return (long)(*n)++;
}

/*
 * The plan says what it found at r->path; the path as written is what
 * will be looked up from now on.  Both must still agree with the plan,
 * or it was stale before it could be stamped.
 */
static bool agrees(const struct corral_rule *r, const struct stamp *s)
{
	struct stamp canonical = { .path = r->path };

	take(&canonical, 0);
	if (canonical.exists != r->exists ||
	    (r->exists && (canonical.type == S_IFDIR) != r->is_dir))
		return false;
	return same(&canonical, s, false);
}

static int add_rule(struct corral_snapshot *snap,
		    const struct corral_plan *plan, const struct corral_rule *r,
		    long long now)
{
	struct corral_error err;
	bool pattern = is_pattern(r->written);
	char *path = NULL;
	long holder, i;

	if (pattern)
		path = strdup(r->path);
	else if (corral_path_expand(r->written, plan->home, plan->workdir,
				    &path, &err))
		return err.code == -ENOMEM ? -ENOMEM : -EAGAIN;
	holder = add(&snap->holders, &snap->n_holders,
		     holder_of(pattern ? r->written : path), now);
	if (holder < 0) {
		free(path);
		return (int)holder;
	}
	snap->holders[holder].pattern |= pattern;
	i = add(&snap->paths, &snap->n_paths, path, now);
	if (i < 0)
		return (int)i;
	snap->paths[i].holder = (size_t)holder;
	return agrees(r, &snap->paths[i]) ? 0 : -EAGAIN;
}

int corral_plan_snapshot(const struct corral_plan *plan,
			 struct corral_snapshot **out)
{
	struct corral_snapshot *snap = calloc(1, sizeof(*snap));
	long long now = now_ns();
	size_t i;
	int ret = 0;

	if (!snap)
		return -ENOMEM;
	for (i = 0; i < plan->n_rules && !ret; i++)
		ret = add_rule(snap, plan, &plan->rules[i], now);
	if (ret) {
		corral_snapshot_free(snap);
		return ret;
	}
	*out = snap;
	return 0;
}

/* Stat again every path a changed holder holds. */
static bool paths_unchanged(const struct corral_snapshot *snap, size_t h)
{
	struct stamp now;
	size_t i;

	for (i = 0; i < snap->n_paths; i++) {
		if (snap->paths[i].holder != h)
			continue;
		now.path = snap->paths[i].path;
		take(&now, 0);
		if (!same(&now, &snap->paths[i], false))
			return false;
	}
	return true;
}

bool corral_snapshot_current(struct corral_snapshot *snap)
{
	long long stamp_time = now_ns();
	struct stamp now;
	size_t h;

	for (h = 0; h < snap->n_holders; h++) {
		struct stamp *old = &snap->holders[h];

		now = *old;
		take(&now, stamp_time);
		if (old->trusted && same(&now, old, true))
			continue;
		/* A new match of a pattern shows only in its holder. */
		if (old->pattern)
			return false;
		if (!paths_unchanged(snap, h))
			return false;
		*old = now;
	}
	return true;
}

void corral_snapshot_free(struct corral_snapshot *snap)
{
	size_t i;

	if (!snap)
		return;
	for (i = 0; i < snap->n_holders; i++)
		free(snap->holders[i].path);
	for (i = 0; i < snap->n_paths; i++)
		free(snap->paths[i].path);
	free(snap->holders);
	free(snap->paths);
	free(snap);
}
