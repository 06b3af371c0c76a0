#!/usr/bin/env bash
# backends/gpu/build.sh OUT_DIR — publishes libqibo_gpu.so (NativeAOT) and writes OUT_DIR/libqibo_gpu.so and
# OUT_DIR/gpu.json. The kernels are compiled to PTX and OpenCL C during the build (QiboAccel.Gpu.Generator, ILGPU);
# no GPU, CUDA toolkit or OpenCL driver is needed to build. Running needs libcuda.so.1 (NVIDIA driver) or
# libOpenCL.so.1 with an ICD (e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd).
# Optional: QIBO_GPU_ARTIFACTS=DIR builds in DIR (--artifacts-path) instead of next to OUT_DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -ne 1 ]; then echo "usage: $0 OUT_DIR" >&2; exit 2; fi
mkdir -p "$1"
out="$(cd "$1" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
publish="$(dirname "$out")/obj/gpu"
args=()
if [ -n "${QIBO_GPU_ARTIFACTS:-}" ]; then
  args+=(--artifacts-path "$QIBO_GPU_ARTIFACTS")
  publish="$QIBO_GPU_ARTIFACTS/publish-gpu"
fi
log="$(dirname "$out")/gpu-build.log"
if ! dotnet publish "$here/QiboAccel.Gpu" -c Release -r linux-x64 -p:PublishAot=true -o "$publish" -nologo ${args[@]+"${args[@]}"} >"$log" 2>&1; then
  cat "$log" >&2
  echo "backends/gpu/build.sh: error: building libqibo_gpu.so failed (log: $log)" >&2
  exit 1
fi
# Write then rename: overwriting a library in place crashes processes that have it loaded.
cp "$publish/libqibo_gpu.so" "$out/.libqibo_gpu.so.new" && mv -f "$out/.libqibo_gpu.so.new" "$out/libqibo_gpu.so"
cat > "$out/gpu.json" <<JSON
{ "manifest_version": 1, "name": "gpu", "library_path": "libqibo_gpu.so", "abi_version": "1.1", "description": "GPU state vector: CUDA (NVIDIA driver) or any OpenCL device (options: cuda:N, opencl:N); kernels compiled from C# by ILGPU at build time" }
JSON
echo "backends/gpu/build.sh: wrote $out/libqibo_gpu.so and $out/gpu.json" >&2
