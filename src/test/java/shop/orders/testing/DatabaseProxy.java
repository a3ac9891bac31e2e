package shop.orders.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback between the service and PostgreSQL, so a test can make the database unreachable for the
 * service alone ({@link #cut()}) and bring it back ({@link #restore()}).
 */
public class DatabaseProxy implements QuarkusTestResourceLifecycleManager {
  private static volatile DatabaseProxy current;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private int port;

  public static DatabaseProxy current() {
    return current;
  }

  @Override
  public Map<String, String> start() {
    current = this;
    try {
      listen(0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Map.of("quarkus.datasource.jdbc.url", TestDatabase.urlThrough(port));
  }

  @Override
  public void stop() {
    cut();
  }

  /** Closes every proxied connection and refuses new ones. */
  public synchronized void cut() {
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException ignored) {
      // already closed
    }
    server = null;
    sockets.forEach(DatabaseProxy::closeQuietly);
    sockets.clear();
  }

  public synchronized void restore() throws IOException {
    if (server == null) {
      listen(port);
    }
  }

  private void listen(int requested) throws IOException {
    var listening = new ServerSocket(requested, 50, InetAddress.getLoopbackAddress());
    port = listening.getLocalPort();
    server = listening;
    Thread.ofVirtual().start(() -> {
      while (!listening.isClosed()) {
        try {
          var client = listening.accept();
          var database = new Socket("127.0.0.1", 5432);
          sockets.add(client);
          sockets.add(database);
          pipe(client, database);
          pipe(database, client);
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private void pipe(Socket from, Socket to) {
    Thread.ofVirtual().start(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException ignored) {
        // one side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    });
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
