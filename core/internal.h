/* SPDX-License-Identifier: MIT */
/* Declarations shared by the core's own files; never seen by a front. */
#ifndef CORRAL_INTERNAL_H
#define CORRAL_INTERNAL_H

#include <stdint.h>

#include "corral.h"

#define CORRAL_MAX_NOTES 64

/* The origin of the grant on a fresh, private /tmp. */
#define ORIGIN_PRIVATE_TMP "private /tmp"

/* The Landlock ABI the kernel offers, capped for tests (see abi.c). */
#define CORRAL_ENV_MAX_ABI "CORRAL_TEST_MAX_ABI"
/* Any value pretends the kernel has no unprivileged user namespaces. */
#define CORRAL_ENV_NO_NAMESPACES "CORRAL_TEST_NO_NAMESPACES"
/* Set in every confined process: a one-line description of its policy. */
#define CORRAL_ENV_SANDBOX "CORRAL_SANDBOX"

/* How a deny or protect inside a grant is enforced. */
enum corral_carve {
	CARVE_NONE,     /* not inside any grant: Landlock alone */
	CARVE_MOUNT,    /* masked or bound read-only in the mount namespace */
	CARVE_SIBLINGS, /* the parent is not granted, its other entries are */
};

struct corral_rule {
	enum corral_rule_kind kind;
	unsigned access;  /* for grants */
	char *written;    /* as written, for messages */
	char *path;       /* absolute and canonical */
	const char *origin;
	bool exists;
	bool is_dir;
	bool lifted;      /* a deny lifted by a grant of the same path */
	int inside;       /* index of the grant around a deny/protect, or -1 */
};

struct corral_plan {
	struct corral_rule *rules;
	size_t n_rules;
	char *home;
	char *workdir; /* NULL with --no-cwd */
	int abi;
	bool namespaces;   /* planned; confine may fall back */
	bool root;         /* euid 0: a mount namespace needs no user one */
	char *tmpdir;      /* the per-sandbox TMPDIR without namespaces */
	char *env_set[2][2]; /* TMPDIR and CORRAL_SANDBOX: name, value */
	size_t n_env_set;
	char *notes[CORRAL_MAX_NOTES];
	size_t n_notes;
	int verbosity;
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
bool corral_path_within(const char *path, const char *dir);
const char *corral_path_tilde(const char *path, const char *home,
			      char *buf, size_t len);

/* profile.c */
int corral_profile_load_default(struct corral_plan *plan,
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

/* view.c */
int corral_view_apply(struct corral_plan *plan, struct corral_error *err);

/* embedded profiles (generated at build time) */
extern const char corral_profile_default_json[];

#endif /* CORRAL_INTERNAL_H */
