package shop.orders.tools.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * simulation needs it: the Deployment's CPU and readiness probe, the pool and the connection budget from the values
 * Helm computed, and the autoscaler that would be deployed (the HorizontalPodAutoscaler, or KEDA's ScaledObject, or
 * none).
 */
public final class RenderedChart {
  public static final Path CHART = Path.of("helm/order-service");
  /** The APIs a cluster with the Prometheus operator and KEDA serves. */
  private static final List<String> API_VERSIONS = List.of("monitoring.coreos.com/v1", "keda.sh/v1alpha1");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern LOOKUP = Pattern.compile("\\blookup\\s+(?=\")");
  private static final Pattern RATE_WINDOW = Pattern.compile("\\[(\\d+)([smh])]");
  private static final String VALUES_TEMPLATE = "zz-helm-values.yaml";
  private static final String VALUES_KIND = "HelmValues";

  private final List<JsonNode> objects;
  private final JsonNode values;

  private RenderedChart(List<JsonNode> objects, JsonNode values) {
    this.objects = objects;
    this.values = values;
  }

  /**
   * Renders {@code chart} with the values files, in order (later files override earlier ones, as with -f); throws
   * {@link Refused} when the chart refuses them.
   */
  public static RenderedChart render(Path chart, List<Path> valuesFiles) {
    Path copy = renderableCopy(chart);
    try {
      writeValuesTemplate(copy);
      List<JsonNode> objects = new ArrayList<>();
      JsonNode values = null;
      for (JsonNode o : documents(template(copy, valuesFiles))) {
        if (VALUES_KIND.equals(o.path("kind").asText())) {
          values = o.path("values");
        } else {
          objects.add(o);
        }
      }
      return new RenderedChart(objects, values);
    } finally {
      delete(copy);
    }
  }

  /**
   * The values Helm computes for a release of {@code chart} with the values files: the chart's values.yaml, then each
   * file over it (maps merged key by key, a null deleting the key, anything else replaced), validated against
   * values.schema.json. None of the chart's templates is rendered, so its guards do not run: a caller can say what
   * they would refuse, with its numbers. {@link Refused} carries Helm's message when it refuses the files.
   */
  public static JsonNode values(Path chart, List<Path> valuesFiles) {
    Path copy = renderableCopy(chart);
    try {
      delete(copy.resolve("templates"));
      writeValuesTemplate(copy);
      return documents(template(copy, valuesFiles)).getFirst().path("values");
    } finally {
      delete(copy);
    }
  }

  /** A template printing the values Helm computed, as one document of a kind no cluster serves. */
  private static void writeValuesTemplate(Path copy) {
    try {
      Files.createDirectories(copy.resolve("templates"));
      Files.writeString(copy.resolve("templates").resolve(VALUES_TEMPLATE), """
          kind: %s
          values:
            {{- toYaml .Values | nindent 2 }}
          """.formatted(VALUES_KIND));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String template(Path copy, List<Path> valuesFiles) {
    TemplateCommand template = new Helm(copy).template().withName("orders");
    for (int i = 0; i < API_VERSIONS.size(); i++) {
      template = template.set("apiVersions[" + i + "]", API_VERSIONS.get(i));
    }
    for (Path file : valuesFiles) {
      template = template.withValuesFile(file.toAbsolutePath());
    }
    try {
      return template.call();
    } catch (IllegalStateException e) {
      throw new Refused(e);
    }
  }

  /**
   * Helm refused to render: a values file it cannot read, values against the schema, or one of the chart's checks
   * (its fail). The message is the chart's own, without Helm's place in the template and its hint about --debug.
   */
  public static final class Refused extends IllegalStateException {
    private static final Pattern TEMPLATE_PLACE = Pattern.compile("^execution error at \\([^)]*\\): ");
    private static final Pattern DEBUG_HINT = Pattern.compile("\\s*Use --debug flag to render out invalid YAML\\s*$");

    Refused(IllegalStateException helm) {
      super(DEBUG_HINT.matcher(TEMPLATE_PLACE.matcher(String.valueOf(helm.getMessage()).strip()).replaceFirst(""))
          .replaceFirst(""), helm);
    }
  }

  private static List<JsonNode> documents(String manifests) {
    List<JsonNode> documents = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(manifests)) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(o -> {
        if (o != null && o.has("kind")) {
          documents.add(o);
        }
      });
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
    ConnectionBudget connections = ConnectionBudget.of(values);
    int window = only("ScaledObject").stream()
        .flatMap(o -> stream(o.path("spec").path("triggers")))
        .filter(t -> "prometheus".equals(t.path("type").asText()))
        .mapToInt(t -> rateWindowSeconds(t.path("metadata").path("query").asText()))
        .findFirst().orElse(0);
    return new ClusterSimulation.Deployment(values.path("replicaCount").asInt(1),
        cores(container.path("resources").path("requests").path("cpu").asText()),
        cores(container.path("resources").path("limits").path("cpu").asText()),
        connections.poolMax(), connections.poolMin(), connections.budget(),
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
