#!/usr/bin/env bash
# Measures the release sync server on loopback with its embedded SQLite database: bulk push
# and pull over HTTP, then requests per second with wrk for a 500-op pull page and a push of
# 100 new ops. Usage: bench/server.sh [seconds per wrk run, default 10]
source "$(dirname "$0")/../scripts/ensure.sh"
ensure_wrk
build_server
cd "$ROOT"

duration="${1:-10}"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

server=target/release/rabet-server
export RABET_DATA_DIR="$work/data"
unset DATABASE_URL
mkdir -p "$work/dist" && echo '<!doctype html><title>Rabet</title>' >"$work/dist/index.html"
workspace=$("$server" workspace create Bench)
export RABET_TOKEN=$("$server" token issue --workspace "$workspace" --member bench 2>/dev/null)

"$server" serve --addr 127.0.0.1:0 --dist "$work/dist" --rate-limit 1e9 --rate-burst 1e9 \
  2>"$work/server.log" &
server_pid=$!
base=""
for _ in $(seq 100); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -n 1) && break
  sleep 0.1
done
[ -n "$base" ] || { cat "$work/server.log"; exit 1; }
until curl -sf "$base/api/health" >/dev/null; do sleep 0.1; done

step "Bulk sync over HTTP (SQLite, $(nproc) cores shared by client and server)"
node bench/server-volume.mjs "$base" "$RABET_TOKEN"

step "wrk: pull of a 500-op page, ${duration} s, 2 threads, 8 connections"
wrk -t2 -c8 -d"${duration}s" -H "Authorization: Bearer $RABET_TOKEN" \
  "$base/api/v1/ops?after=0&limit=500"

step "wrk: push of 100 new ops, ${duration} s, 2 threads, 8 connections"
wrk -t2 -c8 -d"${duration}s" -s bench/server-push.lua "$base/api/v1/ops"
