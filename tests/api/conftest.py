import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The matrix and the fuzz make hundreds of accounts; the production hasher's deliberate
    slowness (about 0.3 s a password here) would be most of their run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- counts of the schemathesis passes (test_schema_fuzz.py) -------------------------------------

FUZZ_COUNTS = {}


def record_response(name, case, response):
    """Count one request of the pass ``name``: its operation, its status, and whether the case was
    generated valid or invalid on purpose."""
    counts = FUZZ_COUNTS.setdefault(name, {"operations": set(), "requests": 0, "statuses": {}, "negative": 0})
    if case.method.upper() == case.operation.method.upper():  # not a probe with an unsupported method
        counts["operations"].add(case.operation.label)
    counts["requests"] += 1
    counts["statuses"][response.status_code] = counts["statuses"].get(response.status_code, 0) + 1
    meta = case.meta
    if meta is not None and meta.generation.mode.is_negative:
        counts["negative"] += 1


def pytest_terminal_summary(terminalreporter):
    if not FUZZ_COUNTS:
        return
    terminalreporter.section("schemathesis requests")
    for name, counts in FUZZ_COUNTS.items():
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(counts["statuses"].items()))
        terminalreporter.write_line(
            f"{name}: {len(counts['operations'])} operations, {counts['requests']} requests "
            f"({counts['negative']} with invalid data), statuses {{{statuses}}}"
        )
