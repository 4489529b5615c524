#!/usr/bin/env bash
# Builds the release app and the server, then serves Rabet on http://127.0.0.1:8080.
# Options are passed to the server (see `target/release/rabet-server --help`), e.g.
#   ./run.sh --addr 0.0.0.0:9000     or     RABET_ADDR=0.0.0.0:9000 ./run.sh
source "$(dirname "$0")/scripts/ensure.sh"
ensure_app_tools
build_app
build_server
step "Starting Rabet (Ctrl-C stops it)"
exec "$ROOT/target/release/rabet-server" serve --dist "$ROOT/dist" --data-dir "${RABET_DATA_DIR:-$ROOT/data}" "$@"
