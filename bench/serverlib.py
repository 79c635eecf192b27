"""Shared by the load scripts (curation_load.py, load_sustained.py): golden questions,
a throw-away data folder with rate limiting off and the index built, and starting
`madoguchi serve` on a free port."""

import csv
import glob
import os
import subprocess
import sys
import tempfile
import time


def golden_rows(pattern):
    """Rows (dicts) of the golden TSV files matching `pattern`, in file order."""
    out = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as f:
            out += list(csv.DictReader(f, delimiter="\t"))
    return out


def prepare(binary, prefix):
    """A fresh data folder and the environment for it: no rate limit (the load comes
    from one client), no knowledge watching, the index built. Returns (data, env)."""
    data = tempfile.mkdtemp(prefix=prefix)
    cfg = os.path.join(data, "madoguchi.toml")
    with open(cfg, "w") as f:
        f.write("[server]\nrate_limit_per_second = 1000000\nrate_limit_burst = 1000000\n"
                "[curation]\nwatch_knowledge = false\n")
    env = dict(os.environ, MADOGUCHI_DATA_DIR=data, MADOGUCHI_CONFIG=cfg)
    subprocess.run([binary, "-q", "index"], env=env, check=True, stdout=subprocess.DEVNULL)
    return data, env


def start(binary, env, data):
    """Starts the server on a free port; returns (process, port). The log
    (`serve.log` in `data`) is appended to, so restarts on the same data keep it."""
    log = open(os.path.join(data, "serve.log"), "a+")
    proc = subprocess.Popen([binary, "serve", "-q", "--addr", "127.0.0.1:0"], env=env,
                            stdout=log, stderr=log)
    start_at = log.tell()
    text = ""
    for _ in range(600):
        log.seek(start_at)
        text = log.read()
        if "serving on http://" in text:
            return proc, int(text.split("serving on http://")[1].split()[0].rsplit(":", 1)[1])
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    sys.exit("the server did not start:\n" + text)
