#!/usr/bin/env bats
# The sandbox builtin in an interactive bash on a real terminal: tmux
# gives the shell a pty, send-keys types (Ctrl-C and Ctrl-Z included),
# capture-pane reads the screen back.

setup()
{
	command -v tmux >/dev/null || skip "tmux is not installed"
	SANDBOX=${CORRAL_BASH_BUILTIN:-$BATS_TEST_DIRNAME/../build/sandbox}
	if [ ! -f "$SANDBOX" ]; then
		echo "no builtin at $SANDBOX: run make" >&2
		return 1
	fi
	export SANDBOX

	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME/.ssh"
	echo canary-key >"$HOME/.ssh/id_ed25519"
	echo my-notes >"$HOME/notes.txt"

	# A server of our own: never the user's, and gone after the test.
	SOCK=$BATS_TEST_TMPDIR/tmux.sock
	tmux -S "$SOCK" -f /dev/null new-session -d -x 200 -y 50 \
		env -i HOME="$HOME" PATH="$PATH" TERM=xterm SANDBOX="$SANDBOX" \
		PS1='prompt$ ' bash --norc --noprofile -i
	type_line 'cd ~ && enable -f "$SANDBOX" sandbox && echo loaded'
	await '^loaded$'
}

teardown()
{
	[ -z "${SOCK:-}" ] || tmux -S "$SOCK" kill-server 2>/dev/null || true
}

pane()
{
	tmux -S "$SOCK" capture-pane -p -J -S -500
}

type_line()
{
	tmux -S "$SOCK" send-keys -l -- "$1"
	tmux -S "$SOCK" send-keys Enter
}

# await ERE: until a line on screen matches, for at most ten seconds.
await()
{
	local i

	for ((i = 0; i < 100; i++)); do
		pane | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	echo "no line matching /$1/ on the screen:" >&2
	pane >&2
	return 1
}

# A process whose command line matches ERE, in this test's session.
running()
{
	pgrep -f -- "$1" >/dev/null
}

@test "a top-level interactive shell refuses to confine itself and stays free" {
	type_line 'sandbox; echo "refused=$?"'
	await '^refused=125$'
	pane | grep -q "refusing to confine this interactive shell"
	pane | grep -q '^hint: .*--force'

	type_line 'cat ~/.ssh/id_ed25519'
	await '^canary-key$'
}

@test "a sandbox that fails never ends the interactive shell" {
	type_line 'sandbox --bogus; echo "option=$?"'
	await '^option=125$'
	type_line 'sandbox run -q --bogus true; echo "run=$?"'
	await '^run=125$'
	# A subshell that fails to confine leaves at once, with 125.
	type_line '(export CORRAL_TEST_MAX_ABI=0; sandbox -q; echo "sub ran on") ; echo "after=$?"'
	await '^after=125$'
	! pane | grep -q '^sub ran on$'
	# Forced, and failing while confining: the shell stays, and says so.
	type_line 'export CORRAL_TEST_MAX_ABI=0; sandbox -q --force; echo "forced=$?"'
	await '^forced=125$'
	type_line 'unset CORRAL_TEST_MAX_ABI; echo "still here"'
	await '^still here$'
	type_line 'cat ~/.ssh/id_ed25519'
	await '^canary-key$'
}

@test "a subshell of the interactive shell confines itself without --force" {
	type_line '( sandbox -q; cat ~/notes.txt; cat ~/.ssh/id_ed25519 2>/dev/null || echo "sub denied" )'
	await '^sub denied$'
	pane | grep -q '^my-notes$'
	type_line 'cat ~/.ssh/id_ed25519'
	await '^canary-key$'
}

@test "a confined subshell or function sees none of the history typed before, which the shell keeps" {
	type_line 'export GH_TOKEN=typed-secret; h() { echo "$1=$(history | grep -c "[0-9]  export")"; }'
	type_line '( sandbox -q; h sub )'
	await '^sub=0$'
	type_line 'sandbox run -q -- h run'
	await '^run=0$'
	type_line 'h outside'
	await '^outside=1$'
}

@test "--force confines the interactive shell itself, which keeps working" {
	type_line 'sandbox -q --force; echo "forced=$?"'
	await '^forced=0$'
	type_line 'cat ~/.ssh/id_ed25519 2>/dev/null || echo "key denied"'
	await '^key denied$'
	type_line 'cat ~/notes.txt; sandbox status | head -1'
	await '^my-notes$'
	await '^confined: yes$'
}

# await_process ERE: until a process's command line matches, or fail.
await_process()
{
	local i

	for ((i = 0; i < 50; i++)); do
		running "$1" && return 0
		sleep 0.1
	done
	echo "no process matching /$1/" >&2
	return 1
}

# await_gone ERE: until no process's command line matches, or fail.
await_gone()
{
	local i

	for ((i = 0; i < 30; i++)); do
		running "$1" || return 0
		sleep 0.1
	done
	echo "still running: /$1/" >&2
	return 1
}

# As for any command, Ctrl-C also ends the rest of the line typed: the
# status is asked for on a line of its own.
@test "Ctrl-C reaches the confined command and leaves no process behind" {
	type_line 'f() { sleep 9871; }; sandbox run -q f'
	await_process 'sleep 9871'
	tmux -S "$SOCK" send-keys C-c
	type_line 'echo "interrupted=$?"'
	await '^interrupted=130$'
	await_gone 'sleep 9871'

	type_line 'sandbox run -q sleep 9872'
	await_process 'sleep 9872'
	tmux -S "$SOCK" send-keys C-c
	type_line 'echo "interrupted=$?"; cat ~/notes.txt'
	await '^my-notes$'
	[ "$(pane | grep -c '^interrupted=130$')" -eq 2 ]
	await_gone 'sleep 9872'
}

@test "Ctrl-Z stops the confined command; fg brings it back with its status" {
	type_line 'sandbox run -q sh -c "sleep 2; exit 7"; echo "stopped=$?"'
	sleep 0.5
	tmux -S "$SOCK" send-keys C-z
	await '^stopped=148$'
	await 'Stopped +sandbox run -q sh'
	type_line 'jobs'
	await '^\[1\]\+ +Stopped +sandbox run'
	type_line 'fg; echo "fg=$?"'
	await '^fg=7$'
}

@test "Ctrl-Z and fg keep a shell function's status" {
	type_line 'f() { sleep 2; return 4; }; sandbox run -q f; echo "stopped=$?"'
	sleep 0.5
	tmux -S "$SOCK" send-keys C-z
	await '^stopped=148$'
	type_line 'fg; echo "fg=$?"'
	await '^fg=4$'
}

@test "bg and wait run a stopped confined command to its end" {
	type_line 'sandbox run -q sh -c "sleep 1; cat ~/notes.txt; exit 5"; echo "stopped=$?"'
	sleep 0.4
	tmux -S "$SOCK" send-keys C-z
	await '^stopped=148$'
	type_line 'bg; wait %1; echo "waited=$?"'
	await '^waited=5$'
	pane | grep -q '^my-notes$'
}

@test "the interactive shell unloads and reloads the builtin" {
	type_line 'enable -d sandbox; type sandbox >/dev/null 2>&1 || echo gone'
	await '^gone$'
	type_line 'enable -f "$SANDBOX" sandbox && sandbox run -q cat ~/notes.txt'
	await '^my-notes$'
}
