/* SPDX-License-Identifier: MIT */
/*
 * Pure path handling: placeholders, normalization, canonical resolution.
 * Nothing here changes the process; everything is unit-tested.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct placeholder {
	const char *name;
	const char *home_relative; /* default under $HOME, or NULL */
};

/* $HOME and $WORKDIR are handled apart; these follow the XDG defaults. */
static const struct placeholder xdg_vars[] = {
	{ "XDG_CONFIG_HOME", ".config" },
	{ "XDG_DATA_HOME", ".local/share" },
	{ "XDG_STATE_HOME", ".local/state" },
	{ "XDG_CACHE_HOME", ".cache" },
};

static char *join(const char *a, const char *b)
{
	char *out;
	size_t la = strlen(a);

	if (!*b)
		return strdup(a);
	if (la && a[la - 1] == '/')
		la--;
	if (asprintf(&out, "%.*s/%s", (int)la, a, b) < 0)
		return NULL;
	return out;
}

static const char *xdg_value(const char *name, size_t len, const char *home,
			     char *buf, size_t size)
{
	size_t i;
	const char *value;
	char key[64];

	for (i = 0; i < sizeof(xdg_vars) / sizeof(xdg_vars[0]); i++) {
		if (strlen(xdg_vars[i].name) != len ||
		    strncmp(xdg_vars[i].name, name, len))
			continue;
		snprintf(key, sizeof(key), "%s", xdg_vars[i].name);
		value = getenv(key);
		if (value && value[0] == '/')
			return value;
		snprintf(buf, size, "%s/%s", home, xdg_vars[i].home_relative);
		return buf;
	}
	return NULL;
}

/* The value of a leading placeholder ("~", "$HOME", "${WORKDIR}", ...). */
static int leading_base(const char *written, const char *home,
			const char *workdir, const char **base,
			const char **rest, char *buf, size_t size,
			struct corral_error *err)
{
	const char *name = written + 1, *end;
	bool braced = written[1] == '{';
	size_t len;

	if (written[0] == '~') {
		if (written[1] && written[1] != '/')
			return corral_fail(
				err, -EINVAL,
				"write the home directory as ~/ or $HOME",
				"unsupported path '%s': only ~ and ~/ expand",
				written);
		*base = home;
		*rest = written + 1;
		return 0;
	}
	if (braced)
		name++;
	for (end = name; *end == '_' || (*end >= 'A' && *end <= 'Z'); end++)
		;
	len = (size_t)(end - name);
	if (braced && *end++ != '}')
		return corral_fail(err, -EINVAL, NULL,
				   "unterminated placeholder in '%s'", written);
	*rest = end;
	if (len == 4 && !strncmp(name, "HOME", 4))
		*base = home;
	else if (len == 7 && !strncmp(name, "WORKDIR", 7))
		*base = workdir;
	else
		*base = xdg_value(name, len, home, buf, size);
	if (!*base)
		return corral_fail(
			err, -EINVAL,
			"known placeholders: ~ $HOME $WORKDIR $XDG_CONFIG_HOME $XDG_DATA_HOME $XDG_STATE_HOME $XDG_CACHE_HOME",
			"unknown placeholder in '%s'", written);
	if (**rest && **rest != '/')
		return corral_fail(
			err, -EINVAL, NULL,
			"placeholder must be followed by '/' in '%s'", written);
	return 0;
}

/*
 * Expand a path as written into an absolute one: a leading ~, $HOME,
 * $WORKDIR or XDG placeholder, or the working directory for relative
 * paths.  Dots and slashes are left for resolution.
 */
int corral_path_expand(const char *written, const char *home,
		       const char *workdir, char **out,
		       struct corral_error *err)
{
	char buf[PATH_MAX], cwd[PATH_MAX];
	const char *base = NULL, *rest = written;
	int ret;

	if (!written || !*written)
		return corral_fail(err, -EINVAL, NULL, "empty path");
	if (written[0] == '~' || written[0] == '$') {
		ret = leading_base(written, home, workdir, &base, &rest, buf,
				   sizeof(buf), err);
		if (ret)
			return ret;
	} else if (written[0] != '/') {
		base = workdir;
		if (!base)
			base = getcwd(cwd, sizeof(cwd));
		if (!base)
			return corral_fail(err, -errno, NULL,
					   "cannot resolve '%s': %s", written,
					   strerror(errno));
	}
	if (base && base[0] != '/')
		return corral_fail(err, -EINVAL, NULL,
				   "'%s' is not absolute after expansion",
				   written);
	*out = base ? join(base, rest[0] == '/' ? rest + 1 : rest)
		    : strdup(written);
	return *out ? 0 : corral_fail(err, -ENOMEM, NULL, "out of memory");
}

/* Collapse "//", "/./" and "/../" lexically; "/" stays "/". */
char *corral_path_normalize(const char *absolute)
{
	char *out = malloc(strlen(absolute) + 2);
	const char *p = absolute;
	size_t len = 0, n;

	if (!out)
		return NULL;
	while (*p) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[--len] != '/')
				;
		} else {
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

/*
 * Directories already found to be real directories, not symlinks: the
 * default profile alone names some 150 paths under a handful of parents,
 * and glibc's realpath() reads every component of every one of them.
 * Reset at each plan build, so a plan never trusts an older one's view.
 */
#define DIR_CACHE_SIZE 256
static char *dir_cache[DIR_CACHE_SIZE];
static size_t dir_cache_n;

void corral_path_cache_reset(void)
{
	while (dir_cache_n)
		free(dir_cache[--dir_cache_n]);
}

static bool dir_cached(const char *path)
{
	size_t i;

	for (i = 0; i < dir_cache_n; i++)
		if (!strcmp(dir_cache[i], path))
			return true;
	return false;
}

static void dir_remember(const char *path)
{
	char *copy;

	if (dir_cache_n == DIR_CACHE_SIZE || dir_cached(path))
		return;
	copy = strdup(path);
	if (copy)
		dir_cache[dir_cache_n++] = copy;
}

/* Replace the pending components with a link's target and what followed. */
static int follow_link(const char *link, char *cur, char *rest, size_t at)
{
	char target[PATH_MAX], joined[PATH_MAX];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n < 0)
		return -1;
	target[n] = '\0';
	if (snprintf(joined, sizeof(joined), "%s/%s", target, rest + at) >=
	    (int)sizeof(joined)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (target[0] == '/')
		cur[0] = '\0';
	strcpy(rest, joined);
	return 0;
}

/* realpath(3), with the directory cache above. */
static char *resolve_existing(const char *path)
{
	char cur[PATH_MAX] = "", rest[PATH_MAX], cand[PATH_MAX * 2];
	size_t at = 0, n;
	int links = 0;
	struct stat st;

	if (snprintf(rest, sizeof(rest), "%s", path) >= (int)sizeof(rest)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	while (rest[at]) {
		while (rest[at] == '/')
			at++;
		n = strcspn(rest + at, "/");
		if (n == 0 || (n == 1 && rest[at] == '.')) {
			at += n;
			continue;
		}
		if (n == 2 && rest[at] == '.' && rest[at + 1] == '.') {
			*(strrchr(cur, '/') ? strrchr(cur, '/') : cur) = '\0';
			at += n;
			continue;
		}
		snprintf(cand, sizeof(cand), "%s/%.*s", cur, (int)n, rest + at);
		at += n;
		if (strlen(cand) >= PATH_MAX) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		if (dir_cached(cand)) {
			strcpy(cur, cand);
			continue;
		}
		if (lstat(cand, &st))
			return NULL;
		if (S_ISLNK(st.st_mode)) {
			if (++links > 40) {
				errno = ELOOP;
				return NULL;
			}
			if (follow_link(cand, cur, rest, at))
				return NULL;
			at = 0;
			continue;
		}
		if (!S_ISDIR(st.st_mode) && rest[at + strspn(rest + at, "/")]) {
			errno = ENOTDIR;
			return NULL;
		}
		if (S_ISDIR(st.st_mode))
			dir_remember(cand);
		strcpy(cur, cand);
	}
	return strdup(cur[0] ? cur : "/");
}

/*
 * The canonical form of an absolute path.  The kernel resolves the
 * longest prefix that exists (symlinks, and ".." after a symlink as mkdir
 * would take it); the rest, which does not exist yet, is taken lexically.
 */
char *corral_path_resolve(const char *absolute, bool *exists)
{
	char *prefix = strdup(absolute), *cut, *real = NULL, *joined, *out;
	size_t len;

	*exists = true;
	if (!prefix)
		return NULL;
	for (;;) {
		real = resolve_existing(prefix);
		if (real || !(cut = strrchr(prefix, '/')) || cut == prefix)
			break;
		*exists = false;
		*cut = '\0';
	}
	if (real && *exists) {
		free(prefix);
		return real;
	}
	len = strlen(prefix);
	if (asprintf(&joined, "%s/%s", real ? real : "",
		     absolute + (real ? len : 0)) < 0)
		joined = NULL;
	out = joined ? corral_path_normalize(joined) : NULL;
	free(joined);
	free(real);
	free(prefix);
	/* "missing/../file" names file, as the user wrote it. */
	real = out ? resolve_existing(out) : NULL;
	*exists = real != NULL;
	if (real) {
		free(out);
		return real;
	}
	return out;
}

/* Whether path is dir or lies beneath it; both canonical. */
bool corral_path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* For messages: the path with the home directory shown as "~". */
const char *corral_path_tilde(const char *path, const char *home, char *buf,
			      size_t len)
{
	if (home && strcmp(home, "/") && corral_path_within(path, home)) {
		snprintf(buf, len, "~%s", path + strlen(home));
		return buf;
	}
	return path;
}
