#!/usr/bin/python3
"""check_ops.py - PyTorch reference values for the engine's ops (conv, deconv, pools,
activations, LRN, dense, softmax cross-entropy, SSE, grouped conv and deconv, batch norm).

Writes tests/engine/torch_ref.h: the inputs (float32, from a seeded NumPy generator) and
PyTorch's outputs and gradients (computed in float64 from those same float32 inputs) for a few
non-trivial configurations. The engine tests (test_conv.c, test_pool.c, test_act.c,
test_dense.c, test_batchnorm.c) compare against these constants and print the max abs difference, so the check
runs without Python; this script makes the constants reproducible:

    /usr/bin/python3 tests/torch/check_ops.py            # rewrites tests/engine/torch_ref.h

Every backward is checked through autograd with a fixed random upstream gradient `dout`,
i.e. the gradients of L = sum(out * dout).
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "engine", "torch_ref.h")

rng = np.random.default_rng(20240611)
lines = []


def f32(shape, lo=-1.0, hi=1.0):
    """float32 inputs, returned as float64 tensors holding exactly those float32 values."""
    a = rng.uniform(lo, hi, size=shape).astype(np.float32)
    return torch.tensor(a.astype(np.float64), requires_grad=True)


def emit(name, t):
    a = t.detach().cpu().numpy().astype(np.float64).ravel()
    # %.9e always has a point and an exponent, so the f suffix is valid C (unlike "0f").
    vals = ["%.9ef" % v for v in a]
    rows = [", ".join(vals[i:i + 6]) for i in range(0, len(vals), 6)]
    lines.append("static const float %s[%d] = {\n    %s};" % (name, a.size, ",\n    ".join(rows)))


def emit_int(name, v):
    lines.append("#define %s %d" % (name, v))


def backward(out, prefix):
    dout = f32(tuple(out.shape))
    emit(prefix + "_DOUT", dout)
    (out * dout).sum().backward()


def emit_layer(prefix, x, w, b, out):
    """x, w, b, out, then the gradients of x, w and b for a random dout, as PREFIX_X ..."""
    for n, t in (("X", x), ("W", w), ("B", b), ("OUT", out)):
        emit(prefix + "_" + n, t)
    backward(out, prefix)
    for n, t in (("DX", x.grad), ("DW", w.grad), ("DB", b.grad)):
        emit(prefix + "_" + n, t)


def conv_case():
    # N=2 C=3 O=2 H=7 W=6, kernel 3x2, stride (2,1), padding T1 B0 L2 R1, dilation (1,2)
    x = f32((2, 3, 7, 6))
    w = f32((2, 3, 3, 2))
    b = f32((2,))
    # PyTorch pads symmetrically only; F.pad gives the per-side padding (left, right, top, bottom).
    out = F.conv2d(F.pad(x, (2, 1, 1, 0)), w, b, stride=(2, 1), dilation=(1, 2))
    emit_layer("TORCH_CONV", x, w, b, out)


def deconv_case():
    # N=2 C=2 O=3 H=4 W=3, kernel 3x2, stride (2,3), padding T1 B2 L0 R1, dilation (2,1),
    # output padding (1,2). ConvTranspose2d's padding crops the full output symmetrically;
    # per-side padding is the same crop done by hand on the padding-0 result.
    x = f32((2, 2, 4, 3))
    w = f32((2, 3, 3, 2))
    b = f32((3,))
    full = F.conv_transpose2d(x, w, b, stride=(2, 3), padding=0, output_padding=(1, 2),
                              dilation=(2, 1))
    out = full[:, :, 1:full.shape[2] - 2, 0:full.shape[3] - 1]
    emit_int("TORCH_DECONV_OH", out.shape[2])
    emit_int("TORCH_DECONV_OW", out.shape[3])
    for n, t in (("X", x), ("W", w), ("B", b), ("OUT", out)):
        emit("TORCH_DECONV_" + n, t)
    backward(out, "TORCH_DECONV")
    for n, t in (("DX", x.grad), ("DW", w.grad), ("DB", b.grad)):
        emit("TORCH_DECONV_" + n, t)

    # PyTorch's own padding argument: N=1 C=2 O=2 H=3 W=4, k=3, stride 2, pad 1, outpad 1.
    x = f32((1, 2, 3, 4))
    w = f32((2, 2, 3, 3))
    b = f32((2,))
    out = F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    for n, t in (("X", x), ("W", w), ("B", b), ("OUT", out)):
        emit("TORCH_DECONV2_" + n, t)


def pool_case():
    # N=2 C=2 H=7 W=6; max and avg 3x3 stride 2 (overlapping), L2 3x2 stride 2.
    for kind, fn in (("MAX", lambda x: F.max_pool2d(x, 3, 2)),
                     ("AVG", lambda x: F.avg_pool2d(x, 3, 2)),
                     ("L2", lambda x: F.lp_pool2d(x, 2, (3, 2), stride=2))):
        x = f32((2, 2, 7, 6))
        out = fn(x)
        emit("TORCH_%sPOOL_X" % kind, x)
        emit("TORCH_%sPOOL_OUT" % kind, out)
        backward(out, "TORCH_%sPOOL" % kind)
        emit("TORCH_%sPOOL_DX" % kind, x.grad)


def act_case():
    # 0 exactly, both signs, and values either side of softplus's threshold beta*x = 20.
    base = np.array([0.0, -3.0, -0.7, -0.01, 0.02, 0.5, 1.3, 2.9, 9.9, 10.5, 19.0, 21.0,
                     -15.0, 40.0, -0.3, 0.9], dtype=np.float32)
    x = torch.tensor(base.astype(np.float64), requires_grad=True)
    emit("TORCH_ACT_X", x)
    dout = f32((base.size,))
    emit("TORCH_ACT_DOUT", dout)
    fns = (("RELU", F.relu), ("LEAKY", lambda t: F.leaky_relu(t, 0.1)),
           ("SIGMOID", torch.sigmoid), ("TANH", torch.tanh), ("ABS", torch.abs),
           ("SOFTPLUS1", lambda t: F.softplus(t, beta=1.0)),
           ("SOFTPLUS2", lambda t: F.softplus(t, beta=2.0)),
           ("SOFTPLUS05", lambda t: F.softplus(t, beta=0.5)))
    for name, fn in fns:
        x.grad = None
        y = fn(x)
        (y * dout).sum().backward()
        emit("TORCH_ACT_%s_Y" % name, y)
        emit("TORCH_ACT_%s_DX" % name, x.grad)


def lrn_case():
    # N=2 C=7 H=2 W=3, alpha 0.5, beta 0.75, k 1.5, several window sizes (even, odd, > C).
    for size in (1, 2, 3, 5, 8):
        x = f32((2, 7, 2, 3), -2.0, 2.0)
        y = F.local_response_norm(x, size, alpha=0.5, beta=0.75, k=1.5)
        emit("TORCH_LRN%d_X" % size, x)
        emit("TORCH_LRN%d_Y" % size, y)
        backward(y, "TORCH_LRN%d" % size)
        emit("TORCH_LRN%d_DX" % size, x.grad)


def dense_case():
    # N=3 I=5 O=4; the same logits through softmax cross-entropy and SSE.
    x = f32((3, 5))
    w = f32((4, 5))
    b = f32((4,))
    labels = torch.tensor([2, 0, 3])
    y = F.linear(x, w, b)
    for n, t in (("X", x), ("W", w), ("B", b), ("Y", y)):
        emit("TORCH_DENSE_" + n, t)
    loss = F.cross_entropy(y, labels)
    loss.backward()
    emit("TORCH_XENT_LOSS", loss.reshape(1))
    emit("TORCH_XENT_P", torch.softmax(y, dim=1))
    for n, t in (("DX", x.grad), ("DW", w.grad), ("DB", b.grad)):
        emit("TORCH_XENT_" + n, t)
    x.grad = w.grad = b.grad = None
    y = F.linear(x, w, b)
    t = F.one_hot(labels, 4).double()
    loss = 0.5 * ((y - t) ** 2).sum() / 3
    loss.backward()
    emit("TORCH_SSE_LOSS", loss.reshape(1))
    for n, g in (("DX", x.grad), ("DW", w.grad), ("DB", b.grad)):
        emit("TORCH_SSE_" + n, g)


def group_case():
    # grouped conv: N=2 C=4 O=6 groups=2 H=6 W=5, kernel 3x2, stride (1,2), padding T1 B2 L0 R1,
    # dilation (2,1); weight (O, C/G, KH, KW)
    x = f32((2, 4, 6, 5))
    w = f32((6, 2, 3, 2))
    b = f32((6,))
    out = F.conv2d(F.pad(x, (0, 1, 1, 2)), w, b, stride=(1, 2), dilation=(2, 1), groups=2)
    emit_layer("TORCH_GCONV", x, w, b, out)
    # depthwise with a channel multiplier: N=1 C=3 O=6 groups=3 H=5 W=5, k=3, stride 2, pad 1
    x = f32((1, 3, 5, 5))
    w = f32((6, 1, 3, 3))
    b = f32((6,))
    out = F.conv2d(x, w, b, stride=2, padding=1, groups=3)
    emit_layer("TORCH_DWCONV", x, w, b, out)
    # grouped deconv: N=2 C=4 O=6 groups=2 H=3 W=4, k=3, stride 2, pad 1, outpad 1;
    # weight (C, O/G, KH, KW)
    x = f32((2, 4, 3, 4))
    w = f32((4, 3, 3, 3))
    b = f32((6,))
    out = F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1, groups=2)
    emit_layer("TORCH_GDECONV", x, w, b, out)


def bn_case():
    # BatchNorm2d (N=3 C=4 H=3 W=2) and BatchNorm1d (N=5 C=3, eps 1e-3, momentum 0.3), each in
    # training mode (batch statistics; the running ones updated) and evaluation mode (running)
    for name, shape, eps, mom in (("BN2D", (3, 4, 3, 2), 1e-5, 0.1),
                                  ("BN1D", (5, 3), 1e-3, 0.3)):
        c = shape[1]
        x = f32(shape, -2.0, 3.0)
        gamma = f32((c,), 0.5, 1.5)
        beta = f32((c,))
        rm = f32((c,)).detach()
        rv = f32((c,), 0.5, 2.0).detach()
        for n, t in (("X", x), ("GAMMA", gamma), ("BETA", beta), ("RMEAN", rm), ("RVAR", rv)):
            emit("TORCH_%s_%s" % (name, n), t)
        for mode, training in (("TRAIN", True), ("EVAL", False)):
            x.grad = gamma.grad = beta.grad = None
            m, v = rm.clone(), rv.clone()
            y = F.batch_norm(x, m, v, gamma, beta, training=training, momentum=mom, eps=eps)
            emit("TORCH_%s_%s_Y" % (name, mode), y)
            backward(y, "TORCH_%s_%s" % (name, mode))
            for n, t in (("DX", x.grad), ("DGAMMA", gamma.grad), ("DBETA", beta.grad)):
                emit("TORCH_%s_%s_%s" % (name, mode, n), t)
            if training:
                emit("TORCH_%s_TRAIN_RMEAN" % name, m)
                emit("TORCH_%s_TRAIN_RVAR" % name, v)


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    torch.manual_seed(0)
    lines.append("/* torch_ref.h - GENERATED by tests/torch/check_ops.py (PyTorch %s, float64"
                 " from float32 inputs). Do not edit; rerun the script. */" % torch.__version__)
    lines.append("#ifndef CONVSCOPE_TORCH_REF_H")
    lines.append("#define CONVSCOPE_TORCH_REF_H")
    conv_case()
    deconv_case()
    pool_case()
    act_case()
    lrn_case()
    dense_case()
    group_case()
    bn_case()
    lines.append("#endif")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(out_path), "(%d arrays)" % sum(l.startswith("static") for l in lines))


if __name__ == "__main__":
    main()
