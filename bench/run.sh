#!/usr/bin/env bash
# corral beside its peers: start-up, work, scale, memory and the shell
# hooks, each against the bare command in the same run.  Writes
# docs/BENCHMARKS.md and the plots in docs/bench/; the raw figures stay in
# build/bench/data/.  Run by `make bench`.
#
#   BENCH_ROUNDS=0.1 bash bench/run.sh   a quick pass with a tenth of the rounds
#
# Timings are reported, never judged pass/fail by a test.
set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
cd "$HERE" || exit 1
BUILD=$HERE/build
DATA=$BUILD/bench/data
DOC=$HERE/docs/BENCHMARKS.md
PLOTS=$HERE/docs/bench
CORRAL=$BUILD/corral
TIMEIT=$BUILD/bench/timeit
MINWRAP=$BUILD/bench/minwrap
PHASES=$BUILD/bench/phases
SANDBOX=$BUILD/sandbox
BENCH_ROUNDS=${BENCH_ROUNDS:-1}

# Measurements run at a real-time priority when root may ask for one, so
# that other work on the machine does not get between a command and its
# timer; one process runs at a time (the build too, with make -j1), so
# the other CPUs stay free for everyone else.  The phases are timed once
# more at an ordinary priority, to show what load does to them.
if ((EUID == 0)) && chrt -f 10 true 2>/dev/null; then
	FAST=(chrt -f 10)
else
	FAST=(nice -n 0)
fi
SLOW=(nice -n -10)

say() { printf 'bench: %s\n' "$*" >&2; }

# ---- peers and tools -------------------------------------------------

codex_binary()
{
	local root

	root=$(npm root -g 2>/dev/null) || return 1
	find "$root/@openai/codex" -path '*/bin/codex' -type f 2>/dev/null |
		head -n 1
}

install_peers()
{
	local need=() optional=()

	command -v bwrap >/dev/null || need+=(bubblewrap)
	command -v firejail >/dev/null || need+=(firejail)
	command -v gnuplot >/dev/null || need+=(gnuplot-nox)
	command -v strace >/dev/null || need+=(strace)
	command -v npm >/dev/null || need+=(npm)
	command -v ps >/dev/null || need+=(procps)
	command -v perf >/dev/null || optional+=(linux-perf)
	if ((${#need[@]} + ${#optional[@]})) && ((EUID != 0)); then
		say "missing: ${need[*]} ${optional[*]}; as root: apt-get install ${need[*]} ${optional[*]}"
	elif ((${#need[@]} + ${#optional[@]})); then
		say "installing ${need[*]} ${optional[*]}"
		apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || {
			apt-get update -qq >/dev/null 2>&1
			apt-get install -y -qq "${need[@]}" >/dev/null 2>&1
		}
		((${#optional[@]})) &&
			apt-get install -y -qq "${optional[@]}" >/dev/null 2>&1
	fi
	if [[ -z $(codex_binary) ]] && command -v npm >/dev/null; then
		if ((EUID == 0)); then
			say "installing @openai/codex from npm"
			npm install -g --silent @openai/codex >/dev/null 2>&1
		else
			say "codex missing; as root: npm install -g @openai/codex"
		fi
	fi
	CODEX=$(codex_binary)
}

build()
{
	make --no-print-directory -s "$CORRAL" "$TIMEIT" "$MINWRAP" \
		"$PHASES" >&2 || exit 1
	# The bash builtin is its own front; benchmark it when it builds.
	make --no-print-directory -s "$SANDBOX" >/dev/null 2>&1 || true
}

# ---- scratch trees ---------------------------------------------------

# Outside /tmp: corral carries a project under /tmp into its private
# /tmp, and codex refuses helper files under /tmp.
make_work()
{
	WORK=$(mktemp -d /var/tmp/corral-bench.XXXXXX) || exit 1
	trap 'rm -rf "$WORK"' EXIT
	PROJECT=$WORK/project
	mkdir -p "$PROJECT/.bin" "$PROJECT/src" "$WORK/grants" \
		"$WORK/masks" "$WORK/many" "$WORK/codex-home" \
		"$WORK/xdg/corral" "$WORK/other"
	printf 'int main(void) { return 0; }\n' >"$PROJECT/src/main.c"
	cp /bin/true "$PROJECT/.bin/standin-agent"
	printf '{ "agents": { "standin-agent": "default" } }\n' \
		>"$WORK/xdg/corral/config.json"
	(cd "$WORK/grants" && seq -f 'd%05g' 1 10000 | xargs mkdir)
	mkdir -p "$PROJECT/masks"
	(cd "$PROJECT/masks" && seq -f 'm%04g' 1 1000 | xargs mkdir)
	(cd "$WORK/many" && seq -f 'f%06g' 1 100000 | xargs touch)
	mkdir -p "$WORK/copy"
	git -C "$HERE" archive HEAD | tar -x -C "$WORK/copy"
	rm -rf "$WORK/copy/build"
	snapshot_binaries
}

# The build directory is shared: measure copies, so that a rebuild in
# the middle of the run cannot mix two versions.
snapshot_binaries()
{
	mkdir -p "$WORK/bin"
	cp "$CORRAL" "$TIMEIT" "$MINWRAP" "$PHASES" "$WORK/bin/" || exit 1
	CORRAL=$WORK/bin/corral
	TIMEIT=$WORK/bin/timeit
	MINWRAP=$WORK/bin/minwrap
	PHASES=$WORK/bin/phases
	if [[ -f $SANDBOX ]]; then
		cp "$SANDBOX" "$WORK/bin/sandbox" || exit 1
		SANDBOX=$WORK/bin/sandbox
	fi
}

# ---- measuring -------------------------------------------------------

rounds()
{
	awk -v n="$1" -v f="$BENCH_ROUNDS" \
		'BEGIN { r = int(n * f + 0.5); print (r < 3 ? 3 : r) }'
}

# spec SET LABEL WORD...: one command of a set, as timeit reads it.
spec()
{
	local set=$1 label=$2 shown
	shift 2
	{
		printf '%s' "$label"
		printf '\t%s' "$@"
		printf '\n'
	} >>"$DATA/$set.spec"
	shown=$(show_words "$@")
	printf '%s\t%s\n' "$label" "$shown" >>"$DATA/$set.cmds"
}

# The words as a reader would type them, the scratch paths named.
show_words()
{
	local text=$* n=$#

	text=${text//$WORK\/bin\//}
	text=${text//$WORK/\$WORK}
	text=${text//$HERE\//./}
	if ((${#text} > 160)); then
		text="${text:0:110} … ($n words) … ${text: -14}"
	fi
	printf '%s' "$text"
}

# measure SET ROUNDS WARMUP [slow]: time the set from the project
# directory, at the priority for short commands unless slow.
measure()
{
	local set=$1 n warm=$3 prio=("${FAST[@]}")

	[[ ${4-} == slow ]] && prio=("${SLOW[@]}")
	[[ -f $DATA/$set.spec ]] || return
	n=$(rounds "$2")
	say "measuring $set: $n rounds"
	(cd "$PROJECT" && "${prio[@]}" "$TIMEIT" -n "$n" -w "$warm" \
		-r "$DATA/$set.raw" "$DATA/$set.spec") >"$DATA/$set.tsv"
}

# get SET LABEL COLUMN: one figure of a summary (see bench/timeit.c).
get()
{
	awk -F'\t' -v l="$2" -v c="$3" '$1 == l { print $c; exit }' \
		"$DATA/$1.tsv" 2>/dev/null
}

has() { [[ -n $(get "$1" "$2" 1) ]]; }

# calc EXPRESSION: awk arithmetic, printed with up to 2 decimals.
calc() { awk "BEGIN { v = $1; printf \"%.2f\", v }"; }
calc3() { awk "BEGIN { v = $1; printf \"%.3f\", v }"; }

# ---- 1. start-up -----------------------------------------------------

startup_specs()
{
	local cwd=$PROJECT

	spec startup "bare" /bin/true
	spec startup "minimal wrapper" "$MINWRAP" /bin/true
	spec startup "corral run" "$CORRAL" run -- /bin/true
	spec startup "corral run, Landlock alone" \
		CORRAL_TEST_NO_NAMESPACES=1 "$CORRAL" run -- /bin/true
	spec startup "corral --version (no sandbox)" "$CORRAL" --version
	if command -v bwrap >/dev/null; then
		spec startup "bwrap" bwrap --ro-bind / / --bind "$cwd" "$cwd" \
			--dev /dev --proc /proc --unshare-net -- /bin/true
		spec startup "bwrap, network shared" bwrap --ro-bind / / \
			--bind "$cwd" "$cwd" --dev /dev --proc /proc -- /bin/true
	fi
	command -v firejail >/dev/null &&
		spec startup "firejail" firejail --noprofile --quiet /bin/true
	# Codex takes a hundred times longer: fewer rounds, its own table.
	if [[ -n $CODEX ]]; then
		spec codex "bare" /bin/true
		spec codex "codex sandbox" CODEX_HOME="$WORK/codex-home" \
			"$CODEX" sandbox -c sandbox_mode=workspace-write -- \
			/bin/true
	fi
}

# The libraries corral is linked to, as "soname<TAB>path" lines.
corral_libraries()
{
	ldd "$CORRAL" | awk '$2 == "=>" && $3 ~ /^\// && $1 !~ /^(libc|ld-linux|libm|libdl|libpthread)[.-]/ { print $1 "\t" $3 }'
}

# What the libraries corral links cost at every exec: empty programs
# linked to each, beside corral doing nothing.
library_specs()
{
	local dir=$DATA/libs name path all=()

	mkdir -p "$dir"
	printf 'int main(void) { return 0; }\n' >"$dir/empty.c"
	cc -O2 -o "$dir/empty" "$dir/empty.c" || return
	spec libs "empty program" "$dir/empty"
	while IFS=$'\t' read -r name path; do
		cc -O2 -o "$dir/empty-$name" "$dir/empty.c" -Wl,--no-as-needed \
			"$path" || continue
		spec libs "linked to $name" "$dir/empty-$name"
		all+=("$path")
	done < <(corral_libraries)
	if ((${#all[@]} > 1)) &&
		cc -O2 -o "$dir/empty-all" "$dir/empty.c" -Wl,--no-as-needed "${all[@]}"; then
		spec libs "linked to all ${#all[@]}" "$dir/empty-all"
	fi
	spec libs "corral --version" "$CORRAL" --version
}

# A loop inside one bash: each round times the bare command and the
# confined one back to back, into "label<TAB>round<TAB>ns" lines.
bash_loop_script()
{
	cat <<'EOF'
N=$1
ns() { local t=$1 f; f=${t#*.}000000000; echo $(( ${t%.*} * 1000000000 + 10#${f:0:9} )); }
sandbox run -- /bin/true || exit 1
( sandbox && /bin/true ) || exit 1
for ((i = 0; i < N; i++)); do
	t0=$EPOCHREALTIME; /bin/true
	t1=$EPOCHREALTIME; sandbox run -- /bin/true
	t2=$EPOCHREALTIME; ( : && /bin/true )
	t3=$EPOCHREALTIME; ( sandbox && /bin/true )
	t4=$EPOCHREALTIME
	s+=("$t0 $t1 $t2 $t3 $t4")
done
for ((i = 0; i < N; i++)); do
	set -- ${s[i]}
	a=$(ns $1) b=$(ns $2) c=$(ns $3) d=$(ns $4) e=$(ns $5)
	printf '/bin/true\t%d\t%d\n' $i $((b - a)) >&3
	printf 'sandbox run -- /bin/true\t%d\t%d\n' $i $((c - b)) >&3
	printf '( : && /bin/true )\t%d\t%d\n' $i $((d - c)) >&4
	printf '( sandbox && /bin/true )\t%d\t%d\n' $i $((e - d)) >&4
done
EOF
}

builtin_loop()
{
	local n

	BUILTIN_SKIP=
	if [[ ! -f $SANDBOX ]]; then
		BUILTIN_SKIP="build/sandbox is not built"
		return
	fi
	n=$(rounds 1000)
	say "measuring the bash builtin: $n rounds"
	bash_loop_script >"$DATA/builtin.sh"
	if ! (cd "$PROJECT" && "${FAST[@]}" bash --norc --noprofile -c \
		'enable -f "$0" sandbox && . "$1" "$2"' "$SANDBOX" \
		"$DATA/builtin.sh" "$n" 3>"$DATA/builtin-run.samples" \
		4>"$DATA/builtin-sub.samples" 2>"$DATA/builtin.err"); then
		BUILTIN_SKIP="the builtin failed: $(head -n 1 "$DATA/builtin.err")"
		return
	fi
	"$TIMEIT" -s "$DATA/builtin-run.samples" >"$DATA/builtin-run.tsv"
	"$TIMEIT" -s "$DATA/builtin-sub.samples" >"$DATA/builtin-sub.tsv"
}

# The zsh module, where it is built: the same loop in zsh.
zsh_loop()
{
	local module dir n

	ZSH_SKIP=
	module=$(find "$BUILD" -path '*zsh*' -name 'sandbox.so' 2>/dev/null |
		head -n 1)
	if [[ -z $module ]]; then
		ZSH_SKIP="no zsh module is built (no build/zsh/corral/sandbox.so)"
		return
	fi
	if ! command -v zsh >/dev/null; then
		ZSH_SKIP="zsh is not installed"
		return
	fi
	dir=${module%/corral/sandbox.so}
	n=$(rounds 1000)
	say "measuring the zsh module: $n rounds"
	{
		echo 'zmodload zsh/datetime || exit 1'
		echo "module_path=('$dir' \$module_path)"
		echo 'zmodload corral/sandbox || exit 1'
		bash_loop_script | sed 's/^N=\$1/N=$1; setopt ksh_arrays sh_word_split; typeset -a s/'
	} >"$DATA/zsh.sh"
	if ! (cd "$PROJECT" && "${FAST[@]}" zsh -f "$DATA/zsh.sh" "$n" \
		3>"$DATA/zsh-run.samples" 4>"$DATA/zsh-sub.samples" \
		2>"$DATA/zsh.err"); then
		ZSH_SKIP="the zsh module failed: $(head -n 1 "$DATA/zsh.err")"
		return
	fi
	"$TIMEIT" -s "$DATA/zsh-run.samples" >"$DATA/zsh-run.tsv"
	"$TIMEIT" -s "$DATA/zsh-sub.samples" >"$DATA/zsh-sub.tsv"
}

# ---- 2. work ---------------------------------------------------------

work_specs()
{
	local find=(find /usr/share -xdev -printf %s)
	local make=(make --no-print-directory -B -j1 build/corral)

	spec walk "bare" "${find[@]}"
	spec walk "minimal wrapper" "$MINWRAP" "${find[@]}"
	spec walk "minimal wrapper, Landlock only" MINWRAP_SKIP=seccomp \
		"$MINWRAP" "${find[@]}"
	spec walk "minimal wrapper, seccomp only" MINWRAP_SKIP=landlock \
		"$MINWRAP" "${find[@]}"
	spec walk "corral run" "$CORRAL" run -- "${find[@]}"
	command -v bwrap >/dev/null &&
		spec walk "bwrap" bwrap --ro-bind / / --bind "$PROJECT" \
			"$PROJECT" --dev /dev --proc /proc --unshare-net -- \
			"${find[@]}"
	spec build "bare" --cwd="$WORK/copy" "${make[@]}"
	spec build "corral run" --cwd="$WORK/copy" "$CORRAL" run -- "${make[@]}"
}

# ---- 3. scale --------------------------------------------------------

# grant_words N: --read for the first N scratch directories.
grant_words()
{
	seq -f "$WORK/grants/d%05g" 1 "$1" | sed 's/^/--read\n/'
}

mask_words()
{
	seq -f "$PROJECT/masks/m%04g" 1 "$1" | sed 's/^/--deny\n/'
}

scale_specs()
{
	local n words

	spec grants "bare" /bin/true
	spec grants "corral run" "$CORRAL" run -- /bin/true
	for n in 10 100 1000; do
		mapfile -t words < <(grant_words "$n")
		spec grants "$n grants" "$CORRAL" run "${words[@]}" -- /bin/true
	done
	spec grants10k "bare" /bin/true
	mapfile -t words < <(grant_words 10000)
	spec grants10k "10000 grants" "$CORRAL" run "${words[@]}" -- /bin/true

	spec masks "bare" /bin/true
	spec masks "corral run" "$CORRAL" run -- /bin/true
	for n in 10 100 1000; do
		mapfile -t words < <(mask_words "$n")
		spec masks "$n masked" "$CORRAL" run "${words[@]}" -- /bin/true
	done

	spec many "bare" /bin/true
	spec many "corral run, small directory" "$CORRAL" run -- /bin/true
	spec many "corral run, 100,000 files" --cwd="$WORK/many" "$CORRAL" \
		run -- /bin/true
}

phases()
{
	local words

	say "timing the phases of corral run"
	(cd "$PROJECT" && "${FAST[@]}" "$PHASES" -n "$(rounds 200)" \
		-c "$CORRAL" run -- /bin/true) >"$DATA/phases.tsv"
	(cd "$PROJECT" && "${SLOW[@]}" "$PHASES" -n "$(rounds 100)" \
		-c "$CORRAL" run -- /bin/true) >"$DATA/phases-loaded.tsv"
	(cd "$PROJECT" && CORRAL_TEST_NO_NAMESPACES=1 "${FAST[@]}" "$PHASES" \
		-n "$(rounds 50)" -c "$CORRAL" run -- /bin/true) \
		>"$DATA/phases-alone.tsv"
	mapfile -t words < <(grant_words 1000)
	(cd "$PROJECT" && "${FAST[@]}" "$PHASES" -n "$(rounds 20)" -c "$CORRAL" run \
		"${words[@]}" -- /bin/true) >"$DATA/phases-1000.tsv"
	mapfile -t words < <(mask_words 100)
	(cd "$PROJECT" && "${FAST[@]}" "$PHASES" -n "$(rounds 50)" -c "$CORRAL" run \
		"${words[@]}" -- /bin/true) >"$DATA/phases-masks.tsv"
}

# phase FILE NAME [COLUMN]: the median (or another column) of one phase.
phase()
{
	awk -F'\t' -v p="$2" -v c="${3:-2}" '$1 == p { print $c; exit }' \
		"$DATA/$1.tsv"
}

# descendants PID: PID and every process below it, "pid comm" a line.
descendants()
{
	ps -eo pid=,ppid=,comm= | awk -v root="$1" '
		{ parent[$1] = $2; name[$1] = $3 }
		END {
			for (p in parent) {
				q = p
				while (q != "" && q != root && q != 1 && q != 0)
					q = parent[q]
				if (q == root) print p, name[p]
			}
		}'
}

# resident LABEL WORD...: which processes live while the command runs
# (sleep 1), and whether any of them outlives it.
resident()
{
	local label=$1 pid during left=0 p
	shift

	(cd "$PROJECT" && exec "$@" sleep 1) >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	during=$(descendants "$pid" | sort -n)
	wait "$pid"
	sleep 0.2
	for p in $(awk '{ print $1 }' <<<"$during"); do
		kill -0 "$p" 2>/dev/null && left=$((left + 1))
	done
	printf '%s\t%s\t%s\n' "$label" \
		"$(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $2 }' <<<"$during")" \
		"$left" >>"$DATA/resident.tsv"
}

residents()
{
	: >"$DATA/resident.tsv"
	resident "corral run" "$CORRAL" run --
	command -v bwrap >/dev/null &&
		resident "bwrap" bwrap --ro-bind / / --bind "$PROJECT" "$PROJECT" \
			--dev /dev --proc /proc --unshare-net --
	command -v firejail >/dev/null &&
		resident "firejail" firejail --noprofile --quiet
	[[ -n $CODEX ]] &&
		resident "codex sandbox" env CODEX_HOME="$WORK/codex-home" \
			"$CODEX" sandbox -c sandbox_mode=workspace-write --
}

# ---- 4. shell hooks --------------------------------------------------

hook_loop_script()
{
	cat <<'EOF'
N=$1
ns() { local t=$1 f; f=${t#*.}000000000; echo $(( ${t%.*} * 1000000000 + 10#${f:0:9} )); }
export XDG_CONFIG_HOME=$2
PATH=$PWD/.bin:$PATH
eval "$("$3" hook bash)" || exit 1
[[ $(type -t standin-agent) == function ]] || { echo "no wrapper defined" >&2; exit 1; }
standin-agent || { echo "the wrapped agent exits with $? in $__corral_mode mode" >&2; exit 1; }
here=$PWD other=$4
for ((i = 0; i < N; i++)); do
	t0=$EPOCHREALTIME; command standin-agent
	t1=$EPOCHREALTIME; standin-agent
	t2=$EPOCHREALTIME; :
	t3=$EPOCHREALTIME; __corral_chpwd
	t4=$EPOCHREALTIME; cd "$other"; cd "$here"
	t5=$EPOCHREALTIME; cd "$other"; __corral_chpwd; cd "$here"; __corral_chpwd
	t6=$EPOCHREALTIME
	s+=("$t0 $t1 $t2 $t3 $t4 $t5 $t6")
done
for ((i = 0; i < N; i++)); do
	set -- ${s[i]}
	a=$(ns $1) b=$(ns $2) c=$(ns $3) d=$(ns $4) e=$(ns $5) f=$(ns $6) g=$(ns $7)
	printf 'command standin-agent\t%d\t%d\n' $i $((b - a)) >&3
	printf 'standin-agent (wrapped)\t%d\t%d\n' $i $((c - b)) >&3
	printf ':\t%d\t%d\n' $i $((d - c)) >&4
	printf '__corral_chpwd, same directory\t%d\t%d\n' $i $((e - d)) >&4
	printf 'cd, cd back\t%d\t%d\n' $i $((f - e)) >&5
	printf 'cd, cd back, each with __corral_chpwd\t%d\t%d\n' $i $((g - f)) >&5
done
EOF
}

# hook_loop MODE: MODE is binary, or builtin with the builtin loaded first.
hook_loop()
{
	local mode=$1 n pre=: err

	n=$(rounds 300)
	[[ $mode == builtin ]] && pre='enable -f "$5" sandbox'
	hook_loop_script >"$DATA/hook.sh"
	say "measuring the bash hooks, $mode mode: $n rounds"
	if ! (cd "$PROJECT" && "${FAST[@]}" bash --norc --noprofile -i -c \
		"$pre && . \"\$1\" \"\$2\" \"\$3\" \"\$4\" \"\$6\"" bash \
		"$DATA/hook.sh" "$n" "$WORK/xdg" "$CORRAL" "$SANDBOX" \
		"$WORK/other" </dev/null 3>"$DATA/hook-$mode-call.samples" \
		4>"$DATA/hook-$mode-prompt.samples" \
		5>"$DATA/hook-$mode-cd.samples" 2>"$DATA/hook-$mode.err"); then
		err=$(grep -v -e 'job control' -e 'process group' \
			"$DATA/hook-$mode.err" | head -n 2 |
			awk '{ printf "%s%s", (NR > 1 ? "; " : ""), $0 }')
		printf '%s\n' "${err:-exit status $?}" >"$DATA/hook-$mode.skip"
		return
	fi
	"$TIMEIT" -s "$DATA/hook-$mode-call.samples" >"$DATA/hook-$mode-call.tsv"
	"$TIMEIT" -s "$DATA/hook-$mode-prompt.samples" \
		>"$DATA/hook-$mode-prompt.tsv"
	"$TIMEIT" -s "$DATA/hook-$mode-cd.samples" >"$DATA/hook-$mode-cd.tsv"
}

hooks()
{
	hook_loop binary
	if [[ -f $SANDBOX ]]; then
		hook_loop builtin
	else
		echo "build/sandbox is not built" >"$DATA/hook-builtin.skip"
	fi
}

# ---- where the time goes ---------------------------------------------

syscall_counts()
{
	local label=$1
	shift

	(cd "$PROJECT" && strace -f -c -o "$DATA/strace.out" "$@" \
		>/dev/null 2>&1) || return
	awk -v l="$label" '
		$NF == "total" { total = $(NF - 2); failed = ($(NF - 1) ~ /^[0-9]+$/ ? $(NF - 1) : 0) }
		$NF != "total" && $NF != "syscall" && $1 ~ /^[0-9.]+$/ { print $4 "\t" $NF }
		END { print total "\t" failed > "/dev/stderr" }' "$DATA/strace.out" \
		2>"$DATA/strace.total" | sort -k1,1nr | head -n 5 |
		awk -F'\t' '{ printf "%s`%s` %s", (NR > 1 ? ", " : ""), $2, $1 }' \
		>"$DATA/strace.top"
	printf '%s\t%s\t%s\n' "$label" "$(tr '\n' '\t' <"$DATA/strace.total" |
		cut -f1,2)" "$(cat "$DATA/strace.top")" >>"$DATA/syscalls.tsv"
}

# perf_top NAME WORD...: where the samples of a command fall, by symbol.
perf_top()
{
	local name=$1
	shift

	(cd "$PROJECT" && perf record -q -F 20000 -g -o "$DATA/perf.data" -- \
		"$@" >/dev/null 2>&1) || return
	perf report -i "$DATA/perf.data" --no-children --sort dso,sym --stdio \
		-g none 2>/dev/null | grep -E '^ +[0-9.]+%' | head -n 12 |
		sed 's/[[:space:]]*$//' >"$DATA/perf-$name.txt"
}

profile_costs()
{
	local grants masks

	mapfile -t grants < <(grant_words 1000)
	mapfile -t masks < <(mask_words 1000)
	: >"$DATA/syscalls.tsv"
	if command -v strace >/dev/null; then
		say "counting system calls"
		syscall_counts "bare" /bin/true
		syscall_counts "minimal wrapper" "$MINWRAP" /bin/true
		syscall_counts "corral run" "$CORRAL" run -- /bin/true
		syscall_counts "corral run, 1000 grants" "$CORRAL" run \
			"${grants[@]}" -- /bin/true
		syscall_counts "corral run, 1000 masked" "$CORRAL" run \
			"${masks[@]}" -- /bin/true
		command -v bwrap >/dev/null &&
			syscall_counts "bwrap" bwrap --ro-bind / / --bind \
				"$PROJECT" "$PROJECT" --dev /dev --proc /proc \
				--unshare-net -- /bin/true
		command -v firejail >/dev/null &&
			syscall_counts "firejail" firejail --noprofile --quiet \
				/bin/true
	fi
	command -v perf >/dev/null || return
	say "sampling with perf"
	perf_top default bash -c 'for i in $(seq 200); do "$@"; done' perf \
		"$CORRAL" run -- /bin/true
	perf_top grants bash -c 'for i in $(seq 20); do "$@"; done' perf \
		"$CORRAL" run "${grants[@]}" -- /bin/true
	perf_top masks bash -c 'for i in $(seq 10); do "$@"; done' perf \
		"$CORRAL" run "${masks[@]}" -- /bin/true
	[[ -f $SANDBOX ]] &&
		perf_top builtin bash --norc -c 'enable -f "$1" sandbox &&
			for i in $(seq 300); do sandbox run -- /bin/true; done' \
			perf "$SANDBOX"
}

# ---- plots -----------------------------------------------------------

plot_startup()
{
	local rows=$DATA/startup-plot.dat shell

	awk -F'\t' '{ printf "\"%s\"\t%s\t%s\t%s\n", $1, $4, $5, $6 }' \
		"$DATA/startup.tsv" >"$rows"
	[[ -f $DATA/codex.tsv ]] &&
		awk -F'\t' 'NR > 1 { printf "\"%s\"\t%s\t%s\t%s\n", $1, $4, $5, $6 }' \
			"$DATA/codex.tsv" >>"$rows"
	for shell in builtin zsh; do
		[[ -f $DATA/$shell-run.tsv ]] || continue
		awk -F'\t' -v s="$shell" '
			FILENAME ~ /-run/ && FNR == 1 { $1 = $1 " (from " (s == "zsh" ? "zsh" : "bash") ")" }
			FILENAME ~ /-sub/ && FNR == 1 { next }
			FNR > 1 { $1 = (s == "zsh" ? "zsh module: " : "bash builtin: ") $1 }
			{ printf "\"%s\"\t%s\t%s\t%s\n", $1, $4, $5, $6 }' \
			"$DATA/$shell-run.tsv" "$DATA/$shell-sub.tsv" >>"$rows"
	done
	gnuplot <<EOF
set terminal svg size 960,560 dynamic font "sans,11" background rgb "white"
set output "$PLOTS/startup.svg"
set title "Start-up: /bin/true under each tool (median, p25-p75; log scale)"
set ylabel "ms per run"
set logscale y
set grid ytics
set style fill solid 0.6 border -1
set boxwidth 0.7
set termoption noenhanced
set xtics rotate by -35 left font ",9" nomirror
set bmargin 10
set rmargin 16
set yrange [0.1:*]
set key off
plot "$rows" using 0:2:xtic(1) with boxes lc rgb "#4a7ab5", \\
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0, \\
     "" using 0:4:(sprintf("%.2f", \$2)) with labels offset 0,0.8 font ",8"
EOF
}

plot_scale()
{
	awk -F'\t' '$1 == "corral run" { print 0 "\t" $8 "\t" $9 "\t" $10 }
		$1 ~ / grants$/ { split($1, w, " "); print w[1] "\t" $8 "\t" $9 "\t" $10 }' \
		"$DATA/grants.tsv" "$DATA/grants10k.tsv" |
		awk -F'\t' '{ if ($1 == 0) $1 = 1; print }' OFS='\t' \
			>"$DATA/grants-plot.dat"
	awk -F'\t' '$1 == "corral run" { print 1 "\t" $8 "\t" $9 "\t" $10 }
		$1 ~ / masked$/ { split($1, w, " "); print w[1] "\t" $8 "\t" $9 "\t" $10 }' \
		"$DATA/masks.tsv" >"$DATA/masks-plot.dat"
	gnuplot <<EOF
set terminal svg size 900,420 dynamic font "sans,11" background rgb "white"
set termoption noenhanced
set output "$PLOTS/scale.svg"
set multiplot layout 1,2 title "Confinement overhead of corral run over /bin/true (median, p25-p75; log-log)"
set logscale xy
set grid
set key off
set ylabel "overhead, ms"
set xlabel "extra --read grants (1 = none)"
set label "target: 2 ms at 1,000 grants" at 1.3,2.5 textcolor rgb "#c0392b" font ",9"
plot "$DATA/grants-plot.dat" using 1:2:3:4 with yerrorlines lc rgb "#4a7ab5" pt 7, \
     2 with lines dt 2 lc rgb "#c0392b" title "2 ms"
set xlabel "masked paths inside the working directory (1 = none)"
unset label
plot "$DATA/masks-plot.dat" using 1:2:3:4 with yerrorlines lc rgb "#4a7ab5" pt 7
unset multiplot
EOF
}

# ---- the document ----------------------------------------------------

# md_table SET: the summary of a set as Markdown, with the commands.
md_table()
{
	local set=$1 cpu=${2-}

	printf '| | command | median ms (p25–p75) | min ms | overhead ms (p25–p75) | × bare |%s peak RSS MiB |\n' \
		"${cpu:+ CPU s, user + sys (× bare) |}"
	printf '|---|---|---|---|---|---|%s---|\n' "${cpu:+---|}"
	awk -F'\t' -v cmds="$DATA/$set.cmds" -v cpu="$cpu" '
		BEGIN { while ((getline l < cmds) > 0) { split(l, f, "\t"); c[f[1]] = f[2] } }
		{
			cmd = (($1 in c) ? "`" c[$1] "`" : "")
			if ($3 > 0 && $2 == 0) {
				printf "| %s | %s | failed (%d runs) | | | |%s |\n", $1, cmd, $3, (cpu ? " |" : "")
				next
			}
			fail = $3 > 0 ? sprintf(" (%d failed)", $3) : ""
			t = $13 + $14
			if (NR == 1) base = t
			printf "| %s | %s | %.3f (%.3f–%.3f)%s | %.3f | %s | %.2f |%s %.1f |\n",
				$1, cmd, $4, $5, $6, fail, $7,
				(NR == 1 ? "—" : sprintf("%+.3f (%+.3f–%+.3f)", $8, $9, $10)),
				$11, (cpu ? sprintf(" %.2f (%.3f) |", t / 1000, base ? t / base : 0) : ""),
				$12 / 1024
		}' "$DATA/$set.tsv"
}

# The same for samples taken in a shell loop: no command column, no RSS.
md_loop_table()
{
	echo "| | median ms (p25–p75) | min ms | overhead ms (p25–p75) |"
	echo "|---|---|---|---|"
	awk -F'\t' '{
		printf "| `%s` | %.3f (%.3f–%.3f) | %.3f | %s |\n", $1, $4, $5, $6, $7,
			(NR == 1 ? "—" : sprintf("%+.3f (%+.3f–%+.3f)", $8, $9, $10)) }' \
		"$DATA/$1.tsv"
}

machine()
{
	local cpu mem abi

	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	abi=$("$CORRAL" check 2>/dev/null | grep -i -m1 'landlock' || true)
	cat <<EOF
| | |
|---|---|
| CPU | $cpu, $(nproc) CPUs online |
| memory | $mem |
| kernel | $(uname -srm) |
| system | $(. /etc/os-release && echo "$PRETTY_NAME") |
| Landlock | ${abi:-unknown} |
| user | uid $(id -u) |
| load average at start / end | $LOAD_START / $(cut -d' ' -f1-3 /proc/loadavg) |
| corral | $("$CORRAL" --version), built from $REVISION |
| bubblewrap | $(bwrap --version 2>/dev/null || echo absent) |
| firejail | $(firejail --version 2>/dev/null | head -n 1 || echo absent) |
| codex | $([[ -n $CODEX ]] && "$CODEX" --version 2>/dev/null || echo absent)$([[ -n $CODEX ]] && echo " (native binary of @openai/codex from npm)") |
| bash | $(bash --version | head -n 1) |
| zsh | $(zsh --version 2>/dev/null || echo absent) |
| compiler | $(cc --version | head -n 1) |
| gnuplot | $(gnuplot --version 2>/dev/null || echo absent) |
EOF
}

# The functions of corral on top of the 1,000-grant profile, if any.
grants_symbols()
{
	local top

	top=$(awk '$2 == "corral" { printf "%s`%s`", (n++ ? ", " : ""), $4 }
		n == 3 { exit }' "$DATA/perf-grants.txt" 2>/dev/null)
	[[ -n $top ]] && printf '; corral'"'"'s own leading functions in its profile above: %s' "$top"
}

# What the hook tables say, in figures.
hook_notes()
{
	local wrapped warm chpwd

	wrapped=$(get hook-builtin-call "standin-agent (wrapped)" 8)
	warm=$(get builtin-sub "( sandbox && /bin/true )" 8)
	chpwd=$(get hook-binary-prompt "__corral_chpwd, same directory" 8)
	[[ -n $chpwd ]] &&
		echo "Per prompt, the hook costs $(calc3 "$chpwd") ms while the directory stays the same, and one \`corral trust --check\` (about $(calc3 "$(get hook-binary-cd "cd, cd back, each with __corral_chpwd" 8) / 2") ms) after each change of directory."
	if [[ -n $wrapped && -n $warm ]]; then
		echo
		echo "In builtin mode a wrapped agent costs $(calc3 "$wrapped") ms a call, against $(calc3 "$warm") ms for \`( sandbox && /bin/true )\` in a shell that already holds the plan (section 1): the wrapper runs the agent with \`sandbox run\`, which uses the plan the shell keeps, plus the wrapper's own function call and \`command\`."
	fi
}

# perf_section NAME WHAT: a profile taken by perf_top, if there is one.
perf_section()
{
	if [[ ! -s $DATA/perf-$1.txt ]]; then
		echo "$2: no profile (perf is not available here, or the run failed)."
		echo
		return
	fi
	echo "\`perf record -F 20000 -g\`, $2; self time by symbol:"
	echo
	echo '```'
	cat "$DATA/perf-$1.txt"
	echo '```'
	echo
}

prio_note()
{
	if [[ ${FAST[0]} == chrt ]]; then
		printf '`%s`, SCHED_FIFO' "${FAST[*]}"
	else
		printf 'not available here: `%s`' "${FAST[*]}"
	fi
}

# cpu_change SET: user + sys CPU time of "corral run" against the bare row.
cpu_change()
{
	awk -F'\t' 'NR == 1 { b = $13 + $14 }
		$1 == "corral run" && b > 0 { printf "%+.2f%%", ($13 + $14 - b) * 100 / b }' \
		"$DATA/$1.tsv"
}

# verdict MEASURED OP LIMIT: "met" or "missed".
verdict()
{
	awk -v m="$1" -v l="$3" -v op="$2" 'BEGIN {
		ok = (op == "<") ? (m < l) : (m >= l)
		print ok ? "met" : "**missed**" }'
}

targets()
{
	local b_over w_over c_over f_over x_over bi_over limit g1000 walk_r build_r
	local left

	c_over=$(get startup "corral run" 8)
	w_over=$(get startup "minimal wrapper" 8)
	b_over=$(get startup "bwrap" 8)
	f_over=$(get startup "firejail" 8)
	bi_over=$(get builtin-run "sandbox run -- /bin/true" 8)
	g1000=$(get grants "1000 grants" 8)
	walk_r=$(get walk "corral run" 11)
	build_r=$(get build "corral run" 11)
	left=$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$DATA/resident.tsv")
	limit=$(calc "1.2 * $w_over")

	echo "| target | measured | verdict |"
	echo "|---|---|---|"
	if [[ -n $bi_over ]]; then
		echo "| bash builtin adds < 0.3 ms per call | $(calc3 "$bi_over") ms | $(verdict "$bi_over" "<" 0.3) |"
		[[ -n $b_over ]] &&
			echo "| builtin: ≥ 20× less overhead than bubblewrap | $(calc "$b_over / $bi_over")× ($(calc3 "$b_over") ms against $(calc3 "$bi_over") ms) | $(verdict "$(calc "$b_over / $bi_over")" ">=" 20) |"
	else
		echo "| bash builtin adds < 0.3 ms per call | not measured: $BUILTIN_SKIP | — |"
	fi
	echo "| \`corral run\` adds ≤ 1.2× what the minimal wrapper adds | $(calc3 "$c_over") ms against a limit of $(calc3 "$limit") ms (1.2 × $(calc3 "$w_over")): $(calc "$c_over / $w_over")× | $(verdict "$c_over" "<" "$limit") |"
	[[ -n $b_over ]] &&
		echo "| \`corral run\`: ≥ 6× less overhead than bubblewrap | $(calc "$b_over / $c_over")× ($(calc3 "$b_over") ms against $(calc3 "$c_over") ms) | $(verdict "$(calc "$b_over / $c_over")" ">=" 6) |"
	[[ -n $f_over ]] &&
		echo "| \`corral run\`: ≥ 25× less overhead than firejail | $(calc "$f_over / $c_over")× ($(calc3 "$f_over") ms against $(calc3 "$c_over") ms) | $(verdict "$(calc "$f_over / $c_over")" ">=" 25) |"
	echo "| confined work within 3% of bare: walking /usr/share | $(calc "($walk_r - 1) * 100")% (CPU time $(cpu_change walk)) | $(verdict "$walk_r" "<" 1.03) |"
	echo "| confined work within 3% of bare: building corral | $(calc "($build_r - 1) * 100")% (CPU time $(cpu_change build)) | $(verdict "$build_r" "<" 1.03) |"
	echo "| confining with 1,000 grants under 2 ms | $(calc3 "$g1000") ms over bare /bin/true | $(verdict "$g1000" "<" 2) |"
	echo "| nothing stays resident | $left processes left after the command exited (all tools) | $( ((left == 0)) && echo met || echo '**missed**') |"
}

# The phases of one policy, as shell variables: plan, real, nreal, stat,
# nstat, other, compile, prepare, view, mounts, nmounts, ll, nll, load, block,
# confine, reap, plain, empty, tear, bare_w, version_w, run_w, whole,
# libs, rest.
read_phases()
{
	local f=$1

	plan=$(phase "$f" "plan build (total)")
	real=$(phase "$f" "  realpath()")
	nreal=$(phase "$f" "  realpath()" 5)
	stat=$(phase "$f" "  stat()")
	nstat=$(phase "$f" "  stat()" 5)
	other=$(phase "$f" "  the rest (profiles, matching, environment)")
	compile=$(phase "$f" "  seccomp filter chosen (built with corral)")
	prepare=$(phase "$f" "  the rest (descriptors, environment, limits, capabilities)")
	view=$(phase "$f" "  view: mount namespace and mounts")
	mounts=$(phase "$f" "    mount()")
	nmounts=$(phase "$f" "    mount()" 5)
	ll=$(phase "$f" "  Landlock ruleset (open, add_rule, restrict)")
	nll=$(phase "$f" "  Landlock ruleset (open, add_rule, restrict)" 5)
	load=$(phase "$f" "  seccomp load")
	block=$(phase "$f" "  blocked commands' execute-only layer (without a view)")
	confine=$(phase "$f" "confine (total)")
	reap=$(phase "$f" "exit to reaped, confined child")
	plain=$(phase "$f" "exit to reaped, plain child")
	empty=$(phase "$f" "exit to reaped, child in an empty mount namespace")
	tear=$(calc3 "$reap - $plain")
	bare_w=$(phase "$f" "whole: the bare command, spawn to reaped")
	version_w=$(phase "$f" "whole: corral --version, spawn to reaped")
	run_w=$(phase "$f" "whole: corral run, spawn to reaped")
	whole=$(calc3 "${run_w:-0} - ${bare_w:-0}")
	libs=$(calc3 "${version_w:-0} - ${bare_w:-0}")
	parse=$(phase "$f" "options parse")
	rest=$(calc3 "$whole - $libs - $parse - $plan - $confine - $tear")
}

breakdown_table()
{
	cat <<EOF
| where the overhead of \`corral run -- /bin/true\` goes | median ms |
|---|---|
| **all of it**: \`corral run -- /bin/true\` ($(calc3 "$run_w") ms) against \`/bin/true\` ($(calc3 "$bare_w") ms), spawn to reaped | **$whole** |
| starting the corral binary and its libraries: \`corral --version\` ($(calc3 "$version_w") ms) against \`/bin/true\` | $libs |
| plan building: $nreal \`realpath()\` calls ($(calc3 "$real") ms), $nstat \`stat()\` calls ($(calc3 "$stat") ms), the rest ($(calc3 "$other") ms: profiles, rule matching, environment) | $(calc3 "$plan") |
| seccomp filter chosen (built with libseccomp when corral was built) | $(calc3 "$compile") |
| the rest of the confinement: descriptors, environment, limits, capabilities | $(calc3 "$prepare") |
| view: \`unshare(CLONE_NEWNS)\`, $nmounts mounts ($(calc3 "$mounts") ms in \`mount()\`), capabilities | $(calc3 "$view") |
| Landlock: the ruleset for the plan's $nll rules (an \`open(O_PATH)\` and a \`landlock_add_rule\` for each grant that exists), then \`landlock_restrict_self\` | $(calc3 "$ll") |
| seccomp filter loaded | $(calc3 "$load") |
| blocked commands: nothing more to do with a view (they are masked in it) | $(calc3 "$block") |
| after the command exits: the mount namespace torn down (exit to reaped $(calc3 "$reap") ms, against $(calc3 "$plain") ms for a plain process and $(calc3 "$empty") ms for an empty namespace) | $tear |
| the rest: one more exec than the bare command (corral's own; the minimal wrapper pays one too) and the CLI | $rest |
EOF
}

# The shortfalls, with the figures of this run that explain them.
shortfalls()
{
	local c_over w_over b_over f_over bi_over limit g0 g1000 g10k
	local m0 m100 walk_r build_r wb_r plan real nreal stat nstat other
	local compile prepare view mounts nmounts ll nll load confine reap
	local plain empty tear bare_w version_w run_w whole libs rest parse block
	local l_tear lean

	c_over=$(get startup "corral run" 8)
	w_over=$(get startup "minimal wrapper" 8)
	b_over=$(get startup "bwrap" 8)
	f_over=$(get startup "firejail" 8)
	bi_over=$(get builtin-run "sandbox run -- /bin/true" 8)
	limit=$(calc3 "1.2 * $w_over")
	g0=$(get grants "corral run" 8)
	g1000=$(get grants "1000 grants" 8)
	g10k=$(get grants10k "10000 grants" 8)
	m0=$(get masks "corral run" 8)
	m100=$(get masks "100 masked" 8)
	walk_r=$(get walk "corral run" 11)
	wb_r=$(get walk "minimal wrapper" 11)
	build_r=$(get build "corral run" 11)
	read_phases phases-loaded
	l_tear=$tear
	read_phases phases
	lean=$(calc3 "$whole - $libs - $plan - $compile")

	cat <<EOF
### \`corral run\` against the minimal wrapper

\`corral run\` adds $(calc3 "$c_over") ms to /bin/true; the minimal wrapper
adds $(calc3 "$w_over") ms, so the target allows $limit ms.
$(awk -v c="$c_over" -v l="$limit" 'BEGIN { if (c < l) print "The target is met."; else printf "It is missed by %.3f ms: corral adds %.1f× the allowance.\n", c - l, c / l }')
The minimal wrapper's cost is one more exec of a small program, plus
a few tens of microseconds of Landlock and seccomp. \`bench/phases\` splits
corral's cost, all figures from the same runs:

$(breakdown_table)

Of these, corral's own start beyond a bare exec and plan building are not
needed to confine (the seccomp filters are built with corral, so choosing
one costs $(calc3 "$compile") ms): without them corral would add about $lean ms, and what
would remain beyond the minimal wrapper is the mount namespace (view and
teardown, $(calc3 "$view + $tear") ms) and a larger Landlock ruleset.

The teardown is the kernel's: when the last process of a mount namespace
exits, \`namespace_unlock()\` waits in \`synchronize_rcu_expedited()\` (with
\`perf record -e sched:sched_switch\` the exiting task is seen asleep there,
in state D) and the masks are unmounted. The command's exit pays it, and
whoever waits for the command (an agent, a shell, make) waits for it too.
It depends on the rest of the machine: at real-time priority it took
$tear ms here, at an ordinary priority $l_tear ms$(awk -v a="$l_tear" -v b="$tear" 'BEGIN {
	if (a > 1.5 * b) print ": the exiting task waits for a kernel thread, then for a CPU, and other work delays both."
	else print "." }')

### Against bubblewrap and firejail

Start-up overheads in this run: bubblewrap $(calc3 "$b_over") ms, firejail
$(calc3 "$f_over") ms, corral $(calc3 "$c_over") ms: corral is
$(calc "$b_over / $c_over")× cheaper than bubblewrap (the target asks 6×) and
$(calc "$f_over / $c_over")× cheaper than firejail (the target asks 25×).
bubblewrap pays for the same mount namespace and teardown as corral, and
for a network namespace (\`--unshare-net\`; without it bubblewrap adds
$(calc3 "$(get startup "bwrap, network shared" 8)") ms). 6× less than
bubblewrap means adding at most $(calc3 "$b_over / 6") ms, and 25× less than
firejail at most $(calc3 "$f_over / 25") ms, against
$(calc3 "$w_over") ms for the minimal wrapper's single exec on this machine:
$(awk -v a="$b_over" -v b="$f_over" -v w="$w_over" 'BEGIN {
	m = a / 6 < b / 25 ? a / 6 : b / 25
	if (m < w) print "the targets ask for less than any program that execs the command costs here, so only an in-process front (the builtin) can meet them."
	else printf "there is room for %.3f ms beyond the exec, which a view per command does not leave.\n", m - w }')

### The builtin

$(if [[ -n $bi_over ]]; then cat <<EOT
\`sandbox run -- /bin/true\` adds $(calc3 "$bi_over") ms in a bash loop, against
a target of 0.3 ms. The builtin keeps the plan per shell, so plan building
and the libraries are gone; what remains is the confinement of each child
as \`corral_confine\` does it: the seccomp filter chosen
($(calc3 "$compile") ms), the rest of the confinement ($(calc3 "$prepare") ms), the view ($(calc3 "$view") ms),
Landlock ($(calc3 "$ll") ms), the seccomp load ($(calc3 "$load") ms), and the
namespace teardown ($tear ms) when the command exits: together
$(calc3 "$compile + $prepare + $view + $ll + $load + $tear") ms, measured by
\`bench/phases\` on the CLI's plan. The remaining
$(calc3 "$bi_over - ($compile + $prepare + $view + $ll + $load + $tear)") ms are the
builtin's own per-call work and the \`fork\` of a whole shell; its profile
is above. The view and its teardown alone exceed
0.3 ms: a mount namespace per command cannot meet the target on this
machine; Landlock and seccomp alone ($(calc3 "$ll + $load") ms here) come
close.
EOT
else echo "Not measured: $BUILTIN_SKIP."; fi)

### Without a mount namespace

Where namespaces are refused, \`corral run\` falls back to Landlock alone
and adds $(calc3 "$(get startup "corral run, Landlock alone" 8)") ms. By phase:
blocked commands' execute-only layer
$(calc3 "$(phase phases-alone "  blocked commands' execute-only layer (without a view)")") ms (a
rule for every entry of the directories that hold a blocked binary),
the Landlock ruleset $(calc3 "$(phase phases-alone "  Landlock ruleset (open, add_rule, restrict)")") ms (the
siblings of each denied or protected path granted one by one), and the
rest of the confinement $(calc3 "$(phase phases-alone "  the rest (descriptors, environment, limits, capabilities)")") ms
(all else \`corral_confine\` does without a view).

### 1,000 grants and masked paths

With 1,000 extra \`--read\` grants, \`corral run\` adds $(calc3 "$g1000") ms,
$(calc3 "$g1000 - $g0") ms more than with none; with 10,000 it adds
$(calc3 "$g10k") ms. Plan building takes
$(calc3 "$(phase phases-1000 "plan build (total)")") ms of the 1,000-grant case
($(phase phases-1000 "  realpath()" 5) \`realpath()\` calls,
$(calc3 "$(phase phases-1000 "  realpath()")") ms, and
$(calc3 "$(phase phases-1000 "  the rest (profiles, matching, environment)")") ms
in the rest, which grows faster than the rules: ten times the grants,
10,000, cost $(calc "($g10k - $g0) / ($g1000 - $g0)") times as much as 1,000$(grants_symbols)), and Landlock
$(calc3 "$(phase phases-1000 "  Landlock ruleset (open, add_rule, restrict)")") ms for a
plan of $(phase phases-1000 "  Landlock ruleset (open, add_rule, restrict)" 5) rules (an
\`open(O_PATH)\` and a \`landlock_add_rule\` for each grant).

Each masked path costs about $(calc3 "($m100 - $m0) / 100") ms: 100 masks add
$(calc3 "$m100 - $m0") ms to the default run. Timed by phase, 100 masks
make the view $(calc3 "$(phase phases-masks "  view: mount namespace and mounts") - $view") ms longer
($(phase phases-masks "    mount()" 5) mounts instead of $nmounts) and the teardown
$(calc3 "$(phase phases-masks "exit to reaped, confined child") - $reap") ms longer.

### Work

Under corral, walking /usr/share took $(calc "($walk_r - 1) * 100")% longer than bare
(median against median; CPU time $(cpu_change walk)) and building corral
$(calc "($build_r - 1) * 100")% (CPU time $(cpu_change build)). For scale: the bare
walk spans $(awk -F'\t' 'NR == 1 { printf "%.1f", ($6 - $5) * 100 / $4 }' "$DATA/walk.tsv")%
between its p25 and p75, the bare build
$(awk -F'\t' 'NR == 1 { printf "%.1f", ($6 - $5) * 100 / $4 }' "$DATA/build.tsv")%,
and the minimal wrapper moved the walk by $(calc "($wb_r - 1) * 100")%: by
$(calc "($(get walk "minimal wrapper, Landlock only" 11) - 1) * 100")% with only its Landlock
ruleset and by $(calc "($(get walk "minimal wrapper, seccomp only" 11) - 1) * 100")% with only
its seccomp filter. Once the command runs, what differs is Landlock's
check on each open and the seccomp filter on every system call (any
filter sends each call through the kernel's slower entry path; find makes
one or more calls for every entry); bubblewrap applies neither. A build
under corral also writes its temporary files to corral's private tmpfs
/tmp. corral's start-up ($(calc3 "$c_over") ms) is
$(calc "100 * $c_over / $(get walk bare 4)")% of the walk and
$(calc "100 * $c_over / $(get build bare 4)")% of the build.
EOF
}

top_costs()
{
	local plan real nreal stat nstat other compile prepare view mounts
	local nmounts ll nll load confine reap plain empty tear bare_w
	local version_w run_w whole libs rest names parse block dear why

	read_phases phases
	dear=$(awk -F'\t' '$1 ~ /^linked to lib/ && $8 > m { m = $8; l = $1 }
		END { if (l != "") printf "%s\t%.3f", substr(l, 11), m }' \
		"$DATA/libs.tsv")
	names=$(awk '/"block"/ { f = 1; next } f && /]/ { f = 0 }
		f && /"/ { n++ } END { print n + 0 }' "$HERE/profiles/default.json")
	# Only when the count says so: the blocked names looked up everywhere.
	why=
	((nstat >= names * 5)) &&
		why="; most of them the $names blocked command names looked up in every PATH and standard directory"
	{
		printf '%s\tstarting the corral binary and its libraries (`corral --version` against `/bin/true`, %s)%s\n' \
			"$libs" "$(corral_libraries | cut -f1 | paste -sd, - | sed 's/,/, /g')" \
			"${dear:+; the costliest, ${dear%%$'\t'*}, adds ${dear#*$'\t'} ms to an empty program}"
		printf '%s\tplan building on every run: %s `realpath()` calls (%s ms), %s `stat()` calls (%s ms%s), the rest %s ms (profiles, rule matching, environment)\n' \
			"$plan" "$nreal" "$(calc3 "$real")" "$nstat" \
			"$(calc3 "$stat")" "$why" "$(calc3 "$other")"
		printf '%s\tthe mount namespace: `unshare`, %s mounts (%s ms) and its teardown when the command exits (%s ms; more on a busy machine)\n' \
			"$(calc3 "$view + $tear")" "$nmounts" "$(calc3 "$view")" "$tear"
		printf '%s\tthe seccomp filter chosen from those built with corral\n' "$compile"
		printf '%s\tthe Landlock ruleset, from a plan of %s rules\n' "$ll" "$nll"
	} | sort -t$'\t' -k1,1gr | head -n 3 |
		awk -F'\t' -v total="$whole" '{ printf "%d. **%.2f ms** of %.2f ms: %s\n", NR, $1, total, $2 }'
}

write_doc()
{
	local tmp=$DOC.tmp

	{
		cat <<EOF
# Benchmarks

Generated by \`make bench\` (\`bench/run.sh\`) on $(date -u '+%Y-%m-%d %H:%M UTC');
every figure below comes from that one run. Do not edit by hand: run it
again. Timings are never pass/fail tests.

## Method

- Each command is started by \`bench/timeit\` (\`posix_spawn\`, \`wait4\`,
  \`CLOCK_MONOTONIC\`), its output sent to \`/dev/null\`. All the commands
  of a table run once per round, in an order shuffled every round, after
  warm-up rounds; whatever else the machine does falls on all of them
  alike.
- **median** and **p25–p75** are over the rounds; **min** is the fastest
  round. **overhead** is the median of the per-round differences from
  the bare command of the same table (paired, so load that hits one
  round hits both sides); **× bare** is the ratio of the medians.
  **peak RSS** is \`ru_maxrss\` from \`wait4\`: the largest resident set of
  the process or its waited-for descendants, across \`exec\` (so for
  \`corral run\` it is corral's own peak, before it became the command).
- The builtin and hook rows are loops inside one bash, timed with
  \`\$EPOCHREALTIME\`, bare and confined back to back in every round;
  the same statistics by \`timeit -s\`.
- This machine is shared with other work (see the load average below).
  So that it does not get between a command and its timer, every
  measurement runs at a real-time priority ($(prio_note)), one process
  at a time (the build with \`make -j1\`); the phases are timed once more
  at an ordinary priority (\`nice -n -10\`) to show what load does to
  them. Compare rows within a table, not across runs.
- \`\$WORK\` is a scratch directory under /var/tmp (the working
  directory of every command is \`\$WORK/project\`); \`./\` is this
  repository. \`corral\`, \`minwrap\` and the builtin are copies of
  \`build/corral\`, \`build/bench/minwrap\` and \`build/sandbox\` taken
  when the run starts, built from the working tree. corral runs with its
  default profile.
- The minimal wrapper is \`bench/minwrap.c\`: no_new_privs, a Landlock
  ruleset (/usr, /lib, /etc read and execute, the working directory
  read-write) and a seccomp filter of 33 instructions, then \`exec\`.
- bubblewrap's policy matches corral's default: the root read-only, the
  working directory writable, \`--dev /dev --proc /proc\`, and
  \`--unshare-net\` as asked (a row without it shows what the network
  namespace costs). Codex is its native binary, as the agent runs it,
  \`codex sandbox -c sandbox_mode=workspace-write -- CMD\` (read-only root,
  writable working directory and /tmp, no network); started through the
  npm launcher (\`codex\`, a Node.js script) it would pay Node's start-up
  on top.

## Machine

$(machine)

## Targets

$(targets)

## 1. Start-up

![start-up per tool](bench/startup.svg)

$(md_table startup)

$(if [[ -f $DATA/codex.tsv ]]; then
	echo "Codex, in a table of its own with fewer rounds (it takes about a hundred times longer):"
	echo
	md_table codex
else
	echo "Codex: not measured (@openai/codex is not installed and npm could not install it)."
fi)

### What corral's libraries cost at every exec

Empty programs linked (\`--no-as-needed\`) to each library \`ldd\` lists for
corral (but libc), beside \`corral --version\`:

$(md_table libs)

### The bash builtin

$(if [[ -z $BUILTIN_SKIP ]]; then
	echo 'Each round: `/bin/true` and `sandbox run -- /bin/true`, then `( : && /bin/true )` and `( sandbox && /bin/true )`, in one bash with `enable -f build/sandbox sandbox`.'
	echo
	md_loop_table builtin-run
	echo
	md_loop_table builtin-sub
else
	echo "Skipped: $BUILTIN_SKIP."
fi)

### The zsh module

$(if [[ -z $ZSH_SKIP ]]; then
	md_loop_table zsh-run
	echo
	md_loop_table zsh-sub
else
	echo "Skipped: $ZSH_SKIP."
fi)

## 2. Work

Walking and \`stat\`ing every file of /usr/share ($(find /usr/share -xdev 2>/dev/null | wc -l) entries, page cache warm):

$(md_table walk cpu)

Building corral (\`make -B -j1 build/corral\`, one compiler at a time, in a copy of HEAD made with \`git archive\`):

$(md_table build cpu)

## 3. Scale

![scale](bench/scale.svg)

Grants: extra \`--read DIR\` options, each an existing directory outside
the working directory.

$(md_table grants)

$(md_table grants10k)

Masked paths: \`--deny DIR\` on existing directories inside the
working directory (a grant), each masked by an empty read-only tmpfs.

$(md_table masks)

A working directory of 100,000 files against a nearly empty one:

$(md_table many)

### Memory and resident processes

Peak RSS of the confining process is the last column of every table
above (\`corral run\`: $(calc "$(get startup "corral run" 12) / 1024") MiB by
default, $(calc "$(get grants "1000 grants" 12) / 1024") MiB with 1,000 grants,
$(calc "$(get grants10k "10000 grants" 12) / 1024") MiB with 10,000).

Processes alive while \`sleep 1\` runs under each tool, and how many of
them are left once it has exited:

| tool | processes during the command | left after it |
|---|---|---|
$(awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$DATA/resident.tsv")

## 4. Shell hooks

\`eval "\$(corral hook bash)"\` in an interactive bash (\`bash -i\`), with a
configuration that wraps a stand-in agent (a copy of /bin/true named
\`standin-agent\`) under the default profile. \`command standin-agent\` is
the bare call; the prompt hook \`__corral_chpwd\` runs before every prompt
and asks \`corral trust --check\` only when the directory changed.

$(for mode in binary builtin; do
	echo "#### $mode mode"
	echo
	if [[ -f $DATA/hook-$mode.skip ]]; then
		echo "Skipped: $(cat "$DATA/hook-$mode.skip")"
	else
		md_loop_table "hook-$mode-call"
		echo
		md_loop_table "hook-$mode-prompt"
		echo
		md_loop_table "hook-$mode-cd"
	fi
	echo
done)

$(hook_notes)

## Where the time goes in \`corral run\`

Measured by \`bench/phases\`, which links the core and runs the steps of
\`corral_confine\` one by one in a forked child, as \`core/confine.c\` orders
them; the libc calls of plan building are counted and timed through the
linker's \`--wrap\`; the "whole" rows spawn the real commands in the same
runs. Medians in ms (p25–p75 for the default policy), and the calls made:
the default policy at real-time priority, the same at an ordinary
priority on this loaded machine, the same without a mount namespace
(\`CORRAL_TEST_NO_NAMESPACES=1\`: Landlock alone), then with 1,000 extra
grants and with 100 masked paths.

| phase | default | calls | default, ordinary priority | Landlock alone | 1,000 grants | calls | 100 masked | calls |
|---|---|---|---|---|---|---|---|---|
$(awk -F'\t' '
	FILENAME ~ /loaded/ { l[FNR] = $2; next }
	FILENAME ~ /alone/ { n[FNR] = $2; next }
	FILENAME ~ /1000/ { g[FNR] = $2; gc[FNR] = $5; next }
	FILENAME ~ /masks/ { m[FNR] = $2; mc[FNR] = $5; next }
	{ name = $1
	  if (sub(/^    /, "", name)) name = "&nbsp;&nbsp;&nbsp;&nbsp;↳ " name
	  else if (sub(/^  /, "", name)) name = "↳ " name
	  printf "| %s | %.3f (%.3f–%.3f) | %s | %.3f | %.3f | %s | %s | %s | %s |\n",
		name, $2, $3, $4, ($5 ? $5 : ""), l[FNR], n[FNR],
		(FNR in g && g[FNR] != "" ? sprintf("%.3f", g[FNR]) : ""), (gc[FNR] ? gc[FNR] : ""),
		(FNR in m && m[FNR] != "" ? sprintf("%.3f", m[FNR]) : ""), (mc[FNR] ? mc[FNR] : "") }' \
	"$DATA/phases-loaded.tsv" "$DATA/phases-alone.tsv" "$DATA/phases-1000.tsv" \
	"$DATA/phases-masks.tsv" "$DATA/phases.tsv")

### Top costs

$(top_costs)

### System calls

\`strace -f -c\`, one run each (all processes of the tool):

| | system calls | of which failed | the most frequent |
|---|---|---|---|
$(awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$DATA/syscalls.tsv")

### Profiles

$(perf_section default "200 runs of \`corral run -- /bin/true\`"
perf_section grants "20 runs of \`corral run\` with 1,000 \`--read\` grants"
perf_section masks "10 runs of \`corral run\` with 1,000 masked paths"
perf_section builtin "300 calls of \`sandbox run -- /bin/true\` in one bash")

## Shortfalls, and why

$(shortfalls)

## Reproducing

\`make bench\` installs what is missing (bubblewrap, firejail, gnuplot,
strace and perf from Debian, \`@openai/codex\` from npm), builds corral, the
builtin and the tools in \`bench/\`, and writes this file and
\`docs/bench/*.svg\`. \`BENCH_ROUNDS=0.1 make bench\` makes a quick pass with
a tenth of the rounds. The raw figures stay in \`build/bench/data/\`: one
\`.spec\` (the exact commands, tab-separated words), \`.raw\` (every
sample) and \`.tsv\` (the summary) per table.
EOF
	} >"$tmp" && mv "$tmp" "$DOC"
}

main()
{
	local started=$SECONDS

	install_peers
	build
	REVISION="commit $(git rev-parse --short HEAD)"
	git diff --quiet HEAD -- core cli profiles builtin 2>/dev/null ||
		REVISION+=" with uncommitted changes to core, cli, profiles or builtin"
	rm -rf "$DATA"
	mkdir -p "$DATA" "$PLOTS"
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	say "making scratch trees"
	make_work

	startup_specs
	measure startup 300 10
	measure codex 40 3
	library_specs
	measure libs 300 10
	builtin_loop
	zsh_loop

	work_specs
	measure walk 40 2
	measure build 5 1

	scale_specs
	measure grants 50 3
	measure grants10k 5 1
	measure masks 50 3
	measure many 100 5
	phases
	residents

	hooks
	profile_costs

	if command -v gnuplot >/dev/null; then
		plot_startup
		plot_scale
	fi
	write_doc
	say "wrote ${DOC#$HERE/} and ${PLOTS#$HERE/}/ in $((SECONDS - started)) s"
}

main "$@"
