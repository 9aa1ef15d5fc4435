package io.eventstreamcore.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on 127.0.0.1 (port 0) to one target, for outage tests: {@link #cut()} closes every
 * proxied connection and turns new ones away (accepted, then closed at once), {@link #restore()}
 * lets them through again. Two threads per connection copy bytes each way; all threads are joined
 * at {@link #close()}.
 */
final class LoopbackProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Thread acceptor;
  private final Object lock = new Object();
  // Guarded by lock: sockets open now, every thread started, and whether new ones are refused.
  private final List<Socket> open = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private boolean refusing;

  private LoopbackProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "loopback-proxy-accept");
    acceptor.start();
  }

  /** Starts a proxy to {@code target}. */
  static LoopbackProxy start(InetSocketAddress target) throws IOException {
    return new LoopbackProxy(target);
  }

  int port() {
    return server.getLocalPort();
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
        startPump(client, upstream, "up");
        startPump(upstream, client, "down");
      }
    }
  }

  private void startPump(Socket from, Socket to, String direction) {
    Thread pump = new Thread(() -> pump(from, to), "loopback-proxy-" + direction);
    threads.add(pump);
    pump.start();
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed or was cut: end the pair
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      synchronized (lock) {
        open.remove(from);
        open.remove(to);
      }
    }
  }

  /** Closes every proxied connection and refuses new ones until {@link #restore()}. */
  void cut() {
    synchronized (lock) {
      refusing = true;
      for (Socket socket : open) {
        closeQuietly(socket);
      }
    }
  }

  /** Lets new connections through again. */
  void restore() {
    synchronized (lock) {
      refusing = false;
    }
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
