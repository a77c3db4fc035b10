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
  {"op": "payload", "kind": K, "n": N, "ranges": R, "serial": S}  the payloads suite: items
      built untimed (K upper: N 1 KB strings; derive: N records; primes: the [lo, hi) ranges R),
      then Pool.map(fn, items) at the default chunksize on a new, warmed Pool(WORKERS); with S
      true, map(fn, items) in this process instead (the serial time)
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


ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "


def upper(s):
    return s.upper()


def derive(r):
    return dict(r, total=r["price"] * r["qty"])


def count_primes(bounds):
    count = 0
    for x in range(max(2, bounds[0]), bounds[1]):
        d = 2
        while d * d <= x:
            if x % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def payload_items(req):
    kind = req["kind"]
    if kind == "upper":
        prefixes = (f"{i}:" for i in range(req["n"]))
        return upper, [p + (ALPHABET * 28)[: 1024 - len(p)] for p in prefixes]
    if kind == "derive":
        return derive, [
            {"id": i, "name": f"item {i}", "price": (i % 100) + 0.25, "qty": (i % 7) + 1}
            for i in range(req["n"])
        ]
    if kind == "primes":
        return count_primes, [tuple(r) for r in req["ranges"]]
    raise ValueError("unknown payload kind: " + kind)


def payload(workers, req):
    fn, items = payload_items(req)
    if req.get("serial"):
        t0 = time.perf_counter()
        list(map(fn, items))
        return time.perf_counter() - t0
    with mp.Pool(workers) as fresh:
        fresh.apply(inc, (3,))
        t0 = time.perf_counter()
        fresh.map(fn, items)
        return time.perf_counter() - t0


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
    if op == "payload":
        return payload(workers, req)
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
