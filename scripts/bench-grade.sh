#!/usr/bin/env bash
# Times `checker grade` on a class of full-course submissions (target: 40 in under 10
# minutes on a 2-core machine). The class, in target/bench-grade/submissions, mixes
# finished courses, untouched skeletons and courses with some exercises left undone, as
# folders, zip and tar.gz archives; every fifth finished course has a quorum without the
# read's write-back (a failed history check, drawn as a page), and a roster maps every
# student for the Canvas and Moodle imports. The course's dependencies are built before
# the clock starts, as they are once per machine. Usage: scripts/bench-grade.sh [COUNT] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-40}
jobs=${2:-$(nproc)}
work="$(pwd)/target/bench-grade"
export NO_COLOR=1

cargo build -q --release -p checker --features grade
checker="${CARGO_TARGET_DIR:-$(pwd)/target}/release/checker"

rm -rf "$work"
mkdir -p "$work/submissions" "$work/build"
echo "submission,name,canvas_id,sis_user_id,sis_login_id,section,email,idnumber" > "$work/roster.csv"
exercises=$(sed -n 's/^name = "\(.*\)"/\1/p' checker/catalog.toml)
for i in $(seq -w 1 "$count"); do
  sub="$work/build/student-$i"
  mkdir -p "$sub/exercises"
  n=0
  for exercise in $exercises; do
    n=$((n + 1))
    # Every fourth student left everything; the others left exercise (i mod 7) undone.
    if [ $((10#$i % 4)) -eq 0 ] || [ $((10#$i % 7 + 1)) -eq "$n" ]; then
      cp -r "checker/skeletons/$exercise" "$sub/exercises/$exercise"
    else
      cp -r "solutions/$exercise" "$sub/exercises/$exercise"
    fi
  done
  # Every fifth student's quorum skips the read's write-back: a failed history check,
  # which the gradebook draws as a page.
  if [ $((10#$i % 5)) -eq 0 ] && [ -d "$sub/exercises/01_linearizable/src" ] &&
    ! grep -q 'todo!' "$sub/exercises/01_linearizable/src/quorum.rs"; then
    cp checker/tests/fixtures/wrong/01_linearizable/read_without_write_back/src/quorum.rs \
      "$sub/exercises/01_linearizable/src/quorum.rs"
  fi
  echo "student-$i,Student $i,$((1000 + 10#$i)),S$i,student$i,Lab $((10#$i % 2 + 1)),student$i@example.edu,N-$i" >> "$work/roster.csv"
  case $((10#$i % 3)) in
    0) (cd "$work/build" && zip -qr "$work/submissions/student-$i.zip" "student-$i") ;;
    1) tar -czf "$work/submissions/student-$i.tar.gz" -C "$work/build" "student-$i" ;;
    *) mv "$sub" "$work/submissions/" ;;
  esac
done

# The dependencies, once, outside the timing.
warm="$work/warm"
mkdir -p "$warm/none"
"$checker" grade "$warm/none" --out "$warm/out" > /dev/null 2>&1 || true

echo "grading $count submissions with --jobs $jobs"
start=$(date +%s.%N)
"$checker" grade "$work/submissions" --out "$work/gradebook" --jobs "$jobs" --roster "$work/roster.csv" > "$work/summary.txt"
end=$(date +%s.%N)
# The points each submission got, and how many got them.
awk -F, 'NR > 1 { total[$1] += $4 } END { for (s in total) print total[s] }' \
  "$work/gradebook/grades.csv" | sort -n | uniq -c | awk '{ printf "%s submissions with %s points\n", $1, $2 }'
# What the class files hold: the report, the history pages, similarity and the imports.
pages=$(find "$work/gradebook/pages" -name '*.html' 2>/dev/null | wc -l)
printf 'report.html %s bytes; %s history page(s); %s similar pair(s); canvas.csv %s rows; moodle.csv %s rows\n' \
  "$(wc -c < "$work/gradebook/report.html")" "$pages" \
  "$(($(wc -l < "$work/gradebook/similarity.csv") - 1))" \
  "$(($(wc -l < "$work/gradebook/canvas.csv") - 2))" "$(($(wc -l < "$work/gradebook/moodle.csv") - 1))"
awk -v s="$start" -v e="$end" -v n="$count" \
  'BEGIN { t = e - s; printf "%d submissions in %.1f s (%.1f s each, %.1f min in all)\n", n, t, t / n, t / 60 }'

start=$(date +%s.%N)
"$checker" grade "$work/submissions" --out "$work/gradebook" --jobs "$jobs" --roster "$work/roster.csv" > /dev/null 2>&1
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "a second run, which keeps every record: %.1f s\n", e - s }'
