"""CPython's multiprocessing.Pool, driven by the peers benchmark over JSON lines.

Usage: python3 bench/cpython_pool.py WORKERS
Reads one JSON request per line on stdin and answers one JSON line on stdout with the time the
operation took inside Python ("ms"), so the Node side can interleave it with the other pools.

Requests:
  {"op": "flood", "n": N, "us": US}  N apply_async calls (x*x, or a US microsecond spin), then get()
  {"op": "map", "n": N, "chunksize": C}  Pool.map(square, list(range(N)), C); C null = default
  {"op": "apply", "n": N}  N sequential Pool.apply round trips
  {"op": "start"}  start a new Pool(WORKERS), run one apply, close it (start to first result)
  {"op": "fresh_map", "n": N}  a new Pool(WORKERS), one apply to warm it, then only
      Pool.map(square, list(range(N))) at the default chunksize is timed (a user's first map)
  {"op": "quit"}
"""

import json
import multiprocessing as mp
import sys
import time


def square(x):
    return x * x


def inc(x):
    return x + 1


def spin(us):
    end = time.perf_counter() + us / 1e6
    reads = 0
    while time.perf_counter() < end:
        reads += 1
    return reads


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def handle(pool, workers, req):
    op = req["op"]
    if op == "map":
        xs = list(range(req["n"]))
        t0 = time.perf_counter()
        pool.map(square, xs, req.get("chunksize"))
        return time.perf_counter() - t0
    if op == "fresh_map":
        xs = list(range(req["n"]))
        with mp.Pool(workers) as fresh:
            fresh.apply(inc, (3,))
            t0 = time.perf_counter()
            fresh.map(square, xs)
            return time.perf_counter() - t0
    t0 = time.perf_counter()
    if op == "flood":
        n, us = req["n"], req.get("us", 0)
        if us > 0:
            results = [pool.apply_async(spin, (us,)) for _ in range(n)]
        else:
            results = [pool.apply_async(square, (i,)) for i in range(n)]
        for r in results:
            r.get()
    elif op == "apply":
        for _ in range(req["n"]):
            pool.apply(square, (3,))
    elif op == "start":
        with mp.Pool(workers) as fresh:
            fresh.apply(square, (3,))
    else:
        raise ValueError("unknown op: " + op)
    return time.perf_counter() - t0


def main():
    workers = int(sys.argv[1])
    with mp.Pool(workers) as pool:
        pool.map(square, range(workers * 4), 1)
        reply({
            "ready": True,
            "version": sys.version.split()[0],
            "start_method": mp.get_start_method(),
        })
        for line in sys.stdin:
            req = json.loads(line)
            if req["op"] == "quit":
                break
            try:
                reply({"ms": handle(pool, workers, req) * 1000})
            except Exception as e:  # report, keep serving
                reply({"error": repr(e)})


if __name__ == "__main__":
    main()
