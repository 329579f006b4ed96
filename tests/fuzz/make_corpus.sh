#!/usr/bin/env bash
# make_corpus.sh - writes the seed corpora under tests/fuzz/corpus/<target>/: the bundled nets,
# lessons and label file, and small real files of every format made here (ImageMagick's
# convert for the pictures, python3 for .cnn, .npy and IDX). Run once; the files are committed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
c="$root/tests/fuzz/corpus"
rm -rf "$c"
mkdir -p "$c"/{net,model,npy,idx,idx_gz,pnm,img,lesson,check}

# nets: the bundled ones and one line of every layer kind and key spelling
cp "$root"/assets/nets/*.net "$c/net/"
printf 'input 2 9 8\nconv 3 k=3,2 stride=2,1 pad=1,0,2,1 dilation=1,2\nleaky alpha=0.1\nl2pool k=2\nlrn size=3 alpha=0.001 beta=0.75 k=2\nflatten\ndense 4\n' >"$c/net/kinds1.net"
printf 'input 1 5 5\ndeconv 2 k=3 stride=2 pad=1 outpad=1\ntanh\navgpool k=2 stride=1\nsoftplus beta=2\nabs\nsigmoid\nflatten\ndense 3\nsoftmax\n' >"$c/net/kinds2.net"

# lessons: the bundled ones, and one that names files
cp "$root"/lessons/*.lesson "$c/lesson/"
printf 'title Files\nstep\nlab convolution\nset input a.png\n> a *picture* in `the folder`\nask Which?\nchoice a\nchoice* b\nhint h\nexplain e\nstep Next\nset input b.png\nask n?\nanswer 1/9 0.01\nstep\nreset\nlab pooling\nset step 3\n> x\n>\n> y\n' >"$c/lesson/files.lesson"
# fuzz_check (the real labs: a scene costs a lab's start) runs inputs up to 768 bytes: each
# bundled lesson's steps one by one, with its title, without comments and narration
for f in "$root"/lessons/*.lesson; do
    awk -v out="$c/check/$(basename "$f" .lesson)" '
        function flush() { if (n) { print title "\n" head "\n" (own ? "" : lab "\n") body > file; close(file) } }
        /^title / { title = $0; next }
        /^step/ { flush(); n++; file = sprintf("%s-%02d.lesson", out, n); head = $0; body = ""; own = 0; next }
        /^lab / { lab = $0; own = 1 }
        n && !/^#/ && !/^>/ && NF { body = body $0 "\n" }
        END { flush() }' "$f"
done
printf 'title Files\nstep\nlab convolution\nset input a.pgm\n> x\nstep\nlab network\nset input a.pgm\n> y\n' >"$c/check/files.lesson"

# pictures: PGM/PPM in every variant, and PNG, JPEG, BMP through ImageMagick
printf 'P2\n# c\n3 2\n9\n0 1 2\n3 4 9\n' >"$c/pnm/a.pgm"
printf 'P3 2 1 255 255 0 0 0 0 255\n' >"$c/pnm/b.ppm"
printf 'P5 2 2 255\n\x00\x33\xcc\xff' >"$c/pnm/c.pgm"
printf 'P5 1 1 65535\n\x80\x00' >"$c/pnm/d16.pgm"
printf 'P6 1 2 255\n\xff\x00\x00\x00\xff\x00' >"$c/pnm/e.ppm"
cp "$c"/pnm/* "$c/img/"
convert -size 12x10 gradient:black-white -depth 8 "$c/img/gray.png"
convert -size 6x5 xc:none -fill 'rgba(0,0,255,0.5)' -draw 'point 2,2' "$c/img/rgba.png"
convert -size 7x6 xc:white -fill black -draw 'line 0,0 6,5' -type Palette "$c/img/palette.png"
convert -size 5x4 gradient:red-blue -interlace PNG "$c/img/interlaced.png"
convert -size 16x8 gradient:black-white -quality 80 "$c/img/base.jpg"
convert -size 16x8 gradient:red-green -interlace JPEG -quality 70 "$c/img/progressive.jpg"
convert -size 9x7 xc:red -fill blue -draw 'point 3,3' -type TrueColor "$c/img/rgb24.bmp"
convert -size 9x7 xc:red -fill blue -draw 'point 3,3' -type Palette BMP3:"$c/img/pal8.bmp"
convert -size 4x3 gradient:black-white BMP2:"$c/img/os2.bmp"

# .npy of each dtype the reader takes; .cnn of a tiny net; IDX plain, float and gzip
/usr/bin/python3 - "$c" <<'PY'
import gzip, struct, sys, zlib
c = sys.argv[1]
def npy(name, descr, shape, data, version=1):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    pre = 10 if version == 1 else 12
    h += ' ' * ((64 - (pre + len(h) + 1) % 64) % 64) + '\n'
    n = struct.pack('<H', len(h)) if version == 1 else struct.pack('<I', len(h))
    open(f'{c}/npy/{name}', 'wb').write(b'\x93NUMPY' + bytes([version, 0]) + n + h.encode() + data)
npy('f4.npy', '<f4', '(2, 3)', struct.pack('<6f', 0, 1.5, -2, 3, 1e-3, 7))
npy('f8.npy', '<f8', '(3,)', struct.pack('<3d', 1, -1, 0.25))
npy('u1.npy', '|u1', '(1, 2, 2)', bytes([0, 9, 200, 255]))
npy('i4.npy', '<i4', '(2,)', struct.pack('<2i', -5, 7))
npy('i8.npy', '<i8', '(1, 1, 1, 2)', struct.pack('<2q', 3, -4))
npy('scalar.npy', '<f4', '()', struct.pack('<f', 2.5))
npy('v2.npy', '<f4', '(1,)', struct.pack('<f', 1), version=2)
# a .cnn: input 1 6 6, conv 2 k=3, relu, maxpool k=2, flatten, dense 3, softmax (47 params)
text = b'input 1 6 6\nconv 2 k=3\nrelu\nmaxpool k=2\nflatten\ndense 3\nsoftmax\n'
params = [((i * 37) % 17 - 8) / 16 for i in range(47)]
head = b'CNNSCOPE' + struct.pack('<IIIII', 1, len(text), 47, 0, 0)
head += struct.pack('<I', zlib.crc32(head) & 0xffffffff)
body = head + text + struct.pack('<47f', *params)
cnn = body + struct.pack('<I', zlib.crc32(body) & 0xffffffff)
# the harness's first byte: odd repairs the CRCs after the fuzzer's changes, even keeps them
open(f'{c}/model/tiny-fix.cnn', 'wb').write(b'\x01' + cnn)
open(f'{c}/model/tiny.cnn', 'wb').write(b'\x00' + cnn)
# IDX: 3 images of 4x3 (uint8), 3 labels, 2 floats; the same gzipped
img = struct.pack('>BBBBIII', 0, 0, 8, 3, 3, 4, 3) + bytes(range(36))
lab = struct.pack('>BBBBI', 0, 0, 8, 1, 3) + bytes([0, 7, 9])
flt = struct.pack('>BBBBI', 0, 0, 0x0D, 1, 2) + struct.pack('>2f', 1.0, -3.5)
for name, data in (('images', img), ('labels', lab), ('floats', flt)):
    open(f'{c}/idx/{name}', 'wb').write(data)
    open(f'{c}/idx/{name}.gz', 'wb').write(gzip.compress(data, 9))
    open(f'{c}/idx_gz/{name}', 'wb').write(data)
PY
cp "$root/assets/digits/t10k-labels-idx1-ubyte.gz" "$c/idx/bundled-t10k-labels.gz"
gzip -dc "$root/assets/digits/t10k-labels-idx1-ubyte.gz" >"$c/idx_gz/bundled-t10k-labels"
du -sh "$c"
