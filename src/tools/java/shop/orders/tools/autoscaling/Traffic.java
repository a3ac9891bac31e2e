package shop.orders.tools.autoscaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Requests offered to the service, second by second: order requests (first attempts and retries, of the event's
 * SKUs and of the rest of the catalog) and reads. Payments follow the orders placed (one per placed order, within 3 s),
 * so the simulation derives them.
 *
 * @param name        what the profile is, for reports
 * @param eventOrders per second, order requests for the event's SKUs
 * @param otherOrders per second, order requests for any other SKU
 * @param reads       per second, catalog and cart reads
 * @param opensAt     the second the sale opens (0 when the profile has no opening)
 * @param peakEndsAt  the second its peak is over (the sale's refused shares are counted from opensAt to here)
 */
public record Traffic(String name, double[] eventOrders, double[] otherOrders, double[] reads, int opensAt,
                      int peakEndsAt) {

  /**
   * Reads per order request in the storefront's mix (EventLoadSimulation: a shopper browses with 5 chances in 7 (a
   * list and a product), fills the cart with 1 in 7 (a PUT and a GET), buys with 1 in 7): 12 requests to 1 order.
   */
  public static final double READS_PER_ORDER = 12.0;

  public Traffic {
    if (eventOrders.length != otherOrders.length || eventOrders.length != reads.length) {
      throw new IllegalArgumentException("series of different lengths");
    }
  }

  public int seconds() {
    return reads.length;
  }

  public double orders(int second) {
    return eventOrders[second] + otherOrders[second];
  }

  public double peakOrders() {
    double peak = 0;
    for (int s = 0; s < seconds(); s++) {
      peak = Math.max(peak, orders(s));
    }
    return peak;
  }

  public double totalRequests() {
    double total = 0;
    for (int s = 0; s < seconds(); s++) {
      total += orders(s) + reads[s];
    }
    return total;
  }

  /**
   * The shape of bin/load-event's Gatling surge (EventLoadSimulation's defaults: 30 s at the background rate, a 30 s
   * linear ramp of the surge population to 9 times more, 60 s at the peak), scaled so its peak is
   * {@code peakOrdersPerSecond}, with {@code lead} seconds of background before and {@code tail} after.
   */
  public static Traffic gatlingSurge(double peakOrdersPerSecond, int lead, int tail) {
    return opening("Gatling surge (x10 over 30 s, 60 s at the peak)", peakOrdersPerSecond, 10, 30, 60, lead, tail);
  }

  /** A flash sale's opening: the background rate to {@code factor} times it in {@code rampSeconds}, held. */
  public static Traffic opening(String name, double peakOrdersPerSecond, double factor, int rampSeconds,
                                int holdSeconds, int lead, int tail) {
    int n = lead + rampSeconds + holdSeconds + tail;
    double background = peakOrdersPerSecond / factor;
    double[] event = new double[n];
    double[] other = new double[n];
    double[] reads = new double[n];
    for (int s = 0; s < n; s++) {
      double surge;
      if (s < lead) {
        surge = 0;
      } else if (s < lead + rampSeconds) {
        surge = (peakOrdersPerSecond - background) * (s - lead + 1) / rampSeconds;
      } else if (s < lead + rampSeconds + holdSeconds) {
        surge = peakOrdersPerSecond - background;
      } else {
        surge = 0;
      }
      event[s] = surge;
      other[s] = background;
      reads[s] = (surge + background) * READS_PER_ORDER;
    }
    return new Traffic(name, event, other, reads, lead, lead + rampSeconds + holdSeconds);
  }

  /** 0 to 20 times the background in 10 s, then 5 minutes at the peak: steeper than any Gatling run here. */
  public static Traffic flashOpening(double peakOrdersPerSecond, int lead, int tail) {
    return opening("flash-sale opening (x20 in 10 s, 5 min at the peak)", peakOrdersPerSecond, 20, 10, 300, lead,
        tail);
  }

  /**
   * The requests a replay or bin/load-event recorded (requests.csv: at_ms, population, kind, request, ...), counted
   * per second and scaled so the busiest second of orders is {@code peakOrdersPerSecond}. The surge population's
   * orders are event orders; GETs and PUTs are reads; payments are left out (the simulation derives them).
   */
  public static Traffic recorded(Path requestsCsv, double peakOrdersPerSecond, int lead, int tail) throws IOException {
    List<String> lines = Files.readAllLines(requestsCsv);
    if (lines.isEmpty() || !lines.getFirst().startsWith("at_ms,population,kind,request")) {
      throw new IllegalArgumentException(requestsCsv + " is not a requests.csv of bin/load-event");
    }
    int last = 0;
    for (String line : lines.subList(1, lines.size())) {
      last = Math.max(last, (int) (Long.parseLong(line.substring(0, line.indexOf(','))) / 1000));
    }
    int n = lead + last + 1 + tail;
    double[] event = new double[n];
    double[] other = new double[n];
    double[] reads = new double[n];
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", 5);
      int s = lead + (int) (Long.parseLong(f[0]) / 1000);
      switch (f[2]) {
        case "ORDER" -> (f[1].equals("surge") ? event : other)[s]++;
        case "PAYMENT" -> { }
        default -> reads[s]++;
      }
    }
    double peak = 0;
    for (int s = 0; s < n; s++) {
      peak = Math.max(peak, event[s] + other[s]);
    }
    if (peak == 0) {
      throw new IllegalArgumentException(requestsCsv + " has no order requests");
    }
    double scale = peakOrdersPerSecond / peak;
    for (double[] series : List.of(event, other, reads)) {
      Arrays.setAll(series, s -> series[s] * scale);
    }
    return new Traffic("recorded requests (" + requestsCsv.getFileName() + ", x" + String.format("%.1f", scale) + ")",
        event, other, reads, lead, lead + last + 1);
  }
}
