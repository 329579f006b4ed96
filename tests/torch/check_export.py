#!/usr/bin/python3
"""check_export.py - `convscope export` end to end in PyTorch.

For nets on 1x28x28 digits with 10 classes that together use every layer kind and option
(hand-written ones trained briefly by `convscope train`, and random ones from check_dump.py's
generator with random weights and biases written straight into .cnn files):

  - exports the model, runs DIR/check.py and asserts that its output equals `convscope eval`'s
    on the same data, character for character (the accuracy line and the confusion matrix);
  - runs a few test digits through model.py with a hook on every module and compares each
    layer's output (the last one: the logits or probabilities) with the engine's, from
    `convscope dump`, as max|engine - torch| / max(max|torch|, 1) <= 1e-4 (float32 on both
    sides);
  - checks weights.npz: numpy.load reads it, zipfile finds every CRC-32 right, and each array
    equals the dump's W and b bit for bit.

One model is also checked with --json and --limit, and on a second data folder holding the
test split as float32 IDX files, plain and with the dotted spelling, in a folder whose name
says "fashion" (the class names change).

    /usr/bin/python3 tests/torch/check_export.py [--convscope build/convscope] [--random 6]
                                                 [--seed 1] [--keep DIR]

Prints the figures, the closing line "N passed, N failed", exits 1 on any failure and 77 when
torch is missing (meson counts that as skipped).
"""
import argparse
import gzip
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile

try:
    import numpy as np
    import torch
except ImportError as e:  # pragma: no cover
    print(f"check_export.py: skipped, {e}")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_dump  # noqa: E402  (the random-net generator and the .cnn writer)

TOL = 1e-4
DIGITS_PER_MODEL = 3

# Hand-written nets: together every layer kind, and every option of each; trained on 3000
# digits for one epoch with these options (to 94%, 78% and 53% test accuracy)
TRAIN = {"lenet": [], "sides": [], "sse": ["--optimizer", "adam", "--lr", "0.01"], "groups_bn": []}
NETS = {
    "lenet": """input 1 28 28
conv 6 k=5 pad=2
relu
maxpool k=2
conv 12 k=5
relu
maxpool k=2
flatten
dense 10
softmax
""",
    "sides": """input 1 28 28
conv 4 k=3 pad=1,2,0,1        # per-side padding
leaky alpha=0.1
avgpool k=3 stride=2
deconv 3 k=3 stride=2 pad=1 outpad=1
tanh
l2pool k=2
conv 5 k=5,3 stride=2,1 pad=1,0 dilation=1,2
abs
deconv 2 k=2 stride=2 pad=0,1,1,0   # per-side deconv padding: a crop
softplus beta=2
maxpool k=3 stride=2
lrn size=3 alpha=0.5 beta=0.6 k=2
flatten
dense 32
relu
dense 10
softmax
""",
    "sse": """input 1 28 28     # no softmax: trained on 1/2 sum (y - t)^2
conv 4 k=4 stride=2 dilation=2 pad=3
softplus
l2pool k=3,2 stride=2,3
lrn size=2
deconv 2 k=3,2 stride=1,2 outpad=0,1 dilation=2,1
leaky
avgpool k=2,3
flatten
tanh
dense 16
abs
dense 10
sigmoid
""",
    "groups_bn": """input 1 28 28     # grouped conv and deconv, batchnorm after (C, H, W) and after flat
conv 4 k=3 pad=1
batchnorm
relu
conv 8 k=3 stride=2 groups=4
batchnorm eps=0.001 momentum=0.3
relu
deconv 4 k=2 stride=2 groups=4
maxpool k=2
conv 4 k=3 groups=4           # depthwise
maxpool k=2
flatten
dense 32
batchnorm momentum=0.05
relu
dense 10
softmax
""",
}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def load_digits(folder, n):
    """The first n test digits as the engine feeds them (byte * (1/255) in float32)."""
    with gzip.open(os.path.join(folder, "t10k-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    with gzip.open(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    count, h, w = struct.unpack(">3I", raw[4:16])
    images = np.frombuffer(raw, np.uint8, count * h * w, 16).reshape(count, h, w)
    x = images[:n].astype(np.float32) * (np.float32(1.0) / np.float32(255.0))
    return x, labels[:n]


def float_fashion_folder(digits, work):
    """The test split as float32 IDX (plain; labels in the dotted spelling, gzipped) in a
    folder named like Fashion-MNIST's, so both programs print the garment names."""
    d = os.path.join(work, "data-fashion-float")
    os.makedirs(d, exist_ok=True)
    with gzip.open(os.path.join(digits, "t10k-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    count, h, w = struct.unpack(">3I", raw[4:16])
    px = np.frombuffer(raw, np.uint8, count * h * w, 16).astype(np.float64)
    vals = np.sqrt(px / 255.0).astype(">f4")  # not the byte scaling: the stored floats count
    with open(os.path.join(d, "t10k-images-idx3-ubyte"), "wb") as f:
        f.write(bytes([0, 0, 0x0D, 3]) + struct.pack(">3I", count, h, w) + vals.tobytes())
    shutil.copy(os.path.join(digits, "t10k-labels-idx1-ubyte.gz"),
                os.path.join(d, "t10k-labels.idx1-ubyte.gz"))
    return d


def layer_outputs(net, x):
    """{layer index: output} of model.py's Net on x: a layer's output is that of the last
    module whose name starts with its L-name (L03 then L03crop; L03pad comes before)."""
    outs = {}
    hooks = []
    for name, module in net.named_children():
        k = int(name[1:3])
        hooks.append(module.register_forward_hook(
            lambda m, i, o, k=k: outs.__setitem__(k, o.detach().numpy().copy())))
    with torch.no_grad():
        net(torch.from_numpy(x))
    for h in hooks:
        h.remove()
    return outs


def import_model(d):
    spec = importlib.util.spec_from_file_location(f"model_{abs(hash(d))}",
                                                  os.path.join(d, "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Checker:
    def __init__(self, args, work, digits):
        self.args, self.work, self.digits = args, work, digits
        self.passed = self.failed = 0
        self.worst = {}  # layer kind -> scaled error
        self.rows = []  # (name, eval accuracy line, same?)
        self.x, self.labels = load_digits(digits, DIGITS_PER_MODEL)
        self.all_x, _ = load_digits(digits, 2000)
        self.gaps = {}  # model -> the smallest gap between its two largest outputs
        self.env = dict(os.environ, OMP_NUM_THREADS="1")

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAILED: {what}")
        return ok

    def model(self, name, cnn, extra=False):
        """Every check on one model file."""
        cs = self.args.convscope
        out = os.path.join(self.work, name + ".export")
        r = run([cs, "export", "--model", cnn, "--out", out])
        if not self.check(r.returncode == 0, f"{name}: export failed: {r.stderr}"):
            return
        # check.py against eval, character for character
        datas = [self.digits] + ([float_fashion_folder(self.digits, self.work)] if extra else [])
        for data in datas:
            ev = run([cs, "eval", "--model", cnn, "--data", data])
            ck = run([sys.executable, os.path.join(out, "check.py"), "--data", data],
                     env=self.env)
            first = ev.stdout.splitlines()[0] if ev.stdout else ev.stderr
            same = ev.returncode == 0 and ck.returncode == 0 and ev.stdout == ck.stdout
            self.rows.append((name + ("" if data == self.digits else " (float, fashion)"),
                              first.split(": ", 1)[-1], same))
            self.check(same, f"{name}: check.py differs from eval on {data}:\n"
                       f"eval:\n{ev.stdout}{ev.stderr}check.py:\n{ck.stdout}{ck.stderr}")
        if extra:
            for opts in (["--json"], ["--limit", "300"], ["--json", "--limit", "7"]):
                ev = run([cs, "eval", "--model", cnn, "--data", self.digits] + opts)
                ck = run([sys.executable, os.path.join(out, "check.py"), "--data", self.digits]
                         + opts, env=self.env)
                self.check(ev.returncode == 0 and ev.stdout == ck.stdout,
                           f"{name} {opts}: eval {ev.stdout!r} != check.py {ck.stdout!r} "
                           f"{ck.stderr}")
            # data it cannot read: both name the file, both fail
            bad = os.path.join(self.work, "data-bad")
            os.makedirs(bad, exist_ok=True)
            shutil.copy(os.path.join(self.digits, "t10k-labels-idx1-ubyte.gz"), bad)
            with open(os.path.join(bad, "t10k-images-idx3-ubyte"), "wb") as f:
                f.write(bytes([0, 0, 8, 3]) + struct.pack(">3I", 2000, 28, 28) + bytes(100))
            for data in (os.path.join(self.work, "nowhere"), bad):
                ev = run([cs, "eval", "--model", cnn, "--data", data])
                ck = run([sys.executable, os.path.join(out, "check.py"), "--data", data],
                         env=self.env)
                self.check(ev.returncode == 1 and ck.returncode == 1 and ck.stdout == "" and
                           ck.stderr.startswith("check.py: " + data),
                           f"{name}: unreadable {data}: eval {ev.returncode} {ev.stderr!r}, "
                           f"check.py {ck.returncode} {ck.stderr!r}")
        # weights.npz: a sound zip that numpy reads
        npz_path = os.path.join(out, "weights.npz")
        with zipfile.ZipFile(npz_path) as z:
            self.check(z.testzip() is None, f"{name}: weights.npz has a bad CRC")
        arrays = dict(np.load(npz_path))
        # every layer's output against the engine's, and the arrays against the dump's
        mod = import_model(out)
        net = mod.load()
        outs = layer_outputs(net, self.x[:, None])
        # how close a call the closest test digit is: the smallest gap between the two largest
        # outputs, against float rounding (~1e-7) that could flip it
        with torch.no_grad():
            y = np.sort(net(torch.from_numpy(self.all_x[:, None])).numpy(), axis=1)
        self.gaps[name] = float((y[:, -1] - y[:, -2]).min())
        for j in range(len(self.x)):
            np.save(os.path.join(self.work, "x.npy"), self.x[j][None])
            dump = os.path.join(self.work, f"{name}.dump{j}")
            r = run([cs, "dump", "--model", cnn, "--input", os.path.join(self.work, "x.npy"),
                     "--label", str(int(self.labels[j])), "--out", dump])
            if not self.check(r.returncode == 0, f"{name}: dump failed: {r.stderr}"):
                return
            with open(os.path.join(dump, "manifest.json")) as f:
                manifest = json.load(f)
            self.check(len(outs) == len(manifest["layers"]),
                       f"{name}: model.py has {len(outs)} layers, the engine "
                       f"{len(manifest['layers'])}")
            for k, L in enumerate(manifest["layers"]):
                eng = np.load(os.path.join(dump, L["out"]))
                ref = outs[k][j]
                if not self.check(eng.shape == ref.shape,
                                  f"{name} L{k:02d} {L['kind']}: shape {ref.shape} in PyTorch, "
                                  f"{eng.shape} in the engine"):
                    continue
                diff = float(np.abs(eng.astype(np.float64) - ref).max())
                scaled = diff / max(float(np.abs(ref).max()), 1.0)
                self.worst[L["kind"]] = max(self.worst.get(L["kind"], 0.0), scaled)
                self.check(scaled <= TOL, f"{name} L{k:02d} {L['kind']} on digit {j}: scaled "
                           f"error {scaled:.3g} (abs {diff:.3g})")
                if j == 0 and L["params"]:
                    for key, f in (("weight", "W"), ("bias", "b")):
                        mine = arrays.get(f"L{k:02d}.{key}")
                        theirs = np.load(os.path.join(dump, L["param_files"][f]))
                        self.check(mine is not None and mine.dtype == np.float32 and
                                   np.array_equal(mine, theirs),
                                   f"{name} L{k:02d}.{key} differs from the dump's {f}")
                if j == 0 and L["kind"] == "batchnorm":
                    # the running statistics an eval-mode pass used, as exported
                    for key, f in L["state_files"].items():
                        mine = arrays.get(f"L{k:02d}.{key}")
                        theirs = np.load(os.path.join(dump, f))
                        self.check(mine is not None and np.array_equal(mine, theirs),
                                   f"{name} L{k:02d}.{key} differs from the dump's {f}")
                    self.check(f"L{k:02d}.num_batches_tracked" in arrays,
                               f"{name} L{k:02d}: no num_batches_tracked in weights.npz")
            shutil.rmtree(dump)
        self.check(sorted(arrays) == sorted(net.state_dict()),
                   f"{name}: weights.npz names {sorted(arrays)}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--convscope", default=os.path.join(root, "build", "convscope"))
    ap.add_argument("--random", type=int, default=6, help="random nets besides the fixed ones")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="keep the files under this directory")
    args = ap.parse_args()
    args.convscope = os.path.abspath(args.convscope)
    if not os.path.exists(args.convscope):
        print(f"check_export.py: {args.convscope}: no such program (build first, or --convscope)")
        return 1
    torch.set_num_threads(1)
    digits = os.path.join(root, "assets", "digits")
    work = args.keep or tempfile.mkdtemp(prefix="convscope_export_")
    os.makedirs(work, exist_ok=True)
    ck = Checker(args, work, digits)
    t0 = time.time()
    kinds = set()
    # the hand-written nets, trained briefly
    for name, text in NETS.items():
        net_file = os.path.join(work, name + ".net")
        with open(net_file, "w") as f:
            f.write(text)
        cnn = os.path.join(work, name + ".cnn")
        r = run([args.convscope, "train", "--net", net_file, "--data", digits, "--limit", "3000",
                 "--epochs", "1", "--seed", "3", "--threads", "1", "--save", cnn] + TRAIN[name])
        if not ck.check(r.returncode == 0, f"{name}: train failed: {r.stderr}"):
            continue
        kinds.update(line.split()[0] for line in text.splitlines()[1:] if line.strip())
        ck.model(name, cnn, extra=name == "sides")
    # random nets with random weights and biases
    rng = np.random.default_rng(args.seed)
    used = set()
    for i in range(args.random):
        lines, shape = ["input 1 28 28"], (1, 28, 28)
        for _ in range(int(rng.integers(1, 5))):
            got = None
            for _ in range(50):
                got = check_dump.random_layer(rng, shape, used)
                if got:
                    break
            if not got:
                break
            text, spec, shape = got
            lines.append(text)
            used.add(spec["kind"])
        lines += ["flatten", "dense 10"] + (["softmax"] if rng.random() < 0.5 else [])
        text = "\n".join(lines) + "\n"
        kinds.update(line.split()[0] for line in lines[1:])
        name = f"random{i}"
        net_file = os.path.join(work, name + ".net")
        with open(net_file, "w") as f:
            f.write(text)
        probe = os.path.join(work, name + ".probe")
        np.save(os.path.join(work, "x.npy"), ck.x[0][None])
        r = run([args.convscope, "dump", "--net", net_file, "--input",
                 os.path.join(work, "x.npy"), "--label", "0", "--out", probe])
        if not ck.check(r.returncode == 0, f"{name}: convscope refused\n{text}{r.stderr}"):
            continue
        with open(os.path.join(probe, "manifest.json")) as f:
            manifest = json.load(f)
        n_params = manifest["param_count"]
        shutil.rmtree(probe)
        # running statistics of our own: a mean around 0, a variance in [0.3, 2]
        state = [np.concatenate([rng.standard_normal(L["num_features"]) * 0.5,
                                 rng.uniform(0.3, 2.0, L["num_features"])]).astype("<f4")
                 for L in manifest["layers"] if L["kind"] == "batchnorm"]
        cnn = os.path.join(work, name + ".cnn")
        check_dump.write_model(cnn, text, (rng.standard_normal(n_params) * 0.3).astype("<f4"),
                               np.concatenate(state) if state else np.zeros(0, "<f4"))
        ck.model(name, cnn)
    all_kinds = {"conv", "deconv", "maxpool", "avgpool", "l2pool", "relu", "leaky", "sigmoid",
                 "tanh", "abs", "softplus", "lrn", "flatten", "dense", "softmax", "batchnorm"}
    ck.check(all_kinds <= kinds, f"layer kinds not covered: {sorted(all_kinds - kinds)}")
    print(f"{len(NETS)} trained and {args.random} random models in {time.time() - t0:.1f} s; "
          f"layer kinds covered: {len(kinds & all_kinds)} of {len(all_kinds)}")
    print("convscope eval against check.py (the PyTorch model) on the 2000 test digits; the closest\n"
          "call is the smallest gap between a digit's two largest outputs (in PyTorch):")
    for name, line, same in ck.rows:
        gap = f"closest call {ck.gaps[name]:.2g}" if name in ck.gaps else ""
        print(f"  {name:24s} {line:46s} {'same' if same else 'DIFFERENT':9s} {gap}")
    print("worst layer output error, engine against PyTorch (max|diff| / max(max|torch|, 1)):")
    for kind in sorted(ck.worst):
        print(f"  {kind:10s} {ck.worst[kind]:.3g}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main())
