/* SPDX-License-Identifier: MIT */
/*
 * The syscall filter at confinement: the plan picks one of the programs
 * built with libseccomp when corral was built (seccomp_rules.c), and the
 * last step of every confinement loads it.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>

#include "internal.h"

/*
 * What the filter depends on.  UNIX sockets are allowed with a view (it
 * hides the daemons' sockets) or when the plan names sockets to reach.
 */
static unsigned variant_of(const struct corral_plan *plan)
{
	enum corral_filter_net net = CORRAL_FILTER_ON;
	unsigned variant = 0;

	if (plan->net.off)
		net = CORRAL_FILTER_OFF;
	else if (plan->net.ports)
		net = plan->net.n_bind ? CORRAL_FILTER_PORTS_BIND
				       : CORRAL_FILTER_PORTS;
	if (plan->allow_ptrace)
		variant |= CORRAL_FILTER_PTRACE;
	if (plan->namespaces || plan->net.unix_sockets)
		variant |= CORRAL_FILTER_UNIX;
	return variant | (unsigned)net << CORRAL_FILTER_NET_SHIFT;
}

int corral_seccomp_select(struct corral_plan *plan, struct corral_error *err)
{
	const struct corral_filter *f = &corral_filters[variant_of(plan)];

	if (!f->len)
		return corral_fail(
			err, -ENOSYS, "rebuild corral on this machine",
			"seccomp: no filter was built for this policy");
	plan->filter = f->prog;
	plan->filter_len = f->len;
	return 0;
}

/* After no_new_privs: the last layer, so it also covers corral's own exec. */
int corral_seccomp_load(const struct corral_plan *plan,
			struct corral_error *err)
{
	struct sock_fprog prog = {
		.len = (unsigned short)plan->filter_len,
		.filter = (struct sock_filter *)plan->filter,
	};

	if (!prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		return 0;
	return corral_fail(
		err, -errno, "the kernel needs CONFIG_SECCOMP_FILTER=y",
		"seccomp: cannot load the filter: %s", strerror(errno));
}
