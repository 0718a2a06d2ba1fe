/* SPDX-License-Identifier: MIT */
/*
 * corral: the standalone front, for scripts, CI and shells without the
 * builtin.  It parses nothing itself: options go to the core, and the
 * core's errors and notes are printed here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dlfcn.h>

#include "corral.h"

static int verbosity;

static int fail(const struct corral_error *err)
{
	fprintf(stderr, "corral: %s\n", err->message);
	if (err->hint[0])
		fprintf(stderr, "hint: %s\n", err->hint);
	return CORRAL_EXIT_FAILURE;
}

static int usage_error(const char *what, const char *word)
{
	fprintf(stderr, "corral: %s '%s'\nhint: see 'corral --help'\n", what,
		word);
	return CORRAL_EXIT_FAILURE;
}

static void print_notes(const struct corral_plan *plan, size_t from)
{
	size_t i;

	if (verbosity < 0)
		return;
	for (i = from; i < corral_plan_note_count(plan); i++)
		fprintf(stderr, "corral: note: %s\n",
			corral_plan_note(plan, i));
}

/* Print a report the core built; text is NULL when it failed. */
static int print_text(int ret, char *text)
{
	if (ret) {
		fprintf(stderr, "corral: cannot build the report: %s\n",
			strerror(-ret));
		return CORRAL_EXIT_FAILURE;
	}
	fputs(text, stdout);
	free(text);
	return 0;
}

static int exec_failed(const char *command)
{
	int saved = errno;

	fprintf(stderr, "corral: cannot run '%s': %s\n", command,
		strerror(saved));
	if (saved == ENOENT)
		return CORRAL_EXIT_NOT_FOUND;
	if (saved == EACCES)
		fprintf(stderr,
			"hint: the sandbox may not grant it; see 'corral why %s'\n",
			command);
	return CORRAL_EXIT_CANNOT_EXEC;
}

/* Confine this very process, then become the command. */
static int become(struct corral_plan *plan, char **argv)
{
	struct corral_error err = { 0 };
	size_t seen = corral_plan_note_count(plan);

	if (corral_confine(plan, &err)) {
		print_notes(plan, seen);
		return fail(&err);
	}
	print_notes(plan, seen);
	fflush(NULL);
	execvp(argv[0], argv);
	return exec_failed(argv[0]);
}

/*
 * Without a timeout corral simply becomes the command: no process of its
 * own stays behind.  With one, a parent waits to end the whole tree.
 */
static int confine_and_exec(struct corral_plan *plan, char **argv)
{
	pid_t pid;
	int ret;

	if (!corral_plan_timeout_ms(plan))
		return become(plan, argv);
	ret = corral_supervise_prepare();
	if (ret) {
		fprintf(stderr, "corral: cannot supervise the timeout: %s\n",
			strerror(-ret));
		return CORRAL_EXIT_FAILURE;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "corral: cannot fork: %s\n", strerror(errno));
		return CORRAL_EXIT_FAILURE;
	}
	if (pid == 0) {
		/* Should corral itself be killed, the command goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(become(plan, argv));
	}
	ret = corral_supervise(plan, pid);
	if (ret < 0) {
		fprintf(stderr, "corral: cannot wait for '%s': %s\n", argv[0],
			strerror(-ret));
		return CORRAL_EXIT_FAILURE;
	}
	return ret;
}

static int with_plan(int argc, char **argv,
		     int (*then)(struct corral_plan *, struct corral_options *))
{
	struct corral_error err = { 0 };
	struct corral_options opts;
	struct corral_plan *plan = NULL;
	int ret;

	if (corral_options_parse(&opts, argc, argv, &err))
		return fail(&err);
	verbosity = opts.verbosity;
	if (opts.force) {
		corral_options_free(&opts);
		fprintf(stderr,
			"corral: -f/--force is for the sandbox builtin: corral never confines the shell it is run from\n");
		return CORRAL_EXIT_FAILURE;
	}
	ret = corral_plan_build(&plan, &opts, &err);
	if (ret) {
		corral_options_free(&opts);
		return fail(&err);
	}
	print_notes(plan, 0);
	ret = then(plan, &opts);
	corral_plan_free(plan);
	corral_options_free(&opts);
	return ret;
}

static int describe(struct corral_plan *plan)
{
	char *text = NULL;
	int ret = corral_plan_describe(plan, &text);

	return print_text(ret, text);
}

/* The file execvp would run for name, or NULL. */
static char *find_command(const char *name)
{
	char *path, *dir, *save, *file = NULL;

	if (strchr(name, '/'))
		return strdup(name);
	path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	for (dir = path ? strtok_r(path, ":", &save) : NULL; dir && !file;
	     dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&file, "%s/%s", dir, name) < 0)
			file = NULL;
		else if (access(file, X_OK)) {
			free(file);
			file = NULL;
		}
	}
	free(path);
	return file;
}

/* The kernel refuses a blocked command anyway; say why, up front. */
static bool refuse_blocked(const struct corral_plan *plan, const char *name)
{
	char *file = find_command(name);
	bool blocked = file && corral_plan_blocks(plan, file);

	/* Blocks are lifted by the name they were listed under. */
	if (blocked) {
		fprintf(stderr, "corral: '%s' is blocked by the policy (%s)\n",
			name, file);
		fprintf(stderr, "hint: lift it with --allow-command %s\n",
			strrchr(name, '/') ? strrchr(name, '/') + 1 : name);
	}
	free(file);
	return blocked;
}

/* A program in the host's /tmp is not in the sandbox's own. */
static bool refuse_hidden(const struct corral_plan *plan, const char *name)
{
	char *file = find_command(name);
	bool hidden = file && corral_plan_hides(plan, file);

	if (hidden) {
		fprintf(stderr,
			"corral: cannot run '%s': the sandbox has a private /tmp, and no grant carries '%s' into it\n",
			name, file);
		fprintf(stderr,
			"hint: grant its directory, e.g. --read DIR, or run it from elsewhere\n");
	}
	free(file);
	return hidden;
}

static int do_run(struct corral_plan *plan, struct corral_options *opts)
{
	if (opts->dry_run)
		return describe(plan);
	if (opts->argc == 0)
		return usage_error("a command is needed after", "run");
	if (refuse_blocked(plan, opts->argv[0]))
		return CORRAL_EXIT_CANNOT_EXEC;
	if (refuse_hidden(plan, opts->argv[0]))
		return CORRAL_EXIT_NOT_FOUND;
	return confine_and_exec(plan, opts->argv);
}

static int do_profile(int argc, char **argv)
{
	struct corral_error err = { 0 };
	const char *verb = argc > 1 ? argv[1] : "";
	char *text = NULL;
	int i, failed = 0;

	if (!strcmp(verb, "list") && argc == 2) {
		if (corral_profile_list(&text, &err))
			return fail(&err);
		return print_text(0, text);
	}
	if (!strcmp(verb, "show") && argc == 3) {
		if (corral_profile_show(argv[2], &text, &err))
			return fail(&err);
		printf("%s\n", text);
		free(text);
		return 0;
	}
	if (!strcmp(verb, "validate") && argc < 3) {
		fprintf(stderr,
			"corral: profile validate needs a FILE\nhint: corral profile validate FILE...\n");
		return CORRAL_EXIT_FAILURE;
	}
	if (strcmp(verb, "validate"))
		return usage_error(
			"usage: corral profile list | show NAME | validate FILE...; got",
			verb[0] ? verb : "nothing");
	for (i = 2; i < argc; i++) {
		if (corral_profile_validate(argv[i], &err)) {
			fail(&err);
			failed = 1;
		} else {
			printf("%s: valid\n", argv[i]);
		}
	}
	return failed ? CORRAL_EXIT_FAILURE : 0;
}

static int do_shell(struct corral_plan *plan, struct corral_options *opts)
{
	const char *shell = getenv("SHELL");
	char *argv[2];

	if (opts->argc > 0)
		return usage_error("shell runs no command; use run for",
				   opts->argv[0]);
	if (opts->dry_run)
		return describe(plan);
	if (!shell || shell[0] != '/')
		shell = "/bin/sh";
	argv[0] = (char *)shell;
	argv[1] = NULL;
	return confine_and_exec(plan, argv);
}

static int do_why(struct corral_plan *plan, struct corral_options *opts)
{
	char *text = NULL;
	int i, ret = 0;

	if (opts->argc == 0)
		return usage_error("a path is needed after", "why");
	for (i = 0; i < opts->argc && !ret; i++) {
		ret = corral_plan_why(plan, opts->argv[i], &text);
		ret = print_text(ret, text);
	}
	return ret;
}

static int report(int argc, char **argv, int (*build)(char **))
{
	char *text = NULL;
	int ret;

	if (argc > 1)
		return usage_error("unexpected argument", argv[1]);
	ret = build(&text);
	return print_text(ret, text);
}

/* The policy file PATH names: a file, a directory's, or the nearest. */
static char *policy_path(const char *arg)
{
	char *cwd, *found = NULL;
	struct stat st;

	if (arg && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (asprintf(&found, "%s/.corral.json", arg) < 0)
			return NULL;
		return found;
	}
	if (arg)
		return strdup(arg);
	cwd = getcwd(NULL, 0);
	if (cwd && corral_policy_find(cwd, &found))
		found = NULL;
	free(cwd);
	return found;
}

static int no_policy(const char *named)
{
	if (named)
		fprintf(stderr, "corral: no policy file at '%s'\n", named);
	else
		fprintf(stderr,
			"corral: no .corral.json in this directory or above\n");
	fprintf(stderr, "hint: name the policy file: corral trust PATH\n");
	return CORRAL_EXIT_FAILURE;
}

/*
 * GNU readline, loaded only when there is a question to ask: linked in,
 * it would cost every `corral run` its start-up.  Without it, a plain line.
 */
static char *ask(const char *question)
{
	void *lib = dlopen("libreadline.so.8", RTLD_NOW | RTLD_LOCAL);
	char *(*readline)(const char *) = NULL;
	char *line = NULL;
	size_t len = 0;

	if (lib)
		*(void **)&readline = dlsym(lib, "readline");
	if (readline)
		return readline(question);
	fputs(question, stdout);
	fflush(stdout);
	if (getline(&line, &len, stdin) < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static bool confirm(const char *question)
{
	char *answer;
	bool yes;

	answer = ask(question);
	yes = answer && (!strcmp(answer, "y") || !strcmp(answer, "yes"));
	free(answer);
	return yes;
}

static int show_policy(const struct corral_policy *p)
{
	struct corral_error err = { 0 };
	char *resolved = NULL;

	printf("%s:\n%s%s", p->path, p->text,
	       p->text[0] && p->text[strlen(p->text) - 1] == '\n' ? "" : "\n");
	if (corral_profile_show(p->path, &resolved, &err))
		return fail(&err);
	printf("\nresolved, on top of the default policy:\n%s\n", resolved);
	free(resolved);
	return 0;
}

/*
 * For the cd hooks: the trusted policy's path on stdout, or one line on
 * stderr when the nearest one is untrusted, changed or refused.
 */
static int trust_check(void)
{
	struct corral_error err = { 0 };
	struct corral_policy p;
	char *cwd = getcwd(NULL, 0), *path = NULL;
	int state;

	if (!cwd || corral_policy_find(cwd, &path)) {
		free(cwd);
		return 0;
	}
	free(cwd);
	if (corral_policy_read(path, &p, &err)) {
		fprintf(stderr, "corral: %s\n", err.message);
		free(path);
		return 0;
	}
	state = corral_policy_state(getenv("HOME"), &p);
	if (state == CORRAL_POLICY_TRUSTED)
		printf("%s\n", p.path);
	else
		fprintf(stderr,
			"corral: %s is %s: not applied; review it with 'corral trust %s'\n",
			p.path,
			state == CORRAL_POLICY_CHANGED ? "changed since trusted"
						       : "not trusted",
			p.path);
	corral_policy_free(&p);
	free(path);
	return 0;
}

static int do_trust(int argc, char **argv)
{
	struct corral_error err = { 0 };
	const char *home = getenv("HOME"), *arg = NULL;
	struct corral_policy p;
	bool yes = false;
	char *path, *text = NULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
			yes = true;
		else if (!strcmp(argv[i], "--check") && argc == 2)
			return trust_check();
		else if (!strcmp(argv[i], "--list") && argc == 2)
			return corral_trust_list(home, &text, &err)
				       ? fail(&err)
				       : print_text(0, text);
		else if (argv[i][0] == '-' || arg)
			return usage_error(
				"usage: corral trust [--yes] [PATH] | --list; got",
				argv[i]);
		else
			arg = argv[i];
	}
	path = policy_path(arg);
	if (!path)
		return no_policy(arg);
	ret = corral_policy_read(path, &p, &err);
	free(path);
	if (ret)
		return fail(&err);
	ret = show_policy(&p);
	if (!ret && !yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr,
			"corral: not a terminal: nothing trusted\nhint: pass --yes to trust it without asking\n");
		ret = CORRAL_EXIT_FAILURE;
	} else if (!ret && !yes &&
		   !confirm("trust exactly this policy? [y/N] ")) {
		fprintf(stderr, "corral: not trusted\n");
		ret = 1;
	} else if (!ret && corral_trust_record(home, &p, &err)) {
		ret = fail(&err);
	} else if (!ret) {
		printf("trusted %s (sha256 %s)\n", p.path, p.hash);
	}
	corral_policy_free(&p);
	return ret;
}

static int do_untrust(int argc, char **argv)
{
	struct corral_error err = { 0 };
	char *path, *real;
	int ret;

	if (argc > 2)
		return usage_error("usage: corral untrust [PATH]; got",
				   argv[2]);
	path = policy_path(argc == 2 ? argv[1] : NULL);
	if (!path)
		return no_policy(argc == 2 ? argv[1] : NULL);
	real = realpath(path, NULL);
	ret = corral_trust_forget(getenv("HOME"), real ? real : path, &err);
	if (ret >= 0)
		printf("%s %s\n", ret ? "untrusted" : "was not trusted:",
		       real ? real : path);
	free(real);
	free(path);
	return ret < 0 ? fail(&err) : 0;
}

static int do_hook(int argc, char **argv)
{
	struct corral_error err = { 0 };
	char *self = realpath("/proc/self/exe", NULL), *text = NULL;
	int ret;

	if (argc != 2) {
		free(self);
		return usage_error(
			"usage: corral hook bash | corral hook zsh; got",
			argc > 2 ? argv[2] : "nothing");
	}
	ret = corral_hook_text(argv[1], self ? self : "corral", &text, &err);
	free(self);
	if (text)
		print_text(0, text);
	return ret ? fail(&err) : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(corral_usage(), stderr);
		return CORRAL_EXIT_FAILURE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
	    !strcmp(cmd, "help"))
		return fputs(corral_usage(), stdout) < 0;
	if (!strcmp(cmd, "--version"))
		return printf("corral %s\n", CORRAL_VERSION) < 0;
	if (!strcmp(cmd, "run"))
		return with_plan(argc - 1, argv + 1, do_run);
	if (!strcmp(cmd, "shell"))
		return with_plan(argc - 1, argv + 1, do_shell);
	if (!strcmp(cmd, "why"))
		return with_plan(argc - 1, argv + 1, do_why);
	if (!strcmp(cmd, "hook"))
		return do_hook(argc - 1, argv + 1);
	if (!strcmp(cmd, "trust"))
		return do_trust(argc - 1, argv + 1);
	if (!strcmp(cmd, "untrust"))
		return do_untrust(argc - 1, argv + 1);
	if (!strcmp(cmd, "profile"))
		return do_profile(argc - 1, argv + 1);
	if (!strcmp(cmd, "status"))
		return report(argc - 1, argv + 1, corral_status);
	if (!strcmp(cmd, "check"))
		return report(argc - 1, argv + 1, corral_check);
	return usage_error("unknown command", cmd);
}
