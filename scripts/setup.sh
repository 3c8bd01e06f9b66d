#!/usr/bin/env bash
# Installs everything Kindly needs to build, run and test on Debian 12: system packages, the npm
# packages of ui/ and tests/e2e/, and tauri-driver. Idempotent: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev   # Tauri / WebKitGTK
  xvfb xauth webkit2gtk-driver                                                 # the desktop-window test
  chromium                                                                     # the Playwright specs
  dovecot-imapd openssl procps                                                 # the mailbox tests: IMAP server, test CA, pkill
  libdbus-1-dev dbus-daemon gnome-keyring                                      # the OS keychain (Secret Service) and its test
  sqlite3                                                                      # the refunds spec backdates a refund clock
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The tests start their own Dovecot on a free loopback port; the system one is not needed.
  if dpkg-query -W dovecot-core >/dev/null 2>&1; then $SUDO service dovecot stop >/dev/null 2>&1 || true; fi
fi

command -v cargo >/dev/null || { echo "cargo is missing: install Rust 1.95 with rustup first" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 or newer first" >&2; exit 1; }

for dir in ui tests/e2e; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "==> npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

if ! python3 -c "import aiosmtpd" 2>/dev/null; then
  echo "==> pip install aiosmtpd (the tests' SMTP server)"
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi

if ! command -v tauri-driver >/dev/null; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
