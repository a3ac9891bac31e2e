package shop.orders.tools.precheck;

import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import static shop.orders.tools.PythonStyle.repr;

/**
 * bin/precheck's command line. Parsed as Python's argparse parsed it when the check was a Python script, so what
 * calls it keeps working: --option value or --option=value, a long option shortened to a prefix only it has, -fFILE,
 * and the same messages for what is wrong.
 *
 * @param maxConnections PostgreSQL's real max_connections, when given
 * @param redisDiskGib   the size of the volume holding Redis' AOF, when given
 */
record Options(double peak, List<Path> values, OptionalInt maxConnections, Path resultsDir, Path redisConf,
               OptionalDouble redisDiskGib, double headroom, int rampSeconds, int holdSeconds, LocalTime opensAt,
               double maxRefusedPercent, boolean json) {

  static final String USAGE = """
      usage: bin/precheck [-h] --peak-orders-per-second N [-f FILE]
                          [--max-connections N] [--results-dir DIR]
                          [--redis-conf FILE] [--redis-disk-gib GIB] [--headroom X]
                          [--ramp-seconds S] [--hold-seconds S] [--opens-at HH:MM]
                          [--max-refused-percent P] [--json]
      """;

  /** Asked for with -h or --help: the usage, what is checked, the options. */
  static final class HelpRequested extends Exception {
  }

  private static final List<String> LONG_OPTIONS = List.of("--help", "--peak-orders-per-second", "--values",
      "--max-connections", "--results-dir", "--redis-conf", "--redis-disk-gib", "--headroom", "--ramp-seconds",
      "--hold-seconds", "--opens-at", "--max-refused-percent", "--json");
  /** What Python's float() reads: digits with underscores between them, an exponent, inf and nan. */
  private static final Pattern FLOAT =
      Pattern.compile("[+-]?((\\d(_?\\d)*)?\\.?\\d(_?\\d)*([eE][+-]?\\d(_?\\d)*)?|\\d(_?\\d)*\\.|inf(inity)?|nan)",
          Pattern.CASE_INSENSITIVE);

  /** {@code root}: the repository, where the default results and redis.conf are. */
  static Options parse(List<String> args, Path root) throws UsageError, HelpRequested {
    Map<String, Object> given = new HashMap<>();
    List<Path> values = new ArrayList<>();
    List<String> unrecognized = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      if (arg.startsWith("--") && arg.length() > 2) {
        int equals = arg.indexOf('=');
        name = longOption(equals < 0 ? arg : arg.substring(0, equals));
        value = equals < 0 ? null : arg.substring(equals + 1);
      } else if (arg.startsWith("-f") || arg.equals("-h")) {
        name = arg.substring(0, 2);
        value = arg.length() > 2 ? arg.substring(2) : null;
      }
      switch (name) {
        case "-h", "--help" -> throw new HelpRequested();
        case "--json" -> given.put(name, true);
        case "-f", "--values", "--peak-orders-per-second", "--max-connections", "--results-dir", "--redis-conf",
             "--redis-disk-gib", "--headroom", "--ramp-seconds", "--hold-seconds", "--opens-at",
             "--max-refused-percent" -> {
          if (value == null) {
            if (i + 1 >= args.size() || looksLikeAnOption(args.get(i + 1))) {
              throw argument(name, "expected one argument");
            }
            value = args.get(++i);
          }
          if (name.equals("-f") || name.equals("--values")) {
            values.add(Path.of(value));
          } else {
            given.put(name, read(name, value));
          }
        }
        default -> unrecognized.add(arg);
      }
    }
    if (!given.containsKey("--peak-orders-per-second")) {
      throw new UsageError("the following arguments are required: --peak-orders-per-second");
    }
    if (!unrecognized.isEmpty()) {
      throw new UsageError("unrecognized arguments: " + String.join(" ", unrecognized));
    }
    return new Options((double) given.get("--peak-orders-per-second"), List.copyOf(values),
        given.containsKey("--max-connections")
            ? OptionalInt.of((int) given.get("--max-connections")) : OptionalInt.empty(),
        (Path) given.getOrDefault("--results-dir", root.resolve("results")),
        (Path) given.getOrDefault("--redis-conf", root.resolve("ops/redis/redis.conf")),
        given.containsKey("--redis-disk-gib")
            ? OptionalDouble.of((double) given.get("--redis-disk-gib")) : OptionalDouble.empty(),
        (double) given.getOrDefault("--headroom", 1.5), (int) given.getOrDefault("--ramp-seconds", 10),
        (int) given.getOrDefault("--hold-seconds", 300),
        (LocalTime) given.getOrDefault("--opens-at", LocalTime.of(20, 0)),
        (double) given.getOrDefault("--max-refused-percent", 1.0), given.containsKey("--json"));
  }

  /** The long option {@code text} names, in full or by a prefix only it has; as given when it names none. */
  private static String longOption(String text) throws UsageError {
    if (LONG_OPTIONS.contains(text)) {
      return text;
    }
    List<String> matches = LONG_OPTIONS.stream().filter(o -> o.startsWith(text)).toList();
    if (matches.size() > 1) {
      throw new UsageError("ambiguous option: " + text + " could match " + String.join(", ", matches));
    }
    return matches.isEmpty() ? text : matches.getFirst();
  }

  /** An argument starting with "-" is an option, unless it is a negative number (argparse's rule). */
  private static boolean looksLikeAnOption(String arg) {
    return arg.startsWith("-") && !arg.matches("-\\d+|-\\d*\\.\\d+");
  }

  /** The option's value, of the kind it wants; the first that is wrong ends the parse. */
  private static Object read(String option, String value) throws UsageError {
    return switch (option) {
      case "--peak-orders-per-second", "--redis-disk-gib", "--max-refused-percent" -> positive(option, value);
      case "--headroom" -> {
        double x = positive(option, value);
        if (x < 1) {
          throw argument(option, "must be 1 or more: " + value);
        }
        yield x;
      }
      case "--max-connections", "--ramp-seconds", "--hold-seconds" -> {
        if (!value.matches("\\d{1,9}") || value.matches("0+")) {
          throw argument(option, "must be a whole number above 0: " + repr(value));
        }
        yield Integer.parseInt(value);
      }
      case "--opens-at" -> {
        try {
          yield LocalTime.parse(value);
        } catch (DateTimeParseException e) {
          throw argument(option, "not a time of day HH:MM: " + repr(value));
        }
      }
      default -> Path.of(value);
    };
  }

  private static double positive(String option, String value) throws UsageError {
    String text = value.strip().replace("_", "").toLowerCase(Locale.ROOT);
    if (!FLOAT.matcher(value.strip()).matches()) {
      throw argument(option, "not a number: " + repr(value));
    }
    double x = text.endsWith("nan") ? Double.NaN
        : text.endsWith("inf") || text.endsWith("infinity") ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    if (!(x > 0 && x < Double.POSITIVE_INFINITY)) {
      throw argument(option, "must be above 0: " + value);
    }
    return x;
  }

  private static UsageError argument(String option, String problem) {
    String shown = option.equals("-f") || option.equals("--values") ? "-f/--values" : option;
    return new UsageError("argument " + shown + ": " + problem);
  }
}
