"""Summarises the rounds of scripts/bench-compare.sh.

Reads lines `NAME<TAB>JSON` (one `bench_workload` result per build and round, in round
order), prints each figure's median per build, and per round each build's ratio to the first
build: range and median. A build that lacks a figure (Calico's package has no `fxmap`, and
only its newer versions have interned labels) shows `-` for it. Exits 1 if a run printed no
result or the builds disagree on the number of matching pairs.

Usage: python3 scripts/bench_compare.py RAW NAME [NAME ...]
       python3 scripts/bench_compare.py --self-test
"""

from __future__ import annotations

import json
import statistics
import sys


def summarise(lines: list[str], names: list[str]) -> tuple[str, bool]:
    """The report for `lines`, and whether every run agreed on the matching pairs."""
    runs: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    ok = True
    for line in lines:
        name, _, result = line.rstrip("\n").partition("\t")
        try:
            runs[name].append(json.loads(result))
        except (KeyError, json.JSONDecodeError):
            ok = False
    if any(not r for r in runs.values()):
        return "a build printed no result\n", False
    base = names[0]
    figures = [k for k in runs[base][0] if k != "matched_pairs" and not k.startswith("cpu_")]

    def median(n: str, k: str) -> str:
        values = [r[k] for r in runs[n] if k in r]
        return "%14.2f" % statistics.median(values) if values else "%14s" % "-"

    out = ["%-28s" % "figure" + "".join("%14s" % n[:13] for n in names)]
    for k in figures:
        out.append("%-28s" % k + "".join(median(n, k) for n in names))
    for n in names[1:]:
        out.append("")
        out.append("per-round ratio %s / %s: range (median)" % (n, base))
        for k in figures:
            ratios = sorted(
                b[k] / a[k] for a, b in zip(runs[base], runs[n]) if a.get(k) and k in b
            )
            if ratios:
                out.append(
                    "  %-26s %.2f-%.2f (%.2f)"
                    % (k, ratios[0], ratios[-1], statistics.median(ratios))
                )
    pairs = {r.get("matched_pairs") for n in names for r in runs[n]}
    out.append("")
    out.append("matched pairs: %s" % ", ".join(str(p) for p in sorted(pairs, key=str)))
    return "\n".join(out) + "\n", ok and len(pairs) == 1


def self_test() -> None:
    """Checks the summary on two made-up builds."""
    line = '{"parse_ns_per_selector": %s, "eval_ns_per_pair_map": %s, "matched_pairs": %s}'
    lines = [
        "a\t" + line % (100, 50, 7),
        "b\t" + line % (80, 50, 7),
        "a\t" + line % (120, 40, 7),
        "b\t" + line % (60, 44, 7),
    ]
    report, ok = summarise(lines, ["a", "b"])
    assert ok, report
    assert "parse_ns_per_selector      0.50-0.80 (0.65)" in report, report
    assert "eval_ns_per_pair_map       1.00-1.10 (1.05)" in report, report
    assert "parse_ns_per_selector               110.00         70.00" in report, report
    # A build without a figure shows `-` and no ratio for it.
    report, ok = summarise(
        lines + ['c\t{"parse_ns_per_selector": 200, "matched_pairs": 7}'], ["a", "b", "c"]
    )
    assert ok, report
    assert "eval_ns_per_pair_map                 45.00         47.00             -" in report, report
    assert "per-round ratio c / a" in report and "parse_ns_per_selector      2.00-2.00 (2.00)" in report, report
    _, ok = summarise(lines + ["b\t" + line % (1, 1, 8)], ["a", "b"])
    assert not ok, "differing matched pairs must fail"
    _, ok = summarise(lines[:1], ["a", "b"])
    assert not ok, "a build without a result must fail"
    print("bench_compare self-test passed")


def main(argv: list[str]) -> int:
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        report, ok = summarise(f.readlines(), argv[2:])
    sys.stdout.write(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
