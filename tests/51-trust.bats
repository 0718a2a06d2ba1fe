#!/usr/bin/env bats
# A project's .corral.json: the nearest one above the working directory
# applies to everything corral starts there, once the user has trusted
# its exact bytes.  Each refusal is checked beside the same policy made
# acceptable, so that a trust store that trusted nothing fails too.
#
# The policy used throughout grants ~/notes.txt, which the default policy
# does not: whether the sandbox can read it says whether the policy applied.

load helpers
load tmux_helpers

setup()
{
	setup_scratch
	POLICY=$PROJECT/.corral.json
	STORE=$HOME/.local/state/corral/trusted
	write_policy "$POLICY"
}

teardown()
{
	[ -z "${TMUX_NAME:-}" ] || stop_tmux
	teardown_scratch
}

write_policy()
{
	printf '{"filesystem": {"read": ["~/notes.txt"]}}\n' >"$1"
}

# applied [DIR]: the policy is in force for a sandbox started in DIR.
applied()
{
	(cd "${1:-$PROJECT}" && corral run -q -- cat "$HOME/notes.txt") \
		>/dev/null 2>&1
}

expect_applied()
{
	if ! applied "$@"; then
		echo "the policy is not applied in ${1:-$PROJECT}" >&2
		return 1
	fi
}

expect_not_applied()
{
	if applied "$@"; then
		echo "the policy is applied in ${1:-$PROJECT}" >&2
		return 1
	fi
}

@test "an untrusted policy is not applied and corral says so; trusted, it applies" {
	run corral run -- cat "$HOME/notes.txt"
	expect_failure
	expect_output "$POLICY is not trusted: ignored; review it with 'corral trust $POLICY'"
	refute_output "notes, free to read"

	run corral trust --yes
	expect_status 0
	expect_output "trusted $POLICY (sha256 $(sha256sum <"$POLICY" | cut -d' ' -f1))"
	run corral run -- cat "$HOME/notes.txt"
	expect_status 0
	expect_output "notes, free to read"
	refute_output "not trusted"
}

@test "trust shows the file and the policy it resolves to before trusting it" {
	run corral trust --yes
	expect_status 0
	expect_output "$POLICY:"
	expect_output '{"filesystem": {"read": ["~/notes.txt"]}}'
	expect_output "resolved, on top of the default policy:"
	expect_output "\"$HOME/notes.txt\""
	grep -qx "[0-9a-f]\{64\} $POLICY" "$STORE"
}

@test "without a terminal and without --yes, nothing is trusted" {
	run corral trust </dev/null
	expect_status 125
	expect_output "not a terminal: nothing trusted"
	expect_output "hint: pass --yes"
	refute_exists "$STORE"
	expect_not_applied

	run corral trust --yes </dev/null
	expect_status 0
	expect_applied
}

@test "a policy that is not a valid profile is refused and not trusted" {
	printf '{"filesystem": {"read": [' >"$POLICY"
	run corral trust --yes
	expect_status 125
	refute_output "trusted $POLICY"
	[ ! -e "$STORE" ] || ! grep -q "$POLICY" "$STORE"

	printf '{"filesystem": {"raed": ["~/notes.txt"]}}\n' >"$POLICY"
	run corral trust --yes
	expect_status 125
	[ ! -e "$STORE" ] || ! grep -q "$POLICY" "$STORE"

	write_policy "$POLICY"
	run corral trust --yes
	expect_status 0
	expect_applied
}

@test "an edited policy is no longer applied until it is trusted again" {
	corral trust --yes >/dev/null
	expect_applied

	printf '{"filesystem": {"read": ["~/notes.txt", "~/.ssh"]}}\n' >"$POLICY"
	run corral run -- cat "$HOME/notes.txt"
	expect_failure
	expect_output "$POLICY changed since it was trusted: ignored"
	run corral trust --check
	expect_status 0
	expect_output "$POLICY is changed since trusted: not applied"
	run corral trust --list
	expect_output "changed since trusted  $POLICY"

	# One byte is enough, and the same bytes again are trusted again.
	write_policy "$POLICY"
	expect_applied
	printf ' ' >>"$POLICY"
	expect_not_applied

	run corral trust --yes
	expect_status 0
	expect_applied
	[ "$(grep -c " $POLICY\$" "$STORE")" -eq 1 ]
}

@test "the nearest trusted policy applies in subdirectories; an untrusted nearer one is passed over, a trusted one replaces it" {
	mkdir -p "$PROJECT/src/deep" "$PROJECT/lib"
	corral trust --yes >/dev/null
	expect_applied "$PROJECT/src/deep"

	# A file the sandbox could plant must not switch the trusted one off.
	printf '{}\n' >"$PROJECT/src/.corral.json"
	run bash -c 'cd "$1" && "$2" run -- cat "$HOME/notes.txt"' sh \
		"$PROJECT/src/deep" "$CORRAL"
	expect_status 0
	expect_output "$PROJECT/src/.corral.json is not trusted"
	expect_applied "$PROJECT/src/deep"
	expect_applied "$PROJECT/lib"

	corral trust --yes "$PROJECT/src" >/dev/null
	expect_not_applied "$PROJECT/src/deep"
	expect_applied "$PROJECT/lib"
}

@test "trust and untrust take a file or a directory; untrust stops the policy applying" {
	mkdir -p "$SCRATCH/other"
	write_policy "$SCRATCH/other/.corral.json"

	corral trust --yes "$SCRATCH/other/.corral.json" >/dev/null
	expect_applied "$SCRATCH/other"
	expect_not_applied

	corral trust --yes "$PROJECT" >/dev/null
	expect_applied

	run corral untrust "$SCRATCH/other"
	expect_status 0
	expect_output "untrusted $SCRATCH/other/.corral.json"
	expect_not_applied "$SCRATCH/other"
	run corral untrust "$SCRATCH/other"
	expect_status 0
	expect_output "was not trusted: $SCRATCH/other/.corral.json"
	expect_applied

	(cd "$PROJECT" && corral untrust)
	expect_not_applied
	run corral trust --list
	refute_output "$PROJECT"
	refute_output "$SCRATCH/other"
}

@test "trust --check: the trusted path on stdout, a notice on stderr, nothing without a policy" {
	mkdir -p "$SCRATCH/bare"
	cd "$SCRATCH/bare"
	run --separate-stderr corral trust --check
	expect_status 0
	[ -z "$output" ] && [ -z "$stderr" ]

	cd "$PROJECT"
	run --separate-stderr corral trust --check
	expect_status 0
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == *"$POLICY is not trusted: not applied"* ]]

	corral trust --yes >/dev/null
	run --separate-stderr corral trust --check
	expect_status 0
	[ "$output" = "$POLICY" ]
	[ -z "$stderr" ]
}

@test "trust --list says trusted, changed and missing" {
	mkdir -p "$SCRATCH/a" "$SCRATCH/b"
	write_policy "$SCRATCH/a/.corral.json"
	write_policy "$SCRATCH/b/.corral.json"
	for dir in "$PROJECT" "$SCRATCH/a" "$SCRATCH/b"; do
		corral trust --yes "$dir" >/dev/null
	done
	printf '{}\n' >"$SCRATCH/a/.corral.json"
	/usr/bin/python3 -c 'import os, sys; os.unlink(sys.argv[1])' \
		"$SCRATCH/b/.corral.json"

	run corral trust --list
	expect_status 0
	expect_output "trusted                $POLICY"
	expect_output "changed since trusted  $SCRATCH/a/.corral.json"
	expect_output "missing                $SCRATCH/b/.corral.json"
}

@test "XDG_STATE_HOME moves the trust store" {
	export XDG_STATE_HOME=$SCRATCH/state
	corral trust --yes >/dev/null
	[ -s "$SCRATCH/state/corral/trusted" ]
	refute_exists "$STORE"
	expect_applied
	XDG_STATE_HOME=$SCRATCH/other-state expect_not_applied
}

@test "a symlinked policy is refused by trust, by --check and by run; its target trusted directly is not" {
	mkdir -p "$SCRATCH/real"
	write_policy "$SCRATCH/real/.corral.json"
	rm "$POLICY"
	ln -s "$SCRATCH/real/.corral.json" "$POLICY"

	run corral trust --yes
	expect_status 125
	expect_output "cannot read policy '$POLICY': it is a symlink"
	expect_output "hint: a policy file must not be a symlink"
	refute_exists "$STORE"
	run corral trust --check
	expect_output "it is a symlink"
	run corral run -- cat "$HOME/notes.txt"
	expect_failure
	expect_output "it is a symlink"

	# Trusting the target is no way around it: the link stays refused.
	corral trust --yes "$SCRATCH/real" >/dev/null
	expect_applied "$SCRATCH/real"
	expect_not_applied
}

@test "a group- or other-writable policy is refused; the same file made private is not" {
	for mode in 666 664 646 620; do
		chmod "$mode" "$POLICY"
		run corral trust --yes
		expect_status 125
		expect_output "refusing policy '$POLICY': not a regular file of yours that only you can write"
		expect_output "hint: chmod go-w"
		[ ! -e "$STORE" ] || ! grep -q "$POLICY" "$STORE"
	done

	chmod 644 "$POLICY"
	corral trust --yes >/dev/null
	expect_applied

	# Trusted, and then opened to others: refused again.
	chmod 666 "$POLICY"
	run corral trust --check
	expect_output "refusing policy '$POLICY'"
	expect_not_applied
	chmod 600 "$POLICY"
	expect_applied
}

# A fifo would block whoever opens it: the shell's cd hook included.
@test "a directory or a fifo named .corral.json is refused, without hanging" {
	rm "$POLICY"
	mkdir "$POLICY"
	run timeout 10 "$CORRAL" trust --yes
	expect_status 125
	expect_output "refusing policy '$POLICY': not a regular file"
	rmdir "$POLICY"

	mkfifo "$POLICY"
	run timeout 10 "$CORRAL" trust --yes
	expect_status 125
	expect_output "refusing policy '$POLICY': not a regular file"
	run timeout 10 "$CORRAL" trust --check
	expect_status 0
	expect_output "refusing policy '$POLICY'"
	run timeout 10 "$CORRAL" run -- cat "$HOME/notes.txt"
	expect_failure
	[ "$status" -ne 124 ]
	/usr/bin/python3 -c 'import os, sys; os.unlink(sys.argv[1])' "$POLICY"

	write_policy "$POLICY"
	run corral trust --yes
	expect_status 0
	expect_applied
}

@test "a policy another user owns is refused; root's own is not" {
	[ "$(id -u)" -eq 0 ] ||
		skip "only root can give a file to another user (this run is $(id -un))"
	id -u corral-test >/dev/null 2>&1 || skip "no user corral-test to own the file"

	chown corral-test "$POLICY"
	run corral trust --yes
	expect_status 125
	expect_output "refusing policy '$POLICY'"
	expect_not_applied

	chown root "$POLICY"
	run corral trust --yes
	expect_status 0
	expect_applied
}

@test "a policy path holding a newline is never recorded, nor can it forge another entry" {
	local victim=$SCRATCH/victim hash odd

	mkdir -p "$victim"
	printf '{"filesystem": {"read": ["~/.ssh"]}}\n' >"$victim/.corral.json"
	hash=$(sha256sum <"$victim/.corral.json" | cut -d' ' -f1)
	odd="$SCRATCH/odd
$hash $victim"
	mkdir -p "$odd"
	write_policy "$odd/.corral.json"

	run corral trust --yes "$odd"
	expect_status 125
	expect_output "its path holds a newline"
	cd "$victim"
	run corral trust --check
	expect_output "is not trusted"
	[ ! -e "$STORE" ] || ! grep -q victim "$STORE"

	# The plain twin is trusted as usual.
	corral trust --yes "$PROJECT" >/dev/null
	expect_applied
}

@test "trust with no policy here or above says so" {
	mkdir -p "$SCRATCH/bare"
	cd "$SCRATCH/bare"
	run corral trust --yes
	expect_status 125
	expect_output "no .corral.json in this directory or above"
	run corral untrust
	expect_status 125
	run corral trust --bogus
	expect_status 125
	expect_output "usage: corral trust"
}

# A policy naming a denied path either fails the run (125) or is denied
# anyway: in no case does a canary come out.
@test "a trusted policy adds grants but cannot lift the built-in denies" {
	local grants

	for grants in \
		'"read": ["~/notes.txt", "~/.ssh", "~/.netrc"]' \
		'"allow": ["~/notes.txt", "~/.aws", "~/.git-credentials"]' \
		'"read": ["~/notes.txt", "~/.aws/credentials"]' \
		'"read": ["~/notes.txt", "~"]'; do
		printf '{"filesystem": {%s}}\n' "$grants" >"$POLICY"
		run corral trust --yes
		[ "$status" -eq 0 ] || [ "$status" -eq 125 ]
		run corral run -- sh -c "$(canary_probe)"
		refute_output LEAK
		refute_output CANARY
		run corral run -- cat "$HOME/.ssh/id_ed25519"
		expect_failure
		refute_output CANARY
		canaries_intact
	done

	# The twin: the grant the policy may add.
	write_policy "$POLICY"
	corral trust --yes >/dev/null
	run corral run -- cat "$HOME/notes.txt"
	expect_status 0
	expect_output "notes, free to read"
}

@test "a trusted policy extends profiles by name only, and what it extends lifts no deny" {
	# A file beside the policy is not covered by its trust: the sandbox
	# could rewrite it to grant itself more on its next run.
	mkdir -p "$PROJECT/.corral"
	echo '{"filesystem": {"read": ["~/notes.txt"]}}' >"$PROJECT/.corral/base.json"
	echo '{"extends": "./.corral/base.json"}' >"$POLICY"
	run corral trust --yes
	run corral run -- cat "$HOME/notes.txt"
	expect_status 125
	expect_output "a project policy extends profiles by name only"
	refute_output "notes, free to read"

	# A user profile extended by name adds its grants, but its exact
	# grant on a denied path lifts nothing when a project asks for it.
	mkdir -p "$HOME/.config/corral/profiles"
	echo '{"filesystem": {"read": ["~/notes.txt", "~/.ssh"]}}' \
		>"$HOME/.config/corral/profiles/mine.json"
	echo '{"extends": "mine"}' >"$POLICY"
	corral trust --yes >/dev/null
	run corral run -- cat "$HOME/.ssh/id_ed25519"
	expect_failure
	refute_output CANARY
	# The twin: the same profile named by the user lifts the deny.
	rm "$POLICY"
	run corral run -p mine -- cat "$HOME/.ssh/id_ed25519"
	expect_status 0
	expect_output CANARY
}

@test "a sandbox can neither trust a policy nor change a trusted one" {
	corral trust --yes >/dev/null
	echo "free" >"$PROJECT/other.txt"

	run corral run --allow "$HOME" -- sh -c 'echo edited >>other.txt'
	expect_status 0
	expect_file "$PROJECT/other.txt" "$(printf 'free\nedited')"

	for how in \
		'echo "{}" >.corral.json' \
		'echo " " >>.corral.json' \
		'echo "{}" >new && mv -f new .corral.json' \
		"$UNLINK .corral.json" \
		'"$1" trust --yes' \
		'echo "0 /x" >>"$HOME/.local/state/corral/trusted"' \
		'mkdir -p "$HOME/.local/state/corral" && echo x >"$HOME/.local/state/corral/new"'; do
		run corral run --allow "$HOME" -- sh -c "$how" sh "$CORRAL"
		expect_failure
		expect_file "$POLICY" '{"filesystem": {"read": ["~/notes.txt"]}}'
		rm -f "$PROJECT/new"
	done
	refute_exists "$HOME/.local/state/corral/new"
	[ "$(wc -l <"$STORE")" -eq 1 ]
	expect_applied

	# An untrusted policy cannot be trusted from inside either.
	mkdir -p "$PROJECT/sub"
	write_policy "$PROJECT/sub/.corral.json"
	run bash -c 'cd "$1" && "$2" run --allow "$HOME" -- "$2" trust --yes' sh \
		"$PROJECT/sub" "$CORRAL"
	expect_failure
	[ "$(wc -l <"$STORE")" -eq 1 ]
	run bash -c 'cd "$1" && "$2" run -- true' sh "$PROJECT/sub" "$CORRAL"
	expect_output "$PROJECT/sub/.corral.json is not trusted"
}

@test "the bash builtin applies a trusted policy too" {
	local sandbox
	sandbox=$(dirname "$CORRAL")/sandbox
	[ -f "$sandbox" ] || skip "no bash builtin at $sandbox: make builds it"

	run bash --norc -c 'enable -f "$1" sandbox && sandbox run -q cat "$HOME/notes.txt"' \
		sh "$sandbox"
	expect_failure
	refute_output "notes, free to read"

	corral trust --yes >/dev/null
	run bash --norc -c 'enable -f "$1" sandbox && sandbox run -q cat "$HOME/notes.txt"' \
		sh "$sandbox"
	expect_status 0
	expect_output "notes, free to read"
}

# --- on a terminal: trust asks ------------------------------------------

start_bash()
{
	command -v tmux >/dev/null || skip "tmux is not installed"
	start_tmux env -i HOME="$HOME" PATH="$PATH" TERM=xterm HISTFILE= \
		PS1="$PROMPT_MARK " bash --norc --noprofile -i
	await_prompt . || return 1
	typed "cd '$PROJECT'; CORRAL='$CORRAL'"
}

# ask ANSWER: corral trust on the terminal, ANSWER typed at its question.
ask()
{
	STEP=$((STEP + 1))
	type_line "echo :begin$STEP; \"\$CORRAL\" trust; echo \":end$STEP=\$?\""
	await '^trust exactly this policy\? \[y/N\]' || return 1
	if [ "$1" = EOF ]; then
		type_key C-d
	else
		type_line "$1"
	fi
	await_prompt "^:end$STEP=[0-9]+\$" || return 1
	output=$(since_step)
	status=$(printf '%s\n' "$output" | sed -n "s/^:end$STEP=//p")
}

@test "on a terminal, trust asks: only y or yes trusts" {
	start_bash
	for answer in n no "" EOF Y "yes please"; do
		ask "$answer"
		expect_status 1
		expect_output "corral: not trusted"
		[ ! -e "$STORE" ] || ! grep -q "$POLICY" "$STORE"
	done
	expect_not_applied

	ask y
	expect_status 0
	expect_output "trusted $POLICY"
	expect_applied

	printf ' ' >>"$POLICY"
	ask yes
	expect_status 0
	expect_applied
}
