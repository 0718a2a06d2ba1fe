#!/usr/bin/env bats
# Everything but the filesystem, each attack made for real beside the
# allowed twin that must still work: terminal injection, the network
# switch and port rules, daemons behind UNIX sockets, signals, ptrace and
# /proc, the environment, resource limits and the timeout, the syscall
# filter, and the reports that name each guarantee.  31-abi repeats what
# depends on the Landlock ABI with the ABI capped.

load helpers
load hardening_helpers

setup_file()
{
	build_probe
}

teardown_file()
{
	remove_probe
}

setup()
{
	setup_scratch
	unset TMUX TMUX_TMPDIR XDG_RUNTIME_DIR
	CLEANUP_PATHS=
}

teardown()
{
	local path

	tmux_stop_all
	teardown_scratch
	# Sockets first, then the directories made for them, if left empty.
	for path in ${CLEANUP_PATHS:-}; do
		if [ -d "$path" ]; then
			rmdir "$path" 2>/dev/null || true
		else
			rm -f "$path"
		fi
	done
}

# --- the terminal ---------------------------------------------------------

@test "TIOCSTI into the terminal is denied with and without high bits, and the outer shell runs nothing" {
	local reason c="$CORRAL run --read $PROBES --" p=$PROBE

	reason=$(tiocsti_unavailable)
	[ -z "$reason" ] || skip "$reason"

	# An interactive shell on a pty runs each line; whatever a command
	# pushes into the terminal's input, it reads and runs next.
	run timeout -k 5 90 "$PY" "$HARDENING_SRC/pty_drive.py" 33 111 \
		"$p tiocsti 0 'touch $SCRATCH/outside-plain'" \
		"$p tiocsti 0 'touch $SCRATCH/outside-high' high" \
		"$c $p tiocsti 0 'touch $SCRATCH/inside-plain'" \
		"$c $p tiocsti 0 'touch $SCRATCH/inside-high' high" \
		"$c $p tiocsti tty 'touch $SCRATCH/inside-devtty'" \
		"$c $p tiocsti 2 'touch $SCRATCH/inside-stderr' high"
	expect_status 0

	# From outside the same injection runs: the attack is real here.
	expect_exists "$SCRATCH/outside-plain"
	expect_exists "$SCRATCH/outside-high"
	refute_exists "$SCRATCH/inside-plain"
	refute_exists "$SCRATCH/inside-high"
	refute_exists "$SCRATCH/inside-devtty"
	refute_exists "$SCRATCH/inside-stderr"
	[ "$(grep -c 'fail EPERM (ioctl TIOCSTI' <<<"$output")" -eq 4 ]
}

@test "TIOCLINUX is denied with and without high bits, while TIOCGWINSZ and stty size work on the same terminal" {
	local c="$CORRAL run --read $PROBES --" p=$PROBE

	run timeout -k 5 90 "$PY" "$HARDENING_SRC/pty_drive.py" 33 111 \
		"$p tioclinux 0" \
		"$c $p tioclinux 0" \
		"$c $p tioclinux 0 high" \
		"$c $p winsz 0" \
		"$c stty size"
	expect_status 0
	[ "$(grep -c 'fail EPERM (ioctl TIOCLINUX' <<<"$output")" -eq 2 ]
	# Outside, a pty answers ENOTTY: the EPERM inside is the filter's.
	expect_output "fail ENOTTY (ioctl TIOCLINUX"
	expect_output "ok 33 111"
	# stty's own line, maybe after a prompt the shell printed first.
	[ "$(grep -cE '(^|[$] )33 111$' <<<"$output")" -eq 1 ]
}

# --- the network ----------------------------------------------------------

@test "--no-net: TCP, UDP, ICMP, raw, MPTCP, netlink and io_uring fail, pipes and socketpairs work; without it the same TCP connect works" {
	local tcp udp kind

	serve tcp 0
	tcp=$SERVED
	serve udp 0
	udp=$SERVED

	run sandbox -- "$PROBE" tcp "$tcp"
	expect_status 0
	expect_output "ok connected: hello from port $tcp"
	run sandbox --no-net -- "$PROBE" tcp "$tcp"
	expect_failure
	refute_output "hello from"

	run sandbox -- "$PROBE" udp "$udp" datagram-with-net
	expect_status 0
	wait_for_text "$SERVE_LOG" datagram-with-net
	run sandbox --no-net -- "$PROBE" udp "$udp" datagram-without-net
	expect_failure

	for kind in ping raw raw6 mptcp mptcp6 tcp6 netlink packet vsock; do
		run sandbox --no-net -- "$PROBE" socket "$kind"
		expect_failure
		expect_output "fail EAFNOSUPPORT"
		# Without --no-net, whatever refuses it is not the filter.
		run sandbox -- "$PROBE" socket "$kind"
		refute_output "fail EAFNOSUPPORT"
	done
	for kind in udp tcp tcp6 netlink; do
		run sandbox --no-net -- "$PROBE" socket "$kind" high
		expect_failure
		run sandbox -- "$PROBE" socket "$kind" high
		expect_status 0
		expect_output "ok socket with high bits"
	done
	run sandbox -- "$PROBE" netlink
	expect_status 0
	expect_output "ok links dumped"
	run sandbox --no-net -- "$PROBE" netlink
	expect_failure

	run sandbox --no-net -- "$PROBE" io_uring
	expect_failure
	run "$PROBE" io_uring
	expect_status 0

	run sandbox --no-net -- "$PROBE" pipe
	expect_status 0
	run sandbox --no-net -- "$PROBE" socketpair
	expect_status 0
	expect_output "ok pair"
	run sandbox --no-net -- sh -c 'echo through a pipe | cat'
	expect_status 0
	expect_output "through a pipe"

	sleep 0.2
	run cat "$SERVE_LOG"
	refute_output datagram-without-net
}

@test "--no-net: a DNS lookup fails, while without it the same lookup is answered" {
	local dir

	command -v ip >/dev/null || skip "no ip(8) to bring up a loopback in a private network namespace"
	unshare -rmn true 2>/dev/null ||
		skip "no user, mount and network namespace for a private resolver"

	# A resolver of our own on 127.0.0.1:53 in a private network
	# namespace, and /etc/resolv.conf pointing to it: getaddrinfo() sends
	# real DNS queries, and the resolver logs each name it is asked.
	dir=$SCRATCH/dns
	mkdir -p "$dir"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		>"$dir/resolv.conf"
	run timeout -k 5 60 unshare -rmn sh -c '
		set -e
		ip link set lo up
		mount --bind "$1/resolv.conf" /etc/resolv.conf
		"$5" "$4" dns 53 "$1/ready" "$1/log" 3>&- &
		trap "kill $!" EXIT
		i=0
		until [ -e "$1/ready" ]; do
			sleep 0.05
			i=$((i + 1))
			[ "$i" -lt 200 ]
		done
		echo "outside: $("$3" dns corral-outside.example)"
		echo "inside: $("$2" run --read "${3%/*}" -- "$3" dns corral-inside.example)"
		echo "no-net: $("$2" run --read "${3%/*}" --no-net -- "$3" dns corral-nonet.example)"
	' sh "$dir" "$CORRAL" "$PROBE" "$HARDENING_SRC/serve.py" "$PY"
	expect_status 0
	expect_output "outside: ok 192.0.2.7"
	expect_output "inside: ok 192.0.2.7"
	expect_output "no-net: fail"
	refute_output "no-net: ok"
	run cat "$dir/log"
	expect_output "query corral-inside.example"
	refute_output "corral-nonet.example"
}

@test "--allow-port: only that port connects while another server is refused, and UDP, MPTCP, ICMP and raw sockets fail" {
	local allowed other kind

	[ "$(kernel_abi)" -ge 4 ] || skip "Landlock ABI $(kernel_abi) < 4 has no TCP port rules"
	serve tcp 0
	allowed=$SERVED
	serve tcp 0
	other=$SERVED
	run "$PROBE" tcp "$other"
	expect_status 0

	run sandbox --allow-port "$allowed" -- "$PROBE" tcp "$allowed"
	expect_status 0
	expect_output "hello from port $allowed"
	run sandbox --allow-port "$allowed" -- "$PROBE" tcp "$other"
	expect_failure
	expect_output "fail EACCES"
	refute_output "hello from"

	for kind in udp ping raw mptcp mptcp6 sctp netlink packet; do
		run sandbox --allow-port "$allowed" -- "$PROBE" socket "$kind"
		expect_failure
	done
	run sandbox --allow-port "$allowed" -- "$PROBE" socket tcp6
	expect_status 0
	run sandbox --allow-port "$allowed" -- "$PROBE" bind "$allowed"
	expect_failure
}

@test "--allow-bind: a server on that port inside is reached from outside; another port does not bind" {
	local port other ready=$PROJECT/inside.ready

	[ "$(kernel_abi)" -ge 4 ] || skip "Landlock ABI $(kernel_abi) < 4 has no TCP port rules"
	port=$(free_port)
	other=$(free_port)

	run sandbox --allow-bind "$port" -- "$PROBE" bind "$other"
	expect_failure
	expect_output "fail EACCES"

	start_outside timeout -k 5 30 "$CORRAL" run -q --read "$HARDENING_SRC" \
		--allow-bind "$port" --timeout 20 -- \
		"$PY" "$HARDENING_SRC/serve.py" tcp "$port" "$ready" \
		"$PROJECT/inside.log" 3>&-
	wait_for_file "$ready"
	run "$PROBE" tcp "$port"
	expect_status 0
	expect_output "hello from port $port"
}

@test "port rules on Landlock ABI 3 are refused with 125 and the command does not run" {
	local flag

	[ "$(kernel_abi)" -ge 4 ] || skip "Landlock ABI $(kernel_abi) < 4: the allowed twin cannot run"
	for flag in --allow-port --allow-bind; do
		run env CORRAL_TEST_MAX_ABI=3 "$CORRAL" run "$flag" 443 -- \
			touch "$PROJECT/ran"
		expect_status 125
		expect_output "port rules cannot be enforced with Landlock ABI 3"
		refute_exists "$PROJECT/ran"
	done
	run env CORRAL_TEST_MAX_ABI=4 "$CORRAL" run --allow-port 443 -- \
		touch "$PROJECT/ran"
	expect_status 0
	expect_exists "$PROJECT/ran"
}

# --- daemons behind UNIX sockets ----------------------------------------

@test "tmux in its default socket directory: send-keys from inside types nothing, from outside it types" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	tmux_start "corral-bats-$$-default"
	[[ $TMUX_SOCKET == /tmp/* ]]
	tmux_case "corral-bats-$$-default"
}

@test "tmux under \$TMUX_TMPDIR: send-keys from inside types nothing, from outside it types" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	export TMUX_TMPDIR=$SCRATCH/tmux-dir
	mkdir -p "$TMUX_TMPDIR"
	tmux_start "corral-bats-$$-tmpdir"
	[[ $TMUX_SOCKET == "$TMUX_TMPDIR"/* ]]
	tmux_case "corral-bats-$$-tmpdir"
	tmux_case "corral-bats-$$-tmpdir" --read "$SCRATCH"
}

@test "a socket under /run/user/UID is unreachable inside and reachable outside" {
	local dir

	dir=/run/user/$(id -u)
	if [ ! -d "$dir" ]; then
		mkdir -m 700 "$dir" 2>/dev/null ||
			skip "$dir does not exist and only root can create it"
		CLEANUP_PATHS="$dir"
	fi
	[ -w "$dir" ] || skip "$dir is not writable by $(id -un)"
	CLEANUP_PATHS="$dir/corral-bats-$$.sock $CLEANUP_PATHS"
	socket_case "$dir/corral-bats-$$.sock"
}

@test "a socket under \$XDG_RUNTIME_DIR is unreachable inside and reachable outside" {
	export XDG_RUNTIME_DIR=$SCRATCH/runtime
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	socket_case "$XDG_RUNTIME_DIR/bus"
	socket_unreached "$XDG_RUNTIME_DIR/bus" --read "$SCRATCH"
}

@test "a stand-in docker socket under ~/.docker/run is unreachable inside, even with ~ granted" {
	mkdir -p "$HOME/.docker/run"
	socket_case "$HOME/.docker/run/docker.sock"
	socket_unreached "$HOME/.docker/run/docker.sock" --allow "$HOME"
}

@test "a stand-in docker socket at /run/docker.sock is unreachable inside and reachable outside" {
	[ -w /run ] || skip "only root can create /run/docker.sock"
	[ ! -e /run/docker.sock ] || skip "a real /run/docker.sock exists: left alone"
	CLEANUP_PATHS="/run/docker.sock"
	socket_case /run/docker.sock
}

@test "an agent's socket inside ~/.ssh is unreachable inside, granted parent or not, and reachable outside" {
	socket_case "$HOME/.ssh/agent.sock"
	socket_unreached "$HOME/.ssh/agent.sock" --allow "$HOME"
}

@test "a tmux server on a socket of its own, named by \$TMUX, is unreachable inside; unnamed it is not hidden" {
	serve unix "$HOME/work-tmux.sock"
	run sandbox -- "$PROBE" connect "$HOME/work-tmux.sock"
	expect_status 0
	expect_output "hello from unix"

	export TMUX="$HOME/work-tmux.sock,4242,0"
	socket_unreached "$HOME/work-tmux.sock"
	run "$PROBE" connect "$HOME/work-tmux.sock"
	expect_status 0
}

@test "--allow-socket reaches the socket named and no other beside it" {
	local wanted other

	export XDG_RUNTIME_DIR=$SCRATCH/runtime
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	serve unix "$XDG_RUNTIME_DIR/wanted.sock"
	wanted=$SERVED
	serve unix "$XDG_RUNTIME_DIR/bus"
	other=$SERVED

	allowed_socket_only "$wanted" "$other"
}

@test "--allow-socket under /tmp is carried into the private /tmp, and only that socket" {
	local dir wanted other

	dir=$(mktemp -d /tmp/corral-bats-sock.XXXXXX)
	CLEANUP_PATHS="$dir/wanted.sock $dir/other.sock $dir"
	serve unix "$dir/wanted.sock"
	wanted=$SERVED
	serve unix "$dir/other.sock"
	other=$SERVED

	allowed_socket_only "$wanted" "$other"
	run sandbox -- "$PROBE" connect "$wanted"
	expect_failure
	refute_output "hello from unix"
}

@test "--allow-socket on a socket that does not exist says so" {
	run "$CORRAL" run --allow-socket "$SCRATCH/none.sock" -- true
	expect_status 0
	expect_output "socket '$SCRATCH/none.sock' does not exist"
}

@test "without namespaces socket(AF_UNIX) is denied while socketpair works, and daemons stay out of reach" {
	export CORRAL_TEST_NO_NAMESPACES=1

	run sandbox -- "$PROBE" socket unix
	expect_failure
	expect_output "fail EACCES"
	# The kernel reads the family as an int: high bits change nothing.
	run sandbox -- "$PROBE" socket unix high
	expect_failure
	refute_output "ok socket"
	run "$PROBE" socket unix high
	expect_status 0
	expect_output "ok socket with high bits"
	run sandbox -- "$PROBE" socketpair
	expect_status 0
	expect_output "ok pair"
	run sandbox -- sh -c 'echo through a pipe | cat'
	expect_output "through a pipe"

	socket_case "$SCRATCH/daemon.sock"
	if command -v tmux >/dev/null; then
		tmux_start "corral-bats-$$-nons"
		tmux_case "corral-bats-$$-nons"
	fi
}

@test "without namespaces --allow-socket says plainly that daemons are reachable, and they are" {
	local agent other

	export CORRAL_TEST_NO_NAMESPACES=1
	serve unix "$SCRATCH/agent.sock"
	agent=$SERVED
	serve unix "$SCRATCH/other.sock"
	other=$SERVED

	run "$CORRAL" run --dry-run -- true
	expect_status 0
	expect_output "daemon sockets: out of reach: seccomp denies socket(AF_UNIX)"
	run "$CORRAL" run --dry-run --allow-socket "$agent" -- true
	expect_status 0
	expect_output "daemon sockets: REACHABLE"

	run sandbox --allow-socket "$agent" -- "$PROBE" connect "$agent"
	expect_status 0
	expect_output "hello from unix"
	# What the report warns of: any other socket is reachable too.
	run sandbox --allow-socket "$agent" -- "$PROBE" connect "$other"
	expect_status 0
}

# --- signals, ptrace and /proc -----------------------------------------

@test "signals to the parent shell and to a process outside fail, while inside they work" {
	local pid

	[ "$(kernel_abi)" -ge 6 ] || skip "Landlock ABI $(kernel_abi) < 6 cannot scope signals"
	start_outside sleep 600
	pid=$LAST_PID
	run sandbox -- "$PROBE" kill "$pid" 15
	expect_failure
	expect_output "fail EPERM"
	kill -0 "$pid"

	run sandbox -- sh -c 'kill -0 $PPID'
	expect_failure
	run sandbox -- "$PROBE" kill "$$" 0
	expect_failure
	expect_output "fail EPERM"

	run sandbox -- sh -c 'sleep 30 & kill $!; wait $!; echo "status $?"'
	expect_status 0
	expect_output "status 143"
	run sandbox -- sh -c 'exec "$1" kill $$ 0' sh "$PROBE"
	expect_status 0
	expect_output "ok signalled"
}

@test "resource limits of a process outside cannot be set, while the sandbox sets its own and reads others'" {
	local pid

	command -v prlimit >/dev/null || skip "prlimit (util-linux) is not installed"
	start_outside sleep 600
	pid=$LAST_PID
	run sandbox -- prlimit --pid "$pid" --nproc=0:0
	expect_failure
	expect_output "Operation not permitted"
	run prlimit --pid "$pid" --nproc --noheadings --output SOFT
	refute_output 0
	run sandbox -- prlimit --pid "$$" --cpu=1:1
	expect_failure

	run sandbox -- prlimit --pid "$pid" --nproc --noheadings --output SOFT
	expect_status 0
	run sandbox -- sh -c 'ulimit -n 64 && ulimit -n'
	expect_status 0
	expect_output 64
	run sandbox -- prlimit --nofile=32:32 sh -c 'ulimit -n'
	expect_output 32
}

@test "ptrace of a process outside fails even with --allow-ptrace, which lets a process trace its sibling inside" {
	local pid attach='sleep 30 & "$1" ptrace $!; s=$?; kill $!; exit $s'

	start_outside sleep 600
	pid=$LAST_PID
	run "$PROBE" ptrace "$pid"
	expect_status 0
	expect_output "ok attached"

	run sandbox -- "$PROBE" ptrace "$pid"
	expect_failure
	expect_output "fail EPERM"
	run sandbox --allow-ptrace -- "$PROBE" ptrace "$pid"
	expect_failure
	expect_output "fail EPERM"
	run sandbox -- "$PY" -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
ret = libc.ptrace(16, int(sys.argv[1]), 0, 0)
print("ptrace", ret, "errno", ctypes.get_errno())' "$pid"
	expect_output "ptrace -1 errno 1"
	if command -v strace >/dev/null; then
		run sandbox -- strace -o /dev/null -p "$pid"
		expect_failure
		expect_output "Operation not permitted"
	fi

	run sandbox -- sh -c "$attach" sh "$PROBE"
	expect_failure
	expect_output "fail EPERM"
	run sandbox --allow-ptrace -- sh -c "$attach" sh "$PROBE"
	expect_status 0
	expect_output "ok attached"
	kill -0 "$pid"
}

@test "/proc/<pid>/environ of the parent and of a process outside does not read, while /proc/self/environ does" {
	local pid i

	start_outside env CORRAL_BATS_SECRET=CANARY-environ-outside sleep 600
	pid=$LAST_PID
	for ((i = 0; i < 100; i++)); do
		grep -q CANARY "/proc/$pid/environ" 2>/dev/null && break
		sleep 0.05
	done
	# Outside, the file reads: the secret is there to be taken.
	grep -q CANARY-environ-outside "/proc/$pid/environ"

	run sandbox --set-env MARK=inside-environ -- \
		sh -c 'tr "\0" "\n" </proc/self/environ'
	expect_status 0
	expect_output "MARK=inside-environ"

	run sandbox -- cat "/proc/$pid/environ"
	expect_failure
	refute_output CANARY
	# The caller's own secrets: scrubbed from the sandbox's environment,
	# they must not be read back from its parent's.
	run env CORRAL_BATS_SECRET=CANARY-environ-parent timeout -k 5 60 \
		"$CORRAL" run -- sh -c 'cat /proc/$PPID/environ'
	expect_failure
	refute_output CANARY
}

@test "System V shared memory made outside is not found inside, where a segment of its own is" {
	local key=$((0x7c000000 + $$ % 65536)) shm='import ctypes, sys
libc = ctypes.CDLL(None)
flags = 0o1666 if sys.argv[1] == "make" else 0o666
print("found" if libc.shmget(int(sys.argv[2]), 4096, flags) >= 0 else "missing")'

	run "$PY" -c "$shm" make "$key"
	expect_output found
	run "$PY" -c "$shm" find "$key"
	expect_output found
	run sandbox -- "$PY" -c "$shm" find "$key"
	ipcrm -M "$key"
	expect_output missing
	run sandbox -- sh -c '"$1" -c "$2" make 7 && "$1" -c "$2" find 7' sh "$PY" "$shm"
	expect_status 0
	[ "$(grep -c found <<<"$output")" -eq 2 ]
}

@test "an abstract UNIX socket bound outside does not connect from inside, while one bound inside does" {
	[ "$(kernel_abi)" -ge 6 ] || skip "Landlock ABI $(kernel_abi) < 6 cannot scope abstract sockets"

	serve abstract "corral-bats-$$-outside"
	run "$PROBE" connect "@corral-bats-$$-outside"
	expect_status 0
	expect_output "hello from abstract"

	run sandbox -- "$PROBE" connect "@corral-bats-$$-outside"
	expect_failure
	refute_output "hello from"
	run sandbox -- "$PROBE" abstract-self "corral-bats-$$-inside"
	expect_status 0
	expect_output "ok connected to itself"
}

# --- the environment ----------------------------------------------------

@test "secrets and daemon addresses are removed, harmless variables arrive, --keep-env keeps and --set-env sets" {
	# shellcheck disable=SC2054 # $TMUX holds commas
	local scratch_env=(
		GITHUB_TOKEN=CANARY-github AWS_SECRET_ACCESS_KEY=CANARY-aws
		AWS_ACCESS_KEY_ID=CANARY-aws-id OPENAI_API_KEY=CANARY-openai
		ANTHROPIC_API_KEY=CANARY-anthropic GH_TOKEN=CANARY-gh
		MY_PASSWORD=CANARY-password github_token=CANARY-lowercase
		DATABASE_URL=postgres://CANARY-db VAULT_ADDR=CANARY-vault
		SSH_AUTH_SOCK=/CANARY/ssh-agent SSH_AGENT_PID=CANARY-1
		DBUS_SESSION_BUS_ADDRESS=unix:path=/CANARY/bus
		XDG_RUNTIME_DIR=/CANARY/runtime DOCKER_HOST=unix:///CANARY/docker
		TMUX=/CANARY/tmux,1,0 DISPLAY=CANARY:0
		LANG=C.UTF-8 EDITOR=corral-bats-editor
	)

	run env "${scratch_env[@]}" env
	expect_output CANARY-github
	run env "${scratch_env[@]}" timeout -k 5 60 "$CORRAL" run -- env
	expect_status 0
	refute_output CANARY
	expect_output "LANG=C.UTF-8"
	expect_output "EDITOR=corral-bats-editor"

	run env "${scratch_env[@]}" timeout -k 5 60 "$CORRAL" run \
		--keep-env OPENAI_API_KEY --set-env FOO=bar -- env
	expect_status 0
	expect_output "OPENAI_API_KEY=CANARY-openai"
	expect_output "FOO=bar"
	expect_output "EDITOR=corral-bats-editor"
	refute_output CANARY-github
	refute_output CANARY-anthropic
	refute_output CANARY/ssh-agent
}

@test "LD_PRELOAD, BASH_ENV, exported functions, PYTHONPATH and NODE_OPTIONS run nothing inside, though outside they do" {
	local inject check

	printf 'echo BASH_ENV-RAN\n' >"$PROJECT/bashenv"
	mkdir "$PROJECT/pylib"
	echo 'print("PYTHONPATH-RAN")' >"$PROJECT/pylib/sitecustomize.py"
	echo 'console.log("NODE_OPTIONS-RAN")' >"$PROJECT/inject.js"
	cat >"$SCRATCH/preload.c" <<-'EOF'
		#define _GNU_SOURCE
		#include <errno.h>
		#include <stdio.h>
		__attribute__((constructor)) static void ran(void)
		{
			fprintf(stderr, "PRELOAD-RAN in %s\n",
				program_invocation_short_name);
		}
	EOF
	gcc -shared -fPIC -o "$PROJECT/preload.so" "$SCRATCH/preload.c"
	inject=(
		LD_PRELOAD="$PROJECT/preload.so" BASH_ENV="$PROJECT/bashenv"
		'BASH_FUNC_greet%%=() { echo FUNCTION-RAN; }'
		PYTHONPATH="$PROJECT/pylib"
		NODE_OPTIONS="--require $PROJECT/inject.js"
	)
	check='greet; "$1" -c "print(\"python ran\")"'
	if command -v node >/dev/null; then
		check="$check; node -e 'console.log(\"node ran\")'"
	fi

	run env "${inject[@]}" bash -c "$check" sh "$PY"
	expect_output "PRELOAD-RAN in bash"
	expect_output BASH_ENV-RAN
	expect_output FUNCTION-RAN
	expect_output PYTHONPATH-RAN
	! command -v node >/dev/null || expect_output NODE_OPTIONS-RAN

	run env "${inject[@]}" timeout -k 5 60 "$CORRAL" run -- \
		bash -c "$check" sh "$PY"
	expect_output "python ran"
	! command -v node >/dev/null || expect_output "node ran"
	refute_output "PRELOAD-RAN in bash"
	refute_output "PRELOAD-RAN in python"
	refute_output "PRELOAD-RAN in node"
	refute_output BASH_ENV-RAN
	refute_output FUNCTION-RAN
	refute_output PYTHONPATH-RAN
	refute_output NODE_OPTIONS-RAN
}

@test "--keep-env or --set-env of an injection variable is refused with 125 and the command does not run" {
	local opt

	for opt in "--keep-env LD_PRELOAD" "--keep-env BASH_ENV" \
		"--keep-env PYTHONPATH" "--set-env LD_PRELOAD=/x.so" \
		"--set-env NODE_OPTIONS=--require=/x.js"; do
		# shellcheck disable=SC2086 # the option and its word
		run "$CORRAL" run $opt -- touch "$PROJECT/ran"
		expect_status 125
		expect_output "cannot be"
		expect_output "'$(echo "${opt#* }" | cut -d= -f1)'"
		refute_exists "$PROJECT/ran"
	done
	run "$CORRAL" run --keep-env OPENAI_API_KEY -- touch "$PROJECT/ran"
	expect_status 0
	expect_exists "$PROJECT/ran"
}

# --- limits and the timeout ---------------------------------------------

@test "a fork bomb under --limit procs=50 is held to 50 processes, then ended, and the caller still forks" {
	local bomb=$PROJECT/bomb-$$.sh pid n i peak=0 status=0

	# First the bound itself, without a bomb: if it fails, no bomb runs.
	run sandbox --limit procs=50 -- "$PROBE" forks 200
	expect_failure
	expect_output "fail EAGAIN"

	printf 'b() { b | b & }\nb\nexec sleep 30\n' >"$bomb"
	timeout -k 5 60 "$CORRAL" run --limit procs=50 --timeout 6 -- \
		bash "$bomb" >/dev/null 2>&1 3>&- &
	pid=$!
	for ((i = 0; i < 30; i++)); do
		n=$(pgrep -fc "^bash $bomb") || true
		[ "$n" -le "$peak" ] || peak=$n
		sleep 0.1
	done
	wait "$pid" || status=$?
	echo "peak: $peak bomb processes, status $status"
	[ "$status" -eq 124 ]
	[ "$peak" -ge 10 ] # it did run
	[ "$peak" -le 50 ] # and was held
	sleep 0.2
	run pgrep -f "^bash $bomb"
	expect_status 1

	run "$PROBE" forks 100
	expect_status 0
	expect_output "ok forked 100"
}

@test "a process forks past 50 without a limit, and not with --limit procs=50" {
	run sandbox -- "$PROBE" forks 200
	expect_status 0
	expect_output "ok forked 200"
	run sandbox --limit procs=50 -- "$PROBE" forks 200
	expect_failure
	expect_output "fail EAGAIN"
	[ "$(sed -n 's/.*(forked \([0-9]*\)).*/\1/p' <<<"$output")" -lt 50 ]
}

@test "--limit procs counts what the plan says: the sandbox's own processes with a view or for root, every one of the user's without" {
	local i made

	for ((i = 0; i < 20; i++)); do
		start_outside sleep 600
	done
	run sandbox --limit procs=50 -- "$PROBE" forks 200
	expect_output "fail EAGAIN"
	made=$(sed -n 's/.*(forked \([0-9]*\)).*/\1/p' <<<"$output")
	echo "forked $made beside 20 processes outside"
	run "$CORRAL" run --dry-run --limit procs=50 -- true
	if [ "$(id -u)" -eq 0 ]; then
		expect_output "procs by a pids cgroup"
	else
		expect_output "procs counts the sandbox's own processes"
	fi
	[ "$made" -ge 45 ]
	[ "$made" -le 50 ]

	[ "$(id -u)" -ne 0 ] || return 0
	CORRAL_TEST_NO_NAMESPACES=1 run sandbox --limit procs=50 -- \
		"$PROBE" forks 200
	expect_output "fail EAGAIN"
	made=$(sed -n 's/.*(forked \([0-9]*\)).*/\1/p' <<<"$output")
	echo "without a view: forked $made beside 20 processes outside"
	run env CORRAL_TEST_NO_NAMESPACES=1 "$CORRAL" run --dry-run \
		--limit procs=50 -- true
	expect_output "procs counts every process of this user"
	[ "$made" -le 30 ]
}

@test "an allocation loop under --limit mem=256M is stopped and cannot raise the limit; without it 400M allocate" {
	run sandbox -- "$PROBE" alloc 400
	expect_status 0
	expect_output "ok allocated 400 MB"

	run sandbox --limit mem=256M -- "$PROBE" alloc 400
	expect_failure
	expect_output "fail ENOMEM"
	[ "$(sed -n 's/.*(allocated \([0-9]*\) MB).*/\1/p' <<<"$output")" -lt 256 ]
	run sandbox --limit mem=256M --timeout 30 -- "$PY" -c '
chunks = []
while True:
    chunks.append(bytearray(16 << 20))'
	expect_failure
	expect_output MemoryError

	run sandbox --limit mem=256M -- sh -c 'ulimit -v unlimited'
	expect_failure
	run sandbox --limit mem=256M -- sh -c 'ulimit -v'
	expect_output 262144

	run "$PROBE" forks 10
	expect_status 0
}

@test "--limit fsize=100 cuts a file at 100 bytes while a smaller one is written whole" {
	run sandbox --limit fsize=100 -- sh -c 'head -c 50 /dev/zero >small'
	expect_status 0
	[ "$(stat -c %s small)" -eq 50 ]

	run sandbox --limit fsize=100 -- sh -c 'head -c 200 /dev/zero >big'
	expect_failure
	[ "$(stat -c %s big)" -eq 100 ]
	run sandbox -- sh -c 'head -c 200 /dev/zero >big'
	expect_status 0
	[ "$(stat -c %s big)" -eq 200 ]
}

@test "--limit nofile=16 stops the 17th descriptor; without it 64 open" {
	local open64='import os
fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(64)]
print("opened", len(fds))'

	run sandbox -- "$PY" -c "$open64"
	expect_status 0
	expect_output "opened 64"
	run sandbox --limit nofile=16 -- "$PY" -c "$open64"
	expect_failure
	expect_output "Too many open files"
	run sandbox --limit nofile=16 -- sh -c 'ulimit -n'
	expect_output 16
}

@test "--limit cpu=1 ends a busy loop; a short command under it finishes" {
	run sandbox --limit cpu=1 -- sh -c 'echo quick'
	expect_status 0
	expect_output quick

	run timeout -k 5 30 "$CORRAL" run --limit cpu=1 -- sh -c 'while :; do :; done'
	# Ended by the kernel at the limit (SIGXCPU, or SIGKILL where the
	# hard limit is the soft one), not by timeout(1), which gives 124.
	[ "$status" -eq 152 ] || [ "$status" -eq 137 ] || {
		echo "expected 152 or 137, got $status" >&2
		return 1
	}
}

@test "--timeout 1 ends sleep 30 and its background children with 124; a command done in time keeps its status" {
	local tag="$$$RANDOM" start

	start=$SECONDS
	run timeout -k 5 60 "$CORRAL" run --timeout 1 -- sh -c "
		sleep 31.$tag &
		(setsid sleep 32.$tag &)
		sh -c 'trap \"\" HUP INT TERM; sleep 33.$tag' &
		sleep 30.$tag"
	expect_status 124
	[ $((SECONDS - start)) -lt 10 ]
	sleep 0.2
	run pgrep -f "sleep 3[0-3][.]$tag"
	expect_status 1

	run timeout -k 5 60 "$CORRAL" run --timeout 10 -- \
		sh -c "(sleep 34.$tag &); sleep 0.2; exit 3"
	expect_status 3
	run pgrep -f "sleep 34[.]$tag"
	expect_status 1

	# A deadline past 2^32 ms is not one a few hundred ms away.
	run timeout -k 5 60 "$CORRAL" run --timeout 4294968 -- \
		sh -c 'sleep 1; exit 5'
	expect_status 5
}

@test "SIGTERM to corral under --timeout ends the command and its children, not corral alone" {
	local tag="$$$RANDOM" pid i status=0

	timeout -k 5 60 "$CORRAL" run --timeout 30 -- \
		sh -c "sleep 35.$tag & sleep 36.$tag" 3>&- &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		pgrep -f "sleep 36[.]$tag" >/dev/null && break
		sleep 0.05
	done
	# The corral under timeout(1), which has no reason to pass it on.
	kill "$(pgrep -P "$pid")"
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	sleep 0.2
	run pgrep -f "sleep 3[56][.]$tag"
	expect_status 1
}

@test "invalid --limit and --timeout values are refused with 125 naming the value, and the command does not run" {
	local args named i
	local cases=(
		"--limit mem=lots" "mem=lots"
		"--limit mem=0" "mem=0"
		"--limit procs=-1" "procs=-1"
		"--limit procs=5x" "procs=5x"
		"--limit bogus=1" "bogus"
		"--limit mem" "mem"
		"--timeout 5x" "5x"
		"--timeout -1" "-1"
		"--timeout 0" "'0'"
		"--timeout 1.5" "1.5"
		"--timeout ten" "ten"
	)

	for ((i = 0; i < ${#cases[@]}; i += 2)); do
		args=${cases[i]}
		named=${cases[i + 1]}
		# shellcheck disable=SC2086 # the option and its word
		run "$CORRAL" run $args -- touch "$PROJECT/ran"
		expect_status 125
		expect_output "$named"
		refute_exists "$PROJECT/ran"
	done
	run "$CORRAL" run --limit mem=1G,procs=500 --timeout 1m -- \
		touch "$PROJECT/ran"
	expect_status 0
	expect_exists "$PROJECT/ran"
}

# --- the syscall filter ---------------------------------------------------

@test "namespaces, mount, keyrings, bpf, perf, userfaultfd, process_vm_readv, io_uring and READ_IMPLIES_EXEC fail inside while fork, exec, threads and pipelines work" {
	local action

	for action in unshare clone-newuser keyctl bpf perf userfaultfd \
		process_vm_readv io_uring personality "personality high"; do
		# shellcheck disable=SC2086 # the action and its word
		run sandbox -- "$PROBE" $action
		expect_failure
		expect_output "fail EPERM"
		# shellcheck disable=SC2086
		run "$PROBE" $action
		case $action in
		bpf | perf)
			# Debian denies these to users by sysctl.
			[ "$(id -u)" -ne 0 ] || expect_status 0
			;;
		*) expect_status 0 ;;
		esac
	done

	mkdir "$PROJECT/mnt"
	run unshare -rm "$PROBE" mount "$PROJECT/mnt"
	expect_status 0
	run sandbox -- "$PROBE" mount "$PROJECT/mnt"
	expect_failure
	expect_output "fail EPERM"
	run sandbox -- unshare -rm true
	expect_failure

	run sandbox -- "$PROBE" forks 20
	expect_status 0
	run sandbox -- "$PROBE" threads 16
	expect_status 0
	expect_output "ok 16 threads"
	run sandbox -- "$PY" -c '
import threading
done = []
threads = [threading.Thread(target=done.append, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print("threads", len(done))'
	expect_output "threads 8"
	run sandbox -- sh -c 'seq 1 100 | grep 7 | sort -r | wc -l'
	expect_status 0
	expect_output 19
	run sandbox -- setarch "$(uname -m)" -R true
	expect_status 0
}

@test "the rest of the deny list fails inside with the filter's EPERM, while outside the kernel answers for itself" {
	local call

	for call in setns init_module finit_module delete_module kexec_load \
		kexec_file_load iopl ioperm acct swapon swapoff reboot add_key \
		request_key process_vm_writev pivot_root chroot umount2 fsopen \
		open_tree move_mount mount_setattr name_to_handle_at \
		open_by_handle_at quotactl; do
		run sandbox -- "$PROBE" denied "$call"
		expect_failure
		expect_output "fail EPERM"
		# Root has every capability outside: whatever refuses it there
		# is the kernel's argument check, not a filter.
		if [ "$(id -u)" -eq 0 ]; then
			run "$PROBE" denied "$call"
			refute_output "fail EPERM"
		fi
	done
	run "$PROBE" denied process_vm_writev
	expect_status 0
	run "$PROBE" denied setns
	expect_output "fail EBADF"

	# clone3 answers ENOSYS, so that libc falls back to clone.
	run sandbox -- "$PROBE" denied clone3
	expect_output "fail ENOSYS"
	run "$PROBE" denied clone3
	expect_output "fail EINVAL"
}

@test "an i386 system call (int 0x80) kills the process with SIGSYS inside, while outside it returns" {
	[ "$(uname -m)" = x86_64 ] || skip "the i386 entry point is x86_64's"
	run "$PROBE" i386
	[ "$status" -eq 0 ] || skip "this kernel has no i386 emulation (int 0x80 fails outside too)"
	expect_output "ok i386 getpid"
	run sandbox -- "$PROBE" i386
	expect_status 159
	refute_output "ok i386"
}

@test "an x32 system call kills the process with SIGSYS inside, while outside it only returns" {
	[ "$(uname -m)" = x86_64 ] || skip "x32 exists only on x86_64"

	run "$PROBE" x32
	[ "$status" -le 1 ]
	run sandbox -- "$PROBE" x32
	expect_status 159
	run sandbox -- "$PROBE" pipe
	expect_status 0
}

# --- reports --------------------------------------------------------------

@test "--dry-run names each guarantee with the mechanism that keeps it" {
	local abi

	abi=$(kernel_abi)
	run "$CORRAL" run --dry-run -- true
	expect_status 0
	expect_guarantees
	expect_output "filesystem: Landlock ABI $abi"
	expect_output "credentials: denied paths inside grants masked in the view"
	expect_output "network: on (not restricted)"
	expect_output "terminal: seccomp denies TIOCSTI and TIOCLINUX"
	expect_output "daemon sockets: hidden by the view"
	expect_output "ptrace: denied by seccomp"
	expect_output "environment: loader and interpreter injection variables always removed"
	expect_output "limits: none"
	if [ "$abi" -ge 6 ]; then
		expect_output "signals: Landlock scope (ABI 6)"
	else
		expect_output "signals: NOT ENFORCED"
	fi
}

@test "--dry-run follows the options: network off, port rules, ptrace, kept variables, limits and timeout" {
	run "$CORRAL" run --dry-run --no-net -- true
	expect_output "network: off: seccomp allows no socket family but AF_UNIX"
	run "$CORRAL" run --dry-run --allow-port 443 --allow-bind 8080 -- true
	expect_output "network: TCP only, by Landlock ABI 4 port rules"
	expect_output "connect to 443; bind to 8080"
	run "$CORRAL" run --dry-run --allow-ptrace -- true
	expect_output "ptrace: allowed, limited by Landlock"
	run "$CORRAL" run --dry-run --keep-env OPENAI_API_KEY -- true
	expect_output "environment: OPENAI_API_KEY kept"
	run "$CORRAL" run --dry-run --limit mem=256M,procs=50 --timeout 90 -- true
	expect_output "limits: rlimits mem=268435456,procs=50"
	expect_output "timeout: 90000 ms"
}

@test "status inside names each guarantee with its mechanism; outside it says not confined" {
	run "$CORRAL" status
	expect_status 0
	expect_output "confined: no"
	refute_output "credentials:"

	run sandbox --read "$(dirname "$CORRAL")" --no-net \
		--limit mem=512M -- "$CORRAL" status
	expect_status 0
	expect_output "confined: yes"
	expect_output "network: off"
	expect_output "Seccomp:	2"
	expect_guarantees
}
