#!/usr/bin/env bash
# Installs everything inferd needs to build, run and test: Debian packages and
# ONNX Runtime's shared library (taken from the pinned onnxruntime-node npm package).
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORT_VERSION="$(cat "$ROOT/scripts/onnxruntime.version")"
ORT_DIR="$ROOT/third_party/onnxruntime"

DEB_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libboost-dev rapidjson-dev zlib1g-dev libcli11-dev libgtest-dev libnghttp2-dev
  python3-pytest python3-requests python3-numpy python3-torch python3-onnx
  python3-grpcio python3-protobuf python3-opencv python3-prometheus-client
  python3-dev pybind11-dev libtorch-dev
  nginx-light python3-flask python3-matplotlib
)

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm only fetches the ONNX Runtime package; any Node.js install will do.
if ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

lib="$ORT_DIR/lib/libonnxruntime.so"
if [[ ! -f "$lib" || "$(cat "$ORT_DIR/VERSION" 2>/dev/null)" != "$ORT_VERSION" ]]; then
  echo "setup: fetching onnxruntime-node@$ORT_VERSION from the npm registry"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "onnxruntime-node@$ORT_VERSION" >/dev/null)
  tar -xzf "$work"/onnxruntime-node-*.tgz -C "$work"
  src="$(ls "$work"/package/bin/napi-v*/linux/x64/libonnxruntime.so.* | head -1)"
  rm -rf "$ORT_DIR" && mkdir -p "$ORT_DIR/lib"
  cp "$src" "$ORT_DIR/lib/"
  ln -sf "$(basename "$src")" "$lib"
  echo "$ORT_VERSION" > "$ORT_DIR/VERSION"
fi
echo "setup: dependencies present (onnxruntime $ORT_VERSION at $lib)"
