package shop.orders.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bin/failover-drill's standby link: a TCP relay on loopback between the standby's WAL receiver and the primary
 * ({@code ReplicationStall <listen-port> <primary-port> <stall-file>}). While {@code stall-file} exists, nothing the
 * primary sends is passed on (nor read: it waits in the sockets' buffers), as when the standby falls behind on a slow
 * network or disk; what the standby says still reaches the primary. The drill keeps the stall on through the fence and
 * the promotion, so what the primary wrote during it never reaches the new primary: with asynchronous replication
 * those commits were acknowledged and are lost; with synchronous replication they were never acknowledged (their
 * commits wait for the standby). Runs until killed.
 */
public final class ReplicationStall {
  private static final int BUFFER = 64 * 1024;
  private static final long STALL_POLL_MILLIS = 20;

  private ReplicationStall() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: ReplicationStall <listen-port> <primary-port> <stall-file>");
      System.exit(2);
    }
    int primaryPort = Integer.parseInt(args[1]);
    Path stall = Path.of(args[2]);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (var server = new ServerSocket()) {
      server.bind(new InetSocketAddress(loopback, Integer.parseInt(args[0])));
      System.out.println("relaying 127.0.0.1:" + server.getLocalPort() + " to 127.0.0.1:" + primaryPort);
      while (true) {
        Socket standby = server.accept();
        Socket primary;
        try {
          primary = new Socket(loopback, primaryPort);
        } catch (IOException e) {
          standby.close();
          continue;
        }
        Thread.ofVirtual().start(() -> pump(primary, standby, stall));
        Thread.ofVirtual().start(() -> pump(standby, primary, null));
      }
    }
  }

  /** Copies {@code from} to {@code to}, not reading while {@code stall} (when given) exists; closes both at the end. */
  static void pump(Socket from, Socket to, Path stall) {
    byte[] buffer = new byte[BUFFER];
    try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      while (true) {
        while (stall != null && Files.exists(stall)) {
          Thread.sleep(STALL_POLL_MILLIS);
        }
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // either side went away: the other is closed with it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
