#!/usr/bin/env bats
# Profiles: the JSON format, its errors, how profiles add up along extends
# and with flags, user profiles beside the built-ins, and the profile
# subcommands.  Every broken profile is shown to stop the command before
# it runs (a marker file is never made), beside a fixed twin that runs.

load helpers

setup()
{
	setup_scratch
	PROFILES=$HOME/.config/corral/profiles
}

teardown()
{
	teardown_scratch
}

BUILTINS=(default claude-code codex gemini opencode copilot qwen-code amp
	aider goose cursor-agent node python rust go)

# write_profile NAME: the profile's JSON from stdin, mode 0644.
write_profile()
{
	mkdir -p "$PROFILES"
	cat >"$PROFILES/$1.json"
	chmod 0644 "$PROFILES/$1.json"
}

# shown EXPR...: each value of a Python expression over the JSON that
# 'profile show' printed (d), one line per value or list item.
shown()
{
	/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
for v in eval("(" + sys.argv[1] + ",)"):
    for x in (v if isinstance(v, list) else [v]):
        print(x)
' "$1" <<<"$output"
}

# The marker shows whether the command ran at all.
expect_ran()
{
	if [ ! -e "$PROJECT/ran" ]; then
		printf 'expected the command to run; output:\n%s\n' \
			"$output" >&2
		return 1
	fi
	rm -f "$PROJECT/ran"
}

# broken NAME WHERE MESSAGE BROKEN_JSON FIXED_JSON: the broken profile
# fails at FILE:WHERE with MESSAGE, exit 125, and runs nothing; the fixed
# one runs the command.
broken()
{
	local name=$1 where=$2 message=$3

	write_profile "$name" <<<"$4"
	run corral run -p "$name" -- touch "$PROJECT/ran"
	expect_status 125
	expect_output "corral: $PROFILES/$name.json:$where: $message"
	refute_exists "$PROJECT/ran"

	write_profile "$name" <<<"$5"
	run corral run -p "$name" -- touch "$PROJECT/ran"
	expect_status 0
	expect_ran
}

@test "a valid profile loads: its grants apply and the command runs" {
	mkdir -p "$SCRATCH/data"
	echo "data, granted by the profile" >"$SCRATCH/data/file"
	write_profile data <<EOF
{
  "description": "reads the data",
  "filesystem": { "read": ["$SCRATCH/data"] }
}
EOF
	run corral run -p data -- sh -c 'cat "$1" && touch ran' sh \
		"$SCRATCH/data/file"
	expect_status 0
	expect_output "data, granted by the profile"
	expect_ran

	run corral run -- cat "$SCRATCH/data/file"
	expect_failure
	refute_output "data, granted"
}

@test "an unknown key is an error at its line and column, and nothing runs" {
	broken topkey 3:3 "unknown key 'bogus'" '{
  "description": "x",
  "bogus": true
}' '{
  "description": "x"
}'

	broken nestedkey 3:5 "unknown key 'filesystem.reed'" '{
  "filesystem": {
    "reed": ["/usr"]
  }
}' '{
  "filesystem": {
    "read": ["/usr"]
  }
}'
}

@test "a value of the wrong type is an error at its line and column, and nothing runs" {
	broken workdir 2:14 "invalid workdir" '{
  "workdir": 5
}' '{
  "workdir": "rw"
}'
	broken readlist 3:13 "filesystem.read must be a list of strings" '{
  "filesystem": {
    "read": "/usr"
  }
}' '{
  "filesystem": {
    "read": ["/usr"]
  }
}'
	broken ptrace 2:13 "ptrace must be true or false" '{
  "ptrace": "yes"
}' '{
  "ptrace": true
}'
	broken port 2:33 "network.connect: a port is a whole number from 1 to 65535" '{
  "network": { "connect": [443, 70000] }
}' '{
  "network": "on"
}'
	broken limit 2:22 "limits.cpu must be a whole number" '{
  "limits": { "cpu": 1.5 }
}' '{
  "limits": { "cpu": 2 }
}'
	broken limitvalue 2:22 "limits.mem: invalid value 'lots'" '{
  "limits": { "mem": "lots" }
}' '{
  "limits": { "mem": "2G" }
}'
	broken injection 2:21 "env.set: 'LD_PRELOAD' cannot be set" '{
  "env": { "set": { "LD_PRELOAD": "/tmp/x.so" } }
}' '{
  "env": { "set": { "EDITOR": "vi" } }
}'
}

@test "invalid JSON is an error at its line and column, and nothing runs" {
	broken json 3:3 "invalid JSON" '{
  "description": "a comma is missing"
  "workdir": "rw"
}' '{
  "description": "a comma is missing",
  "workdir": "rw"
}'
	broken notobject 1:1 "a profile must be a JSON object" '["/usr"]' '{}'
}

@test "an unknown profile is an error, from extends at its position, and nothing runs" {
	broken extends 2:26 "unknown profile 'nosuch'" '{
  "extends": ["default", "nosuch"]
}' '{
  "extends": ["default", "node"]
}'
	expect_status 0

	run corral run -p nosuch -- touch "$PROJECT/ran"
	expect_status 125
	expect_output "corral: unknown profile 'nosuch'"
	expect_output "hint: 'corral profile list'"
	refute_exists "$PROJECT/ran"
	run corral run -p node -- touch "$PROJECT/ran"
	expect_status 0
	expect_ran
}

@test "an unknown placeholder is an error at its line and column, and nothing runs" {
	broken placeholder 3:22 "unknown placeholder in '\$NOPE/x'" '{
  "filesystem": {
    "read": ["/usr", "$NOPE/x"]
  }
}' '{
  "filesystem": {
    "read": ["/usr", "$XDG_CACHE_HOME/x"]
  }
}'
	expect_status 0
	broken tilde 3:14 "unsupported path '~root/x'" '{
  "filesystem": {
    "read": ["~root/x"]
  }
}' '{
  "filesystem": {
    "read": ["~/x"]
  }
}'
}

@test "a relative path is an error at its line and column, and nothing runs" {
	broken relative 3:15 "filesystem.allow: path 'build/out' is not absolute" '{
  "filesystem": {
    "allow": ["build/out"]
  }
}' '{
  "filesystem": {
    "allow": ["$WORKDIR/build/out"]
  }
}'
	broken socket 2:33 "network.unix_sockets: path 'db.sock' is not absolute" '{
  "network": { "unix_sockets": ["db.sock"] }
}' '{
  "network": { "unix_sockets": ["~/db.sock"] }
}'
}

@test "placeholders expand: ~, \$HOME, \$WORKDIR and the XDG directories" {
	mkdir -p "$HOME/a" "$HOME/b" "$PROJECT/c" "$HOME/.config/d" \
		"$SCRATCH/xdg-cache/e"
	write_profile places <<'EOF'
{
  "filesystem": {
    "allow": ["~/a", "${HOME}/b", "$XDG_CONFIG_HOME/d", "$XDG_CACHE_HOME/e"],
    "read": ["$WORKDIR/c"]
  },
  "workdir": "none"
}
EOF
	export XDG_CACHE_HOME=$SCRATCH/xdg-cache
	run corral run -p places -- sh -c 'touch ~/a/x ~/b/x ~/.config/d/x "$XDG_CACHE_HOME/e/x" && ls "$1/c"' sh "$PROJECT"
	expect_status 0
	for f in "$HOME/a/x" "$HOME/b/x" "$HOME/.config/d/x" \
		"$SCRATCH/xdg-cache/e/x"; do
		[ -e "$f" ]
	done

	# $WORKDIR/c is read-only and the rest of the project not granted.
	run corral run -p places -- touch "$PROJECT/c/x"
	expect_failure
	run corral run -p places -- touch "$PROJECT/x"
	expect_failure
	refute_exists "$PROJECT/x"
}

@test "extends chains apply each profile once, parents first, and lists add up" {
	local d

	for d in a b c d; do
		mkdir -p "$SCRATCH/$d"
		echo "file of $d" >"$SCRATCH/$d/f"
	done
	write_profile d <<EOF
{ "filesystem": { "read": ["$SCRATCH/d"] } }
EOF
	write_profile b <<EOF
{ "extends": "d", "filesystem": { "read": ["$SCRATCH/b"] }, "env": { "keep": ["B_TOKEN"] } }
EOF
	write_profile c <<EOF
{ "extends": "d", "filesystem": { "read": ["$SCRATCH/c"] }, "env": { "keep": ["C_TOKEN"] } }
EOF
	write_profile a <<EOF
{ "extends": ["b", "c"], "filesystem": { "read": ["$SCRATCH/a"] } }
EOF
	export A_TOKEN=secret-a B_TOKEN=secret-b C_TOKEN=secret-c

	run corral run -p a -- sh -c 'cat "$1/a/f" "$1/b/f" "$1/c/f" "$1/d/f"; echo "kept: ${A_TOKEN:-no} ${B_TOKEN:-no} ${C_TOKEN:-no}"' sh "$SCRATCH"
	expect_status 0
	expect_output "$(printf 'file of a\nfile of b\nfile of c\nfile of d')"
	expect_output "kept: no secret-b secret-c"

	# b alone has its own and its parent's grants, not its siblings'.
	run corral run -p b -- sh -c 'cat "$1/b/f" "$1/d/f"' sh "$SCRATCH"
	expect_status 0
	run corral run -p b -- cat "$SCRATCH/c/f"
	expect_failure
	run corral run -p b -- cat "$SCRATCH/a/f"
	expect_failure

	run corral profile show a
	expect_status 0
	[ "$(shown 'd["applied"]')" = "$(printf '%s\n' \
		"profiles/default.json (built-in)" "$PROFILES/d.json" \
		"$PROFILES/b.json" "$PROFILES/c.json" "$PROFILES/a.json")" ]
}

@test "a scalar is overridden by the profile applied later" {
	write_profile base <<'EOF'
{ "description": "the base", "workdir": "ro", "limits": { "nofile": 200 } }
EOF
	write_profile child <<'EOF'
{ "extends": "base", "description": "the child", "workdir": "rw", "limits": { "nofile": 100 } }
EOF
	run corral run -p base -- sh -c 'ulimit -n; touch written'
	expect_failure
	expect_output 200
	refute_exists written

	run corral run -p child -- sh -c 'ulimit -n; touch written'
	expect_status 0
	expect_output 100
	[ -e written ]

	run corral profile show child
	[ "$(shown 'd["description"], d["workdir"]')" = "$(printf 'the child\nrw')" ]
	run corral profile show base
	[ "$(shown 'd["description"], d["workdir"]')" = "$(printf 'the base\nro')" ]
}

@test "an extends cycle is an error naming the chain, and nothing runs" {
	write_profile loop-a <<<'{ "extends": "loop-b" }'
	write_profile loop-b <<<'{ "extends": ["default", "loop-a"] }'
	run corral run -p loop-a -- touch "$PROJECT/ran"
	expect_status 125
	expect_output "extends cycle: $PROFILES/loop-a.json -> $PROFILES/loop-b.json -> $PROFILES/loop-a.json"
	refute_exists "$PROJECT/ran"

	write_profile loop-b <<<'{ "extends": ["default"] }'
	run corral run -p loop-a -- touch "$PROJECT/ran"
	expect_status 0
	expect_ran
}

@test "a user profile replaces the built-in of its name, and list and show say so" {
	mkdir -p "$HOME/.npm"
	run corral run -p node -- touch "$HOME/.npm/by-builtin"
	expect_status 0
	[ -e "$HOME/.npm/by-builtin" ]

	write_profile node <<'EOF'
{ "description": "my own node" }
EOF
	run corral run -p node -- touch "$HOME/.npm/by-user"
	expect_failure
	refute_exists "$HOME/.npm/by-user"

	run corral profile show node
	expect_status 0
	[ "$(shown 'd["user_profiles_replace_builtin"]')" = node ]
	[ "$(shown 'd["applied"]')" = "$(printf '%s\n' \
		"profiles/default.json (built-in)" "$PROFILES/node.json")" ]
	[ "$(shown 'd["description"]')" = "my own node" ]

	run corral profile list
	expect_status 0
	grep -q "^node  *built-in  Node.js" <<<"$output"
	grep -q "^node  *user      (replaces the built-in) my own node$" <<<"$output"

	# Extending its own name means the built-in: its grants come back.
	write_profile node <<'EOF'
{ "extends": "node", "description": "node, and mine" }
EOF
	run corral run -p node -- touch "$HOME/.npm/by-both"
	expect_status 0
	[ -e "$HOME/.npm/by-both" ]
	run corral profile show node
	[ "$(shown 'd["applied"]')" = "$(printf '%s\n' \
		"profiles/default.json (built-in)" \
		"profiles/node.json (built-in)" "$PROFILES/node.json")" ]
}

@test "a profile others can write is refused, and nothing runs" {
	write_profile shared <<<'{ "description": "shared" }'

	for mode in 0666 0664 0646; do
		chmod "$mode" "$PROFILES/shared.json"
		run corral run -p shared -- touch "$PROJECT/ran"
		expect_status 125
		expect_output "refusing profile '$PROFILES/shared.json': writable by other users"
		expect_output "hint: chmod go-w"
		refute_exists "$PROJECT/ran"
	done

	chmod 0644 "$PROFILES/shared.json"
	run corral run -p shared -- touch "$PROJECT/ran"
	expect_status 0
	expect_ran

	# Owned by someone else (only root can give a file away).
	if [ "$(id -u)" -eq 0 ] && id -u corral-test >/dev/null 2>&1; then
		chown corral-test "$PROFILES/shared.json"
		run corral run -p shared -- touch "$PROJECT/ran"
		expect_status 125
		refute_exists "$PROJECT/ran"
	fi
}

@test "profile list shows every built-in and every user profile with its description" {
	local name line

	write_profile mine <<<'{ "description": "my profile for tests" }'
	write_profile bare <<<'{}'
	run corral profile list
	expect_status 0
	for name in "${BUILTINS[@]}"; do
		line=$(grep "^$name  *built-in  " <<<"$output") || {
			echo "no built-in '$name' in the list" >&2
			return 1
		}
		[[ $line =~ built-in\ \ [^\ ]+ ]] || {
			echo "built-in '$name' has no description: $line" >&2
			return 1
		}
	done
	grep -q "^mine  *user      my profile for tests$" <<<"$output"
	grep -q "^bare  *user *$" <<<"$output"
}

@test "every built-in profile loads and shows its description" {
	local name

	for name in "${BUILTINS[@]}"; do
		run corral profile show "$name"
		expect_status 0
		[ -n "$(shown 'd["description"]')" ]
		shown 'd["applied"]' | grep -qx "profiles/$name.json (built-in)"
		# A copy: a checkout's group-writable mode would be refused.
		install -m 0644 "$BATS_TEST_DIRNAME/../profiles/$name.json" \
			"$SCRATCH/$name.json"
		run corral profile validate "$SCRATCH/$name.json"
		expect_status 0
	done
}

@test "profile validate exits 0 when every file is valid, 125 otherwise" {
	write_profile good <<<'{ "extends": "node", "workdir": "ro" }'
	write_profile bad <<<'{ "workdir": "rw", "colour": "blue" }'

	run corral profile validate "$PROFILES/good.json"
	expect_status 0
	expect_output "$PROFILES/good.json: valid"

	run corral profile validate "$PROFILES/bad.json"
	expect_status 125
	expect_output "$PROFILES/bad.json:1:20: unknown key 'colour'"

	run corral profile validate "$PROFILES/good.json" "$PROFILES/bad.json"
	expect_status 125
	expect_output "$PROFILES/good.json: valid"
	expect_output "unknown key 'colour'"

	cp "$PROFILES/good.json" ./local.json
	run corral profile validate ./local.json
	expect_status 0

	run corral profile validate good
	expect_status 125
	expect_output "'good' is not a file name"
	run corral profile validate
	expect_status 125
	run corral profile validate "$PROFILES/missing.json"
	expect_status 125
}

@test "-p with flags: the flags add to the profile, and scalar flags override it" {
	mkdir -p "$SCRATCH/a" "$SCRATCH/b"
	echo "file of a" >"$SCRATCH/a/f"
	echo "file of b" >"$SCRATCH/b/f"
	write_profile withflags <<EOF
{
  "filesystem": { "read": ["$SCRATCH/a"] },
  "env": { "keep": ["A_TOKEN"] },
  "limits": { "timeout": 1 }
}
EOF
	export A_TOKEN=secret-a B_TOKEN=secret-b

	run corral run -p withflags --read "$SCRATCH/b" --keep-env B_TOKEN \
		-- sh -c 'cat "$1/a/f" "$1/b/f"; echo "kept: ${A_TOKEN:-no} ${B_TOKEN:-no}"' sh "$SCRATCH"
	expect_status 0
	expect_output "$(printf 'file of a\nfile of b')"
	expect_output "kept: secret-a secret-b"

	run corral run -p withflags -- sh -c 'cat "$1/b/f"; echo "kept: ${A_TOKEN:-no} ${B_TOKEN:-no}"' sh "$SCRATCH"
	refute_output "file of b"
	expect_output "kept: secret-a no"

	# The profile's timeout ends a slow command; --timeout overrides it.
	run corral run -p withflags -- sleep 3
	expect_status 124
	run corral run -p withflags --timeout 30 -- sh -c 'sleep 2 && touch ran'
	expect_status 0
	expect_ran

	# Two profiles and a flag: all three grants.
	write_profile other <<EOF
{ "filesystem": { "read": ["$SCRATCH/b"] } }
EOF
	run corral run -p withflags -p other --timeout 30 -- cat "$SCRATCH/a/f" "$SCRATCH/b/f"
	expect_status 0
	expect_output "file of b"
}

@test "a grant of exactly a denied path lifts it; a grant inside it is an error" {
	write_profile sshdir <<<'{ "filesystem": { "read": ["~/.ssh"] } }'
	write_profile sshkey <<<'{ "filesystem": { "read": ["~/.ssh/id_ed25519"] } }'

	run corral run -- cat "$HOME/.ssh/id_ed25519"
	expect_failure
	refute_output CANARY
	run corral run -p sshdir -- cat "$HOME/.ssh/id_ed25519"
	expect_status 0
	expect_output "CANARY-.ssh-id_ed25519"
	run corral profile show sshdir
	[ "$(shown 'd["filesystem"]["lifted"]')" = "$HOME/.ssh" ]
	shown 'd["filesystem"]["read"]' | grep -qx "$HOME/.ssh"
	[ -z "$(shown 'd["filesystem"]["deny"]' | grep -x "$HOME/.ssh")" ]

	run corral run -p sshkey -- touch "$PROJECT/ran"
	expect_status 125
	expect_output "profile sshkey '~/.ssh/id_ed25519' lies inside denied '~/.ssh'"
	refute_exists "$PROJECT/ran"

	# The lift is of that path only: the other credentials stay denied.
	run corral run -p sshdir --allow "$HOME" -- sh -c "$(canary_probe)"
	expect_output "LEAK: .ssh/id_ed25519"
	[ "$(grep -c LEAK <<<"$output")" -eq 1 ]
	canaries_intact
}

@test "a write grant of exactly a protected path lifts it" {
	echo "# rc" >"$HOME/.bashrc"
	write_profile rc <<<'{ "filesystem": { "allow": ["~/.bashrc"] } }'
	write_profile rcread <<<'{ "filesystem": { "read": ["~/.bashrc"] } }'

	run corral run --allow "$HOME" -- sh -c 'echo evil >>"$HOME/.bashrc"'
	expect_failure
	run corral run -p rcread --allow "$HOME" -- sh -c 'echo evil >>"$HOME/.bashrc"'
	expect_failure
	expect_file "$HOME/.bashrc" "# rc"

	run corral run -p rc -- sh -c 'echo edited >>"$HOME/.bashrc"'
	expect_status 0
	expect_file "$HOME/.bashrc" "$(printf '# rc\nedited')"
}

@test "an agent's credentials are denied by default and lifted by its own profile only" {
	mkdir -p "$HOME/.claude" "$HOME/.codex"
	echo "CANARY-claude-oauth" >"$HOME/.claude/.credentials.json"
	echo "CANARY-codex-auth" >"$HOME/.codex/auth.json"
	echo "claude settings" >"$HOME/.claude/settings.json"

	run corral run --allow "$HOME" -- cat "$HOME/.claude/settings.json"
	expect_status 0
	run corral run --allow "$HOME" -- cat "$HOME/.claude/.credentials.json"
	expect_failure
	refute_output CANARY
	run corral run --allow "$HOME" -- cat "$HOME/.codex/auth.json"
	expect_failure
	refute_output CANARY

	run corral run -p claude-code -- cat "$HOME/.claude/.credentials.json"
	expect_status 0
	expect_output CANARY-claude-oauth
	run corral run -p claude-code -- cat "$HOME/.codex/auth.json"
	expect_failure
	refute_output CANARY
	run corral run -p codex -- cat "$HOME/.claude/.credentials.json"
	expect_failure
	refute_output CANARY
}

@test "env: keep, set and remove add to the built-in scrubbing" {
	write_profile envp <<'EOF'
{
  "env": {
    "keep": ["MY_API_KEY"],
    "set": { "GREETING": "hello" },
    "remove": ["COMPANY_*"]
  }
}
EOF
	export MY_API_KEY=kept OTHER_API_KEY=other COMPANY_HOST=c PLAIN=p

	run corral run -p envp -- env
	expect_status 0
	expect_output "MY_API_KEY=kept"
	expect_output "GREETING=hello"
	expect_output "PLAIN=p"
	refute_output "OTHER_API_KEY"
	refute_output "COMPANY_HOST"

	run corral run -- env
	expect_status 0
	refute_output "MY_API_KEY"
	refute_output "GREETING"
	expect_output "COMPANY_HOST=c"
}

@test "network: off forbids internet sockets, on allows them" {
	local probe='import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM); print("socket made")'

	write_profile netoff <<<'{ "network": "off" }'
	write_profile neton <<<'{ "extends": "netoff", "network": "on" }'

	run corral run -p netoff -- /usr/bin/python3 -c "$probe"
	expect_failure
	refute_output "socket made"
	run corral run -p neton -- /usr/bin/python3 -c "$probe"
	expect_status 0
	expect_output "socket made"
}

@test "commands: a profile lifts a block by name, or adds one" {
	write_profile mayrm <<<'{ "commands": { "allow": ["rm"] } }'
	write_profile nocat <<<'{ "commands": { "block": ["cat"] } }'
	touch doomed

	run corral run -- rm doomed
	expect_status 126
	[ -e doomed ]
	run corral run -p mayrm -- rm doomed
	expect_status 0
	refute_exists doomed

	echo "text" >note
	run corral run -- cat note
	expect_status 0
	run corral run -p nocat -- cat note
	expect_status 126
	refute_output text
}

# The loader's hints list the keys it knows; the schema and the guide
# must know the same ones, or they have drifted from the parser.
@test "docs/profile.schema.json and docs/profiles.md know every key the loader knows" {
	local scope json keys schema word
	local docs=$BATS_TEST_DIRNAME/../docs

	for scope in "" filesystem network commands env limits; do
		if [ -z "$scope" ]; then
			json='{ "bogus": 1 }'
		else
			json="{ \"$scope\": { \"bogus\": 1 } }"
		fi
		write_profile keys <<<"$json"
		run corral profile validate "$PROFILES/keys.json"
		expect_status 125
		keys=$(sed -n 's/^hint: \([a-z]* \)\{0,1\}keys: //p' <<<"$output" |
			tr ' ' '\n' | sort)
		[ -n "$keys" ]
		schema=$(/usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
node = s["properties"].get(sys.argv[2], s) if sys.argv[2] else s
if "oneOf" in node:
    node = next(n for n in node["oneOf"] if n.get("type") == "object")
print("\n".join(sorted(node["properties"])))' "$docs/profile.schema.json" "$scope")
		if [ "$keys" != "$schema" ]; then
			printf 'keys of "%s": the loader knows\n%s\nthe schema\n%s\n' \
				"$scope" "$keys" "$schema" >&2
			return 1
		fi
		for word in $keys; do
			grep -q "\`\(${scope:+$scope.}\)\{0,1\}$word\`" "$docs/profiles.md" || {
				echo "docs/profiles.md does not describe '$scope $word'" >&2
				return 1
			}
		done
	done
}
