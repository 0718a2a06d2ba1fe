#!/usr/bin/env zsh
# Per-call overhead of the sandbox builtin of the zsh module, in
# milliseconds, row for row beside bench/bash-builtin.sh:
#
#   sandbox run -- /bin/true       against  /bin/true
#   ( sandbox; /bin/true )         against  ( /bin/true )
#   ( sandbox; /bin/true ), cold   the plan built in the subshell each time
#   corral run -- /bin/true        the standalone binary, for reference
#
# Each figure is the median over ROUNDS rounds of N calls in a zsh loop.
# The shell keeps a plan for about a second: rounds are short, and each
# starts with one `sandbox run`, so that the subshells of the warm case
# find the plan their parent built.
#
#   bench/zsh-module.sh [N [ROUNDS]]
#   ZSH_MODULES=DIR CORRAL=… bench/zsh-module.sh   DIR holds corral/sandbox.so
emulate -R zsh
setopt no_unset

here=${0:A:h:h}
N=${1:-20}
ROUNDS=${2:-21}
ZSH_MODULES=${ZSH_MODULES:-$here/build/zsh}
CORRAL=${CORRAL:-$here/build/corral}

module_path=($ZSH_MODULES $module_path)
zmodload corral/sandbox || exit 1
zmodload zsh/datetime || exit 1
# A scratch project directory, so that the policy is the ordinary one.
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd $work || exit 1

now_us() { print $(( epochtime[1] * 1000000 + epochtime[2] / 1000 )) }

plain_true() { /bin/true }
run_true() { sandbox run -- /bin/true }
sub_true() { (/bin/true) }
sub_sandbox_true() { (sandbox && /bin/true) }
cold_sandbox_true() { (export CORRAL_BENCH_NONCE=$i && sandbox && /bin/true) }
corral_true() { $CORRAL run -q -- /bin/true }

# One round: microseconds per call of "$@", run N times.
round()
{
	local i start end

	sandbox run -- /bin/true || exit 1
	start=$(now_us)
	for ((i = 0; i < N; i++)); do
		"$@"
	done
	end=$(now_us)
	print $(( (end - start) / N ))
}

median()
{
	local r
	local -a values

	for ((r = 0; r < ROUNDS; r++)); do
		values+=("$(round "$@")")
	done
	print -l -- ${(on)values} | sed -n "$(( (ROUNDS + 1) / 2 ))p"
}

ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)) }
signed_ms() { if (($1 < 0)); then print -- "-$(ms $((-$1)))"; else ms $1; fi }

report()
{
	printf '%-32s %8s ms  baseline %7s ms  overhead %7s ms\n' "$1" \
		"$(ms $3)" "$(ms $2)" "$(signed_ms $(($3 - $2)))"
}

print "# zsh $ZSH_VERSION, $N calls x $ROUNDS rounds, median per call; kernel $(uname -r), uid $(id -u), $(nproc) cpus"
base=$(median plain_true)
report "sandbox run -- /bin/true" $base $(median run_true)
[[ -x $CORRAL ]] && report "corral run -- /bin/true" $base $(median corral_true)
base=$(median sub_true)
report "( sandbox; /bin/true )" $base $(median sub_sandbox_true)
report "( sandbox; /bin/true ), cold" $base $(median cold_sandbox_true)
