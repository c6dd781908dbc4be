#!/usr/bin/env python3
"""Performance as users get it: whole processes of ./bufdsl, each beside its yardstick in the same run.

    python3 bench/e2e/run.py [--rounds N] [--reps R] [--only NAME,...]

Needs Java 17, Maven (the launcher builds the jars on first use), Python 3 with numpy. Every case
starts whole processes (start-up, JIT warm-up, checks and set-up included) in turn - bufdsl, its
yardstick, bufdsl, its yardstick ... - for N rounds, so that both sides see the same machine
(a shared machine drifts; ratios taken round by round stay meaningful when absolute times do not).
Times are wall-clock seconds of the whole process; the CPU seconds (user + system of the child) are
printed beside them. A ratio is yardstick / bufdsl: above 1 bufdsl is faster.

Cases:
  aligned, permuted, chain: ./bufdsl run X.buf --backend blas against numpy einsum(optimize=True)
      doing the same contraction R times (X.py). Each side also runs with 0 repetitions, and the
      time of one repetition is (time of R - time of 0) / R: the contraction alone, without
      start-up and set-up. Both the whole-process ratio and the per-repetition ratio are printed;
      the latter is the ratio of the medians (each single round's ratio is printed beside it), and
      R = 60 by default, so that the repetitions outweigh the start-up's own spread (about 0.05 s).
  small: ./bufdsl run small.buf (100,000 contractions of 4x4 tensors, default backend) against numpy
      einsum into out=, each also with 0 repetitions: the cost of one small @tensor statement.
  loop: ./bufdsl run loop.buf (20M iterations of a scalar loop) against CPython running loop.py.
  usage: start-up of ./bufdsl usage examples/prealloc.buf --var small=true against a bare
      `java -version` (the JVM's own start-up).
  --in-process: also the interpreter's statements per second in one JVM (JMH, about a minute).
  --gate CORES: on a shared machine, each command is timed only while other processes use at most
      CORES of CPU (measured from /proc/stat around the run), else timed again.
At the end, each of issue 18's targets with the figure measured for it, met or not.
"""
import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LAUNCHER = os.path.join(ROOT, "bufdsl")


# --gate: the most CPU (in cores, on average) other processes may use while a command is timed
GATE = None
RETRIED = [0]


def busy():
    """CPU seconds all processors have spent busy since boot (Linux /proc/stat), or None elsewhere."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_quiet():
    """Waits (at most ten minutes) until the processors have been nearly idle for half a second."""
    deadline = time.time() + 600
    while time.time() < deadline:
        b0 = busy()
        time.sleep(0.5)
        if b0 is None or (busy() - b0) / 0.5 <= GATE:
            return


def timed(cmd):
    """Runs cmd (a list) to its end; returns (wall seconds, cpu seconds) of the whole child process.
    With --gate, it starts when the machine is quiet and runs again (up to 20 times) when other
    processes used more than the gate's CPU while it ran."""
    for _ in range(20):
        if GATE is not None:
            wait_quiet()
        b0 = busy()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        b1 = busy()
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            sys.exit("bench/e2e: %s failed (exit %d):\n%s" % (" ".join(cmd), proc.returncode, err))
        cpu = usage.ru_utime + usage.ru_stime
        if GATE is None or b0 is None or (b1 - b0 - cpu) <= GATE * wall:
            return wall, cpu
        RETRIED[0] += 1
    sys.exit("bench/e2e: --gate: the machine never stayed quiet through " + " ".join(cmd))


def rounds(cmds, n):
    """Runs each command once per round, in turn, n rounds (after one warm-up round); times per command."""
    for c in cmds:
        timed(c)
    out = [[] for _ in cmds]
    for _ in range(n):
        for i, c in enumerate(cmds):
            out[i].append(timed(c))
    return out


def med(samples, k=0):
    return statistics.median(s[k] for s in samples)


def paired_ratio(yard, mine):
    """Median over rounds of yardstick wall / bufdsl wall."""
    return statistics.median(y[0] / m[0] for y, m in zip(yard, mine))


def contraction(name, reps, n):
    bufdsl = [LAUNCHER, "run", "bench/e2e/%s.buf" % name, "--backend", "blas", "--var"]
    numpy = [sys.executable, "bench/e2e/%s.py" % name]
    a_r, b_r, a_0, b_0 = rounds([bufdsl + ["reps=%d" % reps], numpy + [str(reps)], bufdsl + ["reps=0"],
                                 numpy + ["0"]], n)
    per_a = (med(a_r) - med(a_0)) / reps
    per_b = (med(b_r) - med(b_0)) / reps
    cpu_a = (med(a_r, 1) - med(a_0, 1)) / reps
    cpu_b = (med(b_r, 1) - med(b_0, 1)) / reps
    print("%-9s whole process, %d reps: bufdsl %.2f s (cpu %.2f), numpy %.2f s (cpu %.2f): %.2fx numpy"
          % (name, reps, med(a_r), med(a_r, 1), med(b_r), med(b_r, 1), paired_ratio(b_r, a_r)))
    # the ratio is of the medians: each difference of single runs spreads by about 6%, so the ratio
    # of one round's differences spreads twice that (four gated runs of aligned: ratios of the
    # medians 0.98 to 1.00, medians of the rounds' ratios 0.94 to 1.06); the rounds' ratios are
    # printed to show that spread
    ratios = sorted((yr[0] - y0[0]) / (mr[0] - m0[0]) for yr, y0, mr, m0 in zip(b_r, b_0, a_r, a_0))
    ratio = per_b / per_a
    print("%-9s one repetition ((R reps - 0 reps) / R): bufdsl %.1f ms (cpu %.1f), numpy %.1f ms (cpu %.1f):"
          " %.2fx numpy (single rounds %s)" % (name, 1000 * per_a, 1000 * cpu_a, 1000 * per_b, 1000 * cpu_b,
                                               ratio, " ".join("%.2f" % r for r in ratios)))
    return ratio


def small(n, reps=100000):
    bufdsl = [LAUNCHER, "run", "bench/e2e/small.buf", "--var"]
    numpy = [sys.executable, "bench/e2e/small.py"]
    a_r, b_r, a_0, b_0 = rounds([bufdsl + ["reps=%d" % reps], numpy + [str(reps)], bufdsl + ["reps=0"],
                                 numpy + ["0"]], n)
    per_a = (med(a_r) - med(a_0)) / reps
    per_b = (med(b_r) - med(b_0)) / reps
    print("small     %d statements of 4x4 contractions: bufdsl %.2f s (cpu %.2f), numpy %.2f s (cpu %.2f);"
          " one statement: bufdsl %.1f us (cpu %.1f), numpy %.1f us (cpu %.1f): %.2fx numpy"
          % (reps, med(a_r), med(a_r, 1), med(b_r), med(b_r, 1), 1e6 * per_a,
             1e6 * (med(a_r, 1) - med(a_0, 1)) / reps, 1e6 * per_b, 1e6 * (med(b_r, 1) - med(b_0, 1)) / reps,
             per_b / per_a))
    return per_b / per_a


def loop(n):
    a, b, c = rounds([[LAUNCHER, "run", "bench/e2e/loop.buf"], [sys.executable, "bench/e2e/loop.py"],
                      [LAUNCHER, "check", "bench/e2e/loop.buf"]], n)
    print("loop      whole process, 20M iterations: bufdsl %.2f s (cpu %.2f), CPython %.2f s (cpu %.2f): %.2fx CPython"
          % (med(a), med(a, 1), med(b), med(b, 1), paired_ratio(b, a)))
    # run checks the script before running it, as ./bufdsl check does (which runs under C1, run's
    # checks under the full JIT: an indication of their share, not an exact one)
    print("loop      of which the checks before running, as ./bufdsl check alone: %.2f s (cpu %.2f)"
          % (med(c), med(c, 1)))
    return paired_ratio(b, a)


def usage(n):
    a, b = rounds([[LAUNCHER, "usage", "examples/prealloc.buf", "--var", "small=true"], ["java", "-version"]], n)
    print("usage     start-up of ./bufdsl usage examples/prealloc.buf --var small=true: %.3f s (cpu %.2f);"
          " a bare java -version: %.3f s (cpu %.2f)" % (med(a), med(a, 1), med(b), med(b, 1)))
    return med(a)


def in_process():
    """The interpreter's statements per second, in-process (JMH, LanguageBench.interpreterScalarLoop20M)."""
    subprocess.run(["mvn", "-q", "-B", "-Pbench", "-DskipTests", "package"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    out = os.path.join(ROOT, "bench", "target", "e2e-jmh.json")
    jmh = subprocess.run(["java", "-jar", "bench/target/benchmarks.jar", "-f", "1", "-wi", "3", "-i", "5", "-w",
                          "1s", "-r", "2s", "-rf", "json", "-rff", out, "LanguageBench.interpreterScalarLoop20M"],
                         cwd=ROOT, capture_output=True, text=True)
    if jmh.returncode != 0:
        sys.exit("bench/e2e: JMH failed (exit %d):\n%s" % (jmh.returncode, (jmh.stdout + jmh.stderr)[-2000:]))
    import json
    with open(out) as f:
        result = json.load(f)[0]["primaryMetric"]
    ms, err = result["score"], result["scoreError"]
    rate = 2e7 / (ms / 1000)
    print("statements in-process (JMH LanguageBench.interpreterScalarLoop20M): %.1f M statements/s"
          " (%.1f +- %.1f ms for 20M)" % (rate / 1e6, ms, err))
    return rate


# issue 18's targets: case -> (what, test of the measured value, how it is printed)
TARGETS = {
    "aligned": ("aligned, one repetition, at least 1.0x numpy", lambda x: x >= 1.0, "%.2fx"),
    "permuted": ("permuted, one repetition, at least 0.9x numpy", lambda x: x >= 0.9, "%.2fx"),
    "chain": ("chain, one repetition (no target; reported)", None, "%.2fx"),
    "small": ("small, one 4x4 statement (no target; reported)", None, "%.2fx"),
    "loop": ("loop, whole process, at least 2x CPython", lambda x: x >= 2.0, "%.2fx"),
    "usage": ("usage start-up, at most 0.3 s", lambda x: x <= 0.3, "%.3f s"),
    "statements": ("interpreter in-process, at least 20M statements/s", lambda x: x >= 2e7, None),
}


def summary(measured):
    print("targets:")
    for case, value in measured.items():
        what, test, fmt = TARGETS[case]
        shown = "%.1f M/s" % (value / 1e6) if fmt is None else fmt % value
        verdict = "" if test is None else ("  met" if test(value) else "  NOT met")
        print("  %-52s %10s%s" % (what, shown, verdict))


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    import numpy
    return "%s, %d cores (os.cpu_count), %s; %s; Python %s, numpy %s; load average %s" % (
        cpu, os.cpu_count(), platform.system(), java, platform.python_version(), numpy.__version__,
        " ".join("%.1f" % x for x in os.getloadavg()))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5, help="rounds of each case (default 5)")
    p.add_argument("--reps", type=int, default=60, help="contractions per process (default 60)")
    p.add_argument("--only", default="aligned,permuted,chain,loop,usage", help="cases to run, comma-separated")
    p.add_argument("--gate", type=float, default=None, metavar="CORES",
                   help="time a command only while other processes use at most CORES of CPU on average (e.g."
                        " 0.1), running it again otherwise: for a shared machine (Linux)")
    p.add_argument("--in-process", action="store_true",
                   help="also the interpreter's statements per second in-process (builds and runs JMH)")
    args = p.parse_args()
    global GATE
    GATE = args.gate
    # build first (the launcher builds both jars when a source is newer), so no case times a build
    for backend in ([], ["--backend", "blas"]):
        subprocess.run([LAUNCHER, "check", "bench/e2e/aligned.buf", "--var", "reps=1"] + backend, cwd=ROOT,
                       stdout=subprocess.DEVNULL, check=True)

    print("bench/e2e, %s UTC, %d rounds" % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), args.rounds))
    print("machine: " + machine())
    if GATE is not None:
        print("gate: each command timed while other processes used at most %.2f cores" % GATE)
    measured = {}
    for case in args.only.split(","):
        if case in ("aligned", "permuted", "chain"):
            measured[case] = contraction(case, args.reps, args.rounds)
        elif case == "loop":
            measured[case] = loop(args.rounds)
        elif case == "small":
            measured[case] = small(args.rounds)
        elif case == "usage":
            measured[case] = usage(args.rounds)
        else:
            sys.exit("bench/e2e: no case " + case)
        sys.stdout.flush()
    if args.in_process:
        measured["statements"] = in_process()
    if GATE is not None:
        print("gate: %d runs were timed again because other processes were busy" % RETRIED[0])
    summary(measured)


if __name__ == "__main__":
    main()
