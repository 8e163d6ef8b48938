"""Which fast paths this environment takes, and the versions of the libraries they drive.

    python tools/fast_paths.py           # `make test-latest` prints this after the suite

A fast path (evalgen/fastpaths.py) is off where a library is at a version the tests have not
passed on, or lacks an internal the path uses; the public path then writes the same bytes.
Exit status 0 either way: being off is not an error.
"""

from __future__ import annotations

import sys
from importlib import metadata

from evalgen.pipeline import fast_paths

LIBRARIES = ("docxtpl", "python-docx", "lxml", "jinja2", "matplotlib", "numpy", "openpyxl")


def main() -> int:
    print("依赖库版本：")
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "未安装"
        print(f"  {name} {version}")
    print("加速路径：")
    for name, path in fast_paths().items():
        state = "开" if path.active else "关"
        print(f"  {name}：{state}，{path.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
