# Shared by the corral suites: a scratch home with canary credentials, a
# project to work in, small assertions that show the output when they
# fail, and the deny and protect cases that 11-policy (with namespaces)
# and 12-fallback (Landlock alone) both run.
#
# The scratch lives outside /tmp: the sandbox gets a private /tmp, where a
# path it was not given is simply missing.  A canary that is unreadable
# because it is missing proves nothing about the policy, and a write that
# lands in a throw-away tmpfs is never seen.  CORRAL_TEST_SCRATCH moves it.

bats_require_minimum_version 1.5.0

CORRAL=${CORRAL:-"$BATS_TEST_DIRNAME/../build/corral"}
CORRAL="$(cd "$(dirname "$CORRAL")" && pwd)/$(basename "$CORRAL")"

# Every file an agent must never read, with a content that names it.
CANARIES=(
	.ssh/id_ed25519
	.aws/credentials
	.netrc
	.git-credentials
	.gnupg/private-keys-v1.d/canary.key
	.config/gh/hosts.yml
	.config/gcloud/credentials.db
	.npmrc
	.kube/config
	.docker/config.json
	.bash_history
)

setup_scratch()
{
	[ -x "$CORRAL" ] || {
		echo "no corral binary at $CORRAL: run make first" >&2
		return 1
	}
	unset CORRAL_TEST_NO_NAMESPACES CORRAL_TEST_MAX_ABI CORRAL_SANDBOX
	unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME
	export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
	SCRATCH=$(mktemp -d "${CORRAL_TEST_SCRATCH:-/var/tmp}/corral-bats.XXXXXX")
	export HOME=$SCRATCH/home
	export PROJECT=$HOME/project SCRATCH
	mkdir -p "$PROJECT"
	echo "notes, free to read" >"$HOME/notes.txt"
	plant_canaries
	cd "$PROJECT"
}

teardown_scratch()
{
	local pid dir

	for pid in ${OUTSIDE_PIDS:-}; do
		kill "$pid" 2>/dev/null || true
	done
	cd /
	for dir in ${SCRATCH:-} ${EXTRA_SCRATCH:-}; do
		rm -rf "$dir"
	done
}

# One more scratch directory, under parent, removed in teardown.
extra_scratch()
{
	local dir

	dir=$(mktemp -d "$1/corral-bats.XXXXXX")
	EXTRA_SCRATCH="${EXTRA_SCRATCH:-} $dir"
	echo "$dir"
}

plant_canaries()
{
	local f

	for f in "${CANARIES[@]}"; do
		mkdir -p "$HOME/$(dirname "$f")"
		echo "CANARY-${f//\//-}" >"$HOME/$f"
	done
	chmod 700 "$HOME/.ssh" "$HOME/.gnupg"
}

# Shell code for the inside of a sandbox: names every canary it can read.
canary_probe()
{
	local f

	for f in "${CANARIES[@]}"; do
		printf 'if cat "$HOME/%s" 2>/dev/null; then echo "LEAK: %s"; fi\n' \
			"$f" "$f"
	done
}

# From outside: every canary still holds exactly what was planted.
canaries_intact()
{
	local f

	for f in "${CANARIES[@]}"; do
		if [ "$(cat "$HOME/$f")" != "CANARY-${f//\//-}" ]; then
			echo "canary ~/$f was changed or removed" >&2
			return 1
		fi
	done
}

# A listing of the scratch home outside the project: names, sizes, times.
home_snapshot()
{
	find "$HOME" -path "$PROJECT" -prune -o \
		-printf '%p %y %s %T@ %C@\n' | sort
}

# Processes started outside the sandbox, killed in teardown.
start_outside()
{
	"$@" &
	OUTSIDE_PIDS="${OUTSIDE_PIDS:-} $!"
	LAST_PID=$!
}

corral()
{
	"$CORRAL" "$@"
}

# Assertions on bats' $status and $output that show both when they fail.
expect_status()
{
	if [ "$status" -ne "$1" ]; then
		printf 'expected status %s, got %s; output:\n%s\n' \
			"$1" "$status" "$output" >&2
		return 1
	fi
}

expect_failure()
{
	if [ "$status" -eq 0 ]; then
		printf 'expected a failure, got status 0; output:\n%s\n' \
			"$output" >&2
		return 1
	fi
}

expect_output()
{
	case $output in
	*"$1"*) return 0 ;;
	esac
	printf 'expected the output to contain "%s"; output:\n%s\n' \
		"$1" "$output" >&2
	return 1
}

refute_output()
{
	case $output in
	*"$1"*)
		printf 'expected the output not to contain "%s"; output:\n%s\n' \
			"$1" "$output" >&2
		return 1
		;;
	esac
}

expect_file()
{
	if [ "$(cat "$1" 2>/dev/null)" != "$2" ]; then
		printf 'expected %s to hold "%s", it holds "%s"\n' "$1" "$2" \
			"$(cat "$1" 2>&1)" >&2
		return 1
	fi
}

refute_exists()
{
	if [ -e "$1" ] || [ -L "$1" ]; then
		echo "expected $1 not to exist" >&2
		return 1
	fi
}

# No file under dir holds a canary's content.
no_canary_under()
{
	if grep -rqs CANARY "$1"; then
		echo "a canary reached $1:" >&2
		grep -rls CANARY "$1" >&2
		return 1
	fi
}

# --- cases shared by 11-policy and 12-fallback ---------------------------

# unlink(2) by hand: the default policy blocks rm itself, and a case that
# fails because rm cannot run would prove nothing about the path.
UNLINK='/usr/bin/python3 -c "import os, sys; os.unlink(sys.argv[1])"'

# A git-like project: protected .git/hooks and .git/config, one free file.
make_git_dir()
{
	mkdir -p "$PROJECT/.git/hooks"
	echo "[core] original" >"$PROJECT/.git/config"
	printf '#!/bin/sh\necho original hook\n' >"$PROJECT/.git/hooks/pre-commit"
	chmod +x "$PROJECT/.git/hooks/pre-commit"
	echo "original description" >"$PROJECT/.git/description"
}

case_deny_within_allow()
{
	run corral run --allow "$HOME" -- cat "$HOME/notes.txt"
	expect_status 0
	expect_output "notes, free to read"

	run corral run --allow "$HOME" -- cat "$HOME/.ssh/id_ed25519"
	expect_failure
	refute_output CANARY

	run corral run --allow "$HOME" -- sh -c "$(canary_probe)"
	refute_output LEAK
	refute_output CANARY

	run corral run --allow "$HOME" -- sh -c \
		'echo overwritten >"$HOME/.aws/credentials"'
	expect_failure
	run corral run --allow "$HOME" -- sh -c 'echo more >>"$HOME/notes.txt"'
	expect_status 0
	expect_file "$HOME/notes.txt" "$(printf 'notes, free to read\nmore')"
	canaries_intact
}

case_symlinked_dir()
{
	mkdir -p "$HOME/dotfiles"
	mv "$HOME/.ssh" "$HOME/dotfiles/ssh"
	ln -s dotfiles/ssh "$HOME/.ssh"
	echo "dotfile, free to read" >"$HOME/dotfiles/vimrc"

	run corral run --allow "$HOME" -- cat "$HOME/dotfiles/vimrc"
	expect_status 0
	expect_output "dotfile, free to read"

	run corral run --allow "$HOME" -- cat "$HOME/.ssh/id_ed25519"
	expect_failure
	refute_output CANARY
	run corral run --allow "$HOME" -- cat "$HOME/dotfiles/ssh/id_ed25519"
	expect_failure
	refute_output CANARY

	# Nor can the link give way to a directory of the sandbox's making.
	run corral run --allow "$HOME" -- sh -c \
		"$UNLINK"' "$HOME/.ssh" || mv "$HOME/.ssh" "$HOME/old-ssh"; mkdir -p "$HOME/.ssh" && echo "ProxyCommand planted" >"$HOME/.ssh/config"'
	expect_failure
	[ "$(readlink "$HOME/.ssh")" = dotfiles/ssh ]
	refute_exists "$HOME/dotfiles/ssh/config"
	canaries_intact
}

case_symlinked_file()
{
	mkdir -p "$HOME/dotfiles"
	mv "$HOME/.netrc" "$HOME/dotfiles/netrc"
	ln -s dotfiles/netrc "$HOME/.netrc"
	echo "dotfile, free to read" >"$HOME/dotfiles/vimrc"

	run corral run --allow "$HOME" -- cat "$HOME/dotfiles/vimrc"
	expect_status 0
	expect_output "dotfile, free to read"

	run corral run --allow "$HOME" -- cat "$HOME/.netrc"
	expect_failure
	refute_output CANARY
	run corral run --allow "$HOME" -- cat "$HOME/dotfiles/netrc"
	expect_failure
	refute_output CANARY

	run corral run --allow "$HOME" -- sh -c \
		'echo "machine planted" >"$HOME/planted" && mv -f "$HOME/planted" "$HOME/.netrc"'
	expect_failure
	[ "$(readlink "$HOME/.netrc")" = dotfiles/netrc ]
	canaries_intact
}

# Each way of carrying a denied file or directory into the project fails,
# and leaves the original where it was; a free file moves the same way.
case_carry_out()
{
	local how dest=$PROJECT/loot

	mkdir -p "$HOME/docs"
	echo "a free document" >"$HOME/docs/free.txt"
	run corral run --allow "$HOME" -- mv "$HOME/docs/free.txt" "$PROJECT/"
	expect_status 0
	expect_file "$PROJECT/free.txt" "a free document"

	for how in \
		'ln "$HOME/.ssh/id_ed25519" "$1"' \
		'ln "$HOME/.netrc" "$1"' \
		'mv "$HOME/.ssh/id_ed25519" "$1"' \
		'mv "$HOME/.ssh" "$1"' \
		'mv "$HOME/.netrc" "$1"' \
		'mv "$HOME/.aws" "$1"' \
		'mv "$HOME/.config" "$1"' \
		'mv "$HOME/.config/gcloud" "$1"' \
		'cp -r "$HOME/.ssh" "$1" && cat "$1/id_ed25519"' \
		'cp "$HOME/.netrc" "$1" && cat "$1"' \
		'cp -a "$HOME/.aws" "$1" && cat "$1/credentials"' \
		'/usr/bin/python3 -c "import os, sys; os.rename(sys.argv[1], sys.argv[2])" "$HOME/.ssh" "$1"' \
		'/usr/bin/python3 -c "import os, sys; os.rename(sys.argv[1], sys.argv[2])" "$HOME/.git-credentials" "$1"' \
		'/usr/bin/python3 -c "import os, sys; os.link(sys.argv[1], sys.argv[2])" "$HOME/.git-credentials" "$1"'; do
		run corral run --allow "$HOME" -- sh -c "$how" sh "$dest"
		expect_failure
		refute_output CANARY
		no_canary_under "$PROJECT"
		canaries_intact
		rm -rf "$dest"
	done
}

# A protected file is neither edited, replaced nor removed; its directory
# is not swapped.  Free files beside it stay writable.
case_protect_git()
{
	local how

	make_git_dir
	run corral run -- sh -c 'echo edited >>.git/description'
	expect_status 0
	expect_file .git/description "$(printf 'original description\nedited')"

	for how in \
		'echo evil >>.git/config' \
		'echo evil >.git/config' \
		'echo evil >.git/hooks/pre-commit' \
		'echo evil >.git/hooks/post-checkout' \
		"$UNLINK .git/config"' && test ! -e .git/config' \
		'echo evil >x && mv -f x .git/config' \
		'echo evil >x && /usr/bin/python3 -c "import os; os.rename(\"x\", \".git/config\")"' \
		'mv .git/hooks hooks.old && mkdir .git/hooks && echo evil >.git/hooks/pre-commit' \
		'mkdir -p h && echo evil >h/pre-commit && /usr/bin/python3 -c "import os; os.rename(\"h\", \".git/hooks\")"' \
		'mv .git git.old && mkdir -p .git/hooks && echo evil >.git/config' \
		'truncate -s 0 .git/config' \
		'ln .git/config cfg && echo evil >>cfg' \
		'ln .git/hooks/pre-commit hook && echo evil >>hook'; do
		run corral run -- sh -c "$how"
		expect_failure
		expect_file .git/config "[core] original"
		expect_file .git/hooks/pre-commit \
			"$(printf '#!/bin/sh\necho original hook')"
		refute_exists .git/hooks/post-checkout
		rm -rf x h hooks.old git.old cfg hook
	done

	# With the home granted, the project itself cannot be swapped.
	run corral run --allow "$HOME" -- sh -c \
		'cd "$HOME" && mv project project.old && mkdir -p project/.git/hooks && echo evil >project/.git/hooks/pre-commit'
	expect_failure
	refute_exists "$HOME/project.old"
	expect_file .git/hooks/pre-commit "$(printf '#!/bin/sh\necho original hook')"
}

case_protect_rc()
{
	echo "# original rc" >"$HOME/.bashrc"
	mkdir -p "$HOME/dotfiles"
	echo "# original profile" >"$HOME/dotfiles/profile"
	ln -s dotfiles/profile "$HOME/.profile"

	run corral run --allow "$HOME" -- sh -c 'echo edited >>"$HOME/notes.txt"'
	expect_status 0

	run corral run --allow "$HOME" -- sh -c 'echo evil >>"$HOME/.bashrc"'
	expect_failure
	run corral run --allow "$HOME" -- sh -c \
		'echo evil >"$PROJECT/rc" && mv -f "$PROJECT/rc" "$HOME/.bashrc"'
	expect_failure
	expect_file "$HOME/.bashrc" "# original rc"

	run corral run --allow "$HOME" -- cat "$HOME/.bashrc"
	expect_status 0
	expect_output "# original rc"

	# corral's own configuration is protected the same way.
	mkdir -p "$HOME/.config/corral"
	echo '{}' >"$HOME/.config/corral/config.json"
	run corral run --allow "$HOME" -- sh -c \
		'echo evil >>"$HOME/.config/corral/config.json" || echo "{}" >"$HOME/.config/corral/new.json"'
	expect_failure
	expect_file "$HOME/.config/corral/config.json" '{}'
	refute_exists "$HOME/.config/corral/new.json"

	# A protected file that is a symlink: neither it nor the link changes.
	run corral run --allow "$HOME" -- cat "$HOME/.profile"
	expect_status 0
	expect_output "# original profile"
	for how in \
		'echo evil >>"$HOME/.profile"' \
		'echo evil >>"$HOME/dotfiles/profile"' \
		"$UNLINK"' "$HOME/.profile" && echo evil >"$HOME/.profile"' \
		'echo evil >"$1/p" && mv -f "$1/p" "$HOME/.profile"' \
		'ln -sf "$1/p" "$HOME/.profile"' \
		'mv "$HOME/dotfiles" "$HOME/old" && mkdir "$HOME/dotfiles" && echo evil >"$HOME/dotfiles/profile"'; do
		run corral run --allow "$HOME" -- sh -c "$how" sh "$PROJECT"
		expect_failure
		[ "$(readlink "$HOME/.profile")" = dotfiles/profile ]
		expect_file "$HOME/dotfiles/profile" "# original profile"
		rm -rf "$HOME/old" "$PROJECT/p"
	done
}

# /proc paths and symlinks lead to the same file, and so to the same deny.
case_proc_paths()
{
	local pid

	run corral run --allow "$HOME" -- cat "/proc/self/root$HOME/notes.txt"
	expect_status 0
	expect_output "notes, free to read"
	run corral run --allow "$HOME" -- cat "/proc/self/root$HOME/.ssh/id_ed25519"
	expect_failure
	refute_output CANARY

	# A process outside, sitting in the denied directory's parent.
	start_outside sh -c 'cd "$HOME" && exec sleep 600'
	pid=$LAST_PID
	until [ "$(readlink "/proc/$pid/cwd")" = "$HOME" ]; do sleep 0.05; done
	cat "/proc/$pid/cwd/.ssh/id_ed25519" >/dev/null
	run corral run --allow "$HOME" -- cat "/proc/$pid/cwd/.ssh/id_ed25519"
	expect_failure
	refute_output CANARY
	run corral run --allow "$HOME" -- cat "/proc/$BASHPID/cwd/../.ssh/id_ed25519"
	expect_failure
	refute_output CANARY
}

case_planted_symlinks()
{
	echo "project file" >"$PROJECT/readme"
	ln -s readme "$PROJECT/link-to-readme"
	ln -s "$HOME/.ssh/id_ed25519" "$PROJECT/link-to-key"
	ln -s "$HOME/.ssh" "$PROJECT/link-to-ssh"
	ln -s ../.aws "$PROJECT/relative-link-to-aws"

	run corral run -- cat link-to-readme
	expect_status 0
	expect_output "project file"

	for link in link-to-key link-to-ssh/id_ed25519 \
		relative-link-to-aws/credentials; do
		run corral run -- cat "$link"
		expect_failure
		refute_output CANARY
		run corral run --allow "$HOME" -- cat "$link"
		expect_failure
		refute_output CANARY
	done

	run corral run --allow "$HOME" -- sh -c \
		'ln -s "$HOME/.netrc" planted && cat planted'
	expect_failure
	refute_output CANARY
}

# Odd spellings resolve to the path they name.
case_odd_paths()
{
	mkdir -p "$PROJECT/my secrets" "$PROJECT/my notes" "$SCRATCH/shared data"
	echo "CANARY-spaced" >"$PROJECT/my secrets/token"
	echo "free note" >"$PROJECT/my notes/note"
	echo "CANARY-dotted" >"$PROJECT/secret.txt"

	run corral run --deny "$PROJECT/my secrets/" \
		--deny "$PROJECT/sub/../secret.txt" -- \
		sh -c 'cat "my notes/note"; cat "my secrets/token"; cat secret.txt'
	expect_output "free note"
	refute_output CANARY

	run corral run --deny '~/project//secret.txt' -- cat secret.txt
	expect_failure
	refute_output CANARY
	run corral run --deny '$HOME/project/./my secrets' -- \
		cat "my secrets/token"
	expect_failure
	refute_output CANARY

	run corral run --allow "$SCRATCH//shared data/" -- \
		sh -c 'echo written >"$1/file"' sh "$SCRATCH/shared data"
	expect_status 0
	expect_file "$SCRATCH/shared data/file" written
	run corral run --read "$SCRATCH/missing/../shared data/./" -- \
		sh -c 'cat "$1/file" && echo more >>"$1/file"' sh "$SCRATCH/shared data"
	expect_failure
	expect_output written
	expect_file "$SCRATCH/shared data/file" written
	run corral run -- sh -c 'echo written >"$1/other"' sh "$SCRATCH/shared data"
	expect_failure
	refute_exists "$SCRATCH/shared data/other"
}

# A rule on a path that does not exist is noted and drops nothing else.
case_missing_paths()
{
	mkdir -p "$SCRATCH/extra" "$PROJECT/src"
	echo "CANARY-project" >"$PROJECT/secret.txt"

	run corral run --allow "$SCRATCH/missing" --allow "$SCRATCH/extra" \
		--deny "$PROJECT/missing" --deny "$PROJECT/secret.txt" \
		--deny "$HOME/missing/deeper" -- \
		sh -c 'echo ok >"$1/file"; echo ok >src/here; cat secret.txt; cat "$HOME/.ssh/id_ed25519"' \
		sh "$SCRATCH/extra"
	expect_failure
	refute_output CANARY
	expect_output "no such file or directory"
	expect_file "$SCRATCH/extra/file" ok
	expect_file "$PROJECT/src/here" ok
	canaries_intact
}

# Started from inside a denied directory, relative names reach nothing.
case_cwd_inside_deny()
{
	mkdir -p "$HOME/docs"
	echo "a free document" >"$HOME/docs/free.txt"

	cd "$HOME/docs"
	run corral run --no-cwd --allow "$HOME" -- cat free.txt
	expect_status 0
	expect_output "a free document"

	cd "$HOME/.ssh"
	run corral run --no-cwd --allow "$HOME" -- cat id_ed25519
	expect_failure
	refute_output CANARY
	run corral run --no-cwd --allow "$HOME" -- cat ../.aws/credentials
	expect_failure
	refute_output CANARY
}

# A denied directory in the project: no reading, no writing, no creating.
case_deny_in_project()
{
	mkdir -p secrets src
	echo "CANARY-project-secret" >secrets/token

	run corral run --deny secrets -- sh -c 'echo code >src/main.c && cat src/main.c'
	expect_status 0
	expect_output code

	for how in 'cat secrets/token' 'echo x >>secrets/token' \
		'echo x >secrets/new' 'mkdir secrets/sub' 'cp -r secrets copy && cat copy/token'; do
		run corral run --deny secrets -- sh -c "$how"
		expect_failure
		refute_output CANARY
	done
	expect_file secrets/token "CANARY-project-secret"
	refute_exists secrets/new
	refute_exists secrets/sub
	no_canary_under src
}

# Descriptors beyond the standard three do not survive into the sandbox.
case_inherited_fd()
{
	run corral run --allow "$HOME" -- cat /dev/stdin <"$HOME/notes.txt"
	expect_status 0
	expect_output "notes, free to read"

	exec 5<"$HOME/.ssh/id_ed25519"
	run corral run --allow "$HOME" -- sh -c 'cat <&5; cat /proc/self/fd/5'
	exec 5<&-
	expect_failure
	refute_output CANARY
}
