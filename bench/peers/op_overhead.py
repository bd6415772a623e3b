"""PyTorch's per-op overhead on the workload of bench/op_overhead.ts: chains of 8x8
add / mul / matmul with autograd, then sum().backward(). Args: chain_length [--quick].

With --serve it answers one request per stdin line instead (see bench/op_overhead.ts), so the
bench can alternate its samples with ours:
  "version"                  -> {"version": ...}
  "fill op length seconds"   -> {"inner": chains that fill about `seconds`, after warm-up}
  "time op length inner"     -> {"seconds": per chain, over `inner` chains}"""
import json
import math
import sys

from timing import calls_to_fill, seconds_per_call

try:
    import torch
except ImportError as e:
    print(json.dumps({"skipped": f"PyTorch not installed for {sys.executable} ({e})"}))
    sys.exit(0)


def matrix(base):
    def b(i, j):
        return 0.0 if base == "zero" else 1.0 if base == "one" else float(i == j)

    return [[b(i, j) + 0.01 * math.sin(i * 8 + j) for j in range(8)] for i in range(8)]


STEP = {
    "add": lambda y, w: y.add(w),
    "mul": lambda y, w: y.mul(w),
    "matmul": lambda y, w: y.matmul(w),
}
KINDS = ["add", "mul", "matmul"]


def chain_runner(op, length):
    x = torch.tensor(matrix("one"), requires_grad=True)
    w = {
        "add": torch.tensor(matrix("zero"), requires_grad=True),
        "mul": torch.tensor(matrix("one"), requires_grad=True),
        "matmul": torch.tensor(matrix("eye"), requires_grad=True),
    }

    def run():
        y = x
        for i in range(length):
            kind = KINDS[i % 3] if op == "mixed" else op
            y = STEP[kind](y, w[kind])
        y.sum().backward()
        x.grad = None
        for k in KINDS:
            w[k].grad = None

    return run




def serve():
    runners = {}
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "version":
            reply = {"version": torch.__version__}
        else:
            op, length = words[1], int(words[2])
            if (op, length) not in runners:
                runners[(op, length)] = chain_runner(op, length)
            run = runners[(op, length)]
            if words[0] == "fill":
                for _ in range(20):
                    run()
                reply = {"inner": calls_to_fill(run, float(words[3]))}
                for _ in range(5):
                    run()
            else:
                reply = {"seconds": seconds_per_call(run, 0, 1, int(words[3]))}
        print(json.dumps(reply), flush=True)


def main():
    if "--serve" in sys.argv:
        serve()
        return
    length = int(sys.argv[1])
    quick = "--quick" in sys.argv
    us = {}
    for op in ["add", "mul", "matmul", "mixed"]:
        run = chain_runner(op, length)
        for _ in range(20):
            run()
        inner = calls_to_fill(run, 0.05 if quick else 0.2)
        us[op] = seconds_per_call(run, 5, 3 if quick else 7, inner) / length * 1e6
    print(json.dumps({"version": torch.__version__, "usPerOp": us}))


main()
