package shop.orders.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One request of the drills' shoppers (UpgradeDrillLoad, in bin/upgrade-drill and bin/failover-drill), a row of their
 * CSV: {@code second,kind,status,outcome,order_id,detail,millis}: when it was sent (seconds since the drill's t0) and
 * how long its answer took ({@code millis}; empty, -1, in CSVs written before it was recorded). The outcome classes,
 * the first three being the answers the API promises:
 * <ul>
 *   <li>{@code ok}: 2xx;</li>
 *   <li>{@code promised-4xx}: a 4xx problem+json with a {@code type};</li>
 *   <li>{@code refused}: 503 or 429 with Retry-After (nothing done, the client retries with the same key);</li>
 *   <li>{@code 5xx}: any other 5xx (a 502 or 504 from the load balancer, a 500, a 503 without Retry-After);</li>
 *   <li>{@code unpromised-4xx}: a 4xx that is no problem with a type (or any other status);</li>
 *   <li>{@code no-answer}: no complete answer (reset, end of stream, timeout); status 0.</li>
 * </ul>
 */
record DrillRequest(double second, String kind, int status, String outcome, String orderId, String detail,
                    long millis) {
  static final String OK = "ok";
  static final String PROMISED_4XX = "promised-4xx";
  static final String REFUSED = "refused";
  static final String SERVER_ERROR = "5xx";
  static final String UNPROMISED_4XX = "unpromised-4xx";
  static final String NO_ANSWER = "no-answer";
  /** Every outcome class, the allowed ones first. */
  static final List<String> OUTCOMES = List.of(OK, PROMISED_4XX, REFUSED, SERVER_ERROR, UNPROMISED_4XX, NO_ANSWER);
  static final List<String> ALLOWED = List.of(OK, PROMISED_4XX, REFUSED);
  /** Each outcome's colour in the drills' timeline pictures. */
  static final java.util.Map<String, String> COLOURS = java.util.Map.of(OK, "#1a7f37", PROMISED_4XX, "#7f7f7f",
      REFUSED, "#ed7d31", SERVER_ERROR, "#cf222e", UNPROMISED_4XX, "#8250df", NO_ANSWER, "#000000");
  static final String CSV_HEADER = "second,kind,status,outcome,order_id,detail,millis";
  /** The header of CSVs written before the answer's duration was recorded. */
  static final String CSV_HEADER_WITHOUT_MILLIS = "second,kind,status,outcome,order_id,detail";

  /** A request whose answer's duration is not known. */
  DrillRequest(double second, String kind, int status, String outcome, String orderId, String detail) {
    this(second, kind, status, outcome, orderId, detail, -1);
  }

  static String classify(int status, boolean problemWithType, boolean retryAfter) {
    if (status >= 200 && status < 300) {
      return OK;
    }
    if ((status == 503 || status == 429) && retryAfter) {
      return REFUSED;
    }
    if (status >= 500 && status < 600) {
      return SERVER_ERROR;
    }
    if (status >= 400 && status < 500 && problemWithType) {
      return PROMISED_4XX;
    }
    return status == 0 ? NO_ANSWER : UNPROMISED_4XX;
  }

  boolean allowed() {
    return ALLOWED.contains(outcome);
  }

  /** A 201 that created (or replayed) an order: the order must exist. */
  boolean placedOrder() {
    return status == 201 && orderId != null && !orderId.isEmpty();
  }

  /** When the answer came (seconds since t0); when it was sent, for a request whose duration is not known. */
  double answered() {
    return millis < 0 ? second : second + millis / 1000.0;
  }

  String csv() {
    return String.format(Locale.ROOT, "%.3f,%s,%d,%s,%s,%s,%s", second, kind, status, outcome,
        orderId == null ? "" : orderId, detail == null ? "" : detail.replace(',', ';'),
        millis < 0 ? "" : Long.toString(millis));
  }

  static DrillRequest parse(String line) {
    String[] cells = line.split(",", -1);
    if (cells.length != 6 && cells.length != 7) {
      throw new IllegalArgumentException("expected 6 or 7 cells: " + line);
    }
    String outcome = cells[3];
    if (!OUTCOMES.contains(outcome)) {
      throw new IllegalArgumentException("unknown outcome " + outcome + ": " + line);
    }
    return new DrillRequest(Double.parseDouble(cells[0]), cells[1], Integer.parseInt(cells[2]), outcome,
        cells[4].isEmpty() ? null : cells[4], cells[5],
        cells.length == 7 && !cells[6].isEmpty() ? Long.parseLong(cells[6]) : -1);
  }

  static List<DrillRequest> read(Path csv) throws IOException {
    var rows = new ArrayList<DrillRequest>();
    for (String line : Files.readAllLines(csv)) {
      if (!line.isBlank() && !line.equals(CSV_HEADER) && !line.equals(CSV_HEADER_WITHOUT_MILLIS)) {
        rows.add(parse(line));
      }
    }
    return rows;
  }
}
