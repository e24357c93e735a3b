"""`make bench`: run every benchmark scenario in bench/ and write results to bench/results/.

`python -m bench program outbox` (or `make bench BENCH="program"`) runs only the scenarios named.
"""

import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    names = [info.name for info in pkgutil.iter_modules([str(HERE)]) if info.name.startswith("bench_")]
    wanted = {f"bench_{name.removeprefix('bench_')}" for name in sys.argv[1:]}
    if wanted - set(names):
        print("Unknown scenario: " + ", ".join(sorted(wanted - set(names))))
        return 2
    names = [name for name in names if not wanted or name in wanted]
    if not names:
        print("No benchmark scenarios yet.")
        return 0
    for name in sorted(names):
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
