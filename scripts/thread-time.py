#!/usr/bin/env python3
"""Where each thread of a command spent its life, to tell a pipeline that keeps its threads
busy from a machine that is busy with other work (scripts/bench-batch runs it on
`competency batch FILE --jobs 2`).

    scripts/thread-time.py CPU1_SECONDS -- COMMAND ARGS...

Samples /proc/PID/task/*/schedstat every 20 ms while COMMAND runs (standard output to
/dev/null) and splits each thread's life into running, waiting for a CPU (runnable, but other
processes had the cores) and blocked (waiting for work, for a result in order, or for I/O).
On a machine with nothing else running the waiting would be zero, so the command would take
about as long as its busiest thread's running plus blocked time (batch's threads, the main
one included, each read, check and write); CPU1_SECONDS, the one-thread run's CPU time, divided by that is the
speed-up such a machine would give. It is an estimate, printed as one, not a measurement of
the target.
"""
import os
import subprocess
import sys
import time


def main():
    cpu1 = float(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    threads = {}
    start = time.monotonic()
    while process.poll() is None:
        now = time.monotonic()
        try:
            tids = os.listdir(f"/proc/{process.pid}/task")
        except OSError:
            tids = []
        for tid in tids:
            try:
                with open(f"/proc/{process.pid}/task/{tid}/schedstat") as f:
                    running, waiting, _ = (int(x) for x in f.read().split())
            except (OSError, ValueError):
                continue
            first = threads.get(tid, (now,))[0]
            threads[tid] = (first, now, running / 1e9, waiting / 1e9)
        time.sleep(0.02)
    wall = time.monotonic() - start
    print(f"wall-clock {wall:.2f} s; load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"{'thread':<8} {'life-s':>7} {'running-s':>10} {'waiting-s':>10} {'blocked-s':>10}  (0: the main thread)")
    busiest = 0.0
    # The main thread's ID is the process's; the others in the order they were first seen.
    order = sorted(threads, key=lambda tid: (tid != str(process.pid), threads[tid][0], int(tid)))
    for n, tid in enumerate(order):
        first, last, running, waiting = threads[tid]
        life = last - first
        blocked = max(life - running - waiting, 0.0)
        print(f"{n:<8} {life:7.2f} {running:10.2f} {waiting:10.2f} {blocked:10.2f}")
        busiest = max(busiest, running + blocked)
    if busiest > 0:
        print(f"estimate without other load: {busiest:.2f} s, {cpu1 / busiest:.2f}x the one-thread "
              f"run's {cpu1:.2f} CPU-seconds (an estimate: see scripts/thread-time.py)")
    return process.returncode


if __name__ == "__main__":
    main()
