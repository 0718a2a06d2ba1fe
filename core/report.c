/* SPDX-License-Identifier: MIT */
/*
 * Reports in plain words: the plan (--dry-run), why a path is or is not
 * reachable, whether this process is confined, what the kernel offers.
 * Text is built in memory; the fronts print it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "internal.h"

struct text {
	FILE *f;
	char *buf;
	size_t len;
};

static int text_open(struct text *t)
{
	t->buf = NULL;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f ? 0 : -errno;
}

static int text_close(struct text *t, char **out)
{
	if (fclose(t->f)) {
		free(t->buf);
		return -ENOMEM;
	}
	*out = t->buf;
	return 0;
}

static const char *access_word(unsigned access)
{
	switch (access & (CORRAL_ACCESS_READ | CORRAL_ACCESS_WRITE)) {
	case CORRAL_ACCESS_READ:
		return "read";
	case CORRAL_ACCESS_WRITE:
		return "write";
	default:
		return "allow";
	}
}

static const char *view_word(const struct corral_plan *plan)
{
	if (!plan->namespaces)
		return "none (Landlock alone)";
	return plan->root ? "mount namespace" : "user + mount namespace";
}

static const char *net_word(const struct corral_net *net)
{
	return net->off ? "off" : net->ports ? "ports" : "on";
}

/*
 * One line for CORRAL_SANDBOX: enough for `status` inside to say which
 * mechanism keeps each guarantee.  Space-separated key=value pairs.
 */
/* The profiles applied, by name: "claude-code+node", or "default". */
static void profile_names(const struct corral_plan *plan, char *buf, size_t len)
{
	const char *label, *name;
	size_t i, n;

	snprintf(buf, len, "default");
	for (i = 0; i < plan->profile.names.n; i++) {
		label = plan->profile.names.v[i];
		name = strrchr(label, '/') ? strrchr(label, '/') + 1 : label;
		n = strcspn(name, ". ");
		if (!strncmp(name, "default", 7) && n == 7)
			continue;
		if (strlen(buf) + n + 2 < len)
			snprintf(buf + strlen(buf), len - strlen(buf), "+%.*s",
				 (int)n, name);
	}
}

int corral_plan_summary(const struct corral_plan *plan, char **text)
{
	char names[256];

	profile_names(plan, names, sizeof(names));
	return asprintf(
		       text,
		       "policy=%s view=%s landlock-abi=%d net=%s unix=%s ptrace=%s workdir=%s",
		       names, plan->namespaces ? "namespace" : "landlock-only",
		       plan->abi, net_word(&plan->net),
		       plan->net.unix_sockets ? "allowed" : "default",
		       plan->allow_ptrace ? "allowed" : "denied",
		       plan->workdir ? plan->workdir : "none") < 0
		       ? -ENOMEM
		       : 0;
}

/* The inverse, for status: fill the fields the guarantees depend on. */
static void parse_summary(const char *text, struct corral_plan *plan)
{
	const char *p;

	plan->namespaces = strstr(text, "view=namespace") != NULL;
	p = strstr(text, "landlock-abi=");
	plan->abi = p ? atoi(p + 13) : 0;
	plan->net.off = strstr(text, "net=off") != NULL;
	plan->net.ports = strstr(text, "net=ports") != NULL;
	plan->net.unix_sockets = strstr(text, "unix=allowed") != NULL;
	plan->allow_ptrace = strstr(text, "ptrace=allowed") != NULL;
}

/* How a deny or protect is kept, in words. */
static const char *carve_word(const struct corral_plan *plan,
			      const struct corral_rule *r)
{
	if (r->lifted)
		return "lifted by an explicit grant";
	if (!r->exists)
		return "does not exist";
	if (r->inside < 0 && r->kind == CORRAL_RULE_DENY)
		return plan->namespaces && r->is_dir
			       ? "outside every grant: Landlock denies it, and an empty tmpfs masks it (for the sockets in it)"
			       : "outside every grant: Landlock denies it";
	if (r->inside < 0)
		return plan->namespaces
			       ? "outside every writable grant: not writable, on a read-only mount"
			       : "outside every writable grant: not writable";
	if (plan->namespaces && r->kind == CORRAL_RULE_DENY)
		return r->is_dir ? "masked by an empty read-only tmpfs"
				 : "masked by /dev/null on a nodev mount";
	if (plan->namespaces)
		return "bound read-only over itself";
	return "Landlock grants its siblings instead of its parent";
}

static void describe_rules(const struct corral_plan *plan, FILE *f,
			   enum corral_rule_kind kind, const char *title)
{
	char buf[PATH_MAX];
	size_t i;
	bool any = false;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *r = &plan->rules[i];
		const char *shown;

		if (r->kind != kind ||
		    (!r->exists && kind == CORRAL_RULE_GRANT))
			continue;
		if (!r->exists && !plan->verbosity)
			continue;
		if (!any)
			fprintf(f, "%s:\n", title);
		any = true;
		shown = corral_path_tilde(r->path, plan->home, buf,
					  sizeof(buf));
		if (kind == CORRAL_RULE_GRANT)
			fprintf(f, "  %-6s %-40s %s\n", access_word(r->access),
				shown, r->origin);
		else
			fprintf(f, "  %-40s %s (%s)\n", shown,
				carve_word(plan, r), r->origin);
	}
}

static void describe_missing(const struct corral_plan *plan, FILE *f)
{
	char buf[PATH_MAX];
	size_t i;
	bool any = false;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *r = &plan->rules[i];

		if (r->exists || r->kind != CORRAL_RULE_GRANT)
			continue;
		if (!any)
			fprintf(f, "skipped grants (no such path):\n");
		any = true;
		fprintf(f, "  %-6s %-40s %s\n", access_word(r->access),
			corral_path_tilde(r->path, plan->home, buf,
					  sizeof(buf)),
			r->origin);
	}
}

static void guarantee_network(const struct corral_plan *plan, FILE *f)
{
	const struct corral_net *net = &plan->net;
	size_t i;

	if (net->off) {
		fprintf(f,
			"network: off: seccomp allows no socket family but AF_UNIX (no TCP, UDP, DNS, ICMP, raw, netlink, vsock, MPTCP; io_uring denied)%s\n",
			plan->abi >= 4
				? "; Landlock denies every TCP bind and connect beneath"
				: "");
		return;
	}
	if (!net->ports) {
		fprintf(f, "network: on (not restricted)\n");
		return;
	}
	fprintf(f,
		"network: TCP only, by Landlock ABI 4 port rules and a seccomp filter that lets only plain TCP sockets through (no UDP, so no DNS): connect to");
	for (i = 0; i < net->n_connect; i++)
		fprintf(f, " %u", net->connect[i]);
	fprintf(f, "%s; bind to", net->n_connect ? "" : " none");
	for (i = 0; i < net->n_bind; i++)
		fprintf(f, " %u", net->bind[i]);
	fprintf(f, "%s\n", net->n_bind ? "" : " none");
}

static void guarantee_daemons(const struct corral_plan *plan, FILE *f)
{
	size_t i;

	for (i = 0; i < plan->sockets.n; i++)
		fprintf(f, "daemon sockets: '%s' left reachable on request\n",
			plan->sockets.v[i]);
	if (plan->namespaces)
		fprintf(f,
			"daemon sockets: hidden by the view (/run/user/UID, tmux, screen, ssh-agent, gpg-agent, docker, podman, containerd, X11, system bus); their variables removed\n");
	else if (plan->net.unix_sockets)
		fprintf(f,
			"daemon sockets: REACHABLE: without a view, --allow-socket lets every pathname UNIX socket be connected (Landlock before ABI 9 does not check connect)\n");
	else
		fprintf(f,
			"daemon sockets: out of reach: seccomp denies socket(AF_UNIX) without a view (socketpair still works)\n");
}

/* Each guarantee with the mechanism that keeps it on this machine. */
static void describe_guarantees(const struct corral_plan *plan, FILE *f)
{
	fprintf(f, "credentials: %s\n",
		plan->namespaces
			? "denied paths inside grants masked in the view; elsewhere never granted (Landlock)"
			: "denied paths inside grants left out by Landlock (their siblings granted instead); elsewhere never granted");
	fprintf(f, "metadata: %s\n",
		plan->namespaces
			? "modes, owners, times and extended attributes change only in writable grants and, but for denied and protected paths, the home directory (every other mount is read-only)"
			: "NOT ENFORCED without a view: chmod, chown, utimes and xattrs work on every path the sandbox can name");
	if (!plan->namespaces)
		fprintf(f,
			"cost: without a view nothing new can be created directly in a directory that holds a denied or protected path; /dev/shm and System V IPC are the host's\n");
	guarantee_network(plan, f);
	fprintf(f,
		"terminal: seccomp denies TIOCSTI and TIOCLINUX, compared on the low 32 bits\n");
	guarantee_daemons(plan, f);
	fprintf(f, "signals: %s\n",
		plan->abi >= 6
			? "Landlock scope (ABI 6): no signal to processes outside the sandbox"
			: "NOT ENFORCED: Landlock ABI < 6 cannot scope signals; processes of the same user outside can be signalled");
	fprintf(f, "abstract UNIX sockets: %s\n",
		plan->abi >= 6
			? "Landlock scope (ABI 6): none outside the sandbox can be reached"
			: "NOT ENFORCED: Landlock ABI < 6 cannot scope them");
	fprintf(f,
		"ptrace: %s; /proc/<pid>/environ, mem, fd, cwd and root of outside processes denied by Landlock; their resource limits cannot be set (seccomp)\n",
		plan->allow_ptrace
			? "allowed, limited by Landlock to the sandbox's own processes"
			: "denied by seccomp");
	fprintf(f,
		"syscalls: seccomp denies namespace creation, mount, modules, kexec, bpf, perf, userfaultfd, keyrings, process_vm_*, io_uring, open_by_handle_at, iopl/ioperm, READ_IMPLIES_EXEC, acct, swap, reboot; x32 and foreign architectures are killed\n");
	fprintf(f,
		"environment: loader and interpreter injection variables always removed; secret-looking and daemon variables removed unless kept with --keep-env\n");
}

static void describe_mechanisms(const struct corral_plan *plan, FILE *f)
{
	size_t i;

	if (plan->abi <= 0) {
		fprintf(f,
			"filesystem: NO LANDLOCK on this kernel: corral refuses to run anything\n");
		return;
	}
	fprintf(f, "filesystem: Landlock ABI %d", plan->abi);
	if (plan->abi < corral_landlock_kernel_abi())
		fprintf(f, " (capped from %d by %s)",
			corral_landlock_kernel_abi(), CORRAL_ENV_MAX_ABI);
	fprintf(f, "\nview: %s\n", view_word(plan));
	if (plan->namespaces)
		fprintf(f,
			"temporary files: a private tmpfs on /tmp (TMPDIR=/tmp)\n");
	else
		fprintf(f,
			"temporary files: a fresh /tmp/corral-XXXXXX as TMPDIR; /tmp itself is not granted\n");
	if (!plan->namespaces)
		fprintf(f,
			"fallback: denied and protected paths inside grants are kept by Landlock alone; nothing new can be created directly in their parent directories, and names inside denied directories stay listable\n");
	if (plan->abi < 2)
		fprintf(f,
			"fallback: Landlock ABI 1 has no REFER right: renaming or linking across directories always fails\n");
	if (plan->abi < 3)
		fprintf(f,
			"fallback: Landlock ABI %d has no TRUNCATE right: truncation is not controlled\n",
			plan->abi);
	fprintf(f, "no_new_privs: set\n");
	describe_guarantees(plan, f);
	corral_blocklist_describe(plan, f);
	corral_limits_describe(plan, f);
	for (i = 0; i < plan->keep_env.n; i++)
		fprintf(f, "environment: %s kept\n", plan->keep_env.v[i]);
}

static void describe_profiles(const struct corral_plan *plan, FILE *f)
{
	size_t i;

	fprintf(f, "profiles:");
	for (i = 0; i < plan->profile.names.n; i++)
		fprintf(f, " %s", plan->profile.names.v[i]);
	fprintf(f, "\n");
	for (i = 0; i < plan->profile.replaced.n; i++)
		fprintf(f, "note: a user profile replaces the built-in '%s'\n",
			plan->profile.replaced.v[i]);
}

int corral_plan_describe(const struct corral_plan *plan, char **out)
{
	struct text t;
	size_t i;

	if (text_open(&t))
		return -ENOMEM;
	fprintf(t.f, "working directory: %s\n",
		plan->workdir ? plan->workdir : "not granted (--no-cwd)");
	describe_profiles(plan, t.f);
	describe_mechanisms(plan, t.f);
	describe_rules(plan, t.f, CORRAL_RULE_GRANT, "grants");
	describe_rules(plan, t.f, CORRAL_RULE_DENY, "denied");
	describe_rules(plan, t.f, CORRAL_RULE_PROTECT, "protected (read-only)");
	if (plan->verbosity > 0)
		describe_missing(plan, t.f);
	for (i = 0; i < plan->n_notes; i++)
		fprintf(t.f, "note: %s\n", plan->notes[i]);
	return text_close(&t, out);
}

/* The deny that covers path, innermost first, or NULL. */
static const struct corral_rule *deny_of(const struct corral_plan *plan,
					 const char *path)
{
	const struct corral_rule *best = NULL;
	size_t i;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *r = &plan->rules[i];

		if (r->kind != CORRAL_RULE_DENY || r->lifted ||
		    !corral_path_within(path, r->path))
			continue;
		if (!best || strlen(r->path) > strlen(best->path))
			best = r;
	}
	return best;
}

/*
 * A private /tmp replaces the old one: what exists there outside is
 * inside only where a grant of its own carries it in.
 */
static bool hidden_by_private_tmp(const struct corral_plan *plan,
				  const char *path, bool exists)
{
	return exists && corral_path_within(path, "/tmp") &&
	       strcmp(path, "/tmp") && corral_plan_private_tmp(plan) &&
	       !corral_plan_granted(plan, path);
}

bool corral_plan_hides(const struct corral_plan *plan, const char *path)
{
	char *real;
	bool exists, hidden;

	if (path[0] != '/')
		return false;
	real = corral_path_resolve(path, &exists);
	hidden = real && hidden_by_private_tmp(plan, real, exists);
	free(real);
	return hidden;
}

/* Whether path, missing, would have to be made in a partly granted dir. */
static bool parent_partly_granted(const struct corral_plan *plan,
				  const char *path)
{
	char *parent = strdup(path), *slash;
	bool partly;

	slash = parent ? strrchr(parent, '/') : NULL;
	if (!slash)
		partly = false;
	else {
		*(slash == parent ? slash + 1 : slash) = '\0';
		partly = corral_landlock_partly_granted(plan, parent);
	}
	free(parent);
	return partly;
}

static void why_grants(const struct corral_plan *plan, FILE *f,
		       const char *path, bool exists)
{
	/* What a grant carries into the private /tmp is as it grants it. */
	bool carried = corral_plan_granted(plan, path) != 0;
	bool read_only = false;
	unsigned access = 0;
	char buf[PATH_MAX];
	size_t i;

	for (i = 0; i < plan->n_rules; i++) {
		const struct corral_rule *r = &plan->rules[i];

		if (!r->exists || !corral_path_within(path, r->path) ||
		    (carried && !strcmp(r->origin, ORIGIN_PRIVATE_TMP)))
			continue;
		if (r->kind == CORRAL_RULE_GRANT) {
			access |= r->access;
			fprintf(f, "  %s: granted by %s '%s'\n",
				access_word(r->access), r->origin,
				corral_path_tilde(r->path, plan->home, buf,
						  sizeof(buf)));
		} else if (r->kind == CORRAL_RULE_PROTECT && !r->lifted &&
			   r->inside >= 0) {
			read_only = true;
			fprintf(f, "  read-only: protected by %s '%s', %s\n",
				r->origin,
				corral_path_tilde(r->path, plan->home, buf,
						  sizeof(buf)),
				carve_word(plan, r));
		}
	}
	if (read_only) /* whatever grant came before or after it */
		access &= ~(unsigned)CORRAL_ACCESS_WRITE;
	if ((access & CORRAL_ACCESS_WRITE) &&
	    corral_landlock_partly_granted(plan, path))
		fprintf(f,
			"  cost: a path below is kept out by Landlock alone, which grants this directory's entries one by one: nothing new can be created directly in it\n");
	if ((access & CORRAL_ACCESS_WRITE) && !exists &&
	    parent_partly_granted(plan, path)) {
		fprintf(f,
			"  verdict: cannot be created: Landlock grants its directory's entries one by one, so nothing new can be made there\n");
		return;
	}
	if (!access)
		fprintf(f,
			"  verdict: no access (no grant covers it; Landlock denies what is not granted)\n");
	else
		fprintf(f, "  verdict: %s\n",
			access == CORRAL_ACCESS_READ	? "read only"
			: access == CORRAL_ACCESS_WRITE ? "write only"
							: "read and write");
}

int corral_plan_why(const struct corral_plan *plan, const char *written,
		    char **out)
{
	struct corral_error err;
	const struct corral_rule *deny;
	char *expanded, *path, buf[PATH_MAX];
	struct text t;
	bool exists;

	if (corral_path_expand(written, plan->home, plan->workdir, &expanded,
			       &err))
		return asprintf(out, "%s: %s\n", written, err.message) < 0
			       ? -ENOMEM
			       : 0;
	path = corral_path_resolve(expanded, &exists);
	free(expanded);
	if (!path || text_open(&t)) {
		free(path);
		return -ENOMEM;
	}
	fprintf(t.f, "%s", written);
	if (strcmp(written, path))
		fprintf(t.f, " (%s)", path);
	fprintf(t.f, "%s\n", exists ? "" : ": does not exist");
	deny = deny_of(plan, path);
	if (hidden_by_private_tmp(plan, path, exists))
		fprintf(t.f,
			"  verdict: not there: the sandbox has a private /tmp, and no grant carries this path into it\n");
	else if (deny)
		fprintf(t.f, "  verdict: no access: denied by %s '%s', %s\n",
			deny->origin,
			corral_path_tilde(deny->path, plan->home, buf,
					  sizeof(buf)),
			carve_word(plan, deny));
	else
		why_grants(plan, t.f, path, exists);
	if (exists && corral_plan_blocks(plan, path))
		fprintf(t.f,
			"  execution: blocked for every descendant, by any name (--allow-command lifts it); a copy made inside, a multi-call binary or an interpreter is not blocked\n");
	free(path);
	return text_close(&t, out);
}

/* A line of /proc/self/status, such as "NoNewPrivs:\t1". */
static void status_field(FILE *out, const char *name)
{
	char line[256];
	size_t n = strlen(name);
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':')
			fprintf(out, "%s:%s", name, line + n + 1);
	fclose(f);
}

/*
 * corral never grants "/" itself, so a refused open of it betrays a
 * Landlock domain, whoever made it.
 */
bool corral_confined(void)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EACCES;
}

/* The network as the filter lets this process use it. */
static const char *probe_network(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		close(fd);
		return "on (a UDP socket can be made)";
	}
	if (errno == EAFNOSUPPORT)
		return "off (no IPv4 socket can be made)";
	if (errno == EPROTONOSUPPORT)
		return "TCP only (no UDP socket can be made)";
	return "unknown (socket() fails for another reason)";
}

/* corral's own mounts, which nothing inside a sandbox can make. */
static bool probe_view(void)
{
	char line[4096];
	bool seen = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && !seen && fgets(line, sizeof(line), f))
		seen = strstr(line, " - tmpfs corral-") != NULL;
	if (f)
		fclose(f);
	return seen;
}

/*
 * The description in CORRAL_SANDBOX is the sandbox's own account, which
 * any process inside may rewrite: what the kernel can be asked is probed
 * and shown apart, and wins.
 */
static void status_inside(FILE *f, const char *desc)
{
	struct corral_plan seen = { 0 };
	const char *net = probe_network();
	bool view = probe_view();

	fprintf(f, "probed: network %s\n", net);
	fprintf(f, "probed: view %s\n",
		view ? "a private mount namespace (corral's mounts are there)"
		     : "none (no mount of corral's)");
	if (!desc) {
		fprintf(f, "policy: not described (%s is unset)\n",
			CORRAL_ENV_SANDBOX);
		return;
	}
	fprintf(f,
		"policy: %s\n(as described by %s, which a process inside could change; the probed lines above are the kernel's)\n",
		desc, CORRAL_ENV_SANDBOX);
	parse_summary(desc, &seen);
	/* A description the kernel contradicts says nothing at all. */
	if (seen.namespaces != view ||
	    seen.net.off != !strncmp(net, "off", 3)) {
		fprintf(f,
			"warning: the description disagrees with the probes: its guarantees are not shown\n");
		return;
	}
	fprintf(f, "filesystem: Landlock ABI %d, %s\n", seen.abi,
		seen.namespaces ? "with a private mount namespace"
				: "Landlock alone (no view)");
	describe_guarantees(&seen, f);
	corral_limits_current(f);
}

int corral_status(char **out)
{
	const char *desc = getenv(CORRAL_ENV_SANDBOX);
	bool landlocked = corral_confined();
	struct text t;

	if (text_open(&t))
		return -ENOMEM;
	fprintf(t.f, "confined: %s\n", landlocked ? "yes" : "no");
	if (landlocked)
		fprintf(t.f, "landlock: in force (opening / is denied)\n");
	else
		fprintf(t.f,
			"landlock: no domain detected (opening / works)\n");
	if (landlocked)
		status_inside(t.f, desc);
	else if (desc)
		fprintf(t.f,
			"warning: %s says '%s', but no sandbox is in force\n",
			CORRAL_ENV_SANDBOX, desc);
	status_field(t.f, "NoNewPrivs");
	status_field(t.f, "Seccomp");
	status_field(t.f, "Seccomp_filters");
	status_field(t.f, "CapEff");
	return text_close(&t, out);
}

/* Try a user + mount namespace in a throw-away child. */
static const char *userns_verdict(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return "unknown (cannot fork)";
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS) ? 1 : 0);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return "unknown";
	if (WEXITSTATUS(status))
		return "not available: denied and protected paths fall back to Landlock alone";
	if (corral_namespaces_disabled())
		return "available, but disabled by " CORRAL_ENV_NO_NAMESPACES;
	return "available";
}

static void check_tiocsti(FILE *f)
{
	char buf[16] = "";
	FILE *k = fopen("/proc/sys/dev/tty/legacy_tiocsti", "re");

	if (!k) {
		fprintf(f,
			"legacy TIOCSTI: always on (kernel older than 6.2): terminal injection must be filtered\n");
		return;
	}
	if (!fgets(buf, sizeof(buf), k))
		buf[0] = '\0';
	fclose(k);
	fprintf(f, "legacy TIOCSTI: %s\n",
		buf[0] == '0'
			? "off (dev.tty.legacy_tiocsti = 0)"
			: "on (dev.tty.legacy_tiocsti = 1): terminal injection must be filtered");
}

int corral_check(char **out)
{
	int abi = corral_landlock_kernel_abi();
	struct text t;
	int seccomp;

	if (text_open(&t))
		return -ENOMEM;
	if (abi > 0)
		fprintf(t.f, "landlock: ABI %d\n", abi);
	else
		fprintf(t.f, "landlock: not available (%s)\n", strerror(-abi));
	if (abi > 0 && corral_landlock_abi() != abi)
		fprintf(t.f, "landlock: capped to ABI %d by %s\n",
			corral_landlock_abi(), CORRAL_ENV_MAX_ABI);
	fprintf(t.f, "user namespaces: %s\n", userns_verdict());
	seccomp = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0);
	fprintf(t.f, "seccomp filters: %s\n",
		seccomp < 0 && errno == EFAULT ? "available" : "not available");
	check_tiocsti(t.f);
	return text_close(&t, out);
}
