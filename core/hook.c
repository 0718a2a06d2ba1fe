/* SPDX-License-Identifier: MIT */
/*
 * `corral hook bash|zsh`: the hook code from shellhooks/, with the paths of
 * this installation filled in, and one wrapper function per configured
 * agent.  Names from the configuration are checked before any shell code
 * is generated from them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "internal.h"

/* Every built-in agent profile, under the command that starts the agent. */
static const char *const default_agents[][2] = {
	{ "claude", "claude-code" },
	{ "codex", "codex" },
	{ "gemini", "gemini" },
	{ "opencode", "opencode" },
	{ "aider", "aider" },
	{ "goose", "goose" },
	{ "copilot", "copilot" },
	{ "qwen", "qwen-code" },
	{ "cursor-agent", "cursor-agent" },
	{ "amp", "amp" },
};

/* A command or profile name that can stand in shell code unquoted. */
static bool safe_name(const char *name)
{
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-");

	return n > 0 && n < 64 && !name[n] && name[0] != '-' && name[0] != '.';
}

/*
 * Words no wrapper may take: the shells' reserved words (a function of
 * that name is a syntax error that stops the eval half-way) and the
 * commands and functions the hook itself calls (a wrapper named
 * `command` would call itself for ever).
 */
static bool hook_word(const char *name)
{
	static const char *const words[] = {
		"if",	     "then",	     "else",	      "elif",
		"fi",	     "case",	     "esac",	      "for",
		"select",    "while",	     "until",	      "do",
		"done",	     "in",	     "function",      "time",
		"coproc",    "foreach",	     "end",	      "repeat",
		"nocorrect", "noglob",	     "builtin",	      "command",
		"exec",	     "enable",	     "local",	      "shift",
		"return",    "printf",	     "print",	      "typeset",
		"declare",   "type",	     "eval",	      "zmodload",
		"autoload",  "add-zsh-hook", "corral_prompt",
	};
	size_t i;

	if (!strncmp(name, "__corral", 8))
		return true;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(name, words[i]))
			return true;
	return false;
}

/* value in single quotes, each ' written as '\'' */
static void put_quoted(FILE *f, const char *value)
{
	fputc('\'', f);
	for (; *value; value++) {
		if (*value == '\'')
			fputs("'\\''", f);
		else
			fputc(*value, f);
	}
	fputc('\'', f);
}

/*
 * If corral is ROOT/BIN/corral for one of the binary directories an
 * install uses, and ROOT/built/check exists: ROOT/built in buf.
 */
static bool staged(const char *corral, const char *built, const char *check,
		   char *buf, size_t len)
{
	static const char *const bins[] = { CORRAL_BINDIR "/corral",
					    "/usr/local/bin/corral",
					    "/usr/bin/corral" };
	size_t n = strlen(corral), b, i;
	char probe[PATH_MAX * 2];

	for (i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		b = strlen(bins[i]);
		if (n <= b || strcmp(corral + n - b, bins[i]))
			continue;
		snprintf(probe, sizeof(probe), "%.*s%s%s", (int)(n - b), corral,
			 built, check);
		if (!access(probe, R_OK)) {
			snprintf(buf, len, "%.*s%s", (int)(n - b), corral,
				 built);
			return true;
		}
	}
	return false;
}

/*
 * Where the builtins are: where the build put them, below the same root
 * as this binary when that is not / (make install DESTDIR=ROOT puts
 * ROOT/BINDIR/corral beside ROOT/ZSH_MODULE_DIR); else beside it, as
 * PREFIX/bin/corral has PREFIX/lib/bash/sandbox; else where the build
 * was told they go.  check is what must exist below the directory.
 */
static void installed_at(const char *corral, const char *built,
			 const char *relative, const char *check, char *buf,
			 size_t len)
{
	size_t n = strlen(corral);
	char probe[PATH_MAX * 2];

	snprintf(buf, len, "%s", built);
	if (staged(corral, built, check, buf, len) || n < 11 ||
	    strcmp(corral + n - 11, "/bin/corral"))
		return;
	snprintf(probe, sizeof(probe), "%.*s/%s%s", (int)(n - 11), corral,
		 relative, check);
	if (!access(probe, R_OK))
		snprintf(buf, len, "%.*s/%s", (int)(n - 11), corral, relative);
}

/* The hook file with @CORRAL@, @BASH_BUILTIN@, @ZSH_MODULE_DIR@ filled. */
static void put_hook(FILE *f, const char *text, const char *corral)
{
	char bash[PATH_MAX], zsh[PATH_MAX];
	const struct {
		const char *key;
		const char *value;
	} keys[] = {
		{ "@CORRAL@", corral },
		{ "@BASH_BUILTIN@", bash },
		{ "@ZSH_MODULE_DIR@", zsh },
	};
	size_t i;
	bool done;

	installed_at(corral, CORRAL_BASH_BUILTIN, "lib/bash/sandbox", "", bash,
		     sizeof(bash));
	installed_at(corral, CORRAL_ZSH_MODULE_DIR, "lib/corral/zsh",
		     "/corral/sandbox.so", zsh, sizeof(zsh));
	while (*text) {
		for (i = 0, done = false; i < 3 && !done; i++) {
			if (strncmp(text, keys[i].key, strlen(keys[i].key)))
				continue;
			put_quoted(f, keys[i].value);
			text += strlen(keys[i].key);
			done = true;
		}
		if (!done)
			fputc(*text++, f);
	}
}

static int put_wrapper(FILE *f, const char *command, const char *profile,
		       struct corral_error *err)
{
	if (!safe_name(command) || !safe_name(profile))
		return corral_fail(
			err, -EINVAL,
			"names may hold letters, digits and . _ + - only",
			"config: invalid agent '%s' or profile '%s'", command,
			profile);
	if (hook_word(command))
		return corral_fail(
			err, -EINVAL,
			"a shell word or a name the hook uses cannot be an agent",
			"config: agent '%s' cannot be wrapped", command);
	fprintf(f, "%s() { __corral_run %s %s \"$@\"; }\n", command, profile,
		command);
	return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int put_configured(FILE *f, const char *path, const cJSON *agents,
			  struct corral_error *err)
{
	const cJSON *item;
	int ret = 0;

	cJSON_ArrayForEach (item, agents) {
		if (!cJSON_IsString(item))
			return corral_fail(err, -EINVAL, NULL,
					   "%s: agents.%s must name a profile",
					   path, item->string);
		ret = put_wrapper(f, item->string, item->valuestring, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int config_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return snprintf(buf, len, "%s/corral/config.json", xdg) >=
		       (int)len;
	if (!home || home[0] != '/')
		return -1;
	return snprintf(buf, len, "%s/.config/corral/config.json", home) >=
	       (int)len;
}

/* Wrappers from config.json's "agents", or for every built-in agent. */
static int put_wrappers(FILE *f, struct corral_error *err)
{
	char path[PATH_MAX], *text = NULL;
	const cJSON *agents;
	cJSON *root = NULL;
	size_t i;
	int ret = 0;

	if (!config_path(path, sizeof(path)) && !access(path, F_OK)) {
		ret = corral_profile_read(path, &text, err);
		root = ret ? NULL : cJSON_Parse(text);
		if (!ret && !cJSON_IsObject(root))
			ret = corral_fail(err, -EINVAL, NULL,
					  "%s: invalid JSON, or not an object",
					  path);
	}
	agents = cJSON_GetObjectItemCaseSensitive(root, "agents");
	if (!ret && agents && !cJSON_IsObject(agents))
		ret = corral_fail(
			err, -EINVAL,
			"write {\"agents\": {\"claude\": \"claude-code\"}}",
			"%s: agents must be an object", path);
	if (!ret && agents)
		ret = put_configured(f, path, agents, err);
	for (i = 0; !ret && !agents && i < COUNT(default_agents); i++)
		ret = put_wrapper(f, default_agents[i][0], default_agents[i][1],
				  err);
	cJSON_Delete(root);
	free(text);
	return ret;
}

/*
 * With a configuration that cannot be read, no wrapper could be trusted to
 * be right: each built-in agent's name is taken by a function that refuses
 * to run it, rather than left to run unconfined.
 */
static void put_refusals(FILE *f)
{
	size_t i;

	for (i = 0; i < COUNT(default_agents); i++)
		fprintf(f,
			"%s() { printf '%%s\\n' 'corral: the agents configuration is invalid: not run' 'hint: see corral hook, or run it unconfined with: command %s' >&2; return 125; }\n",
			default_agents[i][0], default_agents[i][0]);
}

/* The wrappers, or on a configuration error the refusals. */
static int put_agents(FILE *f, struct corral_error *err)
{
	char *buf = NULL;
	size_t len;
	FILE *w = open_memstream(&buf, &len);
	int ret;

	if (!w)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	ret = put_wrappers(w, err);
	if (fclose(w) && !ret)
		ret = corral_fail(err, -ENOMEM, NULL, "out of memory");
	if (ret)
		put_refusals(f);
	else
		fputs(buf, f);
	free(buf);
	return ret;
}

static const char *hook_of(const char *shell)
{
	char name[32];
	size_t i;

	snprintf(name, sizeof(name), "corral.%s", shell);
	for (i = 0; corral_shell_hooks[i].name; i++)
		if (!strcmp(corral_shell_hooks[i].name, name))
			return corral_shell_hooks[i].text;
	return NULL;
}

/*
 * Inside a sandbox only corral_prompt is defined, for a PS1 that calls
 * it: the wrappers are not needed (everything is already confined, and
 * nothing could widen it), nor is the cd check.
 */
static void put_prompt(FILE *f, const char *hook)
{
	const char *start = strstr(hook, "\ncorral_prompt()\n"), *end;

	end = start ? strstr(start, "\n}\n") : NULL;
	if (end)
		fwrite(start + 1, 1, (size_t)(end + 3 - (start + 1)), f);
}

int corral_hook_text(const char *shell, const char *corral, char **out,
		     struct corral_error *err)
{
	const char *hook = hook_of(shell);
	char *buf = NULL;
	size_t len;
	FILE *f;
	int ret = 0;

	if (!hook)
		return corral_fail(err, -EINVAL,
				   "corral hook bash | corral hook zsh",
				   "no hook for shell '%s'", shell);
	f = open_memstream(&buf, &len);
	if (!f)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	if (corral_confined()) {
		put_prompt(f, hook);
	} else {
		put_hook(f, hook, corral);
		ret = put_agents(f, err);
	}
	if (fclose(f)) {
		free(buf);
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	}
	*out = buf; /* on a configuration error: the refusals, to eval */
	return ret;
}
