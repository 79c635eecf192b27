"""Performance report at growing knowledge sizes (run by scripts/perf-report.sh).

For each size: a knowledge folder grown from the real base (examples/perf_probe.rs
`grow`, in a temporary folder), then with the release binary:
- index build time and peak RSS (`madoguchi index` on an empty data folder), index size;
- cold `madoguchi ask` with the index ready (median of 3);
- server start-up: process start until `/readyz` answers 200 (median of 3);
- server RSS after a warm-up of 2,000 asks over HTTP;
- ask latency per path, p50/p99, from `perf_probe latency` (the real engine, every
  golden question ROUNDS times, grouped by the decision it got; clarify turns from the
  conversation cases).
Writes docs/performance.md (or --out).

Usage: python3 bench/perf_report.py BIN PROBE [--sizes 1000,10000,100000] [--rounds 3]"""

import argparse
import csv
import datetime
import glob
import http.client
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def run_rss(cmd, env):
    """Runs cmd; returns (seconds, peak RSS in kB, stdout), with wait4's rusage."""
    started = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')}")
    return seconds, usage.ru_maxrss, out.decode()


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def golden_mix():
    out = []
    for path in sorted(glob.glob("eval/golden/*.tsv")):
        name = os.path.basename(path)[:-4]
        tenant = name[len("tenant-"):] if name.startswith("tenant-") else None
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                body = {"q": row["question"]}
                if tenant:
                    body["tenant"] = tenant
                out.append(json.dumps(body, ensure_ascii=False))
    return out


def serve_once(binary, env, data, warm=None):
    """Starts the server; returns (seconds until /readyz is 200, RSS kB after warm-up)."""
    log = open(os.path.join(data, "serve.log"), "w+")
    started = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "-q", "--addr", "127.0.0.1:0"], env=env,
                            stdout=log, stderr=log)
    port = None
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                sys.exit("the server stopped:\n" + log.read())
            if port is None:
                log.seek(0)
                text = log.read()
                if "serving on http://" in text:
                    port = int(text.split("serving on http://")[1].split()[0].rsplit(":", 1)[1])
            if port is not None:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    c.request("GET", "/readyz")
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    pass
            if time.perf_counter() - started > 1800:
                sys.exit("the server did not become ready in 30 minutes")
            time.sleep(0.01)
        ready = time.perf_counter() - started
        rss = None
        if warm:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for i in range(2000):
                c.request("POST", "/v1/ask", warm[i % len(warm)].encode(),
                          {"content-type": "application/json"})
                r = c.getresponse()
                r.read()
                if r.status != 200:
                    sys.exit(f"warm-up ask answered {r.status}")
            with open(f"/proc/{proc.pid}/status") as f:
                rss = {k: int(v.split()[0]) for k, _, v in (l.partition(":") for l in f)
                       if k in ("VmRSS", "VmHWM")}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    return ready, rss


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def measure(binary, probe, size, rounds, tmp):
    kdir = os.path.join(tmp, f"kb-{size}")
    data = os.path.join(tmp, f"data-{size}")
    os.makedirs(data)
    subprocess.run([probe, "grow", "knowledge", kdir, str(size)], check=True)
    cfg = os.path.join(data, "madoguchi.toml")
    with open(cfg, "w") as f:
        f.write("[server]\nrate_limit_per_second = 1000000\nrate_limit_burst = 1000000\n")
    env = dict(os.environ, MADOGUCHI_KNOWLEDGE_DIR=kdir, MADOGUCHI_DATA_DIR=data,
               MADOGUCHI_CONFIG=cfg)
    m = {"size": size, "load_before": loadavg()}
    print(f"==> {size} entries: index", file=sys.stderr)
    m["index_s"], m["index_rss_kb"], out = run_rss([binary, "-q", "index"], env)
    m["entries"] = int(out.split("index built: ")[1].split()[0])
    m["index_bytes"] = du(os.path.join(data, "index"))
    print(f"==> {size} entries: cold ask", file=sys.stderr)
    colds = [run_rss([binary, "-q", "ask", "--json", "児童手当はいつ振り込まれますか"], env)
             for _ in range(3)]
    m["cold_ask_s"] = statistics.median(c[0] for c in colds)
    m["cold_ask_rss_kb"] = max(c[1] for c in colds)
    print(f"==> {size} entries: serve start-up and RSS", file=sys.stderr)
    readies = [serve_once(binary, env, data)[0] for _ in range(2)]
    ready, rss = serve_once(binary, env, data, warm=golden_mix())
    m["ready_s"] = statistics.median(readies + [ready])
    m["rss_kb"], m["hwm_kb"] = rss["VmRSS"], rss["VmHWM"]
    print(f"==> {size} entries: latency per path ({rounds} rounds)", file=sys.stderr)
    p = subprocess.run([probe, "latency", "eval/golden", "eval/conversations.tsv", str(rounds)],
                       env=env, check=True, capture_output=True, text=True)
    m["latency"] = json.loads(p.stdout)
    m["load_after"] = loadavg()
    shutil.rmtree(kdir, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)
    print(json.dumps(m), file=sys.stderr)
    return m


def growth(name, values, sizes):
    """One sentence: how `values` grow from the smallest to the largest size."""
    lo, hi = values[0], values[-1]
    s = sizes[-1] / sizes[0]
    if lo <= 0 or hi <= 0:
        return f"{name}: not measured at every size."
    k = math.log(hi / lo) / math.log(s)
    shape = ("stays roughly flat" if k < 0.15 else "grows sublinearly" if k < 0.8
             else "grows roughly linearly" if k < 1.2 else "grows faster than linearly")
    return (f"{name} {shape}: ×{hi / lo:.1f} for ×{s:.0f} entries "
            f"(exponent {k:.2f}).")


def mb(kb):
    return f"{kb / 1024:.0f} MB"


def lat(d):
    return f"{d['p50']:.2f} / {d['p99']:.2f} ({d['n']})" if d.get("n") else "– (0)"


def render(results, rounds, facts):
    sizes = [r["size"] for r in results]
    out = [
        "# Performance",
        "",
        "Generated by `bash scripts/perf-report.sh` (do not edit by hand). Knowledge bases "
        "of each size are grown from the real national base (335 entries) by copying "
        "entries with new ids and a paraphrase swapped in as the question "
        "(`examples/perf_probe.rs grow`), plus the 33 entries of the demo municipality; "
        "they are written to a temporary folder and deleted afterwards. Copies compete "
        "with their originals, so at larger sizes more questions end as `suggest` or "
        "`clarify` than with a real base of that size: the per-path numbers are the "
        "point, not the mix.",
        "",
        f"- machine: {facts['cores']} cores ({facts['cpu']}), {facts['mem']} RAM, "
        f"{facts['os']}; another build was running on the same machine, so the load "
        "average is given per size",
        f"- date: {facts['date']}; commit {facts['commit']}; release build",
        "- build and start-up: `madoguchi index` on an empty data folder (time and peak "
        "RSS), size of `data/index`; cold `madoguchi ask` with the index ready (median of "
        "3); `madoguchi serve` from process start to `/readyz` 200 (median of 3)",
        "- server RSS: after 2,000 warm-up asks over HTTP (golden questions, all paths)",
        f"- latency: `perf_probe latency` opens the real engine and asks each of the "
        f"golden questions (eval/golden, in-scope, out-of-scope, hiragana, the demo "
        f"municipality) {rounds} times after a warm-up pass, one at a time, grouped by the "
        "decision each got; clarify: the conversation cases' first turn when it asks "
        "back, and the reply that settles it (`Engine::converse`). In milliseconds, "
        "p50 / p99 (samples). A single ask never clarifies (only a conversation turn "
        "does). p99 values of several milliseconds at every size are mostly scheduling "
        "noise from the other load on the machine.",
        "",
        "| entries | index build | build peak RSS | index on disk | cold `ask` | start-up → ready | server RSS (peak) | load avg (before → after) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        out.append(
            f"| {r['entries']:,} | {r['index_s']:.1f} s | {mb(r['index_rss_kb'])} | "
            f"{r['index_bytes'] / 1e6:.1f} MB | {r['cold_ask_s']:.2f} s | {r['ready_s']:.2f} s | "
            f"{mb(r['rss_kb'])} ({mb(r['hwm_kb'])}) | {r['load_before']} → {r['load_after']} |")
    out += ["", "| entries | answer | suggest | abstain | clarify turn | clarify reply |",
            "|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        L = r["latency"]
        out.append(f"| {r['entries']:,} | {lat(L['answer'])} | {lat(L['suggest'])} | "
                   f"{lat(L['abstain'])} | "
                   f"{lat(L['clarify_turn'])} | {lat(L['clarify_reply'])} |")
    if len(results) > 1:
        p50 = lambda k: [r["latency"][k].get("p50", 0) for r in results]
        out += ["", "How each grows with the number of entries (smallest to largest size):", ""]
        out += ["- " + growth("Index build time", [r["index_s"] for r in results], sizes),
                "- " + growth("Index size on disk", [r["index_bytes"] for r in results], sizes),
                "- " + growth("Cold `ask` time", [r["cold_ask_s"] for r in results], sizes),
                "- " + growth("Start-up time", [r["ready_s"] for r in results], sizes),
                "- " + growth("Server RSS", [r["rss_kb"] for r in results], sizes),
                "- " + growth("Answer latency (p50)", p50("answer"), sizes),
                "- " + growth("Suggest latency (p50)", p50("suggest"), sizes),
                "- " + growth("Abstain latency (p50)", p50("abstain"), sizes),
                "- " + growth("Clarify turn latency (p50)", p50("clarify_turn"), sizes)]
    return "\n".join(out) + "\n"


def facts():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    return {"cores": os.cpu_count(), "cpu": cpu, "mem": f"{mem:.0f} GiB",
            "os": f"{platform.system()} {platform.release()}",
            "date": f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
            "commit": commit}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("probe")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default="docs/performance.md")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    tmp = tempfile.mkdtemp(prefix="madoguchi-perf-")
    try:
        results = [measure(a.bin, a.probe, s, a.rounds, tmp) for s in sizes]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = render(results, a.rounds, facts())
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
