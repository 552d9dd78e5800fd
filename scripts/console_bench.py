#!/usr/bin/env python3
"""The console as an operator leaves it open: `vigil top` in a pseudo-terminal
of 200x60, reading a server or a store, measured from outside.

  console_bench.py VIGIL VIEW SECONDS -- TOP_ARGS...

Prints one line: CPU (utime+stime over the measured window), RSS after the
warm-up and at the end, and bytes written to the terminal per refresh
(per second at --refresh 1). Figures only; nothing is asserted.
"""
import fcntl, os, pty, select, signal, struct, sys, termios, time

WARMUP = 8.0


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))


def main():
    vigil, view, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    extra = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(vigil, [vigil, "top", "--view", view, "--refresh", "1"] + extra)
    start, written, measured = time.monotonic(), 0, False
    t0 = r0 = None
    try:
        while time.monotonic() - start < WARMUP + seconds:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if measured:
                    written += len(data)
            if not measured and time.monotonic() - start >= WARMUP:
                measured, t0, c0, r0 = True, time.monotonic(), ticks(pid), rss_kib(pid)
        elapsed, c1, r1 = time.monotonic() - t0, ticks(pid), rss_kib(pid)
    finally:
        os.write(fd, b"q")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and os.waitpid(pid, os.WNOHANG) == (0, 0):
            try:
                os.read(fd, 65536)
            except OSError:
                pass
            time.sleep(0.05)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    hz = os.sysconf("SC_CLK_TCK")
    source = "store" if "--store" in extra else "api"
    print(f"console source {source} view {view} cpu_percent_of_one_core {100 * (c1 - c0) / hz / elapsed:.2f} goal_below 3 "
          f"rss_after_warmup_kib {r0} rss_end_kib {r1} growth {r1 / r0:.2f} "
          f"terminal_bytes_per_refresh {written / elapsed:.0f} refreshes {elapsed:.0f}")


main()
