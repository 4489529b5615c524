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

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    step "Installing Chromium and ChromeDriver from Debian (for the browser tests)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium chromium-driver
  fi
  export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
  export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
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

build_server() {
  step "Building the server (release)"
  (cd "$ROOT" && cargo build --release -p rabet-server)
}
