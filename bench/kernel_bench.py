"""Start-up time and trivial-execute round trip of Jupyter kernels, measured
the same way for each through jupyter_client, in one run.

Usually run by `contrast bench kernel`, which installs the contrast kernel
spec in a temporary JUPYTER_PATH first. By hand:

    JUPYTER_PATH=DIR/share/jupyter /usr/bin/python3 bench/kernel_bench.py \
        --kernel contrast --kernel python3

For each kernel:
  start-up   time from KernelManager.start_kernel() to the reply of the
             first kernel_info_request, which the client sends as soon as
             its channels are started (median over --starts fresh kernels,
             after one untimed warm-up start that loads jupyter_client's
             own machinery);
  execute    time from sending execute_request for a trivial cell ("1+1")
             to receiving its execute_reply, and to receiving the idle
             status that ends it (medians over --executes cells, after
             --warmup untimed ones).
"""

import argparse
import json
import statistics
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager

TIMEOUT = 60


def wait_reply(kc, msg_id, timeout=TIMEOUT):
    deadline = time.perf_counter() + timeout
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise RuntimeError("no reply to %s within %ss" % (msg_id, timeout))
        msg = kc.get_shell_msg(timeout=left)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def wait_idle(kc, msg_id, timeout=TIMEOUT):
    deadline = time.perf_counter() + timeout
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise RuntimeError("no idle for %s within %ss" % (msg_id, timeout))
        msg = kc.get_iopub_msg(timeout=left)
        if (
            msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "idle"
            and msg["parent_header"].get("msg_id") == msg_id
        ):
            return msg


def start(name):
    """Starts a kernel; returns (manager, client, seconds to first reply)."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    msg_id = kc.kernel_info()
    wait_reply(kc, msg_id)
    return km, kc, time.perf_counter() - t0


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def iopub_ready(kc):
    """Waits until IOPub delivers (the PUB/SUB subscription is in place)."""
    for _ in range(100):
        msg_id = kc.kernel_info()
        wait_reply(kc, msg_id)
        try:
            wait_idle(kc, msg_id, timeout=0.2)
            return
        except (Empty, RuntimeError):
            pass
    raise RuntimeError("IOPub never delivered")


def measure(name, starts, executes, warmup, code):
    km, kc, _ = start(name)  # warm-up start, untimed
    stop(km, kc)
    startup = []
    for _ in range(starts):
        km, kc, dt = start(name)
        startup.append(dt)
        stop(km, kc)

    km, kc, _ = start(name)
    try:
        iopub_ready(kc)
        reply_rt, idle_rt = [], []
        for i in range(warmup + executes):
            t0 = time.perf_counter()
            msg_id = kc.execute(code)
            reply = wait_reply(kc, msg_id)
            t1 = time.perf_counter()
            wait_idle(kc, msg_id)
            t2 = time.perf_counter()
            if reply["content"]["status"] != "ok":
                raise RuntimeError("%s: %r failed: %s" % (name, code, reply["content"]))
            if i >= warmup:
                reply_rt.append(t1 - t0)
                idle_rt.append(t2 - t0)
        info_id = kc.kernel_info()
        impl = wait_reply(kc, info_id)["content"].get("implementation", name)
    finally:
        stop(km, kc)
    return {
        "kernel": name,
        "implementation": impl,
        "startup_s": statistics.median(startup),
        "startup_all_s": startup,
        "execute_reply_s": statistics.median(reply_rt),
        "execute_idle_s": statistics.median(idle_rt),
        "starts": starts,
        "executes": executes,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", action="append", required=True,
                    help="kernel name; give twice: first the kernel measured, then the reference")
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--executes", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--code", default="1+1")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()

    results = [measure(k, args.starts, args.executes, args.warmup, args.code) for k in args.kernel]
    if args.json:
        json.dump(results, sys.stdout, indent=1)
        print()
        return
    print("kernel        start-up (median of %d)   execute %r: reply   to idle   (median of %d)"
          % (args.starts, args.code, args.executes))
    for r in results:
        print("%-12s  %10.1f ms                %12.3f ms %9.3f ms"
              % (r["implementation"], r["startup_s"] * 1e3, r["execute_reply_s"] * 1e3, r["execute_idle_s"] * 1e3))
    if len(results) >= 2:
        a, b = results[0], results[1]
        print("ratio %s/%s: start-up %.1fx, execute reply %.1fx, to idle %.1fx" % (
            b["implementation"], a["implementation"],
            b["startup_s"] / a["startup_s"],
            b["execute_reply_s"] / a["execute_reply_s"],
            b["execute_idle_s"] / a["execute_idle_s"]))


if __name__ == "__main__":
    main()
