package shop.orders.load;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What an incident replay needs besides the load (system properties with the prefix {@code replay.}, defaults in
 * brackets): {@code mode} the configuration's name [hardened]; {@code faultsAtSeconds} [the baseline's end],
 * {@code faultSeconds} how long the faults last [100]; {@code redisDir} the directory of Redis' AOF (a small tmpfs),
 * {@code redisPort} [6390], {@code keyPrefix} [order-service:]; {@code gatewayUrl} the simulator [http://127.0.0.1:8089],
 * {@code gatewaySlowMinMillis}/{@code gatewaySlowMaxMillis} [1500/3500], {@code lateChargeRate} the share of charges
 * the gateway records only late while the faults last [0.1; 0: no late charges], {@code lateChargeMillis} how late
 * [20000], {@code lateChargeWebhookLoss} the share of late charges whose webhook is never sent [0.5],
 * {@code gatewayJournal}; {@code dbUrl} [jdbc:postgresql://127.0.0.1:5432/orders_replay]; {@code prometheusUrl}
 * [http://127.0.0.1:9090]; {@code sweepEverySeconds} how often the service sweeps the gateway's charge list [5];
 * {@code settleSeconds} how long the audit waits for unknown payments and reversals to be settled [240];
 * {@code resultsDir}.
 */
record ReplaySettings(String mode, int faultsAtSeconds, int faultSeconds, Path redisDir, int redisPort,
                      String keyPrefix, String gatewayUrl, int gatewaySlowMinMillis, int gatewaySlowMaxMillis,
                      double lateChargeRate, int lateChargeMillis, double lateChargeWebhookLoss,
                      Path gatewayJournal, String dbUrl, String prometheusUrl, int sweepEverySeconds,
                      int settleSeconds, Path resultsDir) {

  /** Empty unless {@code replay.mode} is set: then the run is a replay with faults, alerts and an audit. */
  static Optional<ReplaySettings> fromSystemProperties(int baselineSeconds, Path resultsDir) {
    String mode = System.getProperty("replay.mode");
    if (mode == null || mode.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new ReplaySettings(mode,
        number("faultsAtSeconds", baselineSeconds), number("faultSeconds", 100),
        Path.of(required("redisDir")), number("redisPort", 6390), text("keyPrefix", "order-service:"),
        loopback(text("gatewayUrl", "http://127.0.0.1:8089")),
        number("gatewaySlowMinMillis", 1500), number("gatewaySlowMaxMillis", 3500),
        share("lateChargeRate", 0.1), number("lateChargeMillis", 20000), share("lateChargeWebhookLoss", 0.5),
        Path.of(required("gatewayJournal")), text("dbUrl", "jdbc:postgresql://127.0.0.1:5432/orders_replay"),
        loopback(text("prometheusUrl", "http://127.0.0.1:9090")), number("sweepEverySeconds", 5),
        number("settleSeconds", 240), resultsDir));
  }

  private static String loopback(String url) {
    return EventLoadSimulation.loopbackOnly(url).toString();
  }

  private static String required(String name) {
    String value = System.getProperty("replay." + name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("replay." + name + " is required");
    }
    return value;
  }

  private static String text(String name, String fallback) {
    return System.getProperty("replay." + name, fallback);
  }

  private static int number(String name, int fallback) {
    return Integer.parseInt(text(name, Integer.toString(fallback)).trim());
  }

  /** A share from 0 to 1. */
  private static double share(String name, double fallback) {
    double value = Double.parseDouble(text(name, Double.toString(fallback)).trim());
    if (value < 0 || value > 1) {
      throw new IllegalArgumentException("replay." + name + " must be from 0 to 1, not " + value);
    }
    return value;
  }
}
