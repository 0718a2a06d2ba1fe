/* SPDX-License-Identifier: MIT */
/*
 * phases: where the time of `corral run` goes, step by step, measured
 * inside one process linked with the core.
 *
 *   phases [-n RUNS] [-c CORRAL] run [OPTIONS] -- COMMAND
 *
 * Each run parses the options and builds the plan in this process, then
 * calls corral_confine in a forked child, which then exits; the parent
 * notes how long the exit took to be reaped.  Two more children give the
 * reaping time of a plain process and of one that only entered a mount
 * namespace.  The steps of the confinement (view, seccomp filter choice,
 * Landlock, seccomp load) and the libc calls the plan makes are counted
 * and timed through the linker's --wrap, so the core runs unchanged.  With -c,
 * every run also times, from spawn to reaped, the bare COMMAND, `CORRAL
 * --version` and the whole `CORRAL run [OPTIONS] -- COMMAND`, so that the steps
 * can be set against the whole in the same runs.
 *
 * Output, tab-separated: phase, median, p25, p75 (ms), and the calls per
 * run (for the Landlock step, the rules of the plan).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

enum {
	P_PARSE,
	P_PLAN,
	P_REALPATH,
	P_STAT,
	P_GLOB,
	P_PLAN_OTHER,
	P_CONFINE,
	P_VIEW,
	P_MOUNT,
	P_COMPILE,
	P_LANDLOCK,
	P_LOAD,
	P_BLOCKLIST,
	P_CONFINE_OTHER,
	P_REAP,
	P_REAP_PLAIN,
	P_REAP_NS,
	P_WHOLE_BARE,
	P_WHOLE_VERSION,
	P_WHOLE_RUN,
	N_PHASES,
};

static const char *const names[N_PHASES] = {
    [P_PARSE] = "options parse",
    [P_PLAN] = "plan build (total)",
    [P_REALPATH] = "  realpath()",
    [P_STAT] = "  stat()",
    [P_GLOB] = "  glob()",
    [P_PLAN_OTHER] = "  the rest (profiles, matching, environment)",
    [P_CONFINE] = "confine (total)",
    [P_VIEW] = "  view: mount namespace and mounts",
    [P_MOUNT] = "    mount()",
    [P_COMPILE] = "  seccomp filter chosen (built with corral)",
    [P_LANDLOCK] = "  Landlock ruleset (open, add_rule, restrict)",
    [P_LOAD] = "  seccomp load",
    [P_BLOCKLIST] = "  blocked commands' execute-only layer (without a view)",
    [P_CONFINE_OTHER] =
	"  the rest (descriptors, environment, limits, capabilities)",
    [P_REAP] = "exit to reaped, confined child",
    [P_REAP_PLAIN] = "exit to reaped, plain child",
    [P_REAP_NS] = "exit to reaped, child in an empty mount namespace",
    [P_WHOLE_BARE] = "whole: the bare command, spawn to reaped",
    [P_WHOLE_VERSION] = "whole: corral --version, spawn to reaped",
    [P_WHOLE_RUN] = "whole: corral run, spawn to reaped",
};

extern char **environ;
static const char *corral_bin;

/* What the wrapped libc calls cost during one plan or one view. */
struct tally {
	double ns[N_PHASES];
	long calls[N_PHASES];
};

static struct tally tally;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define WRAPPED(phase, call)                                                   \
	do {                                                                   \
		double start = now_ns();                                       \
		call;                                                          \
		tally.ns[phase] += now_ns() - start;                           \
		tally.calls[phase]++;                                          \
	} while (0)

char *__real_realpath(const char *path, char *resolved);
char *__wrap_realpath(const char *path, char *resolved);
int __real_stat(const char *path, struct stat *st);
int __wrap_stat(const char *path, struct stat *st);
int __real_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g);
int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g);
int __real_mount(const char *src, const char *dst, const char *type,
		 unsigned long flags, const void *data);
int __wrap_mount(const char *src, const char *dst, const char *type,
		 unsigned long flags, const void *data);
int __real_corral_view_apply(struct corral_plan *plan,
			     struct corral_error *err);
int __wrap_corral_view_apply(struct corral_plan *plan,
			     struct corral_error *err);
int __real_corral_seccomp_select(struct corral_plan *plan,
				  struct corral_error *err);
int __wrap_corral_seccomp_select(struct corral_plan *plan,
				  struct corral_error *err);
int __real_corral_landlock_apply(struct corral_plan *plan, bool siblings,
				 struct corral_error *err);
int __wrap_corral_landlock_apply(struct corral_plan *plan, bool siblings,
				 struct corral_error *err);
int __real_corral_seccomp_load(const struct corral_plan *plan,
			       struct corral_error *err);
int __wrap_corral_seccomp_load(const struct corral_plan *plan,
			       struct corral_error *err);
int __real_corral_blocklist_prepare(const struct corral_plan *plan, int *fd,
				    struct corral_error *err);
int __wrap_corral_blocklist_prepare(const struct corral_plan *plan, int *fd,
				    struct corral_error *err);
int __real_corral_blocklist_enforce(int fd, struct corral_error *err);
int __wrap_corral_blocklist_enforce(int fd, struct corral_error *err);

char *__wrap_realpath(const char *path, char *resolved)
{
	char *ret;

	WRAPPED(P_REALPATH, ret = __real_realpath(path, resolved));
	return ret;
}

int __wrap_stat(const char *path, struct stat *st)
{
	int ret;

	WRAPPED(P_STAT, ret = __real_stat(path, st));
	return ret;
}

int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g)
{
	int ret;

	WRAPPED(P_GLOB, ret = __real_glob(pattern, flags, errfunc, g));
	return ret;
}

int __wrap_mount(const char *src, const char *dst, const char *type,
		 unsigned long flags, const void *data)
{
	int ret;

	WRAPPED(P_MOUNT, ret = __real_mount(src, dst, type, flags, data));
	return ret;
}

int __wrap_corral_view_apply(struct corral_plan *plan, struct corral_error *err)
{
	int ret;

	WRAPPED(P_VIEW, ret = __real_corral_view_apply(plan, err));
	return ret;
}

int __wrap_corral_seccomp_select(struct corral_plan *plan,
				  struct corral_error *err)
{
	int ret;

	WRAPPED(P_COMPILE, ret = __real_corral_seccomp_select(plan, err));
	return ret;
}

int __wrap_corral_landlock_apply(struct corral_plan *plan, bool siblings,
				 struct corral_error *err)
{
	int ret;

	WRAPPED(P_LANDLOCK,
		ret = __real_corral_landlock_apply(plan, siblings, err));
	return ret;
}

int __wrap_corral_seccomp_load(const struct corral_plan *plan,
			       struct corral_error *err)
{
	int ret;

	WRAPPED(P_LOAD, ret = __real_corral_seccomp_load(plan, err));
	return ret;
}

int __wrap_corral_blocklist_prepare(const struct corral_plan *plan, int *fd,
				    struct corral_error *err)
{
	int ret;

	WRAPPED(P_BLOCKLIST,
		ret = __real_corral_blocklist_prepare(plan, fd, err));
	return ret;
}

int __wrap_corral_blocklist_enforce(int fd, struct corral_error *err)
{
	int ret;

	WRAPPED(P_BLOCKLIST, ret = __real_corral_blocklist_enforce(fd, err));
	return ret;
}

/* One run's figures, in ns, and how many calls each phase made. */
struct sample {
	double ns[N_PHASES];
	long calls[N_PHASES];
};

/* What a child reports through the pipe: when it was done, and the tally. */
struct child_report {
	double start, done;
	struct tally tally;
	int failed;
};

static int fail(const char *what, const struct corral_error *err)
{
	fprintf(stderr, "phases: %s: %s\n", what, err->message);
	return 1;
}

/* The whole of corral_confine; the wraps time its steps. */
static void confine_child(struct corral_plan *plan, int out)
{
	struct corral_error err = {0};
	struct child_report r = {0};
	int ret;

	memset(&tally, 0, sizeof(tally));
	r.start = now_ns();
	ret = corral_confine(plan, &err);
	r.done = now_ns();
	r.tally = tally;
	r.failed = ret != 0;
	if (ret)
		fprintf(stderr, "phases: confine: %s\n", err.message);
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	_exit(0);
}

/* Fork, let the child run body, and return when it was reaped (ns). */
static int child(void (*body)(struct corral_plan *, int),
		 struct corral_plan *plan, struct child_report *r,
		 double *reaped)
{
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		body(plan, fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], r, sizeof(*r)) != sizeof(*r))
		r->failed = 1;
	close(fds[0]);
	waitpid(pid, &status, 0);
	*reaped = now_ns();
	return r->failed || !WIFEXITED(status) || WEXITSTATUS(status) ? -1 : 0;
}

static void plain_child(struct corral_plan *plan, int out)
{
	struct child_report r = {0};

	(void)plan;
	r.done = now_ns();
	_exit(write(out, &r, sizeof(r)) != sizeof(r));
}

static void namespace_child(struct corral_plan *plan, int out)
{
	struct child_report r = {0};

	(void)plan;
	r.failed = unshare(CLONE_NEWNS) ||
		   __real_mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
	r.done = now_ns();
	_exit(write(out, &r, sizeof(r)) != sizeof(r));
}

/* Wall time of one command from spawn to reaped, output discarded. */
static double spawn_wait(char **argv)
{
	posix_spawn_file_actions_t fa;
	double start = now_ns();
	int status = -1;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (!posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ))
		waitpid(pid, &status, 0);
	posix_spawn_file_actions_destroy(&fa);
	if (status) {
		fprintf(stderr, "phases: '%s' failed\n", argv[0]);
		exit(1);
	}
	return now_ns() - start;
}

/* The bare command, corral --version and the whole corral run. */
static void time_whole(int argc, char **argv, struct sample *s)
{
	char *version[] = {(char *)corral_bin, "--version", NULL};
	char **run = calloc(argc + 2, sizeof(char *));
	int i, dashes = argc;

	if (!run)
		exit(1);
	run[0] = (char *)corral_bin;
	for (i = 0; i < argc; i++) {
		run[i + 1] = argv[i];
		if (dashes == argc && !strcmp(argv[i], "--"))
			dashes = i;
	}
	s->ns[P_WHOLE_BARE] = spawn_wait(argv + dashes + 1);
	s->ns[P_WHOLE_VERSION] = spawn_wait(version);
	s->ns[P_WHOLE_RUN] = spawn_wait(run);
	free(run);
}

static int one_run(int argc, char **argv, struct sample *s)
{
	struct corral_error err = {0};
	struct corral_options opts;
	struct corral_plan *plan = NULL;
	struct child_report r = {0};
	double t0, t1, t2, reaped;
	int i;

	t0 = now_ns();
	if (corral_options_parse(&opts, argc, argv, &err))
		return fail("options", &err);
	t1 = now_ns();
	memset(&tally, 0, sizeof(tally));
	if (corral_plan_build(&plan, &opts, &err)) {
		corral_options_free(&opts);
		return fail("plan", &err);
	}
	t2 = now_ns();
	for (i = P_REALPATH; i <= P_GLOB; i++) {
		s->ns[i] = tally.ns[i];
		s->calls[i] = tally.calls[i];
	}
	s->ns[P_PARSE] = t1 - t0;
	s->ns[P_PLAN] = t2 - t1;
	s->ns[P_PLAN_OTHER] = s->ns[P_PLAN] - tally.ns[P_REALPATH] -
			      tally.ns[P_STAT] - tally.ns[P_GLOB];
	s->calls[P_LANDLOCK] = (long)plan->n_rules;

	if (child(confine_child, plan, &r, &reaped))
		return 1;
	for (i = P_VIEW; i <= P_BLOCKLIST; i++) {
		s->ns[i] = r.tally.ns[i];
		s->calls[i] = i == P_MOUNT ? r.tally.calls[i] : s->calls[i];
	}
	s->ns[P_CONFINE] = r.done - r.start;
	s->ns[P_CONFINE_OTHER] = s->ns[P_CONFINE] - s->ns[P_VIEW] -
				 s->ns[P_COMPILE] - s->ns[P_LANDLOCK] -
				 s->ns[P_LOAD] - s->ns[P_BLOCKLIST];
	s->ns[P_REAP] = reaped - r.done;

	if (child(plain_child, plan, &r, &reaped))
		return 1;
	s->ns[P_REAP_PLAIN] = reaped - r.done;
	if (child(namespace_child, plan, &r, &reaped))
		return 1;
	s->ns[P_REAP_NS] = reaped - r.done;

	corral_plan_free(plan);
	corral_options_free(&opts);
	if (corral_bin)
		time_whole(argc, argv, s);
	return 0;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double quantile(double *v, size_t n, double q)
{
	double pos = q * (n - 1);
	size_t lo = (size_t)pos;

	qsort(v, n, sizeof(*v), compare);
	return lo + 1 < n ? v[lo] + (pos - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

static void report(struct sample *s, size_t n)
{
	double *v = calloc(n, sizeof(double));
	size_t i, k;

	if (!v)
		return;
	for (k = 0; k < N_PHASES; k++) {
		for (i = 0; i < n; i++)
			v[i] = s[i].ns[k] / 1e6;
		printf("%s\t%.4f\t%.4f\t%.4f\t%ld\n", names[k],
		       quantile(v, n, 0.5), quantile(v, n, 0.25),
		       quantile(v, n, 0.75), s[0].calls[k]);
	}
	free(v);
}

int main(int argc, char **argv)
{
	struct sample *samples;
	size_t runs = 50, i;

	while (argc > 2 && (!strcmp(argv[1], "-n") || !strcmp(argv[1], "-c"))) {
		if (!strcmp(argv[1], "-n"))
			runs = strtoul(argv[2], NULL, 10);
		else
			corral_bin = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || !runs || strcmp(argv[1], "run")) {
		fputs("usage: phases [-n RUNS] [-c CORRAL] run [OPTIONS] -- "
		      "COMMAND\n",
		      stderr);
		return 2;
	}
	samples = calloc(runs, sizeof(*samples));
	if (!samples)
		return 1;
	/* one run first, so that caches are warm as they are for corral */
	if (one_run(argc - 1, argv + 1, &samples[0]))
		return 1;
	for (i = 0; i < runs; i++)
		if (one_run(argc - 1, argv + 1, &samples[i]))
			return 1;
	report(samples, runs);
	free(samples);
	return 0;
}
