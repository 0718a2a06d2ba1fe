#!/bin/sh
# `make run`: on a terminal, a confined shell in the repository to try
# corral by hand.  Without one (CI, a pipe), a short demonstration that
# fails unless the sandbox really denied a secret and allowed a write.
set -u

cd "$(dirname "$0")/.." || exit 1
REPO=$PWD
CORRAL=$REPO/build/corral

# Two lines from the plan itself, so the banner cannot drift from it.
banner()
{
	plan=$("$CORRAL" run -n 2>/dev/null)
	reads=$(printf '%s\n' "$plan" | grep -c '^  read ')
	denied=$(printf '%s\n' "$plan" | sed -n '/^denied:/,/^[a-z]/p' |
		grep -c '^  ')
	echo "corral: ${SHELL:-/bin/sh} confined in $REPO: read-write here" \
		"and in a private /tmp, $reads paths read-only, $denied denied"
	echo "corral: '$CORRAL run -n' lists them all; 'exit' leaves"
}

interactive()
{
	banner
	exec "$CORRAL" shell
}

# say OK|FAIL WHAT: one line of the demonstration's verdict.
say()
{
	printf '  %-4s %s\n' "$1" "$2"
	[ "$1" = ok ] || result=1
}

demonstrate()
{
	result=0
	scratch=$(mktemp -d /var/tmp/corral-demo.XXXXXX) || return 1
	home=$scratch/home
	project=$scratch/project
	mkdir -p "$home/.ssh" "$project"
	echo "corral-demo-canary" > "$home/.ssh/id_ed25519"
	echo "notes" > "$home/notes.txt"

	echo "corral demo: HOME=$home, project $project"
	cd "$project" || return 1

	# Granting the whole home must still leave the key unreadable.
	out=$(HOME=$home "$CORRAL" run --allow "$home" -- \
		cat "$home/.ssh/id_ed25519" 2>&1)
	case $? in
	0) say FAIL "read ~/.ssh/id_ed25519 despite the deny: $out" ;;
	*) case $out in
	   *corral-demo-canary*) say FAIL "the key leaked: $out" ;;
	   *) say ok "reading ~/.ssh/id_ed25519 was refused, ~ granted" ;;
	   esac ;;
	esac

	# The same grant reads other files: the refusal above is the deny.
	out=$(HOME=$home "$CORRAL" run --allow "$home" -- \
		cat "$home/notes.txt" 2>&1)
	if [ "$out" = notes ]; then
		say ok "reading ~/notes.txt under the same grant worked"
	else
		say FAIL "reading ~/notes.txt under the same grant failed: $out"
	fi

	if out=$(HOME=$home "$CORRAL" run -- \
		sh -c 'echo ok > written.txt' 2>&1) &&
		[ "$(cat written.txt 2>/dev/null)" = ok ]; then
		say ok "writing written.txt in the project worked"
	else
		say FAIL "writing written.txt in the project failed: $out"
	fi

	cd "$REPO" && rm -rf "$scratch"
	[ "$result" -eq 0 ] && echo "corral demo: the sandbox behaved" ||
		echo "corral demo: the sandbox did NOT behave as it should"
	return "$result"
}

if [ -t 0 ] && [ -t 1 ]; then
	interactive
fi
demonstrate
