/* SPDX-License-Identifier: MIT */
/*
 * Resource limits: rlimits for memory, processes, CPU time, file size and
 * open files, and the wall-clock timeout.  Parsing is pure; applying
 * touches only the calling process (and, for root, a pids cgroup).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct limit_key {
	const char *key;
	int resource;
	bool size; /* takes K/M/G/T suffixes */
};

static const struct limit_key limit_keys[CORRAL_N_LIMITS] = {
	[CORRAL_LIMIT_MEM] = { "mem", RLIMIT_AS, true },
	[CORRAL_LIMIT_PROCS] = { "procs", RLIMIT_NPROC, false },
	[CORRAL_LIMIT_CPU] = { "cpu", RLIMIT_CPU, false },
	[CORRAL_LIMIT_FSIZE] = { "fsize", RLIMIT_FSIZE, true },
	[CORRAL_LIMIT_NOFILE] = { "nofile", RLIMIT_NOFILE, false },
};

#define N_LIMITS CORRAL_N_LIMITS

/* "512M", "2G", "4096": a positive count of bytes, binary multiples. */
static int parse_number(const char *text, bool size, unsigned long long *out)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *unit;
	char *end;
	int shift;

	if (!text || text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || v == 0)
		return -EINVAL;
	if (*end && size && (unit = strchr(units, end[0] & ~0x20)) && end[0]) {
		shift = 10 * (int)(unit - units + 1);
		if (v > (ULLONG_MAX >> shift))
			return -ERANGE;
		v <<= shift;
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_one(struct corral_plan *plan, const char *item,
		     struct corral_error *err)
{
	const char *eq = strchr(item, '=');
	unsigned long long v;
	size_t i, len = eq ? (size_t)(eq - item) : strlen(item);

	for (i = 0; i < N_LIMITS; i++)
		if (strlen(limit_keys[i].key) == len &&
		    !strncmp(limit_keys[i].key, item, len))
			break;
	if (i == N_LIMITS)
		return corral_fail(
			err, -EINVAL,
			"limits: mem=SIZE procs=N cpu=SECONDS fsize=SIZE nofile=N",
			"--limit: unknown limit '%.*s'", (int)len, item);
	if (!eq || parse_number(eq + 1, limit_keys[i].size, &v))
		return corral_fail(err, -EINVAL,
				   limit_keys[i].size
					   ? "write a size such as 512M or 2G"
					   : "write a positive whole number",
				   "--limit: invalid value '%s'", item);
	plan->limits[i] = v;
	return 0;
}

int corral_limits_parse(struct corral_plan *plan,
			const struct corral_words *specs,
			struct corral_error *err)
{
	char *copy, *item, *save = NULL;
	size_t i;
	int ret = 0;

	for (i = 0; i < specs->n && !ret; i++) {
		copy = strdup(specs->v[i]);
		if (!copy)
			return corral_fail(err, -ENOMEM, NULL, "out of memory");
		for (item = strtok_r(copy, ",", &save); item && !ret;
		     item = strtok_r(NULL, ",", &save))
			ret = parse_one(plan, item, err);
		if (!ret && !specs->v[i][0])
			ret = corral_fail(err, -EINVAL, NULL, "--limit: empty");
		free(copy);
	}
	return ret;
}

/* "90", "90s", "500ms", "5m", "1h" into milliseconds. */
int corral_timeout_parse(struct corral_plan *plan, const char *text,
			 struct corral_error *err)
{
	static const struct {
		const char *suffix;
		long ms;
	} units[] = { { "", 1000 },
		      { "s", 1000 },
		      { "ms", 1 },
		      { "m", 60000 },
		      { "h", 3600000 } };
	unsigned long long v;
	char *end;
	size_t i;

	if (!text)
		return 0;
	errno = 0;
	v = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 10) : 0;
	for (i = 0; v && !errno && i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].suffix) &&
		    v <= (unsigned long long)LONG_MAX /
				    (unsigned long long)units[i].ms) {
			plan->timeout_ms = (long)v * units[i].ms;
			return 0;
		}
	return corral_fail(err, -EINVAL,
			   "write seconds, or a number with ms, s, m or h",
			   "--timeout: invalid duration '%s'", text);
}

long corral_plan_timeout_ms(const struct corral_plan *plan)
{
	return plan->timeout_ms;
}

/* Remove the empty cgroups that earlier sandboxes of root left behind. */
static void sweep_cgroups(const char *root)
{
	char pattern[PATH_MAX];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/corral-*", root);
	if (glob(pattern, GLOB_ONLYDIR | GLOB_NOSORT, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++)
		rmdir(g.gl_pathv[i]); /* fails, harmlessly, while in use */
	globfree(&g);
}

/* Root is exempt from RLIMIT_NPROC: a pids cgroup of its own holds it. */
static int root_pids_cgroup(unsigned long long max, struct corral_error *err)
{
	static const char *const roots[] = { "/sys/fs/cgroup/pids",
					     "/sys/fs/cgroup" };
	char dir[PATH_MAX], file[PATH_MAX + 32], value[32];
	size_t i;
	int ret = -ENOENT;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]) && ret; i++) {
		snprintf(file, sizeof(file), "%s/pids.max", roots[i]);
		snprintf(dir, sizeof(dir), "%s/corral-%d", roots[i], getpid());
		if (access(roots[i], W_OK))
			continue;
		sweep_cgroups(roots[i]);
		if (mkdir(dir, 0755) && errno != EEXIST)
			continue;
		snprintf(file, sizeof(file), "%s/pids.max", dir);
		snprintf(value, sizeof(value), "%llu", max);
		ret = corral_write_file(file, value);
		snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
		if (!ret)
			ret = corral_write_file(file, "0");
		if (ret)
			rmdir(dir);
	}
	if (ret)
		return corral_fail(
			err, ret,
			"root is exempt from RLIMIT_NPROC; a writable pids cgroup is needed",
			"limits: cannot hold procs for root: %s",
			strerror(-ret));
	return 0;
}

int corral_limits_apply(const struct corral_plan *plan,
			struct corral_error *err)
{
	struct rlimit rl;
	size_t i;

	for (i = 0; i < N_LIMITS; i++) {
		if (!plan->limits[i])
			continue;
		if (i == CORRAL_LIMIT_PROCS && geteuid() == 0) {
			if (root_pids_cgroup(plan->limits[i], err))
				return err->code;
			continue;
		}
		rl.rlim_cur = rl.rlim_max = (rlim_t)plan->limits[i];
		if (setrlimit(limit_keys[i].resource, &rl))
			return corral_fail(
				err, -errno,
				"a limit can only be lowered, never raised above the current hard limit",
				"limits: cannot set %s=%llu: %s",
				limit_keys[i].key, plan->limits[i],
				strerror(errno));
	}
	return 0;
}

void corral_limits_describe(const struct corral_plan *plan, FILE *f)
{
	size_t i;
	bool any = false;

	for (i = 0; i < N_LIMITS; i++) {
		if (!plan->limits[i])
			continue;
		fprintf(f, "%s%s=%llu", any ? "," : "limits: rlimits ",
			limit_keys[i].key, plan->limits[i]);
		any = true;
	}
	/*
	 * Set once the user namespace exists, RLIMIT_NPROC counts the
	 * processes of that namespace: the sandbox's own.
	 */
	if (any && plan->limits[CORRAL_LIMIT_PROCS] && geteuid() == 0)
		fprintf(f,
			" (procs by a pids cgroup: root is exempt from RLIMIT_NPROC)");
	else if (any && plan->limits[CORRAL_LIMIT_PROCS] && plan->namespaces)
		fprintf(f,
			" (procs counts the sandbox's own processes, in its user namespace)");
	else if (any && plan->limits[CORRAL_LIMIT_PROCS])
		fprintf(f,
			" (procs counts every process of this user, not only the sandbox's)");
	if (any)
		fprintf(f, "\n");
	else
		fprintf(f, "limits: none\n");
	if (plan->timeout_ms)
		fprintf(f,
			"timeout: %ld ms, then the command and its descendants are ended (exit 124)\n",
			plan->timeout_ms);
}

/* A pids cgroup made by corral (for root), and its maximum. */
static void pids_cgroup_current(FILE *f)
{
	char line[PATH_MAX], file[PATH_MAX + 64], max[32] = "";
	const char *path;
	FILE *cg = fopen("/proc/self/cgroup", "re"), *m;

	while (cg && fgets(line, sizeof(line), cg)) {
		line[strcspn(line, "\n")] = '\0';
		path = strstr(line, ":pids:");
		if (!path || !strstr(path, "/corral-"))
			continue;
		snprintf(file, sizeof(file), "/sys/fs/cgroup/pids%s/pids.max",
			 path + 6);
		m = fopen(file, "re");
		if (m && fgets(max, sizeof(max), m))
			fprintf(f, " (procs by the pids cgroup: %.*s)",
				(int)strcspn(max, "\n"), max);
		if (m)
			fclose(m);
	}
	if (cg)
		fclose(cg);
}

/* The limits in force on this process, read back from the kernel. */
void corral_limits_current(FILE *f)
{
	struct rlimit rl;
	size_t i;

	fprintf(f, "limits: in force:");
	for (i = 0; i < N_LIMITS; i++) {
		if (getrlimit(limit_keys[i].resource, &rl))
			continue;
		if (rl.rlim_cur == RLIM_INFINITY)
			fprintf(f, " %s=unlimited", limit_keys[i].key);
		else
			fprintf(f, " %s=%llu", limit_keys[i].key,
				(unsigned long long)rl.rlim_cur);
	}
	pids_cgroup_current(f);
	fprintf(f, "\n");
}
