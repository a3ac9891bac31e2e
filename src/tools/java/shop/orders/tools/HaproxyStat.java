package shop.orders.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What bin/bench-scale-out asks HAProxy's stats socket: {@code HaproxyStat <socket>} sends {@code show stat} and
 * prints {@code <server> <status> <2xx responses>} for each server of the backend "instances" (within 5 s, else it
 * fails).
 */
public final class HaproxyStat {
  private HaproxyStat() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: HaproxyStat <stats socket>");
      System.exit(2);
    }
    var answer = CompletableFuture.supplyAsync(() -> ask(args[0]));
    try {
      rows(answer.get(5, TimeUnit.SECONDS)).forEach(System.out::println);
    } catch (TimeoutException | ExecutionException e) {
      System.err.println("HaproxyStat: " + (e instanceof ExecutionException ? e.getCause() : "no answer within 5 s"));
      System.exit(1);
    }
  }

  private static String ask(String socket) {
    try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
      var data = new ByteArrayOutputStream();
      var buffer = ByteBuffer.allocate(65536);
      while (channel.read(buffer) > 0) {
        data.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return data.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The servers of backend "instances" in a {@code show stat} answer (CSV, header line starting "# "). */
  static List<String> rows(String csv) {
    var lines = csv.replaceFirst("^[# ]+", "").lines().filter(line -> !line.isBlank()).toList();
    var rows = new ArrayList<String>();
    if (lines.isEmpty()) {
      return rows;
    }
    List<String> header = Arrays.asList(lines.getFirst().split(",", -1));
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.size() && i < cells.length; i++) {
        row.put(header.get(i), cells[i]);
      }
      String server = row.getOrDefault("svname", "");
      if ("instances".equals(row.get("pxname")) && !server.equals("FRONTEND") && !server.equals("BACKEND")) {
        String ok = row.getOrDefault("hrsp_2xx", "");
        rows.add(server + " " + row.getOrDefault("status", "").trim().split("\\s+")[0] + " "
            + (ok.isEmpty() ? "0" : ok));
      }
    }
    return rows;
  }
}
