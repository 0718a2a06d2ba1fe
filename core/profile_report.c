/* SPDX-License-Identifier: MIT */
/*
 * `corral profile list | show | validate`: the profiles there are, one
 * fully resolved, and a check of files, without running anything.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "internal.h"

static char *description_of(const char *text)
{
	cJSON *root = cJSON_Parse(text);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "description");
	char *out = strdup(cJSON_IsString(d) ? d->valuestring : "");

	cJSON_Delete(root);
	return out;
}

static void list_builtins(FILE *f)
{
	char *desc;
	size_t i;

	for (i = 0; corral_builtin_profiles[i].name; i++) {
		desc = description_of(corral_builtin_profiles[i].text);
		fprintf(f, "%-14s built-in  %s\n",
			corral_builtin_profiles[i].name, desc ? desc : "");
		free(desc);
	}
}

static bool is_builtin(const char *name)
{
	size_t i;

	for (i = 0; corral_builtin_profiles[i].name; i++)
		if (!strcmp(corral_builtin_profiles[i].name, name))
			return true;
	return false;
}

/* A user profile of a built-in's name is the one -p NAME loads: say so. */
static void list_user(FILE *f, const char *home)
{
	char dir[PATH_MAX], pattern[PATH_MAX + 8], *name, *desc, *text;
	const char *base;
	struct corral_error err;
	glob_t g;
	size_t i;

	if (corral_user_profile_dir(home, dir, sizeof(dir)))
		return;
	snprintf(pattern, sizeof(pattern), "%s/*.json", dir);
	if (glob(pattern, 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		base = strrchr(g.gl_pathv[i], '/') + 1;
		name = strndup(base, strlen(base) - 5);
		text = NULL;
		desc = corral_profile_read(g.gl_pathv[i], &text, &err)
			       ? strdup(err.message)
			       : description_of(text);
		fprintf(f, "%-14s user      %s%s\n", name ? name : base,
			name && is_builtin(name) ? "(replaces the built-in) "
						 : "",
			desc ? desc : "");
		free(name);
		free(desc);
		free(text);
	}
	globfree(&g);
}

int corral_profile_list(char **out, struct corral_error *err)
{
	const char *home = getenv("HOME");
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	list_builtins(f);
	if (home && home[0] == '/')
		list_user(f, home);
	if (fclose(f))
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	*out = buf;
	return 0;
}

/* Build a plan from one profile, as `run -p NAME` would, without running. */
static int plan_of(const char *name, struct corral_plan **plan,
		   struct corral_error *err)
{
	struct corral_options opts = { 0 };
	char *cwd = getcwd(NULL, 0);
	int ret;

	opts.no_cwd = !cwd || !strcmp(cwd, "/");
	free(cwd);
	ret = corral_words_add(&opts.profiles, name);
	if (!ret)
		ret = corral_plan_build(plan, &opts, err);
	else
		ret = corral_fail(err, -ENOMEM, NULL, "out of memory");
	corral_options_free(&opts);
	return ret;
}

static cJSON *strings(const struct corral_words *w)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; a && i < w->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(w->v[i]));
	return a;
}

/* A deny or protect that a grant of the same path lifted is not in force. */
static const char *fs_key(const struct corral_rule *r)
{
	if (r->lifted)
		return "lifted";
	if (r->kind == CORRAL_RULE_DENY)
		return "deny";
	if (r->kind == CORRAL_RULE_PROTECT)
		return "protect";
	if (r->access == CORRAL_ACCESS_READ)
		return "read";
	return r->access == CORRAL_ACCESS_WRITE ? "write" : "allow";
}

/* Profile rules only: the working directory and terminal come at run. */
static cJSON *filesystem(const struct corral_plan *plan)
{
	static const char *const keys[] = { "read", "write",   "allow",
					    "deny", "protect", "lifted" };
	cJSON *fs = cJSON_CreateObject(), *list;
	size_t i, k;

	for (k = 0; fs && k < sizeof(keys) / sizeof(keys[0]); k++) {
		list = cJSON_AddArrayToObject(fs, keys[k]);
		for (i = 0; list && i < plan->n_rules; i++) {
			const struct corral_rule *r = &plan->rules[i];

			if (strcmp(fs_key(r), keys[k]) ||
			    (strcmp(r->origin, CORRAL_ORIGIN_DEFAULT) &&
			     strncmp(r->origin, "profile ", 8)))
				continue;
			cJSON_AddItemToArray(list, cJSON_CreateString(r->path));
		}
	}
	return fs;
}

static cJSON *network(const struct corral_plan *plan)
{
	cJSON *net, *list;
	size_t i;

	if (!plan->net.ports)
		return cJSON_CreateString(plan->net.off ? "off" : "on");
	net = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(net, "connect");
	for (i = 0; list && i < plan->net.n_connect; i++)
		cJSON_AddItemToArray(list,
				     cJSON_CreateNumber(plan->net.connect[i]));
	list = cJSON_AddArrayToObject(net, "bind");
	for (i = 0; list && i < plan->net.n_bind; i++)
		cJSON_AddItemToArray(list,
				     cJSON_CreateNumber(plan->net.bind[i]));
	return net;
}

static cJSON *resolved(const struct corral_plan *plan)
{
	static const char *const workdir[] = { "rw", "ro", "none" };
	const struct corral_profile_acc *acc = &plan->profile;
	cJSON *root = cJSON_CreateObject(), *obj;

	cJSON_AddItemToObject(root, "applied", strings(&acc->names));
	if (acc->replaced.n)
		cJSON_AddItemToObject(root, "user_profiles_replace_builtin",
				      strings(&acc->replaced));
	cJSON_AddStringToObject(root, "description",
				acc->description ? acc->description : "");
	cJSON_AddStringToObject(root, "workdir", workdir[acc->workdir]);
	cJSON_AddItemToObject(root, "filesystem", filesystem(plan));
	cJSON_AddItemToObject(root, "network", network(plan));
	cJSON_AddItemToObject(root, "unix_sockets", strings(&plan->sockets));
	obj = cJSON_AddObjectToObject(root, "commands");
	cJSON_AddItemToObject(obj, "block", strings(&plan->block_names));
	cJSON_AddItemToObject(obj, "allow", strings(&acc->unblock));
	obj = cJSON_AddObjectToObject(root, "env");
	cJSON_AddItemToObject(obj, "keep", strings(&plan->keep_env));
	cJSON_AddItemToObject(obj, "set", strings(&plan->set_env));
	cJSON_AddItemToObject(obj, "remove", strings(&plan->remove_env));
	cJSON_AddItemToObject(root, "limits", strings(&acc->limits));
	if (acc->timeout)
		cJSON_AddStringToObject(root, "timeout", acc->timeout);
	cJSON_AddBoolToObject(root, "ptrace", plan->allow_ptrace);
	return root;
}

int corral_profile_show(const char *name, char **out, struct corral_error *err)
{
	struct corral_plan *plan = NULL;
	cJSON *root;
	int ret = plan_of(name, &plan, err);

	if (ret)
		return ret;
	root = resolved(plan);
	*out = root ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	corral_plan_free(plan);
	if (!*out)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	return 0;
}

int corral_profile_validate(const char *file, struct corral_error *err)
{
	struct corral_plan *plan = NULL;
	int ret;

	if (!strchr(file, '/') && !strstr(file, ".json"))
		return corral_fail(err, -EINVAL,
				   "name a file, such as ./my.json",
				   "'%s' is not a file name", file);
	ret = plan_of(file, &plan, err);
	corral_plan_free(plan);
	return ret;
}
