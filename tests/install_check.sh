#!/usr/bin/env bash
# Installs trialsim into a temporary prefix (cmake --install BUILD --prefix DIR) and
# checks what a user gets: the program runs from there, the man page renders
# without warnings and documents every option of every command, and the bash (and,
# where zsh exists, zsh) completion loads and completes commands, options and
# --format values; the bash completion offers every option that --help lists.
#
#   install_check.sh BUILD_DIR WORK_DIR
set -uo pipefail
build=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
export LC_ALL=C
passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: $what"; failed=$((failed + 1)); fi
}

if ! cmake --install "$build" --prefix "$prefix" > "$work/install.log" 2>&1; then
  cat "$work/install.log"
  echo "0 passed, 1 failed"
  exit 1
fi
program="$prefix/bin/trialsim"
page="$prefix/share/man/man1/trialsim.1"
bash_completion="$prefix/share/bash-completion/completions/trialsim"
zsh_completion="$prefix/share/zsh/site-functions/_trialsim"
check "the program is installed" test -x "$program"
check "the man page is installed" test -f "$page"
check "the bash completion is installed" test -f "$bash_completion"
check "the zsh completion is installed" test -f "$zsh_completion"
check "the installed program runs" bash -c "'$program' --version | grep -q '^trialsim [0-9]'"

commands="run check boundaries show merge design solve"
# Every option of a command, as its --help lists them (-o, --output, ...).
options_of() {
  "$program" "$1" --help | grep -E '^ +-' | awk '{print $1}' | tr ',' '\n' | sort -u
}

if command -v man > /dev/null; then
  MANPAGER=cat MANWIDTH=100 man --warnings -l "$page" > "$work/man.txt" 2> "$work/man_warnings.txt"
  check "man -l renders the page" test -s "$work/man.txt"
  check "man -l renders the page without warnings ($(cat "$work/man_warnings.txt"))" test ! -s "$work/man_warnings.txt"
  for command in $commands; do
    check "the man page names the command $command" grep -q "trialsim $command" "$work/man.txt"
    for option in $(options_of "$command"); do
      [[ $option == -h || $option == --help ]] && continue
      check "the man page documents $command $option" grep -q -- "$option" "$work/man.txt"
    done
  done
else
  echo "man is not installed: the page is not rendered"
fi

# bash: load the completion as bash-completion would, and complete as a user types.
complete_words() { # the words of a command line, the last one being completed
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _trialsim; echo "${COMPREPLY[*]}"' \
    _ "$bash_completion" "$@"
}
check "bash completes 'trialsim r' to run" test "$(complete_words trialsim r)" = run
check "bash completes 'trialsim so' to solve" test "$(complete_words trialsim so)" = solve
check "bash completes 'trialsim run --rep' to --replicates" test "$(complete_words trialsim run --rep)" = --replicates
check "bash completes --format values" test "$(complete_words trialsim show x.h5 --format '')" = "table csv json"
for command in $commands; do
  offered=" $(complete_words trialsim "$command" -) "
  for option in $(options_of "$command"); do
    check "bash offers $command $option" grep -q -- " $option " <<< "$offered"
  done
done

if command -v zsh > /dev/null; then
  check "the zsh completion parses" zsh -n "$zsh_completion"
  check "zsh loads the completion" zsh -fc "fpath=('$prefix/share/zsh/site-functions' \$fpath); autoload -Uz compinit; compinit -u -d '$work/zcompdump'; autoload -Uz +X _trialsim && whence -w _trialsim | grep -q function"
else
  echo "zsh is not installed: its completion is not loaded"
fi

echo "$passed passed, $failed failed"
test "$failed" -eq 0
