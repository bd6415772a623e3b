"""NumPy's matmul throughput (float32 sgemm, float64 dgemm) on square matrices, timed as
bench/matmul_ours.ts times ours. Args: n:dtype ... [--quick]. Prints one JSON object.

With --serve it answers one request per stdin line instead, so bench/matmul.ts can alternate
its samples with ours (load on a shared machine then falls on both alike):
  "version"                -> {"version": ...}
  "fill n:dtype seconds mode" -> {"inner": calls that fill about `seconds`, after warm-up}
  "time n:dtype inner mode"   -> {"seconds": per call, over `inner` calls}
where mode "alloc" times a @ b, and "out" np.matmul(a, b, out=c) into a preallocated c."""
import json
import sys

from timing import calls_to_fill, seconds_per_call

try:
    import numpy as np
except ImportError as e:
    print(json.dumps({"skipped": f"NumPy not installed for {sys.executable} ({e})"}))
    sys.exit(0)




def serve():
    rng = np.random.default_rng(0)
    bodies = {}
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "version":
            reply = {"version": np.__version__}
        else:
            key, mode = words[1], words[3]
            if (key, mode) not in bodies:
                n_str, dtype = key.split(":")
                n = int(n_str)
                a = rng.standard_normal((n, n)).astype(dtype)
                b = rng.standard_normal((n, n)).astype(dtype)
                c = np.empty((n, n), dtype=dtype)
                bodies[(key, mode)] = (
                    (lambda a=a, b=b: a @ b)
                    if mode == "alloc"
                    else (lambda a=a, b=b, c=c: np.matmul(a, b, out=c))
                )
            body = bodies[(key, mode)]
            if words[0] == "fill":
                inner = calls_to_fill(body, float(words[2]))
                for _ in range(2):
                    body()
                reply = {"inner": inner}
            else:
                reply = {"seconds": seconds_per_call(body, 0, 1, int(words[2]))}
        print(json.dumps(reply), flush=True)


def main():
    if "--serve" in sys.argv:
        serve()
        return
    quick = "--quick" in sys.argv
    rng = np.random.default_rng(0)
    gflops = {}
    for arg in [a for a in sys.argv[1:] if not a.startswith("--")]:
        n_str, dtype = arg.split(":")
        n = int(n_str)
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        body = lambda: a @ b  # noqa: E731
        inner = calls_to_fill(body, 0.05 if quick else 0.25)
        s = seconds_per_call(body, 2, 3 if quick else 7, inner)
        gflops[arg] = 2 * n**3 / s / 1e9
    print(json.dumps({"version": np.__version__, "gflops": gflops}))


main()
