/* SPDX-License-Identifier: MIT */
/*
 * Profiles: JSON policies read with cJSON.  The built-in ones are embedded
 * at build time so that a lone binary carries them.
 */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "internal.h"

struct fs_key {
	const char *key;
	enum corral_rule_kind kind;
	unsigned access;
};

static const struct fs_key fs_keys[] = {
	{ "read", CORRAL_RULE_GRANT, CORRAL_ACCESS_READ },
	{ "write", CORRAL_RULE_GRANT, CORRAL_ACCESS_WRITE },
	{ "allow", CORRAL_RULE_GRANT, CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE },
	{ "deny", CORRAL_RULE_DENY, 0 },
	{ "protect", CORRAL_RULE_PROTECT, 0 },
};

static bool has_glob(const char *path)
{
	return strpbrk(path, "*?[") != NULL;
}

static int push_rule(struct corral_plan *plan, enum corral_rule_kind kind,
		     unsigned access, const char *written,
		     const char *expanded, const char *origin)
{
	struct corral_rule *rules, *r;
	struct stat st;
	bool exists;

	rules = realloc(plan->rules, (plan->n_rules + 1) * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	plan->rules = rules;
	r = &rules[plan->n_rules];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->access = access;
	r->origin = origin;
	r->written = strdup(written);
	r->path = corral_path_resolve(expanded, &exists);
	if (!r->written || !r->path) {
		free(r->written);
		free(r->path);
		return -ENOMEM;
	}
	r->exists = exists && stat(r->path, &st) == 0;
	r->is_dir = r->exists && S_ISDIR(st.st_mode);
	r->inside = -1;
	plan->n_rules++;
	return 0;
}

/* Add every match of a pattern; no match is a missing path, not an error. */
static int push_glob(struct corral_plan *plan, enum corral_rule_kind kind,
		     unsigned access, const char *written,
		     const char *expanded, const char *origin)
{
	glob_t g;
	size_t i;
	int ret = 0;

	switch (glob(expanded, GLOB_NOSORT, NULL, &g)) {
	case 0:
		break;
	case GLOB_NOMATCH:
		return 0;
	default:
		return -ENOMEM;
	}
	for (i = 0; i < g.gl_pathc && !ret; i++)
		ret = push_rule(plan, kind, access, written, g.gl_pathv[i],
				origin);
	globfree(&g);
	return ret;
}

int corral_plan_add(struct corral_plan *plan, enum corral_rule_kind kind,
		    unsigned access, const char *written, const char *origin,
		    struct corral_error *err)
{
	char *expanded;
	int ret;

	ret = corral_path_expand(written, plan->home, plan->workdir, &expanded,
				 err);
	if (ret == -EINVAL && !plan->workdir && strstr(written, "WORKDIR"))
		return 0; /* --no-cwd: rules about the working tree vanish */
	if (ret)
		return ret;
	if (has_glob(written))
		ret = push_glob(plan, kind, access, written, expanded, origin);
	else
		ret = push_rule(plan, kind, access, written, expanded, origin);
	free(expanded);
	if (ret)
		return corral_fail(err, ret, NULL, "cannot add '%s': %s",
				   written, strerror(-ret));
	return 0;
}

static int load_paths(struct corral_plan *plan, const cJSON *list,
		      const struct fs_key *k, const char *origin,
		      struct corral_error *err)
{
	const cJSON *item;
	int ret;

	if (!cJSON_IsArray(list))
		return corral_fail(err, -EINVAL, NULL,
				   "%s: filesystem.%s must be a list of paths",
				   origin, k->key);
	cJSON_ArrayForEach(item, list) {
		if (!cJSON_IsString(item))
			return corral_fail(err, -EINVAL, NULL,
					   "%s: filesystem.%s: every entry must be a string",
					   origin, k->key);
		ret = corral_plan_add(plan, k->kind, k->access,
				      item->valuestring, origin, err);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct fs_key *find_fs_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(fs_keys) / sizeof(fs_keys[0]); i++)
		if (!strcmp(fs_keys[i].key, key))
			return &fs_keys[i];
	return NULL;
}

static int load_filesystem(struct corral_plan *plan, const cJSON *fs,
			   const char *origin, struct corral_error *err)
{
	const cJSON *item;
	const struct fs_key *k;
	int ret;

	if (!cJSON_IsObject(fs))
		return corral_fail(err, -EINVAL, NULL,
				   "%s: filesystem must be an object", origin);
	cJSON_ArrayForEach(item, fs) {
		k = find_fs_key(item->string);
		if (!k)
			return corral_fail(err, -EINVAL,
					   "filesystem keys: read write allow deny protect",
					   "%s: unknown key filesystem.%s", origin,
					   item->string);
		ret = load_paths(plan, item, k, origin, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int load_profile(struct corral_plan *plan, const cJSON *root,
			const char *origin, struct corral_error *err)
{
	const cJSON *item;
	int ret;

	if (!cJSON_IsObject(root))
		return corral_fail(err, -EINVAL, NULL,
				   "%s: a profile must be a JSON object", origin);
	cJSON_ArrayForEach(item, root) {
		if (!strcmp(item->string, "description"))
			continue;
		if (strcmp(item->string, "filesystem"))
			return corral_fail(err, -EINVAL, NULL,
					   "%s: unknown key '%s'", origin,
					   item->string);
		ret = load_filesystem(plan, item, origin, err);
		if (ret)
			return ret;
	}
	return 0;
}

int corral_profile_load_default(struct corral_plan *plan,
				struct corral_error *err)
{
	const char *origin = "default profile";
	cJSON *root = cJSON_Parse(corral_profile_default_json);
	int ret;

	if (!root)
		return corral_fail(err, -EINVAL, NULL,
				   "%s: invalid JSON near '%.20s'", origin,
				   cJSON_GetErrorPtr());
	ret = load_profile(plan, root, origin, err);
	cJSON_Delete(root);
	return ret;
}
