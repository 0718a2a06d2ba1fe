# Driving an interactive shell on a real terminal for the hook suites:
# tmux gives the shell a pty, send-keys types (Ctrl-C included),
# capture-pane reads the screen back.  Each test gets a tmux server of
# its own on a private socket (-L), never the user's, killed in teardown.
#
# Every typed step is framed by markers and waits for the shell to be
# back at its prompt, so that what a cd hook prints after a command is
# part of that step's output, and nothing typed ahead lands in the
# middle of a line the shell is still writing.

# The prompt every shell here ends its PS1 with, as text and as an ERE.
PROMPT_MARK='prompt$'
PROMPT_RE='prompt[$]'

# start_tmux COMMAND...: COMMAND in a new session of a private server.
start_tmux()
{
	TMUX_NAME=corral-hooks-$$-${BATS_TEST_NUMBER:-0}
	STEP=0
	tmux -L "$TMUX_NAME" -f /dev/null new-session -d -x 220 -y 50 "$@"
}

# The shell is waited for: it must not be writing into the scratch home
# as teardown removes it.
stop_tmux()
{
	local pid sock i

	[ -n "${TMUX_NAME:-}" ] || return 0
	pid=$(tmux -L "$TMUX_NAME" list-panes -F '#{pane_pid}' 2>/dev/null)
	sock=$(tmux -L "$TMUX_NAME" display-message -p '#{socket_path}' 2>/dev/null)
	tmux -L "$TMUX_NAME" kill-server 2>/dev/null || true
	[ -z "$sock" ] || rm -f "$sock"
	for ((i = 0; i < 50; i++)); do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
}

# The screen and its history, wrapped lines joined, without the blanks
# that end lines (-J keeps them) and the empty lines below the cursor.
pane()
{
	tmux -L "$TMUX_NAME" capture-pane -p -J -S -3000 |
		sed 's/[[:space:]]*$//' |
		awk 'NF { for (; blank > 0; blank--) print ""; print; next }
			{ blank++ }'
}

show_pane()
{
	pane >&2
}

type_line()
{
	tmux -L "$TMUX_NAME" send-keys -l -- "$1"
	tmux -L "$TMUX_NAME" send-keys Enter
}

type_key()
{
	tmux -L "$TMUX_NAME" send-keys "$1"
}

# await ERE: until a line on screen matches, for at most fifteen seconds.
await()
{
	local i

	for ((i = 0; i < 150; i++)); do
		pane | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	echo "no line matching /$1/ on the screen:" >&2
	show_pane
	return 1
}

last_line()
{
	pane | tail -n 1
}

# await_last_line TEXT: until the last line on screen is TEXT.
await_last_line()
{
	local i

	for ((i = 0; i < 150; i++)); do
		[[ $(last_line) == "$1" ]] && return 0
		sleep 0.1
	done
	echo "the screen does not end with '$1':" >&2
	show_pane
	return 1
}

# await_prompt ERE: until ERE is on screen and the shell shows its prompt
# below everything else, so that it has finished printing.
await_prompt()
{
	local i

	for ((i = 0; i < 150; i++)); do
		if pane | grep -Eq -- "$1" &&
			[[ $(last_line) == *"$PROMPT_MARK" ]]; then
			return 0
		fi
		sleep 0.1
	done
	echo "no line matching /$1/ followed by a prompt:" >&2
	show_pane
	return 1
}

# typed LINE: type LINE at the prompt and wait for the prompt to come
# back.  $output: everything the shell printed from the start of LINE to
# the next prompt (a cd hook's notice included), without the typed line
# itself; $status: LINE's exit status.
typed()
{
	local end

	STEP=$((STEP + 1))
	type_line "echo :begin$STEP; $1; echo \":end$STEP=\$?\""
	await_prompt "^:end$STEP=[0-9]+\$" || return 1
	output=$(pane | sed -n "/^:begin$STEP\$/,\$p" | sed -e '1d' -e '$d')
	end=$(printf '%s\n' "$output" | grep -E "^:end$STEP=")
	status=${end#*=}
	output=$(printf '%s\n' "$output" | sed "/^:end$STEP=/d")
}

# since_step: what the screen shows after the last :beginN marker (for
# steps typed in parts, as with Ctrl-C or an answer on the terminal).
since_step()
{
	pane | sed -n "/^:begin$STEP\$/,\$p" | sed -e '1d' -e '$d'
}

# The number of lines of $output that contain TEXT.
count_lines()
{
	printf '%s\n' "$output" | grep -cF -- "$1"
}

# A process whose command line matches ERE.
await_process()
{
	local i

	for ((i = 0; i < 100; i++)); do
		pgrep -f -- "$1" >/dev/null && return 0
		sleep 0.1
	done
	echo "no process matching /$1/" >&2
	return 1
}

await_gone()
{
	local i

	for ((i = 0; i < 50; i++)); do
		pgrep -f -- "$1" >/dev/null || return 0
		sleep 0.1
	done
	echo "still running: /$1/" >&2
	return 1
}

# typed_raw LINE: LINE typed bare, with nothing run between it and the
# prompt hooks; $output: what was printed after it up to the next prompt.
typed_raw()
{
	local i

	STEP=$((STEP + 1))
	type_line "echo :begin$STEP"
	await_prompt "^:begin$STEP\$" || return 1
	type_line "$1"
	for ((i = 0; i < 150; i++)); do
		if since_step | grep -qxF -- "$PROMPT_MARK $1" &&
			[[ $(last_line) == *"$PROMPT_MARK" ]]; then
			output=$(since_step | awk -v typed="$PROMPT_MARK $1" \
				'seen { print } $0 == typed { seen = 1 }')
			return 0
		fi
		sleep 0.1
	done
	echo "no prompt after '$1':" >&2
	show_pane
	return 1
}
