"""Curation load test: many asks (a share out of scope), then SIGTERM; every abstain
the server acknowledged (HTTP 200 with decision "abstain") must be in the curation
database. With --kill, the server is SIGKILLed halfway, restarted on the same data,
and the database must pass SQLite's integrity check, keep every row written before
the kill, and log everything acknowledged after the restart (events still queued in
memory at the kill are lost by design; their number is reported).
Usage (from scripts/load-curation.sh):
    python3 bench/curation_load.py BIN [--asks 20000] [--oos 0.3] [--threads 8] [--kill]
Prints the numbers and exits 1 when a check fails."""

import argparse
import datetime
import http.client
import json
import os
import random
import signal
import sqlite3
import sys
import threading
import time

from serverlib import golden_rows, prepare, start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--asks", type=int, default=20000)
    ap.add_argument("--oos", type=float, default=0.3)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--kill", action="store_true", help="SIGKILL halfway, restart, check")
    a = ap.parse_args()

    oos = [r["question"] for r in golden_rows("eval/golden/out_of_scope.tsv")]
    ins = [r["question"] for p in ("childcare", "mynumber", "health_insurance")
           for r in golden_rows(f"eval/golden/{p}.tsv")]
    rng = random.Random(7)
    plan = [rng.choice(oos) if rng.random() < a.oos else rng.choice(ins) for _ in range(a.asks)]

    data, env = prepare(a.bin, "madoguchi-load-")
    db_path = os.path.join(data, "curation.sqlite3")

    if a.kill:
        sys.exit(kill_run(a, plan, env, data, db_path))

    proc, port = start(a.bin, env, data)
    started = time.time()
    counts = phase(plan, port, a.threads)
    elapsed = time.time() - started
    dropped = metric(port, 'madoguchi_curation_events_total{outcome="dropped"}')
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    db = sqlite3.connect(db_path)
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


def phase(plan, port, threads, progress=None):
    """Sends `plan` with `threads` keep-alive clients; returns counts by decision."""
    counts = {"answer": 0, "suggest": 0, "abstain": 0, "clarify": 0, "errors": 0}
    lock = threading.Lock()

    def worker(qs):
        local = dict.fromkeys(counts, 0)
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
            if progress is not None:
                progress()
        with lock:
            for k, v in local.items():
                counts[k] += v

    ts = [threading.Thread(target=worker, args=(plan[i::threads],)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return counts


def metric(port, name):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    return next(int(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith(name))


def utc_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def kill_run(a, plan, env, data, db_path):
    """SIGKILL halfway through the first half, restart, send the second half, SIGTERM."""
    half = len(plan) // 2
    proc, port = start(a.bin, env, data)
    sent = [0]
    lock = threading.Lock()

    def tick():
        with lock:
            sent[0] += 1
            if sent[0] == half // 2:
                proc.send_signal(signal.SIGKILL)

    first = phase(plan[:half], port, a.threads, tick)
    proc.wait(timeout=60)
    restart_at = utc_now()
    proc, port = start(a.bin, env, data)
    integrity = sqlite3.connect(db_path).execute("PRAGMA integrity_check").fetchone()[0]
    second = phase(plan[half:], port, a.threads)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    db = sqlite3.connect(db_path)
    count = lambda where: db.execute(f"SELECT COUNT(*) FROM asks WHERE decision = 'abstain' AND {where}",
                                     (restart_at,)).fetchone()[0]
    before, after = count("at < ?"), count("at >= ?")
    print(f"before the kill      acknowledged abstain {first['abstain']}, stored {before}, "
          f"lost in the in-memory queue {first['abstain'] - before}; requests refused by the dead server {first['errors']}")
    print(f"after the restart    integrity_check {integrity}; acknowledged abstain {second['abstain']}, "
          f"stored {after}, errors {second['errors']}, exit code {code} (after SIGTERM)")
    ok = (integrity == "ok" and before <= first["abstain"] and after == second["abstain"]
          and second["errors"] == 0 and code == 0)
    print("OK: the database survived SIGKILL and everything acknowledged after the restart is stored"
          if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    main()
