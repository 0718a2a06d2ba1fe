#!/usr/bin/env bats
# The core engine's cases of 11-policy, run through the shells' builtins:
# every `corral run OPTIONS -- COMMAND` of the shared cases becomes
# `sandbox run OPTIONS -- COMMAND` in a fresh bash with the loadable builtin
# loaded, the same core behind another front.

load helpers

setup()
{
	SANDBOX=${CORRAL_BASH_BUILTIN:-$BATS_TEST_DIRNAME/../build/sandbox}
	if [ ! -f "$SANDBOX" ]; then
		echo "no builtin at $SANDBOX: run make" >&2
		return 1
	fi
	SANDBOX=$(cd "$(dirname "$SANDBOX")" && pwd)/$(basename "$SANDBOX")
	export SANDBOX
	setup_scratch
}

teardown()
{
	teardown_scratch
}

# The cases call corral; its run goes through the builtin instead.
corral()
{
	if [ "$1" != run ]; then
		"$CORRAL" "$@"
		return
	fi
	shift
	bash --norc --noprofile -c 'enable -f "$SANDBOX" sandbox || exit 99
sandbox run "$@"' bash "$@"
}

@test "bash builtin: with ~ granted, ~/.ssh is denied while ~/notes.txt reads and writes" {
	case_deny_within_allow
}

@test "bash builtin: a denied ~/.ssh that is a symlink reads neither by the link nor at its target" {
	case_symlinked_dir
}

@test "bash builtin: a denied ~/.netrc that is a symlink reads neither by the link nor at its target" {
	case_symlinked_file
}

@test "bash builtin: ln, mv, cp -r and rename(2) cannot carry a credential into the project" {
	case_carry_out
}

@test "bash builtin: protected .git/config and .git/hooks cannot be edited, replaced or swapped" {
	case_protect_git
}

@test "bash builtin: a protected ~/.bashrc reads but cannot be edited or replaced" {
	case_protect_rc
}

@test "bash builtin: /proc/self/root and /proc/PID/cwd of an outside process do not reach a credential" {
	case_proc_paths
}

@test "bash builtin: symlinks planted in the project do not reach a credential" {
	case_planted_symlinks
}

@test "bash builtin: started inside a denied directory, relative names reach nothing" {
	case_cwd_inside_deny
}

@test "bash builtin: paths with spaces, .., ~, \$HOME, // and a trailing slash mean what they say" {
	case_odd_paths
}

@test "bash builtin: a directory denied in the project is neither read, written nor copied" {
	case_deny_in_project
}

@test "bash builtin: a descriptor to a credential opened outside does not survive into the sandbox" {
	case_inherited_fd
}

@test "bash builtin: a rule on a missing path is noted and drops no other rule" {
	case_missing_paths
}
