# bash completion for corral and the sandbox builtin.

__corral_subcommands="run shell why status check profile trust untrust hook"
__corral_options="--allow --read --write --deny --protect --no-cwd --no-net
--allow-port --allow-bind --allow-socket --allow-ptrace --block-command
--allow-command --keep-env --set-env --limit --timeout --profile --dry-run
--verbose --quiet --force --help"

__corral_profiles()
{
	command corral profile list 2>/dev/null | while read -r name _; do
		printf '%s\n' "$name"
	done
}

# Replies are read a line each, never split on blanks nor globbed: a
# file name may hold either.  Files are quoted when readline inserts them.
__corral_reply()
{
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen "$@")
}

__corral_files()
{
	__corral_reply -f -- "$1"
	compopt -o filenames 2>/dev/null
}

# Complete the word at COMP_CWORD for `corral ...` (first=1) or
# `sandbox ...` (first=1 too: bare options are allowed there).
_corral()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local sub=${COMP_WORDS[1]-}

	COMPREPLY=()
	case $prev in
	-a|--allow|-r|--read|-w|--write|--deny|--protect|--allow-socket)
		__corral_files "$cur"
		return
		;;
	-p|--profile)
		__corral_reply -W "$(__corral_profiles)" -- "$cur"
		return
		;;
	--block-command|--allow-command)
		__corral_reply -c -- "$cur"
		return
		;;
	esac
	if (( COMP_CWORD == 1 )); then
		__corral_reply -W "$__corral_subcommands --help --version" -- "$cur"
		[[ ${COMP_WORDS[0]} == sandbox ]] &&
			__corral_reply -W "$__corral_options" -- "$cur"
		return
	fi
	case $sub in
	profile)
		if (( COMP_CWORD == 2 )); then
			__corral_reply -W "list show validate" -- "$cur"
		elif [[ ${COMP_WORDS[2]} == show ]]; then
			__corral_reply -W "$(__corral_profiles)" -- "$cur"
		else
			__corral_files "$cur"
		fi
		return
		;;
	hook)
		__corral_reply -W "bash zsh" -- "$cur"
		return
		;;
	trust|untrust)
		__corral_reply -W "--yes --list" -- "$cur"
		__corral_files "$cur"
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		__corral_reply -W "$__corral_options" -- "$cur"
	elif [[ $sub == run ]]; then
		__corral_reply -c -- "$cur"
	else
		__corral_files "$cur"
	fi
}

complete -F _corral corral sandbox
