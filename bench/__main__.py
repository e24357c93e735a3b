"""`make bench`: run every benchmark scenario in bench/ and write results to bench/results/."""

import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    names = [info.name for info in pkgutil.iter_modules([str(HERE)]) if info.name.startswith("bench_")]
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
