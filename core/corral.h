/* SPDX-License-Identifier: MIT */
/*
 * corral core: the one library behind every front (the corral binary, the
 * bash builtin, the zsh module).
 *
 * The core never prints, never exits and never aborts, because it runs
 * inside the user's interactive shell.  Every call returns 0 or -errno and,
 * on failure, fills a struct corral_error with a message and, where the
 * fix is known, a hint.  Only the fronts print.
 */
#ifndef CORRAL_H
#define CORRAL_H

#include <stdbool.h>
#include <stddef.h>

#define CORRAL_VERSION "0.1.0"

/* Exit statuses shared by every front. */
#define CORRAL_EXIT_FAILURE 125 /* corral itself failed */
#define CORRAL_EXIT_CANNOT_EXEC 126
#define CORRAL_EXIT_NOT_FOUND 127

#define CORRAL_API __attribute__((visibility("default")))

struct corral_error {
	int code; /* negative errno */
	char message[1024];
	char hint[512];
};

/* Access a grant gives; a grant of both is "allow". */
enum corral_access {
	CORRAL_ACCESS_READ = 1 << 0,
	CORRAL_ACCESS_WRITE = 1 << 1,
};

enum corral_rule_kind {
	CORRAL_RULE_GRANT,
	CORRAL_RULE_DENY,
	CORRAL_RULE_PROTECT,
};

/* One path option exactly as the user gave it. */
struct corral_path_option {
	enum corral_rule_kind kind;
	unsigned access; /* for grants */
	const char *flag; /* "--allow", "--deny", ... for messages */
	char *path;
};

/* A list of words as the user gave them; checked when the plan is built. */
struct corral_words {
	char **v;
	size_t n;
};

struct corral_options {
	struct corral_path_option *paths;
	size_t n_paths;
	bool no_net;
	bool allow_ptrace;
	struct corral_words connect_ports; /* --allow-port */
	struct corral_words bind_ports; /* --allow-bind */
	struct corral_words sockets; /* --allow-socket */
	struct corral_words keep_env; /* --keep-env NAME */
	struct corral_words set_env; /* --set-env NAME=VALUE */
	struct corral_words limits; /* --limit mem=SIZE,... */
	struct corral_words timeout; /* --timeout DURATION, last wins */
	struct corral_words profiles; /* -p NAME|FILE, merged in order */
	struct corral_words block_cmds; /* --block-command NAME */
	struct corral_words allow_cmds; /* --allow-command NAME */
	bool no_cwd;
	bool dry_run;
	bool force; /* confine even a top-level interactive shell */
	int verbosity; /* -1 quiet, 0 normal, 1 and up verbose */
	/* What follows the options: the command, or the paths for why. */
	int argc;
	char **argv;
};

/*
 * Parse the options shared by run, shell and why.  argv[0] is the
 * subcommand name; parsing stops at "--" or at the first non-option.
 */
CORRAL_API int corral_options_parse(struct corral_options *opts, int argc,
				    char **argv, struct corral_error *err);
CORRAL_API void corral_options_free(struct corral_options *opts);

/* The synopsis and option list, one text for --help, help and the manual. */
CORRAL_API const char *corral_usage(void);

struct corral_plan;

/*
 * Resolve the default policy and the options into one immutable plan:
 * every path made absolute and canonical, every deny and protect matched
 * against the grants around it, the mechanisms chosen for this kernel.
 * Nothing is applied.
 */
CORRAL_API int corral_plan_build(struct corral_plan **plan,
				 const struct corral_options *opts,
				 struct corral_error *err);
CORRAL_API void corral_plan_free(struct corral_plan *plan);

/*
 * For fronts that keep a plan for later commands: stamp the plan's paths
 * and the directories holding them right after building it, and reuse
 * the plan only while the stamps are current (no path made, removed,
 * replaced or led elsewhere by a symlink since).  -EAGAIN: the plan no
 * longer matches the filesystem; use it this once and do not keep it.
 */
struct corral_snapshot;
CORRAL_API int corral_plan_snapshot(const struct corral_plan *plan,
				    struct corral_snapshot **snap);
CORRAL_API bool corral_snapshot_current(struct corral_snapshot *snap);
CORRAL_API void corral_snapshot_free(struct corral_snapshot *snap);

/* The wall-clock limit of --timeout in milliseconds, or 0 for none. */
CORRAL_API long corral_plan_timeout_ms(const struct corral_plan *plan);

/*
 * Wait for pid, ending it and every descendant when the plan's timeout
 * passes.  Returns the exit status a shell would report (128 + signal for
 * a signal) or 124 after a timeout; -errno if waiting failed.  The caller
 * must have made itself a child subreaper (corral_supervise_prepare)
 * before forking, so that orphaned descendants can be found and ended.
 */
CORRAL_API int corral_supervise_prepare(void);
CORRAL_API int corral_supervise(const struct corral_plan *plan, int pid);

/*
 * Apply the plan to the calling process: prepare (descriptors, environment,
 * limits), view (namespaces), Landlock, no_new_privs, seccomp.  Cannot be
 * undone.  On failure the process may be partly
 * confined and must not run the command.
 */
CORRAL_API int corral_confine(struct corral_plan *plan,
			      struct corral_error *err);

/*
 * Notes for the user: what was skipped, what fell back to what.  Valid
 * after corral_plan_build and again after corral_confine, which may add
 * its own.
 */
CORRAL_API size_t corral_plan_note_count(const struct corral_plan *plan);
CORRAL_API const char *corral_plan_note(const struct corral_plan *plan,
					size_t i);

/*
 * The environment the sandbox runs with, for fronts that keep their own
 * variable table (a shell exports from it, not from environ).  After
 * corral_confine: the variables to set, and a test for names to remove.
 * corral_confine has already applied both to environ.
 */
CORRAL_API size_t corral_plan_env_count(const struct corral_plan *plan);
CORRAL_API const char *corral_plan_env_name(const struct corral_plan *plan,
					    size_t i);
CORRAL_API const char *corral_plan_env_value(const struct corral_plan *plan,
					     size_t i);
CORRAL_API bool corral_plan_env_removes(const struct corral_plan *plan,
					const char *name);

/* Is this file a blocked binary (by inode)?  For a clearer refusal. */
CORRAL_API bool corral_plan_blocks(const struct corral_plan *plan,
				   const char *path);

/*
 * Is this file, which exists outside, left out of the sandbox by its
 * private /tmp (no grant carries it in)?  For a clearer refusal.
 */
CORRAL_API bool corral_plan_hides(const struct corral_plan *plan,
				  const char *path);

/* Profiles: list them, show one fully resolved, validate files. */
CORRAL_API int corral_profile_list(char **text, struct corral_error *err);
CORRAL_API int corral_profile_show(const char *name, char **text,
				   struct corral_error *err);
CORRAL_API int corral_profile_validate(const char *file,
				       struct corral_error *err);

/*
 * Per-directory policy: the nearest .corral.json applies once its exact
 * bytes are trusted.  HOME locates the trust store.
 */
enum corral_policy_state {
	CORRAL_POLICY_UNTRUSTED,
	CORRAL_POLICY_CHANGED, /* trusted once, different bytes now */
	CORRAL_POLICY_TRUSTED,
};

struct corral_policy {
	char *path; /* canonical */
	char *text; /* the exact bytes read, hashed and parsed */
	char hash[65]; /* SHA-256, hex */
};

CORRAL_API int corral_policy_find(const char *dir, char **path);
CORRAL_API int corral_policy_read(const char *path, struct corral_policy *p,
				  struct corral_error *err);
CORRAL_API void corral_policy_free(struct corral_policy *p);
CORRAL_API int corral_policy_state(const char *home,
				   const struct corral_policy *p);
CORRAL_API int corral_trust_record(const char *home,
				   const struct corral_policy *p,
				   struct corral_error *err);
/* 1 when path was trusted and is no longer, 0 when it was not, or -errno. */
CORRAL_API int corral_trust_forget(const char *home, const char *path,
				   struct corral_error *err);
CORRAL_API int corral_trust_list(const char *home, char **text,
				 struct corral_error *err);

/* Is this process inside a Landlock sandbox?  Probed, not taken on trust. */
CORRAL_API bool corral_confined(void);

/*
 * The hook code for `eval "$(corral hook SHELL)"`; corral: this binary.
 * When the configuration is wrong, an error is returned AND *text holds
 * code that makes each agent's name refuse to run: print it all the same.
 */
CORRAL_API int corral_hook_text(const char *shell, const char *corral,
				char **text, struct corral_error *err);

/* Reports, as newly allocated text for the front to print and free. */
CORRAL_API int corral_plan_describe(const struct corral_plan *plan,
				    char **text);
CORRAL_API int corral_plan_why(const struct corral_plan *plan, const char *path,
			       char **text);
CORRAL_API int corral_status(char **text);
CORRAL_API int corral_check(char **text);

#endif /* CORRAL_H */
