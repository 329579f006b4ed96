#!/usr/bin/env python3
"""compare.py - convscope and PyTorch side by side, in one session: runs
`convscope bench --json` and tests/bench/torch_bench.py --json alternately for a number of
rounds (the same net, lenet-tiny, batch, optimizer and data), and prints every round's
training images/s at 1 and 2 threads, the one-image latency, the sgemm rate and the training
GFLOP/s as a fraction of it, the load average of the machine around each run, the medians
and the ratios convscope / PyTorch.

    /usr/bin/python3 tests/bench/compare.py [--convscope build/convscope] [--rounds 3]
                                            [--seconds 3] [--json]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_json(cmd):
    """Runs cmd, returns (its JSON output, the 1-minute load average before and after)."""
    before = os.getloadavg()[0]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    after = os.getloadavg()[0]
    return json.loads(out.strip().splitlines()[-1]), before, after


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--convscope", default=os.path.join(ROOT, "build", "convscope"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rounds = []
    for r in range(args.rounds):
        ours, l0, l1 = run_json([args.convscope, "bench", "--json", "--seconds", str(args.seconds)])
        theirs, l2, l3 = run_json([sys.executable, os.path.join(HERE, "torch_bench.py"), "--json",
                                   "--seconds", str(args.seconds)])
        rounds.append({
            "convscope_1": ours["train_img_per_s"]["fast_1_thread"],
            "convscope_2": ours["train_img_per_s"]["fast_2_threads"],
            "reference": ours["train_img_per_s"]["reference"],
            "torch_1": theirs["train_img_per_s"]["1_thread"],
            "torch_2": theirs["train_img_per_s"]["2_threads"],
            "convscope_infer_ms": ours["infer_one_image_ms"]["fast"],
            "torch_infer_ms": theirs["infer_one_image_ms"]["1_thread"],
            "sgemm_gflops": ours["sgemm_256_gflops"],
            "sgemm_best_gflops": ours["sgemm_256_best_gflops"],
            "gflops_1": ours["train_gflops"]["fast_1_thread"],
            "fraction_1": ours["train_sgemm_fraction"]["fast_1_thread"],
            "fraction_2": ours["train_sgemm_fraction"]["fast_2_threads"],
            "load": [round(v, 2) for v in (l0, l1, l2, l3)],
        })
    med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0] if k != "load"}
    med["ratio_1"] = med["convscope_1"] / med["torch_1"]
    med["ratio_2"] = med["convscope_2"] / med["torch_2"]
    if args.json:
        print(json.dumps({"rounds": rounds, "median": med, "torch": theirs["torch"],
                          "cpu": ours["cpu"], "mflop_per_train_image":
                          ours["mflop_per_train_image"]}))
        return
    print("lenet-tiny, batch 32, SGD; %s; PyTorch %s; %d rounds of %.1f s per measurement"
          % (ours["cpu"], theirs["torch"], args.rounds, args.seconds))
    rows = [("training img/s, convscope 1 thread", "convscope_1", "%.0f"),
            ("training img/s, PyTorch 1 thread", "torch_1", "%.0f"),
            ("training img/s, convscope 2 threads", "convscope_2", "%.0f"),
            ("training img/s, PyTorch 2 threads", "torch_2", "%.0f"),
            ("training img/s, convscope reference ops", "reference", "%.0f"),
            ("one image, convscope (ms)", "convscope_infer_ms", "%.4f"),
            ("one image, PyTorch (ms)", "torch_infer_ms", "%.4f"),
            ("sgemm 256^3, 1 thread (GFLOP/s, median)", "sgemm_gflops", "%.1f"),
            ("sgemm 256^3, 1 thread (GFLOP/s, best)", "sgemm_best_gflops", "%.1f"),
            ("training GFLOP/s, 1 thread", "gflops_1", "%.1f"),
            ("  of sgemm (median), 1 thread", "fraction_1", "%.3f"),
            ("  of sgemm per thread, 2 threads", "fraction_2", "%.3f")]
    head = "%-42s" % "" + "".join("%12s" % ("round %d" % (i + 1)) for i in range(len(rounds)))
    print(head + "%12s" % "median")
    for name, key, fmt in rows:
        print("%-42s" % name + "".join("%12s" % (fmt % r[key]) for r in rounds)
              + "%12s" % (fmt % med[key]))
    print("%-42s" % "load average (before/after ours, theirs)"
          + "".join("%12s" % "/".join("%.1f" % v for v in r["load"][:2]) for r in rounds))
    print("%-42s" % "" + "".join("%12s" % "/".join("%.1f" % v for v in r["load"][2:])
                                 for r in rounds))
    print("convscope / PyTorch: %.2fx on 1 thread, %.2fx on 2 threads (medians)"
          % (med["ratio_1"], med["ratio_2"]))


if __name__ == "__main__":
    main()
