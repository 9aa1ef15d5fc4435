package io.eventstreamcore.deploy.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs one load scenario against a server of the EventStreamCore protocol and reports what it
 * measured. Works against any server of the protocol; v1 mode sends without acks and reads nothing,
 * as the original's clients did.
 */
public final class LoadGenerator {
  /** How long after the sending deadline the last writes and ACKs may take. */
  private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** Longest a fixed-rate sender goes on after the deadline with frames due before it. */
  private static final long MAX_CATCH_UP_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LoadSettings settings;
  private final PrintWriter out;

  /** Creates a generator that prints progress and the summary to {@code out}. */
  public LoadGenerator(LoadSettings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
  }

  /** Runs the scenario to its end and returns the result. */
  public LoadResult run() throws IOException, InterruptedException {
    Recorder recorder = newRecorder();
    Recorder fromWrite = settings.v2() && settings.ratePerSecond() > 0 ? newRecorder() : null;
    // The warm-up's latencies, recorded (see LoadConnection.onAck) but never reported.
    Recorder warmup = newRecorder();
    List<LoadConnection> connections = new ArrayList<>();
    int runId = ThreadLocalRandom.current().nextInt();
    for (int i = 0; i < settings.connections(); i++) {
      connections.add(new LoadConnection(i, runId, settings, recorder, fromWrite, warmup));
    }
    List<Thread> threads = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long deadline = start + settings.duration().toNanos();
    // Frames due within the run are sent after it for as long again at most (and within the
    // drain), then charged unsent: a server that cannot keep up must not stretch a run for ever.
    long giveUp = deadline + Math.min(settings.duration().toNanos(), MAX_CATCH_UP_NANOS);
    double perConnectionRate = (double) settings.ratePerSecond() / settings.connections();
    List<Throwable> failures = new ArrayList<>();
    for (LoadConnection connection : connections) {
      connection.recordFrom(start + settings.warmup().toNanos());
      if (settings.v2()) {
        threads.add(start("load-reader", connection::read));
      }
      senders.add(
          start(
              "load-sender",
              () -> {
                if (perConnectionRate > 0 && settings.timerSlackNanos() > 0) {
                  setTimerSlack();
                }
                try {
                  connection.send(start, deadline, giveUp, perConnectionRate);
                } catch (IOException | RuntimeException e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              }));
    }
    threads.addAll(senders);
    Histogram total = progress(connections, recorder, warmup, start, deadline);
    drain(senders, connections);
    long elapsedNanos = System.nanoTime() - start;
    total.add(recorder.getIntervalHistogram());
    for (LoadConnection connection : connections) {
      connection.close();
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
    LoadResult result =
        new LoadResult(
            sum(connections, LoadConnection::sent),
            sum(connections, LoadConnection::repeated),
            sum(connections, LoadConnection::acked),
            sum(connections, LoadConnection::rejected),
            sum(connections, LoadConnection::unsent),
            elapsedNanos,
            settings.v2() ? total : null,
            fromWrite != null ? fromWrite.getIntervalHistogram() : null,
            failures.size());
    for (Throwable failure : failures) {
      out.println("a load connection failed: " + failure);
    }
    out.println(result.summary(settings));
    out.flush();
    return result;
  }

  /**
   * A sender stops on its own by the give-up time, but may still be writing its last buffer or (v2)
   * waiting for room in its in-flight window: closing the channel under it would fail the
   * connection and count frames that never reached the server as sent. So this waits for the
   * senders, then for the ACKs, all within one drain deadline.
   */
  private void drain(List<Thread> senders, List<LoadConnection> connections)
      throws InterruptedException {
    long drainDeadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
    for (Thread sender : senders) {
      TimeUnit.NANOSECONDS.timedJoin(sender, drainDeadline - System.nanoTime());
    }
    for (LoadConnection connection : connections) {
      if (settings.v2()) {
        connection.awaitAcks(Math.max(0, drainDeadline - System.nanoTime()));
      }
    }
  }

  private static long sum(List<LoadConnection> connections, ToLongFunction<LoadConnection> count) {
    return connections.stream().mapToLong(count).sum();
  }

  /** Highest latency the histograms hold; a longer one is recorded as this. */
  static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private static Recorder newRecorder() {
    return new Recorder(MAX_LATENCY_NANOS, 3);
  }

  /**
   * Prints a progress line each second until the deadline; returns the latencies recorded. The
   * warm-up's recorder is drained the same way each second, and what it held dropped: left
   * undrained, the first measured second's p99 was 1.1-2.4 ms against a warm service, 0.25-0.9 ms
   * drained (bench/RESULTS.md).
   */
  private Histogram progress(
      List<LoadConnection> connections,
      Recorder recorder,
      Recorder warmup,
      long start,
      long deadline)
      throws InterruptedException {
    Histogram total = new Histogram(MAX_LATENCY_NANOS, 3);
    long lastSent = 0;
    long lastAcked = 0;
    long tick = start;
    // Each second's histograms are recycled, not allocated: a fresh pair took about 0.5 MB a
    // second, and the young collection that followed paused the generator for several
    // milliseconds in the middle of a measurement, which it then counted as the server's latency.
    Histogram interval = null;
    Histogram dropped = null;
    while (System.nanoTime() < deadline) {
      tick += TimeUnit.SECONDS.toNanos(1);
      TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(tick, deadline) - System.nanoTime()));
      long sent = sum(connections, LoadConnection::sent);
      long acked = sum(connections, LoadConnection::acked);
      interval = recorder.getIntervalHistogram(interval);
      total.add(interval);
      dropped = warmup.getIntervalHistogram(dropped); // drained like the measured one
      out.printf(
          "  %5.1fs  sent %,12d (%,10d/s)  acked %,12d (%,10d/s)  p99 %s%n",
          (System.nanoTime() - start) / 1e9,
          sent,
          sent - lastSent,
          acked,
          acked - lastAcked,
          settings.v2() ? LoadResult.micros(interval.getValueAtPercentile(99)) : "-");
      out.flush();
      lastSent = sent;
      lastAcked = acked;
    }
    return total;
  }

  /**
   * Sets the calling sender's timer slack as asked (see {@link TimerSlack} for what it buys and
   * costs), or says why it could not.
   */
  private void setTimerSlack() {
    String failure = TimerSlack.setForCurrentThread(settings.timerSlackNanos());
    if (failure != null) {
      out.println("note: the sender keeps the kernel's timer slack (" + failure + ")");
      out.flush();
    }
  }

  private static Thread start(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
