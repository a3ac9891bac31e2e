package shop.orders.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Checks the native build's configuration without GraalVM: reads what {@code ./mvnw package -Pnative-check} (the native
 * build's analysis steps, {@code quarkus.native.sources-only=true}) wrote to target/native-sources (the runner jar's
 * META-INF/native-image/*.json and native-image.args) and fails on what would break the native executable:
 * <ul>
 *   <li>a type the API reads or writes as JSON (JAX-RS resources' and the REST client's bodies and answers, and their
 *   fields and record components, transitively) or that the code reads with Jackson ({@code readValue(..., X.class)})
 *   not registered for reflection;</li>
 *   <li>a file under src/main/resources/db (the Flyway migrations and seed) not included as a resource;</li>
 *   <li>native-image.args without {@code --no-fallback} or {@code --link-at-build-time}, with an option that hides
 *   missing classes until run time, or without the Netty settings Quarkus passes ({@code io.netty.*});</li>
 *   <li>JNI registrations the application does not expect (it uses no JNI: jni-config.json stays empty).</li>
 * </ul>
 * Usage: {@code java -cp <test class path> shop.orders.tools.NativeSourcesCheck <target dir> <source root>}; exits 1
 * with the findings. What it cannot see (a class reached only by reflection at run time, a native library's
 * behaviour) only a native build and its tests find: see docs/deployment.md, "Native".
 */
public final class NativeSourcesCheck {
  private static final Pattern READ_AS = Pattern.compile(
      "\\.(?:readValue|convertValue|treeToValue|readerFor)\\([^;]*?\\b([A-Z]\\w*(?:\\.[A-Z]\\w*)*)\\.class");
  private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD");
  private static final List<String> FORBIDDEN_ARGS = List.of("--report-unsupported-elements-at-runtime",
      "--allow-incomplete-classpath", "-H:+AllowIncompleteClasspath", "--initialize-at-run-time=shop.orders");

  private static int checkedTypes;
  private static int checkedResources;

  private NativeSourcesCheck() {
  }

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args.length > 0 ? args[0] : "target");
    Path sources = Path.of(args.length > 1 ? args[1] : "src/main");
    List<String> findings = check(target, sources);
    if (findings.isEmpty()) {
      System.out.println("native configuration: no findings (" + checkedTypes + " JSON types, " + checkedResources
          + " resources checked in " + target.resolve("native-sources") + ")");
      return;
    }
    findings.forEach(f -> System.err.println("native configuration: " + f));
    System.exit(1);
  }

  static List<String> check(Path target, Path sources) throws IOException, ClassNotFoundException {
    Path nativeSources = target.resolve("native-sources");
    Path runner;
    try (Stream<Path> files = Files.list(nativeSources)) {
      runner = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no runner jar in " + nativeSources
              + ": run ./mvnw package -Pnative-check -DskipTests"));
    }
    var json = new ObjectMapper();
    Set<String> reflective = new HashSet<>();
    List<Pattern> resources = new ArrayList<>();
    JsonNode jni;
    try (var jar = new ZipFile(runner.toFile())) {
      for (JsonNode entry : json.readTree(jar.getInputStream(jar.getEntry("META-INF/native-image/reflect-config.json")))) {
        reflective.add(entry.path("name").asText());
      }
      JsonNode resourceConfig = json.readTree(jar.getInputStream(jar.getEntry("META-INF/native-image/resource-config.json")));
      for (JsonNode include : resourceConfig.path("resources").path("includes")) {
        resources.add(Pattern.compile(include.path("pattern").asText()));
      }
      jni = json.readTree(jar.getInputStream(jar.getEntry("META-INF/native-image/jni-config.json")));
    }
    List<String> findings = new ArrayList<>();

    Set<Class<?>> wire = new TreeSetOfClasses();
    Path classes = target.resolve("classes");
    for (Class<?> type : applicationClasses(classes)) {
      for (Method method : declaredMethods(type)) {
        if (!isResourceMethod(method)) {
          continue;
        }
        addTypes(method.getGenericReturnType(), wire);
        for (int i = 0; i < method.getParameterCount(); i++) {
          if (isBody(method.getParameterAnnotations()[i])) {
            addTypes(method.getGenericParameterTypes()[i], wire);
          }
        }
      }
    }
    for (String name : readAs(sources.resolve("java"))) {
      Class<?> type = resolve(name, classes);
      if (type == null) {
        findings.add("read with Jackson as " + name + ".class, a class not found in " + classes);
      } else {
        addTypes(type, wire);
      }
    }
    Set<Class<?>> jsonTypes = closure(wire);
    checkedTypes = jsonTypes.size();
    for (Class<?> type : jsonTypes) {
      if (!reflective.contains(type.getName())) {
        findings.add(type.getName() + " is read or written as JSON but not registered for reflection "
            + "(@RegisterForReflection)");
      }
    }

    Path resourceRoot = sources.resolve("resources");
    try (Stream<Path> files = Files.walk(resourceRoot.resolve("db"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        checkedResources++;
        String name = resourceRoot.relativize(file).toString().replace('\\', '/');
        if (resources.stream().noneMatch(p -> p.matcher(name).matches())) {
          findings.add("resource " + name + " is not included in the native executable");
        }
      }
    }

    String nativeArgs = Files.readString(nativeSources.resolve("native-image.args"));
    for (String needed : List.of("--no-fallback", "--link-at-build-time", "-J-Dio.netty.leakDetection.level=",
        "-J-Dio.netty.allocator.maxOrder=")) {
      if (!nativeArgs.contains(needed)) {
        findings.add("native-image.args lacks " + needed);
      }
    }
    for (String forbidden : FORBIDDEN_ARGS) {
      if (nativeArgs.contains(forbidden)) {
        findings.add("native-image.args has " + forbidden);
      }
    }
    if (jni.isArray() && !jni.isEmpty()) {
      findings.add("jni-config.json registers " + jni.size() + " classes; the application uses no JNI");
    }
    return findings;
  }

  /** The classes of shop.orders under the compiled classes, loaded without initialising them. */
  private static List<Class<?>> applicationClasses(Path classes) throws IOException, ClassNotFoundException {
    List<Class<?>> result = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('/', '.').replace('\\', '.');
        name = name.substring(0, name.length() - ".class".length());
        result.add(Class.forName(name, false, NativeSourcesCheck.class.getClassLoader()));
      }
    }
    return result;
  }

  private static Method[] declaredMethods(Class<?> type) {
    try {
      return type.getDeclaredMethods();
    } catch (LinkageError e) {
      return new Method[0];
    }
  }

  private static boolean isResourceMethod(Method method) {
    for (Annotation annotation : method.getAnnotations()) {
      Class<? extends Annotation> kind = annotation.annotationType();
      if (kind.getPackageName().equals("jakarta.ws.rs") && HTTP_METHODS.contains(kind.getSimpleName())) {
        return true;
      }
    }
    return false;
  }

  /** A parameter without a JAX-RS or RESTEasy annotation is the request's body. */
  private static boolean isBody(Annotation[] annotations) {
    for (Annotation annotation : annotations) {
      String pkg = annotation.annotationType().getPackageName();
      if (pkg.startsWith("jakarta.ws.rs") || pkg.startsWith("org.jboss.resteasy") || pkg.startsWith("io.quarkus.rest")) {
        return false;
      }
    }
    return true;
  }

  private static void addTypes(Type type, Set<Class<?>> into) {
    if (type instanceof Class<?> c) {
      if (c.isArray()) {
        addTypes(c.getComponentType(), into);
      } else if (c.getName().startsWith("shop.orders.")) {
        into.add(c);
      }
    } else if (type instanceof ParameterizedType p) {
      addTypes(p.getRawType(), into);
      for (Type argument : p.getActualTypeArguments()) {
        addTypes(argument, into);
      }
    } else if (type instanceof GenericArrayType a) {
      addTypes(a.getGenericComponentType(), into);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        addTypes(bound, into);
      }
    }
  }

  /** The types and, transitively, the types of their record components and instance fields. */
  private static Set<Class<?>> closure(Set<Class<?>> roots) {
    Set<Class<?>> seen = new TreeSetOfClasses();
    Deque<Class<?>> queue = new ArrayDeque<>(roots);
    while (!queue.isEmpty()) {
      Class<?> type = queue.pop();
      if (type.isEnum() || type.isInterface() || !seen.add(type)) {
        continue;
      }
      Set<Class<?>> next = new TreeSetOfClasses();
      if (type.isRecord()) {
        for (var component : type.getRecordComponents()) {
          addTypes(component.getGenericType(), next);
        }
      } else {
        for (Field field : type.getDeclaredFields()) {
          if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
            addTypes(field.getGenericType(), next);
          }
        }
      }
      queue.addAll(next);
    }
    return seen;
  }

  private static Set<String> readAs(Path javaSources) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(javaSources)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = READ_AS.matcher(Files.readString(file).replaceAll("\\s+", " "));
        while (m.find()) {
          String pkg = javaSources.relativize(file.getParent()).toString().replace('/', '.').replace('\\', '.');
          String top = file.getFileName().toString().replace(".java", "");
          names.add(pkg + "|" + top + "|" + m.group(1));
        }
      }
    }
    return names;
  }

  /** "package|file's class|Name or Outer.Name": the class, nested in the file's class or in the package. */
  private static Class<?> resolve(String reference, Path classes) {
    String[] parts = reference.split("\\|");
    String nested = parts[2].replace('.', '$');
    for (String candidate : List.of(parts[0] + "." + parts[1] + "$" + nested, parts[0] + "." + nested)) {
      if (Files.exists(classes.resolve(candidate.replace('.', '/') + ".class"))) {
        try {
          return Class.forName(candidate, false, NativeSourcesCheck.class.getClassLoader());
        } catch (ClassNotFoundException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** Classes ordered by name, so that findings come out in a stable order. */
  private static final class TreeSetOfClasses extends TreeSet<Class<?>> {
    TreeSetOfClasses() {
      super((a, b) -> a.getName().compareTo(b.getName()));
    }
  }
}
