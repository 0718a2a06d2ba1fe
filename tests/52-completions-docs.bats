#!/usr/bin/env bats
# What ships beside the binary: the bash and zsh completions, the manual
# pages (generated from --help, and kept in step with it), and
# `make install` / `make uninstall` putting all of it, the bash builtin
# and the zsh module where the shells look.

load helpers
load tmux_helpers

setup()
{
	setup_scratch
	ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	BUILD=$(dirname "$CORRAL")
	COMPLETIONS=$ROOT/completions
	# The completions ask `corral profile list`: corral must be on PATH.
	mkdir -p "$SCRATCH/bin"
	ln -s "$CORRAL" "$SCRATCH/bin/corral"
	export PATH=$SCRATCH/bin:$PATH
	mkdir -p "$HOME/.config/corral/profiles"
	echo '{"description": "a user profile"}' \
		>"$HOME/.config/corral/profiles/mine.json"
}

teardown()
{
	stop_tmux
	teardown_scratch
}

# The long options --help documents, one a line, sorted.
help_options()
{
	corral --help | sed -n '/^options:/,/^$/p' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u
}

# The subcommands --help lists, and untrust, which shares trust's line.
help_subcommands()
{
	{
		corral --help | sed -n '/^$/,/^options:/p' |
			grep -oE '^  [a-z]+  ' | tr -d ' '
		corral --help | sed -n '1,/^$/p' | grep -ow untrust
	} | sort -u
}

# The long options that start a line of --help's options.
help_entries()
{
	corral --help | sed -n '/^options:/,/^$/p' |
		grep -oE -- '^ +(-[a-z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'
}

# --- bash -------------------------------------------------------------

# complete_bash WORD...: what _corral offers for the last WORD, one a line.
complete_bash()
{
	bash --norc --noprofile -c '
		source "$1" || exit 99
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_corral "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$COMPLETIONS/corral.bash" "$@"
}

# offers WORD...: $output has each WORD as a line of its own.
offers()
{
	local word

	for word; do
		if ! printf '%s\n' "$output" | grep -qxF -- "$word"; then
			printf 'not offered: %s; offered:\n%s\n' "$word" "$output" >&2
			return 1
		fi
	done
}

refute_offers()
{
	local word

	for word; do
		if printf '%s\n' "$output" | grep -qxF -- "$word"; then
			printf 'offered, and should not be: %s\n' "$word" >&2
			return 1
		fi
	done
}

@test "bash: the completion registers for corral and sandbox" {
	run bash --norc --noprofile -c 'source "$1" && complete -p corral sandbox' \
		sh "$COMPLETIONS/corral.bash"
	expect_status 0
	expect_output "complete -F _corral corral"
	expect_output "complete -F _corral sandbox"
}

@test "bash: the first word offers exactly the subcommands --help names" {
	run complete_bash corral ''
	expect_status 0
	[ "$(printf '%s\n' "$output" | grep -v '^-' | sort)" = "$(help_subcommands)" ] || {
		printf 'completion:\n%s\n--help:\n%s\n' "$output" "$(help_subcommands)" >&2
		return 1
	}
	offers --help --version
	run complete_bash corral r
	[ "$output" = run ]
	run complete_bash corral un
	[ "$output" = untrust ]
}

@test "bash: options offered are exactly the ones --help documents" {
	run complete_bash corral run --
	expect_status 0
	[ "$(printf '%s\n' "$output" | grep -vx -- --help | sort)" = "$(help_options)" ] || {
		diff <(printf '%s\n' "$output" | grep -vx -- --help | sort) \
			<(help_options) >&2
		return 1
	}
	run complete_bash corral run --no-
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "--no-cwd --no-net " ]
	run complete_bash corral shell --allow-p
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "--allow-port --allow-ptrace " ]
}

@test "bash: profile names after -p, --profile and profile show, user profiles too" {
	run complete_bash corral run -p ''
	expect_status 0
	offers default node mine
	refute_offers built-in
	run complete_bash corral run --profile de
	[ "$output" = default ]
	run complete_bash corral run -p mi
	[ "$output" = mine ]
	run complete_bash corral profile ''
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "list show validate " ]
	run complete_bash corral profile show ''
	offers default mine
	if corral profile list | grep -q '^claude-code\b'; then
		run complete_bash corral profile show cl
		[ "$output" = claude-code ]
	fi
}

@test "bash: hook offers the shells; trust its options; paths and commands where they go" {
	run complete_bash corral hook ''
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "bash zsh " ]
	run complete_bash corral trust --
	offers --yes --list

	mkdir -p "$PROJECT/some dir" "$PROJECT/somewhere"
	cd "$PROJECT"
	run complete_bash corral run --allow som
	offers "some dir" somewhere
	run complete_bash corral why som
	offers "some dir" somewhere

	run complete_bash corral run ech
	offers echo
	run complete_bash corral run --block-command shr
	offers shred
}

@test "bash: sandbox offers subcommands and options at once" {
	run complete_bash sandbox ''
	offers run why status check --profile --force
	run complete_bash sandbox --pro
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "--profile --protect " ]
	# corral itself takes a subcommand first.
	run complete_bash corral --pro
	refute_offers --profile --protect
}

# --- zsh --------------------------------------------------------------

@test "zsh: the completion parses and declares corral and sandbox" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	zsh -n "$COMPLETIONS/_corral"
	[ "$(head -n 1 "$COMPLETIONS/_corral")" = "#compdef corral sandbox" ]
	run zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit && compinit -u -D && print -r -- "$_comps[corral] $_comps[sandbox]"' \
		sh "$COMPLETIONS"
	expect_status 0
	[ "$output" = "_corral _corral" ]
}

@test "zsh: options offered are exactly the ones --help documents" {
	local options

	options=$(grep -oE -- "--[a-z][a-z-]*" "$COMPLETIONS/_corral" |
		grep -vxE -- '--(yes|list)' | sort -u)
	[ "$options" = "$(help_options)" ] || {
		diff <(printf '%s\n' "$options") <(help_options) >&2
		return 1
	}
}

start_zsh()
{
	command -v tmux >/dev/null || skip "tmux is not installed"
	command -v zsh >/dev/null || skip "zsh is not installed"
	start_tmux env -i HOME="$HOME" PATH="$PATH" TERM=xterm \
		PS1="$PROMPT_MARK " zsh -f -i
	await_prompt . || return 1
	typed "cd '$PROJECT'; fpath=('$COMPLETIONS' \$fpath); autoload -Uz compinit && compinit -u -D"
	expect_status 0
}

# tab LINE ERE: on a cleared screen, LINE typed and then Tab; $output:
# the screen once a line matches ERE.  The line is then killed (C-u),
# never run.
tab()
{
	local line=$1 ere=$2 i

	type_key C-u
	type_key C-l
	tmux -L "$TMUX_NAME" clear-history
	for ((i = 0; i < 50; i++)); do
		[ "$(pane)" = "$PROMPT_MARK" ] && break
		sleep 0.1
	done
	tmux -L "$TMUX_NAME" send-keys -l -- "$line"
	type_key Tab
	await "$ere" || return 1
	output=$(pane)
	type_key C-u
}

@test "zsh: Tab offers subcommands, options, profile names and shells" {
	start_zsh

	tab 'corral ' '^untrust +-- '
	expect_output "run      -- run a command confined"
	expect_output "hook     -- shell code for the rc file"

	tab 'corral run --no-' '^--no-net'
	expect_output "--no-cwd"

	tab 'corral run -p defa' "^$PROMPT_RE corral run -p default\$"
	tab 'corral run -p mi' "^$PROMPT_RE corral run -p mine\$"
	tab 'corral run --profile ' '(^| )mine( |$)'
	expect_output default
	expect_output node

	tab 'corral profile show defa' "^$PROMPT_RE corral profile show default\$"
	tab 'corral profile ' '(^| )validate( |$)'
	expect_output list

	tab 'corral hook ' '(^| )zsh( |$)'
	expect_output bash

	tab 'sandbox --pro' '^--protect'
	expect_output "--profile"

	# After the command of `corral run`, its own completion: no profiles.
	mkdir -p "$PROJECT/srcdir"
	tab 'corral run -p default ls src' "^$PROMPT_RE corral run -p default ls srcdir/\$"
}

# --- manual pages -----------------------------------------------------

@test "docs/corral.1 and docs/sandbox.1 are what tools/man.sh makes of --help now" {
	"$CORRAL" --help >"$SCRATCH/help.txt"
	sh "$ROOT/tools/man.sh" corral "$SCRATCH/help.txt" >"$SCRATCH/corral.1"
	diff -u "$ROOT/docs/corral.1" "$SCRATCH/corral.1" || {
		echo "docs/corral.1 is out of step with --help: run make man" >&2
		return 1
	}

	[ -f "$BUILD/sandbox" ] || skip "no bash builtin at $BUILD/sandbox: make builds it"
	bash --norc -c 'enable -f "$1" sandbox && sandbox --help' sh "$BUILD/sandbox" |
		sed -n '/^usage:/,$p' >"$SCRATCH/sandbox-help.txt"
	[ -s "$SCRATCH/sandbox-help.txt" ]
	sh "$ROOT/tools/man.sh" sandbox "$SCRATCH/sandbox-help.txt" >"$SCRATCH/sandbox.1"
	diff -u "$ROOT/docs/sandbox.1" "$SCRATCH/sandbox.1" || {
		echo "docs/sandbox.1 is out of step with sandbox --help: run make man" >&2
		return 1
	}
}

@test "man renders both pages without warnings, an entry for each option line of --help" {
	command -v man >/dev/null || skip "man is not installed"
	local page option

	for page in corral sandbox; do
		run --separate-stderr env MANWIDTH=100 man --warnings -l "$ROOT/docs/$page.1"
		expect_status 0
		[ -z "$stderr" ] || {
			printf 'man says about %s.1:\n%s\n' "$page" "$stderr" >&2
			return 1
		}
		for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES "SEE ALSO"; do
			printf '%s\n' "$output" | grep -qx "$section"
		done
		for option in $(help_entries); do
			printf '%s\n' "$output" | grep -qE -- "^       (-[a-z], )?$option( |\$)" || {
				printf '%s.1 has no entry for %s:\n%s\n' "$page" "$option" "$output" >&2
				return 1
			}
		done
		for option in $(help_options); do
			expect_output "$option"
		done
	done

	run env MANWIDTH=100 man -l "$ROOT/docs/corral.1"
	expect_output "corral trust [--yes] [PATH]"
	expect_output "DURATION is seconds"
	# shellcheck disable=SC2088 # the page's own words, not a path
	expect_output '~/.local/state/corral/trusted'
}

@test "bash's help sandbox shows the builtin's own usage" {
	[ -f "$BUILD/sandbox" ] || skip "no bash builtin at $BUILD/sandbox: make builds it"
	run bash --norc -c 'enable -f "$1" sandbox && help sandbox' sh "$BUILD/sandbox"
	expect_status 0
	expect_output "usage: sandbox [OPTIONS]"
	expect_output "sandbox run [OPTIONS] [--] COMMAND [ARG...]"
}

# --- make install / uninstall -----------------------------------------

# make_in_copy ARG...: make with the Makefile in a copy of the tree's
# install inputs, and this build's binaries taken as they are (never
# rebuilt: others may be building in the tree).
make_in_copy()
{
	local src=$SCRATCH/src

	if [ ! -d "$src" ]; then
		mkdir -p "$src/docs" "$src/builtin"
		cp -R "$ROOT/Makefile" "$ROOT/completions" "$src/"
		cp "$ROOT"/builtin/*.mk "$src/builtin/"
		cp "$ROOT/docs/corral.1" "$ROOT/docs/sandbox.1" "$src/docs/"
	fi
	make --no-print-directory -C "$src" BUILD="$BUILD" \
		-o "$BUILD/corral" -o "$BUILD/sandbox" \
		-o "$BUILD/zsh/corral/sandbox.so" "$@"
}

@test "make install puts everything where the shells look; make uninstall takes it all away" {
	local dest=$SCRATCH/dest loadables zdir

	[ -f "$BUILD/sandbox" ] || skip "no bash builtin at $BUILD/sandbox: make builds it"
	[ -f "$BUILD/zsh/corral/sandbox.so" ] ||
		skip "no zsh module at $BUILD/zsh/corral/sandbox.so: make builds it"
	loadables=/usr/lib/bash # PREFIX/lib/bash

	run make_in_copy install DESTDIR="$dest" PREFIX=/usr
	expect_status 0

	[ -x "$dest/usr/bin/corral" ]
	cmp "$CORRAL" "$dest/usr/bin/corral"
	run "$dest/usr/bin/corral" --version
	expect_status 0
	[ "$(stat -c %a "$dest/usr/share/man/man1/corral.1")" = 644 ]
	[ "$(stat -c %a "$dest/usr/share/man/man1/sandbox.1")" = 644 ]
	cmp "$ROOT/docs/corral.1" "$dest/usr/share/man/man1/corral.1"
	cmp "$COMPLETIONS/corral.bash" "$dest/usr/share/bash-completion/completions/corral"
	[ "$(readlink "$dest/usr/share/bash-completion/completions/sandbox")" = corral ]
	cmp "$COMPLETIONS/_corral" "$dest/usr/share/zsh/vendor-completions/_corral"
	[ -x "$dest$loadables/sandbox" ]
	zdir=/usr/lib/corral/zsh
	if command -v zsh >/dev/null; then
		# Under /usr the module goes where zsh looks for its own.
		zdir=$(zsh -fc 'print -r -- $module_path[1]')
	fi
	[ -x "$dest$zdir/corral/sandbox.so" ]

	# Each installed piece works from where it was put.
	run bash --norc -c 'enable -f "$1" sandbox && type -t sandbox' sh "$dest$loadables/sandbox"
	[ "$output" = builtin ]
	if command -v zsh >/dev/null; then
		run zsh -f -c 'module_path=("$1" $module_path); zmodload corral/sandbox && whence -w sandbox' \
			sh "$dest$zdir"
		[ "$output" = "sandbox: builtin" ]
	fi
	run bash --norc -c 'source "$1" && complete -p sandbox' sh \
		"$dest/usr/share/bash-completion/completions/sandbox"
	expect_output "_corral"
	if command -v man >/dev/null; then
		run env MANWIDTH=100 man -l "$dest/usr/share/man/man1/sandbox.1"
		expect_status 0
		expect_output "SYNOPSIS"
	fi
	# The hook loads the builtins from where they are installed, beside
	# the binary (DESTDIR included).
	run "$dest/usr/bin/corral" hook bash
	expect_output "enable -f '$dest$loadables/sandbox' sandbox"
	run "$dest/usr/bin/corral" hook zsh
	expect_output "module_path+=('$dest$zdir')"

	run make_in_copy uninstall DESTDIR="$dest" PREFIX=/usr
	expect_status 0
	run find "$dest" ! -type d
	[ -z "$output" ] || {
		printf 'left behind by make uninstall:\n%s\n' "$output" >&2
		return 1
	}
}

@test "make install under /usr/local puts the zsh completion in site-functions" {
	local dest=$SCRATCH/dest zdir

	[ -f "$BUILD/sandbox" ] || skip "no bash builtin at $BUILD/sandbox: make builds it"
	[ -f "$BUILD/zsh/corral/sandbox.so" ] ||
		skip "no zsh module at $BUILD/zsh/corral/sandbox.so: make builds it"
	run make_in_copy install DESTDIR="$dest" PREFIX=/usr/local
	expect_status 0
	[ -f "$dest/usr/local/share/zsh/site-functions/_corral" ]
	[ -f "$dest/usr/local/share/bash-completion/completions/corral" ]
	[ -x "$dest/usr/local/bin/corral" ]
	zdir=/usr/local/lib/corral/zsh
	command -v zsh >/dev/null && zdir=$(zsh -fc 'print -r -- $module_path[1]')
	[ -x "$dest$zdir/corral/sandbox.so" ]
	refute_exists "$dest/usr/share/zsh/vendor-completions/_corral"

	run make_in_copy uninstall DESTDIR="$dest" PREFIX=/usr/local
	expect_status 0
	run find "$dest" ! -type d
	[ -z "$output" ]
}

@test "make run without a terminal demonstrates a denied key and an allowed write, and exits 0" {
	run sh "$ROOT/tools/demo.sh" </dev/null
	expect_status 0
	expect_output "reading ~/.ssh/id_ed25519 was refused"
	refute_output FAIL
	refute_output "corral-demo-canary"
}

@test "the dependency step says nothing when all is there, and names what is missing" {
	command -v dpkg-query >/dev/null || skip "not a Debian system: the step only lists packages"
	run sh "$ROOT/tools/deps.sh"
	expect_status 0
	[ -z "$output" ]

	[ "$(id -u)" -ne 0 ] || skip "as root a missing package would be installed, not named"
	CORRAL_TEST_DEPS_EXTRA=corral-no-such-package run sh "$ROOT/tools/deps.sh"
	expect_status 1
	expect_output "sudo apt-get install -y corral-no-such-package"
}

@test ".ci/run is make test, and make test ends with the closing line" {
	run grep -c '^make test$' "$ROOT/.ci/run"
	expect_output 1
	run grep -F 'echo "$passed passed, $failed failed"' "$ROOT/tests/run.sh"
	expect_status 0
}
