/* SPDX-License-Identifier: MIT */
/*
 * Per-directory policy: the nearest .corral.json above the working
 * directory applies only once the user has trusted its exact bytes.  The
 * trust store keeps each file's canonical path and the SHA-256 (OpenSSL's)
 * of the bytes that were shown; those same bytes are what gets parsed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "internal.h"

#define POLICY_NAME ".corral.json"
#define MAX_POLICY_BYTES (1 << 20)

static int store_path(const char *home, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME");

	if (xdg && xdg[0] == '/')
		return snprintf(buf, len, "%s/corral/trusted", xdg) >= (int)len
			       ? -ENAMETOOLONG
			       : 0;
	return snprintf(buf, len, "%s/.local/state/corral/trusted", home) >=
			       (int)len
		       ? -ENAMETOOLONG
		       : 0;
}

static int sha256_hex(const char *data, size_t len, char hex[65])
{
	uint8_t md[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t i;

	sha256_init(&ctx);
	sha256_update(&ctx, len, (const uint8_t *)data);
	sha256_digest(&ctx, sizeof(md), md);
	for (i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/*
 * Read a policy file the way it will be trusted and parsed: no symlink,
 * a regular file, not writable by others, owned by us or root.
 * O_NONBLOCK: a fifo of that name must not hang the shell's cd hook.
 */
int corral_policy_read(const char *path, struct corral_policy *p,
		       struct corral_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	memset(p, 0, sizeof(*p));
	if (fd < 0)
		return corral_fail(
			err, -errno,
			errno == ELOOP ? "a policy file must not be a symlink"
				       : NULL,
			"cannot read policy '%s': %s", path,
			errno == ELOOP ? "it is a symlink" : strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_POLICY_BYTES ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    (st.st_uid != geteuid() && st.st_uid != 0)) {
		close(fd);
		return corral_fail(
			err, -EPERM, "chmod go-w the file, and own it",
			"refusing policy '%s': not a regular file of yours that only you can write",
			path);
	}
	p->text = calloc(1, (size_t)st.st_size + 1);
	n = p->text ? read(fd, p->text, (size_t)st.st_size) : -1;
	close(fd);
	p->path = realpath(path, NULL);
	if (n != st.st_size || !p->path ||
	    sha256_hex(p->text, (size_t)n, p->hash)) {
		corral_policy_free(p);
		return corral_fail(err, -EIO, NULL, "cannot read policy '%s'",
				   path);
	}
	return 0;
}

void corral_policy_free(struct corral_policy *p)
{
	free(p->text);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

/* The nearest .corral.json at or above dir; -ENOENT when there is none. */
int corral_policy_find(const char *dir, char **found)
{
	char path[PATH_MAX], *slash;
	struct stat st;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (;;) {
		size_t len = strlen(path);

		snprintf(path + len, sizeof(path) - len, "%s%s",
			 len > 1 ? "/" : "", POLICY_NAME);
		if (!lstat(path, &st)) {
			*found = strdup(path);
			return *found ? 0 : -ENOMEM;
		}
		path[len] = '\0';
		slash = strrchr(path, '/');
		if (!slash || len == 1)
			return -ENOENT;
		slash[slash == path ? 1 : 0] = '\0';
	}
}

/* What the store says of this file: trusted, changed, or never trusted. */
int corral_policy_state(const char *home, const struct corral_policy *p)
{
	char store[PATH_MAX], line[PATH_MAX + 80], *sp;
	int state = CORRAL_POLICY_UNTRUSTED;
	FILE *f;

	if (store_path(home, store, sizeof(store)) || !(f = fopen(store, "re")))
		return state;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		sp = strchr(line, ' ');
		if (!sp || strcmp(sp + 1, p->path))
			continue;
		*sp = '\0';
		state = strcmp(line, p->hash) ? CORRAL_POLICY_CHANGED
					      : CORRAL_POLICY_TRUSTED;
	}
	fclose(f);
	return state;
}

static int mkdirs(char *path)
{
	char *p;

	for (p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

/* Rewrite the store without path, adding hash for it when given. */
static int rewrite_store(const char *home, const char *path, const char *hash,
			 struct corral_error *err)
{
	char store[PATH_MAX], tmp[PATH_MAX + 8], line[PATH_MAX + 80], *sp;
	int ret, dropped = 0;
	FILE *in, *out;

	ret = store_path(home, store, sizeof(store));
	if (!ret)
		ret = mkdirs(store);
	snprintf(tmp, sizeof(tmp), "%s.new", store);
	out = ret ? NULL : fopen(tmp, "we");
	if (!out)
		return corral_fail(err, ret ? ret : -errno, NULL,
				   "cannot write the trust store '%s': %s",
				   store, strerror(ret ? -ret : errno));
	in = fopen(store, "re");
	while (in && fgets(line, sizeof(line), in)) {
		sp = strchr(line, ' ');
		if (sp && !strncmp(sp + 1, path, strlen(path)) &&
		    sp[1 + strlen(path)] == '\n') {
			dropped++;
			continue;
		}
		fputs(line, out);
	}
	if (in)
		fclose(in);
	if (hash)
		fprintf(out, "%s %s\n", hash, path);
	if (fclose(out) || rename(tmp, store))
		return corral_fail(err, -errno, NULL,
				   "cannot write the trust store '%s': %s",
				   store, strerror(errno));
	return dropped;
}

/*
 * The store holds one policy a line: a newline in the path would let the
 * policy shown forge a line trusting another file.
 */
int corral_trust_record(const char *home, const struct corral_policy *p,
			struct corral_error *err)
{
	if (strchr(p->path, '\n'))
		return corral_fail(
			err, -EINVAL, "rename the directory",
			"cannot trust '%s': its path holds a newline", p->path);
	int ret = rewrite_store(home, p->path, p->hash, err);

	return ret < 0 ? ret : 0;
}

int corral_trust_forget(const char *home, const char *path,
			struct corral_error *err)
{
	int ret = rewrite_store(home, path, NULL, err);

	return ret < 0 ? ret : ret > 0;
}

int corral_trust_list(const char *home, char **text, struct corral_error *err)
{
	char store[PATH_MAX], line[PATH_MAX + 80], *buf = NULL, *sp;
	size_t len = 0;
	FILE *in, *out = open_memstream(&buf, &len);

	if (!out)
		return corral_fail(err, -ENOMEM, NULL, "out of memory");
	in = store_path(home, store, sizeof(store)) ? NULL : fopen(store, "re");
	while (in && fgets(line, sizeof(line), in)) {
		struct corral_policy p = { 0 };
		struct corral_error ignored;
		const char *state = "missing";

		line[strcspn(line, "\n")] = '\0';
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		if (!corral_policy_read(sp + 1, &p, &ignored))
			state = strcmp(p.hash, line) ? "changed since trusted"
						     : "trusted";
		fprintf(out, "%-22s %s\n", state, sp + 1);
		corral_policy_free(&p);
	}
	if (in)
		fclose(in);
	fclose(out);
	*text = buf;
	return 0;
}
