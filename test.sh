#!/usr/bin/env bash
# Runs every test of Rabet: formatting and lints, the domain and server natively, the
# browser code in headless Chromium, the built app end to end with Playwright (Chromium), and
# its core flows in Firefox and WebKit (tests/engines/).
source "$(dirname "$0")/scripts/ensure.sh"
ensure_app_tools
ensure_chromium
ensure_engines
cd "$ROOT"

step "Checking formatting and lints"
cargo fmt --all -- --check
cargo clippy -p rabet-domain -p rabet-server --all-targets -- -D warnings
cargo clippy -p rabet --target wasm32-unknown-unknown --all-targets -- -D warnings

ensure_postgres
start_test_postgres
step "Native tests: domain and server (the server on SQLite, and on PostgreSQL if it started)"
cargo test -p rabet-domain -p rabet-server

step "Browser tests: wasm-bindgen-test in headless Chromium"
# The bulk-write tests store thousands of records in a debug build: past the runner's 20 s
# default on a busy machine.
WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}" cargo test -p rabet --target wasm32-unknown-unknown
# Nothing after this point uses the debug builds: a machine short of disk (CI) drops them.
prune_debug_builds

build_app
build_server

step "End-to-end tests: Playwright against the release build on the real server"
npx playwright test

step "End-to-end tests in Firefox (WebDriver BiDi) and WebKit (WebDriver classic): the core flows"
node tests/engines/run.mjs
