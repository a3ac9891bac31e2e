package shop.orders.tools;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of PostgreSQL that counts what its clients send, for bin/bench-orders' cost of one order:
 * {@code PgWireCounter <listen port> <PostgreSQL port> <counts file> <seconds to run>} listens on 127.0.0.1 and,
 * every 200 ms, writes {@code statements=N round_trips=N bytes_to_db=N bytes_from_db=N} to the counts file.
 *
 * <p>It reads the frontend protocol (PostgreSQL's "Message Flow"): after the untyped start-up messages (an SSLRequest
 * the server declines, then StartupMessage), every message is a type byte and a length. A statement is an Execute
 * ({@code E}) of the extended protocol or a simple Query ({@code Q}); a round trip is a Sync ({@code S}) or a
 * simple Query with nothing sent behind it, each of which waits for the server's ReadyForQuery (a Query sent with
 * more behind it, as the JDBC driver sends BEGIN, is reported as {@code q}). It stops by itself after the given
 * seconds.
 */
public final class PgWireCounter {
  private static final int SSL_REQUEST = 80877103;
  private static final int GSS_REQUEST = 80877104;

  /** What a client sent: the connection's number (from 1, in accept order), the message type and its body. */
  public interface Listener {
    void message(int connection, char type, byte[] body);
  }

  /** A running proxy on 127.0.0.1:{@link #port()}; {@link #close()} stops it and its connections. */
  public record Proxy(int port, AutoCloseable stop) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      stop.close();
    }
  }

  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong roundTrips = new AtomicLong();
  private final AtomicLong toDb = new AtomicLong();
  private final AtomicLong fromDb = new AtomicLong();

  private PgWireCounter() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: PgWireCounter <listen port> <PostgreSQL port> <counts file> <seconds to run>");
      System.exit(2);
    }
    int listen = Integer.parseInt(args[0]);
    int target = Integer.parseInt(args[1]);
    Path counts = Path.of(args[2]);
    long seconds = Long.parseLong(args[3]);
    new PgWireCounter().run(listen, target, counts, seconds);
  }

  private void run(int listen, int target, Path counts, long seconds) throws Exception {
    var writer = Executors.newSingleThreadScheduledExecutor();
    writer.scheduleAtFixedRate(() -> write(counts), 0, 200, TimeUnit.MILLISECONDS);
    try (var proxy = proxy(listen, target, (connection, type, body) -> count(type))) {
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    } finally {
      write(counts);
      writer.shutdownNow();
    }
  }

  /** Starts a proxy on 127.0.0.1:{@code listen} (0: any free port) to PostgreSQL on {@code target}. */
  public static Proxy start(int listen, int target, Listener listener) throws IOException {
    return new PgWireCounter().proxy(listen, target, listener);
  }

  private Proxy proxy(int listen, int target, Listener listener) throws IOException {
    var threads = Executors.newVirtualThreadPerTaskExecutor();
    var server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen));
    var connections = new AtomicLong();
    threads.submit(() -> {
      while (!server.isClosed()) {
        Socket client;
        try {
          client = server.accept();
        } catch (IOException e) {
          return null; // closed
        }
        try {
          Socket db = new Socket(InetAddress.getLoopbackAddress(), target);
          client.setTcpNoDelay(true);
          db.setTcpNoDelay(true);
          int number = (int) connections.incrementAndGet();
          threads.submit(() -> upstream(client, db, number, listener));
          threads.submit(() -> copy(db.getInputStream(), client.getOutputStream(), fromDb, client, db));
        } catch (IOException e) {
          System.err.println("cannot reach PostgreSQL on port " + target + ": " + e);
          try {
            client.close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
      }
      return null;
    });
    return new Proxy(server.getLocalPort(), () -> {
      server.close();
      threads.shutdownNow();
    });
  }

  private void write(Path counts) {
    try {
      Path tmp = counts.resolveSibling(counts.getFileName() + ".tmp");
      Files.writeString(tmp, "statements=" + statements.get() + " round_trips=" + roundTrips.get()
          + " bytes_to_db=" + toDb.get() + " bytes_from_db=" + fromDb.get() + "\n");
      Files.move(tmp, counts, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      System.err.println("cannot write " + counts + ": " + e);
    }
  }

  /** Client to server, message by message: untyped start-up messages first, then typed ones. */
  private Void upstream(Socket client, Socket db, int connection, Listener listener) {
    try (client; db) {
      var in = new DataInputStream(client.getInputStream());
      OutputStream out = db.getOutputStream();
      boolean startup = true;
      while (true) {
        int type = startup ? -1 : in.read();
        if (type < 0 && !startup) {
          return null;
        }
        int length = in.readInt();
        byte[] body = in.readNBytes(length - 4);
        if (body.length != length - 4) {
          throw new EOFException();
        }
        if (startup) {
          int code = body.length >= 4 ? ((body[0] & 0xff) << 24 | (body[1] & 0xff) << 16 | (body[2] & 0xff) << 8
              | body[3] & 0xff) : 0;
          startup = code == SSL_REQUEST || code == GSS_REQUEST; // declined (this proxy's server has no TLS here)
        } else {
          out.write(type);
          // a simple Query the client sent with more behind it (the driver's BEGIN before its first statement)
          // waits for nothing: only a Sync, or a Query with nothing behind it, ends a round trip ("behind it" is
          // what has already arrived, which holds for what the driver writes at once)
          listener.message(connection, type == 'Q' && in.available() > 0 ? 'q' : (char) type, body);
        }
        out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        out.write(body);
        out.flush();
        toDb.addAndGet(length + (type < 0 ? 0 : 1));
      }
    } catch (IOException e) {
      return null;
    }
  }

  private void count(char type) {
    switch (type) {
      case 'E', 'q' -> statements.incrementAndGet();
      case 'S' -> roundTrips.incrementAndGet();
      case 'Q' -> {
        statements.incrementAndGet();
        roundTrips.incrementAndGet();
      }
      default -> {
      }
    }
  }

  private static Void copy(InputStream in, OutputStream out, AtomicLong bytes, Socket a, Socket b) {
    try (a; b) {
      byte[] buffer = new byte[16_384];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
        bytes.addAndGet(n);
      }
    } catch (IOException e) {
      // either side closed
    }
    return null;
  }
}
