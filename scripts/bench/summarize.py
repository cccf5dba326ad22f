#!/usr/bin/env python3
"""Reads what scripts/benchmarks.sh measured in OUTDIR and prints the short table (Markdown), with each
target met or missed; writes OUTDIR/summary.md and the chart data OUTDIR/chart.dat. Medians throughout:
JMH scores are the median of all measurement iterations of all forks (from jmh.json), wrk figures the
median over the alternating rounds. Python 3 standard library only."""
import collections
import json
import os
import re
import statistics
import sys

out = sys.argv[1]
rows = []  # (what, figure, target, verdict)


def verdict(ok):
    return "met" if ok else "MISSED"


def kv(path):
    values = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            for m in re.finditer(r"(\w+)=(\S+)", line):
                values.setdefault(m.group(1), m.group(2))
    return values


# ------------------------------------------------------------------ JMH
# jmh-<group>-<round>.json: per round and benchmark, the median of its measurement iterations; ratios are
# taken within one file (one JMH run), then the median over rounds is quoted.
import glob


def load(path):
    scores = {}
    for b in json.load(open(path)):
        name = b["benchmark"].rsplit(".", 1)[1]
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        entry = {"score": statistics.median(raw)}
        alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        if alloc:
            entry["alloc"] = statistics.median([x for fork in alloc["rawData"] for x in fork])
        secondary = b.get("secondaryMetrics", {})
        if "portcullisCpuNanos" in secondary:
            p = [x for fork in secondary["portcullisCpuNanos"]["rawData"] for x in fork]
            f = [x for fork in secondary["floorCpuNanos"]["rawData"] for x in fork]
            n = [x for fork in secondary["pairs"]["rawData"] for x in fork]
            entry["cpu_ratio"] = statistics.median([fi / pi for pi, fi in zip(p, f) if pi])
            entry["portcullis_cpu_us"] = statistics.median([pi / ni / 1e3 for pi, ni in zip(p, n) if ni])
            entry["floor_cpu_us"] = statistics.median([fi / ni / 1e3 for fi, ni in zip(f, n) if ni])
        scores[name] = entry
    return scores


runs = [load(p) for p in sorted(glob.glob(os.path.join(out, "jmh-*.json")))]


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def per_round(fn):
    return med([fn(r) for r in runs])


def score(name):
    return per_round(lambda r: r[name]["score"] if name in r else None)


def alloc(name):
    return per_round(lambda r: r[name].get("alloc") if name in r else None)


def ratio(a, b):
    return per_round(lambda r: r[a]["score"] / r[b]["score"] if a in r and b in r else None)


n_rounds = len([r for r in runs if "portcullis" in r])
if runs and score("portcullis"):
    floor = score("floor")
    rows.append(("ACS: floor (hardened DOM parse + `checkSignatureValue`), 1 thread",
                 f"{floor:,.0f} responses/s, {alloc('floor') / 1024:.0f} KB/op", "reference", ""))
    if score("floorEagerDom"):
        rows.append(("ACS: floor with eager DOM (deferred node expansion off)",
                     f"{score('floorEagerDom'):,.0f} responses/s = {ratio('floorEagerDom', 'floor'):.2f} x floor, "
                     f"{alloc('floorEagerDom') / 1024:.0f} KB/op", "info", ""))
    rp = ratio("portcullis", "floor")
    rows.append(("ACS: Portcullis `ResponseValidator.validate`, 1 thread",
                 f"{score('portcullis'):,.0f} responses/s = **{rp:.2f} x floor** (median of {n_rounds} rounds)",
                 ">= 0.65 x floor", verdict(rp >= 0.65)))
    if any("pairCpuTime" in r for r in runs):
        cr = per_round(lambda r: r["pairCpuTime"].get("cpu_ratio") if "pairCpuTime" in r else None)
        pc = per_round(lambda r: r["pairCpuTime"].get("portcullis_cpu_us") if "pairCpuTime" in r else None)
        fc = per_round(lambda r: r["pairCpuTime"].get("floor_cpu_us") if "pairCpuTime" in r else None)
        rows.append(("ACS: Portcullis vs floor by CPU time, interleaved operation by operation (load-robust)",
                     f"{pc:.0f} vs {fc:.0f} us of CPU per response = **{cr:.2f} x floor**", ">= 0.65 x floor",
                     verdict(cr >= 0.65)))
    a = alloc("portcullis") / 1024
    rows.append(("ACS: Portcullis allocation per validation", f"**{a:.0f} KB**", "<= 120 KB", verdict(a <= 120)))
    if score("portcullis2Threads"):
        s2 = ratio("portcullis2Threads", "portcullis")
        f2 = ratio("floor2Threads", "floor")
        rows.append(("ACS: Portcullis 2 threads / 1 thread",
                     f"**{s2:.2f} x** ({score('portcullis2Threads'):,.0f} responses/s; floor: {f2:.2f} x)",
                     ">= 1.8 x", verdict(s2 >= 1.8)))
    for name, label in (("openSaml3", "OpenSAML 3.4.6 unmarshal + profile + signature"),
                        ("oneLoginNoXsd", "java-saml 2.9.0 isValid, XSD off"),
                        ("oneLoginXsd", "java-saml 2.9.0 isValid, XSD on")):
        if score(name):
            rows.append((f"ACS baseline: {label}",
                         f"{score(name):,.0f} responses/s = {ratio(name, 'floor'):.2f} x floor, "
                         f"{alloc(name) / 1024:,.0f} KB/op", "comparison", ""))
    if score("replayInsertAndRemove"):
        rows.append(("ACS: benchmark bookkeeping (replay insert + remove), included in Portcullis",
                     f"{1e6 / score('replayInsertAndRemove'):.2f} us/op", "info", ""))

# ------------------------------------------------------------------ wrk
path = os.path.join(out, "overhead.tsv")
chart = []
if os.path.exists(path):
    data = {}
    for line in open(path).read().splitlines()[1:]:
        fields = line.split("\t")
        r, server, p, mode = fields[:4]
        values = [float(x) for x in fields[4:]] + [0.0] * (8 - len(fields))
        data.setdefault((server, p, mode), {})[r] = values  # rps, p50, cpu per request, 4xx answers

    def med(server, p, mode, i):
        return statistics.median(v[i] for v in data[(server, p, mode)].values())

    def round_ratio(p, mode, i, inverse=False):
        ratios = []
        for r, v in data[("valve", p, mode)].items():
            w = data[("plain", p, mode)].get(r)
            if w and v[i] and w[i]:
                ratios.append(w[i] / v[i] if inverse else v[i] / w[i])
        return statistics.median(ratios) if ratios else None

    for p, label, target in (("/app/hello", "authenticated", 0.97),
                             ("/app/public/hello", "excluded path", 0.99)):
        plain, valve = med("plain", p, "throughput", 0), med("valve", p, "throughput", 0)
        wall = round_ratio(p, "throughput", 0)
        rows.append((f"Requests, {label}: throughput with / without valve, wall clock",
                     f"{valve:,.0f} / {plain:,.0f} req/s; per-round ratio median {wall:.2f} (see the note on noise)",
                     f">= {target}", "see CPU row"))
        cpu_ratio = round_ratio(p, "throughput", 2, inverse=True)
        if cpu_ratio:
            cp, cv = med("plain", p, "throughput", 2), med("valve", p, "throughput", 2)
            rows.append((f"Requests, {label}: server CPU per request without / with valve (load-robust throughput ratio)",
                         f"{cp:.1f} / {cv:.1f} us = **{cpu_ratio:.3f}** (+{cv - cp:.1f} us per request)",
                         f">= {target}", verdict(cpu_ratio >= target)))
        lp, lv = med("plain", p, "latency", 1), med("valve", p, "latency", 1)
        if p == "/app/hello":
            rows.append((f"Requests, {label}: median latency added (1 connection)",
                         f"{lv:.0f} - {lp:.0f} us = **{lv - lp:+.0f} us**", "<= 15 us", verdict(lv - lp <= 15)))
        else:
            rows.append((f"Requests, {label}: median latency (1 connection)", f"{lv:.0f} vs {lp:.0f} us", "info", ""))
        def spread(server, mode, i):
            values = [v[i] for v in data[(server, p, mode)].values()]
            return statistics.median(values), min(values), max(values)
        chart.append((label, spread("plain", "throughput", 0), spread("valve", "throughput", 0),
                      spread("plain", "throughput", 2), spread("valve", "throughput", 2),
                      spread("plain", "latency", 1), spread("valve", "latency", 1)))
    anonymous = "anonymous:/app/hello"
    if ("valve", anonymous, "throughput") in data and ("plain", anonymous, "throughput") in data:
        plain, valve = med("plain", anonymous, "throughput", 0), med("valve", anonymous, "throughput", 0)
        cp, cv = med("plain", anonymous, "throughput", 2), med("valve", anonymous, "throughput", 2)
        rows.append(("Anonymous navigation to a protected path: throughput with / without valve, wall clock",
                     f"{valve:,.0f} / {plain:,.0f} req/s; per-round ratio median "
                     f"{round_ratio(anonymous, 'throughput', 0):.3f}", "info", ""))
        rows.append(("Anonymous navigation: server CPU per request with / without valve",
                     f"{cv:,.1f} / {cp:,.1f} us = **{cv / cp:,.1f} x** "
                     f"({statistics.median(v[3] for v in data[('valve', anonymous, 'throughput')].values()):,.0f} "
                     f"answers 4xx per {os.environ.get('DURATION', '5s')} round, median)", "info", ""))
        lp, lv = med("plain", anonymous, "latency", 1), med("valve", anonymous, "latency", 1)
        rows.append(("Anonymous navigation: median latency (1 connection)", f"{lv:,.0f} vs {lp:,.0f} us", "info", ""))
    flood = kv(os.path.join(out, "overhead-flood.txt"))
    if "unauthenticated_navigations_per_s" in flood:
        rows.append(("Unauthenticated navigations (pending login + signed redirect)",
                     f"{float(flood['unauthenticated_navigations_per_s']):,.0f} req/s", "info", ""))
with open(os.path.join(out, "chart.dat"), "w") as f:
    f.write("# label, then median min max over rounds of: plain rps, valve rps, plain CPU us/request,"
            " valve CPU us/request, plain p50 us (1 connection), valve p50 us\n")
    for label, *series in chart:
        f.write(f'"{label}" ' + " ".join(f"{m:.1f} {lo:.1f} {hi:.1f}" for m, lo, hi in series) + "\n")

# ------------------------------------------------------------------ cluster (scripts/bench/cluster.sh)
path = os.path.join(out, "cluster.tsv")
if os.path.exists(path):
    c = {}
    errors = collections.Counter()
    for line in open(path).read().splitlines()[1:]:
        r, server, kind, ops, p50, cpu, tc, *rest = line.split("\t")
        c.setdefault((server, kind), {})[r] = (float(ops), float(p50), float(cpu), float(tc))
        errors[server] += int(rest[0]) if rest else 0

    def cmed(server, kind, i):
        return statistics.median(v[i] for v in c[(server, kind)].values())

    def cratio(kind, i):
        values = [c[("cluster", kind)][r][i] / v[i] for r, v in c[("heap", kind)].items()
                  if r in c[("cluster", kind)] and v[i]]
        return statistics.median(values) if values else None

    n = len(c.get(("heap", "throughput"), {}))
    ch, cc, ct = cmed("heap", "throughput", 2), cmed("cluster", "throughput", 2), cmed("cluster", "throughput", 3)
    cr = cratio("throughput", 2)
    rows.append(("Cluster: server CPU per signed-in request, cluster / heap caches (Tomcat + Terracotta)",
                 f"{cc:.1f} (of it Terracotta {ct:.1f}) / {ch:.1f} us = **{cr:.2f} x** (median of {n} rounds)",
                 "<= 1.5 x", verdict(cr <= 1.5)))
    rows.append(("Cluster: signed-in requests/s, cluster / heap caches (wall clock)",
                 f"{cmed('cluster', 'throughput', 0):,.0f} / {cmed('heap', 'throughput', 0):,.0f} req/s", "info", ""))
    lh, lc = cmed("heap", "latency", 1), cmed("cluster", "latency", 1)
    added = statistics.median(c[("cluster", "latency")][r][1] - v[1] for r, v in c[("heap", "latency")].items()
                              if r in c[("cluster", "latency")])
    rows.append(("Cluster: median latency of a signed-in request added by the cluster (1 connection)",
                 f"{lc:.0f} vs {lh:.0f} us: **{added:+.0f} us** (per-round median)", "<= 100 us", verdict(added <= 100)))
    sh, sc = cmed("heap", "signins", 0), cmed("cluster", "signins", 0)
    rows.append(("Cluster: whole sign-ins/s (client on the other CPU), cluster / heap caches",
                 f"{sc:,.0f} / {sh:,.0f} per s; server CPU per sign-in {cmed('cluster', 'signins', 2) / 1000:.2f} "
                 f"(of it Terracotta {cmed('cluster', 'signins', 3) / 1000:.2f}) / {cmed('heap', 'signins', 2) / 1000:.2f} ms"
                 f" = {cratio('signins', 2):.2f} x", "info", ""))
    rows.append(("Cluster: answers that were not 2xx (sessions lost to store timeouts) / failed sign-ins, all rounds",
                 f"cluster {errors['cluster']}, heap {errors['heap']}", "0", verdict(errors["cluster"] == 0)))

# ------------------------------------------------------------------ memory
m = kv(os.path.join(out, "memory-sessions.txt"))
if "bytes_per_session" in m:
    b = float(m["bytes_per_session"])
    rows.append(("Heap per cached session (10 attributes, 5 roles)",
                 f"**{b:,.0f} B** (session object graph {float(m['session_graph_bytes']):,.0f} B + key and cache entry "
                 f"{float(m['cache_entry_bytes']):,.0f} B)", "<= 1 KB", verdict(b <= 1024)))
fl = open(os.path.join(out, "memory-flood.txt")).read() if os.path.exists(os.path.join(out, "memory-flood.txt")) else ""
f = kv(os.path.join(out, "memory-flood.txt"))
if "heap_growth_bytes" in f:
    growth = int(f["heap_growth_bytes"]) / 1024 / 1024
    rows.append(("Flood of 1,000,000 pending logins: heap growth (GC-settled)",
                 f"{growth:.1f} MB, {f['pending_entries_at_end']} entries at the end (limit 50,000)",
                 "bounded by the cache limit", verdict(int(f["pending_entries_at_end"]) <= 50000)))
    survived = re.findall(r"legit_login_followed_by=(\d+) completes=(\w+)", fl)
    outcome = sorted((int(n), c == "true") for n, c in survived)
    safe = max([n for n, _ in outcome if all(ok for m, ok in outcome if m <= n)], default=0)
    lost = min([n for n, _ in outcome if not any(ok for m, ok in outcome if m >= n)], default=None)
    rate = float(kv(os.path.join(out, "overhead-flood.txt")).get("unauthenticated_navigations_per_s", "0"))
    window = f"; at the measured {rate:,.0f} navigations/s, {safe / rate:,.0f} s" if rate and safe else ""
    rows.append(("Flood: a legitimate login started before/during it still completes",
                 f"completes if at most {safe:,} flood requests follow it (chance between that and the "
                 f"50,000 limit), lost if {lost:,} or more do{window}" if lost else str(outcome),
                 "keeps working", verdict(lost is None)))

# ------------------------------------------------------------------ start-up and size
path = os.path.join(out, "startup.tsv")
if os.path.exists(path):
    t = collections.defaultdict(list)
    init = []
    for line in open(path).read().splitlines()[1:]:
        _, kind, ms, class_init, cds = line.split("\t")
        t[(kind, cds)].append(float(ms))
        if kind == "valve" and cds == "0" and class_init:
            init.append(float(class_init))
    plain, valve = statistics.median(t[("plain", "0")]), statistics.median(t[("valve", "0")])
    rows.append(("Tomcat start-up added by the valve (metadata from a file)",
                 f"{valve:.0f} - {plain:.0f} ms = **{valve - plain:+.0f} ms** (medians of {len(t[('valve', '0')])}; "
                 f"of it the valve class's initialisation, its Log4j context: {statistics.median(init):.0f} ms)",
                 "<= 300 ms", verdict(valve - plain <= 300)))
    if t[("valve", "1")]:
        pc, vc = statistics.median(t[("plain", "1")]), statistics.median(t[("valve", "1")])
        rows.append(("Start-up added, both with a dynamic AppCDS archive (operator option)",
                     f"{vc:.0f} - {pc:.0f} ms = {vc - pc:+.0f} ms", "info", ""))
# stock-startup.tsv (scripts/bench/stock-startup.sh): one line per start and figure. Within each round (one
# start of each kind, in rotating order) the difference to the start without the valve is taken; the median
# of those is quoted, next to the medians of each kind. Details per webapp go to stock-startup.md.
path = os.path.join(out, "stock-startup.tsv")
if os.path.exists(path):
    runs = collections.defaultdict(dict)  # (version, webapps, figure) -> {(run, kind): ms}
    loads = collections.defaultdict(list)
    for line in open(path).read().splitlines()[1:]:
        version, webapps, run, kind, figure, ms, load = line.split("\t")
        runs[(version, webapps, figure)][(run, kind)] = float(ms)
        loads[(version, webapps)].append(float(load))
    has_before = any(k == "before" for got in runs.values() for _, k in got)

    def paired(version, webapps, figure, kind="valve", base="plain"):
        got = runs.get((version, webapps, figure), {})
        rounds = sorted(r for r, k in got if k == kind and (r, base) in got)
        a = [got[(r, base)] for r in rounds]
        b = [got[(r, kind)] for r in rounds]
        return a, b, [y - x for x, y in zip(a, b)]

    def med(values):
        return statistics.median(values) if values else float("nan")

    head = "| Tomcat | webapps | figure | without valve | with valve | added (median of per-round differences) |"
    rule = "| --- | --- | --- | ---: | ---: | ---: |"
    if has_before:
        head += " with the earlier valve | it added | rounds |"
        rule += " ---: | ---: | ---: |"
    else:
        head += " rounds |"
        rule += " ---: |"
    detail = [head, rule]
    for version, webapps in sorted({(k[0], k[1]) for k in runs}, key=lambda k: (k[0], k[1] != "one")):
        figures = sorted({k[2] for k in runs if k[:2] == (version, webapps)},
                         key=lambda f: ({"startup": 0, "initialized": 1}.get(f, 2), f))
        for figure in figures:
            plain, valve, diff = paired(version, webapps, figure)
            if not diff:
                continue
            line = f"| {version} | {webapps} | {figure} | {med(plain):.0f} | {med(valve):.0f} | {med(diff):+.0f} |"
            if has_before:
                _, before, bdiff = paired(version, webapps, figure, "before")
                line += f" {med(before):.0f} | {med(bdiff):+.0f} |"
            detail.append(line + f" {len(diff)} |")
        plain, valve, diff = paired(version, webapps, "startup")
        if not diff:
            continue
        _, _, init = paired(version, webapps, "initialized")
        load = loads[(version, webapps)]
        label = "the sample webapp" if webapps == "one" else "the stock webapps + sample + clash"
        figure = (f"{med(plain):.0f} -> {med(valve):.0f} ms, **{med(diff):+.0f} ms** "
                  f"(\"Server startup in\", median of {len(diff)} per-round differences; server.xml reading "
                  f"{med(init):+.0f} ms more")
        if has_before:
            _, _, bdiff = paired(version, webapps, "startup", "before")
            _, _, vb = paired(version, webapps, "startup", "valve", "before")
            figure += f"; the earlier valve in the same rounds {med(bdiff):+.0f} ms, so {med(vb):+.0f} ms"
        figure += f"; load {min(load):.1f}-{max(load):.1f})"
        target = version.startswith("11.") and webapps == "several"
        rows.append((f"Stock Tomcat {version} start-up added by the valve, {label} (metadata from a file)", figure,
                     "<= 300 ms" if target else "info", verdict(med(diff) <= 300) if target else ""))
    open(os.path.join(out, "stock-startup.md"), "w").write("\n".join(detail) + "\n")
j = kv(os.path.join(out, "jar-breakdown.md"))
if "jar_bytes" in j:
    size = int(j["jar_bytes"]) / 1e6
    rows.append(("Drop-in JAR size", f"**{size:.2f} MB** ({j['jar_entries']} entries)", "<= 8 MB", verdict(size <= 8)))
    failed = open(os.path.join(out, "jar-breakdown.md")).read().count("coverage_run_failed=")
    if failed:
        rows.append(("Drop-in JAR: the valve at work (coverage runs)", f"**{failed} run(s) failed to start**, see jar-breakdown.md",
                     "starts", "MISSED"))

lines = ["| measurement | figure | target | verdict |", "| --- | --- | --- | --- |"]
lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
text = "\n".join(lines) + "\n"
open(os.path.join(out, "summary.md"), "w").write(text)
print(text)
