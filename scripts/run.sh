#!/usr/bin/env bash
# Builds Kindly and opens the desktop app. With no mailbox configured it opens on the built-in demo
# inbox. Extra arguments are ignored; set KINDLY_DB=/path/to/file.db to use another case store.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "==> building the UI"
(cd ui && npm run build --silent)
echo "==> building the desktop app (the first build takes a few minutes)"
cargo build --release -p kindly-desktop --features custom-protocol
exec target/release/kindly-desktop
