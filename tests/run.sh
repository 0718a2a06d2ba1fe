#!/usr/bin/env bash
# Run every test corral has and end with one line of totals:
#   the C unit tests, then each tests/*.bats as the current user, then
#   again as an unprivileged user, since a sandbox that only works for
#   root (who needs no user namespace) would pass the first run alone.
# Expects build/corral and build/unit-tests; `make test` builds both.
set -u
shopt -s nullglob lastpipe

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
TEST_USER=corral-test
# A hung suite must not eat CI's whole budget; seconds per suite.
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}
passed=0
failed=0
skipped=0
STAGE=
TEST_HOME=

RUNTIME_DIR=

cleanup()
{
	[ -z "$STAGE" ] || rm -rf "$STAGE"
	[ -z "$TEST_HOME" ] || rm -rf "$TEST_HOME"
	[ -z "$RUNTIME_DIR" ] || rm -rf "$RUNTIME_DIR"
}
trap cleanup EXIT

# Echo TAP from stdin, counting results.  Each run also checks its own
# plan and exit status, so a suite that crashes or stops early fails
# even when every line it did print was "ok".
tally()
{
	local line planned=-1 good=0 bad=0 skip=0

	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"not ok "*) bad=$((bad + 1)) ;;
		"ok "*" # skip"* | "ok "*" # SKIP"*) skip=$((skip + 1)) ;;
		"ok "*) good=$((good + 1)) ;;
		1..*) planned=${line#1..} ;;
		esac
	done
	passed=$((passed + good))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
	TALLY_SEEN=$((good + bad + skip)) TALLY_BAD=$bad TALLY_PLANNED=$planned
}

# run_tap LABEL COMMAND...: one TAP producer, headed so that a failure
# says which suite and which user it came from.  No terminal on stdin,
# as in CI, so a test that would wait for one fails here too.
run_tap()
{
	local label=$1 status
	shift

	echo "# $label"
	timeout -k 10 "$SUITE_TIMEOUT" "$@" </dev/null 2>&1 | tally
	status=${PIPESTATUS[0]}
	if [ "$status" -eq 124 ]; then
		echo "not ok - $label: still running after ${SUITE_TIMEOUT}s"
		failed=$((failed + 1))
	elif [ "$TALLY_PLANNED" != "$TALLY_SEEN" ] &&
		[ "$TALLY_PLANNED" != -1 ]; then
		echo "not ok - $label: planned $TALLY_PLANNED, ran $TALLY_SEEN"
		failed=$((failed + 1))
	elif [ "$status" -ne 0 ] && [ "$TALLY_BAD" -eq 0 ]; then
		echo "not ok - $label: exited with status $status"
		failed=$((failed + 1))
	fi
}

run_unit()
{
	if [ ! -x build/unit-tests ]; then
		echo "not ok - no build/unit-tests (make test builds it)"
		failed=$((failed + 1))
		return
	fi
	run_tap "unit tests" build/unit-tests
}

run_suites_here()
{
	local file

	for file in tests/*.bats; do
		run_tap "$file, as $(id -un)" bats --tap "$file"
	done
}

# The unprivileged user cannot read a tree under /root, so it gets its own
# copy in a world-readable place, and a home of its own to be confined in.
# Made before the suites run as root too: some of them give files to this
# user, to see what corral makes of a file another user owns.
make_test_user()
{
	id -u "$TEST_USER" >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$TEST_USER"
}

# What a login would give the user: a runtime directory of its own, where
# the user's daemons keep their sockets (the suites check they are hidden).
make_runtime_dir()
{
	local dir

	dir=/run/user/$(id -u "$TEST_USER") || return 1
	[ -d "$dir" ] && return 0
	install -d -m 0700 -o "$TEST_USER" -g "$(id -g "$TEST_USER")" "$dir" &&
		RUNTIME_DIR=$dir
}

stage_tree()
{
	make_test_user && make_runtime_dir || return 1
	STAGE=$(mktemp -d /var/tmp/corral-tests.XXXXXX) || return 1
	TEST_HOME=$(mktemp -d /var/tmp/corral-home.XXXXXX) || return 1
	# The whole work tree, less git's store: suites may use any of it.
	tar -C "$ROOT" --exclude=./.git -cf - . | tar -C "$STAGE" -xf - ||
		return 1
	chown -R "$TEST_USER:" "$STAGE" "$TEST_HOME" &&
		chmod 0755 "$STAGE" && chmod 0700 "$TEST_HOME"
}

# With env -i nothing of root's session leaks in: only what a plain login
# would have, and CORRAL naming the staged binary.
run_suites_unprivileged()
{
	local file

	if ! stage_tree; then
		echo "not ok - cannot stage the tests for $TEST_USER"
		failed=$((failed + 1))
		return
	fi
	for file in tests/*.bats; do
		# shellcheck disable=SC2016 # expanded by the inner sh
		run_tap "$file, as $TEST_USER" \
			runuser -u "$TEST_USER" -- env -i \
			HOME="$TEST_HOME" USER="$TEST_USER" \
			LOGNAME="$TEST_USER" SHELL=/bin/sh \
			PATH=/usr/local/bin:/usr/bin:/bin \
			LANG=C.UTF-8 CORRAL="$STAGE/build/corral" \
			sh -c 'cd "$1" && exec bats --tap "$2"' sh \
			"$STAGE" "$file"
	done
}

main()
{
	local suites=(tests/*.bats)

	[ "$(id -u)" -ne 0 ] || make_test_user ||
		echo "# cannot make the user $TEST_USER: its cases will say so"
	run_unit
	if [ ${#suites[@]} -eq 0 ]; then
		echo "# no tests/*.bats suites yet: unit tests only"
	else
		run_suites_here
		if [ "$(id -u)" -eq 0 ]; then
			run_suites_unprivileged
		else
			echo "# no run as $TEST_USER: only root switches users"
		fi
	fi

	local total=$((passed + failed + skipped))

	[ "$total" -gt 0 ] || echo "# no test ran: that is a failure too"
	# The closing line is read by CI as it is: skips get a line before it.
	[ "$skipped" -eq 0 ] || echo "# $skipped skipped, each with its reason above"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
}

main
