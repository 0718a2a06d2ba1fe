#!/bin/sh
# Install the Debian packages corral needs to build and test, and only
# those missing, so that a machine already set up stays untouched and
# silent.  Not root: say the exact command to run instead.
set -eu

PACKAGES="gcc make pkg-config libcjson-dev libseccomp-dev bats git python3
python3-venv tmux util-linux bash-builtins zsh zsh-dev libcap-dev nettle-dev
libreadline8 strace procps iproute2"

# Tests name packages that cannot be installed, to see what is said.
PACKAGES="$PACKAGES ${CORRAL_TEST_DEPS_EXTRA-}"

# A node from elsewhere (nvm, a tarball) is as good as Debian's.
if ! command -v node >/dev/null 2>&1; then
	PACKAGES="$PACKAGES nodejs npm"
fi

missing_packages()
{
	for pkg in $PACKAGES; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" \
			2>/dev/null) || status=
		[ "$status" = installed ] || printf '%s ' "$pkg"
	done
}

if ! command -v dpkg-query >/dev/null 2>&1; then
	# shellcheck disable=SC2086 # one word per package
	echo "deps: not a Debian system; install the equivalents of:" \
		$PACKAGES >&2
	exit 0
fi

missing=$(missing_packages)
missing=${missing% }
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages; run:" >&2
	echo "sudo apt-get install -y $missing" >&2
	exit 1
fi

echo "deps: installing $missing"
apt-get update -q
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
