#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image; the bundle
# is unpacked in /autograder/source. It installs bubblewrap and a Rust toolchain every
# user can read, builds the checker and the course's dependencies, and makes the hidden
# suites and the solutions readable by root alone.
#
# To try the scripts elsewhere: AUTOGRADER_ROOT moves /autograder; CHECKER_SKIP_INSTALL=1
# leaves out the packages and the toolchain (when they are already there); CHECKER_BIN
# names a checker already built.
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
source="$root/source"
here="$source/checker/autograder/gradescope"
toolchain=$(cat "$source/checker/autograder/TOOLCHAIN")

if [ "${CHECKER_SKIP_INSTALL:-0}" != 1 ]; then
  export RUSTUP_HOME=/usr/local/rustup
  export CARGO_HOME=/usr/local/cargo
  export PATH="$CARGO_HOME/bin:$PATH"
  apt-get update
  apt-get install -y --no-install-recommends bubblewrap build-essential ca-certificates curl
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
    sh -s -- -y --profile minimal --default-toolchain "$toolchain"
  # Without bubblewrap in Gradescope's container, submitted code runs as a user of its
  # own, which must be able to read the toolchain.
  chmod -R a+rX "$RUSTUP_HOME" "$CARGO_HOME"
fi

cd "$source"
checker=${CHECKER_BIN:-"${CARGO_TARGET_DIR:-$source/target}/debug/checker"}
if [ -z "${CHECKER_BIN:-}" ]; then
  cargo build --locked -p checker --features grade
fi

# Build the course's dependencies now, by grading an empty class: once per image, not
# once per submission.
warm=$(mktemp -d)
mkdir "$warm/submissions"
if ! "$checker" --course "$source" grade "$warm/submissions" --out "$warm/out" > /dev/null 2>&1; then
  "$checker" --course "$source" grade "$warm/submissions" --out "$warm/out" --no-sandbox > /dev/null
fi
rm -rf "$warm"

# What submitted code may read: the compiled dependencies. What it may not: the hidden
# suites (compiled as root, in a step that runs no submitted code) and the solutions.
chmod -R a+rX "${CARGO_TARGET_DIR:-$source/target}/checker/grade"
chmod 700 "$source/checker/suites" "$source/solutions"
if [ -n "$(. "$here/assignment.env"; echo "$PRIVATE_SUITE")" ]; then
  chmod 700 "$source/$(. "$here/assignment.env"; echo "$PRIVATE_SUITE")"
fi
echo "autograder ready: $("$checker" --version)"
