package shop.orders.admission;

import io.quarkus.security.Authenticated;
import io.quarkus.security.PermissionsAllowed;
import io.vertx.core.http.HttpMethod;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.ws.rs.Path;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The door's route table: every JAX-RS resource method with its HTTP method, its path as a pattern and its
 * {@link Admitted} route, built once at start-up. The door runs on the I/O thread before Quarkus REST has matched the
 * request, so it matches method and path itself, the way Quarkus REST does for the cases this service has: a
 * {@code {name}} template is one segment, {@code {name: regex}} its regex, HEAD is served by a GET method, and among
 * templates that match, the one with more literal characters (then more variables) wins, per HTTP method. A request
 * that matches none is {@link Route#OTHER}: Quarkus REST answers it 404 or 405, which needs no connection.
 * <p>
 * Built from the resource classes by reflection: the service registers its resource classes' declared methods for
 * reflection anyway (the native build's reflect-config), and Quarkus REST's own route model
 * ({@code ResteasyReactiveRecorder.getCurrentDeployment()}) is internal API, not there before REST starts and not in a
 * unit test. Paths are taken as declared: the service sets no {@code @ApplicationPath} and no
 * {@code quarkus.rest.path}.
 */
final class AdmissionRoutes {
  private static final String API = "/api";
  private static final Pattern MATRIX_PARAMETERS = Pattern.compile(";[^/]*");

  /** The classification of one request: its route, and whether its method needs no token. */
  record Match(Route route, boolean open) {
    static final Match OTHER = new Match(Route.OTHER, false);
  }

  /** One resource method; {@code literals} and {@code variables} order overlapping templates as JAX-RS does. */
  record Entry(String httpMethod, String template, Pattern pattern, int literals, int variables, Match match,
               String declaredBy) {}

  private final List<Entry> entries;

  private AdmissionRoutes(List<Entry> entries) {
    this.entries = entries.stream().sorted(Comparator.comparingInt(Entry::literals).reversed()
        .thenComparing(Comparator.comparingInt(Entry::variables).reversed())).toList();
  }

  /** The resource classes among the application's beans (Quarkus REST makes every resource class a bean). */
  static Set<Class<?>> resourceClasses(BeanManager beans) {
    var classes = new LinkedHashSet<Class<?>>();
    for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
      Class<?> type = bean.getBeanClass();
      if (!type.isInterface() && pathOf(type) != null) {
        classes.add(type);
      }
    }
    return classes;
  }

  /**
   * The table of these resource classes' methods.
   *
   * @throws IllegalStateException naming every resource method under /api without {@link Admitted}: the service must
   *                               not start with an endpoint the door would have to guess about
   */
  static AdmissionRoutes of(Collection<Class<?>> resources) {
    var entries = new ArrayList<Entry>();
    var unannotated = new ArrayList<String>();
    for (Class<?> resource : resources) {
      for (Method method : resourceMethods(resource)) {
        String template = join(pathOf(resource), method.getAnnotation(Path.class));
        Admitted admitted = method.getAnnotation(Admitted.class);
        String name = method.getDeclaringClass().getName() + "." + method.getName();
        if (admitted == null) {
          if (template.equals(API) || template.startsWith(API + "/")) {
            unannotated.add(httpMethodOf(method) + " " + template + " (" + name + ")");
          }
          continue;
        }
        var compiled = Template.parse(template);
        entries.add(new Entry(httpMethodOf(method), template, compiled.pattern(), compiled.literals(),
            compiled.variables(), new Match(admitted.value(), isPublic(resource, method)), name));
      }
    }
    if (!unannotated.isEmpty()) {
      throw new IllegalStateException("Resource methods under " + API + " without @" + Admitted.class.getSimpleName()
          + " (the door cannot tell which places they take; declare their " + Route.class.getName() + "): "
          + String.join(", ", unannotated.stream().sorted().toList()));
    }
    return new AdmissionRoutes(entries);
  }

  List<Entry> entries() {
    return entries;
  }

  /** The route of a request, by its method and normalized path. */
  Match classify(HttpMethod method, String path) {
    if (path == null || method == HttpMethod.OPTIONS) {
      return Match.OTHER;   // a CORS preflight is answered before any resource method
    }
    String matched = matchable(path);
    Entry entry = find(method.name(), matched);
    if (entry == null && method == HttpMethod.HEAD) {
      entry = find(HttpMethod.GET.name(), matched);
    }
    return entry == null ? Match.OTHER : entry.match();
  }

  private Entry find(String httpMethod, String path) {
    for (Entry entry : entries) {
      if (entry.httpMethod().equals(httpMethod) && entry.pattern().matcher(path).matches()) {
        return entry;
      }
    }
    return null;
  }

  /**
   * The path as JAX-RS matches it: without matrix parameters ({@code /api/orders;x=1} is {@code /api/orders}) or a
   * trailing slash. Kept loose on purpose: a path the door matches and Quarkus REST then does not only costs a 404 a
   * place, as every /api path did before; the reverse would let a request past the door.
   */
  private static String matchable(String path) {
    String plain = path.indexOf(';') < 0 ? path : MATRIX_PARAMETERS.matcher(path).replaceAll("");
    return plain.length() > 1 && plain.endsWith("/") ? plain.substring(0, plain.length() - 1) : plain;
  }

  /**
   * The resource methods of a class: those with an HTTP method annotation, declared on it or a superclass. An
   * annotated override wins over the superclass's; one without JAX-RS annotations inherits them, as in JAX-RS.
   */
  private static List<Method> resourceMethods(Class<?> resource) {
    var methods = new ArrayList<Method>();
    var seen = new HashSet<String>();
    for (Class<?> type = resource; type != null && type != Object.class; type = type.getSuperclass()) {
      for (Method method : type.getDeclaredMethods()) {
        if (method.isSynthetic()) {
          continue;
        }
        if (httpMethodOf(method) != null) {
          if (seen.add(method.getName() + Arrays.toString(method.getParameterTypes()))) {
            methods.add(method);
          }
        } else if (method.isAnnotationPresent(Path.class)) {
          throw new IllegalStateException("Sub-resource locator " + type.getName() + "." + method.getName()
              + ": the door's route table (admission.AdmissionRoutes) does not follow locators");
        }
      }
    }
    return methods;
  }

  /** GET, POST... from the annotation that carries {@code @HttpMethod} (JAX-RS's and any custom one). */
  private static String httpMethodOf(Method method) {
    for (Annotation annotation : method.getAnnotations()) {
      var httpMethod = annotation.annotationType().getAnnotation(jakarta.ws.rs.HttpMethod.class);
      if (httpMethod != null) {
        return httpMethod.value();
      }
    }
    return null;
  }

  private static Path pathOf(Class<?> type) {
    for (Class<?> t = type; t != null && t != Object.class; t = t.getSuperclass()) {
      if (t.isAnnotationPresent(Path.class)) {
        return t.getAnnotation(Path.class);
      }
    }
    return null;
  }

  /**
   * Public: Quarkus lets the method through without a token. A security annotation on the method decides over the
   * class's, as it does for Quarkus.
   */
  private static boolean isPublic(Class<?> resource, Method method) {
    for (var security : List.of(PermitAll.class, RolesAllowed.class, DenyAll.class, Authenticated.class,
        PermissionsAllowed.class)) {
      if (method.isAnnotationPresent(security)) {
        return security == PermitAll.class;
      }
    }
    return resource.isAnnotationPresent(PermitAll.class);
  }

  /** The class's and the method's paths as one, starting with a slash and without a trailing one. */
  private static String join(Path classPath, Path methodPath) {
    String joined = "/" + classPath.value() + (methodPath == null ? "" : "/" + methodPath.value());
    String path = joined.replaceAll("/{2,}", "/");
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** A path template as a regex: literal text quoted, {@code {name}} one segment, {@code {name: regex}} its regex. */
  record Template(Pattern pattern, int literals, int variables) {
    static Template parse(String template) {
      var regex = new StringBuilder();
      int literals = 0;
      int variables = 0;
      int i = 0;
      while (i < template.length()) {
        char c = template.charAt(i);
        if (c != '{') {
          int next = template.indexOf('{', i);
          String literal = template.substring(i, next < 0 ? template.length() : next);
          regex.append(Pattern.quote(literal));
          literals += literal.length();
          i += literal.length();
          continue;
        }
        int depth = 0;
        int end = i;
        for (; end < template.length(); end++) {
          char e = template.charAt(end);
          if (e == '{') {
            depth++;
          } else if (e == '}' && --depth == 0) {
            break;
          }
        }
        if (end == template.length()) {
          throw new IllegalArgumentException("Unclosed template variable in " + template);
        }
        String variable = template.substring(i + 1, end);
        int colon = variable.indexOf(':');
        regex.append('(').append(colon < 0 ? "[^/]+" : variable.substring(colon + 1).strip()).append(')');
        variables++;
        i = end + 1;
      }
      return new Template(Pattern.compile(regex.toString()), literals, variables);
    }
  }
}
