"""Run the benchmarks: ``python -m benchmarks [--quick]`` (or ``nox -s bench``).

Starts the pre-rendered page server (``benchmarks.server``) in its own process, runs every case
(``benchmarks.cases``) in a fresh process of its own, one after the other, and compares this
library with the official ``twilio`` client and the raw aiohttp + orjson floor within the same
run. Prints a table, writes ``benchmarks/results/results.json`` and ``benchmarks/results/bench.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent

FULL = {
    "p1_records": 200_000,
    "p1_rounds": 5,
    "p2_pages": 200,
    "p3_fetches": 2_000,
    "p3_sequential": 2_000,
    "p4_small": 100_000,
    "p4_large": 1_000_000,
    "unique": 200_000,
    "p5_cap8": 600,
    "p5_cap60": 1_500,
}
QUICK = {
    "p1_records": 50_000,
    "p1_rounds": 1,
    "p2_pages": 40,
    "p3_fetches": 500,
    "p3_sequential": 200,
    "p4_small": 50_000,
    "p4_large": 200_000,
    "unique": 50_000,
    "p5_cap8": 300,
    "p5_cap60": 750,
}


class Server:
    """The page server subprocess, and its control endpoints."""

    def __init__(self, records: int, unique: int) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "benchmarks.server"),
                *("--records", str(records), "--unique", str(unique)),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.process.kill()
            raise RuntimeError("the benchmark server did not start")

    def control(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}/_bench/{path}", timeout=30) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def run_case(
    server: Server, name: str, latency: float = 0.0, cap: int = 0, **params: Any
) -> dict[str, Any]:
    server.control(f"config?latency={latency}&cap={cap}")
    server.control("reset")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.cases", name, server.url, json.dumps(params)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"case {name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    stats = server.control("stats")
    result["server"] = stats
    result["case"] = name
    result["params"] = params
    result["latency"] = latency
    result["cap"] = cap
    label = ", ".join(f"{k}={v}" for k, v in params.items())
    print(f"  {name}({label}) latency={latency}: {result['seconds']:.2f} s", flush=True)
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def benchmark(quick: bool) -> dict[str, Any]:
    sizes = QUICK if quick else FULL
    started = time.perf_counter()
    print(f"starting the page server ({sizes['p4_large']:,} records)...", flush=True)
    server = Server(sizes["p4_large"], sizes["unique"])
    out: dict[str, Any] = {
        "mode": "quick" if quick else "full",
        "sizes": sizes,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            # other work on a shared machine slows CPU-bound rows: the load before and after
            "load_before": os.getloadavg(),
        },
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    try:
        # P1 throughput: rounds interleaved so that machine noise hits every client alike.
        print("P1 throughput", flush=True)
        n = sizes["p1_records"]
        p1: dict[str, list[dict[str, Any]]] = {"ours": [], "official": [], "raw": []}
        for _ in range(sizes["p1_rounds"]):
            p1["raw"].append(run_case(server, "raw_stream", n=n))
            p1["ours"].append(run_case(server, "ours_stream", n=n))
            p1["official"].append(run_case(server, "official_stream", n=n))
        out["p1"] = {
            k: {"runs": v, "records_per_s": _median(v, "records_per_s")} for k, v in p1.items()
        }
        # The floor's CPU over ours, round by round (each round's cases ran side by side).
        out["p1"]["ours"]["cpu_vs_floor_by_round"] = [
            round(raw["cpu_us_per_record"] / ours["cpu_us_per_record"], 2)
            for raw, ours in zip(p1["raw"], p1["ours"], strict=True)
        ]
        out["decode"] = run_case(server, "decode_only", n=20_000)
        pages = [run["server"] for run in p1["raw"]]
        build = sum(s["build_seconds"] for s in pages) / max(1, sum(s["pages"] for s in pages))
        out["server_cost"] = {"build_us_per_page": build * 1e6, "build_ns_per_record": build * 1e6}

        # P2 latency-bound: 30 ms a response.
        print("P2 latency-bound (30 ms a response)", flush=True)
        n = sizes["p2_pages"] * 1000
        lat = 0.03
        p2 = {
            "official": run_case(server, "official_stream", lat, n=n),
            "raw": run_case(server, "raw_stream", lat, n=n),
            "ours_no_prefetch": run_case(server, "ours_stream", lat, n=n, prefetch=False),
            "ours_prefetch": run_case(server, "ours_stream", lat, n=n),
            "ours_sharded_8": run_case(server, "ours_sharded", lat, n=n, shards=8),
            "ours_no_prefetch_consumer_20ms": run_case(
                server, "ours_stream", lat, n=n, prefetch=False, page_pause=0.02
            ),
            "ours_prefetch_consumer_20ms": run_case(
                server, "ours_stream", lat, n=n, page_pause=0.02
            ),
            "official_consumer_20ms": run_case(
                server, "official_stream", lat, n=n, page_pause=0.02
            ),
        }
        out["p2"] = p2

        # P3 fan-out: instance fetches, 10 ms each.
        print("P3 fan-out (10 ms a response)", flush=True)
        lat = 0.01
        p3 = {
            "ours_fetch_many_defaults": run_case(
                server, "ours_fetch_many", lat, n=sizes["p3_fetches"]
            ),
            "official_gather_unbounded": run_case(
                server, "official_fetch_gather", lat, n=sizes["p3_fetches"]
            ),
            "official_sequential": run_case(
                server, "official_fetch_sequential", lat, n=sizes["p3_sequential"]
            ),
        }
        out["p3"] = p3

        # P4 memory: fresh processes, peak RSS growth.
        print("P4 memory", flush=True)
        small, large = sizes["p4_small"], sizes["p4_large"]
        out["p4"] = {
            "ours_stream_small": run_case(server, "ours_stream", n=small, rss=True),
            "ours_stream_large": run_case(server, "ours_stream", n=large, rss=True),
            "ours_list_small": run_case(server, "ours_list", n=small),
            "official_stream_small": run_case(server, "official_stream", n=small, rss=True),
            "official_list_small": run_case(server, "official_list", n=small),
        }

        # P5 an account concurrency cap the client is not told: 429 / 20429 past it, 40 ms each.
        print("P5 unknown concurrency cap (40 ms a response)", flush=True)
        p5: dict[str, Any] = {}
        for cap in (8, 60):
            n = sizes[f"p5_cap{cap}"]
            for label, extra in (("defaults", {}), ("concurrency_100", {"concurrency": 100})):
                run = run_case(server, "ours_fetch_many", 0.04, cap=cap, n=n, **extra)
                run["ideal_seconds"] = n * 0.04 / cap
                p5[f"cap{cap}_{label}"] = run
        out["p5"] = p5
    finally:
        server.stop()
    out["wall_seconds"] = time.perf_counter() - started
    out["machine"]["load_after"] = os.getloadavg()
    out["summary"] = summarize(out)
    return out


def summarize(out: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the table: what, measured, compared with, ratio, target, met."""
    rows: list[dict[str, Any]] = []

    def row(name: str, value: str, versus: str, ratio: float, target: float) -> None:
        rows.append(
            {
                "benchmark": name,
                "measured": value,
                "compared with": versus,
                "ratio": round(ratio, 2),
                "target": f">= {target:g}x",
                "met": ratio >= target,
            }
        )

    p1 = out["p1"]
    cpu = {k: min(run["cpu_us_per_record"] for run in p1[k]["runs"]) for k in p1}
    rows.append(
        {
            "benchmark": "P1 stream, CPU per record (best of rounds)",
            "measured": f"{cpu['ours']:.2f} us",
            "compared with": f"raw floor {cpu['raw']:.2f} us",
            "ratio": round(cpu["raw"] / cpu["ours"], 2),
            "target": ">= 0.5x and <= 2.8 us",
            "met": cpu["raw"] / cpu["ours"] >= 0.5 and cpu["ours"] <= 2.8,
        }
    )
    row(
        "P1 stream, CPU per record (best of rounds)",
        f"{cpu['ours']:.2f} us",
        f"official {cpu['official']:.2f} us",
        cpu["official"] / cpu["ours"],
        3,
    )
    ours, official, raw = (p1[k]["records_per_s"] for k in ("ours", "official", "raw"))
    row("P1 stream, records/s", f"{ours:,.0f}", f"official {official:,.0f}", ours / official, 3)
    row("P1 stream, records/s", f"{ours:,.0f}", f"raw floor {raw:,.0f}", ours / raw, 0.5)
    p2 = out["p2"]
    t = {k: v["seconds"] for k, v in p2.items()}
    row(
        "P2 30 ms/page, sharded x8",
        f"{t['ours_sharded_8']:.2f} s",
        f"official {t['official']:.2f} s",
        t["official"] / t["ours_sharded_8"],
        6,
    )
    row(
        "P2 consumer 20 ms/page, prefetch",
        f"{t['ours_prefetch_consumer_20ms']:.2f} s",
        f"no prefetch {t['ours_no_prefetch_consumer_20ms']:.2f} s",
        t["ours_no_prefetch_consumer_20ms"] / t["ours_prefetch_consumer_20ms"],
        1.5,
    )
    row(
        "P2 consumer 20 ms/page, prefetch",
        f"{t['ours_prefetch_consumer_20ms']:.2f} s",
        f"official {t['official_consumer_20ms']:.2f} s",
        t["official_consumer_20ms"] / t["ours_prefetch_consumer_20ms"],
        1.5,
    )
    p3 = out["p3"]
    per_item_seq = p3["official_sequential"]["seconds"] / p3["official_sequential"]["records"]
    ours_p3 = p3["ours_fetch_many_defaults"]
    sequential_equiv = per_item_seq * ours_p3["records"]
    row(
        "P3 fetch_many, defaults",
        f"{ours_p3['seconds']:.2f} s",
        f"official sequential {sequential_equiv:.2f} s",
        sequential_equiv / ours_p3["seconds"],
        40,
    )
    gather = p3["official_gather_unbounded"]
    row(
        "P3 fetch_many, defaults",
        f"{ours_p3['seconds']:.2f} s",
        f"official gather {gather['seconds']:.2f} s",
        gather["seconds"] / ours_p3["seconds"],
        1,
    )
    conns = ours_p3["server"]["peak_connections"]
    rows.append(
        {
            "benchmark": "P3 peak connections",
            "measured": str(conns),
            "compared with": f"official gather {gather['server']['peak_connections']}",
            "ratio": None,
            "target": "<= 100",
            "met": conns <= 100,
        }
    )
    p4 = out["p4"]
    s_small, s_large = p4["ours_stream_small"], p4["ours_stream_large"]
    for label, result in (("P4 stream small", s_small), ("P4 stream large", s_large)):
        rows.append(
            {
                "benchmark": f"{label} ({result['records']:,}), RSS growth",
                "measured": f"{result['rss_growth_mb']:.1f} MB",
                "compared with": f"official stream {p4['official_stream_small']['rss_growth_mb']:.1f} MB"
                if result is s_small
                else f"small {s_small['rss_growth_mb']:.1f} MB",
                "ratio": None,
                "target": "< 15 MB" + (" and flat" if result is s_large else ""),
                "met": result["rss_growth_mb"] < 15
                and (result is s_small or result["rss_growth_mb"] < s_small["rss_growth_mb"] + 5),
            }
        )
    for name, run in out["p5"].items():
        wall, ideal = run["seconds"], run["ideal_seconds"]
        requests = run["server"]["requests"]
        rejected = run["server"]["rejected"] / max(requests, 1) * 100
        ok = run["failed"] == 0 and run["correct"] == run["records"] == run["params"]["n"]
        rows.append(
            {
                "benchmark": f"P5 cap {run['cap']} unknown, {run['params']['n']:,} fetches, "
                + name.split("_", 1)[1].replace("_", "="),
                "measured": f"{wall:.2f} s, {rejected:.1f}% 429, {run['failed']} failed, "
                f"{run['correct']:,} correct",
                "compared with": f"ideal {ideal:.2f} s",
                "ratio": round(wall / ideal, 2),
                "target": "<= 1.3x, <= 5% 429, 0 failed",
                "met": wall / ideal <= 1.3 and rejected <= 5 and ok,
            }
        )
    ours_list, official_list = p4["ours_list_small"], p4["official_list_small"]
    row(
        f"P4 list() {ours_list['records']:,}, RSS growth",
        f"{ours_list['rss_growth_mb']:.1f} MB",
        f"official {official_list['rss_growth_mb']:.1f} MB",
        official_list["rss_growth_mb"] / max(ours_list["rss_growth_mb"], 0.1),
        2,
    )
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    headers = ["benchmark", "measured", "compared with", "ratio", "target", "met"]
    cells = [
        [
            str(r[h] if r[h] is not None else "") if h != "met" else ("yes" if r["met"] else "NO")
            for h in headers
        ]
        for r in rows
    ]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(c) + " |" for c in cells]
    return "\n".join(lines)


def chart(out: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(18, 4.5))
    p1 = out["p1"]
    names = ["ours", "official", "raw"]
    axes[0].bar(names, [p1[n]["records_per_s"] / 1000 for n in names], color=["C0", "C1", "C7"])
    axes[0].set_title("P1 stream throughput (k records/s)")
    p2 = out["p2"]
    keys = list(p2)
    axes[1].barh(keys, [p2[k]["seconds"] for k in keys], color="C0")
    axes[1].set_title("P2 30 ms/response, wall time (s)")
    p3 = out["p3"]
    keys3 = list(p3)
    per_item = [p3[k]["seconds"] / p3[k]["records"] * 1000 for k in keys3]
    axes[2].barh(keys3, per_item, color="C2")
    axes[2].set_xscale("log")
    axes[2].set_title("P3 fetch, ms per instance (log)")
    p4 = out["p4"]
    keys4 = list(p4)
    axes[3].barh(keys4, [p4[k]["rss_growth_mb"] for k in keys4], color="C3")
    axes[3].set_title("P4 peak RSS growth (MB)")
    fig.suptitle(f"twilio-monitor-async benchmarks ({out['mode']}, {out['date']})")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmarks against the fake Twilio server.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about a minute")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write results")
    args = parser.parse_args(argv)
    out = benchmark(args.quick)
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if args.quick else ""
    (args.out / f"results{suffix}.json").write_text(json.dumps(out, indent=2) + "\n")
    chart(out, args.out / f"bench{suffix}.png")
    cost = out["server_cost"]
    print()
    print(table(out["summary"]))
    print()
    decode = out["decode"]
    print(
        "decoding alone (no network, pages of 1000 alerts, CPU per record, best of rounds): "
        f"orjson {decode['orjson_cpu_us_per_record']:.2f} us, "
        f"fast path {decode['fast_path_cpu_us_per_record']:.2f} us, "
        f"orjson + converter {decode['orjson_converter_cpu_us_per_record']:.2f} us"
    )
    print(
        f"server-only cost: {cost['build_us_per_page']:.0f} us to build a page of 1000 "
        f"(handler time in the server process); total run {out['wall_seconds']:.0f} s"
    )
    print(
        f"results: {args.out / f'results{suffix}.json'}, chart: {args.out / f'bench{suffix}.png'}"
    )


if __name__ == "__main__":
    main()
