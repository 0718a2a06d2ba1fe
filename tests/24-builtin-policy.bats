#!/usr/bin/env bats
# The core engine's cases of 11-policy, run through the shells' builtins:
# every `corral run OPTIONS -- COMMAND` of the shared cases becomes
# `sandbox run OPTIONS -- COMMAND` in a fresh bash with the loadable
# builtin, or a fresh zsh with the module: the same core behind the other
# fronts.

load helpers

setup()
{
	SANDBOX=${CORRAL_BASH_BUILTIN:-$BATS_TEST_DIRNAME/../build/sandbox}
	ZSH_MODULES=${CORRAL_ZSH_MODULE_DIR:-$BATS_TEST_DIRNAME/../build/zsh}
	SANDBOX=$(cd "$(dirname "$SANDBOX")" && pwd)/$(basename "$SANDBOX")
	ZSH_MODULES=$(cd "$ZSH_MODULES" 2>/dev/null && pwd) || ZSH_MODULES=
	if [ ! -f "$SANDBOX" ] || [ ! -f "$ZSH_MODULES/corral/sandbox.so" ]; then
		echo "no builtin at $SANDBOX or module in $ZSH_MODULES: run make" >&2
		return 1
	fi
	export SANDBOX ZSH_MODULES
	setup_scratch
}

teardown()
{
	teardown_scratch
}

# The cases call corral; its run goes through the builtin of $FRONT.
corral()
{
	if [ "$1" != run ]; then
		"$CORRAL" "$@"
		return
	fi
	shift
	case $FRONT in
	bash)
		bash --norc --noprofile -c 'enable -f "$SANDBOX" sandbox || exit 99
sandbox run "$@"' bash "$@"
		;;
	zsh)
		zsh -f -c 'module_path=("$ZSH_MODULES" $module_path)
zmodload corral/sandbox || exit 99
sandbox run "$@"' zsh "$@"
		;;
	esac
}

@test "bash builtin: with ~ granted, ~/.ssh is denied while ~/notes.txt reads and writes" {
	FRONT=bash case_deny_within_allow
}

@test "bash builtin: a denied ~/.ssh that is a symlink reads neither by the link nor at its target" {
	FRONT=bash case_symlinked_dir
}

@test "bash builtin: a denied ~/.netrc that is a symlink reads neither by the link nor at its target" {
	FRONT=bash case_symlinked_file
}

@test "bash builtin: ln, mv, cp -r and rename(2) cannot carry a credential into the project" {
	FRONT=bash case_carry_out
}

@test "bash builtin: protected .git/config and .git/hooks cannot be edited, replaced or swapped" {
	FRONT=bash case_protect_git
}

@test "bash builtin: a protected ~/.bashrc reads but cannot be edited or replaced" {
	FRONT=bash case_protect_rc
}

@test "bash builtin: /proc/self/root and /proc/PID/cwd of an outside process do not reach a credential" {
	FRONT=bash case_proc_paths
}

@test "bash builtin: symlinks planted in the project do not reach a credential" {
	FRONT=bash case_planted_symlinks
}

@test "bash builtin: started inside a denied directory, relative names reach nothing" {
	FRONT=bash case_cwd_inside_deny
}

@test "bash builtin: paths with spaces, .., ~, \$HOME, // and a trailing slash mean what they say" {
	FRONT=bash case_odd_paths
}

@test "bash builtin: a directory denied in the project is neither read, written nor copied" {
	FRONT=bash case_deny_in_project
}

@test "bash builtin: a descriptor to a credential opened outside does not survive into the sandbox" {
	FRONT=bash case_inherited_fd
}

@test "bash builtin: a rule on a missing path is noted and drops no other rule" {
	FRONT=bash case_missing_paths
}

@test "zsh module: with ~ granted, ~/.ssh is denied while ~/notes.txt reads and writes" {
	FRONT=zsh case_deny_within_allow
}

@test "zsh module: a denied ~/.ssh that is a symlink reads neither by the link nor at its target" {
	FRONT=zsh case_symlinked_dir
}

@test "zsh module: a denied ~/.netrc that is a symlink reads neither by the link nor at its target" {
	FRONT=zsh case_symlinked_file
}

@test "zsh module: ln, mv, cp -r and rename(2) cannot carry a credential into the project" {
	FRONT=zsh case_carry_out
}

@test "zsh module: protected .git/config and .git/hooks cannot be edited, replaced or swapped" {
	FRONT=zsh case_protect_git
}

@test "zsh module: a protected ~/.bashrc reads but cannot be edited or replaced" {
	FRONT=zsh case_protect_rc
}

@test "zsh module: /proc/self/root and /proc/PID/cwd of an outside process do not reach a credential" {
	FRONT=zsh case_proc_paths
}

@test "zsh module: symlinks planted in the project do not reach a credential" {
	FRONT=zsh case_planted_symlinks
}

@test "zsh module: started inside a denied directory, relative names reach nothing" {
	FRONT=zsh case_cwd_inside_deny
}

@test "zsh module: paths with spaces, .., ~, \$HOME, // and a trailing slash mean what they say" {
	FRONT=zsh case_odd_paths
}

@test "zsh module: a directory denied in the project is neither read, written nor copied" {
	FRONT=zsh case_deny_in_project
}

@test "zsh module: a descriptor to a credential opened outside does not survive into the sandbox" {
	FRONT=zsh case_inherited_fd
}

@test "zsh module: a rule on a missing path is noted and drops no other rule" {
	FRONT=zsh case_missing_paths
}
