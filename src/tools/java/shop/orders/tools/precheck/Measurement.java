package shop.orders.tools.precheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import static shop.orders.tools.PythonStyle.reprOf;

/**
 * A results file a check reads (results/scale-out-latest.json, replay-latest.json, capacity-latest.json): what is
 * missing or of the wrong kind in it makes the check FAIL, naming the file and the field.
 */
record Measurement(Path path, JsonNode document) {
  static final int MAX_AGE_DAYS = 30;
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind { NUMBER, BOOLEAN, STRING, LIST }

  /** The file, or Unusable "no {@code what}" when it is missing. */
  static Measurement read(Path path, String what) throws Unusable {
    if (!Files.isRegularFile(path)) {
      throw new Unusable("no " + what + ": " + path + " is missing");
    }
    try {
      return new Measurement(path, JSON.readTree(path.toFile()));
    } catch (IOException e) {
      throw new Unusable(path + " is not readable JSON: " + e.getMessage());
    }
  }

  /** The field at {@code dotted} (runs.hardened.audit.passed), which must be of {@code kind}. */
  JsonNode field(String dotted, Kind kind) throws Unusable {
    JsonNode node = document;
    for (String part : dotted.split("\\.")) {
      if (!node.isObject() || !node.has(part)) {
        throw new Unusable(path + " has no " + dotted);
      }
      node = node.get(part);
    }
    boolean right = switch (kind) {
      case NUMBER -> node.isNumber();
      case BOOLEAN -> node.isBoolean();
      case STRING -> node.isTextual();
      case LIST -> node.isArray();
    };
    if (!right) {
      throw new Unusable(path + ": " + dotted + " is " + reprOf(node));
    }
    return node;
  }

  double number(String dotted) throws Unusable {
    return field(dotted, Kind.NUMBER).asDouble();
  }

  /** A WARN when the measurement (its field date) is over {@link #MAX_AGE_DAYS} old: taken on another build. */
  Optional<Finding> staleness(String what, Instant now) throws Unusable {
    String date = field("date", Kind.STRING).asText();
    long days = Math.floorDiv(Duration.between(taken(date), now).toSeconds(), 86_400);
    if (days > MAX_AGE_DAYS) {
      return Optional.of(Finding.warn(what + " is " + days + " days old (" + date + "), over " + MAX_AGE_DAYS
          + ": run it again on the event's build"));
    }
    return Optional.empty();
  }

  /** An ISO 8601 date or time; one without an offset is UTC. */
  private Instant taken(String date) throws Unusable {
    String text = date.length() > 10 && date.charAt(10) == ' ' ? date.substring(0, 10) + "T" + date.substring(11)
        : date;
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notWithOffset) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notADate) {
          throw new Unusable(path + ": date " + reprOf(document.get("date")) + " is not an ISO 8601 time");
        }
      }
    }
  }
}
