/* SPDX-License-Identifier: MIT */
/*
 * The environment: loader and interpreter injection variables are always
 * removed; secrets and the addresses of the user's daemons are removed
 * unless kept by name.  Pure: applied to environ by confine.c.
 */
#include <errno.h>
#include <fnmatch.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Variables that make a program load or run code of the caller's choice. */
static const char *const injection[] = {
	"LD_*",
	"BASH_ENV",
	"ENV",
	"BASH_FUNC_*",
	"PROMPT_COMMAND",
	"SHELLOPTS",
	"BASHOPTS",
	"PS4",
	"ZDOTDIR",
	"PYTHONSTARTUP",
	"PYTHONPATH",
	"PYTHONHOME",
	"PYTHONINSPECT",
	"PYTHONUSERBASE",
	"NODE_OPTIONS",
	"NODE_PATH",
	"PERL5OPT",
	"PERL5LIB",
	"PERLLIB",
	"PERL5DB",
	"RUBYOPT",
	"RUBYLIB",
	"JAVA_TOOL_OPTIONS",
	"_JAVA_OPTIONS",
	"JDK_JAVA_OPTIONS",
	"GCONV_PATH",
	"GLIBC_TUNABLES",
	"HOSTALIASES",
	"LOCPATH",
	"GIT_SSH",
	"GIT_SSH_COMMAND",
	"GIT_ASKPASS",
	"SSH_ASKPASS",
};

/* Names that look like secrets, compared without regard to case. */
static const char *const secrets[] = {
	"*TOKEN*",
	"*SECRET*",
	"*PASSWORD*",
	"*PASSWD*",
	"*API_KEY*",
	"*APIKEY*",
	"*PRIVATE_KEY*",
	"*ACCESS_KEY*",
	"*CREDENTIAL*",
	"*DATABASE_URL*",
	"AWS_*",
	"AZURE_*",
	"GOOGLE_APPLICATION_CREDENTIALS",
	"VAULT_*",
	"*_PAT",
	"NPM_CONFIG__AUTH*",
};

/* Where the user's daemons listen: reaching one is reaching outside. */
static const char *const daemons[] = {
	"SSH_AUTH_SOCK",   "SSH_AGENT_PID",
	"GPG_AGENT_INFO",  "DBUS_SESSION_BUS_ADDRESS",
	"XDG_RUNTIME_DIR", "TMUX",
	"TMUX_PANE",	   "STY",
	"DISPLAY",	   "WAYLAND_DISPLAY",
	"XAUTHORITY",	   "DOCKER_HOST",
	"CONTAINER_HOST",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Names and patterns are ASCII.  In a multibyte locale fnmatch widens both
 * at every call, which makes a scrub of a hundred variables cost a tenth
 * of a millisecond: match them in the C locale instead.
 */
static locale_t c_locale(void)
{
	static locale_t c;

	if (!c)
		c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c;
}

static bool matches(const char *const *patterns, size_t n, const char *name,
		    int flags)
{
	locale_t c = c_locale(), was = c ? uselocale(c) : (locale_t)0;
	bool found = false;
	size_t i;

	for (i = 0; i < n && !found; i++)
		found = !fnmatch(patterns[i], name, flags);
	if (was)
		uselocale(was);
	return found;
}

bool corral_env_is_injection(const char *name)
{
	return matches(injection, COUNT(injection), name, 0);
}

bool corral_plan_env_removes(const struct corral_plan *plan, const char *name)
{
	if (corral_env_is_injection(name))
		return true;
	if (corral_words_has(&plan->keep_env, name))
		return false;
	if (matches((const char *const *)plan->remove_env.v, plan->remove_env.n,
		    name, 0))
		return true;
	return matches(secrets, COUNT(secrets), name, FNM_CASEFOLD) ||
	       matches(daemons, COUNT(daemons), name, 0);
}

static bool valid_name(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (i = 0; i < len; i++)
		if (!(name[i] == '_' || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9')))
			return false;
	return true;
}

static bool injection_prefix(const char *assignment, size_t len)
{
	char *name = strndup(assignment, len);
	bool bad = !name || corral_env_is_injection(name);

	free(name);
	return bad;
}

/* Check --keep-env and --set-env: valid names, never an injection one. */
int corral_env_check(const struct corral_words *keep,
		     const struct corral_words *set, struct corral_error *err)
{
	const char *hint =
		"loader and interpreter injection variables are always removed";
	size_t i, len;

	for (i = 0; i < keep->n; i++) {
		if (!valid_name(keep->v[i], strlen(keep->v[i])))
			return corral_fail(
				err, -EINVAL, NULL,
				"--keep-env: invalid variable name '%s'",
				keep->v[i]);
		if (corral_env_is_injection(keep->v[i]))
			return corral_fail(err, -EPERM, hint,
					   "--keep-env: '%s' cannot be kept",
					   keep->v[i]);
	}
	for (i = 0; i < set->n; i++) {
		len = strcspn(set->v[i], "=");
		if (!set->v[i][len] || !valid_name(set->v[i], len))
			return corral_fail(err, -EINVAL, "write NAME=VALUE",
					   "--set-env: invalid assignment '%s'",
					   set->v[i]);
		if (injection_prefix(set->v[i], len))
			return corral_fail(err, -EPERM, hint,
					   "--set-env: '%.*s' cannot be set",
					   (int)len, set->v[i]);
	}
	return 0;
}

/*
 * Remove from environ every variable the plan removes, by compacting the
 * array in place: a host shell may export its own unsetenv that works on
 * its variable table and leaves environ alone.
 */
int corral_env_scrub(const struct corral_plan *plan)
{
	extern char **environ;
	size_t from, to = 0;
	char *name;

	for (from = 0; environ && environ[from]; from++) {
		name = strndup(environ[from], strcspn(environ[from], "="));
		if (!name)
			return -ENOMEM;
		if (!corral_plan_env_removes(plan, name))
			environ[to++] = environ[from];
		free(name);
	}
	if (environ)
		environ[to] = NULL;
	return 0;
}
