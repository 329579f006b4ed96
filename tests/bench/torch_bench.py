#!/usr/bin/env python3
"""torch_bench.py - the PyTorch side of `convscope bench`: the same net (lenet-tiny), the same
batch (32), the same optimizer (SGD lr 0.01, momentum 0.9) and the same data (the first 1024
bundled training digits), with torch.set_num_threads(1) and (2). Prints training images/s
(the median of 6 consecutive half-second windows, as `convscope bench` times its own) and the
median latency of classifying one image. Exits 0 with a 'skipped' message when torch is not
installed.

    /usr/bin/python3 tests/bench/torch_bench.py [--seconds S] [--json]
"""
import gzip
import json
import os
import statistics
import struct
import sys
import time

try:
    import torch
    import torch.nn as nn
except ImportError:
    print("torch_bench: skipped (PyTorch is not installed)")
    sys.exit(0)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BATCH, N_IMAGES, LR, MOMENTUM = 32, 1024, 0.01, 0.9
WINDOWS = 6  # timing windows of one training measurement


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndims = data[3]
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    return dims, data[4 + 4 * ndims:]


def load_data():
    d = os.path.join(ROOT, "assets", "digits")
    try:
        dims, pix = read_idx(os.path.join(d, "train-images-idx3-ubyte.gz"))
        _, lab = read_idx(os.path.join(d, "train-labels-idx1-ubyte.gz"))
        x = torch.frombuffer(bytearray(pix[:N_IMAGES * 784]), dtype=torch.uint8)
        x = x.float().div(255.0).reshape(N_IMAGES, 1, 28, 28)
        y = torch.tensor(list(lab[:N_IMAGES]), dtype=torch.long)
        return x, y, "bundled digits (the first %d training images)" % N_IMAGES
    except OSError:
        g = torch.Generator().manual_seed(1)
        x = torch.rand(N_IMAGES, 1, 28, 28, generator=g)
        y = torch.randint(0, 10, (N_IMAGES,), generator=g)
        return x, y, "synthetic random images (the bundled digits were not found)"


def lenet_tiny():
    # assets/nets/lenet-tiny.net; the softmax is inside CrossEntropyLoss
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10))


def bench_train(x, y, seconds=3.0, warmup=20):
    """Images/s: the median of WINDOWS windows of seconds / WINDOWS, and the windows."""
    torch.manual_seed(1)
    net = lenet_tiny()
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = nn.CrossEntropyLoss()
    batches = N_IMAGES // BATCH
    step, t0, window_first, rates = 0, None, warmup, []
    while True:
        if step == warmup:
            t0 = time.perf_counter()
        i = (step % batches) * BATCH
        opt.zero_grad()
        loss = loss_fn(net(x[i:i + BATCH]), y[i:i + BATCH])
        loss.backward()
        opt.step()
        step += 1
        if step <= warmup + 1:
            continue
        t = time.perf_counter()
        if t - t0 >= seconds / WINDOWS:
            rates.append((step - window_first) * BATCH / (t - t0))
            window_first, t0 = step, t
            if len(rates) == WINDOWS:
                return statistics.median(rates), rates


def bench_infer(x, runs=3000):
    torch.manual_seed(1)
    net = lenet_tiny().eval()
    times = []
    with torch.no_grad():
        for r in range(-runs // 10, runs):
            xi = x[r % N_IMAGES:r % N_IMAGES + 1]
            t0 = time.perf_counter()
            int(torch.softmax(net(xi), dim=1).argmax())
            if r >= 0:
                times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    as_json = "--json" in sys.argv[1:]
    seconds = 3.0
    if "--seconds" in sys.argv[1:]:
        seconds = float(sys.argv[sys.argv.index("--seconds") + 1])
    x, y, what = load_data()
    out = {"torch": torch.__version__, "data": what, "batch": BATCH, "lr": LR,
           "momentum": MOMENTUM, "train_img_per_s": {}, "train_img_per_s_windows": {},
           "infer_one_image_ms": {}}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        key = "%d_thread%s" % (threads, "" if threads == 1 else "s")
        rate, windows = bench_train(x, y, seconds)
        out["train_img_per_s"][key] = round(rate, 1)
        out["train_img_per_s_windows"][key] = [round(r, 1) for r in windows]
        out["infer_one_image_ms"][key] = round(bench_infer(x), 5)
    if as_json:
        print(json.dumps(out))
        return
    print("PyTorch %s, lenet-tiny, batch %d, SGD lr %g momentum %g; data: %s"
          % (torch.__version__, BATCH, LR, MOMENTUM, what))
    print("threads   training img/s (median of %d windows)   inference of one image (median)"
          % WINDOWS)
    for threads in (1, 2):
        key = "%d_thread%s" % (threads, "" if threads == 1 else "s")
        print("  %d       %10.0f                             %8.4f ms"
              % (threads, out["train_img_per_s"][key], out["infer_one_image_ms"][key]))


if __name__ == "__main__":
    main()
