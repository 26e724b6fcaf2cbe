#!/usr/bin/env bash
# Whole-command timing of `emc fit` on a large file, before vs after: median of N alternating runs
# of wall time and of the load time the fit's JSON records (timing.loadSeconds).
set -euo pipefail
before=$1; after=$2; data=$3; n=${4:-5}
model="$(dirname "$0")/../examples/gmm.model"
for i in $(seq "$n"); do
  for which in before after; do
    jar=${!which}
    s=$(date +%s.%N)
    java -jar "$jar" fit "$model" --data "$data" --max-iter 5 --tol 0 --out ${TMPDIR:-/tmp}/emc-read-bench-$which.json -q
    e=$(date +%s.%N)
    load=$(/usr/bin/python3 -c "import json;print(json.load(open('${TMPDIR:-/tmp}/emc-read-bench-$which.json'))['timing']['loadSeconds'])")
    echo "$which $(echo "$e - $s" | bc) $load"
  done
done | /usr/bin/python3 -c "
import sys, statistics as st
rows=[l.split() for l in sys.stdin]
med=lambda w,i: st.median(float(r[i]) for r in rows if r[0]==w)
for w in ('before','after'): print(w, 'wall %.3f s, load %.3f s' % (med(w,1), med(w,2)))
print('ratio after/before: wall %.3f, load %.3f' % (med('after',1)/med('before',1), med('after',2)/med('before',2)))
"
