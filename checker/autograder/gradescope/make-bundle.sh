#!/usr/bin/env bash
# Builds the Gradescope autograder bundle, target/gradescope-autograder.zip (or the file
# given as $1): the course's files as git knows them (tracked, or new and not ignored;
# nothing built), with setup.sh and run_autograder at the top of the zip, where
# Gradescope looks for them. Upload it as the assignment's autograder ("Zip file
# upload"). Edit assignment.env first.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=${1:-"${CARGO_TARGET_DIR:-$(pwd)/target}/gradescope-autograder.zip"}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do
    if [ -f "$file" ]; then
      mkdir -p "$stage/$(dirname "$file")"
      cp -p "$file" "$stage/$file"
    fi
  done
cp checker/autograder/gradescope/setup.sh checker/autograder/gradescope/run_autograder "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$stage" && zip -qr "$out" .)
echo "$out"
