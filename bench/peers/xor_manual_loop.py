"""PyTorch doing the notes' XOR loop (seed 003 §2) op for op as bench/xor_manual_loop.ts:
a 2-2-1 sigmoid network trained by hand-written backprop with tensor ops, no autograd.
Args: epochs reps. Prints one JSON object."""
import json
import statistics
import sys
import time

try:
    import torch
except ImportError as e:
    print(json.dumps({"skipped": f"PyTorch not installed for {sys.executable} ({e})"}))
    sys.exit(0)

X = [[0, 0], [0, 1], [1, 0], [1, 1]]
Y = [[0], [1], [1], [0]]
W1 = [[0.5, -0.6], [-0.4, 0.7]]
B1 = [[0.1, -0.1]]
W2 = [[0.6], [-0.5]]
B2 = [[0.05]]
LR = 0.5


def train(epochs):
    x = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(Y, dtype=torch.float32)
    w1, b1 = torch.tensor(W1), torch.tensor(B1)
    w2, b2 = torch.tensor(W2), torch.tensor(B2)
    for _ in range(epochs):
        hidden = torch.sigmoid(x.matmul(w1).add(b1))
        out = torch.sigmoid(hidden.matmul(w2).add(b2))
        error = y.sub(out)
        d_out = error.mul(out.mul(torch.sub(1, out)))
        d_hidden = d_out.matmul(w2.T).mul(hidden.mul(torch.sub(1, hidden)))
        w2.add_(hidden.T.matmul(d_out).mul(LR))
        b2.add_(d_out.sum(0, keepdim=True).mul(LR))
        w1.add_(x.T.matmul(d_hidden).mul(LR))
        b1.add_(d_hidden.sum(0, keepdim=True).mul(LR))
    return error.pow(2).mean().item(), out.flatten().tolist()


def main():
    epochs, reps = int(sys.argv[1]), int(sys.argv[2])
    train(200)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        mse, out = train(epochs)
        times.append(time.perf_counter() - t0)
    print(json.dumps({
        "version": torch.__version__,
        "seconds": statistics.median(times),
        "mse": mse,
        "output": out,
    }))


main()
