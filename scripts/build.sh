#!/usr/bin/env bash
# `make build`: compiles src/ into a directory of its own, .build-<time>, and then points the link
# build/ at it in one rename, one build at a time. A demo or a test that runs from build/ while
# another build finishes never finds it missing or half written (Node loads each module by its
# real path, so a process keeps to the build it started from); the build before stays for a
# process still loading from it, older ones go. A failed build leaves build/ as it was. Each
# build sits beside build/ in the repository, where the agent finds ../package.json as from build/.
set -euo pipefail
cd "$(dirname "$0")/.."

exec 9>.build.lock
flock 9
id=$(date +%s%N)
if ! tsc -p tsconfig.build.json --outDir ".build-$id"; then
  rm -rf ".build-$id"
  exit 1
fi
# A build/ from before builds were linked is a directory: it goes once.
[ -L build ] || rm -rf build
ln -sfn ".build-$id" .build-link
mv -T .build-link build
for old in $(ls -d .build-[0-9]* | sort -t- -k2 -n | head -n -2); do rm -rf "$old"; done
