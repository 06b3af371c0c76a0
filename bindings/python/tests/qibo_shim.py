"""Makes qibo 0.2.16 importable from its source tree on Debian 12, without pip (tests and perf use this).

qibo reads its own version through importlib.metadata and imports `openqasm3` at import time; a source tree has no
installed metadata, and Debian 12 ships no openqasm3. So a temporary folder on sys.path gets a minimal
`qibo-0.2.16.dist-info/METADATA` and a placeholder `openqasm3` module (only qibo's OpenQASM 3 import would use it),
and the tree's `src/` goes on sys.path. The source tree comes from $QIBOACCEL_QIBO_SRC, by default
`../shared/qibo-0.2.16` beside the repository.
"""

import os
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
_SHIM = None


def qibo_source():
    """The qibo source tree (the folder holding src/qibo), or None when it is not there."""
    root = os.environ.get("QIBOACCEL_QIBO_SRC") or os.path.join(REPO, "..", "shared", "qibo-0.2.16")
    root = os.path.abspath(root)
    return root if os.path.isdir(os.path.join(root, "src", "qibo")) else None


def _version(root, fallback):
    try:
        with open(os.path.join(root, "pyproject.toml"), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("version") and "=" in line:
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return fallback


def install(extra_sources=()):
    """Puts qibo (and the `extra_sources`, e.g. qibojit's tree, as (name, root) pairs) on sys.path with the shim.
    Returns qibo's source root; raises RuntimeError with the reason when qibo's source is not found."""
    global _SHIM
    root = qibo_source()
    if root is None:
        raise RuntimeError("qibo 0.2.16 sources not found (set QIBOACCEL_QIBO_SRC to the folder holding src/qibo)")
    if _SHIM is None:
        _SHIM = tempfile.mkdtemp(prefix="qiboaccel-qibo-shim-")
        for name, src in [("qibo", root)] + list(extra_sources):
            meta = os.path.join(_SHIM, f"{name}-{_version(src, '0.0.0')}.dist-info")
            os.makedirs(meta, exist_ok=True)
            with open(os.path.join(meta, "METADATA"), "w", encoding="utf-8") as f:
                f.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {_version(src, '0.0.0')}\n")
        try:
            import openqasm3  # noqa: F401  (a real one, if present)
        except ImportError:
            os.makedirs(os.path.join(_SHIM, "openqasm3"), exist_ok=True)
            with open(os.path.join(_SHIM, "openqasm3", "__init__.py"), "w", encoding="utf-8") as f:
                f.write('"""Placeholder: qibo imports openqasm3 at import time; OpenQASM 3 parsing is not used here."""\n'
                        "def parse(*args, **kwargs):\n"
                        "    raise ImportError('openqasm3 is not installed (placeholder module)')\n")
        sys.path.insert(0, _SHIM)
        for _, src in [("qibo", root)] + list(extra_sources):
            sys.path.insert(0, os.path.join(src, "src"))
    return root
