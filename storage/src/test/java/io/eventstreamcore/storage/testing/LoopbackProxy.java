package io.eventstreamcore.storage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on 127.0.0.1 (port 0) to one target, for outage tests. {@link #cut()} closes every
 * proxied connection and turns new ones away (accepted, then closed at once), {@link #restore()}
 * lets them through again. {@link #loseNextCommitReply()} loses the reply to a database commit: the
 * first client message containing {@code COMMIT} after it still reaches the server (which commits),
 * but nothing the server sends back on that connection reaches the client any more; the one failure
 * a retry cannot tell from a lost commit by the error alone. {@link #partitionAtNextCommit()} cuts
 * a connection off inside its transaction, as a network partition would: from the next client
 * message containing {@code COMMIT} on, nothing passes either way, and when the client gives up and
 * closes, the server's side stays open, so the server keeps the session and its transaction until
 * it ends them itself. Two threads per connection copy bytes each way; all threads are joined at
 * {@link #close()}.
 */
public final class LoopbackProxy implements AutoCloseable {
  private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Thread acceptor;
  private final Object lock = new Object();
  // Guarded by lock: sockets open now, every thread started, and whether new ones are refused.
  private final List<Socket> open = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private boolean refusing;
  private volatile boolean losingNextCommitReply;
  private volatile boolean partitioningNextCommit;

  private LoopbackProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "loopback-proxy-accept");
    acceptor.start();
  }

  /** Starts a proxy to {@code target}. */
  public static LoopbackProxy start(InetSocketAddress target) throws IOException {
    return new LoopbackProxy(target);
  }

  /** The port the proxy listens on, on 127.0.0.1. */
  public int port() {
    return server.getLocalPort();
  }

  /** Closes every proxied connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    synchronized (lock) {
      refusing = true;
      for (Socket socket : open) {
        closeQuietly(socket);
      }
    }
  }

  /** Lets new connections through again. */
  public void restore() {
    synchronized (lock) {
      refusing = false;
    }
  }

  /** Loses every reply on the connection that sends the next COMMIT, from that COMMIT on. */
  public void loseNextCommitReply() {
    losingNextCommitReply = true;
  }

  /** Cuts off the connection that sends the next COMMIT, before it reaches the server. */
  public void partitionAtNextCommit() {
    partitioningNextCommit = true;
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      synchronized (lock) {
        if (refusing) {
          closeQuietly(client);
          continue;
        }
        Socket upstream = new Socket();
        try {
          upstream.connect(target, 5_000);
        } catch (IOException e) {
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        open.add(client);
        open.add(upstream);
        // Per connection: set by its client-to-server pump, read by the other one.
        AtomicBoolean swallowing = new AtomicBoolean();
        AtomicBoolean partitioned = new AtomicBoolean();
        startPump(client, upstream, swallowing, partitioned, true);
        startPump(upstream, client, swallowing, partitioned, false);
      }
    }
  }

  private void startPump(
      Socket from, Socket to, AtomicBoolean swallowing, AtomicBoolean partitioned, boolean up) {
    Thread pump =
        new Thread(
            () -> pump(from, to, swallowing, partitioned, up),
            "loopback-proxy-" + (up ? "up" : "down"));
    threads.add(pump);
    pump.start();
  }

  private void pump(
      Socket from, Socket to, AtomicBoolean swallowing, AtomicBoolean partitioned, boolean up) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (up) {
          if (losingNextCommitReply && contains(buffer, n, COMMIT)) {
            losingNextCommitReply = false;
            swallowing.set(true);
          }
          if (partitioningNextCommit && contains(buffer, n, COMMIT)) {
            partitioningNextCommit = false;
            partitioned.set(true);
          }
        } else if (swallowing.get()) {
          continue;
        }
        if (!partitioned.get()) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // one side closed or was cut: end the pair
    } finally {
      closeQuietly(from);
      if (!partitioned.get()) {
        closeQuietly(to); // else the server's side stays open until close()
      }
      synchronized (lock) {
        open.remove(from);
        if (!partitioned.get()) {
          open.remove(to);
        }
      }
    }
  }

  private static boolean contains(byte[] buffer, int length, byte[] word) {
    outer:
    for (int i = 0; i + word.length <= length; i++) {
      for (int j = 0; j < word.length; j++) {
        if (buffer[i + j] != word[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    server.close();
    cut();
    List<Thread> started;
    synchronized (lock) {
      started = new ArrayList<>(threads);
    }
    started.add(acceptor);
    try {
      for (Thread thread : started) {
        thread.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
