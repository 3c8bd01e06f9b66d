#!/usr/bin/env bash
# Retrains Kindly's tone models on GoEmotions and rewrites docs/triage-eval.md.
# Usage: tests/eval/run.sh [GOEMOTIONS_DIR]   (default: ../shared/data/goemotions)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run --release -p kindly-tests --bin train-tone -- "$@"
