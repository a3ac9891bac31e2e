package shop.orders.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks the replay's Prometheus every second which of the project's alerts are pending or firing, and keeps when each
 * was first seen so (milliseconds since the run started): the on-call's view of the run.
 */
final class AlertWatcher implements AutoCloseable {
  private final URI alerts;
  private final long runStart;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, Long> firstPending = new TreeMap<>();
  private final Map<String, Long> firstFiring = new TreeMap<>();
  private volatile String lastError;
  private volatile int answers;

  AlertWatcher(String prometheusUrl, long runStart) {
    this.alerts = URI.create(prometheusUrl + "/api/v1/alerts");
    this.runStart = runStart;
  }

  void start() {
    timer.scheduleAtFixedRate(this::poll, 0, 1, TimeUnit.SECONDS);
  }

  private void poll() {
    try {
      var response = http.send(HttpRequest.newBuilder(alerts).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      long now = System.currentTimeMillis() - runStart;
      JsonNode list = json.readTree(response.body()).path("data").path("alerts");
      synchronized (this) {
        for (JsonNode alert : list) {
          String name = alert.path("labels").path("alertname").asText();
          firstPending.putIfAbsent(name, now);
          if ("firing".equals(alert.path("state").asText())) {
            firstFiring.putIfAbsent(name, now);
          }
        }
      }
      answers++;
    } catch (Exception e) {
      lastError = e.toString();
    }
  }

  synchronized Map<String, Long> firstFiring() {
    return new TreeMap<>(firstFiring);
  }

  synchronized Map<String, Long> firstPending() {
    return new TreeMap<>(firstPending);
  }

  /** How many times Prometheus answered; 0 means the alert figures say nothing. */
  int answers() {
    return answers;
  }

  String lastError() {
    return lastError;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
