#!/usr/bin/env bats
# Real development work under the default policy: git with a linked
# worktree, make and cc, a Python venv, node and npm, here-documents.
# In each run the work succeeds, every canary credential stays unreadable
# from inside, and nothing changes in the scratch home outside the project.

load helpers

setup()
{
	setup_scratch
	export GIT_AUTHOR_NAME="Corral Test" GIT_AUTHOR_EMAIL=test@corral.invalid
	export GIT_COMMITTER_NAME="Corral Test" GIT_COMMITTER_EMAIL=test@corral.invalid
	printf '[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
	home_snapshot >"$SCRATCH/home.before"
}

teardown()
{
	teardown_scratch
}

# Run bash code confined: the canary probe first, then the work, which
# stops at its first failing step.
dev_run()
{
	run corral run -- bash -c "$(canary_probe)
set -e
$1"
}

# What every run must leave true, whatever the work was.
nothing_leaked()
{
	refute_output LEAK
	refute_output CANARY
	canaries_intact
	home_snapshot >"$SCRATCH/home.after"
	if ! diff -u "$SCRATCH/home.before" "$SCRATCH/home.after" >&2; then
		echo "the sandbox changed the home directory outside the project" >&2
		return 1
	fi
}

@test "git init, add and commit work in a fresh project" {
	dev_run '
git init -q .
printf "hello\n" >README
git add README
git commit -q -m "first commit"
git log --oneline
echo done'
	expect_status 0
	expect_output "first commit"
	expect_output done
	nothing_leaked
	[ "$(git -C "$PROJECT" rev-list --count main)" -eq 1 ]
}

@test "git branch, a linked worktree and commits in it work while .git/hooks and .git/config are protected" {
	git init -q .
	echo hello >README
	git add README
	git commit -q -m "first commit"
	home_snapshot >"$SCRATCH/home.before"

	dev_run '
git branch feature
git worktree add -q .worktrees/feature feature
cd .worktrees/feature
printf "feature work\n" >feature.txt
git add feature.txt
git commit -q -m "feature commit"
cd "$PROJECT"
git checkout -q -b topic
printf "topic\n" >>README
git commit -q -am "topic commit"
git status --short
git worktree list
if printf "#!/bin/sh\necho owned\n" >.git/hooks/post-commit 2>/dev/null; then echo "HOOK WRITTEN"; fi
if git config core.hooksPath /tmp/hooks 2>/dev/null; then echo "CONFIG WRITTEN"; fi
echo done'
	expect_status 0
	expect_output done
	expect_output ".worktrees/feature"
	refute_output "HOOK WRITTEN"
	refute_output "CONFIG WRITTEN"
	nothing_leaked

	[ "$(git rev-list --count feature)" -eq 2 ]
	[ "$(git rev-list --count topic)" -eq 2 ]
	[ "$(git -C .worktrees/feature log -1 --format=%s)" = "feature commit" ]
	refute_exists .git/hooks/post-commit
	[ -z "$(git config core.hooksPath)" ]
}

@test "a C program builds with make and cc and runs" {
	cat >hello.c <<'EOF'
#include <stdio.h>

int main(void)
{
	printf("hello from a confined build\n");
	return 0;
}
EOF
	printf 'hello: hello.c\n\t$(CC) -O2 -o $@ hello.c\n' >Makefile

	dev_run '
make CC=cc
./hello
make -q hello && echo up-to-date'
	expect_status 0
	expect_output "hello from a confined build"
	expect_output up-to-date
	[ -x hello ]
	nothing_leaked
}

@test "a venv made by Debian's /usr/bin/python3 is created and runs a script" {
	cat >app.py <<'EOF'
import sys
print("venv:", sys.prefix != sys.base_prefix)
with open("out.txt", "w") as f:
    f.write("written by python\n")
EOF

	dev_run '
/usr/bin/python3 -m venv .venv
.venv/bin/python app.py
.venv/bin/python -m pip --version'
	expect_status 0
	expect_output "venv: True"
	expect_output "$PROJECT/.venv"
	expect_file out.txt "written by python"
	nothing_leaked
}

@test "node runs a script and npm init -y writes package.json" {
	command -v node >/dev/null || skip "node is not installed"
	command -v npm >/dev/null || skip "npm is not installed"

	dev_run '
node -e "require(\"fs\").writeFileSync(\"node.txt\", \"written by node\\n\"); console.log(process.version)"
npm init -y >/dev/null
node -p "require(\"./package.json\").name"'
	expect_status 0
	expect_output project
	expect_file node.txt "written by node"
	[ -f package.json ]
	nothing_leaked
}

@test "here-documents work, small ones and ones larger than a pipe" {
	dev_run '
cat >small.txt <<EOF
small here-document in $PWD
EOF
big=$(head -c 200000 /dev/zero | tr "\0" x)
cat >big.txt <<EOF
$big
EOF
wc -c <big.txt
sh -c "cat <<EOF
from sh
EOF"
python3 - <<EOF
print("from python on stdin")
EOF'
	expect_status 0
	expect_output 200001
	expect_output "from sh"
	expect_output "from python on stdin"
	expect_file small.txt "small here-document in $PROJECT"
	nothing_leaked
}

@test "without namespaces here-documents still work through the fresh TMPDIR" {
	export CORRAL_TEST_NO_NAMESPACES=1
	touch "$SCRATCH/started"
	dev_run '
big=$(head -c 200000 /dev/zero | tr "\0" x)
cat >big.txt <<EOF
$big
EOF
wc -c <big.txt'
	find /tmp -maxdepth 1 -name 'corral-??????' -user "$(id -u)" \
		-newer "$SCRATCH/started" -exec rm -rf {} + 2>/dev/null || true
	expect_status 0
	expect_output 200001
	nothing_leaked
}

@test "one session does all of it, and cannot write outside the project and /tmp" {
	command -v node >/dev/null || skip "node is not installed"
	EXTRA_SCRATCH="$SCRATCH.outside"
	printf 'int main(void) { return 0; }\n' >main.c

	dev_run '
git init -q .
git add main.c
git commit -q -m start
cc -o main main.c && ./main
/usr/bin/python3 -m venv .venv
.venv/bin/python -c "print(\"python ok\")"
node -e "console.log(\"node ok\")"
echo scratch >/tmp/corral-bats-scratch && cat /tmp/corral-bats-scratch
for target in "$HOME/.profile" "$HOME/.cache/x" "$HOME/x" "$SCRATCH/x" "$SCRATCH.outside"; do
	if (echo owned >"$target") 2>/dev/null; then echo "WROTE $target"; fi
done
echo done'
	expect_status 0
	expect_output "python ok"
	expect_output "node ok"
	expect_output scratch
	expect_output done
	refute_output WROTE
	refute_exists "$SCRATCH.outside"
	refute_exists /tmp/corral-bats-scratch
	nothing_leaked
}
