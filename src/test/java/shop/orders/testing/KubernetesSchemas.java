package shop.orders.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Kubernetes objects validated against the API of several Kubernetes releases, as an API server with strict field
 * validation would take them: the apiVersion must be served and have the kind, every field must be one the API has
 * at that place (an unknown field is refused, as kubectl's --validate=strict refuses it), each value must have the
 * JSON type the API declares (a string where an integer belongs is refused, and so is a quoted number or boolean,
 * which Kubernetes' decoder refuses too), the API's required fields must be there, quantities must parse and base64
 * data must decode.
 *
 * <p>Each release's API is io.kubernetes:client-java-api, whose models are generated from that release's OpenAPI
 * document (one major version per release), in target/kubernetes-api/&lt;release&gt;/ with the libraries it needs;
 * pom.xml copies them and names the releases (system property kubernetes.api.releases). Each is loaded in a class
 * loader of its own, so two releases' models, of the same class names, are side by side. A field's type is its
 * model's, read by reflection; the model's own validation (required fields, unknown fields) and its JSON reading
 * then run too, as a second opinion.
 *
 * <p>What it does not check: enum values (the OpenAPI documents leave them in prose, and the models type them as
 * strings), formats and limits the API server checks in code (names, label syntax, port ranges, immutable fields),
 * and whether a beta or alpha API is switched on in a cluster (the OpenAPI documents list them all). Custom resources
 * are not Kubernetes' to describe: their kinds are skipped here and checked against their own schemas elsewhere.
 */
public final class KubernetesSchemas {
  /** Where pom.xml puts each release's API: one directory per release, named by it (1.30). */
  public static final Path DIRECTORY = Path.of("target/kubernetes-api");
  private static final String MODELS = "io.kubernetes.client.openapi.models.";
  private static final String APIS = "io.kubernetes.client.openapi.apis.";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, KubernetesSchemas> LOADED = new ConcurrentHashMap<>();

  private final String release;
  private final ClassLoader loader;
  private final Map<Class<?>, Model> models = new ConcurrentHashMap<>();

  /** One problem of one object in one release, with where it is (the field's path, as kubectl prints it). */
  public record Problem(String release, String object, String path, String reason) {
    @Override
    public String toString() {
      return object + ", Kubernetes " + release + ": " + (path.isEmpty() ? "" : path + ": ") + reason;
    }
  }

  private record Model(Class<?> type, Map<String, Type> fields, Set<String> required) {
  }

  private KubernetesSchemas(String release, ClassLoader loader) {
    this.release = release;
    this.loader = loader;
  }

  /** The releases validated against, oldest first: pom.xml's, or else the directories there are. */
  public static List<String> releases() {
    String named = System.getProperty("kubernetes.api.releases", "");
    List<String> releases;
    if (!named.isBlank()) {
      releases = Arrays.stream(named.split(",")).map(String::strip).toList();
    } else {
      try (var directories = Files.list(DIRECTORY)) {
        releases = directories.filter(Files::isDirectory).map(d -> d.getFileName().toString()).toList();
      } catch (IOException e) {
        throw new IllegalStateException(DIRECTORY + " is missing: build with Maven (its generate-test-resources "
            + "phase copies the Kubernetes API there)", e);
      }
    }
    return releases.stream().sorted(KubernetesSchemas::byVersion).toList();
  }

  /** The API of one release, loaded once. */
  public static KubernetesSchemas of(String release) {
    return LOADED.computeIfAbsent(release, KubernetesSchemas::load);
  }

  /** Every built-in object against every release; custom resources (kinds given) are skipped. */
  public static List<Problem> validate(List<JsonNode> objects, Set<String> customKinds) {
    List<Problem> problems = new ArrayList<>();
    for (String release : releases()) {
      var schemas = of(release);
      objects.stream().filter(o -> !customKinds.contains(o.path("kind").asText()))
          .forEach(o -> problems.addAll(schemas.validate(o)));
    }
    return problems;
  }

  /**
   * Fails, listing every problem, unless every built-in object is valid in every release; returns how many objects
   * were validated (each against every release).
   */
  public static int assertValid(List<JsonNode> objects, Set<String> customKinds) {
    var problems = validate(objects, customKinds);
    if (!problems.isEmpty()) {
      throw new AssertionError("not valid for the Kubernetes API:\n  " + problems.stream().map(Problem::toString)
          .collect(Collectors.joining("\n  ")));
    }
    return (int) objects.stream().filter(o -> !customKinds.contains(o.path("kind").asText())).count();
  }

  public String release() {
    return release;
  }

  /** The problems of one object in this release; none when the API server would take it. */
  public List<Problem> validate(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    String name = kind + "/" + object.at("/metadata/name").asText("(no name)");
    List<Problem> problems = new ArrayList<>();
    Class<?> type;
    try {
      type = modelOf(apiVersion, kind);
    } catch (IllegalArgumentException unserved) {
      problems.add(new Problem(release, name, "apiVersion", unserved.getMessage()));
      return problems;
    }
    walk(object, type, "", name, problems);
    if (problems.isEmpty()) {
      secondOpinion(object, type, name, problems);
    }
    return problems;
  }

  /**
   * The model of a kind in an apiVersion, if this release serves it: the API class of the group and version
   * (AppsV1Api for apps/v1) has a request to create objects of that kind, and its body is the model.
   */
  private Class<?> modelOf(String apiVersion, String kind) {
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw new IllegalArgumentException("an object needs apiVersion and kind");
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "core" : apiVersion.substring(0, slash).replaceFirst("\\.k8s\\.io$", "");
    String version = apiVersion.substring(slash + 1);
    String api = APIS + Arrays.stream(group.split("\\.")).map(KubernetesSchemas::capitalized)
        .collect(Collectors.joining()) + capitalized(version) + "Api";
    if (!exists(api)) {
      throw new IllegalArgumentException("Kubernetes " + release + " does not serve " + apiVersion
          + " (removed, or never one of its APIs)");
    }
    for (String request : List.of(api + "$APIcreateNamespaced" + kind + "Request",
        api + "$APIcreate" + kind + "Request")) {
      if (exists(request)) {
        try {
          Class<?> model = Class.forName(request, false, loader).getDeclaredField("body").getType();
          if (model.getSimpleName().endsWith(kind)) {
            return model;
          }
        } catch (ClassNotFoundException | NoSuchFieldException e) {
          throw new IllegalStateException(request, e);
        }
      }
    }
    throw new IllegalArgumentException("Kubernetes " + release + " has no kind " + kind + " in " + apiVersion);
  }

  private void walk(JsonNode node, Type type, String path, String name, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return;
    }
    if (type instanceof ParameterizedType generic) {
      Type raw = generic.getRawType();
      Type element = generic.getActualTypeArguments()[generic.getActualTypeArguments().length - 1];
      if (raw == List.class) {
        if (!node.isArray()) {
          problems.add(new Problem(release, name, path, expected("an array", node)));
          return;
        }
        for (int i = 0; i < node.size(); i++) {
          walk(node.get(i), element, path + "[" + i + "]", name, problems);
        }
      } else if (raw == Map.class) {
        if (!node.isObject()) {
          problems.add(new Problem(release, name, path, expected("an object", node)));
          return;
        }
        node.properties().forEach(e -> walk(e.getValue(), element, path + "." + e.getKey(), name, problems));
      } else {
        throw new IllegalStateException("a field of type " + type + " at " + path);
      }
      return;
    }
    Class<?> clazz = (Class<?>) type;
    if (clazz.getName().startsWith(MODELS)) {
      if (!node.isObject()) {
        problems.add(new Problem(release, name, path, expected("an object", node)));
        return;
      }
      Model model = model(clazz);
      node.properties().forEach(e -> {
        String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        Type field = model.fields().get(e.getKey());
        if (field == null) {
          problems.add(new Problem(release, name, at, "unknown field \"" + e.getKey() + "\" ("
              + clazz.getSimpleName() + " has no such field)"));
        } else {
          walk(e.getValue(), field, at, name, problems);
        }
      });
      model.required().stream().filter(r -> node.path(r).isMissingNode() || node.path(r).isNull()).sorted()
          .forEach(r -> problems.add(new Problem(release, name, path.isEmpty() ? r : path + "." + r,
              "required field missing")));
      return;
    }
    String reason = scalar(node, clazz);
    if (reason != null) {
      problems.add(new Problem(release, name, path, reason));
    }
  }

  /** Why a value does not fit a field of a scalar type, or null. */
  private String scalar(JsonNode node, Class<?> type) {
    return switch (type.getName()) {
      case "java.lang.String" -> node.isTextual() ? null : expected("a string", node);
      case "java.lang.Boolean" -> node.isBoolean() ? null : expected("a boolean", node);
      case "java.lang.Integer" -> node.isIntegralNumber() && node.canConvertToInt() ? null
          : expected("an integer (int32)", node);
      case "java.lang.Long" -> node.isIntegralNumber() && node.canConvertToLong() ? null
          : expected("an integer (int64)", node);
      case "java.lang.Double", "java.lang.Float", "java.math.BigDecimal" -> node.isNumber() ? null
          : expected("a number", node);
      case "java.lang.Object" -> null;
      case "java.time.OffsetDateTime" -> node.isTextual() && dateTime(node.asText()) ? null
          : expected("an RFC 3339 date-time", node);
      case "[B" -> node.isTextual() && base64(node.asText()) ? null : expected("base64 data", node);
      case "io.kubernetes.client.custom.IntOrString" -> node.isTextual() || node.isIntegralNumber() && node
          .canConvertToInt() ? null : expected("an integer or a string", node);
      case "io.kubernetes.client.custom.Quantity" -> node.isTextual() || node.isNumber() ? quantity(node.asText())
          : expected("a quantity (a string such as 500m or 1Gi, or a number)", node);
      default -> throw new IllegalStateException("a field of type " + type.getName());
    };
  }

  private static String expected(String what, JsonNode node) {
    String found = node.isTextual() ? "string " + node : node.isNumber() ? "number " + node : node.isBoolean()
        ? "boolean " + node : node.isArray() ? "an array" : node.isObject() ? "an object" : node.getNodeType()
        .toString().toLowerCase(Locale.ROOT);
    return "expected " + what + ", got " + found;
  }

  private static boolean dateTime(String text) {
    try {
      OffsetDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static boolean base64(String text) {
    try {
      Base64.getDecoder().decode(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The release's own quantity parser (io.kubernetes.client.custom.Quantity). */
  private String quantity(String text) {
    try {
      loader.loadClass("io.kubernetes.client.custom.Quantity").getMethod("fromString", String.class)
          .invoke(null, text);
      return null;
    } catch (InvocationTargetException e) {
      return "not a quantity: \"" + text + "\" (" + e.getCause().getMessage() + ")";
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The model's own validation and JSON reading (required and unknown fields, nested; quantities; dates). */
  private void secondOpinion(JsonNode object, Class<?> type, String name, List<Problem> problems) {
    try {
      type.getMethod("fromJson", String.class).invoke(null, JSON.writeValueAsString(object));
    } catch (InvocationTargetException e) {
      String message = String.valueOf(e.getCause().getMessage());
      int json = message.indexOf(" JSON: ");
      message = json < 0 ? message : message.substring(0, json);
      problems.add(new Problem(release, name, "", "refused by the " + type.getSimpleName() + " model: "
          + (message.length() > 300 ? message.substring(0, 300) + "..." : message)));
    } catch (ReflectiveOperationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private Model model(Class<?> type) {
    return models.computeIfAbsent(type, t -> {
      Map<String, Type> fields = new LinkedHashMap<>();
      Set<String> required = Set.of();
      for (Field field : t.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          if (field.getName().equals("openapiRequiredFields")) {
            try {
              required = Set.copyOf((Collection<String>) field.get(null));
            } catch (IllegalAccessException e) {
              throw new IllegalStateException(e);
            }
          }
          continue;
        }
        for (Annotation annotation : field.getAnnotations()) {
          if (annotation.annotationType().getName().equals("com.google.gson.annotations.SerializedName")) {
            try {
              fields.put((String) annotation.annotationType().getMethod("value").invoke(annotation),
                  field.getGenericType());
            } catch (ReflectiveOperationException e) {
              throw new IllegalStateException(e);
            }
          }
        }
      }
      return new Model(t, fields, required);
    });
  }

  private boolean exists(String className) {
    return loader.getResource(className.replace('.', '/') + ".class") != null;
  }

  private static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static int byVersion(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static KubernetesSchemas load(String release) {
    Path directory = DIRECTORY.resolve(release);
    try (var jars = Files.list(directory)) {
      URL[] urls = jars.filter(j -> j.toString().endsWith(".jar")).sorted().map(j -> {
        try {
          return j.toUri().toURL();
        } catch (MalformedURLException e) {
          throw new IllegalStateException(e);
        }
      }).toArray(URL[]::new);
      // The platform's classes only: the release's libraries (its Gson among them), never the tests' own.
      var loader = new URLClassLoader("kubernetes-api-" + release, urls, ClassLoader.getPlatformClassLoader());
      if (loader.getResource(APIS.replace('.', '/') + "CoreV1Api.class") == null) {
        throw new IllegalStateException(directory + " holds no io.kubernetes:client-java-api");
      }
      return new KubernetesSchemas(release, loader);
    } catch (IOException e) {
      throw new UncheckedIOException(directory + " is missing: build with Maven (its generate-test-resources "
          + "phase copies the Kubernetes API there)", e);
    }
  }
}
