"""Mutated gallery specs through validate, lint, render (with the text exports) and docs, in-process: never a traceback.

Every run must end with exit code 0, 1 or 2, and every message of a failed run must carry
`file:line:col`. `pytest --slow` runs 20,000 examples instead of 150.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import conftest
from tests.conftest import ROOT, run_cli

BASES = [
    (ROOT / "designs" / name).read_bytes()
    for name in ("tinyurl.yaml", "api-rate-limiter.yaml", "facebook-status-search.yaml", "typeahead-suggestions.yaml")
] + [
    (ROOT / "tests" / "fixtures" / name).read_bytes()
    for name in (
        "lint/waivers.yaml",
        "twins/real-systems.yaml",
        "failures/flows-through-read-replicas.yaml",
        "failures/regions.yaml",
        "render/views.yaml",
        "pictures/pipeline.yaml",
        "fuzz/newer-words.yaml",
    )
]

SCALARS = [
    "", "~", "true", "yes", "0", "-1", "1.5", ".inf", "-.inf", ".nan", "1e400", "9" * 60, "0x_", "0o9",
    "2027-13-45", "2020-01-01", "'x'", '"\\0"', '"\\x07"', "[]", "{}", "[a, b]", "{a: 1}", "!!binary aGk=",
    "!!python/object:os.system", "!!float x", "!!int 1.5", "&anchor x", "*anchor", "*nowhere", "<<: {}", "|",
    "日本語", "ünïcödé", "a: b: c", "- x", "{{", "]]", "%TAG", "@x", "`x`", "100M", "64GB", "30s", "100/min",
    "100/fortnight", "LR", "TB", "database", "servce", "any_of", "{any_of: [a]}", "{targets: [nope]}",
    "read", "write", "store", "none", "hourly", "*/5 * * * *", "61 * * * *", "{min: 3, max: 2}", "us-east-1",
    "[users, nowhere]", "{r1: []}", "function", "18mo", "manual",
    # Wrong shapes where the newer words take ids, and tags whose constructors fail.
    "[[users], api]", "[{a: 1}, users]", "{us: [[a]], eu: [{b: 1}]}", "{path: [[users], api]}", "{path: {a: 1}}",
    "[users, [api]]", "{any_of: [[a], {b: 1}]}", "{ranks: [[users, [api]], {a: 1}]}", "[flow:nope, [x]]",
    "{min: [1], max: {a: 1}}", "{rule: [REL001], component: {a: 1}}", "!!timestamp x", "!!timestamp 12:00",
    "!!bool maybe", "!!null x", "!!str", '"]"', '"]]>"', "'<b>x</b>'", "'[x](javascript:y)'", "Index",
    "startup", "{when: startup}", "{when: [startup]}", "db-server", "[db-server]", "{host: x}", "durability",
    "availability", "{instance: 99.5}", "{zone: [99]}", "99.999", "100.5", "{availability: true}",
    "entities", "{a: {size: 1KB}}", "{stored_in: [nowhere]}", "per_user_per_day", "[db, [store]]",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(BASES))
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "scalar", "text", "tab", "indent"]))
        if kind == "delete" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif kind == "scalar":
            key, _, _ = lines[index].partition(b": ")
            lines[index] = key + b": " + draw(st.sampled_from(SCALARS)).encode()
        elif kind == "text":
            lines.insert(index, draw(st.text(max_size=30)).encode("utf-8", "surrogatepass"))
        elif kind == "tab":
            lines[index] = b"\t" + lines[index]
        else:
            lines[index] = b"  " + lines[index]
    data = b"\n".join(lines)
    ending = draw(st.sampled_from(["none", "bom", "crlf", "latin1", "truncate", "invalid"]))
    if ending == "bom":
        data = b"\xef\xbb\xbf" + data
    elif ending == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif ending == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif ending == "invalid":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xff\xfe" + data[at:]
    elif ending == "latin1":
        data = data.replace("ü".encode(), b"\xfc")
    return data


def positioned(lines: list[str], path: Path) -> None:
    pattern = re.compile(rf"^{re.escape(str(path))}:\d+:\d+: \S")
    for line in lines:
        assert pattern.match(line), f"no position: {line!r}"


@settings(
    max_examples=20_000 if conftest.SLOW else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_mutated_specs_never_crash(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        validate = run_cli("validate", path)
        assert validate.code in (0, 2)
        if validate.code == 2:
            positioned(validate.out.splitlines(), path)
        lint = run_cli("lint", "--format", "json", path)
        assert lint.code in (0, 1, 2)
        assert (lint.code == 2) == (validate.code == 2), (validate.out, lint.err)
        for command in (["render", "--format", "dot,mermaid,d2,likec4,structurizr"], ["docs"]):
            result = run_cli(*command, path, "-o", Path(folder) / "out")
            assert result.code in (0, 2)
            if result.code == 2:
                positioned(result.err.splitlines(), path)
