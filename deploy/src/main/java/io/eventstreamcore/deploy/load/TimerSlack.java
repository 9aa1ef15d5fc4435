package io.eventstreamcore.deploy.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling thread's timer slack on Linux: how late the kernel may fire its timed waits so that
 * it can group wake-ups. The default, 50 us, makes a {@code parkNanos(10_000)} return after about
 * 80 us on this project's machines, and 24 us with a slack of 1 us. A fixed-rate sender that parks
 * between frames counts that lateness into every latency it measures, and sends the frames due
 * meanwhile in one burst: at 100,000 events/s, eight every 80 us instead of one every 10 us. So the
 * senders ask for less ({@code --timer-slack-ns}, 20 us by default). Less still costs more than it
 * buys on a machine the generator shares with the server: each wake-up takes system time. At
 * 100,000 events/s the generator used 1.05 cores with 1 us against 0.42 with the kernel's slack on
 * one machine, and 0.63-0.70 with 20 us against 0.48-0.53 on another, where the server's CPU did
 * not change (bench/RESULTS.md).
 *
 * <p>{@code /proc/thread-self} names the calling thread's task; the slack is written to {@code
 * /proc/<tid>/timerslack_ns} (Linux 4.6 and later), which a thread may do for itself.
 */
final class TimerSlack {
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");

  private TimerSlack() {}

  /**
   * Sets the calling thread's timer slack to {@code nanos}; returns why it could not, or null when
   * it did.
   */
  static String setForCurrentThread(long nanos) {
    try {
      String tid = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
      Files.writeString(Path.of("/proc", tid, "timerslack_ns"), Long.toString(nanos));
      return null;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return e.toString();
    }
  }
}
