"""Curation load test: many asks (a share out of scope), then SIGTERM; every abstain
the server acknowledged (HTTP 200 with decision "abstain") must be in the curation
database. Usage (from scripts/load-curation.sh):
    python3 bench/curation_load.py BIN [--asks 20000] [--oos 0.3] [--threads 8]
Prints the numbers and exits 1 when the counts differ or any request failed."""

import argparse
import csv
import glob
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time


def questions(pattern):
    out = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as f:
            out += [row["question"] for row in csv.DictReader(f, delimiter="\t")]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--asks", type=int, default=20000)
    ap.add_argument("--oos", type=float, default=0.3)
    ap.add_argument("--threads", type=int, default=8)
    a = ap.parse_args()

    oos = questions("eval/golden/out_of_scope.tsv")
    ins = [q for p in ("childcare", "mynumber", "health_insurance") for q in questions(f"eval/golden/{p}.tsv")]
    rng = random.Random(7)
    plan = [rng.choice(oos) if rng.random() < a.oos else rng.choice(ins) for _ in range(a.asks)]

    data = tempfile.mkdtemp(prefix="madoguchi-load-")
    cfg = os.path.join(data, "madoguchi.toml")
    with open(cfg, "w") as f:
        f.write("[server]\nrate_limit_per_second = 1000000\nrate_limit_burst = 1000000\n"
                "[curation]\nwatch_knowledge = false\n")
    env = dict(os.environ, MADOGUCHI_DATA_DIR=data, MADOGUCHI_CONFIG=cfg)
    subprocess.run([a.bin, "-q", "index"], env=env, check=True, stdout=subprocess.DEVNULL)
    log = open(os.path.join(data, "serve.log"), "w+")
    proc = subprocess.Popen([a.bin, "serve", "-q", "--addr", "127.0.0.1:0"], env=env, stdout=log, stderr=log)
    port = None
    for _ in range(300):
        log.seek(0)
        text = log.read()
        if "serving on http://" in text:
            port = int(text.split("serving on http://")[1].split()[0].rsplit(":", 1)[1])
            break
        time.sleep(0.1)
    if port is None:
        proc.kill()
        sys.exit("the server did not start:\n" + text)

    counts = {"answer": 0, "suggest": 0, "abstain": 0, "errors": 0}
    lock = threading.Lock()
    chunks = [plan[i::a.threads] for i in range(a.threads)]

    def worker(qs):
        local = {"answer": 0, "suggest": 0, "abstain": 0, "errors": 0}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for q in qs:
            try:
                conn.request("POST", "/v1/ask", json.dumps({"q": q}), {"content-type": "application/json"})
                r = conn.getresponse()
                body = r.read()
                if r.status != 200:
                    local["errors"] += 1
                    continue
                local[json.loads(body)["decision"]] += 1
            except Exception:
                local["errors"] += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            for k, v in local.items():
                counts[k] += v

    started = time.time()
    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - started
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/metrics")
    metrics = conn.getresponse().read().decode()
    dropped = next(int(l.rsplit(" ", 1)[1]) for l in metrics.splitlines()
                   if l.startswith('madoguchi_curation_events_total{outcome="dropped"}'))

    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    db = sqlite3.connect(os.path.join(data, "curation.sqlite3"))
    stored = dict(db.execute("SELECT decision, COUNT(*) FROM asks GROUP BY decision").fetchall())
    daily = dict(db.execute("SELECT metric, SUM(n) FROM daily GROUP BY metric").fetchall())

    print(f"asks sent            {a.asks} ({a.oos:.0%} out of scope) with {a.threads} clients in {elapsed:.1f} s "
          f"({a.asks / elapsed:.0f}/s)")
    print(f"responses            answer {counts['answer']}, suggest {counts['suggest']}, "
          f"abstain {counts['abstain']}, errors {counts['errors']}")
    print(f"queue drops          {dropped}")
    print(f"server exit code     {code} (after SIGTERM)")
    print(f"stored asks          abstain {stored.get('abstain', 0)}, suggest {stored.get('suggest', 0)}, "
          f"answer (below floor) {stored.get('answer', 0)}")
    print(f"daily counters       asks {daily.get('asks', 0)}")
    ok = (counts["errors"] == 0 and code == 0 and dropped == 0
          and stored.get("abstain", 0) == counts["abstain"]
          and stored.get("suggest", 0) == counts["suggest"]
          and daily.get("asks", 0) == a.asks)
    print("OK: every acknowledged abstain is in the database" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
