"""Timing helpers the resident Python peers share (matmul.py, op_overhead.py)."""
import statistics
import time


def calls_to_fill(body, seconds):
    """How many calls of body() take about `seconds` (at least one)."""
    t0 = time.perf_counter()
    body()
    return max(1, round(seconds / max(time.perf_counter() - t0, 1e-7)))


def seconds_per_call(body, warmup, reps, inner):
    """Median over `reps` samples of the mean time of `inner` calls, after `warmup` calls."""
    for _ in range(warmup):
        body()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            body()
        times.append((time.perf_counter() - t0) / inner)
    return statistics.median(times)
