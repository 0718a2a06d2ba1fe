# corral for zsh.  In ~/.zshrc:  eval "$(corral hook zsh)"
# Typing a configured agent's name runs it confined under its profile;
# `command NAME` runs it unconfined: bypassing is always the user's own act.

typeset -g __corral_bin=@CORRAL@

# The in-process module when it is installed, the corral binary otherwise.
# zsh reads module_path, never MODULE_PATH from the environment.
if (( ! ${module_path[(Ie)@ZSH_MODULE_DIR@]} )); then
	module_path+=(@ZSH_MODULE_DIR@)
fi
if zmodload corral/sandbox 2>/dev/null; then
	typeset -g __corral_mode=builtin
else
	typeset -g __corral_mode=binary
fi

# __corral_run PROFILE COMMAND [ARG...]: COMMAND confined under PROFILE.
# The module keeps the plan in this shell, so `sandbox run` confines each
# call with the kernel calls alone; `command` runs the program, not the
# function of the same name, which would run this again.
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

__corral_chpwd()
{
	typeset -g CORRAL_PROJECT_POLICY
	CORRAL_PROJECT_POLICY=$(command "$__corral_bin" trust --check 2>&2)
}

# For PS1 (with prompt_subst): "[corral] " inside a sandbox,
# "[corral:PROJECT] " under a trusted project policy, PROJECT being the
# directory that holds it.
corral_prompt()
{
	if [[ -n ${CORRAL_SANDBOX-} ]]; then
		print -n '[corral] '
	elif [[ -n ${CORRAL_PROJECT_POLICY-} ]]; then
		print -rn -- "[corral:${${CORRAL_PROJECT_POLICY:h}:t}] "
	fi
}

autoload -Uz add-zsh-hook
add-zsh-hook chpwd __corral_chpwd
__corral_chpwd
