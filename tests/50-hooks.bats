#!/usr/bin/env bats
# The shell hooks: after eval "$(corral hook bash|zsh)", typing an agent's
# name runs it confined, `command NAME` runs it free, and cd says when the
# nearest .corral.json is not trusted.  Interactive bash and zsh run on a
# real terminal (tmux_helpers.bash), each in both of the hook's modes: the
# in-process builtin, and the corral binary it falls back to.
#
# The agent is a stand-in named claude in ~/.local/bin (a place the default
# profile lets run): it says whether it is confined, which of a canary
# credential, a file only a project policy grants, and claude-code's own
# state it can reach, echoes its arguments and exits as it is told.

load helpers
load tmux_helpers

setup()
{
	setup_scratch
	BUILD=$(dirname "$CORRAL")
	SANDBOX=$BUILD/sandbox
	ZSH_MODULES=$BUILD/zsh
	mkdir -p "$HOME/.local/bin" "$HOME/.claude"
	cp "$CORRAL" "$HOME/.local/bin/corral"
	make_agent "$HOME/.local/bin/claude"

	# The agent's own profile when this build has it; else the one the
	# configuration names (and claude's state stays out of reach).
	if corral profile list 2>/dev/null | grep -q '^claude-code\b'; then
		AGENT_STATE="claude state: writable"
	else
		mkdir -p "$HOME/.config/corral"
		echo '{"agents": {"claude": "default"}}' \
			>"$HOME/.config/corral/config.json"
		AGENT_STATE="claude state: denied"
	fi
}

teardown()
{
	stop_tmux
	teardown_scratch
}

make_agent()
{
	cat >"$1" <<'EOF'
#!/bin/sh
case ${1-} in
--stdin) exec cat ;;
--ask)
	echo "agent asks"
	read -r line
	printf 'agent read <%s>\n' "$line"
	exit 0
	;;
--wait)
	trap 'echo "agent got SIGINT"; exit 130' INT
	echo "agent waiting"
	while :; do sleep 0.1; done
	;;
esac
code=0
if [ "${1-}" = --exit ]; then
	code=$2
	shift 2
fi
echo "argc=$#"
for a; do printf 'arg=<%s>\n' "$a"; done
corral status 2>&1 | head -n 1
cat ~/.ssh/id_ed25519 2>/dev/null || echo "key: denied"
cat ~/notes.txt 2>/dev/null || echo "notes: denied"
if echo seen 2>/dev/null >~/.claude/seen; then
	echo "claude state: writable"
else
	echo "claude state: denied"
fi
exit "$code"
EOF
	chmod 755 "$1"
}

# The hook as it reads on a system whose plugin is installed at WHERE: a
# path that does not exist stands for a system without it.  The paths
# compiled in are replaced, so that a plugin installed on this machine
# (perhaps an older build) never stands in for the one under test.
hook_with_plugin()
{
	local shell=$1 where=$2

	if [ "$shell" = bash ]; then
		"$CORRAL" hook bash |
			sed "s|enable -f '[^']*' sandbox|enable -f '$where' sandbox|"
	else
		"$CORRAL" hook zsh |
			sed -E "s#(\(Ie\)|\+=\()'[^']*'#\1'$where'#g"
	fi
}

# start_shell bash|zsh builtin|binary [SETUP]: an interactive shell of
# the user's kind in the project, SETUP typed first, then the hook
# evaluated ($HOOK in the shell); fails unless the hook chose the mode
# asked for.
start_shell()
{
	local shell=$1 mode=$2 setup=${3:-} load='' where

	command -v tmux >/dev/null || skip "tmux is not installed"
	HOOK=$SCRATCH/hook.$shell
	where=$SCRATCH/not-installed
	if [ "$shell" = zsh ]; then
		command -v zsh >/dev/null || skip "zsh is not installed"
		start_tmux env -i HOME="$HOME" PATH="$HOME/.local/bin:$PATH" \
			TERM=xterm PS1="$PROMPT_MARK " zsh -f -i
		[ "$mode" = binary ] ||
			[ -f "$ZSH_MODULES/corral/sandbox.so" ] ||
			skip "no zsh module at $ZSH_MODULES/corral/sandbox.so yet: only the fallback to the binary is tested"
		# As a user of a module not yet installed would do.
		[ "$mode" = binary ] ||
			load='module_path=("$ZSH_MODULES" $module_path); '
	else
		start_tmux env -i HOME="$HOME" PATH="$HOME/.local/bin:$PATH" \
			TERM=xterm PS1="$PROMPT_MARK " HISTFILE= \
			bash --norc --noprofile -i
		[ "$mode" = binary ] || where=$SANDBOX
	fi
	hook_with_plugin "$shell" "$where" >"$HOOK"
	grep -qF "'$where'" "$HOOK" || {
		echo "the hook names no plugin path to replace:" >&2
		cat "$HOOK" >&2
		return 1
	}

	await_prompt . || return 1
	typed "cd '$PROJECT'; CORRAL='$CORRAL' ZSH_MODULES='$ZSH_MODULES' HOOK='$HOOK'"
	[ -z "$setup" ] || typed "$setup"
	typed "$load"'eval "$(cat "$HOOK")"; echo "mode=$__corral_mode"'
	expect_status 0
	output=$(printf '%s\n' "$output" | grep '^mode=')
	if [ "$output" != "mode=$mode" ]; then
		echo "the hook chose another mode than $mode:" >&2
		show_pane
		return 1
	fi
}

# The agent typed by name is confined under its profile; `command claude`
# is the same program, free.
case_agent_confined()
{
	start_shell "$@"

	typed 'claude'
	expect_status 0
	expect_output "confined: yes"
	expect_output "key: denied"
	refute_output CANARY
	expect_output "notes: denied"
	expect_output "$AGENT_STATE"

	typed 'command claude'
	expect_status 0
	expect_output "confined: no"
	expect_output "CANARY-.ssh-id_ed25519"
	expect_output "notes, free to read"
	expect_output "claude state: writable"
	canaries_intact
}

case_arguments_and_status()
{
	start_shell "$@"

	typed "claude 'a b' 'c\"d' \"e'f\" '' '\$HOME' 'x\\y' '*' ' lead'"
	expect_status 0
	[ "$(printf '%s\n' "$output" | grep -E '^(argc|arg)=')" = "$(
		printf '%s\n' 'argc=8' 'arg=<a b>' 'arg=<c"d>' "arg=<e'f>" \
			'arg=<>' 'arg=<$HOME>' 'arg=<x\y>' 'arg=<*>' 'arg=< lead>'
	)" ] || {
		printf 'arguments changed on their way:\n%s\n' "$output" >&2
		return 1
	}
	expect_output "confined: yes"

	typed 'claude --exit 42 x'
	expect_status 42
	expect_output "confined: yes"
	typed 'claude --exit 1'
	expect_status 1
	typed 'claude --exit 0'
	expect_status 0

	# The bypass keeps statuses too.
	typed 'command claude --exit 7'
	expect_status 7
	expect_output "confined: no"
}

case_stdin()
{
	start_shell "$@"

	typed "printf 'first line\\nsecond line\\n' | claude --stdin"
	expect_status 0
	[ "$output" = "$(printf 'first line\nsecond line')" ] || {
		printf 'stdin changed on its way:\n%s\n' "$output" >&2
		return 1
	}

	echo "from a file" >notes.txt
	typed 'claude --stdin <notes.txt'
	expect_status 0
	[ "$output" = "from a file" ]

	# From the terminal itself: the agent reads a line the user types.
	STEP=$((STEP + 1))
	type_line "echo :begin$STEP; claude --ask; echo \":end$STEP=\$?\""
	await '^agent asks$'
	type_line 'typed by hand'
	await_prompt "^:end$STEP=0\$"
	since_step | grep -qx 'agent read <typed by hand>'
}

# Ctrl-Z stops the confined agent and gives the prompt back; fg resumes it,
# still confined, and Ctrl-C then ends it, leaving no job behind.
case_ctrl_z()
{
	start_shell "$@"

	type_line "claude --wait"
	await '^agent waiting$'
	await_process 'sleep 0.1'
	type_key C-z
	await '(Stopped|suspended)'
	STEP=$((STEP + 1))
	type_line "echo :stopped$STEP"
	await_prompt "^:stopped$STEP\$"
	type_line fg
	sleep 0.3
	type_key C-c
	await '^(\^C)?agent got SIGINT$'
	STEP=$((STEP + 1))
	type_line "jobs; echo :jobs$STEP"
	await_prompt "^:jobs$STEP\$"
	if pane | grep -A3 ":jobs$STEP" | grep -q 'claude'; then
		echo "a job was left behind" >&2
		return 1
	fi
}

# As in any shell, Ctrl-C also drops the rest of the typed line when the
# command dies of it: the status is asked for on a line of its own.
case_ctrl_c()
{
	start_shell "$@"

	STEP=$((STEP + 1))
	type_line "echo :begin$STEP; claude --wait"
	await '^agent waiting$'
	await_process 'sleep 0.1'
	type_key C-c
	await '^(\^C)?agent got SIGINT$'
	type_line "echo \":end$STEP=\$?\""
	await_prompt "^:end$STEP=130\$"

	# The shell is still the user's own, and the agent is gone.
	typed 'cat ~/.ssh/id_ed25519'
	expect_status 0
	expect_output CANARY
	typed 'claude'
	expect_output "confined: yes"
}

# The notice on cd, and what a policy does to the agent, through the
# life of one .corral.json: untrusted, trusted, edited.
case_project_policy()
{
	start_shell "$@"
	mkdir -p "$PROJECT/sub" "$SCRATCH/elsewhere"
	printf '{"filesystem": {"read": ["~/notes.txt"]}}\n' \
		>"$PROJECT/.corral.json"

	# No policy: nothing said.
	typed "cd '$SCRATCH/elsewhere'"
	expect_status 0
	[ -z "$output" ] || {
		printf 'a notice where there is no policy:\n%s\n' "$output" >&2
		return 1
	}

	typed "cd '$PROJECT/sub'"
	[ "$(count_lines corral:)" -eq 1 ]
	expect_output "$PROJECT/.corral.json is not trusted: not applied"
	expect_output "corral trust $PROJECT/.corral.json"
	typed 'claude'
	expect_output "notes: denied"
	expect_output "key: denied"

	# Said once per directory, not on every prompt.
	typed 'true'
	[ "$(count_lines corral:)" -eq 0 ]

	typed 'corral trust --yes >/dev/null'
	expect_status 0
	typed "cd '$PROJECT'"
	[ "$(count_lines corral:)" -eq 0 ]
	typed 'claude'
	expect_output "notes, free to read"
	expect_output "key: denied"
	refute_output CANARY

	# Edited (from outside: a sandbox finds it read-only): said on the
	# next cd, and no longer applied.
	printf '{"filesystem": {"read": ["~/notes.txt", "~/.ssh"]}}\n' \
		>"$PROJECT/.corral.json"
	typed "cd sub"
	[ "$(count_lines corral:)" -eq 1 ]
	expect_output "$PROJECT/.corral.json is changed since trusted: not applied"
	typed 'claude'
	expect_output "notes: denied"
	expect_output "key: denied"
	refute_output CANARY
}

# A policy file that is a symlink or that others can write is refused on
# cd with a message, and never applied; a proper one beside it is
# noticed as untrusted (the allowed twin).
case_policy_refused()
{
	start_shell "$@"
	local dir

	for dir in proper linked writable; do
		mkdir -p "$SCRATCH/$dir"
		printf '{"filesystem": {"read": ["~/notes.txt"]}}\n' \
			>"$SCRATCH/$dir/policy.json"
	done
	cp "$SCRATCH/proper/policy.json" "$SCRATCH/proper/.corral.json"
	ln -s policy.json "$SCRATCH/linked/.corral.json"
	cp "$SCRATCH/proper/policy.json" "$SCRATCH/writable/.corral.json"
	chmod 666 "$SCRATCH/writable/.corral.json"

	typed "cd '$SCRATCH/proper'"
	[ "$(count_lines corral:)" -eq 1 ]
	expect_output "is not trusted: not applied"

	typed "cd '$SCRATCH/linked'"
	[ "$(count_lines corral:)" -eq 1 ]
	expect_output "cannot read policy '$SCRATCH/linked/.corral.json': it is a symlink"
	typed 'corral trust --yes >/dev/null; claude'
	expect_output "notes: denied"
	[ ! -e "$HOME/.local/state/corral/trusted" ] ||
		! grep -q linked "$HOME/.local/state/corral/trusted"

	typed "cd '$SCRATCH/writable'"
	[ "$(count_lines corral:)" -eq 1 ]
	expect_output "refusing policy '$SCRATCH/writable/.corral.json'"
	typed 'corral trust --yes >/dev/null; claude'
	expect_output "notes: denied"

	# Made proper, the same file can be trusted and then applies.
	chmod 644 "$SCRATCH/writable/.corral.json"
	typed 'corral trust --yes >/dev/null; claude'
	expect_output "notes, free to read"
}

# PS1 with $(corral_prompt): nothing in a free shell, [corral:project]
# under the trusted policy of the directory project, [corral] in a confined shell.
case_prompt()
{
	local subst=

	start_shell "$@"
	[ "$1" = zsh ] && subst='setopt prompt_subst; '
	typed "$subst"'PS1='\''$(corral_prompt)'"$PROMPT_MARK "\'
	[[ $(last_line) == "$PROMPT_MARK" ]] || {
		echo "a free shell's prompt says more than '$PROMPT_MARK':" >&2
		show_pane
		return 1
	}

	printf '{"filesystem": {"read": ["~/notes.txt"]}}\n' >"$PROJECT/.corral.json"
	typed "corral trust --yes >/dev/null; cd '$SCRATCH'"
	typed "cd '$PROJECT'"
	[[ $(last_line) == "[corral:project] $PROMPT_MARK" ]] || {
		echo "no [corral:project] under a trusted policy:" >&2
		show_pane
		return 1
	}

	# A shell started confined, which evaluates the hook as its rc file
	# would (PS1 is exported: it still calls corral_prompt).
	if [ "$1" = zsh ]; then
		type_line "corral run -q -- zsh -f -i"
		await_prompt '^\[corral:project\] prompt[$] corral run -q -- zsh'
		typed 'setopt prompt_subst; eval "$(corral hook zsh)"'
	else
		type_line "corral run -q -- bash --norc --noprofile -i"
		await_prompt '^\[corral:project\] prompt[$] corral run -q -- bash'
		typed 'eval "$(corral hook bash)"'
	fi
	refute_output "not found"
	[[ $(last_line) == "[corral] $PROMPT_MARK" ]] || {
		echo "no [corral] in a confined shell:" >&2
		show_pane
		return 1
	}
	typed 'typeset -f claude >/dev/null || echo "no wrapper inside"'
	expect_output "no wrapper inside"
	type_line 'exit'
	await_last_line "[corral:project] $PROMPT_MARK"

	# The shell itself confined by the builtin.
	[ "$2" = builtin ] || return 0
	typed 'sandbox -q --force'
	expect_status 0
	[[ $(last_line) == "[corral] $PROMPT_MARK" ]] || {
		echo "no [corral] after the shell confined itself:" >&2
		show_pane
		return 1
	}
}

@test "bash, builtin: typing claude runs it confined; command claude runs it free" {
	case_agent_confined bash builtin
}

@test "bash, binary: typing claude runs it confined; command claude runs it free" {
	case_agent_confined bash binary
}

@test "zsh, module: typing claude runs it confined; command claude runs it free" {
	case_agent_confined zsh builtin
}

@test "zsh, binary: typing claude runs it confined; command claude runs it free" {
	case_agent_confined zsh binary
}

@test "bash, builtin: arguments with spaces and quotes, and exit statuses, pass through" {
	case_arguments_and_status bash builtin
}

@test "bash, binary: arguments with spaces and quotes, and exit statuses, pass through" {
	case_arguments_and_status bash binary
}

@test "zsh, module: arguments with spaces and quotes, and exit statuses, pass through" {
	case_arguments_and_status zsh builtin
}

@test "zsh, binary: arguments with spaces and quotes, and exit statuses, pass through" {
	case_arguments_and_status zsh binary
}

@test "bash, builtin: stdin reaches the agent from a pipe, a file and the terminal" {
	case_stdin bash builtin
}

@test "bash, binary: stdin reaches the agent from a pipe, a file and the terminal" {
	case_stdin bash binary
}

@test "zsh, module: stdin reaches the agent from a pipe, a file and the terminal" {
	case_stdin zsh builtin
}

@test "zsh, binary: stdin reaches the agent from a pipe, a file and the terminal" {
	case_stdin zsh binary
}

@test "bash, builtin: Ctrl-Z stops the confined agent and fg resumes it" {
	case_ctrl_z bash builtin
}

@test "bash, binary: Ctrl-Z stops the confined agent and fg resumes it" {
	case_ctrl_z bash binary
}

@test "zsh, module: Ctrl-Z stops the confined agent and fg resumes it" {
	case_ctrl_z zsh builtin
}

@test "zsh, binary: Ctrl-Z stops the confined agent and fg resumes it" {
	case_ctrl_z zsh binary
}

@test "bash, builtin: Ctrl-C reaches the confined agent" {
	case_ctrl_c bash builtin
}

@test "bash, binary: Ctrl-C reaches the confined agent" {
	case_ctrl_c bash binary
}

@test "zsh, module: Ctrl-C reaches the confined agent" {
	case_ctrl_c zsh builtin
}

@test "zsh, binary: Ctrl-C reaches the confined agent" {
	case_ctrl_c zsh binary
}

@test "bash: an untrusted policy is said once on cd and not applied; trusted it applies; edited it is said again and not applied" {
	case_project_policy bash builtin
}

@test "zsh: an untrusted policy is said once on cd and not applied; trusted it applies; edited it is said again and not applied" {
	case_project_policy zsh binary
}

@test "bash: a symlinked or other-writable policy is refused on cd with a message, a proper one is not" {
	case_policy_refused bash binary
}

@test "zsh: a symlinked or other-writable policy is refused on cd with a message, a proper one is not" {
	case_policy_refused zsh builtin
}

@test "bash: corral_prompt says nothing free, [corral:project] under a trusted policy, [corral] confined" {
	case_prompt bash builtin
}

@test "zsh: corral_prompt says nothing free, [corral:project] under a trusted policy, [corral] confined" {
	case_prompt zsh builtin
}

# --- the user's own hooks ---------------------------------------------

# The user's PROMPT_COMMAND reads $? of the command typed: no marker may
# run between them, so these lines are typed bare.
@test "bash: the user's PROMPT_COMMAND string still runs, and still sees the last status" {
	start_shell bash builtin 'PROMPT_COMMAND='\''echo "user hook saw $?"'\'
	typed_raw 'false'
	expect_output "user hook saw 1"
	typed_raw 'true'
	expect_output "user hook saw 0"

	# And the cd hook runs beside it.
	printf '{}\n' >"$SCRATCH/.corral.json"
	typed_raw "cd '$SCRATCH'"
	expect_output "user hook saw 0"
	expect_output "is not trusted: not applied"

	# A second eval (a re-read ~/.bashrc) adds the hook once.
	typed 'eval "$(cat "$HOOK")"; declare -p PROMPT_COMMAND'
	[ "$(printf '%s\n' "$output" | grep -o __corral_chpwd | wc -l)" -eq 1 ]
}

@test "bash: the user's PROMPT_COMMAND array still runs, every element" {
	start_shell bash binary 'PROMPT_COMMAND=('\''echo "first saw $?"'\'' '\''echo second'\'')'
	typed_raw 'false'
	expect_output "first saw 1"
	expect_output "second"

	printf '{}\n' >"$SCRATCH/.corral.json"
	typed_raw "cd '$SCRATCH'"
	expect_output "first saw 0"
	expect_output "second"
	expect_output "is not trusted: not applied"

	typed 'eval "$(cat "$HOOK")"; declare -p PROMPT_COMMAND'
	expect_output 'declare -a PROMPT_COMMAND'
	[ "$(printf '%s\n' "$output" | grep -o __corral_chpwd | wc -l)" -eq 1 ]
}

@test "zsh: the user's chpwd function and chpwd_functions still run" {
	start_shell zsh binary 'chpwd() { echo "user chpwd in $PWD"; }; user_hook() { echo "user hook in $PWD"; }; chpwd_functions+=(user_hook)'
	printf '{}\n' >"$SCRATCH/.corral.json"
	typed "cd '$SCRATCH'"
	expect_output "user chpwd in $SCRATCH"
	expect_output "user hook in $SCRATCH"
	expect_output "is not trusted: not applied"

	typed "cd '$PROJECT'"
	expect_output "user chpwd in $PROJECT"
	expect_output "user hook in $PROJECT"
	expect_output "is not trusted: not applied"

	typed 'eval "$(cat "$HOOK")"; print -l $chpwd_functions'
	[ "$(count_lines __corral_chpwd)" -eq 1 ]
	expect_output user_hook
}

# --- the generated code -----------------------------------------------

@test "the hook is valid shell code for bash and zsh, with one wrapper per agent" {
	run corral hook bash
	expect_status 0
	printf '%s\n' "$output" >"$SCRATCH/hook.bash"
	bash -n "$SCRATCH/hook.bash"
	expect_output 'claude() { __corral_run '
	expect_output 'codex() { __corral_run codex codex "$@"; }'

	command -v zsh >/dev/null || skip "zsh is not installed"
	run corral hook zsh
	expect_status 0
	printf '%s\n' "$output" >"$SCRATCH/hook.zsh"
	zsh -n "$SCRATCH/hook.zsh"
	expect_output 'claude() { __corral_run '

	run corral hook fish
	expect_status 125
	[ -z "$(corral hook fish 2>/dev/null)" ]
	run corral hook
	expect_status 125
}

# The binary's own path is written into the hook: quoted, whatever it holds.
@test "the hook works from a corral whose path holds blanks and quotes" {
	local odd="$SCRATCH/it's a \"dir\" \$(touch pwned)"

	mkdir -p "$odd"
	cp "$CORRAL" "$odd/corral"
	CORRAL=$odd/corral
	hook_with_plugin bash "$SCRATCH/not-installed" >"$SCRATCH/hook.bash"
	run bash --norc --noprofile -c '
		PATH=$HOME/.local/bin:$PATH
		eval "$(cat "$1")" || exit 99
		echo "mode=$__corral_mode"
		claude --exit 3 "a b"' sh "$SCRATCH/hook.bash"
	expect_status 3
	expect_output "mode=binary"
	expect_output "arg=<a b>"
	expect_output "confined: yes"
	expect_output "key: denied"
	refute_exists "$PROJECT/pwned"
	refute_exists "$SCRATCH/pwned"

	# The twin: the same agent, free, says what confined hides.
	run bash --norc --noprofile -c 'PATH=$HOME/.local/bin:$PATH
		eval "$(cat "$1")" && command claude' sh "$SCRATCH/hook.bash"
	expect_status 0
	expect_output "confined: no"
	expect_output CANARY
}

@test "config.json's agents replace the built-in list" {
	mkdir -p "$HOME/.config/corral"
	echo '{"agents": {"claude": "default", "my-agent_2.0+x": "node"}}' \
		>"$HOME/.config/corral/config.json"
	run corral hook bash
	expect_status 0
	expect_output 'claude() { __corral_run default claude "$@"; }'
	expect_output 'my-agent_2.0+x() { __corral_run node my-agent_2.0+x "$@"; }'
	refute_output 'codex()'

	# XDG_CONFIG_HOME moves it.
	mkdir -p "$SCRATCH/xdg/corral"
	echo '{"agents": {"aider": "aider"}}' >"$SCRATCH/xdg/corral/config.json"
	XDG_CONFIG_HOME=$SCRATCH/xdg run corral hook bash
	expect_status 0
	expect_output 'aider() { __corral_run aider aider "$@"; }'
	refute_output 'claude()'
}

@test "invalid agent names and profiles in config.json are refused: no code from them, and each agent's name refuses to run" {
	local config

	mkdir -p "$HOME/.config/corral"
	echo '{"agents": {"claude": "default"}}' >"$HOME/.config/corral/config.json"
	run corral hook bash
	expect_status 0
	expect_output 'claude() {'

	while IFS= read -r config; do
		printf '%s\n' "$config" >"$HOME/.config/corral/config.json"
		for shell in bash zsh; do
			run --separate-stderr corral hook "$shell"
			# Fail closed: the hook still takes the agents' names,
			# each for a function that refuses (125), and no name
			# or profile from the bad file reaches the code.
			if [ "$status" -ne 125 ] || [[ $output == *"() { __corral_run"* ]] ||
				[[ $output == *pwned* ]] || [[ $output != *'claude() {'*'return 125; }'* ]]; then
				printf 'config %s: status %s, stdout:\n%s\n' \
					"$config" "$status" "$output" >&2
				return 1
			fi
			[ -n "$stderr" ]
		done
	done <<'EOF'
{"agents": {"x;rm -rf ~": "default"}}
{"agents": {"$(touch pwned)": "default"}}
{"agents": {"`touch pwned`": "default"}}
{"agents": {"a b": "default"}}
{"agents": {"a\nb": "default"}}
{"agents": {"-x": "default"}}
{"agents": {".hidden": "default"}}
{"agents": {"": "default"}}
{"agents": {"claude": "de fault"}}
{"agents": {"claude": "x';touch pwned;'"}}
{"agents": {"claude": "../../etc/passwd"}}
{"agents": {"claude": 3}}
{"agents": {"claude": null}}
{"agents": {"if": "default"}}
{"agents": {"command": "default"}}
{"agents": {"builtin": "default"}}
{"agents": {"exec": "default"}}
{"agents": {"__corral_run": "default"}}
{"agents": {"corral_prompt": "default"}}
{"agents": {"claude": "default", "ok;": "default"}}
{"agents": ["claude"]}
{"agents": "claude"}
[1]
not json
EOF
	refute_exists "$PROJECT/pwned"
	refute_exists "$HOME/pwned"
}

# Inside, a PS1 that calls corral_prompt (an rc file's, or an exported
# one) must keep working; nothing else is defined there.
@test "corral hook inside a sandbox defines corral_prompt and nothing else" {
	run corral hook bash
	expect_status 0
	expect_output 'claude() {'
	expect_output '__corral_chpwd'

	for shell in bash zsh; do
		command -v "$shell" >/dev/null || continue
		run --separate-stderr corral run -q --read "$BUILD" -- \
			"$CORRAL" hook "$shell"
		expect_status 0
		[ -z "$stderr" ]
		[ "$(printf '%s\n' "$output" | head -n 1)" = 'corral_prompt()' ]
		[ "$(printf '%s\n' "$output" | grep -c '()')" -eq 1 ]
		refute_output 'claude'
		refute_output '__corral'
		refute_output 'enable'
		refute_output 'zmodload'
		refute_output 'PROMPT_COMMAND'

		run corral run -q --read "$BUILD" -- "$shell" -c \
			'eval "$("$1" hook "$2")" && echo "prompt: $(corral_prompt)|"' \
			sh "$CORRAL" "$shell"
		expect_status 0
		[ "$output" = "prompt: [corral] |" ]
	done
}
