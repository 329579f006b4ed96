#!/usr/bin/python3
"""fuzz_dump.py - an independent acceptance check of `convscope dump` against PyTorch.

Written apart from check_dump.py on purpose: its own net generator, its own shape arithmetic,
its own .cnn writer and its own PyTorch twin, built from the layer options THIS script wrote
into the net text (not from the engine's manifest), so that a parser mistake shows up as a
mismatch instead of being copied into the reference.

The generator writes every syntax form the brief allows: k=K|KH,KW, stride=S|SH,SW,
pad=P|PH,PW|T,B,L,R, dilation=D|DH,DW, deconv outpad=Q|QH,QW, conv and deconv groups=G
(depthwise included), pooling with and without stride, leaky/softplus with and without their
parameter, lrn with any subset of its optional keys, batchnorm with any subset of eps= and
momentum=, keys in any order, comments (whole-line and trailing, with and without a space),
blank and whitespace-only lines, tabs, runs of spaces, CRLF line ends, a missing final newline;
and net shapes: with and without a final softmax, single-layer nets, dense-only nets, deconv
after conv, lrn after pooling, batchnorm after a conv and after a dense layer, softmax straight
after flatten, outputs that are not flat.

Each net is dumped with a .npy input (as (C,H,W), (1,C,H,W) or (H,W)) and, when the input has
1 or 3 channels, also with a PGM/PPM image; weights come from --net --seed (zero biases) or
from a .cnn file written here (format version 2, or 1 when the net has no batchnorm) with
random weights, biases and running statistics. A net with batchnorm is dumped in a random mode
(--mode eval, the default, or --mode train); a train-mode dump whose batchnorm would see one
value per channel must be refused, as PyTorch refuses it. Compared: every layer's output and
output gradient, W, b, dW, db, every batchnorm's running statistics after the pass, the input
gradient and the loss. The loss is the mean over the batch (batch 1): -log p[label] after a
final softmax, else 1/2 sum (y - onehot)^2.

    /usr/bin/python3 tests/torch/fuzz_dump.py --convscope BUILD/convscope [--nets 300]
                                               [--seed 7] [--keep DIR]

Error of a tensor: max|engine - torch| / max(max|torch|, 1e-3), torch in float64 (for dW and
db the scale is at least max|dL/dout| of the layer, the terms they sum). A tensor
passes when its error is below 2e-4, or when the engine is no further from float64 than 4x
the same PyTorch net run in float32 (cancellation such as p - 1 for p near 1 costs float32
the same digits in both). Exit 1 on a failure, 77 without torch.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover
    print(f"fuzz_dump.py: skipped, {e}")
    sys.exit(77)

TOL = 2e-4
LIMIT = 2500  # elements of any one tensor: small nets, many of them


# ------------------------------------------------------------------ the generator

class Gen:
    def __init__(self, rng):
        self.r = rng

    def chance(self, p):
        return self.r.random() < p

    def int(self, lo, hi):  # inclusive
        return int(self.r.integers(lo, hi + 1))

    def pair(self, key, a, b, allow_single=True):
        """key=A or key=A,B (the single form only when a == b)."""
        if a == b and allow_single and self.chance(0.7):
            return f"{key}={a}"
        return f"{key}={a},{b}"

    def sep(self):
        return self.r.choice([" ", " ", " ", "  ", "\t", " \t "])

    def join(self, words):
        out = words[0]
        for w in words[1:]:
            out += self.sep() + w
        return out

    def fnum(self, x):
        """a float written in one of the ways strtof reads: 0.5, .5, 5e-1."""
        f = self.r.choice(["plain", "plain", "exp", "short"])
        if f == "exp":
            return f"{x:.4e}"
        s = repr(x)
        if f == "short" and s.startswith("0."):
            return s[1:]
        return s


def conv_len(n, lo, hi, k, s, d):
    return (n + lo + hi - d * (k - 1) - 1) // s + 1


def deconv_len(n, lo, hi, k, s, d, op):
    return (n - 1) * s - lo - hi + d * (k - 1) + op + 1


def batchnorm_words(g):
    """A batchnorm line with any subset of its keys: (words, spec)."""
    sp = {"kind": "batchnorm", "eps": 1e-5, "momentum": 0.1}
    keys = []
    if g.chance(0.4):
        sp["eps"] = float(np.float32(g.r.choice([1e-3, 1e-4, 0.01, 0.1, 2e-5])))
        keys.append("eps=" + g.fnum(sp["eps"]))
    if g.chance(0.4):
        sp["momentum"] = float(np.float32(g.r.choice([0.0, 0.25, 0.5, 1.0, 0.01, 0.9])))
        keys.append("momentum=" + g.fnum(sp["momentum"]))
    g.r.shuffle(keys)
    return ["batchnorm"] + keys, sp


def spatial_layer(g, shape, prev):
    """A random layer for input shape (C, H, W): (words, spec, new shape) or None."""
    c, h, w = shape
    kinds = ["conv", "conv", "deconv", "maxpool", "avgpool", "l2pool", "relu", "leaky",
             "sigmoid", "tanh", "abs", "softplus", "lrn", "batchnorm"]
    kind = str(g.r.choice(kinds))
    # the combinations the brief names: deconv after conv, lrn after pooling
    if prev == "conv" and g.chance(0.2):
        kind = "deconv"
    if prev in ("maxpool", "avgpool", "l2pool") and g.chance(0.3):
        kind = "lrn"
    if prev in ("conv", "deconv") and g.chance(0.25):
        kind = "batchnorm"
    sp = {"kind": kind}
    keys = []
    if kind in ("conv", "deconv"):
        # groups: 1, or a divisor of C (C itself: depthwise), O a multiple of it
        groups = 1
        if g.chance(0.4):
            groups = int(g.r.choice([d for d in range(1, c + 1) if c % d == 0]))
        o = groups * g.int(1, 3) if groups > 1 else g.int(1, 4)
        kh = g.int(1, 4)
        kw = kh if g.chance(0.5) else g.int(1, 4)
        sh = sw = 1
        if g.chance(0.5):
            sh = g.int(1, 3)
            sw = sh if g.chance(0.5) else g.int(1, 3)
        dh = dw = 1
        if g.chance(0.35):
            dh = g.int(1, 3)
            dw = dh if g.chance(0.5) else g.int(1, 3)
        form = g.int(0, 3)
        if form == 0:
            pad = (0, 0, 0, 0)
        elif form == 1:
            p = g.int(0, 2)
            pad = (p, p, p, p)
        elif form == 2:
            ph, pw = g.int(0, 2), g.int(0, 2)
            pad = (ph, ph, pw, pw)
        else:
            pad = tuple(g.int(0, 2) for _ in range(4))
        oph = opw = 0
        if kind == "deconv" and g.chance(0.6):
            # PyTorch: smaller than the stride or than the dilation, per axis
            oph, opw = g.int(0, max(sh, dh) - 1), g.int(0, max(sw, dw) - 1)
        keys.append(g.pair("k", kh, kw))
        if (sh, sw) != (1, 1) or g.chance(0.15):
            keys.append(g.pair("stride", sh, sw))
        if form == 1 or (form == 0 and g.chance(0.15)):
            keys.append(f"pad={pad[0]}")
        elif form == 2:
            keys.append(f"pad={pad[0]},{pad[2]}")
        elif form == 3:
            keys.append("pad=" + ",".join(map(str, pad)))
        if (dh, dw) != (1, 1) or g.chance(0.15):
            keys.append(g.pair("dilation", dh, dw))
        if kind == "deconv" and ((oph, opw) != (0, 0) or g.chance(0.15)):
            keys.append(g.pair("outpad", oph, opw))
        if groups > 1 or g.chance(0.1):
            keys.append(f"groups={groups}")
        if kind == "conv":
            oh, ow = conv_len(h, pad[0], pad[1], kh, sh, dh), conv_len(w, pad[2], pad[3], kw, sw, dw)
        else:
            oh = deconv_len(h, pad[0], pad[1], kh, sh, dh, oph)
            ow = deconv_len(w, pad[2], pad[3], kw, sw, dw, opw)
        sp.update(o=o, k=(kh, kw), s=(sh, sw), d=(dh, dw), pad=pad, op=(oph, opw), groups=groups)
        words = [kind, str(o)]
        new = (o, oh, ow)
    elif kind in ("maxpool", "avgpool", "l2pool"):
        kh = g.int(1, 3)
        kw = kh if g.chance(0.5) else g.int(1, 3)
        sh, sw = kh, kw
        keys.append(g.pair("k", kh, kw))
        if g.chance(0.5):
            sh = g.int(1, 3)
            sw = sh if g.chance(0.5) else g.int(1, 3)
            keys.append(g.pair("stride", sh, sw))
        sp.update(k=(kh, kw), s=(sh, sw))
        words = [kind]
        if h < kh or w < kw:
            return None
        new = (c, (h - kh) // sh + 1, (w - kw) // sw + 1)
    elif kind == "leaky":
        a = 0.01
        if g.chance(0.6):
            a = float(np.float32(g.r.choice([0.2, 0.1, -0.3, 1.5, 0.0, round(g.r.uniform(-1, 1), 4)])))
            keys.append("alpha=" + g.fnum(a))
        sp["alpha"] = a
        words = [kind]
        new = shape
    elif kind == "softplus":
        b = 1.0
        if g.chance(0.6):
            b = float(np.float32(round(g.r.uniform(0.2, 5.0), 3)))
            keys.append("beta=" + g.fnum(b))
        sp["beta"] = b
        words = [kind]
        new = shape
    elif kind == "batchnorm":
        words, sp = batchnorm_words(g)
        new = shape
    elif kind == "lrn":
        size = g.int(1, 6)
        keys.append(f"size={size}")
        vals = {"alpha": 1e-4, "beta": 0.75, "k": 1.0}
        for key, lo, hi in (("alpha", 0.01, 3.0), ("beta", 0.1, 1.5), ("k", 0.3, 3.0)):
            if g.chance(0.5):
                vals[key] = float(np.float32(round(g.r.uniform(lo, hi), 3)))
                keys.append(f"{key}=" + g.fnum(vals[key]))
        sp.update(size=size, **vals)
        words = [kind]
        new = shape
    else:
        words = [kind]
        new = shape
    g.r.shuffle(keys)
    if min(new) <= 0 or new[0] * new[1] * new[2] > LIMIT:
        return None
    return words + keys, sp, new


def random_net(g):
    """(text, specs, input shape): a valid random net in a random spelling."""
    form = str(g.r.choice(["mixed"] * 6 + ["single", "dense_only", "flat_softmax", "nonflat"]))
    c = int(g.r.choice([1, 1, 1, 2, 3, 3]))
    h, w = g.int(2, 12), g.int(2, 12)
    lines = [(["input", str(c), str(h), str(w)], None)]
    specs = []
    shape = (c, h, w)
    if form == "single":
        got = None
        for _ in range(50):
            got = spatial_layer(g, shape, None)
            if got:
                break
        if got is None or g.chance(0.2):
            lines.append((["flatten"], None))
            specs.append({"kind": "flatten"})
        else:
            lines.append((got[0], None))
            specs.append(got[1])
    else:
        n = {"mixed": g.int(1, 6), "dense_only": 0, "flat_softmax": g.int(0, 3),
             "nonflat": g.int(1, 4)}[form]
        prev = None
        tries = 0
        while len(specs) < n and tries < 60:
            tries += 1
            got = spatial_layer(g, shape, prev)
            if got is None:
                continue
            words, sp, shape = got
            lines.append((words, None))
            specs.append(sp)
            prev = sp["kind"]
        if form != "nonflat":
            lines.append((["flatten"], None))
            specs.append({"kind": "flatten"})
            if form != "flat_softmax":
                for _ in range(g.int(0, 2) if form == "mixed" else g.int(1, 3)):
                    lines.append((["dense", str(g.int(2, 12))], None))
                    specs.append({"kind": "dense"})
                    if g.chance(0.3):
                        words, sp = batchnorm_words(g)
                        lines.append((words, None))
                        specs.append(sp)
                    if g.chance(0.5):
                        act = str(g.r.choice(["relu", "tanh", "sigmoid", "abs", "leaky",
                                              "softplus"]))
                        lines.append(([act], None))
                        specs.append({"kind": act, "alpha": 0.01, "beta": 1.0})
                lines.append((["dense", str(g.int(2, 10))], None))
                specs.append({"kind": "dense"})
            if form == "flat_softmax" or g.chance(0.6):
                lines.append((["softmax"], None))
                specs.append({"kind": "softmax"})
    # the spelling: separators, comments, blank lines, line ends
    eol = "\r\n" if g.chance(0.1) else "\n"
    out = []
    if g.chance(0.3):
        out.append("# a random net from fuzz_dump.py")
    for words, _ in lines:
        if g.chance(0.15):
            out.append(str(g.r.choice(["", "   ", "\t", "#", "  # note: k=3 here", "#conv 2 k=9"])))
        lead = str(g.r.choice(["", "", "", " ", "\t", "  "]))
        line = lead + g.join(words)
        if g.chance(0.2):
            line += str(g.r.choice(["", " ", "\t"])) + str(g.r.choice(["#x", "# comment", "#k=1 stride=9"]))
        elif g.chance(0.1):
            line += str(g.r.choice([" ", "\t", "  "]))
        out.append(line)
    text = eol.join(out) + ("" if g.chance(0.1) else eol)
    return text, specs, (c, h, w)


def shapes_of(specs, shape):
    """Every layer's output shape by this script's own arithmetic."""
    outs = []
    for sp in specs:
        k = sp["kind"]
        c, h, w = shape if len(shape) == 3 else (None, None, None)
        if k == "conv":
            pt, pb, pl, pr = sp["pad"]
            shape = (sp["o"], conv_len(h, pt, pb, sp["k"][0], sp["s"][0], sp["d"][0]),
                     conv_len(w, pl, pr, sp["k"][1], sp["s"][1], sp["d"][1]))
        elif k == "deconv":
            pt, pb, pl, pr = sp["pad"]
            shape = (sp["o"], deconv_len(h, pt, pb, sp["k"][0], sp["s"][0], sp["d"][0], sp["op"][0]),
                     deconv_len(w, pl, pr, sp["k"][1], sp["s"][1], sp["d"][1], sp["op"][1]))
        elif k in ("maxpool", "avgpool", "l2pool"):
            shape = (c, (h - sp["k"][0]) // sp["s"][0] + 1, (w - sp["k"][1]) // sp["s"][1] + 1)
        elif k == "flatten":
            shape = (int(np.prod(shape)),)
        elif k == "dense":
            shape = (sp["units"],)
        outs.append(shape)
    return outs


def fill_units(text, specs):
    """dense units are read back from the text the generator wrote (they are positional)."""
    it = iter(s for s in specs if s["kind"] == "dense")
    for line in text.replace("\r", "").split("\n"):
        words = line.split("#")[0].split()
        if words and words[0] == "dense":
            next(it)["units"] = int(words[1])


# ------------------------------------------------------------------ files

def write_cnn(path, text, params, state, version):
    """A model file as src/engine/model.h documents it: version 2 holds the running statistics
    after the parameters (their count in bytes 24..27); version 1 has neither."""
    tb = text.encode()
    p = np.ascontiguousarray(params, dtype="<f4")
    st = np.ascontiguousarray(state, dtype="<f4")
    assert version == 2 or st.size == 0
    head = b"CNNSCOPE" + struct.pack("<IIII", version, len(tb), p.size & 0xFFFFFFFF, p.size >> 32)
    head += struct.pack("<I", st.size if version == 2 else 0)
    head += struct.pack("<I", zlib.crc32(head))
    body = head + tb + p.tobytes() + st.tobytes()
    with open(path, "wb") as f:
        f.write(body + struct.pack("<I", zlib.crc32(body)))


def write_pnm(path, img, g):
    """img (H, W) or (3, H, W) of 0..255 as P2/P5 (grey) or P3/P6 (colour)."""
    if img.ndim == 2:
        h, w = img.shape
        ascii_ = g.chance(0.5)
        head = f"{'P2' if ascii_ else 'P5'}\n# fuzz_dump\n{w} {h}\n255\n".encode()
        data = (" ".join(str(int(v)) for v in img.ravel()) + "\n").encode() if ascii_ \
            else img.astype(np.uint8).tobytes()
    else:
        _, h, w = img.shape
        ascii_ = g.chance(0.5)
        px = img.transpose(1, 2, 0)
        head = f"{'P3' if ascii_ else 'P6'}\n{w} {h}\n255\n".encode()
        data = (" ".join(str(int(v)) for v in px.ravel()) + "\n").encode() if ascii_ \
            else px.astype(np.uint8).tobytes()
    with open(path, "wb") as f:
        f.write(head + data)


# ------------------------------------------------------------------ PyTorch twin

class SafeSqrt(torch.autograd.Function):
    """sqrt with gradient 0 where the argument is 0 (the L2 pool of an all-zero window)."""
    @staticmethod
    def forward(ctx, s):
        r = torch.sqrt(s)
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return torch.where(r > 0, g / (2 * torch.where(r > 0, r, torch.ones_like(r))),
                           torch.zeros_like(r))


def twin(sp, x, W, b):
    k = sp["kind"]
    if k == "conv":
        pt, pb, pl, pr = sp["pad"]
        G = sp["groups"]
        if pt == pb and pl == pr:
            return F.conv2d(x, W, b, stride=sp["s"], padding=(pt, pl), dilation=sp["d"], groups=G)
        return F.conv2d(F.pad(x, (pl, pr, pt, pb)), W, b, stride=sp["s"], dilation=sp["d"],
                        groups=G)
    if k == "deconv":
        pt, pb, pl, pr = sp["pad"]
        G = sp["groups"]
        if pt == pb and pl == pr:
            return F.conv_transpose2d(x, W, b, stride=sp["s"], padding=(pt, pl),
                                      output_padding=sp["op"], dilation=sp["d"], groups=G)
        # per-side padding of a transposed conv: the full output, cropped by T, B, L, R
        y = F.conv_transpose2d(x, W, b, stride=sp["s"], output_padding=sp["op"],
                               dilation=sp["d"], groups=G)
        return y[:, :, pt:y.shape[2] - pb, pl:y.shape[3] - pr]

    if k == "maxpool":
        return F.max_pool2d(x, sp["k"], sp["s"])
    if k == "avgpool":
        return F.avg_pool2d(x, sp["k"], sp["s"])
    if k == "l2pool":
        kh, kw = sp["k"]
        return SafeSqrt.apply(F.avg_pool2d(x * x, sp["k"], sp["s"]) * (kh * kw))
    if k == "relu":
        return torch.relu(x)
    if k == "leaky":
        return F.leaky_relu(x, sp["alpha"])
    if k == "sigmoid":
        return torch.sigmoid(x)
    if k == "tanh":
        return torch.tanh(x)
    if k == "abs":
        return x.abs()
    if k == "softplus":
        return F.softplus(x, beta=sp["beta"], threshold=20)
    if k == "lrn":
        return F.local_response_norm(x, sp["size"], alpha=sp["alpha"], beta=sp["beta"], k=sp["k"])
    if k == "flatten":
        return torch.flatten(x, 1)
    if k == "dense":
        return F.linear(x, W, b)
    if k == "softmax":
        return torch.softmax(x, 1)
    raise ValueError(k)


def reference(dump, man, specs, label, dtype, stats, train):
    """{tensor name: PyTorch's value} for the dumped input and weights, computed in dtype.
    stats: each batchnorm's running (mean, var) before the pass, in order; train: the mode."""
    ld = lambda n: np.load(os.path.join(dump, n))
    T = lambda a: torch.tensor(np.asarray(a), dtype=dtype)
    x = T(ld("input.npy"))[None].requires_grad_(True)
    hcur, outs, ps, mods = x, [], [], {}
    start = iter(stats)
    for i, sp in enumerate(specs):
        W = b = None
        if sp["kind"] == "batchnorm":
            # PyTorch's own module, BatchNorm2d or BatchNorm1d by the input's rank, holding the
            # dumped gamma and beta and our running statistics; it updates them when training
            bn = torch.nn.BatchNorm2d if hcur.dim() == 4 else torch.nn.BatchNorm1d
            mod = bn(hcur.shape[1], eps=sp["eps"], momentum=sp["momentum"]).to(dtype)
            m0, v0 = next(start)
            with torch.no_grad():
                mod.weight.copy_(T(ld(f"L{i:02d}.W.npy")))
                mod.bias.copy_(T(ld(f"L{i:02d}.b.npy")))
                mod.running_mean.copy_(T(m0))
                mod.running_var.copy_(T(v0))
            mod.train(train)
            mods[i] = mod
            ps.append((mod.weight, mod.bias))
            hcur = mod(hcur)
            hcur.retain_grad()
            outs.append(hcur)
            continue
        if sp["kind"] in ("conv", "deconv", "dense"):
            W = T(ld(f"L{i:02d}.W.npy")).requires_grad_(True)
            b = T(ld(f"L{i:02d}.b.npy")).requires_grad_(True)
        ps.append((W, b))
        hcur = twin(sp, hcur, W, b)
        hcur.retain_grad()
        outs.append(hcur)
    y = hcur[0]
    if specs[-1]["kind"] == "softmax":
        loss = -torch.log(y[label])
    else:
        yf = y.flatten()
        loss = 0.5 * ((yf - F.one_hot(torch.tensor(label), yf.numel()).to(dtype)) ** 2).sum()
    loss.backward()
    ref = {"loss": loss, "input.grad": x.grad[0]}
    for i, sp in enumerate(specs):
        n = f"L{i:02d}"
        ref[f"{n}.out"] = outs[i][0]
        ref[f"{n}.grad"] = outs[i].grad[0]
        if ps[i][0] is not None:
            ref[f"{n}.dW"] = ps[i][0].grad
            ref[f"{n}.db"] = ps[i][1].grad
        if i in mods:
            ref[f"{n}.running_mean"] = mods[i].running_mean
            ref[f"{n}.running_var"] = mods[i].running_var
    return {k: v.detach().double().numpy() for k, v in ref.items()}


def check(dump, specs, shapes, label, stats, train):
    """{tensor: (error, abs, float32 torch's abs)} and a list of structural problems."""
    problems = []
    man = json.load(open(os.path.join(dump, "manifest.json")))
    if len(man["layers"]) != len(specs):
        return {}, [f"manifest has {len(man['layers'])} layers, expected {len(specs)}"]
    for i, (sp, shp) in enumerate(zip(specs, shapes)):
        L = man["layers"][i]
        if L["kind"] != sp["kind"] or tuple(L["output_shape"]) != tuple(shp):
            problems.append(f"L{i:02d}: manifest says {L['kind']} {L['output_shape']}, "
                            f"expected {sp['kind']} {list(shp)}")
    if man["label"] != label:
        problems.append(f"manifest label {man['label']}, expected {label}")
    if man["mode"] != ("train" if train else "eval"):
        problems.append(f"manifest mode {man['mode']}, expected {'train' if train else 'eval'}")
    ref64 = reference(dump, man, specs, label, torch.float64, stats, train)
    ref32 = reference(dump, man, specs, label, torch.float32, stats, train)
    errs = {}
    for name, ref in ref64.items():
        if name == "loss":
            v = man["loss"]["value"]
            eng = np.float64(np.inf if v is None else v)
        else:
            eng = np.load(os.path.join(dump, name + ".npy")).astype(np.float64)
        if eng.shape != ref.shape:
            problems.append(f"{name}: shape {eng.shape}, expected {ref.shape}")
            continue
        a = float(np.abs(eng - ref).max()) if ref.size else 0.0
        a32 = float(np.abs(ref32[name] - ref).max()) if ref.size else 0.0
        scale = float(np.abs(ref).max()) if ref.size else 0.0
        if name.endswith((".dW", ".db")):
            # a parameter gradient is a sum of dL/dout terms and may cancel to ~0 (db after a
            # softmax sums p - onehot = 0): measure it against the terms it sums
            scale = max(scale, float(np.abs(ref64[name[:3] + ".grad"]).max()))
        errs[name] = (a / max(scale, 1e-3), a, a32)
    return errs, problems


def passes(e):
    """Within the tolerance, or no further from float64 than 4x PyTorch's own float32 run
    (float32 cancellation, e.g. p - 1 for p near 1, costs both the same digits)."""
    err, a, a32 = e
    return err <= TOL or a <= 4 * a32 + 1e-12


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--convscope", required=True)
    ap.add_argument("--nets", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep")
    args = ap.parse_args()
    torch.set_default_dtype(torch.float64)
    g = Gen(np.random.default_rng(args.seed))
    work = args.keep or tempfile.mkdtemp(prefix="fuzz_dump_")
    os.makedirs(work, exist_ok=True)
    runs = passed = failed = 0
    worst = {}  # layer kind + tensor -> (error, abs, net)
    forms, modes, refused = set(), set(), 0
    for i in range(args.nets):
        text, specs, (c, h, w) = random_net(g)
        fill_units(text, specs)
        shapes = shapes_of(specs, (c, h, w))
        d = os.path.join(work, f"n{i:04d}")
        os.makedirs(d, exist_ok=True)
        net = os.path.join(d, "a.net")
        with open(net, "w", newline="") as f:
            f.write(text)
        # the weights: the engine's own initialisation from a seed (running statistics 0 and
        # 1), or ours in a .cnn (running statistics of our own)
        bn_in = [shp for sp, shp in zip(specs, [(c, h, w)] + shapes) if sp["kind"] == "batchnorm"]
        stats = [(np.zeros(shp[0], np.float32), np.ones(shp[0], np.float32)) for shp in bn_in]
        if g.chance(0.5):
            src = ["--net", net]
            if g.chance(0.8):
                src += ["--seed", str(g.int(0, 1 << 30))]
        else:
            params = []
            shp = (c, h, w)
            for sp, out in zip(specs, shapes):
                if sp["kind"] == "conv":
                    # (O, C/G, KH, KW)
                    params += [g.r.standard_normal(sp["o"] * (shp[0] // sp["groups"]) * sp["k"][0] *
                                                   sp["k"][1]) * 0.4,
                               g.r.standard_normal(sp["o"]) * 0.3]
                elif sp["kind"] == "deconv":
                    # (C, O/G, KH, KW)
                    params += [g.r.standard_normal(shp[0] * (sp["o"] // sp["groups"]) * sp["k"][0] *
                                                   sp["k"][1]) * 0.4,
                               g.r.standard_normal(sp["o"]) * 0.3]
                elif sp["kind"] == "dense":
                    params += [g.r.standard_normal(sp["units"] * shp[0]) / np.sqrt(shp[0]),
                               g.r.standard_normal(sp["units"]) * 0.3]
                elif sp["kind"] == "batchnorm":
                    # gamma around 1 (either sign now and then), beta around 0
                    params += [1.0 + g.r.standard_normal(shp[0]) * 0.5,
                               g.r.standard_normal(shp[0]) * 0.3]
                shp = out
            stats = [(g.r.standard_normal(s[0]).astype(np.float32) * 0.5,
                      g.r.uniform(0.2, 3.0, s[0]).astype(np.float32)) for s in bn_in]
            state = np.concatenate([np.concatenate(ms) for ms in stats]) if stats else np.zeros(0)
            cnn = os.path.join(d, "a.cnn")
            # version 1 (no statistics) is still read: write it now and then when it can hold
            # the net
            version = 1 if not stats and g.chance(0.5) else 2
            write_cnn(cnn, text, np.concatenate(params) if params else np.zeros(0), state, version)
            src = ["--model", cnn]
        # the mode: train or eval (given or by default) when there is a batchnorm
        train = bool(stats) and g.chance(0.5)
        mode_args = ["--mode", "train"] if train else (["--mode", "eval"] if g.chance(0.3) else [])
        # a batchnorm with one value per channel: PyTorch refuses train mode, and so must dump
        single = any(len(s) == 1 or s[1] * s[2] == 1 for s in bn_in)
        k = int(np.prod(shapes[-1]))
        inputs = []
        x = g.r.standard_normal((c, h, w)).astype(np.float32)
        xform = str(g.r.choice(["chw", "nchw", "hw"] if c == 1 else ["chw", "nchw"]))
        xarr = {"chw": x, "nchw": x[None], "hw": x.reshape(h, w) if c == 1 else x}[xform]
        np.save(os.path.join(d, "x.npy"), xarr)
        inputs.append(("npy:" + xform, os.path.join(d, "x.npy")))
        if c in (1, 3):
            ih, iw = g.int(1, 40), g.int(1, 40)
            yy, xx = np.mgrid[0:ih, 0:iw]
            blob = np.exp(-((yy - g.r.uniform(0, ih)) ** 2 + (xx - g.r.uniform(0, iw)) ** 2)
                          / (2 * (0.3 * max(ih, iw)) ** 2))
            img = np.clip(255 * (1 - blob) + g.r.normal(0, 20, (ih, iw)), 0, 255).round()
            if c == 3:
                img = np.stack([img, np.roll(img, 3, 1), 255 - img])
            pnm = os.path.join(d, "x.pgm" if c == 1 else "x.ppm")
            write_pnm(pnm, img, g)
            inputs.append(("image", pnm))
        for how, path in inputs:
            label = g.int(0, k - 1)
            dump = os.path.join(d, "dump_" + how.replace(":", "_"))
            cmd = [args.convscope, "dump"] + src + ["--input", path, "--label", str(label),
                                                    "--out", dump] + mode_args
            r = subprocess.run(cmd, capture_output=True, text=True)
            runs += 1
            forms.add(how)
            modes.add("train" if train else "eval")
            if train and single:
                if r.returncode == 2 and "use --mode eval" in r.stderr:
                    refused += 1
                    passed += 1
                else:
                    failed += 1
                    print(f"net {i} ({how}): dump --mode train of a batchnorm with one value "
                          f"per channel gave status {r.returncode}: {r.stderr.strip()}\n{text!r}")
                continue
            if r.returncode != 0:
                failed += 1
                print(f"net {i} ({how}): dump refused a valid net: {r.stderr.strip()}\n{text!r}")
                continue
            errs, problems = check(dump, specs, shapes, label, stats, train)
            bad = {n: e for n, e in errs.items() if not passes(e)}
            for n, (e, a, a32) in errs.items():
                key = n if not n.startswith("L") else specs[int(n[1:3])]["kind"] + n[3:]
                if key not in worst or e > worst[key][0]:
                    worst[key] = (e, a, a32, i)
            if bad or problems:
                failed += 1
                print(f"net {i} ({how}, {' '.join(src[:1])}, label {label}, "
                      f"{'train' if train else 'eval'}) FAILED\n{text}" +
                      "".join(f"  {p}\n" for p in problems) +
                      "".join(f"  {n}: err {e:.3g} abs {a:.3g} (torch float32: abs {a32:.3g})\n"
                              for n, (e, a, a32) in sorted(bad.items())))
            else:
                passed += 1
        if not args.keep and not failed:
            shutil.rmtree(d)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.nets} nets, {runs} dumps ({', '.join(sorted(forms))}; modes "
          f"{', '.join(sorted(modes))}; {refused} train-mode refusals of a batchnorm with one "
          f"value per channel, as expected)")
    print("worst error per layer kind and tensor: max|engine - torch| / max(max|torch|, 1e-3)")
    print("  (and, beside it, how far PyTorch's own float32 run is from float64)")
    for key in sorted(worst):
        e, a, a32, i = worst[key]
        print(f"  {key:18s} {e:.3g}  (abs {a:.3g}; torch float32 abs {a32:.3g}; net {i})")
    print(f"overall worst {max((v[0] for v in worst.values()), default=0):.3g} (tolerance {TOL:g})")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
