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
 * fails). {@code HaproxyStat <socket> <command>} sends that command of the runtime API instead (bin/upgrade-drill:
 * {@code set server instances/i1 state drain}) and prints HAProxy's answer; it fails when the answer is not empty
 * (HAProxy answers a command it carried out with nothing).
 */
public final class HaproxyStat {
  private HaproxyStat() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1 && args.length != 2) {
      System.err.println("usage: HaproxyStat <stats socket> [<command>]");
      System.exit(2);
    }
    String command = args.length == 2 ? args[1] : "show stat";
    var answer = CompletableFuture.supplyAsync(() -> ask(args[0], command));
    try {
      if (args.length == 2) {
        String text = answer.get(5, TimeUnit.SECONDS).strip();
        if (!text.isEmpty()) {
          System.err.println("HaproxyStat: " + command + ": " + text);
          System.exit(1);
        }
        return;
      }
      rows(answer.get(5, TimeUnit.SECONDS)).forEach(System.out::println);
    } catch (TimeoutException | ExecutionException e) {
      System.err.println("HaproxyStat: " + (e instanceof ExecutionException ? e.getCause() : "no answer within 5 s"));
      System.exit(1);
    }
  }

  private static String ask(String socket, String command) {
    try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
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
