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

# Complete the word at COMP_CWORD for `corral ...` (first=1) or
# `sandbox ...` (first=1 too: bare options are allowed there).
_corral()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local sub=${COMP_WORDS[1]-}

	case $prev in
	-a|--allow|-r|--read|-w|--write|--deny|--protect|--allow-socket)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return
		;;
	-p|--profile)
		COMPREPLY=($(compgen -W "$(__corral_profiles)" -- "$cur"))
		return
		;;
	--block-command|--allow-command)
		COMPREPLY=($(compgen -c -- "$cur"))
		return
		;;
	esac
	if (( COMP_CWORD == 1 )); then
		COMPREPLY=($(compgen -W "$__corral_subcommands --help --version" -- "$cur"))
		[[ ${COMP_WORDS[0]} == sandbox ]] &&
			COMPREPLY+=($(compgen -W "$__corral_options" -- "$cur"))
		return
	fi
	case $sub in
	profile)
		if (( COMP_CWORD == 2 )); then
			COMPREPLY=($(compgen -W "list show validate" -- "$cur"))
		elif [[ ${COMP_WORDS[2]} == show ]]; then
			COMPREPLY=($(compgen -W "$(__corral_profiles)" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
		;;
	hook)
		COMPREPLY=($(compgen -W "bash zsh" -- "$cur"))
		return
		;;
	trust|untrust)
		COMPREPLY=($(compgen -W "--yes --list" -f -- "$cur"))
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$__corral_options" -- "$cur"))
	elif [[ $sub == run ]]; then
		COMPREPLY=($(compgen -c -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

complete -F _corral corral sandbox
