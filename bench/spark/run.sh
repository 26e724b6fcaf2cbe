#!/usr/bin/env bash
# emc on Spark against MLlib's GaussianMixture in one local[2] session (BENCHMARKS.md, "On Spark").
# Usage: bench/spark/run.sh [ROWS [ITERATIONS [timing]]]   (default 1000000 rows, 5 timed iterations;
# "timing": the seconds per iteration alone). The driver's heap (local[2]: the executors' too) is
# EMC_BENCH_HEAP, default 8g: at 1M × 10 the rows are held four times (Spark's cache, MLlib's
# vectors, emc's blocks, the driver's start sample).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[[ -f emc-spark/target/bench-classpath.txt ]] || mvn -B -q -DskipTests package -pl emc-spark -am
cp="emc-spark/target/emc-spark-0.1.0.jar:$(cat emc-spark/target/bench-classpath.txt)"
mkdir -p target/spark-bench
javac -nowarn -d target/spark-bench -cp "$cp" bench/spark/SparkBench.java
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=(--add-opens="java.base/$p=ALL-UNNAMED")
done
exec java "${opens[@]}" -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -Dlog4j2.configurationFile="$root/emc-spark/log4j2.properties" -Xmx"${EMC_BENCH_HEAP:-8g}" \
  -cp "target/spark-bench:$cp" SparkBench "$@"
