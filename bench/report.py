"""Render the raw figures of bench/run as a Markdown report on stdout.

The raw file has one tab-separated line per measurement: path, metric, value. Each figure is
shown as the median over the repetitions, the spread (min to max), and the ratio of the median
to the direct path and to the best peer (stunnel, haproxy or ssh) of the same run.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
from collections import defaultdict

ALL_PATHS = ["direct", "tcp-relay", "tcp-chain", "stunnel", "haproxy", "ssh", "ztna-tcnative",
             "ztna-jdk"]
# The paths with figures in this run; main() sets it from the raw file.
PATHS = list(ALL_PATHS)
PEERS = ["stunnel", "haproxy", "ssh"]
PATH_NOTES = {
    "direct": "client to server, no relay",
    "tcp-relay": "1 haproxy relay in plain TCP, no TLS (a floor for relay paths, not a peer)",
    "tcp-chain": "4 haproxy relays in plain TCP, no TLS (the chains' shape without TLS, not a peer)",
    "stunnel": "4 stunnel relays, 3 TLS segments",
    "haproxy": "4 haproxy relays, 3 TLS segments",
    "ssh": "ssh -L, 1 SSH segment",
    "ztna-tcnative": "4 tiers, BoringSSL (tcnative)",
    "ztna-jdk": "4 tiers, JDK TLS",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ["raw", "work", "root", "command", "date", "jmh"]:
        parser.add_argument("--" + name, required=True)
    for name in ["quick", "reps", "iperf-seconds", "latency-flows", "latency-warmup",
                 "rate-seconds", "rate-concurrency", "idle-flows", "slow-seconds", "elapsed"]:
        parser.add_argument("--" + name, type=int, required=True)
    return parser.parse_args()


def load(raw_path):
    """Return {path: {metric: [values]}} from the raw file, skipping empty values."""
    data = defaultdict(lambda: defaultdict(list))
    with open(raw_path) as raw:
        for line in raw:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[2] == "":
                continue
            data[parts[0]][parts[1]].append(float(parts[2]))
    return data


def command_output(args):
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=20)
        return (result.stdout + result.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"


def first_line(text, pattern=None):
    for line in text.splitlines():
        if pattern is None or re.search(pattern, line):
            return line.strip()
    return "unknown"


def pom_property(root, name):
    with open(os.path.join(root, "pom.xml")) as pom:
        match = re.search(f"<{name}>([^<]+)</{name}>", pom.read())
    return match.group(1) if match else "unknown"


def fmt(value, digits=None):
    if value is None:
        return "—"
    if digits is None:
        if abs(value) >= 100:
            digits = 0
        elif abs(value) >= 10:
            digits = 1
        else:
            digits = 2
    return f"{value:,.{digits}f}"


def ratio(value, base):
    if value is None or not base:
        return "—"
    return f"{value / base:.2f}"


class Figure:
    """One measured figure across the paths, with its direction (higher or lower is better)."""

    def __init__(self, data, metric, higher_is_better):
        self.values = {path: data[path].get(metric, []) for path in PATHS}
        self.higher_is_better = higher_is_better

    def median(self, path):
        values = self.values.get(path)
        return statistics.median(values) if values else None

    def spread(self, path, digits=None):
        values = self.values.get(path)
        if not values:
            return "—"
        if len(values) == 1:
            return "1 run"
        return f"{fmt(min(values), digits)} – {fmt(max(values), digits)}"

    def best_peer(self):
        if self.higher_is_better is None:
            return None, None
        medians = [(self.median(p), p) for p in PEERS if self.median(p) is not None]
        if not medians:
            return None, None
        value, path = (max if self.higher_is_better else min)(medians)
        return value, path


def figure_table(title, unit, figure, digits=None, note=""):
    best, best_path = figure.best_peer()
    lines = [f"### {title}", ""]
    if note:
        lines += [note, ""]
    if figure.higher_is_better is None:
        lines += [f"Unit: {unit}.", "",
                  "| path | median | spread (min – max) |", "| --- | ---: | ---: |"]
    else:
        better = "higher" if figure.higher_is_better else "lower"
        lines += [f"Unit: {unit}; {better} is better. Best peer: {best_path or '—'}.", "",
                  "| path | median | spread (min – max) | ÷ direct | ÷ best peer |",
                  "| --- | ---: | ---: | ---: | ---: |"]
    for path in PATHS:
        median = figure.median(path)
        if median is None and not figure.values.get(path):
            continue
        row = f"| {path} | {fmt(median, digits)} | {figure.spread(path, digits)} |"
        if figure.higher_is_better is not None:
            row += f" {ratio(median, figure.median('direct'))} | {ratio(median, best)} |"
        lines.append(row)
    return lines + [""]


def summary_table(rows):
    """Return one table of the medians: a row per figure, a column per path."""
    lines = ["### Summary (medians)", "",
             "| figure | " + " | ".join(PATHS) + " |",
             "| --- |" + " ---: |" * len(PATHS)]
    for title, figure, digits in rows:
        cells = [fmt(figure.median(path), digits) for path in PATHS]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return lines + [""]


def memory_tables(data, idle_flows):
    lines = ["### Memory with idle flows", "",
             f"Each path holds up to {idle_flows:,} open flows, each opened with one 4-byte"
             " echo, then idle; the open-file limit of a relay process can lower that number"
             " (column flows open). RSS is VmRSS from /proc/PID/status; heap is the used Java heap after a full"
             " GC (jcmd GC.run, GC.heap_info), only for JVMs. Per flow = (after − before) ÷"
             " flows open, in KiB. The RSS of a JVM moves by megabytes with JIT and GC"
             " activity, so with a few thousand flows its per-flow difference can be noise or"
             " negative; the heap figure is steadier.", "",
             "| path | process | flows open | RSS before (MiB) | RSS after (MiB) |"
             " RSS per flow (KiB) | heap before (MiB) | heap after (MiB) | heap per flow (KiB) |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    totals = {}
    notes = []
    for path in PATHS:
        metrics = data.get(path, {})
        tiers = [m.split(":", 1)[1] for m in metrics if m.startswith("mem_rss_before_kb:")]
        if tiers and not metrics.get("mem_flows_open"):
            notes.append(f"{path}: the count of open idle flows was not recorded, so no"
                         " per-flow figure.")
        flows = (metrics.get("mem_flows_open") or [0])[0]
        failed = (metrics.get("mem_flows_failed") or [0])[0]
        if failed:
            notes.append(f"{path}: {failed:,.0f} idle flows failed to open.")
        rss_total = 0.0
        heap_total = 0.0
        heap_seen = False
        for tier in tiers:
            rss_before = metrics[f"mem_rss_before_kb:{tier}"][0]
            rss_after = (metrics.get(f"mem_rss_after_kb:{tier}") or [rss_before])[0]
            heap_before = (metrics.get(f"mem_heap_before_kb:{tier}") or [None])[0]
            heap_after = (metrics.get(f"mem_heap_after_kb:{tier}") or [None])[0]
            if rss_before == 0 and rss_after == 0:
                # The process had ended (an ssh pre-authentication child): nothing to show.
                continue
            rss_flow = (rss_after - rss_before) / flows if flows else None
            heap_flow = None
            if heap_before is not None and heap_after is not None and flows:
                heap_flow = (heap_after - heap_before) / flows
                heap_total += heap_after - heap_before
                heap_seen = True
            rss_total += rss_after - rss_before
            lines.append(
                f"| {path} | {tier} | {flows:,.0f} | {fmt(rss_before / 1024, 1)} | "
                f"{fmt(rss_after / 1024, 1)} | {fmt(rss_flow, 2)} | "
                f"{fmt(heap_before / 1024 if heap_before is not None else None, 1)} | "
                f"{fmt(heap_after / 1024 if heap_after is not None else None, 1)} | "
                f"{fmt(heap_flow, 2)} |")
        if tiers and flows:
            totals[path] = (rss_total / flows, heap_total / flows if heap_seen else None)
    if notes:
        lines += [""] + notes
    lines += ["", "Whole path, per flow (sum over its processes):", "",
              "| path | RSS per flow (KiB) | ÷ best peer | heap per flow (KiB) |",
              "| --- | ---: | ---: | ---: |"]
    peer_rss = [totals[p][0] for p in PEERS if p in totals]
    best = min(peer_rss) if peer_rss else None
    for path in PATHS:
        if path in totals:
            rss, heap = totals[path]
            lines.append(f"| {path} | {fmt(rss, 2)} | {ratio(rss, best)} | {fmt(heap, 2)} |")
    return lines + [""]


def slow_reader_tables(data, seconds):
    lines = ["### Slow reader", "",
             f"15 flows read from the source server at full speed for {seconds} s, first alone,"
             " then beside a 16th flow whose client reads 1 MB/s. Throughput is the sum of the"
             " 15 fast flows (MB/s = 10^6 bytes/s). RSS of each process is sampled every second"
             " during the run with the slow reader.", "",
             "| path | 15 flows alone (MB/s) | 15 flows + slow reader (MB/s) | with ÷ alone |"
             " slow reader (MB/s) |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for path in PATHS:
        metrics = data.get(path, {})
        alone = (metrics.get("slow_base_mbs") or [None])[0]
        with_slow = (metrics.get("slow_with_mbs") or [None])[0]
        slow = (metrics.get("slow_reader_mbs") or [None])[0]
        if alone is None:
            continue
        lines.append(f"| {path} | {fmt(alone)} | {fmt(with_slow)} | {ratio(with_slow, alone)} | "
                     f"{fmt(slow, 2)} |")
    # Growth over the second half of the run separates steady growth (buffers piling up behind
    # the slow reader) from a JVM heap that grows once to its working size at the start.
    lines += ["", "| path | process | RSS first (MiB) | RSS max (MiB) | RSS last (MiB) |"
              " last − first (MiB) | second half (MiB) |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for path in PATHS:
        samples = defaultdict(dict)
        for metric, values in data.get(path, {}).items():
            if metric.startswith("slow_rss_kb:"):
                _, tier, second = metric.split(":")
                samples[tier][int(second)] = values[0]
        for tier, by_second in samples.items():
            series = [by_second[s] / 1024 for s in sorted(by_second)]
            if max(series) == 0:
                continue
            middle = series[len(series) // 2]
            lines.append(f"| {path} | {tier} | {fmt(series[0], 1)} | {fmt(max(series), 1)} | "
                         f"{fmt(series[-1], 1)} | {fmt(series[-1] - series[0], 1)} | "
                         f"{fmt(series[-1] - middle, 1)} |")
    return lines + [""]


def environment(args):
    cpu = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        mem_kb = int(meminfo.readline().split()[1])
    load = open("/proc/loadavg").read().split()[:3]
    stacks = []
    for name in ["tcnative", "jdk"]:
        path = os.path.join(args.work, f"lab-{name}.stack")
        if os.path.exists(path):
            stacks.append(f"ztna-{name}: {open(path).read().strip() or 'not logged'}")
    return [
        f"- Date: {args.date}; command: `{args.command}`; run time {args.elapsed} s.",
        f"- Machine: {os.cpu_count()} cores ({cpu}), {mem_kb / 1048576:.0f} GiB, "
        f"{platform.platform()}; load average at the end {' '.join(load)}.",
        f"- Java: {first_line(command_output(['java', '-version']), 'version')}; Netty "
        f"{pom_property(args.root, 'netty.version')}, netty-tcnative "
        f"{pom_property(args.root, 'tcnative.version')} (from pom.xml).",
        f"- Data plane stack as logged by the client gateway: {'; '.join(stacks) or 'unknown'}.",
        f"- stunnel: {first_line(command_output(['stunnel', '-version']), '^stunnel')}; "
        f"haproxy: {first_line(command_output(['haproxy', '-v']))}; "
        f"OpenSSH: {first_line(command_output(['ssh', '-V']))}; "
        f"iperf3: {first_line(command_output(['iperf3', '--version']))}.",
        f"- Settings: {args.reps} repetitions; iperf3 -t {args.iperf_seconds}; "
        f"{args.latency_flows:,} timed flows after {args.latency_warmup:,} warm-up flows; "
        f"{args.rate_seconds} s of flows at {args.rate_concurrency} in flight; "
        f"{args.idle_flows:,} idle flows; slow reader run {args.slow_seconds} s"
        + (" (--quick)." if args.quick else "."),
        f"- Raw figures and logs: {args.work}.",
    ]


def jmh_section(path, work, quick):
    if not os.path.exists(path):
        if os.path.exists(os.path.join(work, "jmh.log")):
            return ["### JMH", "", f"Failed: see {os.path.join(work, 'jmh.log')}.", ""]
        return ["### JMH", "", "Not run (--skip-jmh).", ""]
    with open(path) as jmh:
        text = jmh.read().rstrip()
    error = ("With --quick (2 iterations) JMH gives no error column."
             if quick else "The ± column is JMH's 99.9% confidence interval.")
    return ["### JMH (bench module)", "", f"Average time per operation. {error}", "",
            "```", text, "```", ""]


def main():
    args = parse_args()
    data = load(args.raw)
    global PATHS
    PATHS = [path for path in ALL_PATHS if path in data]
    lines = ["# ztna data plane against peers", ""]
    lines += environment(args) + [""]
    lines += ["Paths, all on 127.0.0.1 to the same iperf3, echo and source servers; every TLS"
              " segment is TLS 1.3 with mutual authentication and ECDSA P-256 certificates:", ""]
    lines += [f"- {path}: {PATH_NOTES[path]}" for path in PATHS] + [""]
    skipped = [path for path in ALL_PATHS if path not in PATHS]
    if skipped:
        lines += ["Not measured in this run: " + ", ".join(skipped) + ".", ""]

    summary = [
        ("1 flow, MB/s", Figure(data, "tput_mbs", True), None),
        ("16 flows, MB/s", Figure(data, "p16_mbs", True), None),
        ("16 flows, Jain index", Figure(data, "p16_jain", True), 3),
        ("open + echo p50, µs", Figure(data, "lat_p50_us", False), None),
        ("open + echo p99, µs", Figure(data, "lat_p99_us", False), None),
        ("flows/s", Figure(data, "rate_fps", True), None),
        ("machine CPU µs per flow", Figure(data, "rate_cpu_us", False), None),
        ("CPU s per GB", Figure(data, "cpu_s_per_gb", False), None),
    ]
    lines += summary_table(summary)
    lines += figure_table("Single-flow throughput", "MB/s (10^6 bytes/s, iperf3 received)",
                          Figure(data, "tput_mbs", True))
    lines += figure_table("16 parallel flows, aggregate", "MB/s (iperf3 -P 16, received)",
                          Figure(data, "p16_mbs", True))
    lines += figure_table("16 parallel flows, Jain's fairness index",
                          "(Σx)² ÷ (n·Σx²) over per-flow rates, 1 = equal",
                          Figure(data, "p16_jain", True), digits=3)
    for pct in ["p50", "p90", "p99"]:
        lines += figure_table(f"Flow open + 4-byte echo, {pct}", "µs",
                              Figure(data, f"lat_{pct}_us", False))
    lines += figure_table("Flows per second", f"flows/s (connect, 4-byte echo, close; "
                          f"{args.rate_concurrency} in flight)", Figure(data, "rate_fps", True))
    lines += figure_table("Machine CPU per flow", "µs of busy CPU time of the whole machine per"
                          " flow during the flows-per-second runs",
                          Figure(data, "rate_cpu_us", False),
                          note="Every process counts (load client, echo server, relays) and the"
                               " kernel. Direct is the cost of one loopback TCP connection from"
                               " open to close, client and server included. tcp-relay, ssh and"
                               " ztna carry two TCP connections per flow (client to entry, exit"
                               " to server), and tcp-relay shows what the second one costs"
                               " behind the leanest relay. The 4-relay chains carry five, and"
                               " tcp-chain shows what they cost without TLS.")
    lines += figure_table("Idle CPU during the flows-per-second runs",
                          "share of the machine's CPU time left idle",
                          Figure(data, "rate_idle", None), digits=2)
    lines += figure_table("CPU per GB moved", "CPU seconds (user + system) per 10^9 bytes",
                          Figure(data, "cpu_s_per_gb", False),
                          note="Sum over the relay processes of the path during the single-flow"
                               " transfers; the iperf3 client and server are excluded on every"
                               " path, so direct has no figure.")
    errors = {p: sum(data[p].get("rate_errors", [])) for p in PATHS if p in data}
    if any(errors.values()):
        lines += ["Failed flows during the flows-per-second runs: "
                  + ", ".join(f"{p} {int(n)}" for p, n in errors.items() if n) + ".", ""]
    lines += memory_tables(data, args.idle_flows)
    lines += slow_reader_tables(data, args.slow_seconds)
    lines += jmh_section(args.jmh, args.work, args.quick)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
