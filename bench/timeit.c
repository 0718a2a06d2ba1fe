/* SPDX-License-Identifier: MIT */
/*
 * timeit: wall-clock times of commands, measured side by side.
 *
 *   timeit [-n RUNS] [-w WARMUP] [-r RAW] SPECFILE
 *   timeit -s SAMPLES
 *
 * SPECFILE holds one command a line: a label, then the argument words,
 * all separated by tabs.  Leading NAME=VALUE words set variables for
 * that command alone, as env(1) would, and a leading --cwd=DIR word runs
 * it in DIR.  The first line is the baseline.  Every round
 * runs each command once, in an order shuffled anew each round, so that
 * whatever else the machine is doing falls on all of them alike; the
 * overhead of a command is the median of its differences from the
 * baseline within the same round.
 *
 * With -s, the samples were taken elsewhere (a loop inside a shell): each
 * line of SAMPLES is "label<TAB>round<TAB>nanoseconds", and the same
 * summary is printed.
 *
 * Output, one line a command, tab-separated: label, runs, failures,
 * median, p25, p75, min (ms), overhead median, p25, p75 (ms), ratio of
 * medians to the baseline, peak RSS (KiB, median over runs), user and
 * system CPU (ms, medians).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_COMMANDS 64

struct command {
	char *label;
	char **argv;
	char **envp;
	char *cwd;
	double *wall; /* ns, one per round */
	double *rss;  /* KiB */
	double *user; /* ns */
	double *sys;  /* ns */
	size_t n;
	int failures;
};

static struct command commands[MAX_COMMANDS];
static size_t n_commands;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * 1e9 + tv->tv_usec * 1e3;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fputs("timeit: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static struct command *command_named(const char *label, size_t cap)
{
	size_t i;

	for (i = 0; i < n_commands; i++)
		if (!strcmp(commands[i].label, label))
			return &commands[i];
	if (n_commands == MAX_COMMANDS) {
		fprintf(stderr, "timeit: more than %d commands\n",
			MAX_COMMANDS);
		exit(2);
	}
	commands[n_commands].label = strdup(label);
	commands[n_commands].wall = xcalloc(cap, sizeof(double));
	commands[n_commands].rss = xcalloc(cap, sizeof(double));
	commands[n_commands].user = xcalloc(cap, sizeof(double));
	commands[n_commands].sys = xcalloc(cap, sizeof(double));
	return &commands[n_commands++];
}

static bool is_assignment(const char *word)
{
	size_t n = strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz0123456789_");

	return n > 0 && word[n] == '=' && !(word[0] >= '0' && word[0] <= '9');
}

/* A copy of env with NAME=VALUE set, replacing any NAME there was. */
static char **env_with(char **env, const char *assignment)
{
	size_t name = strcspn(assignment, "=") + 1, n = 0, i, k = 0;
	char **out;

	while (env[n])
		n++;
	out = xcalloc(n + 2, sizeof(char *));
	for (i = 0; i < n; i++)
		if (strncmp(env[i], assignment, name))
			out[k++] = env[i];
	out[k] = strdup(assignment);
	return out;
}

/* One line of SPECFILE: a label, then the words, tab-separated. */
static void add_spec(char *line, size_t cap)
{
	struct command *c;
	char *save, *word;
	size_t n = 0, len = strlen(line);

	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (!len || line[0] == '#')
		return;
	c = command_named(strtok_r(line, "\t", &save), cap);
	c->argv = xcalloc(len / 2 + 2, sizeof(char *));
	c->envp = environ;
	while ((word = strtok_r(NULL, "\t", &save))) {
		if (!n && !strncmp(word, "--cwd=", 6))
			c->cwd = strdup(word + 6);
		else if (!n && is_assignment(word))
			c->envp = env_with(c->envp, word);
		else
			c->argv[n++] = strdup(word);
	}
	if (!n) {
		fprintf(stderr, "timeit: '%s' has no command\n", c->label);
		exit(2);
	}
}

static void read_specs(const char *path, size_t cap)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t len = 0;

	if (!f) {
		fprintf(stderr, "timeit: cannot open '%s': %s\n", path,
			strerror(errno));
		exit(2);
	}
	while (getline(&line, &len, f) > 0)
		add_spec(line, cap);
	free(line);
	fclose(f);
}

/* Run c once, its output discarded; record the sample when keep. */
static void run_once(struct command *c, bool keep, FILE *raw, size_t round)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	double start, end;
	pid_t pid;
	int status, ret;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (c->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, c->cwd);
	start = now_ns();
	ret = posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, c->envp);
	if (ret == 0)
		ret = wait4(pid, &status, 0, &ru) < 0 ? errno : 0;
	end = now_ns();
	posix_spawn_file_actions_destroy(&fa);
	if (ret || !WIFEXITED(status) || WEXITSTATUS(status)) {
		if (!c->failures++)
			fprintf(stderr, "timeit: '%s' failed (%s)\n", c->label,
				ret ? strerror(ret) : "exit status");
		return;
	}
	if (!keep)
		return;
	c->wall[c->n] = end - start;
	c->rss[c->n] = ru.ru_maxrss;
	c->user[c->n] = tv_ns(&ru.ru_utime);
	c->sys[c->n] = tv_ns(&ru.ru_stime);
	if (raw)
		fprintf(raw, "%s\t%zu\t%.0f\n", c->label, round, c->wall[c->n]);
	c->n++;
}

/* xorshift: a fixed sequence, so two runs shuffle alike. */
static uint64_t next_random(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static void shuffle(size_t *order, size_t n)
{
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = next_random() % i;
		t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
}

static void measure(size_t runs, size_t warmup, FILE *raw)
{
	size_t order[MAX_COMMANDS], r, i;

	for (i = 0; i < n_commands; i++)
		order[i] = i;
	for (r = 0; r < warmup + runs; r++) {
		shuffle(order, n_commands);
		for (i = 0; i < n_commands; i++)
			run_once(&commands[order[i]], r >= warmup, raw,
				 r - warmup);
	}
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile of n values, sorted in place; linear between ranks. */
static double quantile(double *v, size_t n, double q)
{
	double pos, frac;
	size_t lo;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), compare);
	pos = q * (n - 1);
	lo = (size_t)pos;
	frac = pos - lo;
	return lo + 1 < n ? v[lo] * (1 - frac) + v[lo + 1] * frac : v[lo];
}

static void summarize(void)
{
	const struct command *base = &commands[0];
	double base_median, *v, *diff;
	size_t i, k, n;

	v = xcalloc(base->n, sizeof(double));
	memcpy(v, base->wall, base->n * sizeof(double));
	base_median = quantile(v, base->n, 0.5);
	free(v);
	for (i = 0; i < n_commands; i++) {
		struct command *c = &commands[i];

		n = c->n < base->n ? c->n : base->n;
		diff = xcalloc(n, sizeof(double));
		for (k = 0; k < n; k++)
			diff[k] = c->wall[k] - base->wall[k];
		printf(
		    "%s\t%zu\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%."
		    "3f\t%.0f\t%.4f\t%.4f\n",
		    c->label, c->n, c->failures,
		    quantile(c->wall, c->n, 0.5) / 1e6,
		    quantile(c->wall, c->n, 0.25) / 1e6,
		    quantile(c->wall, c->n, 0.75) / 1e6,
		    quantile(c->wall, c->n, 0) / 1e6,
		    quantile(diff, n, 0.5) / 1e6, quantile(diff, n, 0.25) / 1e6,
		    quantile(diff, n, 0.75) / 1e6,
		    base_median > 0 ? quantile(c->wall, c->n, 0.5) / base_median
				    : 0,
		    quantile(c->rss, c->n, 0.5),
		    quantile(c->user, c->n, 0.5) / 1e6,
		    quantile(c->sys, c->n, 0.5) / 1e6);
		free(diff);
	}
}

/*
 * Samples taken elsewhere, "label<TAB>round<TAB>ns"; rounds are numbered
 * alike for every label, so differences pair up as they do above.
 */
static void read_samples(const char *path)
{
	FILE *f = fopen(path, "r");
	char label[256];
	struct command *c;
	size_t round, cap = 1 << 20;
	double ns;

	if (!f) {
		fprintf(stderr, "timeit: cannot open '%s': %s\n", path,
			strerror(errno));
		exit(2);
	}
	while (fscanf(f, "%255[^\t]\t%zu\t%lf\n", label, &round, &ns) == 3) {
		c = command_named(label, cap);
		if (round != c->n || c->n == cap) {
			fprintf(stderr,
				"timeit: '%s': round %zu out of order\n", label,
				round);
			exit(2);
		}
		c->wall[c->n++] = ns;
	}
	fclose(f);
}

static int usage(void)
{
	fputs("usage: timeit [-n RUNS] [-w WARMUP] [-r RAW] SPECFILE\n"
	      "       timeit -s SAMPLES\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	size_t runs = 100, warmup = 5;
	const char *samples = NULL, *raw_path = NULL;
	FILE *raw = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "n:w:r:s:")) != -1) {
		if (opt == 'n')
			runs = strtoul(optarg, NULL, 10);
		else if (opt == 'w')
			warmup = strtoul(optarg, NULL, 10);
		else if (opt == 'r')
			raw_path = optarg;
		else if (opt == 's')
			samples = optarg;
		else
			return usage();
	}
	if (samples) {
		read_samples(samples);
	} else {
		if (optind != argc - 1 || !runs)
			return usage();
		read_specs(argv[optind], runs);
		if (raw_path && !(raw = fopen(raw_path, "w"))) {
			fprintf(stderr, "timeit: cannot write '%s': %s\n",
				raw_path, strerror(errno));
			return 2;
		}
		measure(runs, warmup, raw);
		if (raw)
			fclose(raw);
	}
	if (!n_commands)
		return usage();
	summarize();
	return 0;
}
