#!/usr/bin/env bats
# The core engine's cases of 11-policy, run through the shells' builtins:
# every `corral run OPTIONS -- COMMAND` of the shared cases becomes
# `sandbox run OPTIONS -- COMMAND` in a fresh zsh with the module
# loaded, the same core behind another front.

load helpers

setup()
{
	command -v zsh >/dev/null || skip "zsh is not installed"
	ZSH_MODULES=${CORRAL_ZSH_MODULE_DIR:-$BATS_TEST_DIRNAME/../build/zsh}
	ZSH_MODULES=$(cd "$ZSH_MODULES" 2>/dev/null && pwd) || ZSH_MODULES=
	if [ ! -f "$ZSH_MODULES/corral/sandbox.so" ]; then
		echo "no module at ${CORRAL_ZSH_MODULE_DIR:-build/zsh}/corral/sandbox.so: run make" >&2
		return 1
	fi
	export ZSH_MODULES
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
	zsh -f -c 'module_path=("$ZSH_MODULES" $module_path)
zmodload corral/sandbox || exit 99
sandbox run "$@"' zsh "$@"
}

@test "zsh module: with ~ granted, ~/.ssh is denied while ~/notes.txt reads and writes" {
	case_deny_within_allow
}

@test "zsh module: a denied ~/.ssh that is a symlink reads neither by the link nor at its target" {
	case_symlinked_dir
}

@test "zsh module: a denied ~/.netrc that is a symlink reads neither by the link nor at its target" {
	case_symlinked_file
}

@test "zsh module: ln, mv, cp -r and rename(2) cannot carry a credential into the project" {
	case_carry_out
}

@test "zsh module: protected .git/config and .git/hooks cannot be edited, replaced or swapped" {
	case_protect_git
}

@test "zsh module: a protected ~/.bashrc reads but cannot be edited or replaced" {
	case_protect_rc
}

@test "zsh module: /proc/self/root and /proc/PID/cwd of an outside process do not reach a credential" {
	case_proc_paths
}

@test "zsh module: symlinks planted in the project do not reach a credential" {
	case_planted_symlinks
}

@test "zsh module: started inside a denied directory, relative names reach nothing" {
	case_cwd_inside_deny
}

@test "zsh module: paths with spaces, .., ~, \$HOME, // and a trailing slash mean what they say" {
	case_odd_paths
}

@test "zsh module: a directory denied in the project is neither read, written nor copied" {
	case_deny_in_project
}

@test "zsh module: a descriptor to a credential opened outside does not survive into the sandbox" {
	case_inherited_fd
}

@test "zsh module: a rule on a missing path is noted and drops no other rule" {
	case_missing_paths
}
