/* SPDX-License-Identifier: MIT */
/* Declarations shared by the core's own files; never seen by a front. */
#ifndef CORRAL_INTERNAL_H
#define CORRAL_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "corral.h"

#define CORRAL_MAX_NOTES 64

/* The origin of the built-in default profile's rules. */
#define CORRAL_ORIGIN_DEFAULT "default profile"

/* The origin of the grant on a fresh, private /tmp. */
#define ORIGIN_PRIVATE_TMP "private /tmp"

/* The Landlock ABI the kernel offers, capped for tests (see abi.c). */
#define CORRAL_ENV_MAX_ABI "CORRAL_TEST_MAX_ABI"
/* Any value pretends the kernel has no unprivileged user namespaces. */
#define CORRAL_ENV_NO_NAMESPACES "CORRAL_TEST_NO_NAMESPACES"
/* Set in every confined process: a one-line description of its policy. */
#define CORRAL_ENV_SANDBOX "CORRAL_SANDBOX"

enum corral_limit {
	CORRAL_LIMIT_MEM,
	CORRAL_LIMIT_PROCS,
	CORRAL_LIMIT_CPU,
	CORRAL_LIMIT_FSIZE,
	CORRAL_LIMIT_NOFILE,
	CORRAL_N_LIMITS,
};

#define CORRAL_MAX_PORTS 64

/* The network as the plan sees it. */
struct corral_net {
	bool off; /* --no-net: only AF_UNIX sockets */
	bool ports; /* port rules: TCP only, to the listed ports */
	uint16_t connect[CORRAL_MAX_PORTS];
	size_t n_connect;
	uint16_t bind[CORRAL_MAX_PORTS];
	size_t n_bind;
	bool unix_sockets; /* socket(AF_UNIX) allowed without a view */
};

enum corral_net_mode { CORRAL_NET_UNSET, CORRAL_NET_ON, CORRAL_NET_OFF };
enum corral_workdir {
	CORRAL_WORKDIR_RW,
	CORRAL_WORKDIR_RO,
	CORRAL_WORKDIR_NONE
};

/*
 * What the profiles add up to beyond filesystem rules (those go straight
 * into the plan): lists accumulate along extends, scalars are overridden.
 */
struct corral_profile_acc {
	struct corral_words names; /* files applied, in order */
	struct corral_words origins; /* "profile NAME" labels of rules */
	struct corral_words replaced; /* built-ins a user profile replaced */
	struct corral_words block, unblock;
	struct corral_words keep_env, set_env, remove_env;
	struct corral_words limits; /* "key=value" */
	struct corral_words connect, bind, sockets;
	char *timeout;
	char *description;
	int network; /* enum corral_net_mode */
	int workdir; /* enum corral_workdir */
	bool ptrace;
};

/* A blocked binary, by inode (all its names) and canonical path. */
struct corral_blocked {
	dev_t dev;
	ino_t ino;
	char *path;
};

/* How a deny or protect inside a grant is enforced. */
enum corral_carve {
	CARVE_NONE, /* not inside any grant: Landlock alone */
	CARVE_MOUNT, /* masked or bound read-only in the mount namespace */
	CARVE_SIBLINGS, /* the parent is not granted, its other entries are */
};

struct corral_rule {
	enum corral_rule_kind kind;
	unsigned access; /* for grants */
	char *written; /* as written, for messages */
	char *path; /* absolute and canonical */
	const char *origin;
	bool exists;
	bool is_dir;
	bool lifted; /* a deny lifted by a grant of the same path */
	bool guard_missing; /* missing: keep anything from being made there */
	int inside; /* index of the grant around a deny/protect, or -1 */
};

struct corral_plan {
	struct corral_rule *rules;
	size_t n_rules;
	char *home;
	char *workdir; /* NULL with --no-cwd */
	int abi;
	bool namespaces; /* planned; confine may fall back */
	bool root; /* euid 0: a mount namespace needs no user one */
	char *tmpdir; /* the per-sandbox TMPDIR without namespaces */
	struct corral_profile_acc profile;
	struct corral_net net;
	bool allow_ptrace;
	struct corral_blocked *blocked;
	size_t n_blocked;
	struct corral_words block_names; /* as named, for reports */
	struct corral_words
		remove_env; /* removed on top of the built-in lists */
	struct corral_words keep_env;
	struct corral_words set_env;
	struct corral_words sockets; /* named UNIX sockets left reachable */
	struct corral_words daemons; /* daemon sockets the view hides */
	int *socket_fds; /* the allowed sockets, while masking */
	unsigned long long limits[CORRAL_N_LIMITS]; /* 0: not limited */
	long timeout_ms;
	const struct sock_filter *filter; /* one of corral_filters */
	size_t filter_len; /* in struct sock_filter entries */
	struct corral_words env_names; /* set at confinement, with ... */
	struct corral_words env_values; /* ... these values */
	char *notes[CORRAL_MAX_NOTES];
	size_t n_notes;
	int verbosity;
	bool dry_run; /* build only: make nothing on disk */
};

/* error.c */
int corral_fail(struct corral_error *err, int code, const char *hint,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void corral_note(struct corral_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* paths.c: pure path handling */
int corral_path_expand(const char *written, const char *home,
		       const char *workdir, char **out,
		       struct corral_error *err);
char *corral_path_normalize(const char *absolute);
char *corral_path_resolve(const char *absolute, bool *exists);
void corral_path_cache_reset(void);
/* After the plan build made a directory: what was missing may be there. */
void corral_path_cache_made(void);
/*
 * plan.c: a grant of the policy's own that exists (not the fresh /tmp the
 * view makes); what every such grant around path allows, as Landlock adds
 * them up; whether the plan has a private /tmp still.
 */
bool corral_policy_grant(const struct corral_rule *r);
unsigned corral_plan_granted(const struct corral_plan *plan, const char *path);
bool corral_plan_private_tmp(const struct corral_plan *plan);

/* Whether this plan build has already found path to be a directory. */
bool corral_path_known_dir(const char *path);
bool corral_path_within(const char *path, const char *dir);
const char *corral_path_tilde(const char *path, const char *home, char *buf,
			      size_t len);

/* plan.c */
int corral_words_add(struct corral_words *w, const char *word);
int corral_words_copy(struct corral_words *to, const struct corral_words *from);
void corral_words_free(struct corral_words *w);
bool corral_words_has(const struct corral_words *w, const char *word);

/* profile.c */
int corral_profiles_load(struct corral_plan *plan,
			 const struct corral_words *names,
			 struct corral_error *err);
int corral_profiles_load_project(struct corral_plan *plan,
				 const struct corral_policy *policy,
				 struct corral_error *err);
int corral_user_profile_dir(const char *home, char *buf, size_t len);
int corral_profile_read(const char *path, char **text,
			struct corral_error *err);
int corral_plan_add(struct corral_plan *plan, enum corral_rule_kind kind,
		    unsigned access, const char *written, const char *origin,
		    struct corral_error *err);

/* abi.c */
int corral_landlock_abi(void);
int corral_landlock_kernel_abi(void);
uint64_t corral_landlock_handled_fs(int abi);
uint64_t corral_landlock_rights(unsigned access, bool is_dir, int abi);
bool corral_namespaces_disabled(void);

/* landlock.c */
int corral_landlock_apply(struct corral_plan *plan, bool siblings,
			  struct corral_error *err);

/* report.c */
int corral_plan_summary(const struct corral_plan *plan, char **text);

/* env.c */
bool corral_env_is_injection(const char *name);
int corral_env_check(const struct corral_words *keep,
		     const struct corral_words *set, struct corral_error *err);
int corral_env_scrub(const struct corral_plan *plan);

/* limits.c */
int corral_limits_parse(struct corral_plan *plan,
			const struct corral_words *specs,
			struct corral_error *err);
int corral_timeout_parse(struct corral_plan *plan, const char *text,
			 struct corral_error *err);
int corral_limits_apply(const struct corral_plan *plan,
			struct corral_error *err);
void corral_limits_describe(const struct corral_plan *plan, FILE *f);
void corral_limits_current(FILE *f);

/* blocklist.c */
int corral_blocklist_resolve(struct corral_plan *plan,
			     const struct corral_words *block,
			     const struct corral_words *allow,
			     struct corral_error *err);
int corral_blocklist_prepare(const struct corral_plan *plan, int *fd,
			     struct corral_error *err);
int corral_blocklist_enforce(int fd, struct corral_error *err);
void corral_blocklist_describe(const struct corral_plan *plan, FILE *f);

/*
 * seccomp_rules.c, run when corral is built: the filter variants, by the
 * switches they depend on (a variant is their bitwise or).
 */
struct sock_filter;
#define CORRAL_FILTER_PTRACE 1u /* ptrace allowed */
#define CORRAL_FILTER_UNIX 2u /* socket(AF_UNIX) allowed */
#define CORRAL_FILTER_NET_SHIFT 2 /* then an enum corral_filter_net */
#define CORRAL_FILTER_NET(variant) \
	((enum corral_filter_net)((variant) >> CORRAL_FILTER_NET_SHIFT))
enum corral_filter_net {
	CORRAL_FILTER_ON,
	CORRAL_FILTER_OFF,
	CORRAL_FILTER_PORTS, /* TCP only; listen() denied */
	CORRAL_FILTER_PORTS_BIND, /* TCP only; listen() allowed */
};
#define CORRAL_FILTER_VARIANTS 16
int corral_seccomp_build(unsigned variant, struct sock_filter **prog,
			 size_t *len);

/* The programs, as built (build/core/filters.c); len 0 if one failed. */
struct corral_filter {
	const struct sock_filter *prog;
	size_t len;
};
extern const struct corral_filter corral_filters[CORRAL_FILTER_VARIANTS];

/*
 * landlock.c: whether Landlock grants dir's entries one by one instead of
 * dir itself (a carve-out below it that no mount keeps), so that nothing
 * new can be made directly in it.
 */
bool corral_landlock_partly_granted(const struct corral_plan *plan,
				    const char *dir);

/* seccomp.c */
int corral_seccomp_select(struct corral_plan *plan, struct corral_error *err);
int corral_seccomp_load(const struct corral_plan *plan,
			struct corral_error *err);

/* view.c */
int corral_daemon_paths(struct corral_plan *plan);
int corral_drop_root_capabilities(struct corral_error *err);
int corral_write_file(const char *path, const char *text);
int corral_view_apply(struct corral_plan *plan, struct corral_error *err);

/* embedded profiles (generated at build time from profiles/) */
struct corral_embedded {
	const char *name;
	const char *text;
};
extern const struct corral_embedded corral_builtin_profiles[];
extern const struct corral_embedded corral_shell_hooks[];

/* json.c: positions of JSON values, for FILE:LINE:COLUMN messages */
struct cJSON;
struct corral_json_map {
	const char *text;
	const struct cJSON *root;
	size_t *value_at; /* offset of each value, in document order */
	size_t *key_at; /* offset of its key, for object members */
	size_t n, cap;
};
int corral_json_map_build(struct corral_json_map *map, const char *text,
			  const struct cJSON *root);
void corral_json_map_free(struct corral_json_map *map);
void corral_json_line_column(const char *text, size_t at, int *line,
			     int *column);
void corral_json_where(const struct corral_json_map *map,
		       const struct cJSON *node, bool key, int *line,
		       int *column);

#endif /* CORRAL_INTERNAL_H */
