#!/usr/bin/env bash
# Builds the release binaries in two CPU variants and puts them side by side in dist/bin:
#   shiliu, shiliu-app                    whisper.cpp with AVX2/FMA/F16C (portable, not -march=native)
#   shiliu-baseline, shiliu-app-baseline  whisper.cpp with no AVX at all (any x86-64 CPU)
# The AVX2 binaries check the CPU at start-up and exec their -baseline sibling when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)

echo "building the AVX2 variant"
cargo build --locked --release -p shiliu-cli -p shiliu-app --features shiliu-app/custom-protocol

echo "building the baseline variant"
GGML_NATIVE=OFF GGML_AVX=OFF GGML_AVX2=OFF GGML_FMA=OFF GGML_F16C=OFF GGML_BMI2=OFF \
  CARGO_TARGET_DIR=target/baseline \
  cargo build --locked --release -p shiliu-cli -p shiliu-app --features shiliu-app/custom-protocol

mkdir -p dist/bin
cp target/release/shiliu target/release/shiliu-app dist/bin/
cp target/baseline/release/shiliu dist/bin/shiliu-baseline
cp target/baseline/release/shiliu-app dist/bin/shiliu-app-baseline
ls -l dist/bin

# The .deb (Tauri bundler): shiliu-app with its desktop entry and icons, plus the shiliu command
# and both baseline binaries in /usr/bin.
ui/node_modules/.bin/tauri bundle --bundles deb
cp target/release/bundle/deb/*.deb dist/
ls -l dist/*.deb
