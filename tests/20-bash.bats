#!/usr/bin/env bats
# The sandbox builtin for bash, driven by non-interactive shells.  Every
# denial is checked beside the access it must leave alone: a builtin that
# denied everything would fail half of these.

setup()
{
	SANDBOX=${CORRAL_BASH_BUILTIN:-$BATS_TEST_DIRNAME/../build/sandbox}
	CORRAL=${CORRAL:-$BATS_TEST_DIRNAME/../build/corral}
	if [ ! -f "$SANDBOX" ]; then
		echo "no builtin at $SANDBOX: run make" >&2
		return 1
	fi
	export SANDBOX CORRAL

	# A scratch home with a credential beside an ordinary file.  The
	# working directory is the home itself, so the credential lies inside
	# a granted tree: a deny within an allow.
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME/.ssh"
	echo canary-key >"$HOME/.ssh/id_ed25519"
	echo my-notes >"$HOME/notes.txt"
	cd "$HOME" || return 1
}

# sb SCRIPT: a fresh bash with the builtin loaded runs SCRIPT.
sb()
{
	bash --norc --noprofile -c 'enable -f "$SANDBOX" sandbox || exit 99
'"$1"
}

@test "the builtin loads with enable -f and exports only its entry points" {
	run sb 'type -t sandbox'
	[ "$status" -eq 0 ]
	[ "$output" = builtin ]

	command -v nm >/dev/null || skip "nm (binutils) is not installed"
	run nm -D --defined-only "$SANDBOX"
	[ "$status" -eq 0 ]
	symbols=$(printf '%s\n' "$output" | awk '{ print $3 }' | sort | tr '\n' ' ')
	[ "$symbols" = "sandbox_builtin_load sandbox_builtin_unload sandbox_struct " ]
}

@test "help sandbox and sandbox --help show the same synopsis and the core's options" {
	run sb 'sandbox --help'
	[ "$status" -eq 0 ]
	[[ "$output" == *"sandbox run [OPTIONS] [--] COMMAND"* ]]
	[[ "$output" == *"--allow PATH"* ]]
	[[ "$output" == *"--force"* ]]
	help_text=$output

	run sb 'help sandbox'
	[ "$status" -eq 0 ]
	[[ "$output" == *"sandbox run [OPTIONS] [--] COMMAND"* ]]
	[[ "$output" == *"--allow PATH"* ]]
	# Same lines, indented by help.
	[ "$(printf '%s\n' "$output" | grep -c -- '--deny PATH')" -eq 1 ]
	[ "$(printf '%s\n' "$help_text" | grep -c -- '--deny PATH')" -eq 1 ]
}

@test "sandbox run denies the credential inside the working tree and reads the notes beside it" {
	run sb 'sandbox run -q cat "$HOME/.ssh/id_ed25519"'
	[ "$status" -ne 0 ]
	[[ "$output" != *canary-key* ]]

	run sb 'sandbox run -q cat "$HOME/notes.txt"'
	[ "$status" -eq 0 ]
	[ "$output" = my-notes ]
}

@test "without namespaces, Landlock alone keeps the credential out and the notes in" {
	run sb 'CORRAL_TEST_NO_NAMESPACES=1 sandbox run -q cat "$HOME/.ssh/id_ed25519"'
	[ "$status" -ne 0 ]
	[[ "$output" != *canary-key* ]]

	run sb 'CORRAL_TEST_NO_NAMESPACES=1 sandbox run -q cat "$HOME/notes.txt"'
	[ "$status" -eq 0 ]
	[ "$output" = my-notes ]

	run sb '( CORRAL_TEST_NO_NAMESPACES=1 sandbox -q
  cat "$HOME/notes.txt"
  cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "key denied" )'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = my-notes ]
	[ "${lines[1]}" = "key denied" ]
}

@test "sandbox run --deny carves a path out of an --allow" {
	mkdir -p "$BATS_TEST_TMPDIR/data/private"
	echo open >"$BATS_TEST_TMPDIR/data/open.txt"
	echo hidden >"$BATS_TEST_TMPDIR/data/private/secret.txt"

	run sb 'sandbox run -q --allow "$BATS_TEST_TMPDIR/data" --deny "$BATS_TEST_TMPDIR/data/private" -- cat "$BATS_TEST_TMPDIR/data/private/secret.txt"'
	[ "$status" -ne 0 ]
	[[ "$output" != *hidden* ]]

	run sb 'sandbox run -q --allow "$BATS_TEST_TMPDIR/data" --deny "$BATS_TEST_TMPDIR/data/private" -- cat "$BATS_TEST_TMPDIR/data/open.txt"'
	[ "$status" -eq 0 ]
	[ "$output" = open ]
}

@test "a confined subshell is denied while its parent still reads the same file" {
	run sb '( sandbox -q; cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "sub denied" )
cat "$HOME/.ssh/id_ed25519"
( sandbox -q; cat "$HOME/notes.txt" )'
	[ "$status" -eq 0 ]
	[ "${lines[-3]}" = "sub denied" ]
	[ "${lines[-2]}" = canary-key ]
	[ "${lines[-1]}" = my-notes ]
}

@test "a non-interactive shell confines itself, without --force" {
	run sb 'sandbox -q || exit 1
cat "$HOME/notes.txt"
cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo denied'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = my-notes ]
	[ "${lines[-1]}" = denied ]
	[[ "$output" != *canary-key* ]]
}

@test "sandbox run runs a function with the caller's functions and variables, confined" {
	run sb 'greeting=hello
helper() { echo "$greeting from helper"; }
f() {
	helper
	cat "$HOME/notes.txt"
	cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "key denied"
	return 3
}
sandbox run -q f
echo "status=$?"
cat "$HOME/.ssh/id_ed25519"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hello from helper" ]
	[ "${lines[1]}" = my-notes ]
	[ "${lines[-3]}" = "key denied" ]
	[ "${lines[-2]}" = "status=3" ]
	[ "${lines[-1]}" = canary-key ]
}

@test "sandbox run runs builtins in a child, leaving the shell as it was" {
	run sb 'sandbox run -q echo from-echo
sandbox run -q cd /
pwd
x=1
sandbox run -q eval "x=2; echo inside=\$x"
echo "outside=$x"
sandbox run -q printf "%s\n" "$(cat "$HOME/notes.txt")"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-echo ]
	[ "${lines[1]}" = "$HOME" ]
	[ "${lines[2]}" = inside=2 ]
	[ "${lines[3]}" = outside=1 ]
	[ "${lines[4]}" = my-notes ]
}

@test "exit statuses are the command's: 0 1 2 126 127 130" {
	printf '#!/bin/sh\necho ran\n' >"$HOME/tool"
	chmod 0755 "$HOME/tool"
	cp "$HOME/tool" "$HOME/not-executable"
	chmod 0644 "$HOME/not-executable"
	# Outside every grant (not under /tmp either, which may be private).
	outside=$(mktemp -d /var/tmp/corral-bats.XXXXXX)
	cp "$HOME/tool" "$outside/denied-tool"

	run sb 'sandbox run -q true; echo "true=$?"
sandbox run -q false; echo "false=$?"
sandbox run -q sh -c "exit 2"; echo "two=$?"
sandbox run -q ./tool; echo "tool=$?"
sandbox run -q ./not-executable; echo "not-executable=$?"
sandbox run -q "'"$outside"'/denied-tool"; echo "denied-tool=$?"
"'"$outside"'/denied-tool"; echo "denied-tool-outside=$?"
sandbox run -q no-such-command-here; echo "missing=$?"
sandbox run -q sh -c "kill -INT \$\$"; echo "interrupted=$?"'
	rm -rf "$outside"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\n'"true=0"$'\n'* || "${lines[0]}" = true=0 ]]
	[[ "$output" == *"false=1"* ]]
	[[ "$output" == *"two=2"* ]]
	[[ "$output" == *$'ran\ntool=0'* ]]
	[[ "$output" == *"not-executable=126"* ]]
	[[ "$output" == *"denied-tool=126"* ]]
	[[ "$output" == *$'ran\ndenied-tool-outside=0'* ]]
	[[ "$output" == *"missing=127"* ]]
	[[ "$output" == *"interrupted=130"* ]]
}

@test "pipelines, PIPESTATUS, set -e and ! behave as for any command" {
	run sb 'printf "a\nb\n" | sandbox run -q wc -l
sandbox run -q false | sandbox run -q true; echo "pipestatus=${PIPESTATUS[*]}"
sandbox run -q cat "$HOME/notes.txt" | sandbox run -q tr a-z A-Z
! sandbox run -q false && echo negated
sandbox run -q false || echo "or=$?"
(set -e; sandbox run -q true; sandbox run -q false; echo unreachable)
echo "errexit=$?"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = "pipestatus=1 0" ]
	[ "${lines[2]}" = MY-NOTES ]
	[ "${lines[3]}" = negated ]
	[ "${lines[4]}" = or=1 ]
	[ "${lines[5]}" = errexit=1 ]
	[[ "$output" != *unreachable* ]]
}

@test "a confinement that fails runs nothing and exits 125" {
	# A kernel without Landlock, as the core's test knob pretends.
	run sb 'CORRAL_TEST_MAX_ABI=0 sandbox run touch "$HOME/ran"; echo "run=$?"
sandbox run -q --no-such-option touch "$HOME/ran"; echo "option=$?"
sandbox run -q; echo "nothing=$?"
sandbox run -q touch "$HOME/ran-confined"; echo "twin=$?"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"run=125"* ]]
	[[ "$output" == *"sandbox: "*"Landlock"* ]]
	[[ "$output" == *"option=125"* ]]
	[[ "$output" == *"hint: "* ]]
	[[ "$output" == *"nothing=125"* ]]
	[[ "$output" == *"twin=0"* ]]
	[ ! -e "$HOME/ran" ]
	[ -e "$HOME/ran-confined" ]
}

@test "a bare sandbox that fails in a subshell exits it with 125 before the next command" {
	run sb '( sandbox --no-such-option; touch "$HOME/after-option" ); echo "option=$?"
( CORRAL_TEST_MAX_ABI=0 sandbox; touch "$HOME/after-plan" ); echo "plan=$?"
( sandbox -q stray-word; touch "$HOME/after-word" ); echo "word=$?"
( sandbox -q; touch "$HOME/after-success" ); echo "twin=$?"
echo "parent alive"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"option=125"* ]]
	[[ "$output" == *"plan=125"* ]]
	[[ "$output" == *"word=125"* ]]
	[[ "$output" == *"twin=0"* ]]
	[ "${lines[-1]}" = "parent alive" ]
	[ ! -e "$HOME/after-option" ]
	[ ! -e "$HOME/after-plan" ]
	[ ! -e "$HOME/after-word" ]
	[ -e "$HOME/after-success" ]
}

@test "--timeout ends the confined command and its descendants with 124" {
	run sb 'sandbox run -q --timeout 1 sh -c "sleep 3071 & sleep 3071"; echo "late=$?"
sandbox run -q --timeout 10 sh -c "cat \"\$HOME/notes.txt\"; exit 3"; echo "in-time=$?"
f() { sleep 3072; }
sandbox run -q --timeout 1 f; echo "function=$?"
( sandbox -q --timeout 5; echo "ran unbounded" ); echo "bare=$?"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = late=124 ]
	[ "${lines[1]}" = my-notes ]
	[ "${lines[2]}" = in-time=3 ]
	[ "${lines[3]}" = function=124 ]
	[[ "$output" != *"ran unbounded"* ]]
	[ "${lines[-1]}" = bare=125 ]
	! pgrep -f "sleep 307[12]"
}

@test "CORRAL_SANDBOX is read-only inside and absent outside; status tells them apart" {
	run sb 'echo "outside=${CORRAL_SANDBOX-unset}"
sandbox status | head -1
( sandbox -q
  echo "inside=${CORRAL_SANDBOX:+set}"
  (CORRAL_SANDBOX=forged) 2>/dev/null || echo refused
  echo "after assignment: ${CORRAL_SANDBOX:0:7}"
  declare -p CORRAL_SANDBOX | cut -c1-11
  sandbox status | head -1 )'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = outside=unset ]
	[ "${lines[1]}" = "confined: no" ]
	[ "${lines[2]}" = inside=set ]
	[ "${lines[3]}" = refused ]
	[ "${lines[4]}" = "after assignment: policy=" ]
	[ "${lines[5]}" = "declare -rx" ]
	[ "${lines[6]}" = "confined: yes" ]
}

@test "a nested sandbox narrows and never widens" {
	# The outer layer denies ~/.ssh; an inner grant of exactly that path
	# (which would lift the deny at the top) cannot bring it back.
	run sb '( sandbox -q --read "$HOME/.ssh"; cat "$HOME/.ssh/id_ed25519" )
( sandbox -q
  ( sandbox -q --read "$HOME/.ssh"
    cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "still denied" )
  ( sandbox -q --no-cwd; cat "$HOME/notes.txt" 2>/dev/null || echo narrowed )
  cat "$HOME/notes.txt" )'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = canary-key ]
	[ "${lines[1]}" = "still denied" ]
	[ "${lines[2]}" = narrowed ]
	[ "${lines[3]}" = my-notes ]
}

@test "sandboxes nest several levels deep, run inside run and bare inside bare" {
	run sb 'f() {
	sandbox run -q cat "$HOME/notes.txt"
	sandbox run -q --no-cwd cat "$HOME/notes.txt" 2>/dev/null || echo "inner narrowed"
}
sandbox run -q f
( sandbox -q; sandbox run -q f
  ( sandbox -q; ( sandbox -q; ( sandbox -q
    cat "$HOME/notes.txt"
    cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "deep denied"
    echo tmp >"$TMPDIR/scratch" && echo "deep tmp ok" ) ) ) )'
	[ "$status" -eq 0 ]
	[ "$output" = "my-notes
inner narrowed
my-notes
inner narrowed
my-notes
deep denied
deep tmp ok" ]
}

@test "the confined shell's first environment and memory are out of its children's reach" {
	local script='export GH_TOKEN=canary-heap-$RANDOM
( sandbox -q
  sh -c "cat /proc/\$PPID/environ" 2>/dev/null | tr "\0" "\n" | grep -c canary
  /usr/bin/python3 -c "import os; open(\"/proc/%d/mem\" % os.getppid(), \"rb\")" 2>&1 | grep -c PermissionError
  sh -c "cat /proc/\$\$/environ" | tr "\0" "\n" | grep -c "^HOME=" )
sh -c "cat /proc/\$PPID/environ" | tr "\0" "\n" | grep -c canary-env
/usr/bin/python3 -c "import os; open(\"/proc/%d/mem\" % os.getppid(), \"rb\"); print(\"mem opens\")"'
	run env AWS_SECRET_ACCESS_KEY=canary-env bash --norc --noprofile -c 'enable -f "$SANDBOX" sandbox || exit 99
'"$script"
	[ "$status" -eq 0 ]
	# Inside: neither the shell's environ nor its memory; a child's own
	# environ reads.  Outside, the same reads work.
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = 1 ]
	[ "${lines[3]}" = 1 ]
	[ "${lines[4]}" = "mem opens" ]
}

@test "secrets leave the confined shell's variables and every child's environment" {
	run sb 'export GITHUB_TOKEN=ghp-canary ORDINARY=kept
unexported_password=canary-pw
readonly export RO_API_KEY=canary-ro
show() { echo "token=${GITHUB_TOKEN-unset} pw=${unexported_password-unset} ro=${RO_API_KEY-unset} ordinary=$ORDINARY"; }
sandbox run -q env | grep -E "^(GITHUB_TOKEN|RO_API_KEY|ORDINARY)=" | sort
sandbox run -q show
( sandbox -q; show; env | grep -c canary )
show'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ORDINARY=kept ]
	[ "${lines[1]}" = "token=unset pw=unset ro=unset ordinary=kept" ]
	[ "${lines[2]}" = "token=unset pw=unset ro=unset ordinary=kept" ]
	[ "${lines[3]}" = 0 ]
	[ "${lines[4]}" = "token=ghp-canary pw=canary-pw ro=canary-ro ordinary=kept" ]
}

@test "an inherited secret whose name bash cannot use leaves the environment too" {
	run timeout 20 env 'MY-TOKEN=canary' 'ODD-NAME=kept' bash --norc --noprofile -c 'enable -f "$SANDBOX" sandbox || exit 99
sandbox run -q env | grep -E "^(MY-TOKEN|ODD-NAME)="
( sandbox -q; env | grep -E "^(MY-TOKEN|ODD-NAME)=" )
env | grep -E "^(MY-TOKEN|ODD-NAME)=" | sort'
	[ "$status" -eq 0 ]
	[ "$output" = "ODD-NAME=kept
ODD-NAME=kept
MY-TOKEN=canary
ODD-NAME=kept" ]
}

@test "the plan kept by the shell does not hide a credential made after it" {
	run sb 'sandbox run -q true
touch -d "1 hour ago" "$HOME"
sandbox run -q true
mkdir "$HOME/.aws"
echo aws-canary >"$HOME/.aws/credentials"
sandbox run -q cat "$HOME/.aws/credentials" 2>/dev/null || echo "aws denied"
sandbox run -q cat "$HOME/notes.txt"'
	[ "$status" -eq 0 ]
	[[ "$output" != *aws-canary* ]]
	[ "${lines[-2]}" = "aws denied" ]
	[ "${lines[-1]}" = my-notes ]
}

@test "why and --dry-run report without confining" {
	run sb 'sandbox why "$HOME/.ssh/id_ed25519" "$HOME/notes.txt"
sandbox --dry-run >/dev/null && echo "dry-run ok"
cat "$HOME/.ssh/id_ed25519"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"no access"* ]]
	[[ "$output" == *"read and write"* ]]
	[[ "$output" == *"dry-run ok"* ]]
	[ "${lines[-1]}" = canary-key ]
}

@test "errors name the builtin and end in a hint line" {
	run sb 'sandbox frobnicate; echo "unknown=$?"'
	[[ "$output" == *"sandbox: unknown command 'frobnicate'"* ]]
	[[ "$output" == *$'\nhint: '* ]]
	[[ "$output" == *"unknown=125"* ]] || [ "$status" -eq 125 ]

	run sb 'sandbox run --bogus true; echo "status=$?"'
	[[ "$output" == *"sandbox: unknown option '--bogus'"* ]]
	[[ "$output" == *"hint: see 'sandbox --help'"* ]]
	[ "${lines[-1]}" = status=125 ]
}

@test "the builtin unloads and loads again" {
	run sb 'sandbox run -q true && echo first
enable -d sandbox && echo unloaded
sandbox 2>/dev/null || echo "not found=$?"
enable -f "$SANDBOX" sandbox && echo reloaded
sandbox run -q cat "$HOME/notes.txt"
sandbox run -q cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "still denies"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = first ]
	[ "${lines[1]}" = unloaded ]
	[ "${lines[2]}" = "not found=127" ]
	[ "${lines[3]}" = reloaded ]
	[ "${lines[4]}" = my-notes ]
	[ "${lines[5]}" = "still denies" ]
}
