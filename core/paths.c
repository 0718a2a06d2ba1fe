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

/* The first la bytes of a, "/", then b: asprintf's work, without its cost. */
static char *join_n(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b);
	char *out = malloc(la + lb + 2);

	if (!out)
		return NULL;
	memcpy(out, a, la);
	out[la] = '/';
	memcpy(out + la + 1, b, lb + 1);
	return out;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (!*b)
		return strdup(a);
	if (la && a[la - 1] == '/')
		la--;
	return join_n(a, la, b);
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
 * What one plan build has learnt of the filesystem: directories found to
 * be real directories (not symlinks), and paths found missing.  The
 * default profile alone names some 150 paths under a handful of parents,
 * most of them absent, and glibc's realpath() reads every component of
 * every one.  Reset at each plan build, so a plan never trusts an older
 * one's view.
 */
#define PATH_CACHE_SIZE 512 /* a power of two; full at three quarters */
struct path_cache {
	char *v[PATH_CACHE_SIZE];
	size_t n;
};
static struct path_cache known_dirs, known_missing;

static void cache_clear(struct path_cache *c)
{
	size_t i;

	for (i = 0; i < PATH_CACHE_SIZE; i++) {
		free(c->v[i]);
		c->v[i] = NULL;
	}
	c->n = 0;
}

void corral_path_cache_reset(void)
{
	cache_clear(&known_dirs);
	cache_clear(&known_missing);
}

void corral_path_cache_made(void)
{
	cache_clear(&known_missing);
}

/* FNV-1a, then linear probing: the slot holding path, or its empty one. */
static char **slot_of(struct path_cache *c, const char *path)
{
	size_t h = 2166136261u, i;
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 16777619u;
	for (i = h & (PATH_CACHE_SIZE - 1); c->v[i];
	     i = (i + 1) & (PATH_CACHE_SIZE - 1))
		if (!strcmp(c->v[i], path))
			break;
	return &c->v[i];
}

static bool cached(struct path_cache *c, const char *path)
{
	return *slot_of(c, path) != NULL;
}

/* A full cache only stops learning: every lookup still reaches lstat. */
static void remember(struct path_cache *c, const char *path)
{
	char **slot;

	if (c->n >= PATH_CACHE_SIZE / 4 * 3)
		return;
	slot = slot_of(c, path);
	if (*slot)
		return;
	*slot = strdup(path);
	c->n += *slot != NULL;
}

bool corral_path_known_dir(const char *path)
{
	return cached(&known_dirs, path);
}

/* dst = a "/" b[0..n): the caller has checked that it fits. */
static void append_component(char *dst, const char *a, const char *b, size_t n)
{
	size_t la = strlen(a);

	memmove(dst, a, la);
	dst[la] = '/';
	memcpy(dst + la + 1, b, n);
	dst[la + 1 + n] = '\0';
}

/* Replace the pending components with a link's target and what followed. */
static int follow_link(const char *link, char *cur, char *rest, size_t at)
{
	char target[PATH_MAX];
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	size_t tail = strlen(rest + at);

	if (n < 0)
		return -1;
	if ((size_t)n + 1 + tail >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memmove(rest + n + 1, rest + at, tail + 1);
	memcpy(rest, target, (size_t)n);
	rest[n] = '/';
	if (target[0] == '/')
		cur[0] = '\0';
	return 0;
}

/* One lookup of the walk: whether cand exists, and what it is. */
static int look_up(const char *cand, struct stat *st)
{
	if (cached(&known_dirs, cand)) {
		st->st_mode = S_IFDIR;
		return 0;
	}
	if (cached(&known_missing, cand)) {
		errno = ENOENT;
		return -1;
	}
	if (!lstat(cand, st))
		return 0;
	if (errno == ENOENT)
		remember(&known_missing, cand);
	return -1;
}

/* realpath(3), with the caches above. */
static char *resolve_existing(const char *path)
{
	char cur[PATH_MAX] = "", rest[PATH_MAX], cand[PATH_MAX];
	size_t at = 0, n;
	int links = 0;
	struct stat st;

	if (strlen(path) >= sizeof(rest)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(rest, path);
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
		if (strlen(cur) + 1 + n >= PATH_MAX) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		append_component(cand, cur, rest + at, n);
		at += n;
		if (look_up(cand, &st))
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
			remember(&known_dirs, cand);
		strcpy(cur, cand);
	}
	return strdup(cur[0] ? cur : "/");
}

static bool has_dot_dot(const char *path)
{
	const char *p;

	for (p = strstr(path, ".."); p; p = strstr(p + 2, ".."))
		if ((p == path || p[-1] == '/') && (!p[2] || p[2] == '/'))
			return true;
	return false;
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
	joined = real ? join_n(real, strlen(real), absolute + len)
		      : join_n("", 0, absolute);
	out = joined ? corral_path_normalize(joined) : NULL;
	free(joined);
	free(real);
	free(prefix);
	/* "missing/../file" names file, as the user wrote it. */
	real = out && has_dot_dot(absolute + len) ? resolve_existing(out)
						  : NULL;
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
