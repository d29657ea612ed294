# Bash completion for pqtrack, pqtrack-desk, pqtrack-notify and pqtrack-web.
# It asks the binary itself (its --help of the command typed so far), so it
# is always true to the binary's own subcommands and options.
#
#   source clients/completion/pqtrack.bash      # or install it as
#   /usr/share/bash-completion/completions/pqtrack (the Docker image does)

_pqtrack_help() {  # _pqtrack_help BINARY [COMMAND...]
  "$@" --help 2>/dev/null
}

_pqtrack_subcommands() {  # from a --help text on stdin
  awk '/^Subcommands:/ { s = 1; next } s && /^  [a-z]/ { print $1 } /^$/ { s = 0 }'
}

_pqtrack_complete() {
  local bin=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
  local -a path=()
  local help word i
  help=$(_pqtrack_help "$bin")
  # The words typed so far that name subcommands, in order: option values
  # and positional arguments are not subcommands and are skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    [[ $word == -* ]] && continue
    if printf '%s\n' "$help" | _pqtrack_subcommands | grep -qx -- "$word"; then
      path+=("$word")
      help=$(_pqtrack_help "$bin" "${path[@]}")
    fi
  done
  local words
  if [[ $cur == -* ]]; then
    words=$(printf '%s\n' "$help" |
      grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | tr -d ' ,' | sort -u)
  else
    words=$(printf '%s\n' "$help" | _pqtrack_subcommands)
  fi
  # shellcheck disable=SC2207
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -o default -F _pqtrack_complete pqtrack pqtrack-desk pqtrack-notify \
  pqtrack-web
