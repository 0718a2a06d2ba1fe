#!/usr/bin/env bats
# The sandbox builtin of the zsh module corral/sandbox, driven by
# non-interactive shells: the bash builtin's suite run against zsh, and
# what only zsh has.  Every denial is checked beside the access it must
# leave alone: a module that denied everything would fail half of these.

setup()
{
	command -v zsh >/dev/null || skip "zsh is not installed"
	ZSH_MODULES=${CORRAL_ZSH_MODULE_DIR:-$BATS_TEST_DIRNAME/../build/zsh}
	ZSH_MODULES=$(cd "$ZSH_MODULES" 2>/dev/null && pwd) || ZSH_MODULES=
	CORRAL=${CORRAL:-$BATS_TEST_DIRNAME/../build/corral}
	if [ ! -f "$ZSH_MODULES/corral/sandbox.so" ]; then
		echo "no module at ${CORRAL_ZSH_MODULE_DIR:-build/zsh}/corral/sandbox.so: run make" >&2
		return 1
	fi
	export ZSH_MODULES CORRAL

	# A scratch home with a credential beside an ordinary file.  The
	# working directory is the home itself, so the credential lies inside
	# a granted tree: a deny within an allow.
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME/.ssh"
	echo canary-key >"$HOME/.ssh/id_ed25519"
	echo my-notes >"$HOME/notes.txt"
	cd "$HOME" || return 1
}

# sz SCRIPT: a fresh zsh, no rc files, with the module loaded, runs SCRIPT.
sz()
{
	zsh -f -c 'module_path=("$ZSH_MODULES" $module_path)
zmodload corral/sandbox || exit 99
'"$1"
}

@test "zmodload finds the module by name through module_path, never through MODULE_PATH" {
	run zsh -f -c 'zmodload corral/sandbox 2>/dev/null || echo "not found"'
	[ "$status" -eq 0 ]
	[ "$output" = "not found" ]

	run env MODULE_PATH="$ZSH_MODULES" zsh -f -c \
		'zmodload corral/sandbox 2>/dev/null || echo "not found"'
	[ "$output" = "not found" ]

	run zsh -f -c 'module_path=("$ZSH_MODULES" $module_path)
zmodload corral/sandbox && whence -w sandbox && zmodload -lF corral/sandbox'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sandbox: builtin" ]
	[ "${lines[1]}" = "+b:sandbox" ]
}

@test "the module exports only zsh's entry points and needs nothing zsh does not export" {
	command -v nm >/dev/null || skip "nm (binutils) is not installed"
	run nm -D --defined-only "$ZSH_MODULES/corral/sandbox.so"
	[ "$status" -eq 0 ]
	symbols=$(printf '%s\n' "$output" | awk '{ print $3 }' | sort | tr '\n' ' ')
	[ "$symbols" = "boot_ cleanup_ enables_ features_ finish_ setup_ " ]

	# Every symbol taken from zsh is one this zsh exports: a module
	# built against other headers fails here, not at the first call.
	zsh_path=$(command -v zsh)
	missing=$(comm -23 \
		<(nm -D --undefined-only "$ZSH_MODULES/corral/sandbox.so" |
			awk '{ print $2 }' | sed 's/@.*//' | sort -u) \
		<({ nm -D --defined-only "$(readlink -f "$zsh_path")"
		    ldd "$ZSH_MODULES/corral/sandbox.so" |
			awk '/=>/ { print $3 }' |
			xargs -r nm -D --defined-only; } |
			awk '{ print $3 }' | sed 's/@.*//' | sort -u) |
		grep -v -e '^_ITM_' -e '^__gmon_start__$' || true)
	[ -z "$missing" ] || {
		echo "undefined in the module and not exported: $missing" >&2
		false
	}
}

@test "sandbox --help and sandbox help show the synopsis and the core's options" {
	run sz 'sandbox --help'
	[ "$status" -eq 0 ]
	[[ "$output" == *"sandbox run [OPTIONS] [--] COMMAND"* ]]
	[[ "$output" == *"--allow PATH"* ]]
	[[ "$output" == *"--force"* ]]
	[[ "$output" == *"last stage of a pipeline"* ]]
	help_text=$output

	run sz 'sandbox help'
	[ "$status" -eq 0 ]
	[ "$output" = "$help_text" ]
	[ "$(printf '%s\n' "$output" | grep -c -- '--deny PATH')" -eq 1 ]
}

@test "sandbox run denies the credential inside the working tree and reads the notes beside it" {
	run sz 'sandbox run -q cat "$HOME/.ssh/id_ed25519"'
	[ "$status" -ne 0 ]
	[[ "$output" != *canary-key* ]]

	run sz 'sandbox run -q cat "$HOME/notes.txt"'
	[ "$status" -eq 0 ]
	[ "$output" = my-notes ]
}

@test "without namespaces, Landlock alone keeps the credential out and the notes in" {
	# zsh exports no VAR=value put before a builtin: the knob is exported.
	run sz 'export CORRAL_TEST_NO_NAMESPACES=1
sandbox run -q cat "$HOME/.ssh/id_ed25519"'
	[ "$status" -ne 0 ]
	[[ "$output" != *canary-key* ]]

	run sz 'export CORRAL_TEST_NO_NAMESPACES=1
sandbox run -q cat "$HOME/notes.txt"'
	[ "$status" -eq 0 ]
	[ "$output" = my-notes ]

	run sz '( export CORRAL_TEST_NO_NAMESPACES=1; sandbox -q
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

	run sz 'sandbox run -q --allow "$BATS_TEST_TMPDIR/data" --deny "$BATS_TEST_TMPDIR/data/private" -- cat "$BATS_TEST_TMPDIR/data/private/secret.txt"'
	[ "$status" -ne 0 ]
	[[ "$output" != *hidden* ]]

	run sz 'sandbox run -q --allow "$BATS_TEST_TMPDIR/data" --deny "$BATS_TEST_TMPDIR/data/private" -- cat "$BATS_TEST_TMPDIR/data/open.txt"'
	[ "$status" -eq 0 ]
	[ "$output" = open ]
}

@test "a confined subshell is denied while its parent still reads the same file" {
	run sz '( sandbox -q; cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "sub denied" )
cat "$HOME/.ssh/id_ed25519"
( sandbox -q; cat "$HOME/notes.txt" )'
	[ "$status" -eq 0 ]
	[ "${lines[-3]}" = "sub denied" ]
	[ "${lines[-2]}" = canary-key ]
	[ "${lines[-1]}" = my-notes ]
}

@test "a non-interactive shell confines itself, without --force" {
	run sz 'sandbox -q || exit 1
cat "$HOME/notes.txt"
cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo denied'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = my-notes ]
	[ "${lines[-1]}" = denied ]
	[[ "$output" != *canary-key* ]]
}

# zsh runs the last stage of a pipeline in the shell itself, so a bare
# sandbox there confines the shell, where bash would confine a subshell.
@test "a bare sandbox at the end of a pipeline confines the shell itself" {
	run sz 'cat "$HOME/.ssh/id_ed25519"
echo | sandbox -q
cat "$HOME/notes.txt"
cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "shell denied"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = canary-key ]
	[ "${lines[1]}" = my-notes ]
	[ "${lines[2]}" = "shell denied" ]
}

@test "sandbox run runs a function with the caller's functions and parameters, confined" {
	run sz 'greeting=hello
typeset -A table=(k v)
helper() { echo "$greeting from helper, ${table[k]}"; }
f() {
	local inner=local-value
	helper
	cat "$HOME/notes.txt"
	cat "$HOME/.ssh/id_ed25519" 2>/dev/null || echo "key denied"
	sandbox run -q print -r -- "$inner"
	return 3
}
sandbox run -q f
echo "status=$?"
cat "$HOME/.ssh/id_ed25519"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hello from helper, v" ]
	[ "${lines[1]}" = my-notes ]
	[ "${lines[2]}" = "key denied" ]
	[ "${lines[3]}" = local-value ]
	[ "${lines[4]}" = "status=3" ]
	[ "${lines[5]}" = canary-key ]
}

@test "sandbox run runs builtins in a child, leaving the shell as it was" {
	run sz 'sandbox run -q echo from-echo
sandbox run -q cd /
pwd
x=1
sandbox run -q eval "x=2; echo inside=\$x"
echo "outside=$x"
sandbox run -q printf "%s\n" "$(cat "$HOME/notes.txt")"
sandbox run -q exit 6; echo "exit=$?"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-echo ]
	[ "${lines[1]}" = "$HOME" ]
	[ "${lines[2]}" = inside=2 ]
	[ "${lines[3]}" = outside=1 ]
	[ "${lines[4]}" = my-notes ]
	[ "${lines[5]}" = exit=6 ]
}

@test "words reach the command as given: no alias, glob or expansion again" {
	run sz 'alias cat="echo aliased"
touch "$HOME/star-file"
sandbox run -q printf "<%s>\n" "*" "\$HOME" "it'\''s" "" "a  b" "é"
sandbox run -q cat "$HOME/notes.txt"'
	[ "$status" -eq 0 ]
	[ "$output" = "<*>
<\$HOME>
<it's>
<>
<a  b>
<é>
my-notes" ]
}

@test "redirections reach the confined command and no descriptor zsh saved leaks into it" {
	run sz 'sandbox run -q cat "$HOME/notes.txt" >"$HOME/out"; cat "$HOME/out"
sandbox run -q cat <<< here-string
sandbox run -q sh -c "ls /proc/self/fd" >"$HOME/fds"
sort -n "$HOME/fds" | tr "\n" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = my-notes ]
	[ "${lines[1]}" = here-string ]
	# sh's own three and the one ls lists with; zsh's copy of the
	# terminal (fd 10 and up) is not among them.
	[ "${lines[2]}" = "0 1 2 3 " ]
}

# zsh exports no VAR=value put before a builtin, so neither does
# sandbox run: the value is a shell parameter for the builtin alone,
# seen by a function run confined, not by a program.
@test "a prefix assignment reaches a confined function, --set-env reaches a program" {
	run sz 'f() { echo "f sees ${FOO-unset}"; }
FOO=bar sandbox run -q f
FOO=bar sandbox run -q printenv FOO || echo "program: not exported"
sandbox run -q --set-env FOO=bar printenv FOO
export FOO=exported; sandbox run -q printenv FOO'
	[ "$status" -eq 0 ]
	[ "$output" = "f sees bar
program: not exported
bar
exported" ]
}

@test "exit statuses are the command's: 0 1 2 126 127 130" {
	printf '#!/bin/sh\necho ran\n' >"$HOME/tool"
	chmod 0755 "$HOME/tool"
	cp "$HOME/tool" "$HOME/not-executable"
	chmod 0644 "$HOME/not-executable"
	# Outside every grant (not under /tmp either, which may be private).
	outside=$(mktemp -d /var/tmp/corral-bats.XXXXXX)
	cp "$HOME/tool" "$outside/denied-tool"

	run sz 'sandbox run -q true; echo "true=$?"
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
	[[ "$output" == *"true=0"* ]]
	[[ "$output" == *"false=1"* ]]
	[[ "$output" == *"two=2"* ]]
	[[ "$output" == *$'ran\ntool=0'* ]]
	[[ "$output" == *"not-executable=126"* ]]
	[[ "$output" == *"denied-tool=126"* ]]
	[[ "$output" == *$'ran\ndenied-tool-outside=0'* ]]
	[[ "$output" == *"missing=127"* ]]
	[[ "$output" == *"interrupted=130"* ]]
}

@test "pipelines, pipestatus and ! behave as for any command" {
	run sz 'printf "a\nb\n" | sandbox run -q wc -l
sandbox run -q false | sandbox run -q true; echo "pipestatus=$pipestatus"
sandbox run -q sh -c "exit 3" | sandbox run -q sh -c "exit 4"; echo "both=${pipestatus[*]}"
sandbox run -q cat "$HOME/notes.txt" | sandbox run -q tr a-z A-Z
! sandbox run -q false && echo negated
sandbox run -q false || echo "or=$?"
echo "$(sandbox run -q cat "$HOME/notes.txt")" from substitution'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = "pipestatus=1 0" ]
	[ "${lines[2]}" = "both=3 4" ]
	[ "${lines[3]}" = MY-NOTES ]
	[ "${lines[4]}" = negated ]
	[ "${lines[5]}" = or=1 ]
	[ "${lines[6]}" = "my-notes from substitution" ]
}

@test "setopt ERR_EXIT stops at a failing confined command and not at a passing one" {
	run sz 'setopt ERR_EXIT
sandbox run -q true
echo "after true"
sandbox run -q false || echo "handled=$?"
sandbox run -q sh -c "exit 5"
echo unreachable'
	[ "$status" -eq 5 ]
	[ "${lines[0]}" = "after true" ]
	[ "${lines[1]}" = "handled=1" ]
	[[ "$output" != *unreachable* ]]

	run sz 'setopt ERR_EXIT
( sandbox -q; sandbox run -q true; echo inside; false; echo unreachable )'
	[ "$status" -eq 1 ]
	[ "$output" = inside ]
}

# After confinement the shell still loads files lazily: an autoloaded
# function whose file lies outside the grants must be loaded before.
@test "a function autoloaded before confinement runs inside; one left to load later is denied" {
	outside=$(mktemp -d /var/tmp/corral-bats.XXXXXX)
	printf 'echo "early ran"\n' >"$outside/early"
	printf 'echo "late ran"\n' >"$outside/late"

	run sz 'fpath=("'"$outside"'" $fpath)
autoload -Uz early late
autoload +X early
sandbox run -q early
sandbox run -q late 2>/dev/null || echo "late denied in run"
( sandbox -q; early; late 2>/dev/null || echo "late denied in subshell" )
late'
	rm -rf "$outside"
	[ "$status" -eq 0 ]
	[ "$output" = "early ran
late denied in run
early ran
late denied in subshell
late ran" ]
}

@test "a confinement that fails runs nothing and exits 125" {
	# A kernel without Landlock, as the core's test knob pretends.
	run sz '( export CORRAL_TEST_MAX_ABI=0; sandbox run touch "$HOME/ran" ); echo "run=$?"
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
	run sz '( sandbox --no-such-option; touch "$HOME/after-option" ); echo "option=$?"
( export CORRAL_TEST_MAX_ABI=0; sandbox; touch "$HOME/after-plan" ); echo "plan=$?"
( sandbox -q stray-word; touch "$HOME/after-word" ); echo "word=$?"
( f() { sandbox --no-such-option; touch "$HOME/after-function" }; f; touch "$HOME/after-call" ); echo "function=$?"
( sandbox -q; touch "$HOME/after-success" ); echo "twin=$?"
echo "parent alive"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"option=125"* ]]
	[[ "$output" == *"plan=125"* ]]
	[[ "$output" == *"word=125"* ]]
	[[ "$output" == *"function=125"* ]]
	[[ "$output" == *"twin=0"* ]]
	[ "${lines[-1]}" = "parent alive" ]
	[ ! -e "$HOME/after-option" ]
	[ ! -e "$HOME/after-plan" ]
	[ ! -e "$HOME/after-word" ]
	[ ! -e "$HOME/after-function" ]
	[ ! -e "$HOME/after-call" ]
	[ -e "$HOME/after-success" ]
}

@test "a bare sandbox failing at the end of a pipeline ends the script shell with 125" {
	# Refused before anything is applied: the shell leaves as by exit,
	# traps and all.
	run sz 'trap "echo exit-trap" EXIT
echo | sandbox -q --bogus
touch "$HOME/after-option"'
	[ "$status" -eq 125 ]
	[[ "$output" == *"sandbox:"*"unknown option '--bogus'"* ]]
	[ "${lines[-1]}" = exit-trap ]
	[ ! -e "$HOME/after-option" ]

	# Failed while confining, so perhaps partly confined: no trap runs.
	run sz 'trap "echo exit-trap" EXIT
export CORRAL_TEST_MAX_ABI=0
echo | sandbox -q
touch "$HOME/after-failure"'
	[ "$status" -eq 125 ]
	[[ "$output" == *"sandbox:"*"Landlock"* ]]
	[[ "$output" != *exit-trap* ]]
	[ ! -e "$HOME/after-failure" ]

	run sz 'echo | sandbox -q; touch "$HOME/after-success"'
	[ "$status" -eq 0 ]
	[ -e "$HOME/after-success" ]
}

@test "--timeout ends the confined command and its descendants with 124" {
	run sz 'sandbox run -q --timeout 1 sh -c "sleep 3071 & sleep 3071"; echo "late=$?"
sandbox run -q --timeout 10 sh -c "cat \"\$HOME/notes.txt\"; exit 3"; echo "in-time=$?"
f() { sleep 3072; }
sandbox run -q --timeout 1 f; echo "function=$?"
g() { sleep 0.2; return 9; }
sandbox run -q --timeout 10 g; echo "function-in-time=$?"
( sandbox -q --timeout 5; echo "ran unbounded" ); echo "bare=$?"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = late=124 ]
	[ "${lines[1]}" = my-notes ]
	[ "${lines[2]}" = in-time=3 ]
	[ "${lines[3]}" = function=124 ]
	[ "${lines[4]}" = function-in-time=9 ]
	[[ "$output" != *"ran unbounded"* ]]
	[ "${lines[-1]}" = bare=125 ]
	! pgrep -f "sleep 307[12]"
}

@test "CORRAL_SANDBOX is read-only inside and absent outside; status tells them apart" {
	run sz 'echo "outside=${CORRAL_SANDBOX-unset}"
sandbox status | head -1
( sandbox -q
  echo "inside=${CORRAL_SANDBOX:+set}"
  (CORRAL_SANDBOX=forged) 2>/dev/null || echo refused
  (unset CORRAL_SANDBOX) 2>/dev/null || echo "unset refused"
  echo "after assignment: ${CORRAL_SANDBOX[1,7]}"
  typeset -p CORRAL_SANDBOX | cut -c1-9
  env | grep -c "^CORRAL_SANDBOX=policy="
  sandbox status | head -1 )'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = outside=unset ]
	[ "${lines[1]}" = "confined: no" ]
	[ "${lines[2]}" = inside=set ]
	[ "${lines[3]}" = refused ]
	[ "${lines[4]}" = "unset refused" ]
	[ "${lines[5]}" = "after assignment: policy=" ]
	[ "${lines[6]}" = "export -r" ]
	[ "${lines[7]}" = 1 ]
	[ "${lines[8]}" = "confined: yes" ]
}

@test "a nested sandbox narrows and never widens" {
	# The outer layer denies ~/.ssh; an inner grant of exactly that path
	# (which would lift the deny at the top) cannot bring it back.
	run sz '( sandbox -q --read "$HOME/.ssh"; cat "$HOME/.ssh/id_ed25519" )
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
	run sz 'f() {
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
	run env AWS_SECRET_ACCESS_KEY=canary-env zsh -f -c 'module_path=("$ZSH_MODULES" $module_path)
zmodload corral/sandbox || exit 99
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

@test "secrets leave the confined shell's parameters and every child's environment" {
	run sz 'export GITHUB_TOKEN=ghp-canary ORDINARY=kept
unexported_password=canary-pw
typeset -rx RO_API_KEY=canary-ro
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

@test "an inherited variable whose name zsh cannot use is scrubbed all the same" {
	# zsh makes no parameter of MY-TOKEN and leaves it in environ.
	run env 'MY-TOKEN=canary-inv' 'MY-NOTE=kept-inv' zsh -f -c '
module_path=("$ZSH_MODULES" $module_path); zmodload corral/sandbox || exit 99
sandbox run -q env | grep -E "^MY-(TOKEN|NOTE)="
( sandbox -q; env | grep -c canary-inv )
env | grep -c canary-inv'
	[ "$status" -eq 0 ]
	[ "$output" = "MY-NOTE=kept-inv
0
1" ]
}

@test "a secret hidden by a local does not come back when the function returns" {
	run sz 'export GITHUB_TOKEN=ghp-canary ORDINARY=kept
f() { local GITHUB_TOKEN=ghp-local ORDINARY=local; sandbox -q; }
( f; echo "token=${GITHUB_TOKEN-unset} ordinary=$ORDINARY"; env | grep -c canary
  echo "sandbox=${CORRAL_SANDBOX:+set}" )
g() { local GITHUB_TOKEN=ghp-local; sandbox run -q env | grep -c ghp- }
g || true'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "token=unset ordinary=kept" ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "sandbox=set" ]
	[ "${lines[3]}" = 0 ]
}

@test "the plan kept by the shell does not hide a credential made after it" {
	run sz 'sandbox run -q true
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
	run sz 'sandbox why "$HOME/.ssh/id_ed25519" "$HOME/notes.txt"
sandbox --dry-run >/dev/null && echo "dry-run ok"
sandbox run --dry-run cat "$HOME/.ssh/id_ed25519" >/dev/null && echo "run dry-run ok"
cat "$HOME/.ssh/id_ed25519"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"no access"* ]]
	[[ "$output" == *"read and write"* ]]
	[[ "$output" == *"dry-run ok"* ]]
	[[ "$output" == *"run dry-run ok"* ]]
	[ "${lines[-1]}" = canary-key ]
}

@test "errors name the builtin, come through zsh and end in a hint line" {
	# In a script zsh puts its name and the line around the builtin's
	# name (zsh:sandbox:3: ...), as for its own builtins; interactively
	# the message starts with sandbox: (23-zsh-interactive.bats).
	run sz 'sandbox frobnicate; echo "unknown=$?"'
	[[ "$output" == "zsh:sandbox:3: unknown command 'frobnicate'"* ]]
	[[ "$output" == *$'\nhint: '* ]]
	[ "$status" -eq 125 ]
	[[ "$output" != *unknown=* ]]

	run sz 'sandbox run --bogus true; echo "status=$?"'
	[[ "$output" == "zsh:sandbox:3: unknown option '--bogus'"* ]]
	[[ "$output" == *"hint: see 'sandbox --help'"* ]]
	[ "${lines[-1]}" = status=125 ]

	run sz 'sandbox status extra; echo "status=$?"'
	[[ "$output" == *"sandbox:3: unexpected argument 'extra'"* ]]
	[ "${lines[-1]}" = status=125 ]
}

@test "the module unloads and loads again" {
	run sz 'sandbox run -q true && echo first
zmodload -u corral/sandbox && echo unloaded
sandbox 2>/dev/null || echo "not found=$?"
zmodload corral/sandbox && echo reloaded
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
