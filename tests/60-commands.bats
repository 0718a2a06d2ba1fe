#!/usr/bin/env bats
# Blocked commands stay blocked for every descendant, by any path: with a
# view (a mask over each name of the binary) and without one (a separate
# execute-only Landlock layer).  Each denied route leaves the target file
# in place, beside an allowed command in the same run.

load helpers

# The dynamic loader runs a binary it can read, without an execve of it.
LOADER=$(readlink -f /lib64/ld-linux-x86-64.so.2 2>/dev/null ||
	echo /lib64/ld-linux-x86-64.so.2)

setup()
{
	setup_scratch
	echo keep >victim
	printf 'clean:\n\trm -f victim\n' >Makefile
}

teardown()
{
	teardown_scratch
}

# routes_denied: every route to rm fails and victim survives, while cat
# (not blocked) runs in the very same sandbox.
routes_denied()
{
	local route

	for route in 'rm victim' '/bin/rm victim' '/usr/bin/rm victim' \
		'env rm victim' 'sh -c "rm victim"' 'echo victim | xargs rm' \
		'find . -name victim -exec rm {} +' 'make -s clean' \
		"$LOADER /usr/bin/rm victim" 'cp /usr/bin/rm ./r && ./r victim'; do
		run corral run "$@" -- bash -c "cat victim && $route"
		if [ "$status" -eq 0 ] || [[ $output != *keep* ]] ||
			[ ! -e victim ]; then
			printf 'route %s: status %s, output:\n%s\n' \
				"$route" "$status" "$output" >&2
			return 1
		fi
	done
}

@test "rm by any route is denied with a view, and cat runs beside it" {
	routes_denied
	run corral run -- bash -c 'rm victim'
	expect_status 126
	expect_output "Permission denied"
	expect_file victim keep
}

@test "rm by any route is denied by the Landlock layer without a view" {
	CORRAL_TEST_NO_NAMESPACES=1 routes_denied
	CORRAL_TEST_NO_NAMESPACES=1 run corral run -- bash -c 'rm victim'
	expect_status 126
	expect_file victim keep
	CORRAL_TEST_NO_NAMESPACES=1 run corral run -n -- true
	expect_output "a Landlock layer that allows execution and reading everywhere but on these binaries"
}

@test "corral refuses a blocked command by name up front, with a hint" {
	run corral run -- rm victim
	expect_status 126
	expect_output "'rm' is blocked by the policy"
	expect_output "hint: lift it with --allow-command rm"
	expect_file victim keep
	# Named by its path, it is lifted by its name all the same.
	run corral run -- /bin/rm victim
	expect_status 126
	expect_output "hint: lift it with --allow-command rm"
	run corral run --allow-command rm -- /bin/rm victim
	expect_status 0
	refute_exists victim
}

@test "a pattern blocks every match, and a name is lifted out of it" {
	local dir

	dir=$(extra_scratch "$SCRATCH")
	cp /bin/true "$dir/mkfs.corraltest"
	cp /bin/true "$dir/mkfs.other"
	export PATH="$dir:$PATH"
	run corral run --read "$dir" --block-command 'mkfs.*' -- \
		sh -c 'mkfs.corraltest && echo ran'
	expect_failure
	refute_output ran
	run corral run --read "$dir" --block-command 'mkfs.*' \
		--allow-command mkfs.corraltest -- \
		sh -c 'mkfs.corraltest && echo ran; mkfs.other && echo other ran'
	expect_output ran
	refute_output "other ran"
}

@test "--allow-command rm lets rm through, and only rm" {
	run corral run --allow-command rm -- sh -c 'rm victim && dd if=/dev/null of=x'
	expect_failure
	refute_exists victim
	refute_exists x
}

@test "a profile's block list and a flag add up; blocked names missing here are fine" {
	cat >"$SCRATCH/p.json" <<'EOF'
{ "commands": { "block": ["cp", "no-such-tool-anywhere"] } }
EOF
	chmod 644 "$SCRATCH/p.json"
	run corral run -p "$SCRATCH/p.json" --block-command mv -- \
		sh -c 'cp victim a; mv victim b; cat victim'
	expect_output keep
	refute_exists a
	refute_exists b
	run corral run -p "$SCRATCH/p.json" -- sh -c 'mv victim b'
	expect_status 0
	expect_file b keep
}

@test "a nested sandbox keeps the blocks and cannot lift them" {
	run corral run --read "$(dirname "$CORRAL")" -- \
		"$CORRAL" run --allow-command rm -- sh -c 'cat victim; rm victim'
	expect_output keep
	expect_failure
	expect_file victim keep
}

@test "the report says what blocking does not cover" {
	run corral run -n -- true
	expect_output "/usr/bin/rm"
	expect_output "multi-call binary"
	expect_output "interpreter"
	run corral why /bin/rm
	expect_output "execution: blocked for every descendant"
	expect_output "a multi-call binary or an interpreter is not blocked"
	run corral why /bin/cat
	refute_output "execution: blocked"
	# Which is true: an interpreter removes files the policy lets it write.
	run corral run -- /usr/bin/python3 -c 'import os; os.unlink("victim")'
	expect_status 0
	refute_exists victim
}
