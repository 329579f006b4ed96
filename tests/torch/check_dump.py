#!/usr/bin/python3
"""check_dump.py - `convscope dump` against PyTorch on random nets.

Generates random valid net files that use every layer kind and option (conv with symmetric,
per-axis and per-side padding, stride, dilation and groups; deconv with stride, padding,
dilation, output padding and groups; max/avg/L2 pooling with and without explicit stride; relu,
leaky alpha, sigmoid, tanh, abs, softplus beta; lrn size/alpha/beta/k; batchnorm eps/momentum
after a CxHxW tensor and after a flat one; flatten; dense; with and without a final softmax),
runs `convscope dump` on a random input and label in a random mode (--mode eval or train),
rebuilds the same net in PyTorch (float64, from the dumped float32 weights and input) and
compares every layer output, every output gradient, every dW and db, every batchnorm's running
statistics after the pass, the input gradient and the loss. A train-mode dump of a net whose
batchnorm sees one value per channel must be refused (PyTorch refuses it too).

Half of the nets take their weights from `--net F --seed S`, half from a .cnn model file this
script writes (format version 2) with random weights AND biases AND running statistics (the
engine initialises biases to 0 and the statistics to 0 and 1, so the model path is what
exercises them), which also checks the model-file format from the outside.

    /usr/bin/python3 tests/torch/check_dump.py [--convscope build/convscope] [--nets 200]
                                               [--seed 1] [--keep DIR] [--verbose]

Errors are measured per tensor as max|engine - torch| / max(max|torch|, 1); a parameter
gradient (dW, db) is a sum of the layer's dL/dout terms that may cancel (a batchnorm's db
after another batchnorm in training mode sums terms of 30 to about 0.2), so its scale is at
least max|dL/dout| of the layer, the size of the terms it sums. A net passes when every tensor
is below 1e-4 (float32 accumulation against float64). Prints the worst figures,
the closing line "N passed, N failed" and exits 1 on any failure (77 when torch is missing,
so meson counts it as skipped).

Conventions (those of the engine, which PyTorch shares except where said):
  asymmetric conv padding = F.pad then conv2d with padding 0;
  deconv padding (T,B,L,R) = conv_transpose2d with padding 0 and output_padding, then the
  output cropped by T,B,L,R (for symmetric padding this is exactly ConvTranspose2d's padding);
  L2 pooling = sqrt(sum x^2) over the window with gradient x/out, and 0 where out == 0
  (F.lp_pool2d's gradient there is NaN, so the pool is written out here);
  the loss with a final softmax is -log p[label] (grad of the softmax output = -1/p at the
  label), otherwise 1/2 * sum (y - onehot(label))^2 over the flattened output.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover
    print(f"check_dump.py: skipped, {e}")
    sys.exit(77)

TOL = 1e-4
MAX_ELEMS = 3000  # keep every tensor small: the check is about semantics, not speed


# ------------------------------------------------------------------ random nets

def pair_text(a, b):
    return f"{a}" if a == b else f"{a},{b}"


def conv_out(n, lo, hi, k, s, d):
    return (n + lo + hi - d * (k - 1) - 1) // s + 1


def deconv_out(n, lo, hi, k, s, d, op):
    return (n - 1) * s - lo - hi + d * (k - 1) + op + 1


def f32(x):
    return float(np.float32(x))


def fmt_float(x):
    return repr(f32(x))


def batchnorm_keys(rng):
    """Optional eps= and momentum= of a batchnorm line."""
    keys = []
    if rng.random() < 0.3:
        keys.append(f"eps={float(rng.choice([1e-3, 1e-4, 0.01, 1e-5]))}")
    if rng.random() < 0.3:
        keys.append(f"momentum={float(rng.choice([0.0, 0.3, 0.5, 1.0, 0.05]))}")
    return keys


def random_layer(rng, shape, kinds_used):
    """One random spatial layer valid for shape (C, H, W): (text, spec dict, new shape) or
    None when the draw does not fit."""
    c, h, w = shape
    kind = rng.choice(["conv", "conv", "deconv", "maxpool", "avgpool", "l2pool", "relu", "leaky",
                       "sigmoid", "tanh", "abs", "softplus", "lrn", "batchnorm", "batchnorm"])
    # prefer kinds not used yet, so that every net set covers everything quickly
    unused = [k for k in ["conv", "deconv", "maxpool", "avgpool", "l2pool", "relu", "leaky",
                          "sigmoid", "tanh", "abs", "softplus", "lrn", "batchnorm"]
              if k not in kinds_used]
    if unused and rng.random() < 0.5:
        kind = rng.choice(unused)
    spec = {"kind": kind}
    parts = [kind]
    if kind in ("conv", "deconv"):
        # groups: a divisor of the input channels; the outputs a multiple of it
        groups = 1
        if rng.random() < 0.4:
            groups = int(rng.choice([d for d in range(1, c + 1) if c % d == 0]))
        o = groups * int(rng.integers(1, 4 if groups > 1 else 5))
        kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        if rng.random() < 0.5:
            kw = kh
        sh = sw = 1
        if rng.random() < 0.5:
            sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            if rng.random() < 0.5:
                sw = sh
        dh = dw = 1
        if rng.random() < 0.4:
            dh, dw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        pad_form = rng.integers(0, 4)
        if pad_form == 0:
            pt = pb = pl = pr = 0
        elif pad_form == 1:
            pt = pb = pl = pr = int(rng.integers(0, 3))
        elif pad_form == 2:
            pt = pb = int(rng.integers(0, 3))
            pl = pr = int(rng.integers(0, 3))
        else:
            pt, pb, pl, pr = (int(v) for v in rng.integers(0, 3, size=4))
        oph = opw = 0
        if kind == "deconv" and rng.random() < 0.6:
            oph, opw = int(rng.integers(0, sh)), int(rng.integers(0, sw))
        parts.append(str(o))
        parts.append("k=" + pair_text(kh, kw))
        if (sh, sw) != (1, 1) or rng.random() < 0.2:
            parts.append("stride=" + pair_text(sh, sw))
        if pad_form == 3:
            parts.append(f"pad={pt},{pb},{pl},{pr}")
        elif pad_form == 2:
            parts.append(f"pad={pt},{pl}")
        elif pad_form == 1:
            parts.append(f"pad={pt}")
        if (dh, dw) != (1, 1) or rng.random() < 0.2:
            parts.append("dilation=" + pair_text(dh, dw))
        if kind == "deconv" and ((oph, opw) != (0, 0) or rng.random() < 0.2):
            parts.append("outpad=" + pair_text(oph, opw))
        if groups > 1 or rng.random() < 0.1:
            parts.append(f"groups={groups}")
        if kind == "conv":
            oh, ow = conv_out(h, pt, pb, kh, sh, dh), conv_out(w, pl, pr, kw, sw, dw)
        else:
            oh = deconv_out(h, pt, pb, kh, sh, dh, oph)
            ow = deconv_out(w, pl, pr, kw, sw, dw, opw)
        spec.update(o=o, k=(kh, kw), s=(sh, sw), d=(dh, dw), pad=(pt, pb, pl, pr), op=(oph, opw))
        new = (o, oh, ow)
    elif kind in ("maxpool", "avgpool", "l2pool"):
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        if rng.random() < 0.5:
            kw = kh
        parts.append("k=" + pair_text(kh, kw))
        sh, sw = kh, kw
        if rng.random() < 0.5:
            sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            parts.append("stride=" + pair_text(sh, sw))
        spec.update(k=(kh, kw), s=(sh, sw))
        new = (c, (h - kh) // sh + 1, (w - kw) // sw + 1)
    elif kind == "leaky":
        alpha = 0.01
        if rng.random() < 0.7:
            alpha = round(float(rng.uniform(-0.5, 0.5)), 3)
            parts.append(f"alpha={alpha}")
        spec["alpha"] = f32(alpha)
        new = shape
    elif kind == "softplus":
        beta = 1.0
        if rng.random() < 0.7:
            beta = round(float(rng.uniform(0.3, 4.0)), 3)
            parts.append(f"beta={beta}")
        spec["beta"] = f32(beta)
        new = shape
    elif kind == "lrn":
        size = int(rng.integers(1, 6))
        parts.append(f"size={size}")
        alpha, beta, k = 1e-4, 0.75, 1.0
        if rng.random() < 0.7:
            alpha = round(float(rng.uniform(0.01, 2.0)), 3)
            parts.append(f"alpha={alpha}")
        if rng.random() < 0.7:
            beta = round(float(rng.uniform(0.2, 1.5)), 3)
            parts.append(f"beta={beta}")
        if rng.random() < 0.7:
            k = round(float(rng.uniform(0.5, 3.0)), 3)
            parts.append(f"k={k}")
        spec.update(size=size, alpha=f32(alpha), beta=f32(beta), k=f32(k))
        new = shape
    elif kind == "batchnorm":
        parts += batchnorm_keys(rng)
        new = shape
    else:
        new = shape
    if min(new) <= 0 or new[0] * new[1] * new[2] > MAX_ELEMS:
        return None
    return " ".join(parts), spec, new


def random_net(rng, kinds_used):
    """A random valid net: (text, list of layer specs, input shape)."""
    c, h, w = int(rng.integers(1, 4)), int(rng.integers(3, 13)), int(rng.integers(3, 13))
    lines = [f"input {c} {h} {w}  # random net"]
    specs = []
    shape = (c, h, w)
    n_spatial = int(rng.integers(1, 7))
    tries = 0
    while len(specs) < n_spatial and tries < 50:
        tries += 1
        got = random_layer(rng, shape, kinds_used)
        if got is None:
            continue
        text, spec, shape = got
        lines.append(text)
        specs.append(spec)
        kinds_used.add(spec["kind"])
    ending = rng.choice(["dense", "dense", "flat", "none"])
    if ending == "none":
        return "\n".join(lines) + "\n", specs, (c, h, w)
    lines.append("flatten")
    specs.append({"kind": "flatten"})
    if ending == "dense":
        k = int(rng.integers(2, 11))
        if rng.random() < 0.4:
            hidden = int(rng.integers(2, 17))
            lines.append(f"dense {hidden}")
            specs.append({"kind": "dense"})
            if rng.random() < 0.4:
                # BatchNorm1d over the flat hidden layer
                lines.append(" ".join(["batchnorm"] + batchnorm_keys(rng)))
                specs.append({"kind": "batchnorm"})
            act = str(rng.choice(["relu", "tanh", "sigmoid", "leaky alpha=0.2", "abs"]))
            lines.append(act)
            specs.append({"kind": act.split()[0], "alpha": f32(0.2)})
        lines.append(f"dense {k}")
        specs.append({"kind": "dense"})
    if rng.random() < 0.6:
        lines.append("softmax   # the last line")
        specs.append({"kind": "softmax"})
    return "\n".join(lines) + "\n", specs, (c, h, w)


# ------------------------------------------------------------------ model files

def write_model(path, text, params, state):
    """A .cnn file as src/engine/model.h lays it out (version 2: the running statistics after
    the parameters; version 1 when there are none, which the engine still reads)."""
    tb = text.encode()
    p = np.asarray(params, dtype="<f4")
    st = np.asarray(state, dtype="<f4")
    version = 2 if st.size else 1
    hdr = b"CNNSCOPE" + struct.pack("<IIQI", version, len(tb), p.size, st.size)
    hdr += struct.pack("<I", zlib.crc32(hdr))
    body = hdr + tb + p.tobytes() + st.tobytes()
    with open(path, "wb") as f:
        f.write(body + struct.pack("<I", zlib.crc32(body)))


def param_shapes(manifest):
    out = []
    for L in manifest["layers"]:
        if L["params"]:
            out.append(L["param_shapes"]["W"])
            out.append(L["param_shapes"]["b"])
    return out


# ------------------------------------------------------------------ the PyTorch twin

class L2Pool(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k, s):
        out = torch.sqrt(F.avg_pool2d(x * x, k, s) * (k[0] * k[1]))
        ctx.save_for_backward(x, out)
        ctx.k, ctx.s = k, s
        return out

    @staticmethod
    def backward(ctx, dout):
        x, out = ctx.saved_tensors
        safe = torch.where(out > 0, dout / torch.where(out > 0, out, torch.ones_like(out)),
                           torch.zeros_like(out))
        # spread dout/out back over each window (sum pooling's adjoint), then times x
        kh, kw = ctx.k
        spread = F.conv_transpose2d(
            safe.reshape(-1, 1, *safe.shape[2:]),
            torch.ones(1, 1, kh, kw, dtype=x.dtype), stride=ctx.s)
        ph = x.shape[2] - spread.shape[2]
        pw = x.shape[3] - spread.shape[3]
        spread = F.pad(spread, (0, pw, 0, ph)).reshape(x.shape)
        return spread * x, None, None


def torch_layer(L, x, W, b, stats=None, train=False):
    kind = L["kind"]
    if kind == "conv":
        pt, pb, pl, pr = L["pad"]
        x = F.pad(x, (pl, pr, pt, pb))
        return F.conv2d(x, W, b, stride=tuple(L["stride"]), dilation=tuple(L["dilation"]),
                        groups=L["groups"])
    if kind == "deconv":
        pt, pb, pl, pr = L["pad"]
        y = F.conv_transpose2d(x, W, b, stride=tuple(L["stride"]),
                               output_padding=tuple(L["outpad"]), dilation=tuple(L["dilation"]),
                               groups=L["groups"])
        return y[:, :, pt:y.shape[2] - pb, pl:y.shape[3] - pr]
    if kind == "batchnorm":
        # stats: the running mean and variance, updated in place in training mode
        return F.batch_norm(x, stats[0], stats[1], W, b, training=train,
                            momentum=L["momentum"], eps=L["eps"])
    if kind == "maxpool":
        return F.max_pool2d(x, tuple(L["k"]), tuple(L["stride"]))
    if kind == "avgpool":
        return F.avg_pool2d(x, tuple(L["k"]), tuple(L["stride"]))
    if kind == "l2pool":
        return L2Pool.apply(x, tuple(L["k"]), tuple(L["stride"]))
    if kind == "relu":
        return F.relu(x)
    if kind == "leaky":
        return F.leaky_relu(x, L["alpha"])
    if kind == "sigmoid":
        return torch.sigmoid(x)
    if kind == "tanh":
        return torch.tanh(x)
    if kind == "abs":
        return torch.abs(x)
    if kind == "softplus":
        return F.softplus(x, beta=L["beta"], threshold=20)
    if kind == "lrn":
        return F.local_response_norm(x, L["size"], alpha=L["alpha"], beta=L["beta"], k=L["k"])
    if kind == "flatten":
        return x.flatten(1)
    if kind == "dense":
        return F.linear(x, W, b)
    if kind == "softmax":
        return F.softmax(x, dim=1)
    raise ValueError(kind)


def load(d, name):
    return np.load(os.path.join(d, name))


def compare(d, manifest, start_stats):
    """Rebuilds the dumped net in float64 and returns {tensor name: (scaled err, abs err)}.
    start_stats: each batchnorm's running (mean, var) before the pass, in layer order."""
    t = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))
    x = t(load(d, "input.npy"))[None].requires_grad_(True)
    h = x
    outs, params, stats = [], [], []
    train = manifest["mode"] == "train"
    start = iter(start_stats)
    for L in manifest["layers"]:
        W = b = None
        if L["params"]:
            W = t(load(d, L["param_files"]["W"])).requires_grad_(True)
            b = t(load(d, L["param_files"]["b"])).requires_grad_(True)
        params.append((W, b))
        st = None
        if L["kind"] == "batchnorm":
            m0, v0 = next(start)
            st = (t(m0), t(v0))
        stats.append(st)
        h = torch_layer(L, h, W, b, st, train)
        h.retain_grad()
        outs.append(h)
    label = manifest["label"]
    if manifest["loss"]["kind"] == "cross_entropy":
        loss = -torch.log(h[0, label])
    else:
        y = h.flatten(1)[0]
        target = torch.zeros_like(y)
        target[label] = 1.0
        loss = 0.5 * ((y - target) ** 2).sum()
    loss.backward()

    errs = {}

    def err(name, engine, ref, terms=0.0):
        ref = ref.detach().numpy()
        engine = np.asarray(engine, dtype=np.float64).reshape(ref.shape)
        diff = np.abs(engine - ref)
        diff[~np.isfinite(diff) & (engine == ref)] = 0.0  # equal infinities
        a = float(diff.max()) if diff.size else 0.0
        scale = max(float(np.abs(ref[np.isfinite(ref)]).max()) if ref.size else 0.0, 1.0, terms)
        errs[name] = (a / scale, a)

    ld = manifest["loss"]["value"]
    err("loss", np.array([np.inf if ld is None else ld]), loss.detach()[None])
    err("input grad", load(d, "input.grad.npy"), x.grad[0])
    for i, L in enumerate(manifest["layers"]):
        n = L["name"]
        err(n + ".out", load(d, L["out"]), outs[i][0])
        err(n + ".grad", load(d, L["grad"]), outs[i].grad[0])
        if L["params"]:
            g = outs[i].grad[0].detach().numpy()
            terms = float(np.abs(g[np.isfinite(g)]).max()) if g.size else 0.0
            err(n + ".dW", load(d, L["param_files"]["dW"]), params[i][0].grad, terms)
            err(n + ".db", load(d, L["param_files"]["db"]), params[i][1].grad, terms)
            if list(load(d, L["param_files"]["W"]).shape) != L["param_shapes"]["W"]:
                errs[n + ".W shape"] = (1.0, 1.0)
        if L["kind"] == "batchnorm":
            # after the pass: moved by the batch (train) or as they were (eval)
            err(n + ".running_mean", load(d, L["state_files"]["running_mean"]), stats[i][0])
            err(n + ".running_var", load(d, L["state_files"]["running_var"]), stats[i][1])
    return errs


# ------------------------------------------------------------------ main

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--convscope", default=os.path.join(root, "build", "convscope"))
    ap.add_argument("--nets", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="keep each net's files under this directory")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.convscope):
        print(f"check_dump.py: {args.convscope}: no such program (build first, or --convscope)")
        return 1
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(args.seed)
    work = args.keep or tempfile.mkdtemp(prefix="convscope_dump_")
    kinds_used, options_used = set(), set()
    passed = failed = 0
    worst = {}  # category -> (scaled, abs, net index)
    modes_used, refused = set(), 0
    t0 = time.time()
    for i in range(args.nets):
        text, specs, (c, h, w) = random_net(rng, kinds_used)
        d = os.path.join(work, f"net{i:03d}")
        os.makedirs(d, exist_ok=True)
        net_file = os.path.join(d, "net.net")
        with open(net_file, "w") as f:
            f.write(text)
        for line in text.splitlines()[1:]:
            words = line.split("#")[0].split()
            options_used.add(words[0])
            options_used.update(words[0] + " " + kv.split("=")[0] for kv in words[1:] if "=" in kv)
        x = rng.standard_normal((c, h, w)).astype(np.float32)
        np.save(os.path.join(d, "x.npy"), x)
        seed = int(rng.integers(0, 1 << 31))
        use_model = i % 2 == 1
        cmd = [args.convscope, "dump", "--input", os.path.join(d, "x.npy"), "--out",
               os.path.join(d, "dump")]
        if use_model:
            # first learn the parameter shapes from a --net dump, then write random weights
            # and biases into a .cnn and dump from that
            probe = subprocess.run([args.convscope, "dump", "--net", net_file, "--input",
                                    os.path.join(d, "x.npy"), "--label", "0", "--out",
                                    os.path.join(d, "probe")], capture_output=True, text=True)
            if probe.returncode != 0:
                print(f"net {i}: convscope refused a valid net:\n{text}{probe.stderr}")
                failed += 1
                continue
            with open(os.path.join(d, "probe", "manifest.json")) as f:
                probe_manifest = json.load(f)
            shapes = param_shapes(probe_manifest)
            params = np.concatenate([
                (rng.standard_normal(int(np.prod(s))) * 0.5).astype(np.float32)
                for s in shapes]) if shapes else np.zeros(0, np.float32)
            # running statistics of our own: a mean around 0, a variance in [0.3, 2]
            start_stats = [(rng.standard_normal(L["num_features"]).astype(np.float32) * 0.5,
                            rng.uniform(0.3, 2.0, L["num_features"]).astype(np.float32))
                           for L in probe_manifest["layers"] if L["kind"] == "batchnorm"]
            state = np.concatenate([np.concatenate(ms) for ms in start_stats]) \
                if start_stats else np.zeros(0, np.float32)
            model = os.path.join(d, "net.cnn")
            write_model(model, text, params, state)
            cmd += ["--model", model]
            shutil.rmtree(os.path.join(d, "probe"))
        else:
            cmd += ["--net", net_file, "--seed", str(seed)]
        # the label: any class of the flattened last output (from a first dump in eval mode)
        run = subprocess.run(cmd + ["--label", "0"], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"net {i}: convscope dump failed:\n{text}{run.stderr}")
            failed += 1
            continue
        with open(os.path.join(d, "dump", "manifest.json")) as f:
            manifest = json.load(f)
        bns = [L for L in manifest["layers"] if L["kind"] == "batchnorm"]
        if not use_model:
            start_stats = [(np.zeros(L["num_features"]), np.ones(L["num_features"]))
                           for L in bns]
        k = int(np.prod(manifest["layers"][-1]["output_shape"]))
        label = int(rng.integers(0, k))
        mode = "train" if bns and rng.random() < 0.5 else "eval"
        modes_used.add(mode)
        # PyTorch refuses a training-mode batchnorm over one value per channel: so must dump
        if mode == "train" and any(int(np.prod(L["input_shape"][1:])) == 1 for L in bns):
            run = subprocess.run(cmd + ["--label", str(label), "--mode", "train"],
                                 capture_output=True, text=True)
            if run.returncode != 2 or "use --mode eval" not in run.stderr:
                print(f"net {i}: dump --mode train of a batchnorm with one value per channel "
                      f"gave status {run.returncode}, expected a refusal:\n{text}{run.stderr}")
                failed += 1
                continue
            refused += 1
            mode = "eval"
        if label != 0 or mode != "eval":
            run = subprocess.run(cmd + ["--label", str(label), "--mode", mode],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(f"net {i}: convscope dump failed:\n{text}{run.stderr}")
                failed += 1
                continue
            with open(os.path.join(d, "dump", "manifest.json")) as f:
                manifest = json.load(f)
        if manifest["mode"] != mode:
            print(f"net {i}: the manifest says mode {manifest['mode']}, expected {mode}")
            failed += 1
            continue
        errs = compare(os.path.join(d, "dump"), manifest, start_stats)
        bad = {n: e for n, e in errs.items() if not (e[0] <= TOL)}
        for n, (s, a) in errs.items():
            cat = n.split(".", 1)[-1] if n.startswith("L") else n
            kind = manifest["layers"][int(n[1:3])]["kind"] if n.startswith("L") else ""
            key = f"{kind} {cat}".strip()
            if key not in worst or s > worst[key][0]:
                worst[key] = (s, a, i)
        if bad:
            failed += 1
            print(f"net {i} ({'model' if use_model else 'net --seed %d' % seed}, label {label}, "
                  f"mode {mode}) "
                  f"FAILED:\n{text}" + "".join(f"  {n}: scaled {s:.3g}, abs {a:.3g}\n"
                                               for n, (s, a) in sorted(bad.items())))
        else:
            passed += 1
            if args.verbose:
                print(f"net {i}: ok ({len(errs)} tensors)")
        if not args.keep:
            shutil.rmtree(d)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.nets} random nets in {time.time() - t0:.1f} s; layer kinds covered: "
          f"{len(kinds_used | {s for s in options_used if ' ' not in s})}")
    print("options used: " + ", ".join(sorted(o for o in options_used if " " in o)))
    print(f"modes used: {', '.join(sorted(modes_used))}; train-mode dumps of a batchnorm with "
          f"one value per channel refused as expected: {refused}")
    print("worst error per layer kind and tensor (max|engine - torch| / max(max|torch|, 1), "
          "max abs):")
    for key in sorted(worst):
        s, a, i = worst[key]
        print(f"  {key:22s} {s:.3g}  (abs {a:.3g}, net {i})")
    overall = max((v[0] for v in worst.values()), default=0.0)
    print(f"overall worst scaled error {overall:.3g} (tolerance {TOL:g})")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
