#!/usr/bin/env bash
# Writes the float twins of the CPU backend's double code: Dense32.java from Dense64.java,
# CpuNet32.java from CpuNet64.java, VectorGemm32.java from VectorGemm64.java and LaneNet32.java
# from LaneNet64.java
# (src/main/java/dev/depthlab/backend/cpu). Edit the fp64 files,
# then run this from anywhere:
#
#     tools/gen-fp32-twins.sh
#
# The rules are in src/test/java/dev/depthlab/backend/cpu/Fp32Twins.java, which Fp32TwinsTest
# also runs to check that the committed twins are current. The generator uses the JDK only and
# runs as a single source file, so it works while the stale twins do not compile; spotless then
# formats the twins (offline).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cd "$root"
"$java_bin" src/test/java/dev/depthlab/backend/cpu/Fp32Twins.java "$root"
./mvnw -B -o -q spotless:apply
