#!/usr/bin/python3
"""matplotlib side of `contrast bench scatter`: times a labelled scatter
plot rendered to PNG, as a researcher would draw a t-SNE map.

Run with Debian's /usr/bin/python3 (python3-matplotlib). It reads N points
(little-endian float32 x, y pairs) and N int32 labels written by the Go
side, then for each round builds the figure (7.4 x 5.6 in at 96 dpi, the
size of viz.Scatter's default), draws one scatter call per class with
tab10 colours, marker radius 1.15 pt, alpha 0.5 and a legend outside the
axes, and saves it to an in-memory PNG. It prints one JSON line:
{"seconds": [per round], "bytes": size of the last PNG}.

Usage: /usr/bin/python3 bench/scatter.py POINTS LABELS ROUNDS
"""
import io
import json
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def render(xy, labels):
    fig, ax = plt.subplots(figsize=(7.4, 5.6), dpi=96)
    cmap = plt.get_cmap("tab10")
    for c in np.unique(labels):
        m = labels == c
        # s is the marker area in points^2: (2 * 1.15 pt)^2
        ax.scatter(xy[m, 0], xy[m, 1], s=(2 * 1.15) ** 2, color=cmap(c % 10),
                   alpha=0.5, linewidths=0, label=str(c))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def main():
    points, labels, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    xy = np.fromfile(points, dtype="<f4").reshape(-1, 2)
    lab = np.fromfile(labels, dtype="<i4")
    render(xy[:100], lab[:100])  # warm up fonts and caches
    times, png = [], b""
    for _ in range(rounds):
        t = time.perf_counter()
        png = render(xy, lab)
        times.append(time.perf_counter() - t)
    print(json.dumps({"seconds": times, "bytes": len(png)}))


if __name__ == "__main__":
    main()
