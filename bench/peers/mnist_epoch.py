"""PyTorch CPU on the MNIST epoch of bench/mnist_epoch_ours.ts: the notes' model (784-128-64-10,
ReLU, LogSoftmax, NLLLoss, Adam lr 0.003, batch 64), 2 threads, the same IDX files and the same
batch order (read from the order file), batch assembly included. --model lenet trains the
LeNet-5-style CNN of bench/mnist_setup.ts instead (same loss, optimizer and batches).
Args: --idx DIR --order FILE [--model mlp|lenet] [--batches N|all] [--warmup N].
Prints one JSON object."""
import argparse
import json
import os
import resource
import sys
import time

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:
    print(json.dumps({"skipped": f"PyTorch/NumPy not installed for {sys.executable} ({e})"}))
    sys.exit(0)

BATCH_SIZE = 64
LEARNING_RATE = 0.003
EVAL_CHUNK = 1000


def read_idx(path):
    """An IDX file (uncompressed, unsigned bytes) as a NumPy array."""
    with open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(idx_dir, split):
    images = read_idx(os.path.join(idx_dir, f"{split}-images-idx3-ubyte"))
    labels = read_idx(os.path.join(idx_dir, f"{split}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    return x, torch.from_numpy(labels.astype(np.int64))


def make_model():
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 128),
        nn.ReLU(),
        nn.Linear(128, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
        nn.LogSoftmax(dim=1),
    )


def make_lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
        nn.LogSoftmax(dim=1),
    )


def batches(order, count):
    for b in range(count):
        yield order[b * BATCH_SIZE:(b + 1) * BATCH_SIZE]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--idx", required=True)
    p.add_argument("--order", required=True)
    p.add_argument("--batches", default="all")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--model", default="mlp", choices=["mlp", "lenet"])
    args = p.parse_args()
    make = make_lenet if args.model == "lenet" else make_model

    torch.set_num_threads(2)
    train_x, train_y = load(args.idx, "train")
    test_x, test_y = load(args.idx, "t10k")
    order = torch.from_numpy(np.fromfile(args.order, dtype="<i4").astype(np.int64))
    per_epoch = -(-len(order) // BATCH_SIZE)
    count = per_epoch if args.batches == "all" else min(per_epoch, int(args.batches))
    loss_fn = nn.NLLLoss()

    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    for idx in batches(order, args.warmup):
        opt.zero_grad()
        loss_fn(model(train_x[idx]), train_y[idx]).backward()
        opt.step()

    torch.manual_seed(0)
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    running_loss = 0.0
    start = time.perf_counter()
    for idx in batches(order, count):
        images, labels = train_x[idx], train_y[idx]
        opt.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        opt.step()
        running_loss += loss.item()
    seconds = time.perf_counter() - start

    model.eval()
    with torch.no_grad():
        # The CNN in chunks, as ours (bench/mnist_epoch_ours.ts) does.
        chunks = test_x.split(EVAL_CHUNK) if args.model == "lenet" else [test_x]
        predicted = torch.cat([model(x).argmax(1) for x in chunks])
        accuracy = (predicted == test_y).float().mean().item()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "runner": "PyTorch",
        "version": torch.__version__,
        "batches": count,
        "seconds": seconds,
        "epochSeconds": seconds / count * per_epoch,
        "accuracy": accuracy,
        "meanLoss": running_loss / count,
        "peakRssMiB": peak_mib,
        "detail": f"{torch.get_num_threads()} threads",
    }))


main()
