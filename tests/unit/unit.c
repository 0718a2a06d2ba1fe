/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the pure core: path expansion, normalization, resolution
 * and containment, and the shared option parser.  Nothing here confines
 * the process, so the tests run in one process and print TAP.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define HOME "/home/user"
#define WORKDIR "/work/project"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int tests_run;
static int tests_failed;

/* One TAP line per test; on failure, "# " lines say what differed. */
static bool report(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", tests_run, name);
	if (ok)
		return true;

	tests_failed++;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return false;
}

static bool same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static const char *show(const char *s)
{
	return s ? s : "(null)";
}

/* corral_path_expand ------------------------------------------------- */

struct expand_case {
	const char *name;
	const char *written;
	const char *workdir;
	const char *want;
};

static const struct expand_case expand_cases[] = {
	{ "~ alone is the home directory", "~", WORKDIR, HOME },
	{ "~/ is the home directory", "~/", WORKDIR, HOME },
	{ "~/x is under the home directory", "~/x", WORKDIR, HOME "/x" },
	{ "$HOME is the home directory", "$HOME", WORKDIR, HOME },
	{ "$HOME/x is under the home directory", "$HOME/x", WORKDIR,
	  HOME "/x" },
	{ "${HOME}/x expands like $HOME/x", "${HOME}/x", WORKDIR, HOME "/x" },
	{ "$WORKDIR is the working directory", "$WORKDIR", WORKDIR, WORKDIR },
	{ "${WORKDIR}/.git/hooks is under the working directory",
	  "${WORKDIR}/.git/hooks", WORKDIR, WORKDIR "/.git/hooks" },
	{ "a relative path is taken from the working directory", "src/a.c",
	  WORKDIR, WORKDIR "/src/a.c" },
	{ "./ and .. are left for resolution", "./a/../b", WORKDIR,
	  WORKDIR "/./a/../b" },
	{ "an absolute path is kept as written", "/etc/./x//y", WORKDIR,
	  "/etc/./x//y" },
	{ "a $ inside an absolute path is not a placeholder", "/a/$HOME",
	  WORKDIR, "/a/$HOME" },
	{ "an absolute path needs no working directory", "/etc", NULL,
	  "/etc" },
};

static void test_expand_table(void)
{
	struct corral_error err = { 0 };
	const struct expand_case *c;
	char *out;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(expand_cases); i++) {
		c = &expand_cases[i];
		out = NULL;
		ret = corral_path_expand(c->written, HOME, c->workdir, &out,
					 &err);
		report(ret == 0 && same(out, c->want), c->name,
		       "'%s': got %d '%s', want '%s'", c->written, ret,
		       ret ? err.message : show(out), c->want);
		free(out);
	}
}

/* Expand with a given home; the result or the error message. */
static int expand(const char *written, const char *home, const char *workdir,
		  char **out, struct corral_error *err)
{
	memset(err, 0, sizeof(*err));
	*out = NULL;
	return corral_path_expand(written, home, workdir, out, err);
}

static void test_expand_home_slash(void)
{
	struct corral_error err;
	char *out;
	int ret;

	ret = expand("~/x", "/", WORKDIR, &out, &err);
	report(ret == 0 && same(out, "/x"),
	       "a home of / gives ~/x as /x, not //x", "got %d '%s'", ret,
	       show(out));
	free(out);

	ret = expand("~/x", HOME "/", WORKDIR, &out, &err);
	report(ret == 0 && same(out, HOME "/x"),
	       "a home with a trailing slash gives no double slash",
	       "got %d '%s'", ret, show(out));
	free(out);
}

static void test_expand_xdg(void)
{
	struct corral_error err;
	char *saved = getenv("XDG_CONFIG_HOME");
	char *out;
	int ret;

	saved = saved ? strdup(saved) : NULL;

	unsetenv("XDG_CONFIG_HOME");
	ret = expand("$XDG_CONFIG_HOME/git", HOME, WORKDIR, &out, &err);
	report(ret == 0 && same(out, HOME "/.config/git"),
	       "$XDG_CONFIG_HOME defaults to ~/.config when unset",
	       "got %d '%s'", ret, show(out));
	free(out);

	setenv("XDG_CONFIG_HOME", "/elsewhere/conf", 1);
	ret = expand("$XDG_CONFIG_HOME/git", HOME, WORKDIR, &out, &err);
	report(ret == 0 && same(out, "/elsewhere/conf/git"),
	       "$XDG_CONFIG_HOME follows the environment when set",
	       "got %d '%s'", ret, show(out));
	free(out);

	/* The XDG specification says to ignore a relative value. */
	setenv("XDG_CONFIG_HOME", "relative/conf", 1);
	ret = expand("${XDG_CONFIG_HOME}/git", HOME, WORKDIR, &out, &err);
	report(ret == 0 && same(out, HOME "/.config/git"),
	       "a relative $XDG_CONFIG_HOME is ignored for the default",
	       "got %d '%s'", ret, show(out));
	free(out);

	if (saved)
		setenv("XDG_CONFIG_HOME", saved, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	free(saved);
}

static void test_expand_relative_without_workdir(void)
{
	struct corral_error err;
	char cwd[PATH_MAX], want[PATH_MAX + 8];
	char *out;
	int ret;

	if (!getcwd(cwd, sizeof(cwd))) {
		report(false, "a relative path without a working directory "
			      "is taken from the current one",
		       "getcwd: %s", strerror(errno));
		return;
	}
	snprintf(want, sizeof(want), "%s/a", strcmp(cwd, "/") ? cwd : "");
	ret = expand("a", HOME, NULL, &out, &err);
	report(ret == 0 && same(out, want),
	       "a relative path without a working directory is taken from "
	       "the current one",
	       "got %d '%s', want '%s'", ret, show(out), want);
	free(out);
}

struct expand_error_case {
	const char *name;
	const char *written;
	const char *workdir;
	const char *message; /* a part the message must contain */
};

static const struct expand_error_case expand_errors[] = {
	{ "an empty path is an error", "", WORKDIR, "empty path" },
	{ "an unknown placeholder is an error", "$NOPE/x", WORKDIR,
	  "unknown placeholder in '$NOPE/x'" },
	{ "a placeholder differing in case is unknown", "$home/x", WORKDIR,
	  "unknown placeholder" },
	{ "a longer name starting with HOME is unknown", "$HOME_DIR/x",
	  WORKDIR, "unknown placeholder" },
	{ "~user is an error, not another user's home", "~root/x", WORKDIR,
	  "only ~ and ~/ expand" },
	{ "a placeholder glued to a name is an error", "$HOMEdir", WORKDIR,
	  "must be followed by '/'" },
	{ "an unterminated ${ is an error", "${HOME/x", WORKDIR,
	  "unterminated placeholder" },
	{ "$WORKDIR without a working directory is an error", "$WORKDIR/x",
	  NULL, "'$WORKDIR/x'" },
};

static void test_expand_errors(void)
{
	const struct expand_error_case *c;
	struct corral_error err;
	char *out;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(expand_errors); i++) {
		c = &expand_errors[i];
		ret = expand(c->written, HOME, c->workdir, &out, &err);
		report(ret == -EINVAL && err.code == -EINVAL &&
			       strstr(err.message, c->message),
		       c->name, "'%s': got %d '%s' (message '%s')",
		       c->written, ret, show(ret ? NULL : out), err.message);
		if (!ret)
			free(out);
	}

	ret = expand(NULL, HOME, WORKDIR, &out, &err);
	report(ret == -EINVAL, "a NULL path is an error, not a crash",
	       "got %d", ret);

	ret = expand("$NOPE/x", HOME, WORKDIR, &out, &err);
	report(strstr(err.hint, "$XDG_CONFIG_HOME") != NULL,
	       "an unknown placeholder hints at the known ones",
	       "hint '%s'", err.hint);

	ret = expand("~root/x", HOME, WORKDIR, &out, &err);
	report(strstr(err.hint, "~/") != NULL,
	       "~user hints at writing ~/ instead", "hint '%s'", err.hint);
}

/* corral_path_normalize ---------------------------------------------- */

static const struct {
	const char *name;
	const char *in;
	const char *want;
} normalize_cases[] = {
	{ "/ stays /", "/", "/" },
	{ "repeated slashes collapse", "//a///b", "/a/b" },
	{ "/./ is dropped", "/a/./b/.", "/a/b" },
	{ "/../ removes the component before it", "/a/b/../c", "/a/c" },
	{ "a trailing slash is dropped", "/a/b/", "/a/b" },
	{ "/.. stays at the root", "/..", "/" },
	{ ".. cannot climb above the root", "/a/../../b", "/b" },
	{ "a/.. at the top gives /", "/a/..", "/" },
	{ "names made of dots are kept", "/a/.../..b/b..", "/a/.../..b/b.." },
};

static void test_normalize(void)
{
	size_t i;
	char *out;

	for (i = 0; i < ARRAY_SIZE(normalize_cases); i++) {
		out = corral_path_normalize(normalize_cases[i].in);
		report(same(out, normalize_cases[i].want),
		       normalize_cases[i].name, "'%s': got '%s', want '%s'",
		       normalize_cases[i].in, show(out),
		       normalize_cases[i].want);
		free(out);
	}
}

/* corral_path_resolve ------------------------------------------------ */

/*
 * A scratch tree:  real/file, real/sub/, link -> real.  The base is
 * itself canonicalized, since the temporary directory may be a symlink.
 */
static char *make_tree(void)
{
	char tmpl[] = "/tmp/corral-unit.XXXXXX";
	char path[PATH_MAX];
	FILE *f;

	if (!mkdtemp(tmpl))
		return NULL;
	snprintf(path, sizeof(path), "%s/real", tmpl);
	if (mkdir(path, 0700))
		return NULL;
	snprintf(path, sizeof(path), "%s/real/sub", tmpl);
	if (mkdir(path, 0700))
		return NULL;
	snprintf(path, sizeof(path), "%s/real/file", tmpl);
	f = fopen(path, "w");
	if (!f || fclose(f))
		return NULL;
	snprintf(path, sizeof(path), "%s/link", tmpl);
	if (symlink("real", path))
		return NULL;
	return realpath(tmpl, NULL);
}

static void remove_tree(const char *base)
{
	const char *parts[] = { "link", "real/file", "real/sub", "real" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		snprintf(path, sizeof(path), "%s/%s", base, parts[i]);
		remove(path);
	}
	remove(base);
}

static void expect_resolve(const char *base, const char *name,
			   const char *in, const char *want, bool want_exists)
{
	char path[PATH_MAX], expected[PATH_MAX];
	bool exists = !want_exists;
	char *out;

	snprintf(path, sizeof(path), "%s%s", base, in);
	snprintf(expected, sizeof(expected), "%s%s", base, want);
	out = corral_path_resolve(path, &exists);
	report(same(out, expected) && exists == want_exists, name,
	       "'%s': got '%s' exists=%d, want '%s' exists=%d", path,
	       show(out), exists, expected, want_exists);
	free(out);
}

/*
 * Within one plan build a missing path is remembered as missing; a
 * directory the build makes itself must be seen once it says so.
 */
static void test_resolve_cache(const char *base)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/real/made", base);
	expect_resolve(base, "a path not made yet is missing", "/real/made",
		       "/real/made", false);
	if (mkdir(path, 0700)) {
		report(false, "a directory can be made in the scratch tree",
		       "%s", strerror(errno));
		return;
	}
	expect_resolve(base, "within a build, a missing path stays missing",
		       "/real/made", "/real/made", false);
	corral_path_cache_made();
	expect_resolve(base, "once the build says it made it, it exists",
		       "/real/made", "/real/made", true);
	expect_resolve(base, "and so does what is made inside it later",
		       "/real/made/..", "/real", true);
	rmdir(path);
	corral_path_cache_reset();
}

static void test_resolve(void)
{
	char *base = make_tree();
	bool exists = false;
	char *out;

	if (!base) {
		report(false, "a scratch tree for resolution can be made",
		       "%s", strerror(errno));
		return;
	}

	expect_resolve(base, "an existing path is resolved through a symlink",
		       "/link/file", "/real/file", true);
	expect_resolve(base, "a symlinked directory resolves to its target",
		       "/link", "/real", true);
	expect_resolve(base, "a missing tail is kept under the resolved part",
		       "/link/missing/tail", "/real/missing/tail", false);
	expect_resolve(base, ".. through a real directory is resolved",
		       "/real/sub/../file", "/real/file", true);
	expect_resolve(base, ".. through a real directory, then a missing tail",
		       "/real/sub/../missing", "/real/missing", false);
	expect_resolve(base, "a trailing slash on a missing path is dropped",
		       "/real/missing/", "/real/missing", false);
	expect_resolve(base, "missing/.. names what follows, which exists",
		       "/real/missing/../file", "/real/file", true);
	expect_resolve(base, "missing/.. through a symlink, then the target",
		       "/link/missing/../sub", "/real/sub", true);
	test_resolve_cache(base);

	out = corral_path_resolve("/", &exists);
	report(same(out, "/") && exists, "/ resolves to itself and exists",
	       "got '%s' exists=%d", show(out), exists);
	free(out);

	out = corral_path_resolve("/corral-no-such-dir/a", &exists);
	report(same(out, "/corral-no-such-dir/a") && !exists,
	       "a path missing from the root down stays as written",
	       "got '%s' exists=%d", show(out), exists);
	free(out);

	remove_tree(base);
	free(base);
}

/* corral_path_within and corral_path_tilde --------------------------- */

static const struct {
	const char *name;
	const char *path;
	const char *dir;
	bool want;
} within_cases[] = {
	{ "everything is within /", "/a/b", "/", true },
	{ "/ is within /", "/", "/", true },
	{ "a directory is within itself", "/a/b", "/a/b", true },
	{ "a child is within its parent", "/a/b/c", "/a/b", true },
	{ "a name sharing a prefix is not within", "/a/bc", "/a/b", false },
	{ "a parent is not within its child", "/a", "/a/b", false },
	{ "a sibling is not within", "/a/c", "/a/b", false },
};

static void test_within(void)
{
	size_t i;
	bool got;

	for (i = 0; i < ARRAY_SIZE(within_cases); i++) {
		got = corral_path_within(within_cases[i].path,
					 within_cases[i].dir);
		report(got == within_cases[i].want, within_cases[i].name,
		       "'%s' in '%s': got %d", within_cases[i].path,
		       within_cases[i].dir, got);
	}
}

static void test_tilde(void)
{
	char buf[PATH_MAX];
	const char *got;

	got = corral_path_tilde(HOME "/.ssh", HOME, buf, sizeof(buf));
	report(same(got, "~/.ssh"), "a path in the home is shown with ~",
	       "got '%s'", got);
	got = corral_path_tilde(HOME "x/a", HOME, buf, sizeof(buf));
	report(same(got, HOME "x/a"),
	       "a path sharing the home's prefix is shown in full", "got '%s'",
	       got);
	got = corral_path_tilde("/etc", "/", buf, sizeof(buf));
	report(same(got, "/etc"), "a home of / does not turn every path into ~",
	       "got '%s'", got);
}

/* corral_options_parse ----------------------------------------------- */

/*
 * Parse a NULL-terminated argument list; argv[0] is the subcommand.  The
 * words are copied, so the tables stay constant whatever getopt does.
 */
static int parse(struct corral_options *o, struct corral_error *err,
		 char *const *words)
{
	static char *argv[16];
	int argc = 0;

	while (words[argc] && argc < (int)ARRAY_SIZE(argv) - 1) {
		argv[argc] = words[argc];
		argc++;
	}
	argv[argc] = NULL;
	memset(err, 0, sizeof(*err));
	return corral_options_parse(o, argc, argv, err);
}

static bool one_path(const struct corral_options *o,
		     enum corral_rule_kind kind, unsigned access,
		     const char *flag, const char *path)
{
	return o->n_paths == 1 && o->paths[0].kind == kind &&
	       o->paths[0].access == access && same(o->paths[0].flag, flag) &&
	       same(o->paths[0].path, path);
}

static const struct {
	const char *name;
	char *argv[4];
	enum corral_rule_kind kind;
	unsigned access;
	const char *flag;
} path_option_cases[] = {
	{ "-a grants read and write", { "run", "-a", "/p", NULL },
	  CORRAL_RULE_GRANT, CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE,
	  "--allow" },
	{ "--allow grants read and write", { "run", "--allow", "/p", NULL },
	  CORRAL_RULE_GRANT, CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE,
	  "--allow" },
	{ "--allow=PATH is the same as --allow PATH",
	  { "run", "--allow=/p", NULL }, CORRAL_RULE_GRANT,
	  CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE, "--allow" },
	{ "-aPATH is the same as -a PATH", { "run", "-a/p", NULL },
	  CORRAL_RULE_GRANT, CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE,
	  "--allow" },
	{ "-r grants read only", { "run", "-r", "/p", NULL },
	  CORRAL_RULE_GRANT, CORRAL_ACCESS_READ, "--read" },
	{ "--read grants read only", { "run", "--read", "/p", NULL },
	  CORRAL_RULE_GRANT, CORRAL_ACCESS_READ, "--read" },
	{ "-w grants write only", { "run", "-w", "/p", NULL },
	  CORRAL_RULE_GRANT, CORRAL_ACCESS_WRITE, "--write" },
	{ "--write grants write only", { "run", "--write", "/p", NULL },
	  CORRAL_RULE_GRANT, CORRAL_ACCESS_WRITE, "--write" },
	{ "--deny adds a deny rule", { "run", "--deny", "/p", NULL },
	  CORRAL_RULE_DENY, 0, "--deny" },
	{ "--protect adds a protect rule", { "run", "--protect", "/p", NULL },
	  CORRAL_RULE_PROTECT, 0, "--protect" },
};

static void test_options_paths(void)
{
	struct corral_options o;
	struct corral_error err;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(path_option_cases); i++) {
		ret = parse(&o, &err, path_option_cases[i].argv);
		report(ret == 0 &&
			       one_path(&o, path_option_cases[i].kind,
					path_option_cases[i].access,
					path_option_cases[i].flag, "/p") &&
			       o.argc == 0,
		       path_option_cases[i].name,
		       "got %d '%s', %zu paths, %d words left", ret,
		       err.message, o.n_paths, o.argc);
		if (!ret)
			corral_options_free(&o);
	}
}

static void test_options_order(void)
{
	char *argv[] = { "run", "--deny", "/d", "-r", "/r", "--protect",
			 "/p", "echo", NULL };
	struct corral_options o;
	struct corral_error err;
	int ret;

	ret = parse(&o, &err, argv);
	report(ret == 0 && o.n_paths == 3 && same(o.paths[0].path, "/d") &&
		       same(o.paths[1].path, "/r") &&
		       same(o.paths[2].path, "/p") && o.argc == 1 &&
		       same(o.argv[0], "echo"),
	       "path options are kept in the order given", "got %d, %zu paths",
	       ret, o.n_paths);
	if (!ret)
		corral_options_free(&o);
}

static void test_options_flags(void)
{
	char *no_cwd[] = { "run", "--no-cwd", NULL };
	char *dry_short[] = { "run", "-n", NULL };
	char *dry_long[] = { "run", "--dry-run", NULL };
	char *force_short[] = { "shell", "-f", NULL };
	char *force_long[] = { "shell", "--force", NULL };
	char *none[] = { "run", NULL };
	struct corral_options o;
	struct corral_error err;
	int ret;

	ret = parse(&o, &err, none);
	report(ret == 0 && !o.no_cwd && !o.dry_run && !o.force &&
		       o.verbosity == 0 &&
		       o.n_paths == 0 && o.argc == 0,
	       "no options leave every setting at its default", "got %d", ret);
	corral_options_free(&o);

	ret = parse(&o, &err, no_cwd);
	report(ret == 0 && o.no_cwd, "--no-cwd drops the working directory",
	       "got %d no_cwd=%d", ret, o.no_cwd);
	corral_options_free(&o);

	ret = parse(&o, &err, dry_short);
	report(ret == 0 && o.dry_run, "-n asks for a dry run",
	       "got %d dry_run=%d", ret, o.dry_run);
	corral_options_free(&o);

	ret = parse(&o, &err, dry_long);
	report(ret == 0 && o.dry_run, "--dry-run asks for a dry run",
	       "got %d dry_run=%d", ret, o.dry_run);
	corral_options_free(&o);

	ret = parse(&o, &err, force_short);
	report(ret == 0 && o.force, "-f forces confining the shell",
	       "got %d force=%d", ret, o.force);
	corral_options_free(&o);

	ret = parse(&o, &err, force_long);
	report(ret == 0 && o.force, "--force forces confining the shell",
	       "got %d force=%d", ret, o.force);
	corral_options_free(&o);
}

static const struct {
	const char *name;
	char *argv[4];
	int want;
} verbosity_cases[] = {
	{ "-v raises verbosity to 1", { "run", "-v", NULL }, 1 },
	{ "--verbose raises verbosity to 1", { "run", "--verbose", NULL }, 1 },
	{ "-v twice raises verbosity to 2", { "run", "-vv", NULL }, 2 },
	{ "-q makes corral quiet", { "run", "-q", NULL }, -1 },
	{ "--quiet makes corral quiet", { "run", "--quiet", NULL }, -1 },
	{ "-q after -v wins", { "run", "-v", "-q", NULL }, -1 },
	{ "-v after -q wins and starts from 1", { "run", "-q", "-v", NULL },
	  1 },
};

static void test_options_verbosity(void)
{
	struct corral_options o;
	struct corral_error err;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(verbosity_cases); i++) {
		ret = parse(&o, &err, verbosity_cases[i].argv);
		report(ret == 0 && o.verbosity == verbosity_cases[i].want,
		       verbosity_cases[i].name, "got %d verbosity=%d", ret,
		       o.verbosity);
		corral_options_free(&o);
	}
}

static void test_options_stop(void)
{
	char *dashes[] = { "run", "-n", "--", "-v", "x", NULL };
	char *command[] = { "run", "-r", "/r", "ls", "-a", "/etc", NULL };
	char *dash_command[] = { "run", "--", "--allow", NULL };
	struct corral_options o;
	struct corral_error err;
	int ret;

	ret = parse(&o, &err, dashes);
	report(ret == 0 && o.dry_run && o.verbosity == 0 && o.argc == 2 &&
		       same(o.argv[0], "-v") && same(o.argv[1], "x"),
	       "-- ends the options and is not part of the command",
	       "got %d argc=%d verbosity=%d", ret, o.argc, o.verbosity);
	corral_options_free(&o);

	ret = parse(&o, &err, command);
	report(ret == 0 && o.n_paths == 1 && o.argc == 3 &&
		       same(o.argv[0], "ls") && same(o.argv[1], "-a"),
	       "options after the command belong to the command",
	       "got %d paths=%zu argc=%d", ret, o.n_paths, o.argc);
	corral_options_free(&o);

	ret = parse(&o, &err, dash_command);
	report(ret == 0 && o.n_paths == 0 && o.argc == 1 &&
		       same(o.argv[0], "--allow"),
	       "a word after -- is a command even if it looks like an option",
	       "got %d paths=%zu argc=%d", ret, o.n_paths, o.argc);
	corral_options_free(&o);
}

static const struct {
	const char *name;
	char *argv[4];
	const char *message; /* how the message starts */
} option_errors[] = {
	{ "an unknown short option is named in the error",
	  { "run", "-x", NULL }, "unknown option '-x'" },
	{ "an unknown option grouped with a known one is named",
	  { "run", "-nx", NULL }, "unknown option '-x'" },
	{ "an unknown long option is named in the error",
	  { "run", "--bogus", NULL }, "unknown option '--bogus'" },
	{ "a long option missing its path is an error",
	  { "run", "--allow", NULL }, "option '--allow' needs a" },
	{ "a short option missing its path is an error",
	  { "run", "-r", NULL }, "option '-r' needs a" },
	{ "a flag given a value is refused",
	  { "run", "--no-cwd=yes", NULL }, "option '--no-cwd' takes no value" },
};

static void test_options_errors(void)
{
	struct corral_options o;
	struct corral_error err;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(option_errors); i++) {
		ret = parse(&o, &err, option_errors[i].argv);
		report(ret == -EINVAL && err.code == -EINVAL &&
			       !strncmp(err.message, option_errors[i].message,
					strlen(option_errors[i].message)) &&
			       same(err.hint, "see 'corral --help'") &&
			       o.paths == NULL && o.n_paths == 0,
		       option_errors[i].name, "got %d '%s', want '%s'", ret,
		       err.message, option_errors[i].message);
	}
}

/* The builtin parses again in the same process: nothing may carry over. */
static void test_options_reparse(void)
{
	char *first[] = { "run", "-a", "/one", "--", "cmd", NULL };
	char *second[] = { "why", "-r", "/two", "path", NULL };
	struct corral_options o;
	struct corral_error err;
	int ret;

	ret = parse(&o, &err, first);
	corral_options_free(&o);
	ret = ret ? ret : parse(&o, &err, second);
	report(ret == 0 && one_path(&o, CORRAL_RULE_GRANT, CORRAL_ACCESS_READ,
				    "--read", "/two") &&
		       o.argc == 1 && same(o.argv[0], "path"),
	       "a second parse in one process starts afresh",
	       "got %d paths=%zu argc=%d", ret, o.n_paths, o.argc);
	corral_options_free(&o);
}

/* corral_plan_env_removes ------------------------------------------- */

/*
 * The matching runs in the C locale whatever the caller's, for speed; it
 * must judge the same in a multibyte locale and leave that locale set.
 */
static void test_env_locale(void)
{
	static const struct {
		const char *name;
		bool removed;
	} cases[] = {
		{ "GITHUB_TOKEN", true }, { "github_token", true },
		{ "Aws_Secret", true },	  { "LD_PRELOAD", true },
		{ "PATH", false },	  { "TOKENIZER_HOME", true },
		{ "EDITOR", false },
	};
	struct corral_plan plan = { 0 };
	const char *locales[] = { "C", "C.utf8" };
	const size_t mb_max[] = { 1, 6 };
	char name[96];
	size_t i, j;
	bool got;

	for (j = 0; j < ARRAY_SIZE(locales); j++) {
		if (!setlocale(LC_ALL, locales[j]))
			continue;
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			got = corral_plan_env_removes(&plan, cases[i].name);
			snprintf(name, sizeof(name), "in %s, %s is %s",
				 locales[j], cases[i].name,
				 cases[i].removed ? "removed" : "kept");
			report(got == cases[i].removed, name, "it is %s",
			       got ? "removed" : "kept");
		}
		report(MB_CUR_MAX == mb_max[j],
		       "the caller's locale is left as it was",
		       "in %s: MB_CUR_MAX is %zu, want %zu", locales[j],
		       (size_t)MB_CUR_MAX, mb_max[j]);
	}
	setlocale(LC_ALL, "C");
}

int main(void)
{
	/* Unbuffered, so a crash still shows how far the tests got. */
	setvbuf(stdout, NULL, _IONBF, 0);

	test_expand_table();
	test_expand_home_slash();
	test_expand_xdg();
	test_expand_relative_without_workdir();
	test_expand_errors();
	test_normalize();
	test_resolve();
	test_within();
	test_tilde();
	test_options_paths();
	test_options_order();
	test_options_flags();
	test_options_verbosity();
	test_options_stop();
	test_options_errors();
	test_options_reparse();
	test_env_locale();

	/* A trailing plan: a crash before it leaves the count unconfirmed. */
	printf("1..%d\n", tests_run);
	return tests_failed ? 1 : 0;
}
