#!/usr/bin/python3
"""Writes the small fixtures that recipes/data's tests read, with writers
independent of ours (struct, gzip, numpy, PIL). Run from recipes/data:

    /usr/bin/python3 testdata/gen_fixtures.py

Everything is deterministic (fixed seeds; gzip mtime 0)."""
import gzip
import io
import json
import os
import struct

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def path(*p):
    full = os.path.join(HERE, *p)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def idx_bytes(arr, code):
    head = struct.pack(">BBBB", 0, 0, code, arr.ndim) + b"".join(struct.pack(">I", d) for d in arr.shape)
    dt = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    return head + arr.astype(dt).tobytes()


def write(name, b, gz=False):
    with open(path(name), "wb") as f:
        if gz:
            with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as g:
                g.write(b)
        else:
            f.write(b)


expect = {}

# --- IDX: 5 images 4x3, labels 0-4 ---
imgs = rng.integers(0, 256, size=(5, 4, 3), dtype=np.uint8)
labels = np.array([3, 0, 4, 1, 2], dtype=np.uint8)
write("idx/images-idx3-ubyte", idx_bytes(imgs, 0x08))
write("idx/labels-idx1-ubyte", idx_bytes(labels, 0x08))
write("idx/images-idx3-ubyte.gz", idx_bytes(imgs, 0x08), gz=True)
write("idx/labels-idx1-ubyte.gz", idx_bytes(labels, 0x08), gz=True)
f32 = rng.standard_normal((2, 3)).astype(np.float32)
write("idx/float32-idx2", idx_bytes(f32, 0x0D))
i16 = np.array([-300, 5, 32000], dtype=np.int16)
write("idx/int16-idx1", idx_bytes(i16, 0x0B))
# Corrupt variants.
good = idx_bytes(imgs, 0x08)
write("idx/bad-truncated", good[:-7])
write("idx/bad-magic", b"\x01\x02" + good[2:])
write("idx/bad-type", good[:2] + b"\x07" + good[3:])
write("idx/bad-header", good[:6])
write("idx/bad-labels-count", idx_bytes(labels[:4], 0x08))
gzgood = gzip.compress(good, mtime=0)
write("idx/bad-truncated.gz", gzgood[: len(gzgood) // 2])
expect["idx"] = {"images": imgs.tolist(), "labels": labels.tolist(),
                 "float32": f32.astype(float).tolist(), "int16": i16.tolist()}

# --- CIFAR-10 binary: 2 train batches of 3 records, 1 test batch of 2 ---
def cifar_records(n, nlabels, nclasses):
    lab = rng.integers(0, nclasses, size=(n, nlabels), dtype=np.uint8)
    pix = rng.integers(0, 256, size=(n, 3, 32, 32), dtype=np.uint8)
    raw = b"".join(lab[i].tobytes() + pix[i].tobytes() for i in range(n))
    return lab, pix, raw

c10 = {}
for name, n in [("data_batch_1.bin", 3), ("data_batch_2.bin", 3), ("data_batch_3.bin", 1),
                ("data_batch_4.bin", 1), ("data_batch_5.bin", 1), ("test_batch.bin", 2)]:
    lab, pix, raw = cifar_records(n, 1, 10)
    write("cifar-10-batches-bin/" + name, raw)
    c10[name] = {"labels": lab[:, 0].tolist(), "pixel_sums": [int(p.sum()) for p in pix],
                 "first": [int(pix[0, 0, 0, 0]), int(pix[0, 1, 0, 0]), int(pix[0, 2, 31, 31])]}
write("cifar-10-batches-bin/batches.meta.txt",
      "\n".join(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]).encode() + b"\n\n")
expect["cifar10"] = c10
c100 = {}
for name, n in [("train.bin", 4), ("test.bin", 2)]:
    lab, pix, raw = cifar_records(n, 2, 20)
    write("cifar-100-binary/" + name, raw)
    c100[name] = {"coarse": lab[:, 0].tolist(), "fine": lab[:, 1].tolist(),
                  "pixel_sums": [int(p.sum()) for p in pix]}
write("cifar-100-binary/coarse_label_names.txt", "\n".join(f"coarse{i}" for i in range(20)).encode() + b"\n")
write("cifar-100-binary/fine_label_names.txt", "\n".join(f"fine{i}" for i in range(100)).encode() + b"\n")
write("cifar-bad/test_batch.bin", raw[:-5])
expect["cifar100"] = c100

# --- image folder: two classes, PNG RGB, PNG gray, JPEG ---
folder = {}
def save(img, rel, **kw):
    img.save(path("folder", rel), **kw)
    folder[rel] = np.asarray(img.convert("RGB"), dtype=np.uint8).astype(int).tolist() if kw.get("format") != "JPEG" else None

a = rng.integers(0, 256, size=(6, 5, 3), dtype=np.uint8)
save(Image.fromarray(a, "RGB"), "cat/a.png")
g = rng.integers(0, 256, size=(6, 5), dtype=np.uint8)
save(Image.fromarray(g, "L"), "cat/b.png")
j = np.full((6, 5, 3), 128, dtype=np.uint8)
j[:, :, 0] = 200
Image.fromarray(j, "RGB").save(path("folder", "dog/c.jpg"), format="JPEG", quality=95)
folder["dog/c.jpg"] = np.asarray(Image.open(path("folder", "dog/c.jpg")).convert("RGB")).astype(int).tolist()
with open(path("folder", "dog/notes.txt"), "w") as f:
    f.write("not an image; ignored\n")
expect["folder"] = folder
with open(path("folder-bad", "x", "broken.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n garbage")

# --- CSV with header and string labels ---
with open(path("table.csv"), "w") as f:
    f.write("sepal_length,sepal_width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n")
with open(path("table-bad.csv"), "w") as f:
    f.write("a,b,label\n1,2,0\n3,oops,1\n")

# --- NPY, written by numpy ---
npy = {}
arrays = {
    "f32": rng.standard_normal((3, 4)).astype("<f4"),
    "f64": rng.standard_normal((2, 3, 2)).astype("<f8"),
    "i64": np.arange(-3, 3, dtype="<i8").reshape(2, 3),
    "u8": rng.integers(0, 256, size=(5,), dtype=np.uint8),
    "scalar": np.array(2.5, dtype="<f8"),
    "i32": np.array([[1, -2], [3, 4]], dtype="<i4"),
    "bool": np.array([True, False, True]),
    "f32be": rng.standard_normal((2, 3)).astype(">f4"),
    "i16be": np.array([1, -2, 300], dtype=">i2"),
    "fortran": np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)),
}
for k, v in arrays.items():
    np.save(path("npy", k + ".npy"), v)
    npy[k] = {"shape": list(v.shape), "dtype": v.dtype.str, "values": np.ascontiguousarray(v).astype(float).ravel().tolist()}
big = np.zeros((300, 300), dtype="<f4")  # header padded to 128 bytes in v1
with open(path("npy", "v2.npy"), "wb") as f:
    np.lib.format.write_array(f, np.arange(4, dtype="<f8"), version=(2, 0))
npy["v2"] = {"shape": [4], "dtype": "<f8", "values": [0.0, 1.0, 2.0, 3.0]}
raw = open(path("npy", "f32.npy"), "rb").read()
write("npy/bad-truncated.npy", raw[:-3])
write("npy/bad-magic.npy", b"\x93NUMPX" + raw[6:])
write("npy/bad-object.npy", open(path("npy", "f32.npy"), "rb").read().replace(b"'<f4'", b"'|O8'"))
expect["npy"] = npy

with open(path("expect.json"), "w") as f:
    json.dump(expect, f, indent=None, separators=(",", ":"))
print("wrote fixtures under", HERE)
