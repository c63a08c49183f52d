#!/usr/bin/env bash
# lab/e2e/guide_blocks.sh GUIDE DIR: writes each ```java block of GUIDE whose first line is a path
# comment ("// src/main/java/guide/X.java") to that path under DIR; prints how many it wrote.
set -euo pipefail
awk -v dir="$2" '
    /^```java$/ { inblock = 1; first = 1; next }
    /^```$/ && inblock { if (out != "") close(out); inblock = 0; out = ""; next }
    inblock && first {
        first = 0
        if ($0 ~ /^\/\/ src\/(main|test)\/java\/[A-Za-z0-9_\/]+\.java$/) {
            out = dir "/" substr($0, 4); n++
            path = out; sub(/\/[^\/]+$/, "", path); system("mkdir -p \"" path "\"")
            printf "" > out
        }
    }
    inblock && out != "" { print >> out }
    END { print n + 0 }
' "$1"
