#!/usr/bin/env python3
"""Helpers for scripts/bench/serve.sh: pick the request text, and turn wrk results into the
"Serving" section of docs/BENCHMARKS.md.

  serve_report.py body TEST_CSV
      Prints the request body {"instances": [TEXT]} for one GameTox test text.
  serve_report.py report RESULTS_JSONL META_JSON DOC [--no-write]
      Prints the summary and, unless --no-write, replaces the "## Serving" section of DOC and
      leaves every other section as it is.
"""

import csv
import json
import os
import statistics
import sys
import tempfile

SECTION_HEADING = "## Serving"

# Targets for one text per request over loopback keep-alive connections on a 2-core machine.
TARGET_RATIO_AT_64 = 0.3
TARGET_P99_AT_64_US = 5000
TARGET_P50_AT_1_US = 150
TARGET_RSS_MB = 64


def pick_body(test_csv):
    """Returns the body for the first test text with at least five words, so the request is a
    typical chat line rather than a one-word message."""
    with open(test_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = row.get("text", "")
            if len(text.split()) >= 5:
                return json.dumps({"instances": [text]}, ensure_ascii=False)
    raise SystemExit(f"error: no text with five or more words in {test_csv}; check the file's 'text' column")


def summarise(results):
    """Groups runs by (server, connections) and returns medians over the repeats."""
    groups = {}
    for run in results:
        groups.setdefault((run["server"], run["connections"]), []).append(run)
    summary = {}
    for key, runs in groups.items():
        rates = [r["requests"] / (r["duration_us"] / 1e6) for r in runs]
        summary[key] = {
            "repeats": len(runs),
            "rps": statistics.median(rates),
            "rps_min": min(rates),
            "rps_max": max(rates),
            "p50_us": statistics.median(r["p50_us"] for r in runs),
            "p99_us": statistics.median(r["p99_us"] for r in runs),
            "errors": sum(r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"] + r["non_2xx"]
                          for r in runs),
        }
    return summary


def format_us(value):
    return f"{value / 1000:.2f} ms" if value >= 1000 else f"{value:.0f} µs"


def render(summary, meta):
    lines = [SECTION_HEADING, ""]
    lines.append(
        "`scripts/bench/serve.sh` serves a GameTox model (`configs/gametox.yaml`, 6 labels) with `maas serve` and, "
        "in the same run, an nginx that returns a fixed JSON body of the same size for the same POST path. "
        "`wrk` posts one text per request to both on 127.0.0.1 with keep-alive connections. Each row is the median "
        f"of {meta['repeats']} runs of {meta['seconds']} s after a {meta['warmup_seconds']} s warm-up; "
        "the two servers are measured in turns, so slow drift of the machine affects both.")
    lines.append("")
    lines.append(f"- Date: {meta['date']}; commit `{meta['commit']}`")
    lines.append(f"- Machine: {meta['nproc']} cores, {meta['cpu']}; wrk and nginx run on the same cores as maas")
    lines.append(f"- Versions: {meta['nginx_version']}, {meta['wrk_version']}")
    lines.append(f"- Command: `{meta['command']}`")
    lines.append(f"- maas: `{meta['maas_command']}`")
    lines.append(f"- Request body: `{meta['body']}` ({len(meta['body'].encode())} bytes)")
    if meta.get("note"):
        lines.append(f"- Note: {meta['note']}")
    lines.append("")
    lines.append("| server | connections | wrk threads | requests/s (median, min–max) | p50 latency | p99 latency | errors |")
    lines.append("|---|---:|---:|---|---:|---:|---:|")
    for connections in meta["connections"]:
        for server in ("maas", "nginx"):
            row = summary.get((server, connections))
            if row is None:
                continue
            lines.append(
                f"| {server} | {connections} | {min(2, connections)} | {row['rps']:,.0f} ({row['rps_min']:,.0f}–"
                f"{row['rps_max']:,.0f}) | {format_us(row['p50_us'])} | {format_us(row['p99_us'])} | {row['errors']} |")
    lines.append("")
    lines.append("Errors are wrk's socket errors, timeouts (no response within 2 s) and non-2xx responses, summed over the "
                 "repeats.")
    lines.append("")
    lines.append(f"Peak RSS (VmHWM at the end of the run): maas {meta['maas_rss_mb']:.1f} MB; nginx "
                 f"{meta['nginx_rss_mb']:.1f} MB, the sum over its master and worker processes.")
    lines.append("")

    ratio = {c: summary[("maas", c)]["rps"] / summary[("nginx", c)]["rps"] for c in meta["connections"]
             if ("maas", c) in summary and ("nginx", c) in summary and summary[("nginx", c)]["rps"] > 0}
    lines.append("| target | measured | met |")
    lines.append("|---|---|---|")
    checks = []
    if 64 in ratio:
        checks.append((f"maas/nginx requests/s at 64 connections >= {TARGET_RATIO_AT_64}x", f"{ratio[64]:.2f}x",
                       ratio[64] >= TARGET_RATIO_AT_64))
    if ("maas", 64) in summary:
        p99 = summary[("maas", 64)]["p99_us"]
        checks.append((f"maas p99 at 64 connections <= {format_us(TARGET_P99_AT_64_US)}", format_us(p99),
                       p99 <= TARGET_P99_AT_64_US))
    if ("maas", 1) in summary:
        p50 = summary[("maas", 1)]["p50_us"]
        checks.append((f"maas p50 at 1 connection <= {format_us(TARGET_P50_AT_1_US)}", format_us(p50),
                       p50 <= TARGET_P50_AT_1_US))
    checks.append((f"maas peak RSS <= {TARGET_RSS_MB} MB", f"{meta['maas_rss_mb']:.1f} MB",
                   meta["maas_rss_mb"] <= TARGET_RSS_MB))
    for name, measured, met in checks:
        lines.append(f"| {name} | {measured} | {'yes' if met else '**no**'} |")
    if 1 in ratio:
        lines.append("")
        lines.append(f"maas/nginx requests/s at 1 connection: {ratio[1]:.2f}x.")
    lines.append("")
    return "\n".join(lines), checks


def replace_section(path, section):
    """Replaces the "## Serving" section of `path` (up to the next level-2 heading) with
    `section`, or appends it. The file is read right before writing and replaced atomically,
    because other benchmark scripts edit their own sections of the same file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = "# Benchmarks\n\nMeasured numbers, with the script, machine and date behind each.\n"
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION_HEADING), None)
    if start is None:
        body = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        before = "\n".join(lines[:start])
        after = "\n".join(lines[end:])
        # `before` ends without its last line break, so the heading would join the previous line.
        prefix = before.rstrip("\n") + "\n\n" if before.strip() else ""
        body = prefix + section.rstrip("\n") + "\n" + ("\n" + after if after.strip() else "")
        if not body.endswith("\n"):
            body += "\n"
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".BENCHMARKS.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(body)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def report(results_path, meta_path, doc_path, write):
    with open(results_path, encoding="utf-8") as handle:
        results = [json.loads(line) for line in handle if line.strip()]
    with open(meta_path, encoding="utf-8") as handle:
        meta = json.load(handle)
    if not results:
        raise SystemExit(f"error: no wrk results in {results_path}; see the wrk output above")
    section, checks = render(summarise(results), meta)
    print(section)
    if write:
        replace_section(doc_path, section)
        print(f"wrote the '{SECTION_HEADING[3:]}' section of {doc_path}")
    missed = [name for name, _, met in checks if not met]
    if missed:
        print("targets missed: " + "; ".join(missed))


def main(argv):
    if len(argv) == 3 and argv[1] == "body":
        print(pick_body(argv[2]))
    elif len(argv) in (5, 6) and argv[1] == "report" and (len(argv) == 5 or argv[5] == "--no-write"):
        report(argv[2], argv[3], argv[4], write=len(argv) == 5)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
