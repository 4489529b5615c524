#!/usr/bin/env bash
# Measures Rabet at scale: builds the release app and server, then runs bench/run.mjs in
# headless Chromium over sample workspaces and writes BENCHMARKS.md. Nothing is asserted.
#   ./bench.sh                       # 10,000 and 100,000 contacts
#   ./bench.sh --sizes 10000         # just one size
source "$(dirname "$0")/scripts/ensure.sh"
ensure_app_tools
ensure_chromium
build_app
build_server
step "Benchmark (the 100,000-contact workspace takes a while to generate and load)"
cd "$ROOT" && node bench/run.mjs "$@"
