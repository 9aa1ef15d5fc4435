package io.eventstreamcore.storage.sql;

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

/**
 * A TCP proxy on 127.0.0.1 (port 0) to PostgreSQL that can lose the reply to a commit: once
 * {@linkplain #loseNextCommitReply() armed}, the first client message containing {@code COMMIT}
 * still reaches the server (which commits), but nothing the server sends back on that connection
 * reaches the client any more. That is the one failure a retry cannot tell from a lost commit by
 * the error alone. Two threads per connection, joined at {@link #close()}.
 */
final class ReplyDroppingProxy implements AutoCloseable {
  private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Thread acceptor;
  private final Object lock = new Object();
  // Guarded by lock.
  private final List<Socket> open = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean armed;

  ReplyDroppingProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "reply-dropping-proxy-accept");
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Loses every reply on the connection that sends the next COMMIT, from that COMMIT on. */
  void loseNextCommitReply() {
    armed = true;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        // One flag per connection, set by its client-to-server pump, read by the other one.
        boolean[] swallowing = new boolean[1];
        synchronized (lock) {
          open.add(client);
          open.add(upstream);
          start(() -> pump(client, upstream, swallowing, true));
          start(() -> pump(upstream, client, swallowing, false));
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void start(Runnable pump) {
    Thread thread = new Thread(pump, "reply-dropping-proxy-pump");
    threads.add(thread);
    thread.start();
  }

  private void pump(Socket from, Socket to, boolean[] swallowing, boolean clientToServer) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (clientToServer) {
          if (armed && contains(buffer, n, COMMIT)) {
            armed = false;
            synchronized (swallowing) {
              swallowing[0] = true;
            }
          }
        } else {
          synchronized (swallowing) {
            if (swallowing[0]) {
              continue;
            }
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: end the pair
    } finally {
      close(from);
      close(to);
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
    List<Thread> started;
    synchronized (lock) {
      for (Socket socket : open) {
        close(socket);
      }
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

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
