package shop.orders.testing.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import org.quicktheories.core.Gen;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Requests for one operation of the contract, made from its parameters' and body's schemas: first a valid request
 * (values within each schema's type, enum, bounds, length and pattern, with the fixture's SKUs, orders, payments and
 * cursors where a name asks for them), then none to three mutations drawn from those that apply to it: numbers at
 * and past their bounds, wrong JSON types, very long strings, control characters, NUL and lone surrogates,
 * malformed percent-encodings and bytes that are not UTF-8, bad cursors, bad or reused Idempotency-Keys, missing
 * and extra fields, malformed bodies and content types, no token or a refused one, another customer's token or
 * order, bad webhook signatures, other methods, paths and Accept headers. Every choice is a {@link Draw}, so a
 * failing request shrinks towards fewer and simpler mutations of a simpler valid request.
 */
public final class Requests {
  /** The customers of the fixture, by key. */
  public static final Map<String, String> CUSTOMERS = Map.of("A", "fuzz-customer-a", "B", "fuzz-customer-b");
  private static final Object NO_BODY = new Object();

  /**
   * What the run made through the API before fuzzing: SKUs, each customer's orders (by key A or B), payment ids,
   * and cursors the API returned (by the path that returned them).
   */
  public record Fixture(List<String> skus, Map<String, List<String>> orders, List<String> payments,
                        Map<String, List<String>> cursors) {}

  private final Contract contract;
  private final Fixture fixture;
  private final Tokens tokens;
  private final List<Mutation> mutations = List.of(
      new Mutation("token", d -> true, this::token),
      new Mutation("missing", d -> d.slots.stream().anyMatch(Slot::removable) || d.body != NO_BODY, this::missing),
      new Mutation("extra", d -> true, this::extra),
      new Mutation("wrong type", d -> !d.slots.isEmpty(), this::wrongType),
      new Mutation("number", d -> d.slots.stream().anyMatch(Slot::integer), this::number),
      new Mutation("long string", d -> d.slots.stream().anyMatch(Slot::text), this::longString),
      new Mutation("control characters", d -> d.slots.stream().anyMatch(Slot::text), this::controlCharacters),
      new Mutation("percent-encoding", d -> d.slots.stream().anyMatch(Slot::inTarget), this::percentEncoding),
      new Mutation("cursor", d -> d.op.in("query").stream().anyMatch(p -> p.name().equals("cursor")), this::cursor),
      new Mutation("idempotency key", d -> d.op.in("header").stream()
          .anyMatch(p -> p.name().equals("Idempotency-Key")), this::idempotencyKey),
      new Mutation("another customer's order", d -> d.pathValues.containsKey("id"), this::othersOrder),
      new Mutation("malformed body", d -> d.op.bodySchema() != null, this::malformedBody),
      new Mutation("content type", d -> d.op.bodySchema() != null, this::contentType),
      new Mutation("body where none is read", d -> d.op.bodySchema() == null, this::unexpectedBody),
      new Mutation("accept", d -> true, this::accept),
      new Mutation("signature", d -> d.op.security().equals("webhook"), this::signature),
      new Mutation("method", d -> true, this::method),
      new Mutation("path shape", d -> true, this::pathShape),
      new Mutation("query", d -> true, this::query));

  public Requests(Contract contract, Fixture fixture, Tokens tokens) {
    this.contract = contract;
    this.fixture = fixture;
    this.tokens = tokens;
  }

  /** The mutation kinds, for the summary. */
  public List<String> mutationKinds() {
    return mutations.stream().map(Mutation::name).toList();
  }

  public Gen<FuzzRequest> of(Contract.Operation op) {
    Gen<FuzzRequest> gen = in -> generate(op, new Draw(in));
    return gen.describedAs(FuzzRequest::toString);
  }

  FuzzRequest generate(Contract.Operation op, Draw d) {
    var r = new Draft(op);
    caller(r, d);
    for (var p : op.parameters()) {
      parameter(r, p, d);
    }
    if (op.bodySchema() != null) {
      r.body = json(op.bodySchema(), "", "", r, d);
      r.contentType = "application/json";
      r.slots.add(new Slot("body", Slot.BODY, op.bodySchema(), op.bodyRequired(), () -> r.body, v -> r.body = v,
          () -> r.body = NO_BODY));
    }
    int count = switch (d.between(0, 9)) {
      case 0, 1, 2 -> 0;
      case 3, 4, 5, 6 -> 1;
      case 7, 8 -> 2;
      default -> 3;
    };
    for (int i = 0; i < count; i++) {
      var applicable = mutations.stream().filter(m -> m.applies().test(r)).toList();
      var mutation = d.pick(applicable);
      int before = r.notes.size();
      mutation.apply().accept(r, d);
      for (int n = before; n < r.notes.size(); n++) {
        r.notes.set(n, mutation.name() + ": " + r.notes.get(n));
      }
    }
    r.othersOrder = r.method.equals(op.method()) ? othersOrder(r) : null;
    r.reshaped |= r.pathValues.values().stream().anyMatch(v -> v.isEmpty() || v.equals(".") || v.equals("..")
        || v.equalsIgnoreCase("%2e%2e") || v.equalsIgnoreCase("%2e") || v.toUpperCase().contains("%2F"));
    return r.build();
  }

  // ---- the valid request

  private void caller(Draft r, Draw d) {
    switch (r.op.security()) {
      case "bearer" -> {
        int who = d.between(0, 9);
        if (r.op.adminOnly()) {
          setCaller(r, who < 9 ? "admin" : "A");
        } else {
          setCaller(r, who < 7 ? "A" : who < 9 ? "B" : "admin");
        }
      }
      case "webhook" -> r.signature = "valid";
      default -> {
        if (d.chance(10)) {
          setCaller(r, "A");
        }
      }
    }
  }

  private void setCaller(Draft r, String who) {
    r.authorization.clear();
    r.customer = null;
    r.admin = false;
    if (who.equals("admin")) {
      r.admin = true;
      r.caller = "admin (" + Tokens.OPERATOR + ")";
      r.authorization.add("Bearer " + tokens.admin());
    } else {
      r.customer = who;
      r.caller = "customer " + who + " (" + CUSTOMERS.get(who) + ")";
      r.authorization.add("Bearer " + tokens.customer(CUSTOMERS.get(who)));
    }
  }

  private void parameter(Draft r, Contract.Parameter p, Draw d) {
    switch (p.in()) {
      case "path" -> {
        Object value = p.name().equals("id") ? ownOrder(r, d) : json(p.schema(), p.name(), "path " + p.name(), r, d);
        r.pathValues.put(p.name(), encode(text(value)));
        r.slots.add(new Slot("path " + p.name(), Slot.PATH, p.schema(), true,
            () -> decodeLoosely(r.pathValues.get(p.name())),
            v -> r.pathValues.put(p.name(), v instanceof Json.Raw raw ? raw.text() : encode(text(v))),
            () -> r.pathValues.put(p.name(), "")));
      }
      case "query" -> {
        if (p.required() || d.chance(50)) {
          String[] entry = {p.name(), encode(text(json(p.schema(), p.name(), "query " + p.name(), r, d)))};
          r.query.add(entry);
          r.slots.add(new Slot("query " + p.name(), Slot.QUERY, p.schema(), p.required(), () -> decodeLoosely(entry[1]),
              v -> entry[1] = v instanceof Json.Raw raw ? raw.text() : encode(text(v)), () -> r.query.remove(entry)));
        }
      }
      case "header" -> {
        if (p.required() || d.chance(p.name().equals("If-Match") ? 60 : 30)) {
          String[] entry = {p.name(), latin1(text(json(p.schema(), p.name(), "header " + p.name(), r, d)))};
          r.headers.add(entry);
          r.slots.add(new Slot("header " + p.name(), Slot.HEADER, p.schema(), p.required(), () -> entry[1],
              v -> entry[1] = v instanceof Json.Raw raw ? raw.text() : latin1(text(v)), () -> r.headers.remove(entry)));
        }
      }
      default -> throw new IllegalStateException("parameters in " + p.in() + " are not generated: " + p);
    }
  }

  /**
   * One of the caller's orders (a customer's own; A's for an operator or nobody): one the sender places just before
   * (so paying and cancelling reach an order awaiting payment however far the run got), one of the fixture's, or
   * an unknown id.
   */
  private String ownOrder(Draft r, Draw d) {
    String owner = r.customer == null ? "A" : r.customer;
    List<String> choices = new ArrayList<>();
    choices.add(FuzzRequest.NEW_ORDER + owner);
    choices.addAll(fixture.orders().getOrDefault(owner, List.of()));
    choices.add(d.uuid().toString());
    return d.pick(choices);
  }

  /** A valid value of {@code schema}; its members and elements become slots under {@code where}. */
  private Object json(JsonNode schemaNode, String name, String where, Draft r, Draw d) {
    JsonNode schema = contract.resolve(schemaNode);
    Object hinted = hint(name, schema, d);
    if (hinted != null) {
      return hinted;
    }
    if (schema.has("enum")) {
      List<String> values = new ArrayList<>();
      schema.get("enum").forEach(v -> values.add(v.asText()));
      return d.pick(values);
    }
    switch (schema.path("type").asText("object")) {
      case "object" -> {
        Map<Object, Object> object = new LinkedHashMap<>();
        r.objects.add(object);
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(n -> required.add(n.asText()));
        for (var property : schema.path("properties").properties()) {
          String key = property.getKey();
          boolean mandatory = required.contains(key);
          if (mandatory || d.chance(50)) {
            String at = where.isEmpty() ? key : where + "." + key;
            object.put(key, json(property.getValue(), key, at, r, d));
            r.slots.add(new Slot("body " + at, Slot.BODY, contract.resolve(property.getValue()), mandatory,
                () -> object.get(key), v -> object.put(key, v), () -> object.remove(key)));
          }
        }
        return object;
      }
      case "array" -> {
        List<Object> array = new ArrayList<>();
        int min = schema.path("minItems").asInt(0);
        int max = Math.min(schema.path("maxItems").asInt(10), min + 3);
        int size = d.between(min, Math.max(min, max));
        for (int i = 0; i < size; i++) {
          String at = where + "[" + i + "]";
          array.add(json(schema.path("items"), name, at, r, d));
          int index = i;
          r.slots.add(new Slot("body " + at, Slot.BODY, contract.resolve(schema.path("items")), false,
              () -> array.get(index), v -> array.set(index, v), () -> array.set(index, Json.LEFT_OUT)));
        }
        return array;
      }
      case "integer", "number" -> {
        return integer(schema, d);
      }
      case "boolean" -> {
        return d.chance(50);
      }
      default -> {
        return string(schema, d);
      }
    }
  }

  /** The fixture's values where a member or parameter is named for them, most of the time. */
  private Object hint(String name, JsonNode schema, Draw d) {
    switch (name) {
      case "sku" -> {
        return d.chance(80) ? d.pick(fixture.skus()) : null;
      }
      case "payment_id" -> {
        var choices = new ArrayList<>(fixture.payments());
        choices.add(d.uuid().toString());
        return d.pick(choices);
      }
      case "methodToken" -> {
        return d.chance(70) ? d.pick("tok_visa", "tok_decline", "tok_unknown") : null;
      }
      case "type" -> {
        return schema.path("pattern").asText().contains("a-z_.") && d.chance(70)
            ? d.pick("payment.succeeded", "payment.failed", "payment.refunded") : null;
      }
      case "currency" -> {
        return d.chance(80) ? d.pick("KRW", "USD", "EUR") : null;
      }
      case "cursor" -> {
        return d.chance(60) ? d.pick(cursorsFor(fixture)) : null;
      }
      case "If-Match" -> {
        return d.chance(70) ? d.pick(FuzzRequest.ETAG_OF + d.pick(fixture.skus()) + "}", "*") : null;
      }
      case "Idempotency-Key" -> {
        return d.chance(80) ? d.uuid().toString() : d.pick("fuzz-key-1", "fuzz-key-2");
      }
      default -> {
        return null;
      }
    }
  }

  private static List<String> cursorsFor(Fixture fixture) {
    List<String> all = new ArrayList<>();
    fixture.cursors().values().forEach(all::addAll);
    return all.isEmpty() ? List.of("") : all;
  }

  private static Object integer(JsonNode schema, Draw d) {
    boolean int32 = schema.path("format").asText().equals("int32");
    long min = schema.has("minimum") ? schema.get("minimum").asLong()
        + (schema.path("exclusiveMinimum").asBoolean(false) ? 1 : 0) : int32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
    long max = schema.has("maximum") ? schema.get("maximum").asLong()
        - (schema.path("exclusiveMaximum").asBoolean(false) ? 1 : 0) : int32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
    long simple = Math.max(min, Math.min(max, 1));
    return switch (d.between(0, 4)) {
      case 0 -> simple;
      case 1 -> min;
      case 2 -> max;
      case 3 -> d.longBetween(simple, Math.min(max, simple + 10));
      default -> d.longBetween(min, max);
    };
  }

  private static String string(JsonNode schema, Draw d) {
    int maxLength = schema.path("maxLength").asInt(64);
    String format = schema.path("format").asText();
    if (format.equals("uuid")) {
      return d.uuid().toString();
    }
    if (format.equals("date-time")) {
      return "2026-01-01T00:00:00Z";
    }
    if (schema.has("pattern")) {
      String pattern = schema.get("pattern").asText();
      if (!Patterns.understood(pattern)) {
        throw new IllegalStateException("The contract has a pattern the request generator does not understand "
            + "(teach testing.fuzz.Patterns): " + pattern);
      }
      return Patterns.generate(pattern, maxLength, d);
    }
    int length = d.between(schema.path("minLength").asInt(0), Math.min(maxLength, 16));
    var out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append((char) d.between('a', 'z'));
    }
    return out.toString();
  }

  // ---- mutations

  private record Mutation(String name, Predicate<Draft> applies, java.util.function.BiConsumer<Draft, Draw> apply) {}

  private void token(Draft r, Draw d) {
    String customer = r.customer == null ? "A" : r.customer;
    String other = customer.equals("A") ? "B" : "A";
    List<String> kinds = new ArrayList<>(List.of("no token", "another customer's token", "admin token",
        "customer's token", "not a JWT", "empty bearer", "basic credentials", "lower-case scheme",
        "two Authorization headers"));
    var refused = tokens.refused(CUSTOMERS.get(customer), CUSTOMERS.get(other));
    kinds.addAll(refused.keySet());
    String kind = d.pick(kinds);
    r.note(kind);
    switch (kind) {
      case "no token" -> {
        r.authorization.clear();
        r.caller = "nobody (no token)";
        r.customer = null;
        r.admin = false;
      }
      case "another customer's token" -> setCaller(r, other);
      case "admin token" -> setCaller(r, "admin");
      case "customer's token" -> setCaller(r, customer);
      case "not a JWT" -> refusedToken(r, "Bearer " + d.pick("not-a-jwt", "a.b.c", "e30.e30.", "....", "%00"));
      case "empty bearer" -> refusedToken(r, d.pick("Bearer", "Bearer ", ""));
      case "basic credentials" -> refusedToken(r, "Basic Zm9vOmJhcg==");
      case "lower-case scheme" -> {
        setCaller(r, customer);
        r.authorization.set(0, r.authorization.getFirst().replace("Bearer ", "bearer "));
      }
      case "two Authorization headers" -> {
        setCaller(r, customer);
        r.authorization.add("Bearer " + tokens.customer(CUSTOMERS.get(other)));
        r.caller = "customer " + customer + " and customer " + other + " (two tokens)";
      }
      default -> refusedToken(r, "Bearer " + refused.get(kind));
    }
  }

  private static void refusedToken(Draft r, String header) {
    r.authorization.clear();
    r.authorization.add(header);
    r.caller = "a refused token";
    r.customer = null;
    r.admin = false;
  }

  private void missing(Draft r, Draw d) {
    List<Slot> removable = r.slots.stream().filter(Slot::removable).toList();
    if (r.body != NO_BODY && (removable.isEmpty() || d.chance(15))) {
      r.body = NO_BODY;
      r.note("no body");
      return;
    }
    Slot slot = d.pick(removable);
    slot.remove().run();
    r.note(slot.where() + (slot.required() ? " (required)" : " (optional)") + " left out");
  }

  private void extra(Draft r, Draw d) {
    switch (d.between(0, 2)) {
      case 0 -> {
        if (r.objects.isEmpty()) {
          r.query.add(new String[] {"extra", "1"});
          r.note("query extra=1");
          return;
        }
        Map<Object, Object> object = d.pick(r.objects);
        String key = d.pick("extra", "id", "customerId", "status", "total", "__proto__", "available", "amountMinor",
            "event", "quantity", "lines", "sku");
        Object value = d.pick("x", 1L, true, null, new Json.Raw("{\"status\":\"PAID\"}"), List.of(), "PAID",
            new Json.Raw("-1"));
        boolean duplicate = object.containsKey(key) || d.chance(30);
        object.put(duplicate ? new DuplicateKey(key) : key, value);
        r.note((duplicate ? "duplicate member " : "member ") + key + "=" + Json.write(value));
      }
      case 1 -> {
        String[] header = d.pick(List.of(new String[] {"X-Extra", "1"},
            new String[] {"Origin", "https://evil.example"}, new String[] {"Origin", "http://localhost:3000"},
            new String[] {"X-HTTP-Method-Override", "DELETE"}, new String[] {"X-Forwarded-For", "10.1.2.3"},
            new String[] {"Forwarded", "for=10.1.2.3;host=evil.example;proto=https"},
            new String[] {"X-Forwarded-Host", "evil.example"}, new String[] {"Expect", "100-continue"},
            new String[] {"Transfer-Encoding", "identity"}, new String[] {"Cookie", "session=x"},
            new String[] {"Range", "bytes=0-1"}, new String[] {"If-None-Match", "*"},
            new String[] {"Accept-Encoding", "gzip"}, new String[] {"Content-Encoding", "gzip"}));
        r.headers.add(header.clone());
        r.note("header " + header[0] + ": " + header[1]);
      }
      default -> {
        String[] query = d.pick(List.of(new String[] {"extra", "1"}, new String[] {"limit", "2"},
            new String[] {"cursor", ""}, new String[] {"limit", null}, new String[] {"", "1"},
            new String[] {"a", "1&a=2&a=3"}, new String[] {"x", "1;y=2"}));
        r.query.add(query.clone());
        r.note("query " + query[0] + (query[1] == null ? "" : "=" + query[1]));
      }
    }
  }

  /** A member name that is written like an existing one: the body then holds the member twice. */
  private record DuplicateKey(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  private void wrongType(Draft r, Draw d) {
    Slot slot = d.pick(r.slots);
    Object value;
    if (slot.kind().equals(Slot.BODY)) {
      value = d.pick("text", 7L, true, null, List.of(), new LinkedHashMap<>(Map.of("a", "b")), List.of(1L, 2L),
          new Json.Raw("1.5"), new Json.Raw("\"7\""), "", new Json.Raw("{}"));
    } else {
      value = d.pick("abc", "1.5", "true", "null", "[]", "{}", "-", "", "1,2", "0x10");
    }
    slot.set().accept(value);
    r.note(slot.where() + " = " + (value instanceof String s ? "\"" + s + "\"" : Json.write(value)));
  }

  private void number(Draft r, Draw d) {
    Slot slot = d.pick(r.slots.stream().filter(Slot::integer).toList());
    JsonNode schema = contract.resolve(slot.schema());
    long min = schema.path("minimum").asLong(Integer.MIN_VALUE);
    long max = schema.path("maximum").asLong(Integer.MAX_VALUE);
    List<String> values = new ArrayList<>(List.of(Long.toString(min - 1), Long.toString(max + 1), "0", "-1",
        Long.toString(min), Long.toString(max), "2147483647", "2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "1e400", "1E2", "1.0", "-0", "0.5", "9".repeat(400),
        "1".repeat(1_500)));
    if (!slot.kind().equals(Slot.BODY)) {
      values.addAll(List.of(" 5", "5 ", "+5", "05", "0x10", "१", "٣", "5%00", "1_000"));
    } else {
      values.addAll(List.of("+1", "0x10", "NaN", "Infinity", "01"));
    }
    String value = d.pick(values);
    slot.set().accept(slot.kind().equals(Slot.BODY) ? new Json.Raw(value) : value);
    r.note(slot.where() + " = " + value + " (bounds " + min + ".." + max + ")");
  }

  private void longString(Draft r, Draw d) {
    Slot slot = d.pick(r.slots.stream().filter(Slot::text).toList());
    int length = slot.inTarget() ? d.pick(65, 129, 256, 513, 2_000, 5_000, 9_000)
        : slot.kind().equals(Slot.HEADER) ? d.pick(65, 129, 256, 513, 2_000, 9_000)
        : d.pick(65, 129, 201, 256, 513, 1_000, 10_000, 70_000);
    String unit = d.pick("a", "é", "\u0000", "\uD83D\uDE00", "%");
    String value = unit.repeat(length);
    slot.set().accept(value);
    r.note(slot.where() + " = " + FuzzRequest.printable(unit) + " x " + length);
  }

  private void controlCharacters(Draft r, Draw d) {
    Slot slot = d.pick(r.slots.stream().filter(Slot::text).toList());
    String current = slot.current();
    String odd = d.pick("\u0000", "\u0001", "\t", "\n", "\r\n", "\u001b[31m", "\u007f", "\u0085", "\u2028",
        "\u202e", "\ufeff", "\ud800", "\udfff", "\uD83D\uDE00", "é", "\\", "\"", "'", "<script>", "../",
        "${jndi:ldap://x}", " ", "%00", "\u0000\u0000\u0000");
    if (slot.kind().equals(Slot.HEADER) && (odd.contains("\n") || odd.contains("\r"))) {
      odd = "\u000b";   // CR and LF would end the header: the framing is not what this tests
    }
    int at = d.between(0, 2);
    String value = at == 0 ? odd + current : at == 1 ? current + odd
        : current.substring(0, current.length() / 2) + odd + current.substring(current.length() / 2);
    slot.set().accept(value);
    r.note(slot.where() + " = " + FuzzRequest.printable(latin1(value)));
  }

  private void percentEncoding(Draft r, Draw d) {
    Slot slot = d.pick(r.slots.stream().filter(Slot::inTarget).toList());
    String fragment = d.pick("%00", "%0A", "%7F", "%FF", "%C3%28", "%ED%A0%80", "%C0%AF", "%2F", "%2e%2e", "..",
        "%25", "+", "%20", "%3F", "%23", "%zz", "%", "%0", "%u0041");
    String current = slot.current();
    String value = d.chance(50) ? fragment : encode(current) + fragment;
    slot.set().accept(new Json.Raw(value));
    r.reshaped |= slot.kind().equals(Slot.PATH);
    r.note(slot.where() + " = " + value + " (as sent)");
  }

  private void cursor(Draft r, Draw d) {
    String value = switch (d.between(0, 5)) {
      case 0 -> b64(d.pick("x", "FUZZ-STOCK\u0000", "zzzz", "é", "a".repeat(300), "1969-12-31T23:59:59Z_"
          + d.uuid(), "+1000000000-01-01T00:00:00Z_" + d.uuid(), "2026-01-01T00:00:00Z_not-a-uuid",
          "2026-01-01T00:00:00Z_" + d.uuid() + "_extra", "2026-13-45T99:99:99Z_" + d.uuid(), "_", "'; select 1; --",
          "\\", "%", "2026-01-01T00:00:00Z"));
      case 1 -> {
        byte[] bytes = new byte[d.between(1, 48)];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) d.between(0, 255);
        }
        yield Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      }
      case 2 -> Base64.getEncoder().encodeToString("FUZZ-STOCK??>>".getBytes(StandardCharsets.UTF_8)) + "%";
      case 3 -> "A".repeat(d.pick(511, 512, 513, 4_000));
      case 4 -> d.pick("AA", "=", "!!", "%00", "", "A", "AAA", "A===", "%zz");
      default -> b64(FuzzRequest.ETAG_OF);
    };
    r.query.removeIf(q -> q[0].equals("cursor"));
    // written as is when it holds a % (a malformed escape, or standard base64's + / = marked by a trailing %)
    String sent = value.endsWith("%") && value.length() > 1 ? value.substring(0, value.length() - 1)
        : value.contains("%") ? value : encode(value);
    r.query.add(new String[] {"cursor", sent});
    r.note("cursor=" + FuzzRequest.abbreviate(sent, 80));
  }

  private static String b64(String position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
  }

  private void idempotencyKey(Draft r, Draw d) {
    r.headers.removeIf(h -> h[0].equals("Idempotency-Key"));
    String kind = d.pick("none", "empty", "blank", "255 characters", "256 characters", "space inside", "tab",
        "NUL", "DEL", "not ASCII", "twice", "reused");
    switch (kind) {
      case "none" -> {
        // left out
      }
      case "empty" -> r.headers.add(new String[] {"Idempotency-Key", ""});
      case "blank" -> r.headers.add(new String[] {"Idempotency-Key", "   "});
      case "255 characters" -> r.headers.add(new String[] {"Idempotency-Key", "k".repeat(255)});
      case "256 characters" -> r.headers.add(new String[] {"Idempotency-Key", "k".repeat(256)});
      case "space inside" -> r.headers.add(new String[] {"Idempotency-Key", "fuzz key"});
      case "tab" -> r.headers.add(new String[] {"Idempotency-Key", "fuzz\tkey"});
      case "NUL" -> r.headers.add(new String[] {"Idempotency-Key", "fuzz\u0000key"});
      case "DEL" -> r.headers.add(new String[] {"Idempotency-Key", "fuzz\u007fkey"});
      case "not ASCII" -> r.headers.add(new String[] {"Idempotency-Key", latin1("키-" + d.uuid())});
      case "twice" -> {
        r.headers.add(new String[] {"Idempotency-Key", d.uuid().toString()});
        r.headers.add(new String[] {"Idempotency-Key", d.uuid().toString()});
      }
      default -> r.headers.add(new String[] {"Idempotency-Key", "fuzz-reused-key"});
    }
    r.note(kind);
  }

  private void othersOrder(Draft r, Draw d) {
    String other = "A".equals(r.customer) ? "B" : "A";
    List<String> theirs = fixture.orders().getOrDefault(other, List.of());
    if (theirs.isEmpty()) {
      return;
    }
    r.pathValues.put("id", d.pick(theirs));
    r.note("id = an order of customer " + other);
  }

  /** The order id in the path when it is another customer's than the one customer whose token alone is sent. */
  private String othersOrder(Draft r) {
    String id = r.pathValues.get("id");
    if (id == null || r.customer == null || r.admin || r.authorization.size() != 1
        || !r.authorization.getFirst().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    for (var owner : fixture.orders().entrySet()) {
      if (!owner.getKey().equals(r.customer) && owner.getValue().contains(id)) {
        return id;
      }
    }
    return null;
  }

  private void malformedBody(Draft r, Draw d) {
    String valid = r.body == NO_BODY ? "{}" : Json.write(r.body);
    String kind = d.pick("truncated", "not JSON", "empty", "null", "array", "string", "number", "byte order mark",
        "trailing garbage", "two documents", "comments", "single quotes", "nested 2,000 deep", "bytes not UTF-8",
        "overlong UTF-8", "1,500-digit number", "70,000 bytes", "UTF-16");
    byte[] body = switch (kind) {
      case "truncated" -> utf8(valid.substring(0, valid.length() / 2));
      case "not JSON" -> utf8("not json at all");
      case "empty" -> new byte[0];
      case "null" -> utf8("null");
      case "array" -> utf8("[" + valid + "]");
      case "string" -> utf8("\"" + valid.replace("\"", "\\\"") + "\"");
      case "number" -> utf8("42");
      case "byte order mark" -> utf8("\ufeff" + valid);
      case "trailing garbage" -> utf8(valid + "x");
      case "two documents" -> utf8(valid + valid);
      case "comments" -> utf8("/* c */" + valid);
      case "single quotes" -> utf8(valid.replace('"', '\''));
      case "nested 2,000 deep" -> utf8("[".repeat(2_000) + "]".repeat(2_000));
      case "bytes not UTF-8" -> concat(utf8(valid.substring(0, valid.length() / 2)),
          new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28}, utf8(valid.substring(valid.length() / 2)));
      case "overlong UTF-8" -> concat(utf8("{\"x\":\""), new byte[] {(byte) 0xc0, (byte) 0xaf}, utf8("\"}"));
      case "1,500-digit number" -> utf8("{\"n\":" + "1".repeat(1_500) + "}");
      case "70,000 bytes" -> utf8("{\"pad\":\"" + "p".repeat(70_000) + "\"}");
      default -> valid.getBytes(StandardCharsets.UTF_16);
    };
    r.rawBody = body;
    r.note(kind);
  }

  private void contentType(Draft r, Draw d) {
    String type = d.pick("none", "text/plain", "application/xml", "application/x-www-form-urlencoded",
        "application/json; charset=ISO-8859-1", "application/json; charset=utf-16", "application/problem+json",
        "application/merge-patch+json", "multipart/form-data; boundary=x", "APPLICATION/JSON", "application/json;;",
        "*/*", "application/json\u0000", "application/jsonx", "");
    r.contentType = type.equals("none") ? null : type;
    r.note(FuzzRequest.printable(type));
  }

  private void unexpectedBody(Draft r, Draw d) {
    r.contentType = "application/json";
    r.rawBody = d.chance(20) ? utf8("{\"pad\":\"" + "p".repeat(70_000) + "\"}") : utf8("{\"lines\":[]}");
    r.note(r.rawBody.length + " bytes of JSON");
  }

  private void accept(Draft r, Draw d) {
    String accept = d.pick("application/xml", "text/html", "*/*", "application/problem+json",
        "application/json;q=0", "image/png, */*;q=0.1", ";;;", "application/json, text/plain");
    r.accept = accept;
    r.note(accept);
  }

  private void signature(Draft r, Draw d) {
    String mode = d.pick("none", "stale", "future", "wrong", "other body", "not a number", "overflowing time",
        "twice", "empty", "only v1", "upper case");
    r.signature = mode;
    r.note(mode);
  }

  private void method(Draft r, Draw d) {
    String method = d.pick("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "get");
    r.method = method;
    r.reshaped = true;
    r.note(method);
  }

  /** The same operation's path written another way (applied when the request is built, to its final path). */
  private static final List<String> SHAPES = List.of("a trailing slash", "a double slash", "upper case", "a dot segment",
      "a matrix parameter", "an extra segment", "an encoded dot segment", "an encoded trailing slash");

  private void pathShape(Draft r, Draw d) {
    r.shape = d.between(0, SHAPES.size() - 1);
    r.reshaped = true;
    r.note(SHAPES.get(r.shape));
  }

  private static String shaped(String path, int shape) {
    return switch (shape) {
      case 0 -> path + "/";
      case 1 -> path.replaceFirst("/api/", "/api//");
      case 2 -> path.replaceFirst("/api/", "/API/");
      case 3 -> path.replaceFirst("/api/", "/api/./");
      case 4 -> path + ";jsessionid=x";
      case 5 -> path + "/extra";
      case 6 -> path.replaceFirst("/api/", "/api/%2e/");
      default -> path + "%2F";
    };
  }

  private void query(Draft r, Draw d) {
    String[] q = d.pick(List.of(new String[] {"limit", ""}, new String[] {"limit", null}, new String[] {"limit", "0"},
        new String[] {"limit", "%zz"}, new String[] {"&&", null}, new String[] {"cursor", "a b"}));
    if (d.chance(30)) {
      for (int i = 0; i < 300; i++) {
        r.query.add(new String[] {"p" + i, "1"});
      }
      r.note("300 parameters");
    } else {
      r.query.add(q.clone());
      r.note(q[0] + (q[1] == null ? "" : "=" + q[1]));
    }
  }

  // ---- the request being built

  private static final class Draft {
    final Contract.Operation op;
    String method;
    String caller = "nobody (no token)";
    String customer;
    boolean admin;
    final List<String> authorization = new ArrayList<>();
    final Map<String, String> pathValues = new LinkedHashMap<>();
    int shape = -1;
    final List<String[]> query = new ArrayList<>();
    final List<String[]> headers = new ArrayList<>();
    Object body = NO_BODY;
    byte[] rawBody;
    String contentType;
    String accept;
    String signature;
    final List<Slot> slots = new ArrayList<>();
    final List<Map<Object, Object>> objects = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    String othersOrder;
    boolean reshaped;

    Draft(Contract.Operation op) {
      this.op = op;
      this.method = op.method();
    }

    void note(String note) {
      notes.add(note);
    }

    String expandedPath() {
      String path = op.path();
      for (var value : pathValues.entrySet()) {
        path = path.replace("{" + value.getKey() + "}", value.getValue());
      }
      return path;
    }

    FuzzRequest build() {
      String path = shape < 0 ? expandedPath() : shaped(expandedPath(), shape);
      var target = new StringBuilder(path);
      for (int i = 0; i < query.size(); i++) {
        target.append(i == 0 ? '?' : '&').append(query.get(i)[0]);
        if (query.get(i)[1] != null) {
          target.append('=').append(query.get(i)[1]);
        }
      }
      List<Map.Entry<String, String>> sent = new ArrayList<>();
      authorization.forEach(a -> sent.add(Map.entry("Authorization", latin1(a))));
      headers.forEach(h -> sent.add(Map.entry(h[0], h[1])));
      byte[] bytes = rawBody != null ? rawBody : body == NO_BODY ? null : utf8(Json.write(body));
      if (bytes != null && contentType != null) {
        sent.add(Map.entry("Content-Type", latin1(contentType)));
      }
      if (accept != null) {
        sent.add(Map.entry("Accept", accept));
      }
      if (signature != null && !signature.equals("none")) {
        sent.add(Map.entry("PG-Signature", FuzzRequest.SIGNATURE + signature + "}"));
      }
      return new FuzzRequest(op.id(), method, target.toString(), List.copyOf(sent), bytes, List.copyOf(notes),
          caller, othersOrder, expandedPath(), reshaped, bytes != null && op.bodySchema() == null);
    }
  }

  /** A place a mutation can change: a body member or element, a path, query or header parameter. */
  private record Slot(String where, String kind, JsonNode schema, boolean required, Supplier<Object> get,
                      Consumer<Object> set, Runnable remove) {
    static final String BODY = "body";
    static final String PATH = "path";
    static final String QUERY = "query";
    static final String HEADER = "header";

    boolean removable() {
      return !kind.equals(PATH) && !where.equals("body");
    }

    boolean integer() {
      String type = schema.path("type").asText();
      return type.equals("integer") || type.equals("number");
    }

    /** Text on the wire: a parameter, or a body member whose schema is a string. */
    boolean text() {
      return !where.equals("body") && (!kind.equals(BODY) || schema.path("type").asText().equals("string"));
    }

    boolean inTarget() {
      return kind.equals(PATH) || kind.equals(QUERY);
    }

    /** Its value now, as text. */
    String current() {
      Object value = get.get();
      return value instanceof String s ? s : Requests.text(value);
    }
  }

  /** A parameter's value as the service decodes it; as it is when it does not decode. */
  private static String decodeLoosely(String encoded) {
    if (encoded == null) {
      return "";
    }
    try {
      return java.net.URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return encoded;
    }
  }

  // ---- encodings

  static String text(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> s;
      case Json.Raw raw -> raw.text();
      case Map<?, ?> m -> Json.write(m);
      case List<?> l -> Json.write(l);
      default -> String.valueOf(value);
    };
  }

  /**
   * Percent-encodes all but RFC 3986's unreserved characters, as UTF-8; a lone surrogate becomes the three bytes
   * of its code unit, which no UTF-8 decoder accepts.
   */
  static String encode(String s) {
    var out = new StringBuilder();
    for (byte b : wtf8(s)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** The string's UTF-8 bytes as ISO-8859-1 characters: how a header carries text beyond ASCII. */
  static String latin1(String s) {
    return new String(wtf8(s), StandardCharsets.ISO_8859_1);
  }

  static byte[] utf8(String s) {
    return wtf8(s);
  }

  /** UTF-8, except that a lone surrogate is encoded as if it were a character (as WTF-8 does). */
  private static byte[] wtf8(String s) {
    var out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.writeBytes(s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
        i++;
      } else if (Character.isSurrogate(c)) {
        out.write(0xe0 | (c >> 12));
        out.write(0x80 | ((c >> 6) & 0x3f));
        out.write(0x80 | (c & 0x3f));
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    var out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
