"""Benchmarks run by `make bench`; each scenario records its numbers in bench/results/."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
RESULTS_HEADER = (
    "# Benchmark results\n\n"
    "| date | scenario | setup | throughput | time | check |\n"
    "| --- | --- | --- | --- | --- | --- |\n"
)


def record(filename, result, rows):
    """Write ``result`` as bench/results/<filename> and append its table ``rows`` to the README."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / filename).write_text(json.dumps(result, indent=2) + "\n")
    readme = RESULTS / "README.md"
    if not readme.exists():
        readme.write_text(RESULTS_HEADER)
    with readme.open("a") as out:
        out.writelines(rows)
    print(json.dumps(result, indent=2))
