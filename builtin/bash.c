/* SPDX-License-Identifier: MIT */
/*
 * sandbox: the bash loadable builtin.
 *
 *   enable -f sandbox sandbox
 *   ( sandbox --read /data; make )      confine this (sub)shell for good
 *   sandbox run [OPTIONS] -- CMD ...    confine one command in a child
 *
 * The options and every decision belong to the core; this file turns the
 * shell's words into core calls, prints the core's errors through bash,
 * and keeps bash's own state in step: bash exports to its children from
 * its variable table, not from environ, so that table is what gets
 * scrubbed.  Children are made and waited for by bash's job control, so
 * a confined command is a job like any other.
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
#include <time.h>
#include <unistd.h>

#include "corral.h"

#include "loadables.h"
#include "execute_cmd.h"
#include "jobs.h"
#include "hashlib.h"
#include "make_cmd.h"

/* From bash's trap.h, which the bash-builtins package does not ship. */
extern void clear_pending_traps(void);
extern void reset_signal_handlers(void);
extern void clear_history(void);
/*
 * From bash's variables.c: inherited variables whose names bash cannot
 * use ("MY-TOKEN=..."), kept apart and exported all the same.
 */
extern HASH_TABLE *invalid_env;

#define NAME "sandbox"
#define CACHE_SLOTS 8
/*
 * A plan also depends on files it was read from (profiles, the project
 * policy and its trust) and on the commands it blocks along PATH, which
 * the snapshot does not stamp: a kept plan is built again after this
 * long, so that such a change is never missed for longer.
 */
#define CACHE_TTL_NS 1000000000LL

/* One invocation's words, split by the core's option parser. */
struct call {
	char **argv; /* argv[0] is the subcommand */
	int argc;
	struct corral_options opts;
	WORD_LIST *command; /* what follows the options, as bash gave it */
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
	HASH_TABLE *verdicts; /* variable name -> removed by the plan? */
	long long built; /* CLOCK_MONOTONIC, ns */
	unsigned long used;
};

/* A plan lent to a command: owned when it could not be kept. */
struct plan_ref {
	struct corral_plan *plan;
	HASH_TABLE *verdicts; /* NULL when owned */
	bool owned;
};

/*
 * The names a confinement removes from the shell: decided in the shell
 * that asks, with the plan's memo, and applied in the process confined.
 */
struct scrub {
	char **variables;
	char **functions;
	char **invalid; /* names in invalid_env */
};

static struct slot cache[CACHE_SLOTS];
static unsigned long cache_clock;
static char verdict_removed, verdict_kept;
static char *help_text;
static char **help_lines;

/* bash keeps these in step with its options: never unset, only unexported. */
static const char *const shell_state[] = { "SHELLOPTS", "BASHOPTS" };

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
	"           with 125 rather than go on unconfined\n"
	"  run      run COMMAND confined in a child: a program, a shell\n"
	"           function (with this shell's functions and variables) or a\n"
	"           builtin; its exit status is the command's\n"
	"  why      say what the policy allows on PATH, and why\n"
	"  status   is this shell confined? by which policy and mechanisms\n"
	"  check    what this kernel and system support\n"
	"\n";

static void print_hint(const char *hint)
{
	/* The core's parser names the binary; here the builtin is meant. */
	if (!strcmp(hint, "see 'corral --help'"))
		hint = "see 'sandbox --help' or 'help sandbox'";
	if (hint[0])
		fprintf(stderr, "hint: %s\n", hint);
}

static int fail(const struct corral_error *err)
{
	builtin_error("%s", err->message);
	print_hint(err->hint);
	return CORRAL_EXIT_FAILURE;
}

static int usage_error(const char *what, const char *word)
{
	builtin_error("%s '%s'", what, word);
	print_hint("see 'sandbox --help' or 'help sandbox'");
	return CORRAL_EXIT_FAILURE;
}

static void print_notes(const struct corral_plan *plan, size_t from,
			int verbosity)
{
	size_t i;

	if (verbosity < 0)
		return;
	for (i = from; i < corral_plan_note_count(plan); i++)
		fprintf(stderr, NAME ": note: %s\n", corral_plan_note(plan, i));
}

/* Print a report the core built; text is NULL when it failed. */
static int print_text(int ret, char *text)
{
	if (ret || !text) {
		builtin_error("cannot build the report: %s",
			      strerror(ret ? -ret : ENOMEM));
		return CORRAL_EXIT_FAILURE;
	}
	fputs(text, stdout);
	free(text);
	return sh_chkwrite(EXECUTION_SUCCESS);
}

/* --help and help sandbox: the builtin's synopsis, the core's options. */
static const char *usage(void)
{
	return help_text ? help_text : corral_usage();
}

static int build_help(void)
{
	const char *options = strstr(corral_usage(), "\noptions:");
	size_t n = 0, i;
	char *p;

	options = options ? options + 1 : corral_usage();
	if (asprintf(&help_text, "%s%s", synopsis, options) < 0) {
		help_text = NULL;
		return -ENOMEM;
	}
	for (p = help_text; *p; p++)
		n += *p == '\n';
	help_lines = calloc(n + 2, sizeof(*help_lines));
	p = help_lines ? strdup(help_text) : NULL;
	if (!p) {
		free(help_lines);
		help_lines = NULL;
		return -ENOMEM;
	}
	for (i = 0; p && *p; i++) {
		help_lines[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	return 0;
}

static void free_help(void)
{
	if (help_lines)
		free(help_lines[0]);
	free(help_lines);
	free(help_text);
	help_lines = NULL;
	help_text = NULL;
}

/* ---- the plan cache ---- */

/* Verdicts point at two static chars: nothing to free. */
static void keep_data(PTR_T data)
{
	(void)data;
}

static void slot_clear(struct slot *s)
{
	if (s->verdicts) {
		hash_flush(s->verdicts, keep_data);
		hash_dispose(s->verdicts);
	}
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
 * knobs), but for "_", which bash changes for every command.
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
	maybe_make_export_env();
	for (e = export_env; e && *e; e++)
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
	struct slot *s;

	if (corral_plan_snapshot(plan, &snap))
		return NULL;
	s = cache_victim();
	s->key = key;
	s->key_len = len;
	s->plan = plan;
	s->snap = snap;
	s->verdicts = hash_create(128);
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

/* ---- the shell's variables ---- */

static bool is_shell_state(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(shell_state) / sizeof(shell_state[0]); i++)
		if (!strcmp(name, shell_state[i]))
			return true;
	return false;
}

/* Unset name at every scope it is visible in, read-only or not. */
static void remove_variable(const char *name)
{
	SHELL_VAR *v;
	int guard;

	if (is_shell_state(name)) {
		v = find_variable_noref(name);
		if (v && exported_p(v)) {
			VUNSETATTR(v, att_exported);
			array_needs_making = 1;
		}
		return;
	}
	/* An unset local stays behind invisible; the bound stops there. */
	for (guard = 0; guard < 64; guard++) {
		v = find_variable_noref(name);
		if (!v || invisible_p(v))
			break;
		VUNSETATTR(v, att_readonly);
		if (unbind_variable_noref(name))
			break;
	}
	array_needs_making = 1;
}

/*
 * Matching a name against the plan's patterns costs microseconds, and a
 * shell has a hundred variables: each name is judged once per plan.
 */
static bool removes(const struct plan_ref *ref, const char *name)
{
	BUCKET_CONTENTS *b;
	bool verdict;

	b = ref->verdicts ? hash_search(name, ref->verdicts, 0) : NULL;
	if (b)
		return b->data == &verdict_removed;
	verdict = corral_plan_env_removes(ref->plan, name);
	if (ref->verdicts) {
		b = hash_insert(savestring(name), ref->verdicts, HASH_NOSRCH);
		b->data = verdict ? &verdict_removed : &verdict_kept;
	}
	return verdict;
}

/* The names of vars the plan removes; env_name: as in the environment. */
static char **judge(const struct plan_ref *ref, SHELL_VAR **vars,
		    bool functions)
{
	char **names, *env_name;
	size_t i, n = 0;
	bool out;

	for (i = 0; vars && vars[i]; i++)
		;
	names = calloc(i + 1, sizeof(*names));
	for (i = 0; names && vars && vars[i]; i++) {
		if (!functions) {
			out = removes(ref, vars[i]->name);
		} else {
			/* A function reaches children as BASH_FUNC_name%%. */
			if (!exported_p(vars[i]) ||
			    asprintf(&env_name, "BASH_FUNC_%s%%%%",
				     vars[i]->name) < 0)
				continue;
			out = removes(ref, env_name);
			free(env_name);
		}
		if (out)
			names[n++] = strdup(vars[i]->name);
	}
	xfree(vars);
	return names;
}

static void free_names(char **names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static char **judge_invalid(const struct plan_ref *ref)
{
	BUCKET_CONTENTS *b;
	char **names;
	size_t n = 0;
	int i;

	names = calloc(invalid_env ? (size_t)invalid_env->nentries + 1 : 1,
		       sizeof(*names));
	for (i = 0; names && invalid_env && i < invalid_env->nbuckets; i++)
		for (b = invalid_env->bucket_array[i]; b; b = b->next)
			if (n < (size_t)invalid_env->nentries &&
			    removes(ref, b->key))
				names[n++] = strdup(b->key);
	return names;
}

static void judge_shell(const struct plan_ref *ref, struct scrub *scrub)
{
	scrub->variables = judge(ref, all_shell_variables(), false);
	scrub->functions = judge(ref, all_shell_functions(), true);
	scrub->invalid = judge_invalid(ref);
}

static void free_scrub(struct scrub *scrub)
{
	free_names(scrub->variables);
	free_names(scrub->functions);
	free_names(scrub->invalid);
}

/*
 * What is left in the environment that the plan removes, or NULL.  The
 * core's pass over environ relies on unsetenv, which in bash is bash's
 * own and leaves environ alone: nothing removable may be left for it.
 */
static const char *leftover(const struct plan_ref *ref)
{
	static char name[256];
	size_t len;
	char **e;

	for (e = export_env; e && *e; e++) {
		len = strcspn(*e, "=");
		if (len >= sizeof(name))
			return *e;
		memcpy(name, *e, len);
		name[len] = '\0';
		if (removes(ref, name))
			return name;
	}
	return NULL;
}

/*
 * Before confining: what the plan removes goes from the shell's table,
 * and environ (bash points it at its export array) is rebuilt from the
 * table.  Returns 0, or -EPERM with the name that could not be removed.
 */
static int scrub_shell(const struct plan_ref *ref, const struct scrub *scrub,
		       const char **stuck)
{
	BUCKET_CONTENTS *b;
	SHELL_VAR *v;
	size_t i;

	for (i = 0; scrub->variables && scrub->variables[i]; i++)
		remove_variable(scrub->variables[i]);
	for (i = 0; scrub->functions && scrub->functions[i]; i++) {
		v = find_function(scrub->functions[i]);
		if (v && exported_p(v)) {
			VUNSETATTR(v, att_exported);
			array_needs_making = 1;
		}
	}
	for (i = 0; invalid_env && scrub->invalid && scrub->invalid[i]; i++) {
		b = hash_search(scrub->invalid[i], invalid_env, 0);
		if (b && b->data) {
			VUNSETATTR((SHELL_VAR *)b->data, att_exported);
			array_needs_making = 1;
		}
	}
	/* The core sets the sandbox's variables through bash's setenv. */
	v = find_variable_noref("CORRAL_SANDBOX");
	if (v)
		VUNSETATTR(v, att_readonly);
	maybe_make_export_env();
	*stuck = leftover(ref);
	return *stuck ? -EPERM : 0;
}

/* Scrubbing failed: say so and confine nothing. */
static int scrub_failed(const char *stuck)
{
	builtin_error("cannot remove '%.*s' from the environment",
		      (int)strcspn(stuck, "="), stuck);
	print_hint("unset it, or keep it with --keep-env NAME");
	return CORRAL_EXIT_FAILURE;
}

/* Set and export name globally; an unset local here must not hide it. */
static void set_variable(const char *name, const char *value, int attrs)
{
	SHELL_VAR *v;

	remove_variable(name);
	v = bind_global_variable(name, (char *)value, 0);
	if (v)
		VSETATTR(v, att_exported | attrs);
	v = find_variable_noref(name);
	if (v && invisible_p(v)) {
		v = bind_variable(name, (char *)value, 0);
		if (v)
			VSETATTR(v, att_exported | attrs);
	}
	array_needs_making = 1;
}

/* After confining: the sandbox's own variables, CORRAL_SANDBOX read-only. */
static void set_variables(const struct corral_plan *plan)
{
	const char *name;
	size_t i;

	for (i = 0; i < corral_plan_env_count(plan); i++) {
		name = corral_plan_env_name(plan, i);
		set_variable(name, corral_plan_env_value(plan, i),
			     strcmp(name, "CORRAL_SANDBOX") ? 0 : att_readonly);
	}
}

/* ---- confinement ---- */

static bool top_level_interactive(void)
{
	return interactive_shell && subshell_environment == 0;
}

/*
 * The shell's state of a forked subshell, as for ( ... ): no job
 * control of its own, the caller's traps reset, signals as a
 * non-interactive shell has them.
 */
static void become_subshell(void)
{
	login_shell = interactive = 0;
	subshell_environment |= SUBSHELL_FORK;
	reset_terminating_signals();
	clear_pending_traps();
	reset_signal_handlers();
	subshell_environment |= SUBSHELL_RESETTRAP;
	subshell_environment &= ~SUBSHELL_IGNTRAP;
	set_sigint_handler();
	set_sigchld_handler();
	without_job_control();
	subshell_level++;
}

static int execute_words(WORD_LIST *words)
{
	COMMAND *command = make_bare_simple_command();
	int flags = CMD_NO_FORK | CMD_INHIBIT_EXPANSION;

	command->value.Simple->words = copy_word_list(words);
	command->flags |= flags;
	command->value.Simple->flags |= flags;
	return execute_command(command);
}

/* Whether the command runs in this shell rather than an exec'd program. */
static bool runs_here(WORD_LIST *command)
{
	char *name = command->word->word;

	return !strchr(name, '/') &&
	       (find_function(name) || find_shell_builtin(name));
}

/*
 * bash execs a program from here without another fork, as for `exec`,
 * and lowers SHLVL for it; but the command is a child of this shell, not
 * its replacement.
 */
static void keep_shell_level(WORD_LIST *command)
{
	if (subshell_environment & SUBSHELL_PIPE || runs_here(command))
		return;
	adjust_shell_level(1);
}

/*
 * A shell that goes on confined must not hand back what it was told
 * before: its history (a typed export TOKEN=...) is dropped.  Its memory
 * and first environment are kept from its children by the core, which
 * makes a confined process undumpable.
 */
static void forget_history(void)
{
	clear_history();
}

/*
 * --timeout: this child stays behind, unconfined, to end the command and
 * every descendant at the deadline; the command goes on in a child of its
 * own, in the same process group, so the terminal's signals reach it.
 * Returns in that child.
 */
static void supervise_timeout(const struct corral_plan *plan)
{
	pid_t pid;
	int ret;

	ret = corral_supervise_prepare();
	if (ret) {
		builtin_error("cannot supervise the timeout: %s",
			      strerror(-ret));
		sh_exit(CORRAL_EXIT_FAILURE);
	}
	/* bash's own handler would reap the command before the core can. */
	signal(SIGCHLD, SIG_DFL);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		builtin_error("cannot fork: %s", strerror(errno));
		sh_exit(CORRAL_EXIT_FAILURE);
	}
	if (pid == 0) {
		set_sigchld_handler();
		return;
	}
	ret = corral_supervise(plan, pid);
	if (ret < 0) {
		builtin_error("cannot wait for the command: %s",
			      strerror(-ret));
		sh_exit(CORRAL_EXIT_FAILURE);
	}
	sh_exit(ret);
}

/* In the child of sandbox run: confine, then become the command. */
static void __attribute__((noreturn))
run_confined(const struct plan_ref *ref, const struct scrub *scrub,
	     WORD_LIST *command, int verbosity)
{
	struct corral_plan *plan = ref->plan;
	struct corral_error err = { 0 };
	size_t seen = corral_plan_note_count(plan);
	const char *stuck;

	become_subshell();
	if (corral_plan_timeout_ms(plan) > 0)
		supervise_timeout(plan);
	if (scrub_shell(ref, scrub, &stuck)) {
		scrub_failed(stuck);
		fflush(NULL);
		sh_exit(CORRAL_EXIT_FAILURE);
	}
	if (corral_confine(plan, &err)) {
		print_notes(plan, seen, verbosity);
		fail(&err);
		fflush(NULL);
		sh_exit(CORRAL_EXIT_FAILURE);
	}
	set_variables(plan);
	print_notes(plan, seen, verbosity);
	cache_forget();
	if (runs_here(command))
		forget_history();
	keep_shell_level(command);
	subshell_exit(execute_words(command));
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
			fprintf(stderr,
				"hint: this shell may now be partly confined; start a new one\n");
		return CORRAL_EXIT_FAILURE;
	}
	fflush(NULL);
	if (applied)
		sh_exit(CORRAL_EXIT_FAILURE);
	last_command_exit_value = CORRAL_EXIT_FAILURE;
	subshell_exit(CORRAL_EXIT_FAILURE);
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
	struct scrub scrub;
	const char *stuck;
	size_t seen;
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
		builtin_error(
			"refusing to confine this interactive shell: it cannot be undone");
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
	seen = corral_plan_note_count(ref.plan);
	judge_shell(&ref, &scrub);
	ret = scrub_shell(&ref, &scrub, &stuck);
	free_scrub(&scrub);
	if (ret) {
		scrub_failed(stuck);
		put_plan(&ref);
		return fail_closed(false);
	}
	if (corral_confine(ref.plan, &err)) {
		print_notes(ref.plan, seen, c->opts.verbosity);
		fail(&err);
		cache_flush();
		put_plan(&ref);
		return fail_closed(true);
	}
	set_variables(ref.plan);
	print_notes(ref.plan, seen, c->opts.verbosity);
	forget_history();
	/* Every kept plan predates this domain, and this one is spent. */
	cache_flush();
	put_plan(&ref);
	return EXECUTION_SUCCESS;
}

static char *job_text(WORD_LIST *args)
{
	if (the_printed_command_except_trap && *the_printed_command_except_trap)
		return savestring(the_printed_command_except_trap);
	return string_list(args);
}

static int run(const struct call *c, WORD_LIST *args)
{
	struct corral_error err = { 0 };
	struct plan_ref ref;
	struct scrub scrub;
	pid_t pid;
	int status;

	if (c->opts.dry_run)
		return describe(c);
	if (!c->command)
		return usage_error("a command is needed after", "run");
	if (get_plan(c, &ref, &err))
		return fail(&err);
	print_notes(ref.plan, 0, c->opts.verbosity);
	judge_shell(&ref, &scrub);
	fflush(NULL);
	pid = make_child(job_text(args), FORK_SYNC);
	if (pid == 0)
		run_confined(&ref, &scrub, c->command, c->opts.verbosity);
	free_scrub(&scrub);
	stop_pipeline(0, (COMMAND *)NULL);
	status = wait_for(pid, 0);
	put_plan(&ref);
	return status;
}

static int why(const struct call *c)
{
	struct corral_error err = { 0 };
	struct plan_ref ref;
	char *text = NULL;
	int i, ret = EXECUTION_SUCCESS;

	if (c->opts.argc == 0)
		return usage_error("a path is needed after", "why");
	if (get_plan(c, &ref, &err))
		return fail(&err);
	print_notes(ref.plan, 0, c->opts.verbosity);
	for (i = 0; i < c->opts.argc && ret == EXECUTION_SUCCESS; i++) {
		ret = corral_plan_why(ref.plan, c->opts.argv[i], &text);
		ret = print_text(ret, text);
	}
	put_plan(&ref);
	return ret;
}

static int report(WORD_LIST *rest, int (*build)(char **))
{
	char *text = NULL;
	int ret;

	if (rest)
		return usage_error("unexpected argument", rest->word->word);
	ret = build(&text);
	return print_text(ret, text);
}

/* ---- words in, exit status out ---- */

/*
 * Split the words after the subcommand with the core's parser; argv[0]
 * names the subcommand, as getopt expects.
 */
static int parse(struct call *c, const char *subcommand, WORD_LIST *args)
{
	struct corral_error err = { 0 };
	WORD_LIST *w;
	int i;

	c->argc = 1 + list_length(args);
	c->argv = calloc((size_t)c->argc + 1, sizeof(*c->argv));
	if (!c->argv) {
		builtin_error("out of memory");
		return CORRAL_EXIT_FAILURE;
	}
	c->argv[0] = (char *)subcommand;
	for (i = 1, w = args; w; w = w->next)
		c->argv[i++] = w->word->word;
	if (corral_options_parse(&c->opts, c->argc, c->argv, &err)) {
		free(c->argv);
		return fail(&err);
	}
	c->command = args;
	for (i = c->opts.argc; i < c->argc - 1; i++)
		c->command = c->command->next;
	if (c->opts.argc == 0)
		c->command = NULL;
	return 0;
}

static void call_free(struct call *c)
{
	corral_options_free(&c->opts);
	free(c->argv);
}

static bool is_option(const char *word)
{
	return word[0] == '-' && strcmp(word, "--help") && strcmp(word, "-h") &&
	       strcmp(word, "--version");
}

static int dispatch(const char *sub, WORD_LIST *args)
{
	struct call c;
	int ret;

	ret = parse(&c, sub, args);
	if (ret)
		return strcmp(sub, NAME) ? ret : fail_closed(false);
	if (!strcmp(sub, "run"))
		ret = run(&c, args);
	else if (!strcmp(sub, "why"))
		ret = why(&c);
	else
		ret = confine_shell(&c);
	call_free(&c);
	return ret;
}

static int sandbox_builtin(WORD_LIST *list)
{
	const char *cmd = list ? list->word->word : NULL;

	if (!cmd || is_option(cmd))
		return dispatch(NAME, list);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
	    !strcmp(cmd, "help")) {
		fputs(usage(), stdout);
		return sh_chkwrite(EXECUTION_SUCCESS);
	}
	if (!strcmp(cmd, "--version")) {
		printf(NAME " (corral) %s\n", CORRAL_VERSION);
		return sh_chkwrite(EXECUTION_SUCCESS);
	}
	if (!strcmp(cmd, "run") || !strcmp(cmd, "why"))
		return dispatch(cmd, list->next);
	if (!strcmp(cmd, "status"))
		return report(list->next, corral_status);
	if (!strcmp(cmd, "check"))
		return report(list->next, corral_check);
	/* Most likely a confinement mistyped: fail as one would. */
	usage_error("unknown command", cmd);
	return fail_closed(false);
}

static char *fallback_doc[] = {
	"Confine this shell, or one command, with corral.",
	"See 'sandbox --help'.",
	NULL,
};

CORRAL_API struct builtin sandbox_struct = {
	NAME,
	sandbox_builtin,
	BUILTIN_ENABLED,
	fallback_doc,
	"sandbox [OPTIONS] | run [OPTIONS] [--] COMMAND [ARG...] | why PATH... | status | check",
	0,
};

/* bash looks these up by name when it loads and unloads this file. */
CORRAL_API int sandbox_builtin_load(char *name);
CORRAL_API void sandbox_builtin_unload(char *name);

/* Called by enable -f; nonzero means loaded. */
CORRAL_API int sandbox_builtin_load(char *name)
{
	(void)name;
	sandbox_struct.long_doc = fallback_doc;
	free_help();
	if (build_help() == 0)
		sandbox_struct.long_doc = help_lines;
	return 1;
}

/* Called by enable -d, before bash unloads this file. */
CORRAL_API void sandbox_builtin_unload(char *name)
{
	(void)name;
	cache_flush();
	sandbox_struct.long_doc = fallback_doc;
	free_help();
}
