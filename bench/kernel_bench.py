"""Start-up time and trivial-execute round trip of Jupyter kernels, measured
the same way for each through jupyter_client, in one run.

Usually run by `contrast bench kernel`, which installs the contrast kernel
spec in a temporary JUPYTER_PATH first. By hand:

    JUPYTER_PATH=DIR/share/jupyter /usr/bin/python3 bench/kernel_bench.py \
        --kernel contrast --kernel python3

Each kernel is started by jupyter_client's KernelManager. Requests are
signed and sent by jupyter_client's Session over plain synchronous pyzmq
sockets from KernelManager.connect_shell and connect_iopub, and replies are
read as raw frames: the figures are the kernel's, not the client's.
The same execute is also timed through jupyter_client's BlockingKernelClient,
whose asyncio-based channels add a few milliseconds of their own to each
round trip, as a notebook tool would see it.

  start-up   time from KernelManager.start_kernel() to the reply of a
             kernel_info_request sent as soon as the kernel was launched
             (median over --starts fresh kernels, after one untimed
             warm-up start that loads jupyter_client's own machinery);
  execute    time from sending execute_request for a trivial cell ("1+1")
             to receiving its execute_reply ("reply"), and to receiving the
             idle status that ends it ("to idle"); medians over --executes
             cells after --warmup untimed ones.
"""

import argparse
import json
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

TIMEOUT = 60.0


DELIM = b"<IDS|MSG>"


class Lean:
    """A synchronous client: jupyter_client's Session signs and serialises
    requests; replies are read as raw frames, decoding only the parent
    header (and the content of the frames that matter), so the client's
    own cost stays small next to the kernel's."""

    def __init__(self, km, iopub=True):
        self.session = km.session
        self.shell = km.connect_shell(identity=self.session.bsession)
        self.iopub = km.connect_iopub() if iopub else None

    def close(self):
        for s in (self.shell, self.iopub):
            if s is not None:
                s.close(linger=0)

    def send(self, msg_type, content):
        msg = self.session.send(self.shell, msg_type, content)
        return msg["header"]["msg_id"]

    @staticmethod
    def _recv(sock, timeout):
        if not sock.poll(int(timeout * 1000)):
            raise TimeoutError("no message within %ss" % timeout)
        frames = sock.recv_multipart()
        i = frames.index(DELIM)
        # signature, header, parent header, metadata, content
        return frames[i + 2], frames[i + 3], frames[i + 5]

    def reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.perf_counter() + timeout
        while True:
            header, parent, content = self._recv(self.shell, max(deadline - time.perf_counter(), 0.001))
            if json.loads(parent).get("msg_id") == msg_id:
                return json.loads(content)

    def idle(self, msg_id, timeout=TIMEOUT):
        deadline = time.perf_counter() + timeout
        while True:
            header, parent, content = self._recv(self.iopub, max(deadline - time.perf_counter(), 0.001))
            if (
                b'"idle"' in content
                and json.loads(header).get("msg_type") == "status"
                and json.loads(content).get("execution_state") == "idle"
                and json.loads(parent).get("msg_id") == msg_id
            ):
                return

    def wait_iopub(self):
        """Waits until IOPub delivers (the PUB/SUB subscription is in place)."""
        for _ in range(100):
            msg_id = self.send("kernel_info_request", {})
            self.reply(msg_id)
            try:
                self.idle(msg_id, timeout=0.2)
                return
            except TimeoutError:
                pass
        raise RuntimeError("IOPub never delivered")


def start(name):
    """Starts a kernel; returns (manager, seconds to first kernel_info reply)."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    c = Lean(km, iopub=False)
    try:
        c.reply(c.send("kernel_info_request", {}))
    finally:
        c.close()
    return km, time.perf_counter() - t0


def execute_content(code):
    return {"code": code, "silent": False, "store_history": True,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}


def measure(name, starts, executes, warmup, code):
    km, _ = start(name)  # warm-up start, untimed
    km.shutdown_kernel(now=True)
    startup = []
    for _ in range(starts):
        km, dt = start(name)
        startup.append(dt)
        km.shutdown_kernel(now=True)

    km, _ = start(name)
    try:
        c = Lean(km)
        c.wait_iopub()
        reply_rt, idle_rt = [], []
        for i in range(warmup + executes):
            t0 = time.perf_counter()
            msg_id = c.send("execute_request", execute_content(code))
            reply = c.reply(msg_id)
            t1 = time.perf_counter()
            c.idle(msg_id)
            t2 = time.perf_counter()
            if reply["status"] != "ok":
                raise RuntimeError("%s: %r failed: %s" % (name, code, reply))
            if i >= warmup:
                reply_rt.append(t1 - t0)
                idle_rt.append(t2 - t0)
        impl = c.reply(c.send("kernel_info_request", {})).get("implementation", name)
        c.close()

        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=TIMEOUT)
        client_rt = []
        for i in range(warmup + executes // 2):
            t0 = time.perf_counter()
            msg_id = kc.execute(code)
            while kc.get_shell_msg(timeout=TIMEOUT)["parent_header"].get("msg_id") != msg_id:
                pass
            if i >= warmup:
                client_rt.append(time.perf_counter() - t0)
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    return {
        "kernel": name,
        "implementation": impl,
        "startup_s": statistics.median(startup),
        "startup_all_s": startup,
        "execute_reply_s": statistics.median(reply_rt),
        "execute_idle_s": statistics.median(idle_rt),
        "execute_reply_blocking_client_s": statistics.median(client_rt),
        "starts": starts,
        "executes": executes,
        "code": code,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", action="append", required=True,
                    help="kernel name; give it twice: first the kernel measured, then the reference")
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
    print("%-10s %16s %30s %24s" % ("", "start-up", "execute %r (lean client)" % args.code, "BlockingKernelClient"))
    print("%-10s %16s %15s %14s %24s" % ("kernel", "median of %d" % args.starts, "reply", "to idle", "reply"))
    for r in results:
        print("%-10s %13.1f ms %12.3f ms %11.3f ms %21.3f ms" % (
            r["implementation"], r["startup_s"] * 1e3, r["execute_reply_s"] * 1e3,
            r["execute_idle_s"] * 1e3, r["execute_reply_blocking_client_s"] * 1e3))
    if len(results) >= 2:
        a, b = results[0], results[1]
        print("ratio %s/%s: start-up %.1fx, execute reply %.1fx, to idle %.1fx, via BlockingKernelClient %.1fx" % (
            b["implementation"], a["implementation"],
            b["startup_s"] / a["startup_s"],
            b["execute_reply_s"] / a["execute_reply_s"],
            b["execute_idle_s"] / a["execute_idle_s"],
            b["execute_reply_blocking_client_s"] / a["execute_reply_blocking_client_s"]))


if __name__ == "__main__":
    main()
