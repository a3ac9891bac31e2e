package shop.orders.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes objects read strictly against the API models (fabric8's, generated from Kubernetes' OpenAPI): a kind
 * or apiVersion the API does not know, or a field it does not have at that place (a typo, a field one level too high
 * or low), fails with its path. The models keep unknown fields aside instead of refusing them, so this walks every
 * nested object and fails on any it kept. The Gateway API's kinds are among the models (read like the others); other
 * custom resources (the Prometheus operator's, KEDA's, those of the chart's examples) are allowed by kind only, and
 * their schemas are checked elsewhere (tools/contract/validate-custom-resources.mjs).
 */
public final class StrictKubernetes {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StrictKubernetes() {
  }

  /** Every object of a multi-document YAML, parsed strictly; custom resources only of the given kinds. */
  public static List<HasMetadata> parse(String yaml, Set<String> customKinds) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
        continue;
      }
      Object parsed = SERIALIZATION.unmarshal(document);
      if (!(parsed instanceof HasMetadata object)) {
        throw new AssertionError("not a Kubernetes object:\n" + document);
      }
      String name = object.getKind() + "/" + object.getMetadata().getName();
      if (object instanceof GenericKubernetesResource) {
        if (!customKinds.contains(object.getKind())) {
          throw new AssertionError(name + ": the API has no kind " + object.getKind() + " in "
              + object.getApiVersion());
        }
      } else {
        List<String> unknown = new ArrayList<>();
        walk(object, name, unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
          throw new AssertionError(name + ": fields the Kubernetes API does not have there: " + unknown);
        }
      }
      objects.add(object);
    }
    return objects;
  }

  private static void walk(Object node, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> walk(value, path + "." + key, unknown, seen));
      return;
    }
    if (!(node instanceof KubernetesResource)) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (field.equals("additionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(key -> unknown.add(path + "." + key));
        }
      } else {
        walk(value, path + "." + field, unknown, seen);
      }
    }
  }
}
