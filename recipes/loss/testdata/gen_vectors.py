#!/usr/bin/python3
"""Reference values for package loss, computed with PyTorch autograd.

Run with Debian's Python (python3-torch):

    /usr/bin/python3 recipes/loss/testdata/gen_vectors.py

It writes vectors.json beside this file: fixed inputs (float32 values),
each loss's value and its gradient with respect to the trainable input,
computed in float64 from the papers' reference code paths, written here
from their formulas:

- NT-Xent as google-research/simclr objective.py (loss_a + loss_b, self
  similarities masked out, each direction a mean over the batch);
- InfoNCE as facebookresearch/moco builder.py (logits [l_pos, l_neg] / T,
  cross-entropy with label 0);
- MoCHi (arXiv 2010.01028 sec. 4) with explicit mixing indices, synthetic
  negatives normalised and detached;
- SupCon as HobbitLong/SupContrast losses.py (features [bsz, n_views, D],
  temperature/base_temperature scaling, anchors without positives giving 0),
  L_in from the paper's eq. 3, and a cross-batch memory variant;
- SpCL's unified loss as yxgeee/SpCL hm.py (class logits averaged with
  index_add over memory rows), with an exact log-softmax instead of its
  1e-6 guards;
- SimCLRv2 distillation T^2 * CE(softmax(t/T), log_softmax(s/T));
- cross-entropy (F.cross_entropy).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20240607)


def f32(*shape, unit=False):
    x = rng.standard_normal(shape).astype(np.float32)
    if unit:
        x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return x


def T(x, grad=False):
    return torch.tensor(x.astype(np.float64), requires_grad=grad)


def tj(x):
    x = np.asarray(x, dtype=np.float64)
    return {"shape": list(x.shape), "data": [float(v) for v in x.ravel()]}


cases = []


def add(name, kind, loss, grad_of, **inputs):
    loss.backward()
    c = {"name": name, "kind": kind, "loss": loss.item(), "grad": tj(grad_of.grad.numpy())}
    for k, v in inputs.items():
        c[k] = tj(v) if isinstance(v, np.ndarray) else v
    cases.append(c)


# --- NT-Xent ---------------------------------------------------------------
def ntxent(z, tau):
    h = F.normalize(z, dim=1)
    b = h.shape[0] // 2
    h1, h2 = h[:b], h[b:]
    big = 1e9
    mask = torch.eye(b)
    aa = h1 @ h1.T / tau - mask * big
    bb = h2 @ h2.T / tau - mask * big
    ab = h1 @ h2.T / tau
    ba = h2 @ h1.T / tau
    target = torch.arange(b)
    la = F.cross_entropy(torch.cat([ab, aa], 1), target)
    lb = F.cross_entropy(torch.cat([ba, bb], 1), target)
    return la + lb


for tau in (0.5, 0.1):
    z = f32(8, 6)
    zt = T(z, True)
    add("ntxent_tau%g" % tau, "ntxent", ntxent(zt, tau), zt, z=z, tau=tau)


# --- InfoNCE and MoCHi -----------------------------------------------------
def infonce_logits(q, k, queue, tau):
    qn = F.normalize(q, dim=1)
    kn = F.normalize(k, dim=1).detach()
    lpos = (qn * kn).sum(1, keepdim=True)
    lneg = qn @ queue.T
    return qn, lpos, lneg


def infonce(q, k, queue, tau):
    _, lpos, lneg = infonce_logits(q, k, queue, tau)
    logits = torch.cat([lpos, lneg], 1) / tau
    return F.cross_entropy(logits, torch.zeros(q.shape[0], dtype=torch.long))


def mochi(q, k, queue, tau, mix):
    qn, lpos, lneg = infonce_logits(q, k, queue, tau)
    b = q.shape[0]
    s, sp, n = mix["S"], mix["SPrime"], mix["N"]
    _, idx = torch.topk(lneg.detach(), n, dim=1, largest=True, sorted=True)
    hard = queue[idx]  # [b, n, d]
    syn = []
    for r in range(b):
        hs = []
        for t in range(s):
            a = mix["Alpha"][r * s + t]
            h = a * hard[r, mix["I"][r * s + t]] + (1 - a) * hard[r, mix["J"][r * s + t]]
            hs.append(h)
        for t in range(sp):
            be = mix["Beta"][r * sp + t]
            h = be * qn[r] + (1 - be) * hard[r, mix["JQ"][r * sp + t]]
            hs.append(h)
        syn.append(torch.stack(hs))
    syn = F.normalize(torch.stack(syn), dim=2).detach()  # [b, s+s', d]
    lsyn = torch.einsum("bd,bkd->bk", qn, syn)
    logits = torch.cat([lpos, lneg, lsyn], 1) / tau
    return F.cross_entropy(logits, torch.zeros(b, dtype=torch.long))


q, k, queue = f32(4, 6), f32(4, 6), f32(16, 6, unit=True)
qt = T(q, True)
add("infonce", "infonce", infonce(qt, T(k), T(queue), 0.2), qt, q=q, k=k, queue=queue, tau=0.2)

b, n, s, sp = 4, 5, 3, 2
mix = {
    "N": n, "S": s, "SPrime": sp,
    "I": [int(v) for v in rng.integers(0, n, b * s)],
    "J": [int(v) for v in rng.integers(0, n, b * s)],
    "Alpha": [float(v) for v in rng.uniform(0, 1, b * s)],
    "JQ": [int(v) for v in rng.integers(0, n, b * sp)],
    "Beta": [float(v) for v in rng.uniform(0, 0.5, b * sp)],
}
qt = T(q, True)
add("mochi", "mochi", mochi(qt, T(k), T(queue), 0.2, mix), qt, q=q, k=k, queue=queue, tau=0.2, mix=mix)


# --- SupCon ----------------------------------------------------------------
def supcon_ref(features, labels, tau, base):
    """features [bsz, n_views, D] already normalised, labels [bsz] or None."""
    bsz, views = features.shape[0], features.shape[1]
    if labels is None:
        mask = torch.eye(bsz)
    else:
        lab = labels.view(-1, 1)
        mask = (lab == lab.T).double()
    contrast = torch.cat(torch.unbind(features, dim=1), dim=0)
    logits = contrast @ contrast.T / tau
    logits = logits - logits.max(dim=1, keepdim=True)[0].detach()
    mask = mask.repeat(views, views)
    self_mask = 1 - torch.eye(bsz * views)
    mask = mask * self_mask
    log_prob = logits - torch.log((torch.exp(logits) * self_mask).sum(1, keepdim=True))
    npos = mask.sum(1)
    npos = torch.where(npos < 1e-6, torch.ones_like(npos), npos)
    mean_log_prob_pos = (mask * log_prob).sum(1) / npos
    return (-(tau / base) * mean_log_prob_pos).view(views, bsz).mean()


def supcon_general(z, labels, tau, base, variant, mem=None, mem_labels=None):
    """Per-row labels; the paper's L_out / L_in, with an optional memory."""
    u = F.normalize(z, dim=1)
    nrow = u.shape[0]
    contrast, clab = u, labels
    if mem is not None:
        contrast = torch.cat([u, mem])
        clab = torch.cat([labels, mem_labels])
    s = u @ contrast.T / tau
    notself = torch.ones_like(s)
    notself[torch.arange(nrow), torch.arange(nrow)] = 0
    pos = (labels.view(-1, 1) == clab.view(1, -1)).double() * notself
    s_masked = s.masked_fill(notself == 0, float("-inf"))
    lse = torch.logsumexp(s_masked, dim=1)
    npos = pos.sum(1)
    has = npos > 0
    if variant == "out":
        li = -(pos * (s - lse[:, None])).sum(1) / npos.clamp(min=1)
    else:
        lse_pos = torch.logsumexp(s.masked_fill(pos == 0, float("-inf")), dim=1)
        li = -(lse_pos - torch.log(npos.clamp(min=1)) - lse)
    li = torch.where(has, li, torch.zeros_like(li))
    return (tau / base) * li.mean()


B, V, D = 6, 2, 6
z = f32(V * B, D)
labels = [0, 1, 0, 2, 1, 3]
zt = T(z, True)
feats = torch.stack(torch.split(F.normalize(zt, dim=1), B, dim=0), dim=1)
add("supcon_out", "supcon", supcon_ref(feats, torch.tensor(labels), 0.1, 0.07), zt,
    z=z, labels=labels, tau=0.1, base=0.07, variant="out")

zt = T(z, True)
feats = torch.stack(torch.split(F.normalize(zt, dim=1), B, dim=0), dim=1)
add("supcon_unsup", "supcon", supcon_ref(feats, None, 0.5, 0.5), zt, z=z, tau=0.5, base=0.5, variant="out")

# One view and singleton classes: anchors without positives.
z1 = f32(7, D)
lab1 = [0, 1, 0, 2, 1, 3, 4]
zt = T(z1, True)
add("supcon_nopos", "supcon", supcon_ref(F.normalize(zt, dim=1)[:, None, :], torch.tensor(lab1), 0.1, 0.07), zt,
    z=z1, labels=lab1, tau=0.1, base=0.07, variant="out")

# The general formula must agree with the reference code on the cases above.
zt = T(z, True)
rows = torch.tensor(labels * V)
g = supcon_general(zt, rows, 0.1, 0.07, "out")
feats = torch.stack(torch.split(F.normalize(T(z), dim=1), B, dim=0), dim=1)
assert abs(g.item() - supcon_ref(feats, torch.tensor(labels), 0.1, 0.07).item()) < 1e-12
zt = T(z1, True)
g = supcon_general(zt, torch.tensor(lab1), 0.1, 0.07, "out")
assert abs(g.item() - supcon_ref(F.normalize(T(z1), dim=1)[:, None, :], torch.tensor(lab1), 0.1, 0.07).item()) < 1e-12

zt = T(z, True)
add("supcon_in", "supcon", supcon_general(zt, torch.tensor(labels * V), 0.2, 0.07, "in"), zt,
    z=z, labels=labels, tau=0.2, base=0.07, variant="in")

mem = f32(5, D, unit=True)
mem_labels = [0, 2, 2, 5, 1]
zt = T(z1, True)
add("supcon_memory", "supcon", supcon_general(zt, torch.tensor(lab1), 0.1, 0.07, "out", T(mem), torch.tensor(mem_labels)), zt,
    z=z1, labels=lab1, tau=0.1, base=0.07, variant="out", mem=mem, memLabels=mem_labels)
zt = T(z1, True)
add("supcon_in_memory", "supcon", supcon_general(zt, torch.tensor(lab1), 0.3, 0.3, "in", T(mem), torch.tensor(mem_labels)), zt,
    z=z1, labels=lab1, tau=0.3, base=0.3, variant="in", mem=mem, memLabels=mem_labels)


# --- SpCL ------------------------------------------------------------------
def spcl(z, memory, mem_labels, targets, tau):
    inputs = F.normalize(z, dim=1) @ memory.T / tau  # [B, L]
    ncls = int(mem_labels.max()) + 1
    sim = torch.zeros(ncls, z.shape[0]).index_add(0, mem_labels, inputs.T.contiguous())
    nums = torch.zeros(ncls, 1).index_add(0, mem_labels, torch.ones(memory.shape[0], 1))
    has = nums > 0
    sim = sim / torch.where(has, nums, torch.ones_like(nums))
    sim = sim.T.masked_fill(~has.T.expand(z.shape[0], ncls), float("-inf"))
    return F.nll_loss(F.log_softmax(sim, dim=1), targets)


L = 10
memory = f32(L, D, unit=True)
# source classes 0..2 (one centroid row each), then target instances:
# clusters 3 and 5 (three and two rows), outliers 6 and 8; class 4 and 7 empty.
mlab = [0, 1, 2, 3, 3, 5, 3, 6, 5, 8]
tgt = [1, 3, 8, 5, 3]
zs = f32(5, D)
zt = T(zs, True)
add("spcl", "spcl", spcl(zt, T(memory), torch.tensor(mlab), torch.tensor(tgt), 0.05), zt,
    z=zs, memory=memory, memLabels=mlab, targets=tgt, tau=0.05)
zt = T(zs, True)
add("spcl_tau0.5", "spcl", spcl(zt, T(memory), torch.tensor(mlab), torch.tensor(tgt), 0.5), zt,
    z=zs, memory=memory, memLabels=mlab, targets=tgt, tau=0.5)


# --- distillation and cross-entropy ----------------------------------------
def distill(s, t, temp):
    pt = F.softmax(t / temp, dim=1)
    return temp * temp * (-(pt * F.log_softmax(s / temp, dim=1)).sum(1)).mean()


st, te = f32(4, 5) * 3, f32(4, 5) * 3
for temp in (1.0, 2.0, 4.0):
    stt = T(st, True)
    add("distill_T%g" % temp, "distill", distill(stt, T(te), temp), stt, z=st, teacher=te, tau=temp)

lg = f32(6, 5) * 4
yl = [0, 4, 2, 1, 1, 3]
lt = T(lg, True)
add("cross_entropy", "ce", F.cross_entropy(lt, torch.tensor(yl)), lt, z=lg, labels=yl)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
with open(out + ".tmp", "w") as f:
    json.dump({"generator": "recipes/loss/testdata/gen_vectors.py", "torch": torch.__version__, "cases": cases}, f)
    f.flush()
    os.fsync(f.fileno())
os.replace(out + ".tmp", out)
print("wrote %d cases to %s" % (len(cases), out))
