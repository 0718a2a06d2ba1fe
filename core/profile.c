/* SPDX-License-Identifier: MIT */
/*
 * Profiles: JSON policies read with cJSON.  The built-in ones are embedded
 * at build time so that a lone binary carries them; user profiles live in
 * $XDG_CONFIG_HOME/corral/profiles/NAME.json.  Every chain is rooted at
 * the default profile, so no profile can drop its denies: they are lifted
 * only path by path.  Lists add up along "extends"; scalars are overridden
 * by the profile applied later.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "internal.h"

#define MAX_DEPTH 16
#define MAX_PROFILE_BYTES (1 << 20)

struct fs_key {
	const char *key;
	enum corral_rule_kind kind;
	unsigned access;
	bool create; /* make the directory when it is missing */
};

static const struct fs_key fs_keys[] = {
	{ "read", CORRAL_RULE_GRANT, CORRAL_ACCESS_READ, false },
	{ "write", CORRAL_RULE_GRANT, CORRAL_ACCESS_WRITE, false },
	{ "allow", CORRAL_RULE_GRANT, CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE,
	  false },
	{ "create", CORRAL_RULE_GRANT, CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE,
	  true },
	{ "deny", CORRAL_RULE_DENY, 0, false },
	{ "protect", CORRAL_RULE_PROTECT, 0, false },
};

/* One profile being read: its text, its name and where errors point. */
struct source {
	char *name; /* as named by -p or extends */
	char *label; /* file name for messages */
	char *text;
	bool builtin;
	bool project; /* a trusted .corral.json: adds, never lifts */
	const char *origin; /* "profile NAME", owned by the plan */
	const cJSON *root; /* while it is applied */
};

struct loader {
	struct corral_plan *plan;
	struct corral_error *err;
	const char *stack[MAX_DEPTH];
	int depth;
	struct corral_words applied;
	bool project; /* loading a project policy and what it extends */
};

static bool has_glob(const char *path)
{
	return strpbrk(path, "*?[") != NULL;
}

/*
 * Whether the plan has this rule already.  Only a placeholder can lead
 * to one ($XDG_CONFIG_HOME/corral is ~/.config/corral when unset), so
 * only those are looked for.
 */
static bool duplicate(const struct corral_plan *plan,
		      const struct corral_rule *r)
{
	size_t i;

	if (r->written[0] != '$')
		return false;
	for (i = 0; i < plan->n_rules; i++)
		if (plan->rules[i].kind == r->kind &&
		    plan->rules[i].access == r->access &&
		    plan->rules[i].origin == r->origin &&
		    !strcmp(plan->rules[i].path, r->path))
			return true;
	return false;
}

static int push_rule(struct corral_plan *plan, enum corral_rule_kind kind,
		     unsigned access, const char *written, const char *expanded,
		     const char *origin)
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
	if (!r->written || !r->path || duplicate(plan, r)) {
		free(r->written);
		free(r->path);
		return r->written && r->path ? 0 : -ENOMEM;
	}
	r->exists = exists && stat(r->path, &st) == 0;
	r->is_dir = r->exists && S_ISDIR(st.st_mode);
	r->inside = -1;
	plan->n_rules++;
	return 0;
}

/* Add every match of a pattern; no match is a missing path, not an error. */
static int push_glob(struct corral_plan *plan, enum corral_rule_kind kind,
		     unsigned access, const char *written, const char *expanded,
		     const char *origin)
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

/* An error at a node of a profile: FILE:LINE:COLUMN: message. */
__attribute__((format(printf, 6, 7))) static int fail_at(
	struct loader *l, const struct source *src, const cJSON *node,
	bool at_key, const char *hint, const char *fmt, ...)
{
	struct corral_json_map map;
	char msg[768];
	int line, column;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Only an error needs positions: the scan is not paid otherwise. */
	corral_json_map_build(&map, src->text, src->root);
	corral_json_where(&map, node, at_key, &line, &column);
	corral_json_map_free(&map);
	return corral_fail(l->err, -EINVAL, hint, "%s:%d:%d: %s", src->label,
			   line, column, msg);
}

/* Re-raise an error of a callee with the position of the node it is about. */
static int refail_at(struct loader *l, const struct source *src,
		     const cJSON *node)
{
	struct corral_error inner = *l->err;

	return fail_at(l, src, node, false, inner.hint[0] ? inner.hint : NULL,
		       "%s", inner.message);
}

static int want_strings(struct loader *l, const struct source *src,
			const cJSON *node, const char *what)
{
	const cJSON *item;

	if (!cJSON_IsArray(node))
		return fail_at(l, src, node, false, NULL,
			       "%s must be a list of strings", what);
	cJSON_ArrayForEach (item, node)
		if (!cJSON_IsString(item))
			return fail_at(l, src, item, false, NULL,
				       "%s: every entry must be a string",
				       what);
	return 0;
}

static int add_strings(struct loader *l, const struct source *src,
		       const cJSON *node, const char *what,
		       struct corral_words *to)
{
	const cJSON *item;
	int ret = want_strings(l, src, node, what);

	cJSON_ArrayForEach (item, node)
		if (!ret && corral_words_add(to, item->valuestring))
			ret = corral_fail(l->err, -ENOMEM, NULL,
					  "out of memory");
	return ret;
}

/* A profile means the same wherever it is used from: no relative path. */
static int want_absolute(struct loader *l, const struct source *src,
			 const cJSON *item, const char *what)
{
	const char *path = item->valuestring;

	if (path[0] && strchr("/~$", path[0]))
		return 0;
	return fail_at(l, src, item, false,
		       "write /..., ~/..., $HOME/... or $WORKDIR/...",
		       "%s: path '%s' is not absolute", what, path);
}

static int load_sockets(struct loader *l, const struct source *src,
			const cJSON *list)
{
	const char *what = "network.unix_sockets";
	const cJSON *item;
	int ret = want_strings(l, src, list, what);

	cJSON_ArrayForEach (item, list)
		if (!ret)
			ret = want_absolute(l, src, item, what);
	return ret ? ret
		   : add_strings(l, src, list, what, &l->plan->profile.sockets);
}

/*
 * An agent cannot make its own directory on a first confined run: its
 * parent, the home directory, is not writable.  A profile names those
 * directories under "create"; they are made (mode 0700) when the plan is
 * built to run, never for a dry run, and granted read-write.
 */
static int create_dir(struct loader *l, const char *written)
{
	char *path = NULL, *p;
	int ret;

	if (l->plan->dry_run)
		return 0;
	ret = corral_path_expand(written, l->plan->home, l->plan->workdir,
				 &path, l->err);
	for (p = path ? strchr(path + 1, '/') : NULL; !ret;
	     p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (!mkdir(path, 0700))
			corral_path_cache_made();
		else if (errno != EEXIST)
			ret = corral_fail(l->err, -errno, NULL,
					  "cannot create '%s': %s", path,
					  strerror(errno));
		if (!p)
			break;
		*p = '/';
	}
	free(path);
	return ret;
}

static int load_paths(struct loader *l, const struct source *src,
		      const cJSON *list, const struct fs_key *k)
{
	const cJSON *item;
	char what[64];
	int ret;

	snprintf(what, sizeof(what), "filesystem.%s", k->key);
	ret = want_strings(l, src, list, what);
	cJSON_ArrayForEach (item, list) {
		const char *path = item->valuestring;

		if (ret)
			break;
		ret = want_absolute(l, src, item, what);
		if (ret)
			return ret;
		if (k->create && create_dir(l, path))
			return refail_at(l, src, item);
		if (corral_plan_add(l->plan, k->kind, k->access, path,
				    src->origin, l->err))
			return refail_at(l, src, item);
	}
	return ret;
}

static const struct fs_key *find_fs_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(fs_keys) / sizeof(fs_keys[0]); i++)
		if (!strcmp(fs_keys[i].key, key))
			return &fs_keys[i];
	return NULL;
}

static int load_filesystem(struct loader *l, const struct source *src,
			   const cJSON *fs)
{
	const cJSON *item;
	const struct fs_key *k;
	int ret;

	if (!cJSON_IsObject(fs))
		return fail_at(l, src, fs, false, NULL,
			       "filesystem must be an object");
	cJSON_ArrayForEach (item, fs) {
		k = find_fs_key(item->string);
		if (!k)
			return fail_at(
				l, src, item, true,
				"filesystem keys: read write allow create deny protect",
				"unknown key 'filesystem.%s'", item->string);
		ret = load_paths(l, src, item, k);
		if (ret)
			return ret;
	}
	return 0;
}

static int add_ports(struct loader *l, const struct source *src,
		     const cJSON *node, const char *what,
		     struct corral_words *to)
{
	const cJSON *item;
	char port[16];

	if (!cJSON_IsArray(node))
		return fail_at(l, src, node, false, NULL,
			       "%s must be a list of port numbers", what);
	cJSON_ArrayForEach (item, node) {
		if (!cJSON_IsNumber(item) || item->valuedouble < 1 ||
		    item->valuedouble > 65535 ||
		    item->valuedouble != (double)item->valueint)
			return fail_at(
				l, src, item, false, NULL,
				"%s: a port is a whole number from 1 to 65535",
				what);
		snprintf(port, sizeof(port), "%d", item->valueint);
		if (corral_words_add(to, port))
			return corral_fail(l->err, -ENOMEM, NULL,
					   "out of memory");
	}
	return 0;
}

static int load_network(struct loader *l, const struct source *src,
			const cJSON *net)
{
	struct corral_profile_acc *acc = &l->plan->profile;
	const cJSON *item;
	int ret = 0;

	/* "on" and "off" override whatever ports the parents listed. */
	if (cJSON_IsString(net) && (!strcmp(net->valuestring, "on") ||
				    !strcmp(net->valuestring, "off"))) {
		acc->network = strcmp(net->valuestring, "on") ? CORRAL_NET_OFF
							      : CORRAL_NET_ON;
		corral_words_free(&acc->connect);
		corral_words_free(&acc->bind);
		return 0;
	}
	if (!cJSON_IsObject(net))
		return fail_at(
			l, src, net, false,
			"write \"on\", \"off\" or {\"connect\": [...], \"bind\": [...], \"unix_sockets\": [...]}",
			"invalid network");
	cJSON_ArrayForEach (item, net) {
		if (!strcmp(item->string, "connect"))
			ret = add_ports(l, src, item, "network.connect",
					&acc->connect);
		else if (!strcmp(item->string, "bind"))
			ret = add_ports(l, src, item, "network.bind",
					&acc->bind);
		else if (!strcmp(item->string, "unix_sockets"))
			ret = load_sockets(l, src, item);
		else
			ret = fail_at(l, src, item, true,
				      "network keys: connect bind unix_sockets",
				      "unknown key 'network.%s'", item->string);
		if (ret)
			return ret;
	}
	return 0;
}

static int load_commands(struct loader *l, const struct source *src,
			 const cJSON *cmds)
{
	struct corral_profile_acc *acc = &l->plan->profile;
	const cJSON *item;
	int ret = 0;

	if (!cJSON_IsObject(cmds))
		return fail_at(l, src, cmds, false, NULL,
			       "commands must be an object");
	cJSON_ArrayForEach (item, cmds) {
		if (!strcmp(item->string, "block"))
			ret = add_strings(l, src, item, "commands.block",
					  &acc->block);
		else if (!strcmp(item->string, "allow"))
			ret = add_strings(l, src, item, "commands.allow",
					  &acc->unblock);
		else
			ret = fail_at(l, src, item, true,
				      "commands keys: block allow",
				      "unknown key 'commands.%s'",
				      item->string);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The checks --keep-env and --set-env get, made here so that the error
 * points into the profile: a NAME=VALUE word for env.set, a name for
 * env.keep.
 */
static int check_env(struct loader *l, const struct source *src,
		     const cJSON *node, const char *what, char *word)
{
	struct corral_words none = { 0 }, one = { .v = &word, .n = 1 };
	bool set = !strcmp(what, "env.set");
	struct corral_error inner = { 0 };
	size_t len = strcspn(word, "=");
	int ret;

	ret = set ? corral_env_check(&none, &one, &inner)
		  : corral_env_check(&one, &none, &inner);
	if (ret == -EPERM)
		return fail_at(l, src, node, set, inner.hint,
			       "%s: '%.*s' cannot be %s", what, (int)len, word,
			       set ? "set" : "kept");
	if (ret)
		return fail_at(l, src, node, set, NULL,
			       "%s: invalid variable name '%.*s'", what,
			       (int)len, word);
	return 0;
}

static int load_env_keep(struct loader *l, const struct source *src,
			 const cJSON *keep)
{
	const cJSON *item;
	int ret = want_strings(l, src, keep, "env.keep");

	cJSON_ArrayForEach (item, keep)
		if (!ret)
			ret = check_env(l, src, item, "env.keep",
					item->valuestring);
	return ret ? ret
		   : add_strings(l, src, keep, "env.keep",
				 &l->plan->profile.keep_env);
}

static int load_env_set(struct loader *l, const struct source *src,
			const cJSON *set)
{
	const cJSON *item;
	char *assignment;
	int ret;

	if (!cJSON_IsObject(set))
		return fail_at(l, src, set, false, NULL,
			       "env.set must be an object of NAME: \"value\"");
	cJSON_ArrayForEach (item, set) {
		if (!cJSON_IsString(item))
			return fail_at(l, src, item, false, NULL,
				       "env.set.%s must be a string",
				       item->string);
		if (asprintf(&assignment, "%s=%s", item->string,
			     item->valuestring) < 0)
			return corral_fail(l->err, -ENOMEM, NULL,
					   "out of memory");
		ret = check_env(l, src, item, "env.set", assignment);
		if (!ret &&
		    corral_words_add(&l->plan->profile.set_env, assignment))
			ret = corral_fail(l->err, -ENOMEM, NULL,
					  "out of memory");
		free(assignment);
		if (ret)
			return ret;
	}
	return 0;
}

static int load_env(struct loader *l, const struct source *src,
		    const cJSON *env)
{
	struct corral_profile_acc *acc = &l->plan->profile;
	const cJSON *item;
	int ret = 0;

	if (!cJSON_IsObject(env))
		return fail_at(l, src, env, false, NULL,
			       "env must be an object");
	cJSON_ArrayForEach (item, env) {
		if (!strcmp(item->string, "keep"))
			ret = load_env_keep(l, src, item);
		else if (!strcmp(item->string, "remove"))
			ret = add_strings(l, src, item, "env.remove",
					  &acc->remove_env);
		else if (!strcmp(item->string, "set"))
			ret = load_env_set(l, src, item);
		else
			ret = fail_at(l, src, item, true,
				      "env keys: keep set remove",
				      "unknown key 'env.%s'", item->string);
		if (ret)
			return ret;
	}
	return 0;
}

static int add_limit(struct corral_profile_acc *acc, const char *key,
		     const char *value)
{
	char *word;
	int ret;

	if (asprintf(&word, "%s=%s", key, value) < 0)
		return -ENOMEM;
	ret = corral_words_add(&acc->limits, word);
	free(word);
	return ret;
}

/*
 * Check one value as --limit or --timeout would, on a scratch plan, so
 * that a bad value is reported at its place in the profile.  A comma
 * would smuggle a second limit into the "key=value" word.
 */
static int check_limit(struct loader *l, const struct source *src,
		       const cJSON *item, const char *value)
{
	struct corral_plan scratch = { 0 };
	struct corral_error inner = { 0 };
	char spec[160], *word = spec;
	struct corral_words one = { .v = &word, .n = 1 };
	int ret;

	if (strchr(value, ','))
		return fail_at(l, src, item, false, "one value per key",
			       "limits.%s: invalid value '%s'", item->string,
			       value);
	snprintf(spec, sizeof(spec), "%s=%s", item->string, value);
	if (!strcmp(item->string, "timeout"))
		ret = corral_timeout_parse(&scratch, value, &inner);
	else
		ret = corral_limits_parse(&scratch, &one, &inner);
	if (ret)
		return fail_at(
			l, src, item, false, inner.hint[0] ? inner.hint : NULL,
			"limits.%s: invalid value '%s'", item->string, value);
	return 0;
}

/* A limit's value as text: a string as it is, a whole number printed. */
static int limit_word(struct loader *l, const struct source *src,
		      const cJSON *item, char *word, size_t size)
{
	if (cJSON_IsString(item)) {
		snprintf(word, size, "%s", item->valuestring);
		return 0;
	}
	if (!cJSON_IsNumber(item))
		return fail_at(l, src, item, false, NULL,
			       "limits.%s must be a number or a string",
			       item->string);
	snprintf(word, size, "%.0f", item->valuedouble);
	if (item->valuedouble < 0 || strtod(word, NULL) != item->valuedouble)
		return fail_at(l, src, item, false, NULL,
			       "limits.%s must be a whole number",
			       item->string);
	return 0;
}

/* Limits become "key=value" words, parsed again with the flags' ones. */
static int load_limits(struct loader *l, const struct source *src,
		       const cJSON *limits)
{
	struct corral_profile_acc *acc = &l->plan->profile;
	static const char *const keys[] = { "mem",   "procs",  "cpu",
					    "fsize", "nofile", "timeout" };
	const cJSON *item;
	char word[128];
	size_t i;
	int ret;

	if (!cJSON_IsObject(limits))
		return fail_at(l, src, limits, false, NULL,
			       "limits must be an object");
	cJSON_ArrayForEach (item, limits) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(keys[i], item->string))
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return fail_at(
				l, src, item, true,
				"limits keys: mem procs cpu fsize nofile timeout",
				"unknown key 'limits.%s'", item->string);
		ret = limit_word(l, src, item, word, sizeof(word));
		if (!ret)
			ret = check_limit(l, src, item, word);
		if (ret)
			return ret;
		if (!strcmp(item->string, "timeout")) {
			free(acc->timeout);
			acc->timeout = strdup(word);
			if (!acc->timeout)
				return corral_fail(l->err, -ENOMEM, NULL,
						   "out of memory");
			continue;
		}
		if (add_limit(acc, item->string, word))
			return corral_fail(l->err, -ENOMEM, NULL,
					   "out of memory");
	}
	return 0;
}

static int load_enum(struct loader *l, const struct source *src,
		     const cJSON *node, const char *const *values, int n,
		     const char *hint, int *out)
{
	int i;

	for (i = 0; cJSON_IsString(node) && i < n; i++)
		if (!strcmp(node->valuestring, values[i])) {
			*out = i;
			return 0;
		}
	return fail_at(l, src, node, false, hint, "invalid %s", node->string);
}

static int load_scalar(struct loader *l, const struct source *src,
		       const cJSON *item)
{
	static const char *const workdir[] = { "rw", "ro", "none" };
	struct corral_profile_acc *acc = &l->plan->profile;

	if (!strcmp(item->string, "workdir"))
		return load_enum(l, src, item, workdir, 3,
				 "workdir is \"rw\", \"ro\" or \"none\"",
				 &acc->workdir);
	if (!strcmp(item->string, "ptrace")) {
		if (!cJSON_IsBool(item))
			return fail_at(l, src, item, false, NULL,
				       "ptrace must be true or false");
		acc->ptrace = cJSON_IsTrue(item);
		return 0;
	}
	if (!cJSON_IsString(item))
		return fail_at(l, src, item, false, NULL,
			       "description must be a string");
	free(acc->description);
	acc->description = strdup(item->valuestring);
	return acc->description
		       ? 0
		       : corral_fail(l->err, -ENOMEM, NULL, "out of memory");
}

static int load_member(struct loader *l, const struct source *src,
		       const cJSON *item)
{
	const char *key = item->string;

	if (!strcmp(key, "extends"))
		return 0; /* handled before the members */
	if (!strcmp(key, "filesystem"))
		return load_filesystem(l, src, item);
	if (!strcmp(key, "network"))
		return load_network(l, src, item);
	if (!strcmp(key, "commands"))
		return load_commands(l, src, item);
	if (!strcmp(key, "env"))
		return load_env(l, src, item);
	if (!strcmp(key, "limits"))
		return load_limits(l, src, item);
	if (!strcmp(key, "workdir") || !strcmp(key, "ptrace") ||
	    !strcmp(key, "description"))
		return load_scalar(l, src, item);
	return fail_at(
		l, src, item, true,
		"keys: extends description filesystem network commands env limits workdir ptrace",
		"unknown key '%s'", key);
}

static int load(struct loader *l, const char *name, bool builtin_only);

/* A user profile that extends its own name means the built-in one. */
static int extend(struct loader *l, const struct source *src,
		  const cJSON *parent)
{
	bool builtin_only =
		!src->builtin && !strcmp(parent->valuestring, src->name);
	const char *name = parent->valuestring;

	/*
	 * Trust covers the policy's own bytes: a file it extends could be
	 * rewritten by the very sandbox it confines.
	 */
	if (l->project && (strchr(name, '/') || strstr(name, ".json")))
		return fail_at(
			l, src, parent, false,
			"extend a built-in or user profile by name, or copy the rules into the policy",
			"a project policy extends profiles by name only, not the file '%s'",
			name);

	if (load(l, parent->valuestring, builtin_only))
		return refail_at(l, src, parent);
	return 0;
}

static int load_extends(struct loader *l, const struct source *src,
			const cJSON *root)
{
	const cJSON *ext = cJSON_GetObjectItemCaseSensitive(root, "extends");
	const cJSON *item;
	int ret = 0;

	if (!ext)
		return 0;
	if (cJSON_IsString(ext))
		return extend(l, src, ext);
	ret = want_strings(l, src, ext, "extends");
	cJSON_ArrayForEach (item, ext)
		if (!ret)
			ret = extend(l, src, item);
	return ret;
}

static bool valid_name(const char *name)
{
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	return n > 0 && !name[n] && name[0] != '.';
}

static const char *builtin_text(const char *name)
{
	size_t i;

	for (i = 0; corral_builtin_profiles[i].name; i++)
		if (!strcmp(corral_builtin_profiles[i].name, name))
			return corral_builtin_profiles[i].text;
	return NULL;
}

/* A profile file others can write could be made to grant anything. */
int corral_profile_read(const char *path, char **text, struct corral_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return corral_fail(err, -errno, NULL,
				   "cannot read profile '%s': %s", path,
				   strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_PROFILE_BYTES) {
		close(fd);
		return corral_fail(
			err, -EINVAL, NULL,
			"profile '%s' is not a regular file of at most 1 MiB",
			path);
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    (st.st_uid != geteuid() && st.st_uid != 0)) {
		close(fd);
		return corral_fail(
			err, -EPERM, "chmod go-w the file, and own it",
			"refusing profile '%s': writable by other users", path);
	}
	*text = calloc(1, (size_t)st.st_size + 1);
	n = *text ? read(fd, *text, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(*text);
		return corral_fail(err, -EIO, NULL, "cannot read profile '%s'",
				   path);
	}
	return 0;
}

/* The user profiles directory: $XDG_CONFIG_HOME/corral/profiles. */
int corral_user_profile_dir(const char *home, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");

	if (xdg && xdg[0] == '/')
		return snprintf(buf, len, "%s/corral/profiles", xdg) >= (int)len
			       ? -ENAMETOOLONG
			       : 0;
	return snprintf(buf, len, "%s/.config/corral/profiles", home) >=
			       (int)len
		       ? -ENAMETOOLONG
		       : 0;
}

/* Find a profile by name or file: user profiles shadow built-ins. */
static int find_source(struct loader *l, const char *name, bool builtin_only,
		       struct source *src)
{
	char dir[PATH_MAX], *path = NULL;
	const char *text;
	int ret;

	src->name = strdup(name);
	if (!src->name)
		return corral_fail(l->err, -ENOMEM, NULL, "out of memory");
	if (builtin_only) {
		/* straight to the built-in */
	} else if (strchr(name, '/') || strstr(name, ".json")) {
		ret = corral_path_expand(name, l->plan->home, NULL, &path,
					 l->err);
		if (ret)
			return ret;
		src->label = corral_path_normalize(path);
		free(path);
		path = src->label;
		src->label = NULL;
		if (!path)
			return corral_fail(l->err, -ENOMEM, NULL,
					   "out of memory");
	} else if (!valid_name(name)) {
		return corral_fail(l->err, -EINVAL, NULL,
				   "invalid profile name '%s'", name);
	} else if (!corral_user_profile_dir(l->plan->home, dir, sizeof(dir)) &&
		   asprintf(&path, "%s/%s.json", dir, name) >= 0 &&
		   access(path, F_OK)) {
		free(path);
		path = NULL;
	}
	if (path) {
		src->label = path;
		ret = corral_profile_read(path, &src->text, l->err);
		if (!ret && builtin_text(name))
			corral_words_add(&l->plan->profile.replaced, name);
		return ret;
	}
	text = builtin_text(name);
	if (!text)
		return corral_fail(
			l->err, -ENOENT,
			"'corral profile list' shows the profiles there are",
			"unknown profile '%s'", name);
	src->builtin = true;
	src->text = strdup(text);
	return asprintf(&src->label, "profiles/%s.json (built-in)", name) < 0
		       ? -ENOMEM
		       : 0;
}

/* Profiles are told apart by their file, so "default" may be two. */
static int check_cycle(struct loader *l, const char *name)
{
	char chain[1024] = "";
	int i;

	for (i = 0; i < l->depth; i++)
		if (!strcmp(l->stack[i], name))
			break;
	if (i == l->depth && l->depth < MAX_DEPTH)
		return 0;
	for (i = 0; i < l->depth; i++)
		snprintf(chain + strlen(chain), sizeof(chain) - strlen(chain),
			 "%s -> ", l->stack[i]);
	return corral_fail(l->err, -ELOOP, NULL, "extends cycle: %s%s", chain,
			   name);
}

static int parse_source(struct loader *l, struct source *src, cJSON **root)
{
	const char *end = NULL;
	int line, column;

	*root = cJSON_ParseWithOpts(src->text, &end, 1);
	if (!*root) {
		corral_json_line_column(src->text,
					end ? (size_t)(end - src->text) : 0,
					&line, &column);
		return corral_fail(l->err, -EINVAL, NULL,
				   "%s:%d:%d: invalid JSON", src->label, line,
				   column);
	}
	if (!cJSON_IsObject(*root))
		return corral_fail(l->err, -EINVAL, NULL,
				   "%s:1:1: a profile must be a JSON object",
				   src->label);
	src->root = *root;
	return 0;
}

static int origin_of(struct loader *l, struct source *src, const char *name)
{
	char *origin;
	int ret;

	if (!strcmp(name, "default") && src->builtin) {
		src->origin = CORRAL_ORIGIN_DEFAULT;
		return 0;
	}
	/* Rules loaded for a project policy never lift a deny: see lift_exact. */
	if (src->project)
		ret = asprintf(&origin, "project policy %s", name);
	else if (l->project)
		ret = asprintf(&origin, "project policy (extends %s)", name);
	else
		ret = asprintf(&origin, "profile %s", name);
	if (ret < 0)
		return -ENOMEM;
	ret = corral_words_add(&l->plan->profile.origins, origin);
	free(origin);
	if (!ret)
		src->origin = l->plan->profile.origins
				      .v[l->plan->profile.origins.n - 1];
	return ret;
}

static int apply(struct loader *l, struct source *src, const char *name)
{
	const cJSON *item;
	cJSON *root = NULL;
	int ret;

	ret = parse_source(l, src, &root);
	if (!ret && origin_of(l, src, name))
		ret = corral_fail(l->err, -ENOMEM, NULL, "out of memory");
	if (!ret) {
		l->stack[l->depth++] = src->label;
		ret = load_extends(l, src, root);
		l->depth--;
	}
	if (!ret)
		cJSON_ArrayForEach (item, root)
			if (!ret)
				ret = load_member(l, src, item);
	cJSON_Delete(root);
	return ret;
}

static int load(struct loader *l, const char *name, bool builtin_only)
{
	struct source src = { 0 };
	int ret;

	ret = find_source(l, name, builtin_only, &src);
	if (!ret && corral_words_has(&l->applied, src.label))
		goto free_source;
	if (!ret)
		ret = check_cycle(l, src.label);
	if (!ret)
		ret = apply(l, &src, name);
	if (!ret && (corral_words_add(&l->applied, src.label) ||
		     corral_words_add(&l->plan->profile.names, src.label)))
		ret = corral_fail(l->err, -ENOMEM, NULL, "out of memory");
free_source:
	free(src.name);
	free(src.label);
	free(src.text);
	return ret;
}

/*
 * Apply a trusted project policy from the very bytes that were hashed.
 * Its rules cannot lift the built-in denies: only the user's own flags
 * and profiles can.
 */
int corral_profiles_load_project(struct corral_plan *plan,
				 const struct corral_policy *policy,
				 struct corral_error *err)
{
	struct loader l = { .plan = plan, .err = err, .project = true };
	struct source src = { .project = true };
	int ret = -ENOMEM;

	src.name = strdup(policy->path);
	src.label = strdup(policy->path);
	src.text = strdup(policy->text);
	if (src.name && src.label && src.text)
		ret = apply(&l, &src, policy->path);
	else
		corral_fail(err, ret, NULL, "out of memory");
	if (!ret && corral_words_add(&plan->profile.names, src.label))
		ret = corral_fail(err, -ENOMEM, NULL, "out of memory");
	free(src.name);
	free(src.label);
	free(src.text);
	return ret;
}

/*
 * Load the default profile, then each named one (with what it extends),
 * into the plan: filesystem rules straight in, the rest into plan->profile.
 */
int corral_profiles_load(struct corral_plan *plan,
			 const struct corral_words *names,
			 struct corral_error *err)
{
	struct loader l = { .plan = plan, .err = err };
	size_t i;
	int ret;

	/* The built-in default first, then a user's default.json if any. */
	ret = load(&l, "default", true);
	if (!ret)
		ret = load(&l, "default", false);
	for (i = 0; i < names->n && !ret; i++)
		ret = load(&l, names->v[i], false);
	corral_words_free(&l.applied);
	return ret;
}
