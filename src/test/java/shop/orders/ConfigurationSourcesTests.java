package shop.orders;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each setting of the service has one source: its {@code @WithDefault} in a {@code @ConfigMapping} interface.
 * application.properties sets only what differs (per profile), and {@code @Scheduled} names a property without a
 * default of its own. A default written twice drifts: one copy changes, the other still reads the old value.
 */
class ConfigurationSourcesTests {
  private static final List<Class<?>> CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("shop.orders").stream()
      .map(JavaClass::reflect).toList();

  @Test
  void applicationPropertiesDoesNotRestateAMappingDefault() throws IOException {
    var properties = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
      properties.load(in);
    }
    Map<String, String> defaults = new TreeMap<>();
    CLASSES.stream().filter(c -> c.isAnnotationPresent(ConfigMapping.class))
        .forEach(c -> collectDefaults(c.getAnnotation(ConfigMapping.class).prefix(), c, defaults));
    assertThat(defaults).as("mapping defaults found").hasSizeGreaterThan(20);

    List<String> restated = new ArrayList<>();
    defaults.forEach((name, value) -> {
      if (value.equals(properties.getProperty(name))) {
        restated.add(name + "=" + value);
      }
    });
    assertThat(restated).as("properties that restate their @WithDefault").isEmpty();
  }

  @Test
  void scheduledPeriodsNameTheirPropertyWithoutADefault() {
    List<String> inline = new ArrayList<>();
    CLASSES.forEach(c -> {
      for (Method m : c.getDeclaredMethods()) {
        Scheduled scheduled = m.getAnnotation(Scheduled.class);
        if (scheduled != null && scheduled.every().matches("\\$\\{[^}]*:[^}]*}")) {
          inline.add(c.getSimpleName() + "." + m.getName() + ": " + scheduled.every());
        }
      }
    });
    assertThat(inline).isEmpty();
  }

  private static void collectDefaults(String prefix, Class<?> mapping, Map<String, String> into) {
    for (Method m : mapping.getDeclaredMethods()) {
      if (m.getParameterCount() > 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      String name = prefix + "." + kebab(m.getName());
      WithDefault given = m.getAnnotation(WithDefault.class);
      if (given != null) {
        into.put(name, given.value());
      } else if (m.getReturnType().isInterface() && m.getReturnType().getEnclosingClass() == mapping) {
        collectDefaults(name, m.getReturnType(), into);
      }
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }
}
