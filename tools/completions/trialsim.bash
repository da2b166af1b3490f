# bash completion for trialsim (installed by cmake --install into
# share/bash-completion/completions/trialsim; or source this file).
# The option lists follow `trialsim COMMAND --help`; tests/install_check.sh checks that they agree.

_trialsim_options() {
  case "$1" in
    run) echo "-o --output --replicates --seed --threads --keep-patients --shard -q --quiet --format --set -h --help" ;;
    check) echo "--set -h --help" ;;
    boundaries) echo "--set --format -h --help" ;;
    show) echo "--scenario --format -h --help" ;;
    merge) echo "-o --output -q --quiet -h --help" ;;
    design) echo "--simulate --format --threads --set -h --help" ;;
    solve) echo "--target-power --for --range --replicates --seed --threads -q --quiet --format --set -h --help" ;;
  esac
}

_trialsim() {
  local current=${COMP_WORDS[COMP_CWORD]}
  local previous=${COMP_WORDS[COMP_CWORD-1]}
  local commands="run check boundaries show merge design solve"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands -h --help --version" -- "$current"))
    return 0
  fi
  local command=${COMP_WORDS[1]}
  case "$previous" in
    --format) COMPREPLY=($(compgen -W "table csv json" -- "$current")); return 0 ;;
    -o|--output) COMPREPLY=($(compgen -f -X '!*.h5' -- "$current") $(compgen -d -- "$current")); return 0 ;;
    --replicates|--seed|--threads|--keep-patients|--shard|--scenario|--simulate|--target-power|--range|--set|--for)
      COMPREPLY=(); return 0 ;;
  esac
  if [[ $current == -* ]]; then
    COMPREPLY=($(compgen -W "$(_trialsim_options "$command")" -- "$current"))
    return 0
  fi
  case "$command" in
    show|merge) COMPREPLY=($(compgen -f -X '!*.h5' -- "$current") $(compgen -d -- "$current")) ;;
    *) COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$current") $(compgen -d -- "$current")) ;;
  esac
  return 0
}

complete -o filenames -F _trialsim trialsim
