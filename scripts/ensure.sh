# Sourced by run.sh and test.sh: installs what Rabet's build and tests need, skipping what is
# already present, and puts the project's tools on PATH. Safe to source again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
    step "Installing trunk 0.21 (builds from source, about 6 minutes, once)"
    cargo install trunk --version '^0.21' --locked
  fi
}

# Trunk and wasm-bindgen-test need the CLI of exactly the wasm-bindgen version in Cargo.lock.
ensure_wasm_bindgen() {
  local version
  version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
    step "Installing wasm-bindgen-cli $version (builds from source, a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$version"
  fi
}

# npm packages: wasm-opt (binaryen), the Persian font, Playwright. Reinstalled when the lock changes.
ensure_npm() {
  local stamp="$ROOT/node_modules/.rabet-lock"
  if ! cmp -s "$ROOT/package-lock.json" "$stamp" 2>/dev/null; then
    step "Installing npm packages (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
    cp "$ROOT/package-lock.json" "$stamp"
  fi
}

# Installs Debian packages, as root or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@"
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    step "Installing Chromium and ChromeDriver from Debian (for the browser tests)"
    apt_install chromium chromium-driver
  fi
  export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
  export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
}

# Firefox ESR and WebKitGTK's WebDriver with its MiniBrowser (Safari's engine), under a
# virtual display, for the engines' end-to-end runs (tests/engines/).
ensure_engines() {
  if ! command -v firefox-esr >/dev/null || ! command -v WebKitWebDriver >/dev/null || ! command -v xvfb-run >/dev/null; then
    step "Installing Firefox ESR, WebKitGTK's WebDriver and Xvfb from Debian (for the engines' tests)"
    apt_install firefox-esr webkit2gtk-driver xvfb
  fi
}

ensure_app_tools() {
  ensure_wasm_target
  ensure_npm
  ensure_trunk
  ensure_wasm_bindgen
}

build_app() {
  step "Building the app (release)"
  (cd "$ROOT" && trunk build --release --offline)
}

# With RABET_PRUNE_BUILDS=1 (set by .ci/run), the debug builds are deleted once the steps that
# need them have run, so that the release builds after them fit on a small disk.
prune_debug_builds() {
  if [ "${RABET_PRUNE_BUILDS:-0}" = 1 ]; then
    step "Dropping the debug builds (RABET_PRUNE_BUILDS=1)"
    rm -rf "$ROOT/target/debug" "$ROOT/target/wasm32-unknown-unknown/debug"
    df -h "$ROOT" | tail -n 1
  fi
}

build_server() {
  step "Building the server (release)"
  (cd "$ROOT" && cargo build --release -p rabet-server)
}

# Debian keeps PostgreSQL's server programs (initdb, pg_ctl) off PATH, one folder per version.
postgres_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 | grep .
}

ensure_postgres() {
  if ! postgres_bin >/dev/null; then
    step "Installing PostgreSQL from Debian (for the server tests against PostgreSQL)"
    apt_install postgresql
  fi
}

ensure_wrk() {
  if ! command -v wrk >/dev/null; then
    step "Installing wrk from Debian (for the server benchmark)"
    apt_install wrk
  fi
}

# Starts a throwaway PostgreSQL cluster on a free loopback port in a temporary folder and
# exports RABET_TEST_DATABASE_URL for the server tests; it is stopped and deleted when the
# calling script exits. Without PostgreSQL it says so, and the tests run on SQLite only.
start_test_postgres() {
  local bin as_owner=()
  if ! bin=$(postgres_bin); then
    step "PostgreSQL is not installed: server tests run on SQLite only"
    return 0
  fi
  step "Starting a throwaway PostgreSQL for the server tests"
  RABET_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rabet-pg.XXXXXX")
  # PostgreSQL refuses to run as root: run it as the postgres user Debian's package made.
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "no postgres user to run PostgreSQL as: server tests run on SQLite only"
      return 0
    fi
    chown postgres "$RABET_PG_DIR"
    as_owner=(runuser -u postgres --)
  fi
  RABET_PG_CTL=("${as_owner[@]}" "$bin/pg_ctl" -D "$RABET_PG_DIR/data")
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  if "${as_owner[@]}" "$bin/initdb" -D "$RABET_PG_DIR/data" -U postgres --auth=trust \
      --encoding=UTF8 --no-locale >"$RABET_PG_DIR/initdb.log" 2>&1 &&
    "${RABET_PG_CTL[@]}" -l "$RABET_PG_DIR/server.log" -w -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $RABET_PG_DIR -c fsync=off" start >/dev/null
  then
    trap stop_test_postgres EXIT
    export RABET_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL listening on 127.0.0.1:$port"
  else
    echo "PostgreSQL did not start (logs in $RABET_PG_DIR): server tests run on SQLite only"
  fi
}

stop_test_postgres() {
  "${RABET_PG_CTL[@]}" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$RABET_PG_DIR"
}
