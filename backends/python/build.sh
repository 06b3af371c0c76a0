#!/usr/bin/env bash
# backends/python/build.sh OUT_DIR — builds the python bridge backend into OUT_DIR:
#   OUT_DIR/libqibo_python.so   the NativeAOT bridge library (embeds the system's CPython at run time)
#   OUT_DIR/python.json         its manifest; "python_path" points at this repository's python/ folder, which
#                               holds qiboaccel_bridge.py and the reference backend qibo_backend_numpy.
# Run time needs a CPython 3 with a shared libpython and numpy (Debian: apt-get install python3-numpy libpython3-dev).
# Extra arguments go to dotnet publish (e.g. --artifacts-path /tmp/x).
set -euo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 OUT_DIR [dotnet publish options...]" >&2; exit 2; fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$1"; shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
publish="$(mktemp -d "${TMPDIR:-/tmp}/qiboaccel-python-publish.XXXXXX")"
trap 'rm -rf "$publish"' EXIT
dotnet publish "$here/QiboAccel.Python" -c Release -r linux-x64 -o "$publish" -nologo -v quiet "$@"
# Write then rename: overwriting a library in place crashes processes that have it loaded.
cp "$publish/libqibo_python.so" "$out/.libqibo_python.so.new" && mv -f "$out/.libqibo_python.so.new" "$out/libqibo_python.so"
# JSON string escaping for the one path we write (backslashes and quotes).
python_dir="$root/python"
escaped="${python_dir//\\/\\\\}"
escaped="${escaped//\"/\\\"}"
cat > "$out/python.json" <<JSON
{ "manifest_version": 1, "name": "python", "library_path": "libqibo_python.so", "abi_version": "1.1", "description": "Bridge to backends written in Python (python@NAME imports qibo_backend_NAME; python@numpy is the reference)", "python_path": "$escaped", "list_as": ["python@numpy"] }
JSON
