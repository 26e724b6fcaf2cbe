#!/usr/bin/env bash
# The generic class (emc compile MODEL) against the specialized one (--set D=…): seconds per E-step
# pass and their ratio, same rows, same parameters, one JVM (bench/GenericBench.java).
# usage: bench/generic-bench.sh [ROWS] [ROUNDS]   run from the checkout's top
set -euo pipefail
rows=${1:-1000000}; rounds=${2:-10}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
bin/emc --version >/dev/null            # builds the jar when it is missing
jar=emc-cli/target/emc.jar
for spec in gmm:2 gmm:10 gmm-diagonal:2 gmm-diagonal:10; do
  model=${spec%:*}; d=${spec#*:}
  mkdir -p "$tmp/$model-$d/g" "$tmp/$model-$d/s"
  bin/emc compile "examples/$model.model" -o "$tmp/$model-$d/g" >/dev/null
  bin/emc compile "examples/$model.model" --set "D=$d" -o "$tmp/$model-$d/s" >/dev/null
  class=$(basename "$tmp/$model-$d/g"/*.java .java)
  javac -cp "$jar" -d "$tmp/$model-$d/g" "$tmp/$model-$d/g/$class.java"
  javac -cp "$jar" -d "$tmp/$model-$d/s" "$tmp/$model-$d/s/$class.java"
  java -cp "$jar" bench/GenericBench.java "$tmp/$model-$d/g" "$tmp/$model-$d/s" "$class" "$d" "$rows" "$rounds"
done
