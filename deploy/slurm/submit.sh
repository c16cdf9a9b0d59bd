#!/bin/bash
# Queues the array, then the merge to run after every task of it succeeded. Run from
# the course's folder: deploy/slurm/submit.sh
set -euo pipefail
here="$(dirname "$0")"
array=$(sbatch --parsable "$here/grade.sbatch")
# --parsable prints "ID" or "ID;CLUSTER".
sbatch --dependency="afterok:${array%%;*}" "$here/merge.sbatch"
