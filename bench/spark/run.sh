#!/usr/bin/env bash
# emc on Spark against MLlib's GaussianMixture in one local[2] session (BENCHMARKS.md, "On Spark").
# Usage: bench/spark/run.sh [ROWS [ITERATIONS]]   (default 1000000 rows, 5 timed iterations)
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
  -Dlog4j2.configurationFile="$root/emc-spark/log4j2.properties" -Xmx8g \
  -cp "target/spark-bench:$cp" SparkBench "$@"
