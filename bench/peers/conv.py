"""PyTorch's conv2d on the workload of bench/conv.ts: batch 64, 32 -> 64 channels, 3x3, padding 1,
28x28, float32, 2 threads; and torch.mm at the size of that convolution's forward GEMM.

It answers one request per stdin line (--serve), so bench/conv.ts can alternate its samples
with ours (load on a shared machine then falls on both alike):
  "version"               -> {"version": ..., "threads": ...}
  "fill case seconds"     -> {"inner": calls that fill about `seconds`, after warm-up}
  "time case inner"       -> {"seconds": per call, over `inner` calls}
where case is "fwdbwd" (forward + backward into input, weight and bias), "fwd" (forward under
no_grad) or "gemm" ([O, C*k*k] @ [C*k*k, N*H*W], the forward as one GEMM)."""
import json
import sys

from timing import calls_to_fill, seconds_per_call

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:
    print(json.dumps({"skipped": f"PyTorch not installed for {sys.executable} ({e})"}))
    sys.exit(0)

N, C, O, K, H, W = 64, 32, 64, 3, 28, 28


def bodies():
    torch.manual_seed(0)
    x = torch.randn(N, C, H, W, requires_grad=True)
    w = torch.randn(O, C, K, K, requires_grad=True)
    b = torch.randn(O, requires_grad=True)
    g = torch.randn(N, O, H, W)
    a = torch.randn(O, C * K * K)
    cols = torch.randn(C * K * K, N * H * W)

    def fwdbwd():
        F.conv2d(x, w, b, padding=1).backward(g)
        x.grad = None
        w.grad = None
        b.grad = None

    def fwd():
        with torch.no_grad():
            F.conv2d(x, w, b, padding=1)

    return {"fwdbwd": fwdbwd, "fwd": fwd, "gemm": lambda: torch.mm(a, cols)}


def serve():
    torch.set_num_threads(2)
    runs = bodies()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "version":
            reply = {"version": torch.__version__, "threads": torch.get_num_threads()}
        else:
            body = runs[words[1]]
            if words[0] == "fill":
                for _ in range(2):
                    body()
                reply = {"inner": calls_to_fill(body, float(words[2]))}
            else:
                reply = {"seconds": seconds_per_call(body, 0, 1, int(words[2]))}
        print(json.dumps(reply), flush=True)


serve()
