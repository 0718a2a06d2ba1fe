/* SPDX-License-Identifier: MIT */
/*
 * sandbox: the zsh module corral/sandbox.
 *
 *   module_path+=(DIR); zmodload corral/sandbox
 *   ( sandbox --read /data; make )      confine this (sub)shell for good
 *   sandbox run [OPTIONS] -- CMD ...    confine one command in a child
 *
 * The options and every decision belong to the core; this file turns the
 * shell's words into core calls, prints the core's errors through zsh,
 * and keeps zsh's own state in step: what the plan removes goes from
 * zsh's parameter table, at every scope, not only from environ.  The
 * child of `sandbox run` is entered into the job table as an external
 * command would be, so Ctrl-C, Ctrl-Z, fg, bg, jobs and wait treat it as
 * any other job, and its exit status is the command's.
 *
 * zsh runs the last stage of a pipeline in the shell itself: after
 * `cmd | sandbox`, this shell is confined, not a pipeline subshell as in
 * bash.  The refusal of a top-level interactive shell covers that case.
 *
 * Nothing here may kill the user's interactive shell.  Anywhere else a
 * failure exits the (sub)shell with 125, so that the commands after
 * `sandbox` never run unconfined.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "corral.h"

#include <zsh/zsh.mdh>

#define NAME "sandbox"
#define CACHE_SLOTS 8
#define VERDICT_BUCKETS 256
/*
 * A plan also depends on files it was read from (profiles, the project
 * policy and its trust) and on the commands it blocks along PATH, which
 * the snapshot does not stamp: a kept plan is built again after this
 * long, so that such a change is never missed for longer.
 */
#define CACHE_TTL_NS 1000000000LL
/* How many shadowed scopes of one name are scrubbed at most. */
#define SCOPE_GUARD 64

/* zsh finds these by name in the module it loads. */
CORRAL_API int setup_(Module m);
CORRAL_API int features_(Module m, char ***features);
CORRAL_API int enables_(Module m, int **enables);
CORRAL_API int boot_(Module m);
CORRAL_API int cleanup_(Module m);
CORRAL_API int finish_(Module m);

/* One invocation's words, split by the core's option parser. */
struct call {
	char **argv; /* argv[0] is the subcommand; unmetafied copies */
	int argc;
	struct corral_options opts;
	char **command; /* what follows the options, as zsh gave it */
};

/* Names judged against one plan: removed by it or not. */
struct verdict {
	struct verdict *next;
	bool removed;
	char name[];
};

struct verdicts {
	struct verdict *bucket[VERDICT_BUCKETS];
};

/*
 * Plans already built in this shell.  Building one resolves every path
 * of the policy (most of a millisecond); a plan is reused for the same
 * options, working directory and exported environment while the
 * directories it was resolved against are unchanged.
 */
struct slot {
	char *key;
	size_t key_len;
	struct corral_plan *plan;
	struct corral_snapshot *snap;
	struct verdicts *verdicts;
	long long built; /* CLOCK_MONOTONIC, ns */
	unsigned long used;
};

/* A plan lent to a command: owned when it could not be kept. */
struct plan_ref {
	struct corral_plan *plan;
	struct verdicts *verdicts; /* NULL when owned */
	bool owned;
};

/* A growing list of names. */
struct names {
	char **v;
	size_t n, cap;
};

static struct slot cache[CACHE_SLOTS];
static unsigned long cache_clock;
static char *help_text;
static struct names scanned;
static bool scan_failed;

static const char synopsis[] =
	"Confine this shell, or one command, with corral.\n"
	"\n"
	"usage: sandbox [OPTIONS]\n"
	"       sandbox run [OPTIONS] [--] COMMAND [ARG...]\n"
	"       sandbox why [OPTIONS] PATH...\n"
	"       sandbox status | check | --help | --version\n"
	"\n"
	"  (none)   confine this shell for good, as in ( sandbox -r /x; make );\n"
	"           a top-level interactive shell only with --force.  If it\n"
	"           fails, any shell but a top-level interactive one exits\n"
	"           with 125 rather than go on unconfined.  zsh runs\n"
	"           the last stage of a pipeline in the shell itself, so\n"
	"           'cmd | sandbox' confines this shell, not a subshell\n"
	"  run      run COMMAND confined in a child: a program, a shell\n"
	"           function (with this shell's functions and parameters) or\n"
	"           a builtin; its exit status is the command's.  As for\n"
	"           any zsh builtin, VAR=value before sandbox is not exported:\n"
	"           use --set-env VAR=value, or export VAR\n"
	"  why      say what the policy allows on PATH, and why\n"
	"  status   is this shell confined? by which policy and mechanisms\n"
	"  check    what this kernel and system support\n"
	"\n";

/* ---- messages ---- */

/* zsh prints metafied text; the core's messages are plain bytes. */
static void warn(const char *message)
{
	zwarnnam(NAME, "%s", metafy((char *)message, -1, META_HEAPDUP));
}

static void print_hint(const char *hint)
{
	/* The core's parser names the binary; here the builtin is meant. */
	if (!strcmp(hint, "see 'corral --help'"))
		hint = "see 'sandbox --help'";
	if (hint[0]) {
		fflush(stdout);
		fprintf(stderr, "hint: %s\n", hint);
		fflush(stderr);
	}
}

static int fail(const struct corral_error *err)
{
	warn(err->message);
	print_hint(err->hint);
	return CORRAL_EXIT_FAILURE;
}

static int usage_error(const char *what, const char *word)
{
	char *message;

	if (asprintf(&message, "%s '%s'", what, word) < 0)
		message = NULL;
	warn(message ? message : what);
	free(message);
	print_hint("see 'sandbox --help'");
	return CORRAL_EXIT_FAILURE;
}

static void print_notes(const struct corral_plan *plan, size_t from,
			int verbosity)
{
	size_t i;

	if (verbosity < 0)
		return;
	fflush(stdout);
	for (i = from; i < corral_plan_note_count(plan); i++)
		fprintf(stderr, NAME ": note: %s\n", corral_plan_note(plan, i));
	fflush(stderr);
}

/* Print a report the core built; text is NULL when it failed. */
static int print_text(int ret, char *text)
{
	if (ret || !text) {
		zwarnnam(NAME, "cannot build the report: %e",
			 ret ? -ret : ENOMEM);
		return CORRAL_EXIT_FAILURE;
	}
	fputs(text, stdout);
	free(text);
	if (fflush(stdout) || ferror(stdout)) {
		zwarnnam(NAME, "write error: %e", errno);
		clearerr(stdout);
		return 1;
	}
	return 0;
}

/* --help: the builtin's synopsis, the core's options. */
static const char *usage(void)
{
	return help_text ? help_text : corral_usage();
}

static void build_help(void)
{
	const char *options = strstr(corral_usage(), "\noptions:");

	options = options ? options + 1 : corral_usage();
	if (asprintf(&help_text, "%s%s", synopsis, options) < 0)
		help_text = NULL;
}

static void free_help(void)
{
	free(help_text);
	help_text = NULL;
}

/* ---- names ---- */

static int names_add(struct names *l, const char *name)
{
	char **v;

	if (l->n + 1 >= l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	l->v[l->n] = strdup(name);
	if (!l->v[l->n])
		return -ENOMEM;
	l->v[++l->n] = NULL;
	return 0;
}

static void names_free(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- verdicts: a name judged once per plan ---- */

static size_t name_hash(const char *name)
{
	size_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h % VERDICT_BUCKETS;
}

static void verdicts_free(struct verdicts *t)
{
	struct verdict *v, *next;
	size_t i;

	for (i = 0; t && i < VERDICT_BUCKETS; i++)
		for (v = t->bucket[i]; v; v = next) {
			next = v->next;
			free(v);
		}
	free(t);
}

/*
 * Matching a name against the plan's patterns costs microseconds, and
 * zsh has a few hundred parameters: each name is judged once per plan.
 */
static bool removes(const struct plan_ref *ref, const char *name)
{
	struct verdict *v;
	size_t h, len;
	bool verdict;

	h = ref->verdicts ? name_hash(name) : 0;
	for (v = ref->verdicts ? ref->verdicts->bucket[h] : NULL; v;
	     v = v->next)
		if (!strcmp(v->name, name))
			return v->removed;
	verdict = corral_plan_env_removes(ref->plan, name);
	len = strlen(name) + 1;
	v = ref->verdicts ? malloc(sizeof(*v) + len) : NULL;
	if (v) {
		v->removed = verdict;
		memcpy(v->name, name, len);
		v->next = ref->verdicts->bucket[h];
		ref->verdicts->bucket[h] = v;
	}
	return verdict;
}

/* ---- the plan cache ---- */

static void slot_clear(struct slot *s)
{
	verdicts_free(s->verdicts);
	corral_plan_free(s->plan);
	corral_snapshot_free(s->snap);
	free(s->key);
	memset(s, 0, sizeof(*s));
}

static void cache_flush(void)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++)
		slot_clear(&cache[i]);
}

/*
 * In a child that confined itself, the cached plans describe a world it
 * has left.  Forgetting them is enough: the child execs or exits soon,
 * and freeing would only copy the pages fork shared.
 */
static void cache_forget(void)
{
	memset(cache, 0, sizeof(cache));
}

static long long monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void key_add(FILE *f, const void *data, size_t len)
{
	fwrite(data, 1, len, f);
}

/*
 * What a plan depends on besides the filesystem: the option words, the
 * working directory, the user, the terminals (a tty outside /dev/pts is
 * granted by name) and every exported variable (HOME, XDG_*, the test
 * knobs), but for "_", which changes with every command.  zsh keeps
 * environ in step with its exported parameters.
 */
static int make_key(char **key, size_t *len, char **words, int n)
{
	char cwd[PATH_MAX];
	struct stat st;
	dev_t tty;
	uid_t uid = geteuid();
	char **e;
	FILE *f;
	int i;

	f = open_memstream(key, len);
	if (!f)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		key_add(f, words[i], strlen(words[i]) + 1);
	key_add(f, "\1", 1);
	if (getcwd(cwd, sizeof(cwd)))
		key_add(f, cwd, strlen(cwd) + 1);
	key_add(f, &uid, sizeof(uid));
	for (i = 0; i <= 2; i++) {
		tty = fstat(i, &st) == 0 && S_ISCHR(st.st_mode) ? st.st_rdev
								: 0;
		key_add(f, &tty, sizeof(tty));
	}
	for (e = environ; e && *e; e++)
		if (strncmp(*e, "_=", 2))
			key_add(f, *e, strlen(*e) + 1);
	if (fclose(f)) {
		free(*key);
		*key = NULL;
		return -ENOMEM;
	}
	return 0;
}

static struct slot *cache_find(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &cache[i];

		if (!s->plan || s->key_len != len || memcmp(s->key, key, len))
			continue;
		if (monotonic_ns() - s->built < CACHE_TTL_NS &&
		    corral_snapshot_current(s->snap))
			return s;
		slot_clear(s);
		return NULL;
	}
	return NULL;
}

static struct slot *cache_victim(void)
{
	struct slot *victim = &cache[0];
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++) {
		if (!cache[i].plan)
			return &cache[i];
		if (cache[i].used < victim->used)
			victim = &cache[i];
	}
	slot_clear(victim);
	return victim;
}

/* Keep a fresh plan, when its paths can be vouched for; takes key. */
static struct slot *cache_keep(char *key, size_t len, struct corral_plan *plan)
{
	struct corral_snapshot *snap;
	struct verdicts *verdicts;
	struct slot *s;

	verdicts = calloc(1, sizeof(*verdicts));
	if (!verdicts)
		return NULL;
	if (corral_plan_snapshot(plan, &snap)) {
		free(verdicts);
		return NULL;
	}
	s = cache_victim();
	s->key = key;
	s->key_len = len;
	s->plan = plan;
	s->snap = snap;
	s->verdicts = verdicts;
	s->built = monotonic_ns();
	s->used = ++cache_clock;
	return s;
}

/* The option words of a call, less the "--" that ends them. */
static int option_words(const struct call *c)
{
	int n = c->argc - c->opts.argc;

	if (n > 1 && !strcmp(c->argv[n - 1], "--"))
		n--;
	return n - 1;
}

static int get_plan(const struct call *c, struct plan_ref *ref,
		    struct corral_error *err)
{
	struct slot *s;
	char *key = NULL;
	size_t len = 0;
	int ret;

	ref->plan = NULL;
	ref->verdicts = NULL;
	ref->owned = true;
	if (make_key(&key, &len, c->argv + 1, option_words(c)) == 0) {
		s = cache_find(key, len);
		if (s) {
			free(key);
			s->used = ++cache_clock;
			ref->plan = s->plan;
			ref->verdicts = s->verdicts;
			ref->owned = false;
			return 0;
		}
	}
	ret = corral_plan_build(&ref->plan, &c->opts, err);
	s = !ret && key ? cache_keep(key, len, ref->plan) : NULL;
	if (s) {
		ref->verdicts = s->verdicts;
		ref->owned = false;
		return 0;
	}
	free(key);
	return ret;
}

static void put_plan(struct plan_ref *ref)
{
	if (ref->owned)
		corral_plan_free(ref->plan);
	ref->plan = NULL;
}

/* ---- the shell's parameters ---- */

static void scan_name(HashNode node, int flags)
{
	(void)flags;
	if (names_add(&scanned, node->nam))
		scan_failed = true;
}

/*
 * The names of the parameters the plan removes, unset ones included: an
 * unset local can hide an exported global that comes back when the
 * function returns.  Judged unmetafied, as the environment has them.
 * NULL when memory ran out: a name left unjudged could be a secret.
 */
static char **judge_shell(const struct plan_ref *ref)
{
	struct names out = { 0 };
	char *plain;
	size_t i;

	names_free(&scanned);
	scan_failed = false;
	scanhashtable(paramtab, 0, 0, 0, scan_name, 0);
	for (i = 0; i < scanned.n && !scan_failed; i++) {
		plain = dupstring(scanned.v[i]);
		unmetafy(plain, NULL);
		if (removes(ref, plain) && names_add(&out, scanned.v[i]))
			scan_failed = true;
	}
	if (!scan_failed && !out.v && names_add(&out, ""))
		scan_failed = true;
	names_free(&scanned);
	if (scan_failed) {
		names_free(&out);
		zwarnnam(NAME, "cannot list this shell's parameters: %e",
			 ENOMEM);
		return NULL;
	}
	return out.v;
}

static void free_judged(char **names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* A parameter a local hides: unset, neither exported nor read-only. */
static void empty_hidden(Param pm)
{
	pm->node.flags &= ~(PM_READONLY | PM_EXPORTED);
	if (pm->env)
		delenv(pm);
	if (!(pm->node.flags & PM_UNSET))
		pm->gsu.s->unsetfn(pm, 0);
	pm->node.flags |= PM_UNSET;
}

/*
 * Unset name at every scope it is visible in, read-only or not.  zsh's
 * own special parameters (PATH, HOME, ...) stay, unexported at most.
 */
static void remove_param(const char *name)
{
	Param pm, old;
	int guard = 0;

	pm = (Param)paramtab->getnode2(paramtab, name);
	if (!pm)
		return;
	if (pm->node.flags & PM_SPECIAL) {
		pm->node.flags &= ~PM_EXPORTED;
		if (pm->env)
			delenv(pm);
		return;
	}
	for (old = pm->old; old && guard < SCOPE_GUARD; old = old->old) {
		guard++;
		if (!(old->node.flags & PM_SPECIAL))
			empty_hidden(old);
	}
	pm->node.flags &= ~PM_READONLY;
	if (!(pm->node.flags & PM_UNSET) || pm->env)
		unsetparam_pm(pm, 0, 1);
}

static void scrub_shell(char **names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		if (names[i][0])
			remove_param(names[i]);
	/* The core sets the sandbox's own variables, this one among them. */
	remove_param("CORRAL_SANDBOX");
}

/*
 * Set and export name, read-only if asked.  A local of that name only
 * hides it for now: the global beneath gets the same value, so that it
 * is still there when the function returns.
 */
static void set_param(const char *name, const char *value, bool readonly)
{
	int flags = PM_EXPORTED | (readonly ? PM_READONLY : 0);
	Param pm, bottom;

	remove_param(name);
	pm = assignsparam(dupstring(name), metafy((char *)value, -1, META_DUP),
			  0);
	if (!pm)
		return;
	pm->node.flags |= PM_EXPORTED;
	export_param(pm);
	pm->node.flags |= flags;
	for (bottom = pm->old; bottom && bottom->old; bottom = bottom->old)
		;
	if (bottom && PM_TYPE(bottom->node.flags) == PM_SCALAR &&
	    !(bottom->node.flags & PM_SPECIAL)) {
		bottom->gsu.s->setfn(bottom,
				     metafy((char *)value, -1, META_DUP));
		bottom->node.flags &= ~PM_UNSET;
		bottom->node.flags |= flags;
	}
}

/* After confining: the sandbox's own variables, CORRAL_SANDBOX read-only. */
static void set_params(const struct corral_plan *plan)
{
	const char *name;
	size_t i;

	for (i = 0; i < corral_plan_env_count(plan); i++) {
		name = corral_plan_env_name(plan, i);
		set_param(name, corral_plan_env_value(plan, i),
			  !strcmp(name, "CORRAL_SANDBOX"));
	}
}

/* ---- confinement ---- */

static bool top_level_interactive(void)
{
	return isset(INTERACTIVE) && zsh_subshell == 0;
}

/*
 * Scrub, confine, set the sandbox's variables: the same steps for this
 * shell and for the child of run.  Returns 0, or -1 with the process
 * possibly partly confined (its parameters scrubbed at least).
 */
/*
 * A shell that goes on confined must not hand back what it was told
 * before: its history (a typed export TOKEN=...) is cut to the last
 * line, its size then restored.  Its memory and first environment are
 * kept from its children by the core, which makes a confined process
 * undumpable.
 */
static void forget_history(void)
{
	zlong size = histsiz;

	histsizesetfn(NULL, 0);
	histsizesetfn(NULL, size);
}

/* Whether the command runs in this shell rather than an exec'd program. */
static bool runs_here(char **command)
{
	return !strchr(command[0], '/') &&
	       (shfunctab->getnode(shfunctab, command[0]) ||
		builtintab->getnode(builtintab, command[0]) ||
		reswdtab->getnode(reswdtab, command[0]));
}

static int confine_here(const struct plan_ref *ref, char **names, int verbosity)
{
	struct corral_error err = { 0 };
	size_t seen = corral_plan_note_count(ref->plan);

	scrub_shell(names);
	if (corral_confine(ref->plan, &err)) {
		print_notes(ref->plan, seen, verbosity);
		fail(&err);
		return -1;
	}
	set_params(ref->plan);
	print_notes(ref->plan, seen, verbosity);
	return 0;
}

/*
 * A failed bare sandbox: the commands after it must not run unconfined.
 * Only the user's interactive shell survives; after a partial
 * confinement any other shell leaves at once, without running traps.
 */
static int fail_closed(bool applied)
{
	if (top_level_interactive()) {
		if (applied)
			print_hint(
				"this shell may now be partly confined; start a new one");
		return CORRAL_EXIT_FAILURE;
	}
	fflush(NULL);
	if (!applied)
		zexit(CORRAL_EXIT_FAILURE, ZEXIT_NORMAL);
	/* zexit may decline (stopped jobs); this shell leaves regardless. */
	_exit(CORRAL_EXIT_FAILURE);
}

static int describe(const struct call *c)
{
	struct corral_error err = { 0 };
	struct plan_ref ref;
	char *text = NULL;
	int ret;

	if (get_plan(c, &ref, &err))
		return fail(&err);
	print_notes(ref.plan, 0, c->opts.verbosity);
	ret = corral_plan_describe(ref.plan, &text);
	put_plan(&ref);
	return print_text(ret, text);
}

static int confine_shell(const struct call *c)
{
	struct corral_error err = { 0 };
	struct plan_ref ref;
	char **names;
	int ret;

	if (c->opts.argc > 0) {
		usage_error(
			"sandbox confines this shell and runs no command; use 'sandbox run' for",
			c->opts.argv[0]);
		return fail_closed(false);
	}
	if (c->opts.dry_run)
		return describe(c);
	if (top_level_interactive() && !c->opts.force) {
		warn("refusing to confine this interactive shell: it cannot be undone");
		print_hint(
			"confine a subshell, ( sandbox ...; command ), or one command, sandbox run ...; --force confines this shell anyway");
		return CORRAL_EXIT_FAILURE;
	}
	if (get_plan(c, &ref, &err)) {
		fail(&err);
		return fail_closed(false);
	}
	if (corral_plan_timeout_ms(ref.plan) > 0) {
		put_plan(&ref);
		usage_error("a shell has no deadline; use 'sandbox run' for",
			    "--timeout");
		return fail_closed(false);
	}
	print_notes(ref.plan, 0, c->opts.verbosity);
	names = judge_shell(&ref);
	if (!names) {
		put_plan(&ref);
		return fail_closed(false);
	}
	ret = confine_here(&ref, names, c->opts.verbosity);
	free_judged(names);
	if (!ret)
		forget_history();
	/* Every kept plan predates this domain, and this one is spent. */
	put_plan(&ref);
	cache_flush();
	if (ret)
		return fail_closed(true);
	return 0;
}

/* ---- the child of sandbox run ---- */

/*
 * Join the job's process group, or lead one and take the terminal, as
 * zsh does for each process of a job it starts.  On the right of a
 * pipeline run by this shell, the pipeline's group holds the terminal.
 * Returns this process's pid when it leads, -1 otherwise.
 */
static pid_t enter_job_group(void)
{
	pid_t leader = jobtab[thisjob].gleader, tty;

	if (!leader && list_pipe) {
		tty = gettygrp();
		if (tty > 0 && tty != mypgrp)
			leader = tty;
	}
	if (leader && setpgid(0, leader) == 0)
		return -1;
	leader = getpid();
	setpgid(0, leader);
	attachtty(leader);
	return leader;
}

/*
 * The shell's state of a forked subshell, as for ( ... ): the caller's
 * traps reset (trap functions stay, as zsh keeps them), no job control
 * of its own, terminal signals at their defaults.  Tells the parent
 * through synch whether this process leads the job's group.
 */
static void become_subshell(int synch)
{
	int sig, monitor = isset(MONITOR);
	pid_t leader = -1;
	int i;

	for (sig = 0; sig < SIGCOUNT; sig++)
		if (!(sigtrapped[sig] & ZSIG_FUNC) &&
		    !(isset(POSIXTRAPS) && (sigtrapped[sig] & ZSIG_IGNORED)))
			unsettrap(sig);
	sigtrapped[SIGEXIT] = 0;
	setlimits(NULL);
	exit_val = 0;
	if (monitor && thisjob != -1)
		leader = enter_job_group();
	if (write_loop(synch, (const void *)&leader, sizeof(leader)) !=
	    sizeof(leader))
		_exit(CORRAL_EXIT_FAILURE);
	close(synch);
	subsh = 1;
	zsh_subshell++;
	shout = NULL;
	signal_default(SIGTTOU);
	signal_default(SIGTTIN);
	signal_default(SIGTSTP);
	if (isset(INTERACTIVE)) {
		signal_default(SIGTERM);
		if (!(sigtrapped[SIGINT] & ZSIG_IGNORED))
			signal_default(SIGINT);
		if (!sigtrapped[SIGPIPE])
			signal_default(SIGPIPE);
	}
	if (!(sigtrapped[SIGQUIT] & ZSIG_IGNORED))
		signal_default(SIGQUIT);
	if (sigtrapped[SIGINT] & ZSIG_IGNORED)
		holdintr();
	opts[MONITOR] = 0;
	opts[USEZLE] = 0;
	zleactive = 0;
	/* Descriptors saved for redirections: never restored here. */
	for (i = 10; i <= max_zsh_fd; i++)
		if (fdtable[i] & FDT_SAVED_MASK)
			zclose(i);
	clearjobtab(monitor);
	get_usage();
	forklevel = locallevel;
	child_unblock();
}

/*
 * --timeout: this child stays behind, unconfined, to end the command and
 * every descendant at the deadline; the command goes on in a child of its
 * own, in the same process group, so the terminal's signals reach it.
 * Returns in that child.
 */
static void supervise_timeout(const struct corral_plan *plan)
{
	struct sigaction zsh_chld, dfl = { .sa_handler = SIG_DFL };
	pid_t pid;
	int ret;

	ret = corral_supervise_prepare();
	if (ret) {
		zwarnnam(NAME, "cannot supervise the timeout: %e", -ret);
		_exit(CORRAL_EXIT_FAILURE);
	}
	/* zsh's own handler would reap the command before the core can. */
	sigaction(SIGCHLD, &dfl, &zsh_chld);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		zwarnnam(NAME, "cannot fork: %e", errno);
		_exit(CORRAL_EXIT_FAILURE);
	}
	if (pid == 0) {
		sigaction(SIGCHLD, &zsh_chld, NULL);
		return;
	}
	ret = corral_supervise(plan, pid);
	if (ret < 0) {
		zwarnnam(NAME, "cannot wait for the command: %e", -ret);
		_exit(CORRAL_EXIT_FAILURE);
	}
	_exit(ret);
}

/*
 * The command as zsh source, each word quoted: no alias, reserved word
 * or expansion applies again to words the caller's shell has expanded.
 */
static char *command_source(char **words)
{
	size_t len = 1, i;
	char *source, **quoted;

	for (i = 0; words[i]; i++)
		;
	quoted = hcalloc((i + 1) * sizeof(*quoted));
	for (i = 0; words[i]; i++) {
		/* Quoted for the inside of '...', which this adds. */
		quoted[i] = quotestring(words[i], QT_SINGLE);
		len += strlen(quoted[i]) + 3;
	}
	source = zhalloc(len);
	source[0] = '\0';
	for (i = 0; words[i]; i++) {
		strcat(source, "'");
		strcat(source, quoted[i]);
		strcat(source, words[i + 1] ? "' " : "'");
	}
	return source;
}

/* In the child of sandbox run: confine, then become the command. */
static void __attribute__((noreturn))
run_confined(const struct plan_ref *ref, char **names, char **command,
	     int verbosity, int synch)
{
	become_subshell(synch);
	if (corral_plan_timeout_ms(ref->plan) > 0)
		supervise_timeout(ref->plan);
	if (confine_here(ref, names, verbosity)) {
		fflush(NULL);
		_exit(CORRAL_EXIT_FAILURE);
	}
	cache_forget();
	if (runs_here(command))
		forget_history();
	errflag = 0;
	lastval = 0;
	execstring(command_source(command), 0, 1, NAME);
	fflush(NULL);
	_realexit();
	_exit(lastval);
}

/* The text jobs shows for the child: the words as given, cut to fit. */
static void job_text(char *text, char **args)
{
	size_t len, room = JOBTEXTSIZE - 1;
	size_t i;

	snprintf(text, JOBTEXTSIZE, "%s", NAME);
	len = strlen(text);
	for (i = 0; args[i] && len + 1 < room; i++) {
		text[len++] = ' ';
		strncpy(text + len, args[i], room - len);
		text[room] = '\0';
		len = strlen(text);
	}
	/* Never end on half of a metafied pair. */
	if (len && text[len - 1] == Meta)
		text[len - 1] = '\0';
}

/* The status zsh reports for a process: 128 + signal when signalled. */
static int proc_status(int status)
{
	if (WIFSIGNALED(status))
		return 0200 | WTERMSIG(status);
	if (WIFSTOPPED(status))
		return 0200 | WSTOPSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Wait as zsh waits for a foreground job: until it is done, or stopped
 * in an interactive shell, which then reports it and keeps it for fg.
 */
static int wait_child(int job, pid_t pid)
{
	Job jn = jobtab + job;
	Process pn;
	int q = queue_signal_level();

	dont_queue_signals();
	child_block();
	while (!(errflag & ERRFLAG_ERROR) && jn->stat &&
	       !(jn->stat & STAT_DONE) &&
	       !(isset(INTERACTIVE) && (jn->stat & STAT_STOPPED))) {
		signal_suspend(SIGCHLD, 0);
		child_block();
	}
	child_unblock();
	restore_queue_signals(q);
	for (pn = jn->stat ? jn->procs : NULL; pn; pn = pn->next)
		if (pn->pid == pid && pn->status != SP_RUNNING)
			return proc_status(pn->status);
	return lastval;
}

/*
 * Fork the child as the last process of this shell's current job, as
 * zsh does for an external command; a job of its own when there is no
 * current one (a widget, a hook).
 */
static int run(const struct call *c, char **args)
{
	struct corral_error err = { 0 };
	char text[JOBTEXTSIZE];
	struct timeval start;
	struct plan_ref ref;
	int synch[2], job, status, own_job = 0;
	pid_t pid, leader = -1;
	char **names;

	if (c->opts.dry_run)
		return describe(c);
	if (!c->command)
		return usage_error("a command is needed after", "run");
	if (get_plan(c, &ref, &err))
		return fail(&err);
	print_notes(ref.plan, 0, c->opts.verbosity);
	names = judge_shell(&ref);
	if (!names) {
		put_plan(&ref);
		return CORRAL_EXIT_FAILURE;
	}
	if (pipe(synch)) {
		zwarnnam(NAME, "cannot make a pipe: %e", errno);
		free_judged(names);
		put_plan(&ref);
		return CORRAL_EXIT_FAILURE;
	}
	if (thisjob == -1) {
		own_job = 1;
		thisjob = initjob();
	}
	job = thisjob;
	job_text(text, args);
	fflush(NULL);
	gettimeofday(&start, NULL);
	child_block();
	queue_signals();
	pid = fork();
	unqueue_signals();
	if (pid == 0) {
		close(synch[0]);
		run_confined(&ref, names, c->command, c->opts.verbosity,
			     synch[1]);
	}
	close(synch[1]);
	free_judged(names);
	if (pid < 0) {
		zwarnnam(NAME, "cannot fork: %e", errno);
		close(synch[0]);
		child_unblock();
		status = CORRAL_EXIT_FAILURE;
		goto out;
	}
	read_loop(synch[0], (char *)&leader, sizeof(leader));
	close(synch[0]);
	/* The job now ends with a process, no longer with a builtin. */
	jobtab[job].stat &= ~(STAT_CURSH | STAT_BUILTIN | STAT_NOPRINT);
	addproc(pid, text, 0, &start, leader, -1);
	status = wait_child(job, pid);
out:
	if (own_job) {
		if (!(jobtab[job].stat & STAT_STOPPED))
			deletejob(jobtab + job, 0);
		thisjob = -1;
	}
	put_plan(&ref);
	return status;
}

static int why(const struct call *c)
{
	struct corral_error err = { 0 };
	struct plan_ref ref;
	char *text = NULL;
	int i, ret = 0;

	if (c->opts.argc == 0)
		return usage_error("a path is needed after", "why");
	if (get_plan(c, &ref, &err))
		return fail(&err);
	print_notes(ref.plan, 0, c->opts.verbosity);
	for (i = 0; i < c->opts.argc && ret == 0; i++) {
		ret = corral_plan_why(ref.plan, c->opts.argv[i], &text);
		ret = print_text(ret, text);
	}
	put_plan(&ref);
	return ret;
}

static int report(char **rest, int (*build)(char **))
{
	char *text = NULL;
	int ret;

	if (rest[0])
		return usage_error("unexpected argument", rest[0]);
	ret = build(&text);
	return print_text(ret, text);
}

/* ---- words in, exit status out ---- */

static void call_free(struct call *c)
{
	int i;

	corral_options_free(&c->opts);
	for (i = 1; c->argv && i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
}

/*
 * Split the words after the subcommand with the core's parser; argv[0]
 * names the subcommand, as getopt expects.  zsh hands over metafied
 * words; the core gets them as the kernel will see them.
 */
static int parse(struct call *c, const char *subcommand, char **args)
{
	struct corral_error err = { 0 };
	int i;

	memset(c, 0, sizeof(*c));
	c->argc = 1 + arrlen(args);
	c->argv = calloc((size_t)c->argc + 1, sizeof(*c->argv));
	if (!c->argv) {
		zwarnnam(NAME, "out of memory");
		return CORRAL_EXIT_FAILURE;
	}
	c->argv[0] = (char *)subcommand;
	for (i = 1; i < c->argc; i++) {
		c->argv[i] = strdup(args[i - 1]);
		if (!c->argv[i]) {
			call_free(c);
			zwarnnam(NAME, "out of memory");
			return CORRAL_EXIT_FAILURE;
		}
		unmetafy(c->argv[i], NULL);
	}
	if (corral_options_parse(&c->opts, c->argc, c->argv, &err)) {
		call_free(c);
		return fail(&err);
	}
	c->command = c->opts.argc ? args + (c->argc - 1 - c->opts.argc) : NULL;
	return 0;
}

/* args: the words after the subcommand; all: every word, for jobs. */
static int dispatch(const char *sub, char **args, char **all)
{
	struct call c;
	int ret;

	ret = parse(&c, sub, args);
	if (ret)
		return strcmp(sub, NAME) ? ret : fail_closed(false);
	if (!strcmp(sub, "run"))
		ret = run(&c, all);
	else if (!strcmp(sub, "why"))
		ret = why(&c);
	else
		ret = confine_shell(&c);
	call_free(&c);
	return ret;
}

static bool is_option(const char *word)
{
	return word[0] == '-' && strcmp(word, "--help") && strcmp(word, "-h") &&
	       strcmp(word, "--version");
}

static int bin_sandbox(char *nam, char **args, Options ops, int func)
{
	const char *cmd = args[0];

	(void)nam;
	(void)ops;
	(void)func;
	if (!cmd || is_option(cmd))
		return dispatch(NAME, args, args);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
	    !strcmp(cmd, "help")) {
		fputs(usage(), stdout);
		return fflush(stdout) ? 1 : 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf(NAME " (corral) %s\n", CORRAL_VERSION);
		return fflush(stdout) ? 1 : 0;
	}
	if (!strcmp(cmd, "run") || !strcmp(cmd, "why"))
		return dispatch(cmd, args + 1, args);
	if (!strcmp(cmd, "status"))
		return report(args + 1, corral_status);
	if (!strcmp(cmd, "check"))
		return report(args + 1, corral_check);
	/* Most likely a confinement mistyped: fail as one would. */
	usage_error("unknown command", cmd);
	return fail_closed(false);
}

/* ---- the module ---- */

static struct builtin bintab[] = {
	BUILTIN(NAME, 0, bin_sandbox, 0, -1, 0, NULL, NULL),
};

static struct features module_features = {
	bintab, sizeof(bintab) / sizeof(*bintab), NULL, 0, NULL, 0, NULL, 0, 0,
};

CORRAL_API int setup_(Module m)
{
	(void)m;
	free_help();
	build_help();
	return 0;
}

CORRAL_API int features_(Module m, char ***features)
{
	*features = featuresarray(m, &module_features);
	return 0;
}

CORRAL_API int enables_(Module m, int **enables)
{
	return handlefeatures(m, &module_features, enables);
}

CORRAL_API int boot_(Module m)
{
	(void)m;
	return 0;
}

CORRAL_API int cleanup_(Module m)
{
	return setfeatureenables(m, &module_features, NULL);
}

CORRAL_API int finish_(Module m)
{
	(void)m;
	cache_flush();
	free_help();
	return 0;
}
