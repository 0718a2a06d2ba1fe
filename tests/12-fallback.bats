#!/usr/bin/env bats
# Without namespaces (CORRAL_TEST_NO_NAMESPACES=1), Landlock alone keeps
# denied and protected paths: a partly granted directory is not granted,
# its other entries are.  The same cases as 11-policy must hold, at the
# documented cost: nothing new directly in a partly granted directory.

load helpers

setup()
{
	setup_scratch
	export CORRAL_TEST_NO_NAMESPACES=1
	touch "$SCRATCH/started"
}

# Without a private /tmp every run leaves its TMPDIR behind.
teardown()
{
	find /tmp -maxdepth 1 -name 'corral-??????' -user "$(id -u)" \
		-newer "$SCRATCH/started" -exec rm -rf {} + 2>/dev/null || true
	teardown_scratch
}

@test "without namespaces the plan says Landlock alone and names the cost" {
	run corral run -n --allow "$HOME" -- true
	expect_status 0
	expect_output "view: none (Landlock alone)"
	expect_output "nothing new can be created directly in their parent directories"

	run corral why --allow "$HOME" "$HOME/.ssh/id_ed25519" "$HOME/notes.txt"
	expect_status 0
	expect_output "Landlock grants its siblings instead of its parent"
	expect_output "verdict: read and write"

	# What it costs, said where it applies: ~ itself, and a file made in it.
	run corral why --allow "$HOME" "$HOME" "$HOME/new-file" "$PROJECT/new-file"
	expect_output "nothing new can be created directly in it"
	expect_output "verdict: cannot be created"
	run corral run --allow "$HOME" -- sh -c 'echo x >"$HOME/new-file"'
	expect_failure
	refute_exists "$HOME/new-file"
	run corral run --allow "$HOME" -- sh -c 'echo x >"$1/new-file"' sh "$PROJECT"
	expect_status 0
	run corral why --allow "$HOME" "$PROJECT/other-file"
	refute_output "cannot be created"
}

@test "fallback: with ~ granted, ~/.ssh is denied while ~/notes.txt reads and writes" {
	case_deny_within_allow
}

@test "fallback: the default policy keeps every credential away and the project writable" {
	run corral run -- sh -c "echo made >made-here; $(canary_probe)"
	expect_status 0
	expect_file made-here made
	refute_output LEAK
	refute_output CANARY
	canaries_intact
}

@test "fallback: a denied ~/.ssh that is a symlink reads neither by the link nor at its target" {
	case_symlinked_dir
}

@test "fallback: a denied ~/.netrc that is a symlink reads neither by the link nor at its target" {
	case_symlinked_file
}

@test "fallback: ln, mv, cp -r and rename(2) cannot carry a credential into the project" {
	case_carry_out
}

@test "fallback: protected .git/config and .git/hooks cannot be edited, replaced or swapped" {
	case_protect_git
}

@test "fallback: a protected ~/.bashrc reads but cannot be edited or replaced" {
	case_protect_rc
}

@test "fallback: /proc/self/root and /proc/PID/cwd of an outside process do not reach a credential" {
	case_proc_paths
}

@test "fallback: symlinks planted in the project do not reach a credential" {
	case_planted_symlinks
}

@test "fallback: started inside a denied directory, relative names reach nothing" {
	case_cwd_inside_deny
}

@test "fallback: paths with spaces, .., ~, \$HOME, // and a trailing slash mean what they say" {
	case_odd_paths
}

@test "fallback: a directory denied in the project is neither read, written nor copied" {
	case_deny_in_project
}

@test "fallback: a descriptor to a credential opened outside does not survive into the sandbox" {
	case_inherited_fd
}

@test "fallback: a rule on a missing path is noted and drops no other rule" {
	case_missing_paths
}

@test "the cost: nothing new directly in a partly granted directory, anything in a fully granted one" {
	mkdir -p "$HOME/docs"

	run corral run --allow "$HOME" -- sh -c 'echo new >"$HOME/docs/new" && mkdir "$HOME/docs/sub" && echo more >>"$HOME/notes.txt"'
	expect_status 0
	expect_file "$HOME/docs/new" new

	run corral run --allow "$HOME" -- touch "$HOME/new-in-home"
	expect_failure
	refute_exists "$HOME/new-in-home"
	run corral run --allow "$HOME" -- mkdir "$HOME/new-dir-in-home"
	expect_failure
	refute_exists "$HOME/new-dir-in-home"
}

@test "the sweep of old TMPDIRs removes a day-old one of this user, keeps a fresh one, and follows no link out" {
	local old fresh i

	old=$(mktemp -d /tmp/corral-XXXXXX)
	fresh=$(mktemp -d /tmp/corral-XXXXXX)
	mkdir "$old/sub" && touch "$old/sub/file" "$fresh/file"
	ln -s "$HOME" "$old/home-link"
	touch -d '3 days ago' "$old"
	run corral run -- true
	expect_status 0
	refute_exists "$old"
	[ -e "$fresh/file" ]
	expect_file "$HOME/notes.txt" "notes, free to read"
	rm -rf "$fresh"

	# A sandbox that swaps a directory for a link while the sweep runs.
	echo precious >"$HOME/victim"
	corral run --read "$BATS_TEST_DIRNAME/hardening" -- python3 \
		"$BATS_TEST_DIRNAME/hardening/sweep_race.py" "$HOME" victim \
		>"$SCRATCH/race.log" 2>&1 &
	for ((i = 0; i < 600; i++)); do
		grep -q armed "$SCRATCH/race.log" && break
		sleep 0.05
	done
	grep -q armed "$SCRATCH/race.log"
	run corral run -- true
	wait
	run cat "$SCRATCH/race.log"
	expect_output swapped
	expect_file "$HOME/victim" precious
}

@test "TMPDIR is a fresh directory of its own, said in a note; /tmp itself is not granted" {
	run corral run -- sh -c 'echo temp >"$TMPDIR/file" && cat "$TMPDIR/file" && echo "TMPDIR=$TMPDIR"; echo x >/tmp/corral-bats-$$ || echo "no /tmp"; ls /tmp >/dev/null || echo "no listing"'
	expect_output "TMPDIR is /tmp/corral-"
	expect_output "temp"
	expect_output "TMPDIR=/tmp/corral-"
	expect_output "no /tmp"
	expect_output "no listing"
}

@test "status inside says Landlock only, and what that costs" {
	run corral run --read "$(dirname "$CORRAL")" -- "$CORRAL" status
	expect_status 0
	expect_output "confined: yes"
	expect_output "view=landlock-only"
	expect_output "probed: view none"
	expect_output "cost: without a view nothing new can be created directly"
	expect_output "metadata: NOT ENFORCED without a view"

	unset CORRAL_TEST_NO_NAMESPACES
	run corral run --read "$(dirname "$CORRAL")" -- "$CORRAL" status
	refute_output "cost: without a view"
	expect_output "metadata: modes, owners, times and extended attributes change only in writable grants and"
}

@test "start-up lists the partly granted directories only, never a fully granted tree" {
	command -v strace >/dev/null || skip "strace is not installed: cannot count directory listings"
	make_git_dir
	mkdir -p big
	(cd big && seq 1 100000 | xargs touch)

	run strace -f -y -e trace=getdents64 -o "$BATS_TEST_TMPDIR/trace" \
		"$CORRAL" run -- true
	expect_status 0
	# The project holds protected paths: it is listed to grant its entries.
	grep -qE "getdents64\\([0-9]+<$PROJECT>" "$BATS_TEST_TMPDIR/trace"
	if grep -E "getdents64\\([0-9]+<$PROJECT/big>" "$BATS_TEST_TMPDIR/trace"; then
		echo "corral listed the fully granted big/" >&2
		return 1
	fi
}

@test "with Landlock ABI 1 renames across directories fail, credentials stay denied, work goes on" {
	mkdir -p a b

	run env CORRAL_TEST_MAX_ABI=1 "$CORRAL" run -n -- true
	expect_output "Landlock ABI 1 has no REFER right"

	run env CORRAL_TEST_MAX_ABI=1 "$CORRAL" run --allow "$HOME" -- sh -c \
		"echo x >a/f && mv a/f a/g && cat a/g && cat \"\$HOME/notes.txt\"; $(canary_probe)"
	expect_output "notes, free to read"
	expect_file a/g x
	refute_output LEAK
	refute_output CANARY

	# rename(2) itself: mv would fall back to copying.
	run env CORRAL_TEST_MAX_ABI=1 "$CORRAL" run -- /usr/bin/python3 -c \
		'import os; os.rename("a/g", "b/g")'
	expect_failure
	expect_output "Invalid cross-device link"
	expect_file a/g x
	run "$CORRAL" run -- /usr/bin/python3 -c 'import os; os.rename("a/g", "b/g")'
	expect_status 0
	expect_file b/g x
}
