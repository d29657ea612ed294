#!/bin/bash
# The bash completion script completes subcommands and options from the
# binaries themselves: run with the directories of pqtrack and pqtrack-desk.
set -u
cli_dir=$1 desk_dir=$2 script=$3
PATH=$cli_dir:$desk_dir:$PATH
# shellcheck source=/dev/null
source "$script"
failed=0
expect() {  # expect WORD LINE...: completing LINE offers WORD
  local want=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _pqtrack_complete
  if ! printf '%s\n' "${COMPREPLY[@]}" | grep -qx -- "$want"; then
    echo "FAIL: completing '$*' does not offer '$want' (got: ${COMPREPLY[*]:-nothing})"
    failed=1
  fi
}
expect item pqtrack it
expect route pqtrack item ro
expect update pqtrack item up
expect --dry-run pqtrack item route --batch 6 --dr
expect --session pqtrack item list --ses
expect --version pqtrack --vers
expect inbox pqtrack-desk in
# Option values are not taken for subcommands.
expect list pqtrack --server 127.0.0.1:1 item li
if [ "$failed" = 0 ]; then echo "completion: ok"; fi
exit "$failed"
