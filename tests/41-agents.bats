#!/usr/bin/env bats
# The real coding agents under their built-in profiles.  Each one is
# installed from npm once per machine into a cache that later runs (and
# the unprivileged run) reuse, then run with a scratch home holding canary
# credentials: it starts, prints its version and help, tries a prompt
# (reaching its API fails here, and that is expected), and must leave its
# state where it always does, and nowhere else.  From inside its sandbox
# no canary is readable while its own files are, and nothing outside its
# grants is writable.  aider, goose and cursor-agent are not on npm: their
# profiles are checked as profiles only.

load helpers

# The versions the profiles were written against (docs/profiles.md).
AGENT_PACKAGES=(
	@anthropic-ai/claude-code@2.1.197
	@openai/codex@0.171.0
	@google/gemini-cli@0.61.0
	opencode-ai@1.18.33
	@github/copilot@1.0.102
	@qwen-code/qwen-code@0.15.10
	@sourcegraph/amp@0.0.1790142911-g7618fb
)
AGENT_BINS=(claude codex gemini opencode copilot qwen amp)

# Seconds for an agent to start and print something, and for a prompt,
# which ends when the agent gives up on its API or at this deadline.
QUICK=90
PROMPT=25

# What an install is recorded as: the packages, and how they were installed.
agents_stamp()
{
	echo "${AGENT_PACKAGES[*]} with install scripts"
}

agents_installed()
{
	local bin

	for bin in "${AGENT_BINS[@]}"; do
		[ -x "$1/node_modules/.bin/$bin" ] || return 1
	done
	[ "$(cat "$1/corral-packages" 2>/dev/null)" = "$(agents_stamp)" ]
}

# A cache root can write here, or one the unprivileged user owns.
agent_dir()
{
	local dir=${CORRAL_AGENT_CACHE:-/var/cache/corral-tests/npm}

	if agents_installed "$dir"; then
		echo "$dir"
	elif (umask 022 && mkdir -p "$dir") 2>/dev/null && [ -w "$dir" ]; then
		echo "$dir"
	else
		echo "/var/tmp/corral-tests-$(id -u)/npm"
	fi
}

# World-readable, so the unprivileged run can use what root installed.
# With their install scripts: claude, opencode and amp fetch their native
# binaries there, and without them do not start.
install_agents()
{
	local dir=$1

	# npm would keep what an older install left and not run its scripts.
	rm -rf "$dir/node_modules" "$dir/package.json" "$dir/package-lock.json"
	(umask 022 && mkdir -p "$dir" &&
		timeout 1500 npm install --prefix "$dir" --cache "$dir/.npm-cache" \
			--no-audit --no-fund --loglevel=error \
			"${AGENT_PACKAGES[@]}" &&
		agents_stamp >"$dir/corral-packages") \
		>"$dir.log" 2>&1
}

setup_file()
{
	export AGENT_DIR AGENTS_SKIP= AGENTS_BROKEN=
	AGENT_DIR=$(agent_dir)

	agents_installed "$AGENT_DIR" && return 0
	if ! timeout 60 npm ping --cache "$BATS_FILE_TMPDIR/npm" >/dev/null 2>&1; then
		AGENTS_SKIP="the npm registry cannot be reached and the agents are not installed in $AGENT_DIR: the real agents are not tested"
		return 0
	fi
	install_agents "$AGENT_DIR" ||
		AGENTS_BROKEN="npm install into $AGENT_DIR failed: see $AGENT_DIR.log"
}

setup()
{
	setup_scratch
}

teardown()
{
	teardown_scratch
}

# The first step of every test that runs a real agent.
needs_agents()
{
	[ -z "$AGENTS_SKIP" ] || skip "$AGENTS_SKIP"
	if [ -n "$AGENTS_BROKEN" ]; then
		echo "$AGENTS_BROKEN" >&2
		return 1
	fi
	export PATH=$AGENT_DIR/node_modules/.bin:$PATH
	export TERM=dumb NO_COLOR=1
	# Each agent's own key is fake; the rest are canaries too.
	export ANTHROPIC_API_KEY=sk-ant-CANARY-anthropic
	export OPENAI_API_KEY=sk-CANARY-openai
	export GEMINI_API_KEY=CANARY-gemini
	export GH_TOKEN=ghp_CANARYgithubtoken
	export AMP_API_KEY=CANARY-amp
	export AWS_SECRET_ACCESS_KEY=CANARY-aws-env
}

# agent PROFILE SECONDS COMMAND...: the command confined by PROFILE (the
# agents' cache readable, as an install elsewhere would need), ended by
# corral at the deadline, and by timeout(1) should corral not.
agent()
{
	local profile=$1 seconds=$2
	shift 2

	timeout -k 5 $((seconds + 30)) "$CORRAL" run -q -p "$profile" \
		--read "$AGENT_DIR" --timeout "$seconds" -- "$@" </dev/null
}

# The home directory but for the project and the named directories.
home_outside()
{
	local args=(-path "$PROJECT") dir

	for dir in "$@"; do
		args+=(-o -path "$HOME/$dir")
	done
	find "$HOME" -mindepth 1 \( "${args[@]}" \) -prune -o \
		-printf '%p %y %s %T@\n' | sort
}

# expect_state GLOB...: each matches something under the home directory.
expect_state()
{
	local glob

	for glob in "$@"; do
		if ! compgen -G "$HOME/$glob" >/dev/null; then
			echo "the agent left nothing at ~/$glob; the home holds:" >&2
			(cd "$HOME" && find . -path ./project -prune -o -print) >&2
			return 1
		fi
	done
}

# expect_starts PROFILE BIN VERSION HELP: version and help, confined.
expect_starts()
{
	run agent "$1" "$QUICK" "$2" --version
	expect_status 0
	expect_output "$3"
	run agent "$1" "$QUICK" "$2" --help
	expect_status 0
	expect_output "$4"
}

# expect_confined PROFILE OWN_FILE OWN_DIR KEPT DROPPED: from inside the
# agent's sandbox no canary reads and the agent's own file does; its own
# directory is writable and the home is not; its key is kept, others not.
expect_confined()
{
	local profile=$1 own=$2 dir=$3 kept=$4 dropped=$5

	run agent "$profile" 30 cat "$HOME/.ssh/id_ed25519"
	expect_failure
	refute_output CANARY
	run agent "$profile" 30 cat "$HOME/$own"
	expect_status 0

	run agent "$profile" 30 sh -c "$(canary_probe)"
	refute_output LEAK
	refute_output CANARY

	run agent "$profile" 30 sh -c 'echo written >"$HOME/$1/corral-probe"' sh "$dir"
	expect_status 0
	expect_file "$HOME/$dir/corral-probe" written
	rm -f "$HOME/$dir/corral-probe"
	run agent "$profile" 30 sh -c 'echo written >"$HOME/outside"'
	expect_failure
	refute_exists "$HOME/outside"
	run agent "$profile" 30 sh -c 'echo evil >>"$HOME/.profile"'
	expect_failure

	run agent "$profile" 30 sh -c "echo \"kept=\${$kept:-no} dropped=\${$dropped:-no} aws=\${AWS_SECRET_ACCESS_KEY:-no}\""
	expect_status 0
	expect_output "kept=${!kept} dropped=no aws=no"
	canaries_intact
}

@test "claude-code: claude starts, keeps its state in ~/.claude and ~/.claude.json, reads no canary" {
	local inode before

	needs_agents

	mkdir -p "$HOME/.claude"
	echo '{}' >"$HOME/.claude.json"
	inode=$(stat -c %i "$HOME/.claude.json")
	mkdir -p "$HOME/.cache/claude-cli-nodejs"
	before=$(home_outside .claude .claude.json)

	expect_starts claude-code claude "2.1.197 (Claude Code)" "Usage: claude"
	run agent claude-code "$PROMPT" claude -p "say hello"
	expect_state ".claude/projects/*/*.jsonl" ".claude/sessions"

	# ~ is not writable, so the rename it saves with fails and Claude Code
	# writes the file in place: same inode, grown, still JSON.
	[ "$(stat -c %i "$HOME/.claude.json")" = "$inode" ]
	[ "$(cat "$HOME/.claude.json")" != '{}' ]
	/usr/bin/python3 -m json.tool "$HOME/.claude.json" >/dev/null
	refute_exists "$HOME/.claude.json.lock"
	[ "$(home_outside .claude .claude.json)" = "$before" ]

	echo '{"hooks": {}}' >"$HOME/.claude/settings.json"
	expect_confined claude-code .claude/settings.json .claude \
		ANTHROPIC_API_KEY OPENAI_API_KEY
}

@test "codex: codex starts, keeps its state in ~/.codex, reads no canary" {
	local before

	needs_agents

	mkdir -p "$HOME/.codex"
	before=$(home_outside .codex)

	expect_starts codex codex "codex-cli 0.171.0" "Usage: codex"
	run agent codex "$PROMPT" codex exec --skip-git-repo-check \
		--sandbox danger-full-access "say hello"
	expect_state ".codex/sessions/*/*/*/rollout-*.jsonl" \
		".codex/state_*.sqlite" ".codex/installation_id"
	[ "$(home_outside .codex)" = "$before" ]

	expect_confined codex .codex/installation_id .codex \
		OPENAI_API_KEY ANTHROPIC_API_KEY
}

@test "gemini: gemini starts, keeps its state in ~/.gemini, reads no canary" {
	local before

	needs_agents

	mkdir -p "$HOME/.gemini"
	before=$(home_outside .gemini)

	expect_starts gemini gemini "0.61.0" "Usage: gemini"
	run agent gemini "$PROMPT" gemini --skip-trust -p "say hello"
	expect_state ".gemini/projects.json" ".gemini/installation_id" \
		".gemini/tmp/*/chats/*"
	[ "$(home_outside .gemini)" = "$before" ]

	expect_confined gemini .gemini/projects.json .gemini \
		GEMINI_API_KEY OPENAI_API_KEY
}

@test "opencode: opencode starts, keeps its state in its XDG directories, reads no canary" {
	local dirs=(.config/opencode .local/share/opencode .local/state/opencode
		.cache/opencode) before

	needs_agents

	mkdir -p "${dirs[@]/#/$HOME/}"
	before=$(home_outside "${dirs[@]}")

	expect_starts opencode opencode "1.18.33" "opencode completion"
	run agent opencode "$PROMPT" opencode run "say hello"
	expect_state ".config/opencode/opencode.jsonc" \
		".local/share/opencode/opencode.db" ".local/share/opencode/log/*.log"
	[ "$(home_outside "${dirs[@]}")" = "$before" ]

	expect_confined opencode .config/opencode/opencode.jsonc \
		.local/share/opencode ANTHROPIC_API_KEY GH_TOKEN
}

@test "opencode with node: its plugin dependencies install through ~/.npm" {
	needs_agents

	mkdir -p "$HOME/.config/opencode" "$HOME/.local/share/opencode" \
		"$HOME/.local/state/opencode" "$HOME/.cache/opencode" "$HOME/.npm"

	timeout -k 5 200 "$CORRAL" run -q -p opencode -p node --read "$AGENT_DIR" \
		--timeout 150 -- sh -c 'opencode run "say hello" & sleep 5
		while [ ! -e "$HOME/.config/opencode/package-lock.json" ]; do sleep 1; done
		kill $! 2>/dev/null; exit 0' </dev/null >/dev/null 2>&1 || true
	expect_state ".config/opencode/package.json" \
		".config/opencode/package-lock.json" ".npm/_cacache"

	# Without node, ~/.npm is out of reach.
	run agent opencode 30 sh -c 'echo x >"$HOME/.npm/probe"'
	expect_failure
	refute_exists "$HOME/.npm/probe"
}

@test "copilot: copilot starts, keeps its state in ~/.copilot and ~/.cache/copilot, reads no canary" {
	local before

	needs_agents

	mkdir -p "$HOME/.copilot" "$HOME/.cache/copilot"
	before=$(home_outside .copilot .cache/copilot)

	expect_starts copilot copilot "GitHub Copilot CLI 1.0.102" "Usage: copilot"
	run agent copilot "$PROMPT" copilot -p "say hello"
	expect_output GH_TOKEN
	expect_state ".copilot/config.json" ".copilot/logs/*.log" \
		".cache/copilot/pkg/*/*/app.js"
	[ "$(home_outside .copilot .cache/copilot)" = "$before" ]

	expect_confined copilot .copilot/config.json .copilot \
		GH_TOKEN ANTHROPIC_API_KEY
}

@test "qwen-code: qwen starts, keeps its state in ~/.qwen, reads no canary" {
	local before

	needs_agents

	mkdir -p "$HOME/.qwen"
	before=$(home_outside .qwen)

	expect_starts qwen-code qwen "0.15.10" "Usage: qwen"
	run agent qwen-code "$PROMPT" qwen --auth-type openai -p "say hello"
	expect_state ".qwen/installation_id" ".qwen/projects/*/chats/*.jsonl"
	[ "$(home_outside .qwen)" = "$before" ]

	expect_confined qwen-code .qwen/installation_id .qwen \
		OPENAI_API_KEY GEMINI_API_KEY
}

@test "amp: amp starts, keeps its state in its XDG directories, reads no canary" {
	local dirs=(.config/amp .local/share/amp .cache/amp) before

	needs_agents

	mkdir -p "${dirs[@]/#/$HOME/}"
	before=$(home_outside "${dirs[@]}")

	expect_starts amp amp "0.0.1790142911" "Usage: amp"
	run agent amp "$PROMPT" amp -x "say hello"
	expect_state ".local/share/amp/device-id.json" ".cache/amp/logs/cli.log"
	[ "$(home_outside "${dirs[@]}")" = "$before" ]

	expect_confined amp .local/share/amp/device-id.json .local/share/amp \
		AMP_API_KEY OPENAI_API_KEY
}

@test "an agent's profile grants no directory it lacks, nor any other agent's" {
	needs_agents

	# The profile makes its own ~/.codex (filesystem.create), and no other.
	run agent codex "$PROMPT" codex exec --skip-git-repo-check "say hello"
	expect_failure
	[ -d "$HOME/.codex" ]
	refute_exists "$HOME/.gemini"

	run agent codex 30 sh -c 'mkdir "$HOME/.codex/sessions" && mkdir "$HOME/.gemini"'
	expect_failure
	[ -d "$HOME/.codex/sessions" ]
	refute_exists "$HOME/.gemini"
}

# Not on npm, so not run: their profiles are checked as profiles.
@test "aider, goose and cursor-agent: the profiles (untested with the real programs) load and say what they grant" {
	local name file

	# A copy: a checkout's own modes (group-writable under umask 002)
	# would be refused before the content is read.
	for name in aider goose cursor-agent; do
		file=$SCRATCH/$name.json
		install -m 0644 "$BATS_TEST_DIRNAME/../profiles/$name.json" "$file"
		run corral profile validate "$file"
		expect_status 0
		expect_output "$file: valid"
		run corral profile show "$name"
		expect_status 0
		expect_output "untested with the real program"
	done

	mkdir -p "$HOME/.aider" "$HOME/.config/goose" "$HOME/.cursor/extensions"
	echo "CANARY-aider-oauth" >"$HOME/.aider/oauth-keys.env"
	echo "CANARY-goose-secrets" >"$HOME/.config/goose/secrets.yaml"
	export OPENAI_API_KEY=sk-CANARY-openai CURSOR_API_KEY=CANARY-cursor

	run corral run -p aider -- sh -c 'cat "$HOME/.aider/oauth-keys.env"; echo "${OPENAI_API_KEY:-no} ${CURSOR_API_KEY:-no}"'
	expect_status 0
	expect_output "CANARY-aider-oauth"
	expect_output "sk-CANARY-openai no"
	run corral run -p goose -- cat "$HOME/.aider/oauth-keys.env"
	expect_failure
	refute_output CANARY
	run corral run -p goose -- cat "$HOME/.config/goose/secrets.yaml"
	expect_status 0
	run corral run --allow "$HOME" -- cat "$HOME/.config/goose/secrets.yaml"
	expect_failure
	refute_output CANARY

	# cursor-agent writes ~/.cursor but not the editor's extensions.
	run corral run -p cursor-agent -- sh -c 'echo x >"$HOME/.cursor/cli-config.json" && echo "${CURSOR_API_KEY:-no}"'
	expect_status 0
	expect_output CANARY-cursor
	run corral run -p cursor-agent -- sh -c 'echo x >"$HOME/.cursor/extensions/evil.js"'
	expect_failure
	refute_exists "$HOME/.cursor/extensions/evil.js"
	canaries_intact
}
