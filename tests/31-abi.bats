#!/usr/bin/env bats
# The hardening that depends on the Landlock ABI or on namespaces, with
# the ABI corral believes in capped (CORRAL_TEST_MAX_ABI) and namespaces
# turned off (CORRAL_TEST_NO_NAMESPACES): each fallback is named in the
# reports, and what the reports promise still holds, or fails as they say.

load helpers
load hardening_helpers

setup_file()
{
	build_probe
}

teardown_file()
{
	remove_probe
}

setup()
{
	setup_scratch
	KERNEL_ABI=$(kernel_abi)
}

teardown()
{
	teardown_scratch
}

# Run the dry-run with the ABI capped to $1.
capped_plan()
{
	local abi=$1
	shift

	run env CORRAL_TEST_MAX_ABI="$abi" "$CORRAL" run --dry-run "$@" -- true
}

@test "each capped ABI from 1 to 6 names its fallbacks and every guarantee in --dry-run" {
	local abi

	for abi in 1 2 3 4 5 6; do
		[ "$abi" -lt "$KERNEL_ABI" ] || continue
		capped_plan "$abi"
		expect_status 0
		expect_guarantees
		expect_output "filesystem: Landlock ABI $abi (capped from $KERNEL_ABI by CORRAL_TEST_MAX_ABI)"
		expect_output "terminal: seccomp denies TIOCSTI and TIOCLINUX"
		expect_output "ptrace: denied by seccomp"
		if [ "$abi" -lt 2 ]; then
			expect_output "ABI 1 has no REFER right"
		else
			refute_output "no REFER right"
		fi
		if [ "$abi" -lt 3 ]; then
			expect_output "ABI $abi has no TRUNCATE right"
		else
			refute_output "no TRUNCATE right"
		fi
		if [ "$abi" -lt 6 ]; then
			expect_output "signals: NOT ENFORCED: Landlock ABI < 6"
			expect_output "abstract UNIX sockets: NOT ENFORCED"
		else
			expect_output "signals: Landlock scope (ABI 6)"
			expect_output "abstract UNIX sockets: Landlock scope (ABI 6)"
		fi

		capped_plan "$abi" --no-net
		expect_output "network: off: seccomp allows no socket family but AF_UNIX"
		if [ "$abi" -lt 4 ]; then
			refute_output "Landlock denies every TCP bind and connect"
		else
			expect_output "Landlock denies every TCP bind and connect"
		fi
	done
}

@test "port rules below ABI 4 are refused with 125 naming the ABI, and the command does not run; from ABI 4 they work" {
	local abi flag

	[ "$KERNEL_ABI" -ge 4 ] || skip "Landlock ABI $KERNEL_ABI < 4: nothing to cap"
	for abi in 1 2 3; do
		for flag in --allow-port --allow-bind; do
			run env CORRAL_TEST_MAX_ABI=$abi "$CORRAL" run \
				"$flag" 8080 -- touch "$PROJECT/ran"
			expect_status 125
			expect_output "port rules cannot be enforced with Landlock ABI $abi"
			expect_output "hint: TCP port rules need Landlock ABI 4"
			refute_exists "$PROJECT/ran"
		done
	done

	serve tcp 0
	run env CORRAL_TEST_MAX_ABI=4 timeout -k 5 60 "$CORRAL" run \
		--read "$PROBES" --allow-port "$SERVED" -- "$PROBE" tcp "$SERVED"
	expect_status 0
	expect_output "hello from port $SERVED"
}

@test "--no-net holds by seccomp alone at ABI 1 and 3, and the same connect works without it" {
	local abi

	serve tcp 0
	for abi in 1 3; do
		run env CORRAL_TEST_MAX_ABI=$abi timeout -k 5 60 "$CORRAL" run \
			--read "$PROBES" -- "$PROBE" tcp "$SERVED"
		expect_status 0
		expect_output "hello from port $SERVED"
		run env CORRAL_TEST_MAX_ABI=$abi timeout -k 5 60 "$CORRAL" run \
			--read "$PROBES" --no-net -- "$PROBE" tcp "$SERVED"
		expect_failure
		expect_output "fail EAFNOSUPPORT"
	done
}

@test "from ABI 6 signals and abstract sockets stop at the sandbox; below it they do not, as the report says" {
	local pid name="corral-bats-$$-abstract"

	[ "$KERNEL_ABI" -ge 6 ] || skip "Landlock ABI $KERNEL_ABI < 6 has no scoping"
	start_outside sleep 600
	pid=$LAST_PID
	serve abstract "$name"

	run env CORRAL_TEST_MAX_ABI=6 timeout -k 5 60 "$CORRAL" run \
		--read "$PROBES" -- "$PROBE" kill "$pid" 0
	expect_failure
	expect_output "fail EPERM"
	run env CORRAL_TEST_MAX_ABI=6 timeout -k 5 60 "$CORRAL" run \
		--read "$PROBES" -- "$PROBE" connect "@$name"
	expect_failure

	# Signal 0 only asks whether the process could be signalled.
	capped_plan 5
	expect_output "signals: NOT ENFORCED"
	run env CORRAL_TEST_MAX_ABI=5 timeout -k 5 60 "$CORRAL" run \
		--read "$PROBES" -- "$PROBE" kill "$pid" 0
	expect_status 0
	capped_plan 5
	expect_output "abstract UNIX sockets: NOT ENFORCED"
	run env CORRAL_TEST_MAX_ABI=5 timeout -k 5 60 "$CORRAL" run \
		--read "$PROBES" -- "$PROBE" connect "@$name"
	expect_status 0
	kill -0 "$pid"
}

@test "status inside follows the capped ABI" {
	run env CORRAL_TEST_MAX_ABI=5 timeout -k 5 60 "$CORRAL" run \
		--read "$(dirname "$CORRAL")" -- "$CORRAL" status
	expect_status 0
	expect_output "confined: yes"
	expect_output "landlock-abi=5"
	expect_output "signals: NOT ENFORCED"
	expect_output "terminal: seccomp denies TIOCSTI"
}

@test "TIOCSTI stays denied at ABI 1 and without namespaces, while the outer shell still takes typed input" {
	local reason p=$PROBE c="$CORRAL run --read $PROBES --"

	reason=$(tiocsti_unavailable)
	[ -z "$reason" ] || skip "$reason"

	run timeout -k 5 90 "$PY" "$HARDENING_SRC/pty_drive.py" 24 80 \
		"$p tiocsti 0 'touch $SCRATCH/outside'" \
		"CORRAL_TEST_MAX_ABI=1 $c $p tiocsti 0 'touch $SCRATCH/abi1'" \
		"CORRAL_TEST_NO_NAMESPACES=1 $c $p tiocsti 0 'touch $SCRATCH/nons' high" \
		"CORRAL_TEST_MAX_ABI=1 CORRAL_TEST_NO_NAMESPACES=1 $c $p tiocsti tty 'touch $SCRATCH/both'"
	expect_status 0
	expect_exists "$SCRATCH/outside"
	refute_exists "$SCRATCH/abi1"
	refute_exists "$SCRATCH/nons"
	refute_exists "$SCRATCH/both"
	[ "$(grep -c 'fail EPERM (ioctl TIOCSTI' <<<"$output")" -eq 3 ]
}

@test "without namespaces the dry-run names the Landlock-only mechanisms" {
	run env CORRAL_TEST_NO_NAMESPACES=1 "$CORRAL" run --dry-run \
		--limit procs=10 -- true
	expect_status 0
	expect_guarantees
	expect_output "view: none (Landlock alone)"
	expect_output "temporary files: a fresh /tmp/corral-XXXXXX as TMPDIR"
	expect_output "credentials: denied paths inside grants left out by Landlock"
	expect_output "daemon sockets: out of reach: seccomp denies socket(AF_UNIX)"
	if [ "$(id -u)" -eq 0 ]; then
		expect_output "procs by a pids cgroup"
	else
		expect_output "procs counts every process of this user"
	fi

	run "$CORRAL" run --dry-run -- true
	expect_output "daemon sockets: hidden by the view"
	refute_output "view: none"
}

@test "without namespaces at ABI 1 the syscall filter still denies, while fork and threads work" {
	local action

	export CORRAL_TEST_NO_NAMESPACES=1 CORRAL_TEST_MAX_ABI=1
	for action in unshare clone-newuser keyctl io_uring userfaultfd \
		process_vm_readv "personality high"; do
		# shellcheck disable=SC2086 # the action and its word
		run sandbox -- "$PROBE" $action
		expect_failure
		expect_output "fail EPERM"
	done
	run sandbox -- "$PROBE" x32
	expect_status 159
	run sandbox -- "$PROBE" forks 10
	expect_status 0
	run sandbox -- "$PROBE" threads 8
	expect_status 0
}
