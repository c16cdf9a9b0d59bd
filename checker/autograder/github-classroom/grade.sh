#!/usr/bin/env bash
# Grades one repository for GitHub Classroom: `grade.sh COURSE SUBMISSION` runs
# `checker grade` with COURSE's hidden suites on SUBMISSION's exercises, writes the
# summary table to the job summary, and sets the step output `result` that GitHub
# Classroom's grading reporter reads (base64 of checker's classroom/results.json).
#
# Outside GitHub Actions, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name files to write
# instead (standard output when unset). EXERCISES limits the exercises graded,
# CHECKER_GRADE_ARGS adds options to `checker grade`, CHECKER_BIN names a checker
# already built.
set -euo pipefail
course=$(cd "$1" && pwd)
submission=$(cd "$2" && pwd)
export NO_COLOR=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/submissions/student"
# Only the exercises: the rest of the repository (its target/, its .git) is not graded.
if [ -d "$submission/exercises" ]; then
  cp -r "$submission/exercises" "$work/submissions/student/exercises"
fi

checker=${CHECKER_BIN:-"${CARGO_TARGET_DIR:-$course/target}/debug/checker"}
if [ -z "${CHECKER_BIN:-}" ]; then
  (cd "$course" && cargo build --locked -q -p checker --features grade)
fi
args=(--course "$course" grade "$work/submissions" --out "$work/gradebook" --jobs 1)
for exercise in ${EXERCISES:-}; do args+=(--exercise "$exercise"); done
# shellcheck disable=SC2206 # options, split on purpose
args+=(${CHECKER_GRADE_ARGS:-})

status=0
"$checker" "${args[@]}" > "$work/summary.txt" || status=$?
results="$work/gradebook/submissions/student/classroom/results.json"
if [ ! -f "$results" ]; then
  echo "the checker could not grade this repository (exit code $status)" >&2
  exit 1
fi
{
  echo '```'
  cat "$work/summary.txt"
  echo '```'
} >> "${GITHUB_STEP_SUMMARY:-/dev/stdout}"
echo "result=$(base64 -w 0 < "$results")" >> "${GITHUB_OUTPUT:-/dev/stdout}"
exit "$status"
