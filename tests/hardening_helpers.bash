# Shared by 30-hardening and 31-abi: a probe that makes one real system
# call per run (tests/hardening/probe.c), listeners outside the sandbox
# (serve.py), an outer shell on a real pty (pty_drive.py), and a tmux
# server to type into.  Load after helpers.

HARDENING_SRC=$BATS_TEST_DIRNAME/hardening
PY=/usr/bin/python3

# Once per file: compile the probe outside /tmp, which the sandbox
# replaces with a private one.
build_probe()
{
	PROBES=$(mktemp -d \
		"${CORRAL_TEST_SCRATCH:-/var/tmp}/corral-probes.XXXXXX")
	chmod 755 "$PROBES"
	gcc -O1 -o "$PROBES/probe" "$HARDENING_SRC/probe.c" -lpthread ||
		return 1
	export PROBES PROBE=$PROBES/probe
}

remove_probe()
{
	rm -rf "${PROBES:?}"
}

# corral run with the probe readable, bounded so that a hang fails the
# test instead of the suite.
sandbox()
{
	timeout -k 5 60 "$CORRAL" run --read "$PROBES" "$@"
}

wait_for_file()
{
	local i

	for ((i = 0; i < 200; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "still no $1 after 10 seconds" >&2
	return 1
}

# Waits until file holds text; fails after 5 seconds.
wait_for_text()
{
	local i

	for ((i = 0; i < 100; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	printf 'expected %s to receive "%s"; it holds:\n%s\n' "$1" "$2" \
		"$(cat "$1" 2>&1)" >&2
	return 1
}

# serve KIND WHERE: a listener outside the sandbox, ended in teardown.
# Sets SERVED (its port, path or name) and SERVE_LOG (what it received).
# Descriptor 3 is bats' own: a listener holding it would stall the suite.
serve()
{
	local ready

	ready=$(mktemp -u "$SCRATCH/serve.XXXXXX")
	SERVE_LOG=$ready.log
	: >"$SERVE_LOG"
	start_outside "$PY" "$HARDENING_SRC/serve.py" "$1" "$2" "$ready" \
		"$SERVE_LOG" 3>&-
	wait_for_file "$ready" || return 1
	SERVED=$(cat "$ready")
}

# A TCP port nothing listens on now.
free_port()
{
	"$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# The reason to skip a terminal test, if the kernel leaves nothing to deny.
tiocsti_unavailable()
{
	local knob=/proc/sys/dev/tty/legacy_tiocsti

	if [ "$(id -u)" -ne 0 ] && [ -r "$knob" ] &&
		[ "$(cat "$knob")" = 0 ]; then
		echo "dev.tty.legacy_tiocsti = 0: the kernel refuses" \
			"TIOCSTI to this user anyway"
	fi
}

# The kernel's Landlock ABI, as corral check reports it.
kernel_abi()
{
	"$CORRAL" check | sed -n 's/^landlock: ABI \([0-9]*\)$/\1/p'
}

expect_exists()
{
	[ -e "$1" ] || {
		echo "expected $1 to exist" >&2
		return 1
	}
}

# Each guarantee a report must name, as the start of a line of its own.
GUARANTEES=(filesystem credentials network terminal "daemon sockets" signals
	ptrace environment limits)

expect_guarantees()
{
	local g

	for g in "${GUARANTEES[@]}"; do
		grep -q "^$g: " <<<"$output" || {
			printf 'no "%s:" line in:\n%s\n' "$g" "$output" >&2
			return 1
		}
	done
}

# --- tmux ------------------------------------------------------------------

# tmux_start NAME: a server on socket NAME with one session "outer"
# running sh in the project, ended in teardown.
tmux_start()
{
	TMUX_SERVERS="${TMUX_SERVERS:-} $1"
	tmux -L "$1" new-session -d -s outer -x 120 -y 20 \
		"cd '$PROJECT' && exec sh" 3>&- || return 1
	tmux_wait_ready "$1" || return 1
	TMUX_SOCKET=$(tmux -L "$1" display-message -p '#{socket_path}')
}

tmux_wait_ready()
{
	local i

	for ((i = 0; i < 100; i++)); do
		tmux -L "$1" has-session -t outer 2>/dev/null && return 0
		sleep 0.05
	done
	echo "tmux server $1 did not come up" >&2
	return 1
}

tmux_stop_all()
{
	local name socket

	# tmux leaves its socket behind when the server is killed.
	for name in ${TMUX_SERVERS:-}; do
		socket=$(tmux -L "$name" display-message -p '#{socket_path}' \
			2>/dev/null) || socket=
		tmux -L "$name" kill-server 2>/dev/null || true
		[ -z "$socket" ] || rm -f "$socket"
	done
}

# The text of the outer pane, as the user would see it.
tmux_screen()
{
	tmux -L "$1" capture-pane -p -t outer
}

# One attempt from inside (with extra corral options before --) to type
# a command into the outer pane, and the same from outside: only the
# outside one may run.
tmux_case()
{
	local name=$1 inside=$SCRATCH/typed-from-inside server
	local outside=$SCRATCH/typed-from-outside
	shift

	run timeout -k 5 60 "$CORRAL" run "$@" -- \
		tmux -L "$name" send-keys -t outer "touch $inside" Enter
	expect_failure
	run timeout -k 5 60 "$CORRAL" run "$@" -- \
		tmux -S "$TMUX_SOCKET" send-keys -t outer "touch $inside" Enter
	expect_failure
	run sandbox "$@" -- "$PROBE" connect "$TMUX_SOCKET"
	expect_failure
	# Nor through the server's own view of the filesystem.
	server=$(tmux -L "$name" display-message -p '#{pid}')
	run sandbox "$@" -- "$PROBE" connect "/proc/$server/root$TMUX_SOCKET"
	expect_failure

	tmux -L "$name" send-keys -t outer "touch $outside" Enter
	wait_for_file "$outside"
	refute_exists "$inside"
	run tmux_screen "$name"
	expect_output "typed-from-outside"
	refute_output "typed-from-inside"
}

# --- UNIX sockets ------------------------------------------------------------

# A listening socket at path, reached from outside, and not from inside.
socket_case()
{
	serve unix "$1"
	run "$PROBE" connect "$1"
	expect_status 0
	expect_output "hello from unix"
	socket_unreached "$1"
}

# --allow-socket WANTED reaches WANTED from inside, and not OTHER beside it.
allowed_socket_only()
{
	run sandbox --allow-socket "$1" -- "$PROBE" connect "$1"
	expect_status 0
	expect_output "hello from unix"
	run sandbox --allow-socket "$1" -- "$PROBE" connect "$2"
	expect_failure
	refute_output "hello from unix"
}

# The listener at path is not reached from inside, with these options.
socket_unreached()
{
	local path=$1
	shift

	run sandbox "$@" -- "$PROBE" connect "$path"
	expect_failure
	refute_output "hello from unix"
}
