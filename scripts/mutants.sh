#!/usr/bin/env bash
# Mutation testing of the hidden suites: installs cargo-mutants into target/tools (once,
# a few minutes), then runs every mutant of the reference solutions named (all when none)
# through the exercise's hidden suite with `checker dev mutants`. A benchmark, not CI: it
# takes minutes per exercise. Reports land in target/mutants/NAME.md.
#
#   scripts/mutants.sh                      # every exercise
#   scripts/mutants.sh 01_linearizable      # one
set -euo pipefail
cd "$(dirname "$0")/.."
MUTANTS_VERSION=27.1.0
tool=target/tools/bin/cargo-mutants
if [ -z "${CARGO_MUTANTS:-}" ]; then
  if ! "$tool" mutants --version 2>/dev/null | grep -q "$MUTANTS_VERSION"; then
    echo "== installing cargo-mutants $MUTANTS_VERSION (a few minutes, once)"
    cargo install cargo-mutants --locked --version "$MUTANTS_VERSION" --root target/tools
  fi
  export CARGO_MUTANTS="$PWD/$tool"
fi
cargo build -q -p checker
exec target/debug/checker dev mutants "$@"
