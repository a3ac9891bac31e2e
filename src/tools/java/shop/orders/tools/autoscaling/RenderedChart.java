package shop.orders.tools.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The chart (helm/order-service) rendered by the real Helm engine (helm-java) with a release's values files, as the
 * simulation needs it: the Deployment's CPU and readiness probe, the pool and the connection budget from the values,
 * and the autoscaler that would be deployed (the HorizontalPodAutoscaler, or KEDA's ScaledObject, or none).
 */
public final class RenderedChart {
  public static final Path CHART = Path.of("helm/order-service");
  /** The APIs a cluster with the Prometheus operator and KEDA serves. */
  private static final List<String> API_VERSIONS = List.of("monitoring.coreos.com/v1", "keda.sh/v1alpha1");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern LOOKUP = Pattern.compile("\\blookup\\s+(?=\")");
  private static final Pattern RATE_WINDOW = Pattern.compile("\\[(\\d+)([smh])]");

  private final List<JsonNode> objects;
  private final JsonNode values;

  private RenderedChart(List<JsonNode> objects, JsonNode values) {
    this.objects = objects;
    this.values = values;
  }

  /** Renders {@code chart} with the values files, in order (later files override earlier ones, as with -f). */
  public static RenderedChart render(Path chart, List<Path> valuesFiles) {
    Path copy = renderableCopy(chart);
    try {
      TemplateCommand template = new Helm(copy).template().withName("orders");
      for (int i = 0; i < API_VERSIONS.size(); i++) {
        template = template.set("apiVersions[" + i + "]", API_VERSIONS.get(i));
      }
      for (Path file : valuesFiles) {
        template = template.withValuesFile(file.toAbsolutePath());
      }
      String manifests = template.call();
      List<JsonNode> objects = new ArrayList<>();
      try (var parser = YAML.getFactory().createParser(manifests)) {
        YAML.readValues(parser, JsonNode.class).forEachRemaining(o -> {
          if (o != null && o.has("kind")) {
            objects.add(o);
          }
        });
      }
      JsonNode values = YAML.readTree(chart.resolve("values.yaml").toFile());
      for (Path file : valuesFiles) {
        values = merge(values, YAML.readTree(file.toFile()));
      }
      return new RenderedChart(objects, values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(copy);
    }
  }

  /**
   * A copy of the chart Helm can render here: helm-java's engine reports Kubernetes v1.20 and takes no
   * --kube-version, so the chart's kubeVersion (>= 1.30) would refuse it; the copy leaves that line out.
   */
  public static Path renderableCopy(Path chart) {
    try {
      return copyInto(chart, Files.createTempDirectory("order-service-chart"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The chart's files copied into {@code into}, its Chart.yaml without kubeVersion (see {@link #renderableCopy}) and
   * its templates' lookups finding nothing (see {@link #withoutCluster}).
   */
  public static Path copyInto(Path chart, Path into) {
    try (Stream<Path> files = Files.walk(chart)) {
      for (Path file : files.toList()) {
        Path target = into.resolve(chart.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else if (file.startsWith(chart.resolve("templates"))) {
          Files.writeString(target, withoutCluster(Files.readString(file)));
        } else {
          Files.copy(file, target);
        }
      }
      Path chartYaml = into.resolve("Chart.yaml");
      Files.writeString(chartYaml, Files.readString(chartYaml).replaceFirst("(?m)^kubeVersion: .*\n", ""));
      return into;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A template whose lookups find nothing, as under helm template. helm-java's template is a dry-run install that
   * still asks the cluster in lookup (and fails where there is none); helm template's never does. Sprig's pick of an
   * empty dict takes the same string arguments and gives the empty dict lookup gives when nothing is found.
   */
  public static String withoutCluster(String template) {
    return LOOKUP.matcher(template).replaceAll("pick (dict) ");
  }

  /** Deletes a copy made by {@link #renderableCopy}; what cannot be deleted is left behind. */
  public static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind
    }
  }

  /** Helm's coalescing of values files: maps merged key by key, anything else replaced. */
  static JsonNode merge(JsonNode base, JsonNode overlay) {
    if (!(base instanceof ObjectNode b) || overlay == null || !overlay.isObject()) {
      return overlay == null || overlay.isMissingNode() ? base : overlay;
    }
    ObjectNode merged = b.deepCopy();
    overlay.properties().forEach(e -> merged.set(e.getKey(), merge(merged.get(e.getKey()), e.getValue())));
    return merged;
  }

  private Optional<JsonNode> only(String kind) {
    var found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    if (found.size() > 1) {
      throw new IllegalStateException("more than one " + kind + " rendered");
    }
    return found.stream().findFirst();
  }

  /** The autoscaler the release deploys, or empty when it runs a fixed number of pods. */
  public Optional<Hpa> autoscaler(Hpa.CronWindows cronWindows) {
    Optional<JsonNode> scaledObject = only("ScaledObject");
    if (scaledObject.isPresent()) {
      return Optional.of(Hpa.fromScaledObject(scaledObject.get(), cronWindows));
    }
    return only("HorizontalPodAutoscaler").map(Hpa::fromHorizontalPodAutoscaler);
  }

  public ClusterSimulation.Deployment deployment() {
    JsonNode deployment = only("Deployment").orElseThrow(() -> new IllegalStateException("no Deployment rendered"));
    JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").path(0);
    JsonNode db = values.path("database");
    int window = only("ScaledObject").stream()
        .flatMap(o -> stream(o.path("spec").path("triggers")))
        .filter(t -> "prometheus".equals(t.path("type").asText()))
        .mapToInt(t -> rateWindowSeconds(t.path("metadata").path("query").asText()))
        .findFirst().orElse(0);
    return new ClusterSimulation.Deployment(values.path("replicaCount").asInt(1),
        cores(container.path("resources").path("requests").path("cpu").asText()),
        cores(container.path("resources").path("limits").path("cpu").asText()),
        db.path("pool").path("maxSize").asInt(), db.path("pool").path("minSize").asInt(),
        db.path("maxConnections").asInt() - db.path("reservedConnections").asInt(),
        container.path("readinessProbe").path("periodSeconds").asInt(10),
        container.path("startupProbe").path("periodSeconds").asInt(0), window);
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list.stream();
  }

  static int rateWindowSeconds(String query) {
    Matcher m = RATE_WINDOW.matcher(query);
    if (!m.find()) {
      throw new IllegalArgumentException("no rate window in " + query);
    }
    int n = Integer.parseInt(m.group(1));
    return switch (m.group(2)) {
      case "s" -> n;
      case "m" -> n * 60;
      default -> n * 3600;
    };
  }

  static double cores(String quantity) {
    if (quantity.isEmpty()) {
      throw new IllegalStateException("the Deployment names no CPU request or limit");
    }
    return quantity.endsWith("m") ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
        : Double.parseDouble(quantity);
  }
}
