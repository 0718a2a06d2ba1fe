/* SPDX-License-Identifier: MIT */
/*
 * The plan: the default profile and the options resolved into one list of
 * canonical rules, with every deny and protect matched to the grant around
 * it and the mechanisms chosen for this machine.  Pure but for stat(2).
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define ORIGIN_DEFAULT CORRAL_ORIGIN_DEFAULT

int corral_words_add(struct corral_words *w, const char *word)
{
	char **v = realloc(w->v, (w->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	w->v = v;
	v[w->n] = strdup(word);
	if (!v[w->n])
		return -ENOMEM;
	w->n++;
	return 0;
}

/* Whether word is one of w's; a NULL list has none. */
bool corral_words_has(const struct corral_words *w, const char *word)
{
	size_t i;

	for (i = 0; w && i < w->n; i++)
		if (!strcmp(w->v[i], word))
			return true;
	return false;
}

int corral_words_copy(struct corral_words *to, const struct corral_words *from)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < from->n && !ret; i++)
		ret = corral_words_add(to, from->v[i]);
	return ret;
}

void corral_words_free(struct corral_words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

static int parse_port(const char *flag, const char *text, uint16_t *ports,
		      size_t *n, struct corral_error *err)
{
	char *end;
	long port;

	errno = 0;
	port = strtol(text, &end, 10);
	if (errno || end == text || *end || port < 1 || port > 65535)
		return corral_fail(err, -EINVAL,
				   "a port is a number from 1 to 65535",
				   "%s: invalid port '%s'", flag, text);
	if (*n == CORRAL_MAX_PORTS)
		return corral_fail(err, -E2BIG, NULL, "%s: more than %d ports",
				   flag, CORRAL_MAX_PORTS);
	ports[(*n)++] = (uint16_t)port;
	return 0;
}

static int plan_network(struct corral_plan *plan,
			const struct corral_options *opts,
			struct corral_error *err)
{
	struct corral_net *net = &plan->net;
	size_t i;
	int ret = 0;

	const struct corral_profile_acc *acc = &plan->profile;

	if (opts->no_net && (opts->connect_ports.n || opts->bind_ports.n))
		return corral_fail(
			err, -EINVAL,
			"use --allow-port or --allow-bind alone: either turns all other network off",
			"--no-net and port rules contradict each other");
	net->ports =
		!opts->no_net && (opts->connect_ports.n || opts->bind_ports.n ||
				  acc->connect.n || acc->bind.n);
	net->off =
		opts->no_net || (!net->ports && acc->network == CORRAL_NET_OFF);
	net->unix_sockets = opts->sockets.n > 0 || acc->sockets.n > 0;
	if (net->ports && plan->abi < 4)
		return corral_fail(
			err, -EOPNOTSUPP,
			"TCP port rules need Landlock ABI 4 (Linux 6.7 or later); use --no-net or no network option",
			"port rules cannot be enforced with Landlock ABI %d",
			plan->abi);
	for (i = 0; i < acc->connect.n && !ret && net->ports; i++)
		ret = parse_port("network.connect", acc->connect.v[i],
				 net->connect, &net->n_connect, err);
	for (i = 0; i < acc->bind.n && !ret && net->ports; i++)
		ret = parse_port("network.bind", acc->bind.v[i], net->bind,
				 &net->n_bind, err);
	for (i = 0; i < opts->connect_ports.n && !ret; i++)
		ret = parse_port("--allow-port", opts->connect_ports.v[i],
				 net->connect, &net->n_connect, err);
	for (i = 0; i < opts->bind_ports.n && !ret; i++)
		ret = parse_port("--allow-bind", opts->bind_ports.v[i],
				 net->bind, &net->n_bind, err);
	return ret;
}

static int plan_sockets(struct corral_plan *plan,
			const struct corral_words *sockets,
			struct corral_error *err)
{
	char *expanded, *real;
	bool exists;
	size_t i;
	int ret = 0;

	for (i = 0; i < sockets->n && !ret; i++) {
		ret = corral_path_expand(sockets->v[i], plan->home,
					 plan->workdir, &expanded, err);
		if (ret)
			break;
		real = corral_path_resolve(expanded, &exists);
		free(expanded);
		if (real && !exists)
			corral_note(
				plan,
				"socket '%s' does not exist: nothing to reach",
				real);
		ret = real ? corral_words_add(&plan->sockets, real) : -ENOMEM;
		free(real);
	}
	return ret;
}

/* Profile lists first, then the flags': later words override earlier. */
static int merge_words(struct corral_words *to, const struct corral_words *a,
		       const struct corral_words *b)
{
	return corral_words_copy(to, a) || corral_words_copy(to, b) ? -ENOMEM
								    : 0;
}

static int plan_environment(struct corral_plan *plan,
			    const struct corral_options *opts,
			    struct corral_error *err)
{
	const struct corral_profile_acc *acc = &plan->profile;

	if (merge_words(&plan->keep_env, &acc->keep_env, &opts->keep_env) ||
	    merge_words(&plan->set_env, &acc->set_env, &opts->set_env) ||
	    corral_words_copy(&plan->remove_env, &acc->remove_env))
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	return corral_env_check(&plan->keep_env, &plan->set_env, err);
}

static int plan_limits(struct corral_plan *plan,
		       const struct corral_options *opts,
		       struct corral_error *err)
{
	const struct corral_profile_acc *acc = &plan->profile;
	const char *timeout = opts->timeout.n
				      ? opts->timeout.v[opts->timeout.n - 1]
				      : acc->timeout;
	int ret;

	ret = corral_limits_parse(plan, &acc->limits, err);
	if (!ret)
		ret = corral_limits_parse(plan, &opts->limits, err);
	if (!ret && timeout)
		ret = corral_timeout_parse(plan, timeout, err);
	return ret;
}

static int plan_commands(struct corral_plan *plan,
			 const struct corral_options *opts,
			 struct corral_error *err)
{
	struct corral_words block = { 0 }, allow = { 0 };
	int ret = 0;

	if (merge_words(&block, &plan->profile.block, &opts->block_cmds) ||
	    merge_words(&allow, &plan->profile.unblock, &opts->allow_cmds))
		ret = corral_fail(err, -ENOMEM, NULL, "out of memory");
	if (!ret)
		ret = corral_blocklist_resolve(plan, &block, &allow, err);
	corral_words_free(&block);
	corral_words_free(&allow);
	return ret;
}

/* Everything but the filesystem: network, environment, limits, commands. */
static int plan_process(struct corral_plan *plan,
			const struct corral_options *opts,
			struct corral_error *err)
{
	int ret;

	plan->allow_ptrace = opts->allow_ptrace || plan->profile.ptrace;
	ret = plan_network(plan, opts, err);
	if (!ret)
		ret = plan_sockets(plan, &plan->profile.sockets, err);
	if (!ret)
		ret = plan_sockets(plan, &opts->sockets, err);
	if (!ret)
		ret = plan_environment(plan, opts, err);
	if (!ret)
		ret = plan_limits(plan, opts, err);
	if (!ret)
		ret = plan_commands(plan, opts, err);
	if (!ret && plan->namespaces && corral_daemon_paths(plan))
		ret = corral_fail(err, -ENOMEM, NULL, "out of memory");
	return ret;
}

static int find_home(struct corral_plan *plan, struct corral_error *err)
{
	const char *home = getenv("HOME");
	struct passwd *pw;
	bool exists;

	if (!home || home[0] != '/') {
		pw = getpwuid(geteuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/')
		return corral_fail(err, -EINVAL,
				   "set HOME to your home directory",
				   "cannot find the home directory");
	plan->home = corral_path_resolve(home, &exists);
	return plan->home ? 0
			  : corral_fail(err, -ENOMEM, NULL, "out of memory");
}

/*
 * A repository without .git/hooks would let the sandbox make one, and its
 * hooks would run outside on the user's next commit.  An empty hooks
 * directory, as git init makes, can be bound read-only instead.
 */
static void make_git_hooks(const char *workdir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/.git", workdir);
	if (lstat(path, &st) || !S_ISDIR(st.st_mode))
		return;
	snprintf(path, sizeof(path), "%s/.git/hooks", workdir);
	if (lstat(path, &st) && errno == ENOENT)
		mkdir(path, 0755);
}

static int find_workdir(struct corral_plan *plan, bool make_hooks,
			struct corral_error *err)
{
	char *cwd = getcwd(NULL, 0);

	if (!cwd)
		return corral_fail(err, -errno, NULL,
				   "cannot read the working directory: %s",
				   strerror(errno));
	if (!strcmp(cwd, "/")) {
		free(cwd);
		return corral_fail(
			err, -EINVAL,
			"cd into a project directory, or pass --no-cwd",
			"refusing to grant / as the working directory");
	}
	plan->workdir = cwd;
	if (make_hooks)
		make_git_hooks(cwd);
	if (!strcmp(cwd, plan->home))
		corral_note(
			plan,
			"the working directory is your home directory: all of it is writable but for the denied and protected paths");
	return 0;
}

/*
 * One policy file: applied when trusted (returns 1), else mentioned with
 * the command that trusts it (returns 0).
 */
static int try_project_policy(struct corral_plan *plan, const char *path,
			      struct corral_error *err)
{
	struct corral_error why = { 0 };
	struct corral_policy policy;
	int ret = 0;

	if (corral_policy_read(path, &policy, &why)) {
		corral_note(plan, "%s", why.message);
		return 0;
	}
	switch (corral_policy_state(plan->home, &policy)) {
	case CORRAL_POLICY_TRUSTED:
		ret = corral_profiles_load_project(plan, &policy, err);
		ret = ret ? ret : 1;
		break;
	case CORRAL_POLICY_CHANGED:
		corral_note(
			plan,
			"%s changed since it was trusted: ignored; review it with 'corral trust %s'",
			policy.path, policy.path);
		break;
	default:
		corral_note(
			plan,
			"%s is not trusted: ignored; review it with 'corral trust %s'",
			policy.path, policy.path);
	}
	corral_policy_free(&policy);
	return ret;
}

/*
 * The nearest trusted .corral.json at or above the working directory
 * applies.  An untrusted one nearer is mentioned and passed over, so a
 * file the sandbox planted cannot switch off a trusted one above it.
 */
static int add_project_policy(struct corral_plan *plan,
			      struct corral_error *err)
{
	char dir[PATH_MAX], *path = NULL, *slash;
	int ret = 0;

	if (!plan->workdir)
		return 0;
	snprintf(dir, sizeof(dir), "%s", plan->workdir);
	while (!ret && !corral_policy_find(dir, &path)) {
		ret = try_project_policy(plan, path, err);
		slash = strrchr(path, '/');
		*slash = '\0'; /* the directory that held it */
		slash = strrchr(path, '/');
		if (!slash || slash == path) {
			free(path);
			break;
		}
		*slash = '\0';
		snprintf(dir, sizeof(dir), "%s", path);
		free(path);
		path = NULL;
	}
	return ret < 0 ? ret : 0;
}

/* The working directory, as the profiles' "workdir" says (rw by default). */
static int add_workdir(struct corral_plan *plan, struct corral_error *err)
{
	unsigned access = CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE;

	if (!plan->workdir || plan->profile.workdir == CORRAL_WORKDIR_NONE)
		return 0;
	if (plan->profile.workdir == CORRAL_WORKDIR_RO)
		access = CORRAL_ACCESS_READ;
	return corral_plan_add(plan, CORRAL_RULE_GRANT, access, plan->workdir,
			       "working directory", err);
}

/* The terminal the shell is attached to, when /dev/pts does not cover it. */
static int add_terminal(struct corral_plan *plan, struct corral_error *err)
{
	int fd;
	const char *tty;

	for (fd = 0; fd <= 2; fd++) {
		tty = ttyname(fd);
		if (tty && strncmp(tty, "/dev/pts/", 9))
			return corral_plan_add(plan, CORRAL_RULE_GRANT,
					       CORRAL_ACCESS_READ |
						       CORRAL_ACCESS_WRITE,
					       tty, "terminal", err);
	}
	return 0;
}

/* Whether the kernel lets this user make a user namespace, by its sysctls. */
static bool userns_allowed(void)
{
	static const char *const knobs[] = {
		"/proc/sys/kernel/unprivileged_userns_clone",
		"/proc/sys/user/max_user_namespaces",
	};
	char buf[32];
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		f = fopen(knobs[i], "re");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && atol(buf) == 0) {
			fclose(f);
			return false;
		}
		fclose(f);
	}
	return true;
}

static int add_options(struct corral_plan *plan,
		       const struct corral_options *opts,
		       struct corral_error *err)
{
	size_t i;
	int ret;

	for (i = 0; i < opts->n_paths; i++) {
		ret = corral_plan_add(
			plan, opts->paths[i].kind, opts->paths[i].access,
			opts->paths[i].path, opts->paths[i].flag, err);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A grant the user wrote on exactly a denied or protected path lifts it:
 * the built-in lists give way path by path, never to a grant on a parent,
 * and never to an implicit grant such as the working directory.
 */
bool corral_policy_grant(const struct corral_rule *r)
{
	return r->kind == CORRAL_RULE_GRANT && r->exists &&
	       strcmp(r->origin, ORIGIN_PRIVATE_TMP);
}

unsigned corral_plan_granted(const struct corral_plan *plan, const char *path)
{
	unsigned access = 0;
	size_t i;

	for (i = 0; i < plan->n_rules; i++)
		if (corral_policy_grant(&plan->rules[i]) &&
		    corral_path_within(path, plan->rules[i].path))
			access |= plan->rules[i].access;
	return access;
}

/* make_tmpdir marks the rule missing when the view falls back. */
bool corral_plan_private_tmp(const struct corral_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n_rules; i++)
		if (plan->rules[i].exists &&
		    !strcmp(plan->rules[i].origin, ORIGIN_PRIVATE_TMP))
			return true;
	return false;
}

static bool explicit_grant(const struct corral_rule *g)
{
	return g->kind == CORRAL_RULE_GRANT &&
	       (g->origin[0] == '-' || !strncmp(g->origin, "profile ", 8));
}

static void lift_exact(struct corral_plan *plan)
{
	size_t i, j;

	for (i = 0; i < plan->n_rules; i++) {
		struct corral_rule *g = &plan->rules[i];

		if (!explicit_grant(g))
			continue;
		for (j = 0; j < plan->n_rules; j++) {
			struct corral_rule *d = &plan->rules[j];

			if (d->kind != CORRAL_RULE_GRANT &&
			    !strcmp(d->path, g->path) &&
			    (d->kind == CORRAL_RULE_DENY ||
			     (g->access & CORRAL_ACCESS_WRITE)))
				d->lifted = true;
		}
	}
}

/*
 * The innermost grant around path that gives the access asked, or -1.
 * The private /tmp starts empty: nothing in it needs carving.
 */
static int grant_around(const struct corral_plan *plan, const char *path,
			unsigned access)
{
	const struct corral_rule *best = NULL;
	int best_i = -1;
	size_t i;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *g = &plan->rules[i];

		if (g->kind != CORRAL_RULE_GRANT || !g->exists ||
		    !(g->access & access) ||
		    !corral_path_within(path, g->path) ||
		    !strcmp(g->origin, ORIGIN_PRIVATE_TMP))
			continue;
		if (!best || strlen(g->path) > strlen(best->path)) {
			best = g;
			best_i = (int)i;
		}
	}
	return best_i;
}

static int check_grant_not_denied(const struct corral_plan *plan,
				  const struct corral_rule *g,
				  struct corral_error *err)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t i;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *d = &plan->rules[i];

		if (d->kind != CORRAL_RULE_DENY || d->lifted ||
		    !corral_path_within(g->path, d->path))
			continue;
		return corral_fail(
			err, -EPERM,
			explicit_grant(g)
				? "lift the deny itself with --allow or --read on exactly that path"
				: "a project policy cannot lift a deny: only your own flags or profiles can, with --allow or --read on exactly that path",
			"%s '%s' lies inside denied '%s' (%s)", g->origin,
			corral_path_tilde(g->path, plan->home, a, sizeof(a)),
			corral_path_tilde(d->path, plan->home, b, sizeof(b)),
			d->origin);
	}
	return 0;
}

/*
 * A denied or protected path that does not exist could be made by the
 * sandbox under a writable grant (a ~/.bash_login, a corral profile), so
 * its nearest existing parent is kept from growing new entries.  Not when
 * that parent is the working directory itself for a path named from it:
 * a .corral.json made inside is never trusted unseen, and a .git/hooks
 * without a .git belongs to a repository the sandbox itself made.
 */
static void guard_missing(const struct corral_plan *plan, struct corral_rule *r)
{
	char parent[PATH_MAX], *slash;
	struct stat st;

	snprintf(parent, sizeof(parent), "%s", r->path);
	do {
		slash = strrchr(parent, '/');
		if (!slash)
			return;
		*(slash == parent ? slash + 1 : slash) = '\0';
	} while (!corral_path_known_dir(parent) && lstat(parent, &st) &&
		 strcmp(parent, "/"));
	r->guard_missing = !(plan->workdir && !strcmp(parent, plan->workdir) &&
			     !strncmp(r->written, "$WORKDIR", 8));
}

/* Match every deny and protect to the grant it carves out of. */
static int match_rules(struct corral_plan *plan, struct corral_error *err)
{
	size_t i;
	int ret;

	for (i = 0; i < plan->n_rules; i++) {
		struct corral_rule *r = &plan->rules[i];

		switch (r->kind) {
		case CORRAL_RULE_GRANT:
			if (!r->exists)
				break;
			ret = check_grant_not_denied(plan, r, err);
			if (ret)
				return ret;
			break;
		case CORRAL_RULE_DENY:
			if (!r->exists && !r->lifted)
				guard_missing(plan, r);
			if (r->exists && !r->lifted)
				r->inside = grant_around(
					plan, r->path,
					CORRAL_ACCESS_READ |
						CORRAL_ACCESS_WRITE);
			break;
		case CORRAL_RULE_PROTECT:
			if (!r->exists && !r->lifted)
				guard_missing(plan, r);
			if (r->exists && !r->lifted)
				r->inside = grant_around(plan, r->path,
							 CORRAL_ACCESS_WRITE);
			break;
		}
	}
	return 0;
}

static void note_missing(struct corral_plan *plan)
{
	char buf[PATH_MAX];
	size_t i;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *r = &plan->rules[i];

		if (r->exists || r->origin[0] != '-')
			continue; /* profiles name paths that may not exist */
		corral_note(plan, "%s '%s': no such file or directory, %s",
			    r->origin,
			    corral_path_tilde(r->path, plan->home, buf,
					      sizeof(buf)),
			    r->kind == CORRAL_RULE_GRANT ? "nothing granted"
							 : "nothing to deny");
	}
}

/* No Landlock at all is an error, but at confinement: reports still work. */
static void choose_mechanisms(struct corral_plan *plan)
{
	plan->abi = corral_landlock_abi();
	plan->root = geteuid() == 0;
	plan->namespaces = !corral_namespaces_disabled() &&
			   (plan->root || userns_allowed());
}

/* /tmp is private in the namespace, unless a grant asks for the real one. */
static int add_tmp(struct corral_plan *plan, struct corral_error *err)
{
	size_t i;

	if (!plan->namespaces)
		return 0;
	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *r = &plan->rules[i];

		if (r->kind == CORRAL_RULE_GRANT && r->exists &&
		    corral_path_within("/tmp", r->path)) {
			corral_note(
				plan,
				"%s '%s' grants the real /tmp: no private /tmp",
				r->origin, r->path);
			return 0;
		}
	}
	return corral_plan_add(plan, CORRAL_RULE_GRANT,
			       CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE, "/tmp",
			       ORIGIN_PRIVATE_TMP, err);
}

static int build(struct corral_plan *plan, const struct corral_options *opts,
		 struct corral_error *err)
{
	int ret;

	plan->verbosity = opts->verbosity;
	plan->dry_run = opts->dry_run;
	corral_path_cache_reset();
	choose_mechanisms(plan);
	ret = find_home(plan, err);
	if (!ret && !opts->no_cwd)
		ret = find_workdir(plan, !opts->dry_run, err);
	if (!ret)
		ret = corral_profiles_load(plan, &opts->profiles, err);
	if (!ret)
		ret = add_project_policy(plan, err);
	if (!ret)
		ret = add_terminal(plan, err);
	if (!ret)
		ret = add_workdir(plan, err);
	if (!ret)
		ret = add_options(plan, opts, err);
	if (!ret)
		ret = add_tmp(plan, err);
	if (!ret)
		ret = plan_process(plan, opts, err);
	if (ret)
		return ret;
	lift_exact(plan);
	note_missing(plan);
	return match_rules(plan, err);
}

int corral_plan_build(struct corral_plan **out,
		      const struct corral_options *opts,
		      struct corral_error *err)
{
	struct corral_plan *plan = calloc(1, sizeof(*plan));
	int ret;

	if (!plan)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	ret = build(plan, opts, err);
	if (ret) {
		corral_plan_free(plan);
		return ret;
	}
	*out = plan;
	return 0;
}

static void profile_acc_free(struct corral_profile_acc *acc)
{
	struct corral_words *lists[] = {
		&acc->names,   &acc->origins,  &acc->replaced, &acc->block,
		&acc->unblock, &acc->keep_env, &acc->set_env,  &acc->remove_env,
		&acc->limits,  &acc->connect,  &acc->bind,     &acc->sockets,
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		corral_words_free(lists[i]);
	free(acc->timeout);
	free(acc->description);
}

void corral_plan_free(struct corral_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->n_rules; i++) {
		free(plan->rules[i].written);
		free(plan->rules[i].path);
	}
	for (i = 0; i < plan->n_notes; i++)
		free(plan->notes[i]);
	corral_words_free(&plan->env_names);
	corral_words_free(&plan->env_values);
	corral_words_free(&plan->keep_env);
	corral_words_free(&plan->set_env);
	corral_words_free(&plan->sockets);
	corral_words_free(&plan->daemons);
	corral_words_free(&plan->block_names);
	corral_words_free(&plan->remove_env);
	for (i = 0; i < plan->n_blocked; i++)
		free(plan->blocked[i].path);
	free(plan->blocked);
	profile_acc_free(&plan->profile);
	free(plan->socket_fds);
	free(plan->rules);
	free(plan->home);
	free(plan->workdir);
	free(plan->tmpdir);
	free(plan);
}
