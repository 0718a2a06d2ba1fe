#!/usr/bin/env bats
# The default policy and deny-within-allow, with namespaces (the normal
# mode): denied paths masked, protected paths bound read-only, a private
# /tmp.  12-fallback runs the same cases with Landlock alone.

load helpers

setup()
{
	setup_scratch
}

teardown()
{
	teardown_scratch
}

@test "the plan uses namespaces, so these tests check the masks" {
	run corral run -n -- true
	expect_status 0
	expect_output "namespace"
	refute_output "none (Landlock alone)"
}

@test "the system reads and runs but is not writable; the project is" {
	run corral run -- sh -c 'cat /etc/hostname /proc/self/status >/dev/null && ls /usr/bin >/dev/null && echo ran >made-here'
	expect_status 0
	expect_file made-here ran

	for target in /etc/corral-bats-$$ /usr/corral-bats-$$ /var/corral-bats-$$ \
		"$SCRATCH/beside-home"; do
		run corral run -- sh -c 'echo x >"$1"' sh "$target"
		expect_failure
		refute_exists "$target"
	done
}

@test "the /dev entries granted work and a disk is not reachable" {
	local disk

	run corral run -- sh -c 'echo x >/dev/null && head -c 4 /dev/urandom | wc -c'
	expect_status 0
	expect_output 4

	disk=$(find /dev -maxdepth 1 -type b -name '[sv]d?' -print -quit)
	[ -n "$disk" ] || skip "no /dev/sdX or /dev/vdX disk to try"
	head -c 1 "$disk" >/dev/null 2>&1 ||
		skip "$disk cannot be read here even outside a sandbox"
	run corral run -- head -c 1 "$disk"
	expect_failure
}

@test "/etc/shadow is denied even to root, while /etc/passwd reads" {
	[ "$(id -u)" -eq 0 ] || skip "only root can read /etc/shadow outside a sandbox, so only root shows the deny"
	head -c 1 /etc/shadow >/dev/null

	run corral run -- cat /etc/passwd
	expect_status 0
	expect_output "root:"
	run corral run -- cat /etc/shadow
	expect_failure
	refute_output "root:"
}

@test "the default policy keeps every credential away and the project writable" {
	run corral run -- sh -c "echo made >made-here; $(canary_probe)"
	expect_status 0
	expect_file made-here made
	refute_output LEAK
	refute_output CANARY

	run corral run --read "$HOME" -- sh -c "cat \"\$HOME/notes.txt\"; $(canary_probe)"
	expect_output "notes, free to read"
	refute_output LEAK
	refute_output CANARY
	canaries_intact
}

@test "with ~ granted, ~/.ssh is denied while ~/notes.txt reads and writes" {
	case_deny_within_allow
}

@test "an explicit grant of exactly ~/.ssh lifts that deny and no other" {
	run corral run --read "$HOME/.ssh" -- cat "$HOME/.ssh/id_ed25519"
	expect_status 0
	expect_output "CANARY-.ssh-id_ed25519"

	run corral run --read "$HOME/.ssh" --allow "$HOME" -- \
		sh -c 'cat "$HOME/.netrc"; cat "$HOME/.aws/credentials"'
	expect_failure
	refute_output "CANARY-.netrc"
	refute_output "CANARY-.aws"
}

@test "a grant inside a denied directory is refused with a hint" {
	run corral run --read "$HOME/.ssh/id_ed25519" -- touch ran
	expect_status 125
	expect_output "lies inside denied"
	expect_output "hint:"
	refute_exists ran
}

@test "the working directory never lifts a deny: starting in ~/.ssh is refused" {
	cd "$HOME/.ssh"
	run corral run -- sh -c 'cat id_ed25519; echo ran >"$1/ran"' sh "$SCRATCH"
	expect_status 125
	expect_output "lies inside denied"
	expect_output "hint:"
	refute_output CANARY
	refute_exists "$SCRATCH/ran"

	cd "$PROJECT"
	mkdir -p "$SCRATCH/out"
	run corral run --allow "$SCRATCH/out" -- sh -c 'echo ran >"$1/ran"' sh "$SCRATCH/out"
	expect_status 0
	expect_file "$SCRATCH/out/ran" ran
}

@test "a denied ~/.ssh that is a symlink reads neither by the link nor at its target" {
	case_symlinked_dir
}

@test "a denied ~/.netrc that is a symlink reads neither by the link nor at its target" {
	case_symlinked_file
}

@test "ln, mv, cp -r and rename(2) cannot carry a credential into the project" {
	case_carry_out
}

@test "protected .git/config and .git/hooks cannot be edited, replaced or swapped" {
	case_protect_git
}

@test "a protected ~/.bashrc reads but cannot be edited or replaced" {
	case_protect_rc
}

@test "/proc/self/root and /proc/PID/cwd of an outside process do not reach a credential" {
	case_proc_paths
}

@test "symlinks planted in the project do not reach a credential" {
	case_planted_symlinks
}

@test "started inside a denied directory, relative names reach nothing" {
	case_cwd_inside_deny
}

@test "paths with spaces, .., ~, \$HOME, // and a trailing slash mean what they say" {
	case_odd_paths
}

@test "a directory denied in the project is neither read, written nor copied" {
	case_deny_in_project
}

@test "a descriptor to a credential opened outside does not survive into the sandbox" {
	case_inherited_fd
}

@test "a rule on a missing path is noted and drops no other rule" {
	case_missing_paths
}

@test "the sandbox cannot unmount a mask" {
	run corral run --allow "$HOME" -- sh -c 'cat "$HOME/notes.txt"; umount "$HOME/.ssh"; umount -l "$HOME/.ssh"; cat "$HOME/.ssh/id_ed25519"'
	expect_failure
	expect_output "notes, free to read"
	refute_output CANARY
	canaries_intact
}

@test "root inside cannot open a credential by file handle" {
	local handle

	[ "$(id -u)" -eq 0 ] || skip "open_by_handle_at needs CAP_DAC_READ_SEARCH, which only root has"
	command -v cc >/dev/null || skip "no C compiler to build the file handle probe"
	cat >"$BATS_TEST_TMPDIR/handle.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* handle PATH: print its file handle.  handle DIR HANDLE: read by it. */
int main(int argc, char **argv)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[128];
	} h = { .fh.handle_bytes = 128 };
	char buf[256], *hex;
	unsigned i;
	ssize_t n;
	int mount_id, dirfd, fd;

	if (argc == 2) {
		if (name_to_handle_at(AT_FDCWD, argv[1], &h.fh, &mount_id, 0))
			return perror("name_to_handle_at"), 2;
		printf("%d:", h.fh.handle_type);
		for (i = 0; i < h.fh.handle_bytes; i++)
			printf("%02x", h.fh.f_handle[i]);
		return 0;
	}
	h.fh.handle_type = (int)strtol(argv[2], &hex, 10);
	h.fh.handle_bytes = strlen(++hex) / 2;
	for (i = 0; i < h.fh.handle_bytes; i++)
		sscanf(hex + 2 * i, "%2hhx", &h.fh.f_handle[i]);
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (dirfd < 0)
		return perror("open"), 2;
	fd = open_by_handle_at(dirfd, &h.fh, O_RDONLY);
	if (fd < 0)
		return perror("open_by_handle_at"), 1;
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return perror("read"), 1;
	fwrite(buf, 1, (size_t)n, stdout);
	return 0;
}
EOF
	cc -o "$PROJECT/handle" "$BATS_TEST_TMPDIR/handle.c"

	handle=$("$PROJECT/handle" "$HOME/.ssh/id_ed25519")
	run "$PROJECT/handle" "$HOME" "$handle"
	expect_status 0
	expect_output "CANARY-.ssh-id_ed25519"

	run corral run --allow "$HOME" -- cat "$HOME/notes.txt"
	expect_status 0
	run corral run --allow "$HOME" -- ./handle "$HOME" "$handle"
	expect_failure
	refute_output CANARY

	handle=$("$PROJECT/handle" /etc/shadow)
	run corral run -- ./handle /etc "$handle"
	expect_failure
	refute_output "root:"

	make_git_dir
	handle=$("$PROJECT/handle" "$PROJECT/.git/config")
	run corral run -- ./handle "$PROJECT" "$handle"
	expect_failure
}

@test "with ~ granted, what start-up files source or put on PATH stays read-only, beside a writable note" {
	local f

	mkdir -p "$HOME/.cargo/bin" "$HOME/.config/tmux" "$HOME/.nvm" \
		"$HOME/.local/share/bash-completion/completions"
	for f in .bash_completion .cargo/env .cargo/bin/tool .config/tmux/tmux.conf \
		.nvm/nvm.sh .local/share/bash-completion/completions/git; do
		echo original >"$HOME/$f"
	done

	run corral run --allow "$HOME" -- sh -c 'echo edited >>"$HOME/notes.txt"'
	expect_status 0
	for f in .bash_completion .cargo/env .cargo/bin/tool .config/tmux/tmux.conf \
		.nvm/nvm.sh .local/share/bash-completion/completions/git; do
		run corral run --allow "$HOME" -- sh -c 'echo evil >>"$HOME/$1"' sh "$f"
		expect_failure
		expect_file "$HOME/$f" original
	done
	run corral run --allow "$HOME" -- sh -c 'echo evil >"$HOME/.cargo/bin/new"'
	expect_failure
	refute_exists "$HOME/.cargo/bin/new"
}

@test "a submodule's git config and hooks are protected like the repository's own" {
	make_git_dir
	mkdir -p .git/modules/sub/hooks
	echo "[core] sub" >.git/modules/sub/config

	run corral run -- sh -c 'echo edited >>.git/description'
	expect_status 0
	run corral run -- sh -c 'echo evil >>.git/modules/sub/config'
	expect_failure
	expect_file .git/modules/sub/config "[core] sub"
	run corral run -- sh -c 'echo evil >.git/modules/sub/hooks/post-checkout'
	expect_failure
	refute_exists .git/modules/sub/hooks/post-checkout
}

@test "modes, owners, times and extended attributes change in the project only" {
	local outside=$SCRATCH/beside-home ro=$SCRATCH/read-only

	echo outside >"$outside"
	chmod 600 "$outside" "$HOME/.ssh/id_ed25519"
	mkdir "$ro" && echo ro >"$ro/file" && chmod 644 "$ro/file"
	echo mine >mine && chmod 644 mine

	run corral run --read "$ro" -- sh -c '
		chmod 600 mine && touch -d 2001-01-01 mine && chown "$(id -u)" mine &&
		python3 -c "import os; os.setxattr(\"mine\", \"user.corral\", b\"1\")" &&
		echo changed-in-project'
	expect_status 0
	expect_output changed-in-project
	[ "$(stat -c %a mine)" = 600 ]

	for target in "$outside" "$HOME/.ssh/id_ed25519" "$ro/file"; do
		for how in 'chmod 666 "$1"' 'touch -d 2001-01-01 "$1"' \
			'chown "$(id -u)" "$1"' \
			'python3 -c "import os, sys; os.setxattr(sys.argv[1], \"user.corral\", b\"1\")" "$1"'; do
			run corral run --read "$ro" -- sh -c "$how" sh "$target"
			expect_failure
		done
		[ "$(stat -c %Y "$target")" != "$(date -d 2001-01-01 +%s)" ]
	done
	[ "$(stat -c %a "$outside")" = 600 ]
	[ "$(stat -c %a "$HOME/.ssh/id_ed25519")" = 600 ]
	[ "$(stat -c %a "$ro/file")" = 644 ]

	# In the home, a refused write is Landlock's EACCES, on which programs
	# fall back, and the rc files are out of chmod's reach all the same.
	echo "# rc" >"$HOME/.bashrc" && chmod 644 "$HOME/.bashrc"
	run corral run -- sh -c 'echo x >"$HOME/new-file"'
	expect_failure
	expect_output "Permission denied"
	run corral run -- chmod 666 "$HOME/.bashrc"
	expect_failure
	[ "$(stat -c %a "$HOME/.bashrc")" = 644 ]

	# A home inside a read-only grant (HOME=/etc, say) stays read-only.
	HOME=$ro run corral run --read "$ro" -- chmod 600 "$ro/file"
	expect_failure
	[ "$(stat -c %a "$ro/file")" = 644 ]
}

@test "/tmp is private: the sandbox's files stay in, the host's stay out" {
	local outside=/tmp/corral-bats-outside-$$ inside=/tmp/corral-bats-inside-$$

	echo "host file" >"$outside"
	run corral run -- sh -c 'echo sandbox >"$1" && cat "$1"; echo "TMPDIR=$TMPDIR"; if [ -e "$2" ]; then echo "host file visible"; fi' sh "$inside" "$outside"
	rm -f "$outside"
	expect_status 0
	expect_output sandbox
	expect_output "TMPDIR=/tmp"
	refute_output "host file"
	refute_exists "$inside"
}

@test "a project under /tmp is carried into the private /tmp with its denies and protects" {
	PROJECT=$(extra_scratch /tmp)
	cd "$PROJECT"
	echo "CANARY-tmp" >secret.txt
	make_git_dir

	run corral run --deny secret.txt -- sh -c 'echo ok >new; cat secret.txt'
	expect_failure
	refute_output CANARY
	expect_file new ok

	run corral run -- sh -c 'echo edited >>.git/description; echo evil >>.git/config'
	expect_failure
	expect_file .git/description "$(printf 'original description\nedited')"
	expect_file .git/config "[core] original"
}

@test "a home under /tmp keeps its rc files read-only, its credentials denied and the rest out" {
	local home

	home=$(extra_scratch /tmp)
	cp -a "$HOME/." "$home/"
	export HOME=$home PROJECT=$home/project
	cd "$PROJECT"
	echo "# original rc" >"$HOME/.bashrc"

	# The project is carried in read-write; the rc file only to be read.
	run corral run -- sh -c 'echo made >made-here; cat "$HOME/.bashrc"'
	expect_status 0
	expect_output "# original rc"
	expect_file made-here made
	run corral run -- sh -c 'echo evil >>"$HOME/.bashrc"'
	expect_failure
	expect_file "$HOME/.bashrc" "# original rc"

	# What no grant carries in is not there; why says so.
	run corral run -- cat "$HOME/notes.txt"
	expect_failure
	refute_output "notes, free to read"
	run corral why "$HOME/notes.txt" "$HOME/.bashrc"
	expect_output "not there: the sandbox has a private /tmp"
	expect_output "verdict: read only"

	# Granted whole, home is writable but for its rc file and credentials.
	run corral run --allow "$HOME" -- sh -c "echo edited >>\"\$HOME/notes.txt\"; $(canary_probe)"
	expect_status 0
	refute_output LEAK
	expect_file "$HOME/notes.txt" "$(printf 'notes, free to read\nedited')"
	run corral run --allow "$HOME" -- sh -c 'echo evil >>"$HOME/.bashrc"'
	expect_failure
	expect_file "$HOME/.bashrc" "# original rc"

	# Read whole, home is read-only but for the project inside it.
	run corral run --read "$HOME" -- sh -c 'cat "$HOME/notes.txt"; echo again >>made-here'
	expect_status 0
	expect_output "notes, free to read"
	expect_file made-here "$(printf 'made\nagain')"
	run corral run --read "$HOME" -- sh -c 'echo evil >>"$HOME/notes.txt"'
	expect_failure
	expect_file "$HOME/notes.txt" "$(printf 'notes, free to read\nedited')"
	canaries_intact
}

@test "start-up lists no directory of a 100,000-file project" {
	local i

	command -v strace >/dev/null || skip "strace is not installed: cannot count directory listings"
	make_git_dir
	mkdir -p big
	(cd big && seq 1 100000 | xargs touch)

	# The same listing in the parent's plan would show up as getdents64
	# on the project or on big; corral itself runs `true`.
	run strace -f -y -e trace=getdents64 -o "$BATS_TEST_TMPDIR/trace" \
		"$CORRAL" run --allow "$HOME" -- true
	expect_status 0
	# The home directory itself may be listed: with ~ writable, corral
	# grants its entries one by one so that no missing denied or
	# protected name (~/.aws, ~/.bash_login) can be made there.
	if grep -E "getdents64\\([0-9]+<$PROJECT[/>]" "$BATS_TEST_TMPDIR/trace"; then
		echo "corral listed the project" >&2
		return 1
	fi

	# The same trace does see a listing when there is one to see.
	run strace -f -y -e trace=getdents64 -o "$BATS_TEST_TMPDIR/trace" \
		"$CORRAL" run --allow "$HOME" -- ls big
	expect_status 0
	grep -qE "getdents64\\([0-9]+<$PROJECT/big>" "$BATS_TEST_TMPDIR/trace"
}
