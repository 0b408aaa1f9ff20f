#!/usr/bin/env bash
# Mutation check of the model (src/tcp, src/ports, src/findings): cargo-mutants changes one
# function or operator at a time and runs the tests that can see these modules; a mutant the
# tests do not catch is a behaviour nobody checks.
#
#   scripts/mutants.sh [BASE]            only the lines changed since BASE (default: main)
#   scripts/mutants.sh --full            every mutant of the three directories (hours on 2 cores)
#   scripts/mutants.sh --file F [...]    every mutant of the files named (each after --file)
#   scripts/mutants.sh ... -- ARGS       extra arguments for cargo mutants (--iterate, --list...)
#
# Results land in mutants.out/ (missed.txt, caught.txt, outcomes.json); docs/mutants.md has the
# last full run's figures and the survivors judged harmless.
#
# Why it is shaped so:
# - --no-default-features: the desktop app (and its slow GUI tests) stays out; the library and
#   the CLI are what the three directories feed.
# - --profile mutants (Cargo.toml): the test profile without debug info, cheaper to rebuild and
#   link a thousand times.
# - the tests: the library's unit tests and the integration tests that read samples/ and
#   ../shared through the tracker, the port model and the findings. The other test files check
#   decoding, the book, the app or the GUI and never fail for a mutant here.
# - --in-place: the tests read ../shared beside this tree, which a copy in /tmp would not have.
#   Do not edit the tree while it runs; cargo-mutants puts each mutated file back.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=diff
base=main
files=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --full) mode=full ;;
    --file) mode=files; files+=(-f "$2"); shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) base="$1" ;;
  esac
  shift
done

# Test binaries that can catch a mutant of the model; each one more is linked for every mutant.
# All of them together run in about 15 s; the rebuild is most of a mutant's time.
tests=(--lib
  --test samples_teach --test findings --test tracker_captures --test pipeline_equivalence
  --test parallel_connections --test zeek_dev --test report_json --test cli --test report_lang
  --test pool_map_cli --test tours --test encapsulations --test grouped_findings)

scope=(-f 'src/tcp/**' -f 'src/ports/**' -f 'src/findings/**')
args=(--in-place --no-default-features --profile mutants
  --timeout 120 --build-timeout 600)

case "$mode" in
  full) ;;
  files) scope=("${files[@]}") ;;
  diff)
    diff_file=$(mktemp)
    trap 'rm -f "$diff_file"' EXIT
    git diff "$(git merge-base "$base" HEAD)" -- src/tcp src/ports src/findings >"$diff_file"
    if [ ! -s "$diff_file" ]; then
      echo "mutants: nothing changed in src/tcp, src/ports or src/findings since $base"
      exit 0
    fi
    args+=(--in-diff "$diff_file")
    ;;
esac

exec nice -n 19 cargo mutants "${args[@]}" "${scope[@]}" "${extra[@]}" -- "${tests[@]}"
