# corral for bash.  In ~/.bashrc:  eval "$(corral hook bash)"
# Typing a configured agent's name runs it confined under its profile;
# `command NAME` runs it unconfined: bypassing is always the user's own act.

__corral_bin=@CORRAL@

# The in-process builtin when it is installed, the corral binary otherwise.
if enable -f @BASH_BUILTIN@ sandbox 2>/dev/null || [[ $(type -t sandbox) == builtin ]]; then
	__corral_mode=builtin
else
	__corral_mode=binary
fi

# __corral_run PROFILE COMMAND [ARG...]: COMMAND confined under PROFILE,
# its exit status, stdin, Ctrl-C and Ctrl-Z passing through.  The builtin
# keeps the plan in this shell, so `sandbox run` confines each call with
# the kernel calls alone; `command` runs the program, not this wrapper.
__corral_run()
{
	local __corral_profile=$1
	shift
	if [[ $__corral_mode == builtin ]]; then
		builtin sandbox run -q -p "$__corral_profile" -- command "$@"
	else
		command "$__corral_bin" run -q -p "$__corral_profile" -- "$@"
	fi
}

# Say once per directory when the nearest .corral.json is not (or no
# longer) trusted; remember the trusted one for the prompt.  The status
# of the command typed is kept for the PROMPT_COMMAND run after this.
__corral_chpwd()
{
	local __corral_status=$?

	if [[ $PWD != "${__corral_last_pwd-}" ]]; then
		__corral_last_pwd=$PWD
		CORRAL_PROJECT_POLICY=$(command "$__corral_bin" trust --check)
	fi
	return "$__corral_status"
}

# For PS1: "[corral] " inside a sandbox, "[corral:PROJECT] " under a
# trusted project policy, PROJECT being the directory that holds it.
corral_prompt()
{
	local policy_dir

	if [[ -n ${CORRAL_SANDBOX-} ]]; then
		printf '[corral] '
	elif [[ -n ${CORRAL_PROJECT_POLICY-} ]]; then
		policy_dir=${CORRAL_PROJECT_POLICY%/*}
		printf '[corral:%s] ' "${policy_dir##*/}"
	fi
}

# Run on every prompt without taking the user's PROMPT_COMMAND away.
if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == "declare -a"* ]]; then
	[[ " ${PROMPT_COMMAND[*]} " == *" __corral_chpwd "* ]] ||
		PROMPT_COMMAND+=(__corral_chpwd)
elif [[ ${PROMPT_COMMAND-} != *__corral_chpwd* ]]; then
	PROMPT_COMMAND="__corral_chpwd${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
