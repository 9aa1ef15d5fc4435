package io.eventstreamcore.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;

/**
 * Loopback ports for tests that must know a port before a server binds it, or bind the same one
 * again after a restart. They come from below Linux's ephemeral range (32768 up by default), from
 * which the kernel hands out port 0 and the source ports of outgoing connections: a port from
 * there, free for a moment, may be handed to any socket of any process meanwhile (a connection's
 * source port blocks the bind as a listener would), while a port below it is taken only by a bind
 * that names it.
 */
public final class FixedPort {
  private static final int FIRST = 20_000;
  private static final int COUNT = 12_000;

  private FixedPort() {}

  /** A port in 20000..31999 that was free a moment ago. */
  public static int free() throws IOException {
    SplittableRandom random = new SplittableRandom();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = FIRST + random.nextInt(COUNT);
      try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return probe.getLocalPort();
      } catch (IOException taken) {
        // another one
      }
    }
    throw new IOException("no free port in " + FIRST + ".." + (FIRST + COUNT - 1));
  }
}
