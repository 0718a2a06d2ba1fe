/* SPDX-License-Identifier: MIT */
/*
 * The options shared by every front, in one getopt_long table.  The core
 * parses them so that the bash builtin, the zsh module and the corral
 * binary accept exactly the same words.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
	OPT_DENY = 256,
	OPT_PROTECT,
	OPT_NO_CWD,
	OPT_NO_NET,
	OPT_ALLOW_PORT,
	OPT_ALLOW_BIND,
	OPT_ALLOW_SOCKET,
	OPT_ALLOW_PTRACE,
	OPT_KEEP_ENV,
	OPT_SET_ENV,
	OPT_LIMIT,
	OPT_TIMEOUT,
	OPT_BLOCK_COMMAND,
	OPT_ALLOW_COMMAND,
};

static const struct option long_options[] = {
	{ "allow", required_argument, NULL, 'a' },
	{ "read", required_argument, NULL, 'r' },
	{ "write", required_argument, NULL, 'w' },
	{ "deny", required_argument, NULL, OPT_DENY },
	{ "protect", required_argument, NULL, OPT_PROTECT },
	{ "no-cwd", no_argument, NULL, OPT_NO_CWD },
	{ "no-net", no_argument, NULL, OPT_NO_NET },
	{ "allow-port", required_argument, NULL, OPT_ALLOW_PORT },
	{ "allow-bind", required_argument, NULL, OPT_ALLOW_BIND },
	{ "allow-socket", required_argument, NULL, OPT_ALLOW_SOCKET },
	{ "allow-ptrace", no_argument, NULL, OPT_ALLOW_PTRACE },
	{ "keep-env", required_argument, NULL, OPT_KEEP_ENV },
	{ "set-env", required_argument, NULL, OPT_SET_ENV },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "profile", required_argument, NULL, 'p' },
	{ "block-command", required_argument, NULL, OPT_BLOCK_COMMAND },
	{ "allow-command", required_argument, NULL, OPT_ALLOW_COMMAND },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};

/* "+": stop at the first word that is not an option (the command). */
static const char short_options[] = "+:a:r:w:p:nvqf";

static const char usage_text[] =
	"usage: corral run   [OPTIONS] [--] COMMAND [ARG...]\n"
	"       corral shell [OPTIONS]\n"
	"       corral why   [OPTIONS] PATH...\n"
	"       corral status\n"
	"       corral check\n"
	"       corral profile list | show NAME | validate FILE...\n"
	"       corral trust [--yes] [PATH] | trust --list | untrust [PATH]\n"
	"       corral hook bash | zsh\n"
	"       corral --help | --version\n"
	"\n"
	"  run      run COMMAND confined\n"
	"  shell    run $SHELL (or /bin/sh) confined\n"
	"  why      say what the policy allows on PATH, and why\n"
	"  status   is this process confined? by which policy and mechanisms\n"
	"  check    what this kernel and system support\n"
	"  profile  list the profiles, show one resolved, validate files\n"
	"  trust    review a project's .corral.json and let it apply\n"
	"  hook     shell code for eval \"$(corral hook bash)\" in ~/.bashrc\n"
	"\n"
	"options:\n"
	"  -p, --profile NAME|FILE  start from a profile (repeatable; flags add to it)\n"
	"  -a, --allow PATH    read and write (directory or file)\n"
	"  -r, --read PATH     read, list, execute\n"
	"  -w, --write PATH    write only\n"
	"      --deny PATH     no access, even when a parent is granted\n"
	"      --protect PATH  readable, not writable, even inside a writable grant\n"
	"      --no-cwd        do not grant the working directory (read-write by default)\n"
	"      --no-net        no network at all (UNIX sockets stay)\n"
	"      --allow-port PORT   TCP connect to PORT (repeatable)\n"
	"      --allow-bind PORT   TCP bind and listen on PORT (repeatable); with\n"
	"                      either, all other network is off (no UDP: no DNS)\n"
	"      --allow-socket PATH reach this named UNIX socket (repeatable)\n"
	"      --allow-ptrace  let debuggers trace processes of the same sandbox\n"
	"      --block-command NAME  deny executing NAME, for every descendant\n"
	"      --allow-command NAME  lift a block from the profile\n"
	"      --keep-env NAME     keep a variable that would be removed\n"
	"      --set-env NAME=VALUE  set a variable inside the sandbox\n"
	"      --limit LIMITS  resource limits, as mem=SIZE,procs=N,cpu=SECONDS,\n"
	"                      fsize=SIZE,nofile=N (SIZE takes K, M, G or T)\n"
	"      --timeout DURATION  end the command and its descendants (exit 124);\n"
	"                      DURATION is seconds, or a number with ms, s, m or h\n"
	"  -n, --dry-run       print the resolved plan and exit\n"
	"  -v, --verbose       say more (the dry run lists missing paths too)\n"
	"  -q, --quiet         say only errors\n"
	"  -f, --force         sandbox builtin only: confine even a top-level\n"
	"                      interactive shell\n"
	"\n"
	"exit status: the command's own; 124 after --timeout; 125 when corral\n"
	"fails (the command does not run); 126 when the command is blocked or\n"
	"not executable; 127 when it is not found\n";

const char *corral_usage(void)
{
	return usage_text;
}

static int add_path(struct corral_options *o, enum corral_rule_kind kind,
		    unsigned access, const char *flag, const char *path)
{
	struct corral_path_option *p;

	p = realloc(o->paths, (o->n_paths + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	o->paths = p;
	p += o->n_paths;
	p->kind = kind;
	p->access = access;
	p->flag = flag;
	p->path = strdup(path);
	if (!p->path)
		return -ENOMEM;
	o->n_paths++;
	return 0;
}

static int bad_option(int c, char **argv, struct corral_error *err)
{
	const char *word = argv[optind - 1];
	const char *hint = "see 'corral --help'";
	bool long_word = !strncmp(word, "--", 2);

	if (c == ':' && !long_word)
		return corral_fail(err, -EINVAL, hint,
				   "option '-%c' needs a value", optopt);
	if (c == ':')
		return corral_fail(err, -EINVAL, hint,
				   "option '%s' needs a value", word);
	/*
	 * glibc leaves optopt 0 for an unknown long option; for a known one
	 * given a value it sets the option's own code; else it is the letter.
	 */
	if (optopt && long_word && strchr(word, '='))
		return corral_fail(err, -EINVAL, hint,
				   "option '%.*s' takes no value",
				   (int)strcspn(word, "="), word);
	if (optopt)
		return corral_fail(err, -EINVAL, hint, "unknown option '-%c'",
				   optopt);
	return corral_fail(err, -EINVAL, hint, "unknown option '%s'", word);
}

static int take(struct corral_options *o, int c, char **argv,
		struct corral_error *err)
{
	switch (c) {
	case 'a':
		return add_path(o, CORRAL_RULE_GRANT,
				CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE,
				"--allow", optarg);
	case 'r':
		return add_path(o, CORRAL_RULE_GRANT, CORRAL_ACCESS_READ,
				"--read", optarg);
	case 'w':
		return add_path(o, CORRAL_RULE_GRANT, CORRAL_ACCESS_WRITE,
				"--write", optarg);
	case OPT_DENY:
		return add_path(o, CORRAL_RULE_DENY, 0, "--deny", optarg);
	case OPT_PROTECT:
		return add_path(o, CORRAL_RULE_PROTECT, 0, "--protect", optarg);
	case OPT_NO_CWD:
		o->no_cwd = true;
		return 0;
	case OPT_NO_NET:
		o->no_net = true;
		return 0;
	case OPT_ALLOW_PORT:
		return corral_words_add(&o->connect_ports, optarg);
	case OPT_ALLOW_BIND:
		return corral_words_add(&o->bind_ports, optarg);
	case OPT_ALLOW_SOCKET:
		return corral_words_add(&o->sockets, optarg);
	case OPT_ALLOW_PTRACE:
		o->allow_ptrace = true;
		return 0;
	case OPT_KEEP_ENV:
		return corral_words_add(&o->keep_env, optarg);
	case OPT_SET_ENV:
		return corral_words_add(&o->set_env, optarg);
	case OPT_LIMIT:
		return corral_words_add(&o->limits, optarg);
	case 'p':
		return corral_words_add(&o->profiles, optarg);
	case OPT_BLOCK_COMMAND:
		return corral_words_add(&o->block_cmds, optarg);
	case OPT_ALLOW_COMMAND:
		return corral_words_add(&o->allow_cmds, optarg);
	case OPT_TIMEOUT:
		return corral_words_add(&o->timeout, optarg);
	case 'n':
		o->dry_run = true;
		return 0;
	case 'v':
		o->verbosity = o->verbosity < 0 ? 1 : o->verbosity + 1;
		return 0;
	case 'q':
		o->verbosity = -1;
		return 0;
	case 'f':
		o->force = true;
		return 0;
	default:
		return bad_option(c, argv, err);
	}
}

int corral_options_parse(struct corral_options *o, int argc, char **argv,
			 struct corral_error *err)
{
	int c, ret;

	memset(o, 0, sizeof(*o));
	optind = 0; /* glibc: restart, even after another front parsed */
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_options, long_options,
				NULL)) != -1) {
		ret = take(o, c, argv, err);
		if (ret == -ENOMEM)
			ret = corral_fail(err, ret, NULL, "out of memory");
		if (ret) {
			corral_options_free(o);
			return ret;
		}
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
	return 0;
}

void corral_options_free(struct corral_options *o)
{
	size_t i;

	for (i = 0; i < o->n_paths; i++)
		free(o->paths[i].path);
	free(o->paths);
	o->paths = NULL;
	o->n_paths = 0;
	corral_words_free(&o->connect_ports);
	corral_words_free(&o->bind_ports);
	corral_words_free(&o->sockets);
	corral_words_free(&o->keep_env);
	corral_words_free(&o->set_env);
	corral_words_free(&o->limits);
	corral_words_free(&o->timeout);
	corral_words_free(&o->profiles);
	corral_words_free(&o->block_cmds);
	corral_words_free(&o->allow_cmds);
}
