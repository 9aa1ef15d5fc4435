package io.eventstreamcore.bench;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How often the platform stops a thread that never waits, as jHiccup measures it: one thread per
 * core reads the clock in a loop and counts the gaps between two readings. A gap is time the thread
 * did not run: an interrupt, another task on its core (the guest's scheduler), or its virtual CPU
 * not running at all (the hypervisor's). Each thread's own run-queue wait ({@code
 * /proc/thread-self/schedstat}) tells the guest's share; the machine's steal ticks ({@code
 * /proc/stat}) the hypervisor's, as far as it reports it.
 *
 * <pre>java -cp bench/target/eventstream-bench.jar io.eventstreamcore.bench.Hiccups [seconds]</pre>
 */
public final class Hiccups {
  // Lower bounds of the gaps counted, in microseconds: a gap counts under the largest it reaches.
  private static final long[] BOUNDS_MICROS = {50, 100, 250, 500, 1_000, 2_000, 4_000};

  private Hiccups() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int threads = Runtime.getRuntime().availableProcessors();
    long stealBefore = stealTicks();
    List<Spinner> spinners = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Spinner s = new Spinner((long) (seconds * 1e9));
      spinners.add(s);
      s.start();
    }
    for (Spinner s : spinners) {
      s.join();
    }
    long stolen = stealTicks() - stealBefore;
    PrintWriter out =
        new PrintWriter(
            new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8),
            true);
    out.printf(
        "%d threads spinning for %.0f s; the machine's steal: %d ticks (10 ms each)%n",
        threads, seconds, stolen);
    for (Spinner s : spinners) {
      out.println(s.summary());
    }
  }

  /** Spins for its duration, counting the gaps between clock readings. */
  private static final class Spinner extends Thread {
    private final long nanos;
    private final long[] counts = new long[BOUNDS_MICROS.length];
    private long lostNanos;
    private long maxNanos;
    private long waitNanos;

    Spinner(long nanos) {
      this.nanos = nanos;
      setDaemon(true);
    }

    @Override
    public void run() {
      long waitBefore = runQueueWaitNanos();
      long previous = System.nanoTime();
      long end = previous + nanos;
      long smallest = BOUNDS_MICROS[0] * 1_000;
      while (previous < end) {
        long now = System.nanoTime();
        long gap = now - previous;
        previous = now;
        if (gap >= smallest) {
          count(gap);
        }
      }
      waitNanos = runQueueWaitNanos() - waitBefore;
    }

    private void count(long gap) {
      lostNanos += gap;
      maxNanos = Math.max(maxNanos, gap);
      int i = BOUNDS_MICROS.length - 1;
      while (gap < BOUNDS_MICROS[i] * 1_000) {
        i--;
      }
      counts[i]++;
    }

    String summary() {
      StringBuilder line = new StringBuilder("  gaps in us");
      for (int i = 0; i < counts.length; i++) {
        String upper = i + 1 < counts.length ? "-" + BOUNDS_MICROS[i + 1] : "+";
        line.append(String.format(" %d%s: %d", BOUNDS_MICROS[i], upper, counts[i]));
      }
      return line.append(
              String.format(
                  "; lost %.1f ms, longest %.2f ms; waiting to run in the guest: %.1f ms",
                  lostNanos / 1e6, maxNanos / 1e6, waitNanos / 1e6))
          .toString();
    }
  }

  /** This thread's time waiting on a run queue, or 0 where the kernel does not say. */
  private static long runQueueWaitNanos() {
    try {
      String[] fields = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
      return Long.parseLong(fields[1]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The machine's steal ticks so far, or 0 where the kernel does not say. */
  private static long stealTicks() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          return Long.parseLong(line.trim().split(" +")[8]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no figure
    }
    return 0;
  }
}
