/* SPDX-License-Identifier: MIT */
/*
 * The wall-clock timeout: the only time corral keeps a process of its own
 * beside the command, a parent that waits, and at the deadline ends the
 * command and every descendant, orphans included (they are reparented to
 * it as a child subreaper).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define TIMED_OUT 124

int corral_supervise_prepare(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) ? -errno : 0;
}

static pid_t parent_of(const char *pid)
{
	char path[64], buf[512], *close_paren;
	FILE *f;
	int ppid = -1;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		close_paren = strrchr(buf, ')');
		if (!close_paren || sscanf(close_paren, ") %*c %d", &ppid) != 1)
			ppid = -1;
	}
	fclose(f);
	return ppid;
}

/* SIGKILL every child of ours; returns how many were found. */
static int kill_children(void)
{
	struct dirent *de;
	DIR *proc = opendir("/proc");
	pid_t self = getpid();
	int found = 0;

	if (!proc)
		return 0;
	while ((de = readdir(proc)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
		    parent_of(de->d_name) == self) {
			kill((pid_t)atoi(de->d_name), SIGKILL);
			found++;
		}
	closedir(proc);
	return found;
}

/* End the whole tree: children die, their orphans come to us, repeat. */
static void end_tree(void)
{
	int status;

	do {
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
	} while (kill_children() > 0 || waitpid(-1, &status, WNOHANG) > 0);
	while (waitpid(-1, &status, 0) > 0)
		;
}

static int shell_status(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Milliseconds until the deadline, at most INT_MAX: what poll() takes. */
static int ms_until(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms < 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * Wait until pid exits or the deadline passes; 1 when it passed.  The
 * deadline is fixed before the first poll(), which is called again in
 * slices: a timeout beyond INT_MAX milliseconds must not wrap, and a
 * signal must not start the wait over.
 */
static int wait_until(pid_t pid, long timeout_ms, int *status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	struct timespec deadline;
	int ready, left = -1;

	if (pidfd < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += timeout_ms % 1000 * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	do {
		if (timeout_ms > 0)
			left = ms_until(&deadline);
		ready = left ? poll(&pfd, 1, left) : 0;
	} while ((ready < 0 && errno == EINTR) ||
		 (ready == 0 && left == INT_MAX));
	close(pidfd);
	if (ready == 0)
		return 1;
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static volatile sig_atomic_t command_pid;

static void pass_on(int sig)
{
	kill((pid_t)command_pid, sig);
}

int corral_supervise(const struct corral_plan *plan, int pid)
{
	struct sigaction term = { .sa_handler = pass_on };
	int status = 0, ret;

	/* Ctrl-C and Ctrl-\ are for the command; we outlive it to report. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	/*
	 * A SIGTERM meant for corral is for the command too: dying alone, we
	 * would leave it running with no deadline.  We still end the tree.
	 */
	command_pid = pid;
	sigemptyset(&term.sa_mask);
	sigaction(SIGTERM, &term, NULL);
	ret = wait_until(pid, plan->timeout_ms, &status);
	if (ret < 0)
		return ret;
	if (ret == 1) {
		kill(pid, SIGKILL);
		end_tree();
		return TIMED_OUT;
	}
	end_tree();
	return shell_status(status);
}
