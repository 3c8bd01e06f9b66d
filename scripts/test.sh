#!/usr/bin/env bash
# Runs every test of Kindly: Rust unit and end-to-end tests (real SQLite files, the real CLI and web
# server), the UI's type check and Vitest suite, the Playwright specs in Chromium against
# `kindly serve`, and the desktop-window test (WebKitGTK under Xvfb, via tauri-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CARGO_TERM_COLOR=never

echo "==> UI: type check, unit tests, build"
(cd ui && npm run check && npm test && npm run build)

echo "==> Rust: formatting"
cargo fmt --all --check

echo "==> Rust: build binaries (CLI, desktop with the built UI embedded)"
cargo build --workspace --bins --features kindly-desktop/custom-protocol

echo "==> Rust: unit and end-to-end tests"
# Same packages and features as the build above, so no dependency is compiled twice.
cargo test --workspace --features kindly-desktop/custom-protocol

echo "==> Chromium: Playwright specs against kindly serve"
(cd tests/e2e && npm test)

echo "==> Desktop window: WebKitGTK under Xvfb via tauri-driver"
# Last, so the output ends with a test runner's own summary.
xvfb-run -a -s "-screen 0 1440x900x24" node --test --test-timeout=180000 tests/e2e/desktop/window.test.mjs
