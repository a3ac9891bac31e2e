package shop.orders.testing.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The operations of an OpenAPI 3.0 document as the generator needs them: method, path, parameters and request body
 * with their schemas ({@code $ref}s followed), the security it asks for and the statuses it documents.
 */
public final class Contract {
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
  private final JsonNode root;
  private final List<Operation> operations = new ArrayList<>();

  public record Parameter(String name, String in, boolean required, JsonNode schema) {}

  /** {@code security}: "bearer", "webhook" (the gateway's signature) or "none". */
  public record Operation(String id, String method, String path, List<Parameter> parameters, JsonNode bodySchema,
                          boolean bodyRequired, String security, Set<String> statuses) {
    /** Only an admin may call it: the contract documents 403 forbidden. */
    public boolean adminOnly() {
      return statuses.contains("403");
    }

    public List<Parameter> in(String where) {
      return parameters.stream().filter(p -> p.in().equals(where)).toList();
    }

    @Override
    public String toString() {
      return id;
    }
  }

  public Contract(String json) throws IOException {
    this.root = new ObjectMapper().readTree(json);
    root.path("paths").properties().forEach(path -> {
      JsonNode item = path.getValue();
      for (String method : METHODS) {
        JsonNode op = item.get(method);
        if (op == null) {
          continue;
        }
        List<Parameter> parameters = new ArrayList<>();
        for (JsonNode p : concat(item.path("parameters"), op.path("parameters"))) {
          JsonNode param = resolve(p);
          parameters.add(new Parameter(param.path("name").asText(), param.path("in").asText(),
              param.path("required").asBoolean(false), resolve(param.path("schema"))));
        }
        JsonNode body = resolve(op.path("requestBody"));
        JsonNode bodySchema = body.path("content").path("application/json").path("schema");
        JsonNode security = op.has("security") ? op.get("security") : root.path("security");
        String scheme = "none";
        for (JsonNode requirement : security) {
          if (requirement.has("webhookSignature")) {
            scheme = "webhook";
          } else if (requirement.size() > 0) {
            scheme = "bearer";
          }
        }
        Set<String> statuses = new LinkedHashSet<>();
        op.path("responses").fieldNames().forEachRemaining(statuses::add);
        operations.add(new Operation(op.path("operationId").asText(method + " " + path.getKey()),
            method.toUpperCase(Locale.ROOT), path.getKey(), List.copyOf(parameters),
            bodySchema.isMissingNode() ? null : resolve(bodySchema), body.path("required").asBoolean(false), scheme,
            statuses));
      }
    });
  }

  private static List<JsonNode> concat(JsonNode a, JsonNode b) {
    List<JsonNode> all = new ArrayList<>();
    a.forEach(all::add);
    b.forEach(all::add);
    return all;
  }

  public List<Operation> operations() {
    return operations;
  }

  /**
   * The schema or object {@code node} stands for: a {@code $ref} followed, an {@code allOf} of one member merged
   * with the properties beside it.
   */
  public JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    for (int depth = 0; depth < 20 && current.has("$ref"); depth++) {
      current = at(current.get("$ref").asText());
    }
    if (current.has("allOf") && current.get("allOf").size() == 1) {
      ObjectNode merged = ((ObjectNode) resolve(current.get("allOf").get(0))).deepCopy();
      current.properties().forEach(e -> {
        if (!e.getKey().equals("allOf") && !merged.has(e.getKey())) {
          merged.set(e.getKey(), e.getValue());
        }
      });
      return merged;
    }
    return current;
  }

  private JsonNode at(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException("only local references are followed: " + ref);
    }
    JsonNode node = root;
    for (String part : ref.substring(2).split("/")) {
      node = node.path(part.replace("~1", "/").replace("~0", "~"));
    }
    if (node.isMissingNode()) {
      throw new IllegalArgumentException("dangling reference " + ref);
    }
    return node;
  }
}
