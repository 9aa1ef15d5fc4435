package io.eventstreamcore.deploy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The sender's timer slack is set for its own thread, and only for it. */
class TimerSlackTest {
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");

  private static long slackOfCurrentThread() throws Exception {
    String tid = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
    return Long.parseLong(Files.readString(Path.of("/proc", tid, "timerslack_ns")).trim());
  }

  @Test
  void setsTheCallingThreadsSlackAndLeavesOtherThreadsAlone() throws Exception {
    assumeTrue(Files.exists(THREAD_SELF), "no /proc/thread-self: not Linux");
    long before = slackOfCurrentThread();
    AtomicReference<Object> inThread = new AtomicReference<>();
    Thread sender =
        new Thread(
            () -> {
              try {
                String failure = TimerSlack.setForCurrentThread(1_234);
                inThread.set(failure != null ? failure : slackOfCurrentThread());
              } catch (Exception e) {
                inThread.set(e);
              }
            });
    sender.start();
    sender.join(10_000);

    assertThat(inThread.get()).isEqualTo(1_234L);
    assertThat(slackOfCurrentThread()).isEqualTo(before).isNotEqualTo(1_234L);
  }
}
