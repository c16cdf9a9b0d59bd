#!/usr/bin/env bash
# Times the student loop: after a one-line edit, `checker check EXERCISE` against a plain
# `cargo test` of the same crate (target: at most 1.3 times as long), and a warm
# `checker check --all --solution` (target: under 60 s). Runs on a copy of the course
# (or of the checker's fixture course while the course has no exercises) in
# target/bench-checker/, with one shared build folder, as students have it.
set -euo pipefail
cd "$(dirname "$0")/.."
ws=$(pwd)
runs=${RUNS:-5}
work="$ws/target/bench-checker"
export NO_COLOR=1

cargo build -q --release -p checker
checker="${CARGO_TARGET_DIR:-$ws/target}/release/checker"
export CARGO_TARGET_DIR="$work/target"

rm -rf "$work/course"
mkdir -p "$work"
if grep -q '^\[\[exercise\]\]' checker/catalog.toml; then
  mkdir -p "$work/course"
  git archive HEAD | tar -x -C "$work/course"
else
  echo "the course has no exercises yet: timing the checker's fixture course"
  cp -r checker/tests/fixtures/course "$work/course"
  cat > "$work/course/Cargo.toml" <<TOML
[workspace]
resolver = "3"
members = ["exercises/*", "solutions/*"]

[workspace.package]
edition = "2024"

[workspace.dependencies]
suite-harness = { path = "$ws/harness" }
testkit = { path = "$ws/testkit" }
tokio = { version = "1.48", features = ["macros", "rt", "rt-multi-thread", "sync", "time", "test-util"] }
pretty_assertions = "1.4"

# The course's own build settings.
[profile.dev]
debug = "line-tables-only"
TOML
  cp Cargo.lock "$work/course/Cargo.lock"
fi
course="$work/course"
exercise=$(sed -n 's/^name = "\(.*\)"/\1/p' "$course/checker/catalog.toml" | head -1)
package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$course/exercises/$exercise/Cargo.toml" | head -1)
lib=$(find "$course/exercises/$exercise/src" -name lib.rs | head -1)
echo "exercise $exercise (package $package), $runs runs each"

now() { date +%s.%N; }
edit() { echo "// edit $RANDOM" >> "$lib"; }

# Warm both paths once.
(cd "$course" && cargo test -q -p "$package" >/dev/null 2>&1) || true
"$checker" --course "$course" check "$exercise" >/dev/null || true

plain=()
check=()
for _ in $(seq "$runs"); do
  edit
  t0=$(now); (cd "$course" && cargo test -q -p "$package" >/dev/null 2>&1) || true; t1=$(now)
  plain+=("$(echo "$t1 - $t0" | bc)")
  edit
  t0=$(now); "$checker" --course "$course" check "$exercise" >/dev/null || true; t1=$(now)
  check+=("$(echo "$t1 - $t0" | bc)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mp=$(median "${plain[@]}")
mc=$(median "${check[@]}")
echo "after a one-line edit: cargo test -p $package median ${mp}s, checker check $exercise median ${mc}s, ratio $(echo "scale=2; $mc / $mp" | bc) (target <= 1.3)"

"$checker" --course "$course" check --all --solution >/dev/null || true
t0=$(now); "$checker" --course "$course" check --all --solution >/dev/null || true; t1=$(now)
echo "warm checker check --all --solution: $(echo "$t1 - $t0" | bc)s (target < 60)"
