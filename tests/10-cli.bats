#!/usr/bin/env bats
# The corral command line: subcommands, options, exit statuses, reports.
# Every command that runs also shows it ran confined: it reads no
# credential and writes where the policy lets it.

load helpers

setup()
{
	setup_scratch
}

teardown()
{
	teardown_scratch
}

# Shell code that exits 99 if a credential is readable, else with $1.
confined_exit()
{
	printf 'if cat "$HOME/.ssh/id_ed25519" 2>/dev/null; then exit 99; fi; echo ran >>ran; exit %s' "$1"
}

@test "--help prints the synopsis and every option on stdout and exits 0" {
	run --separate-stderr corral --help
	expect_status 0
	expect_output "usage: corral run"
	for word in shell why status check --allow --read --write --deny \
		--protect --no-cwd --dry-run --verbose --quiet --version; do
		expect_output "$word"
	done
	[ -z "$stderr" ]
}

@test "--version prints the version and exits 0" {
	run --separate-stderr corral --version
	expect_status 0
	[[ $output =~ ^corral\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "no subcommand prints the usage on stderr and exits 125" {
	run --separate-stderr corral
	expect_status 125
	[ -z "$output" ]
	[[ $stderr == *"usage: corral run"* ]]
}

@test "an unknown subcommand exits 125 with a hint" {
	run corral frobnicate
	expect_status 125
	expect_output "unknown command 'frobnicate'"
	expect_output "hint:"
}

@test "bad options exit 125 with a hint and do not run the command" {
	for bad in --bogus -x '--allow' '--deny' '-r'; do
		run corral run $bad
		expect_status 125
		expect_output "hint:"
	done
	run corral run --bogus -- touch ran
	expect_status 125
	expect_output "unknown option '--bogus'"
	refute_exists ran

	run corral run --allow '~nobody/x' -- touch ran
	expect_status 125
	expect_output "hint:"
	refute_exists ran

	run corral run -- sh -c "$(confined_exit 0)"
	expect_status 0
	expect_file ran ran
}

@test "run without a command exits 125 with a hint" {
	run corral run
	expect_status 125
	expect_output "a command is needed"
	expect_output "hint:"
	run corral run --allow "$HOME" --
	expect_status 125
}

@test "why without a path and status or check with an argument exit 125" {
	run corral why
	expect_status 125
	expect_output "hint:"
	run corral status extra
	expect_status 125
	run corral check extra
	expect_status 125
}

@test "the command's exit status passes through: 0, 1, 2 and 42" {
	for code in 0 1 2 42; do
		run corral run -- sh -c "$(confined_exit "$code")"
		expect_status "$code"
	done
	expect_file ran "$(printf 'ran\nran\nran\nran')"
}

@test "a command that does not exist exits 127" {
	run -127 corral run -- no-such-command-corral-bats
	expect_output "No such file or directory"
	run -127 corral run -- ./no-such-file
	run corral run -- sh -c "$(confined_exit 3)"
	expect_status 3
}

@test "a file that is not executable exits 126; made executable it runs" {
	printf '#!/bin/sh\n%s\n' "$(confined_exit 7)" >script
	chmod 644 script
	run corral run -- ./script
	expect_status 126
	refute_exists ran

	chmod 755 script
	run corral run -- ./script
	expect_status 7
	expect_file ran ran
}

@test "a command outside every grant is blocked with 126 and a hint" {
	mkdir -p "$SCRATCH/bin" "$SCRATCH/out"
	printf '#!/bin/sh\necho escaped >"%s/out/escaped"\n' "$SCRATCH" >"$SCRATCH/bin/tool"
	chmod 755 "$SCRATCH/bin/tool"
	run corral run -- "$SCRATCH/bin/tool"
	expect_status 126
	expect_output "hint:"
	refute_exists "$SCRATCH/out/escaped"

	run corral run --read "$SCRATCH/bin" -- "$SCRATCH/bin/tool"
	expect_failure
	refute_exists "$SCRATCH/out/escaped"
	run corral run --read "$SCRATCH/bin" --allow "$SCRATCH/out" -- "$SCRATCH/bin/tool"
	expect_status 0
	expect_file "$SCRATCH/out/escaped" escaped
}

@test "--no-cwd leaves the working directory out while other grants hold" {
	echo "project file" >readme

	run corral run -- sh -c 'cat readme && echo x >written'
	expect_status 0
	expect_file written x
	rm written

	run corral run --no-cwd -- cat "$PROJECT/readme"
	expect_failure
	run corral run --no-cwd -- sh -c 'echo x >"$1/written"' sh "$PROJECT"
	expect_failure
	refute_exists written

	run corral run --no-cwd --read "$PROJECT" -- cat "$PROJECT/readme"
	expect_status 0
	expect_output "project file"
	run corral run --no-cwd --read "$PROJECT" -- sh -c 'echo x >"$1/written"' sh "$PROJECT"
	expect_failure
	refute_exists written
}

@test "/ as the working directory is refused with a hint; --no-cwd runs there" {
	mkdir -p "$SCRATCH/out"
	cd /
	run corral run -- touch "$SCRATCH/out/ran"
	expect_status 125
	expect_output "refusing to grant / as the working directory"
	expect_output "hint:"
	refute_exists "$SCRATCH/out/ran"

	run corral run --no-cwd --allow "$SCRATCH/out" -- sh -c \
		'touch "$1/ran"; touch /corral-bats-root-file' sh "$SCRATCH/out"
	[ -e "$SCRATCH/out/ran" ]
	refute_exists /corral-bats-root-file
}

@test "\$HOME as the working directory is noted, and credentials stay denied" {
	cd "$HOME"
	mkdir -p "$HOME/work"
	run corral run -- sh -c "cat notes.txt && echo x >work/written && echo y >>notes.txt; $(canary_probe)"
	expect_output "the working directory is your home directory"
	expect_output "notes, free to read"
	expect_file "$HOME/work/written" x
	refute_output LEAK
	refute_output CANARY
	canaries_intact

	# Missing denied names (~/.aws, ~/.bash_login) cannot be made, so
	# nothing new is made directly in ~: existing files stay writable.
	run corral run -- sh -c 'echo x >new-in-home'
	expect_failure
	refute_exists "$HOME/new-in-home"
	grep -q y "$HOME/notes.txt"
}

@test "status says not confined outside and names the policy inside" {
	run corral status
	expect_status 0
	expect_output "confined: no"

	run corral run --read "$(dirname "$CORRAL")" -- sh -c \
		"\"\$1\" status; $(canary_probe)" sh "$CORRAL"
	expect_status 0
	expect_output "confined: yes"
	expect_output "policy=default"
	expect_output "workdir=$PROJECT"
	expect_output "NoNewPrivs:	1"
	refute_output LEAK
}

@test "status is not fooled by a CORRAL_SANDBOX variable set outside" {
	CORRAL_SANDBOX="policy=default" run corral status
	expect_status 0
	expect_output "confined: no"
	expect_output "warning:"
}

@test "status probes the network and the view itself: a description forged inside changes neither" {
	run corral run --no-net --read "$(dirname "$CORRAL")" -- \
		env CORRAL_SANDBOX="policy=default net=on" "$CORRAL" status
	expect_status 0
	expect_output "probed: network off"
	expect_output "probed: view a private mount namespace"
	expect_output "which a process inside could change"
	expect_output "the description disagrees with the probes"
	refute_output "network: on"

	run corral run --read "$(dirname "$CORRAL")" -- "$CORRAL" status
	expect_output "probed: network on"
	CORRAL_TEST_NO_NAMESPACES=1 run corral run --no-net \
		--read "$(dirname "$CORRAL")" -- "$CORRAL" status
	expect_output "probed: network off"
	expect_output "probed: view none"
}

@test "sandboxes nest until the kernel's 16 Landlock layers, then corral says so and runs nothing" {
	cat >nest.sh <<'EOF'
if [ "$1" -eq 0 ]; then echo reached; exit 0; fi
exec "$CORRAL" run -q --read "$(dirname "$CORRAL")" -- sh "$0" $(($1 - 1))
EOF
	run env CORRAL="$CORRAL" sh nest.sh 3
	expect_status 0
	expect_output reached

	run env CORRAL="$CORRAL" sh nest.sh 20
	expect_status 125
	expect_output "hint: the kernel stacks at most 16 Landlock layers"
	refute_output reached
}

@test "--dry-run prints the plan with each deny and its mechanism, and runs nothing" {
	run corral run -n --allow "$HOME" -- touch ran
	expect_status 0
	refute_exists ran
	expect_output "working directory: $PROJECT"
	expect_output "~/.ssh"
	expect_output "masked by an empty read-only tmpfs"
	expect_output "~/.netrc"
	expect_output "masked by /dev/null on a nodev mount"

	run corral run --dry-run -- touch ran
	expect_status 0
	refute_exists ran
	expect_output "~/.ssh"
	expect_output "outside every grant: Landlock denies it"
}

@test "-q silences notes and -v lists the skipped grants" {
	run corral run --allow "$SCRATCH/missing" -- sh -c "$(confined_exit 0)"
	expect_status 0
	expect_output "no such file or directory"

	run corral run -q --allow "$SCRATCH/missing" -- sh -c "$(confined_exit 0)"
	expect_status 0
	[ -z "$output" ]

	run corral run -n -v --allow "$SCRATCH/missing" -- true
	expect_output "skipped grants"
	expect_output "$SCRATCH/missing"
}

@test "why names the deny and its mechanism, the grant, and the protect" {
	make_git_dir
	run corral why --allow "$HOME" "$HOME/.ssh/id_ed25519" "$HOME/notes.txt" \
		.git/config /etc/passwd /var/lib
	expect_status 0
	expect_output "denied by default profile '~/.ssh', masked by an empty read-only tmpfs"
	expect_output "allow: granted by --allow '~'"
	expect_output "read-only: protected by default profile"
	expect_output "bound read-only over itself"
	expect_output "read: granted by default profile '/etc'"
	expect_output "verdict: no access (no grant covers it"
}

@test "check reports the Landlock ABI, user namespaces and the test cap" {
	run corral check
	expect_status 0
	expect_output "landlock: ABI"
	expect_output "user namespaces:"

	CORRAL_TEST_MAX_ABI=2 run corral check
	expect_output "capped to ABI 2"
}

@test "fail closed: without Landlock corral exits 125 and the command does not run" {
	CORRAL_TEST_MAX_ABI=0 run corral run -- touch ran
	expect_status 125
	expect_output "Landlock is not available"
	expect_output "hint:"
	refute_exists ran

	CORRAL_TEST_MAX_ABI=0 CORRAL_TEST_NO_NAMESPACES=1 run corral run -- touch ran
	expect_status 125
	refute_exists ran

	run corral run -- sh -c "$(confined_exit 0)"
	expect_status 0
	expect_file ran ran
}

@test "shell runs \$SHELL confined and refuses a command" {
	run env SHELL=/bin/sh "$CORRAL" shell <<EOF
cat "\$HOME/.ssh/id_ed25519" || echo denied
echo from-shell >from-shell
EOF
	expect_status 0
	expect_output denied
	refute_output CANARY
	expect_file from-shell from-shell

	run corral shell -- ls
	expect_status 125
	expect_output "hint:"
}
