package shop.orders.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a run's clients saw, from every request's answer: the purchase intents (one Idempotency-Key each, retries
 * included) by final answer, latencies of successes and of refusals, and a per-second series for the charts.
 */
final class RunReport {
  private final List<Attempt> attempts;

  RunReport(Collection<Attempt> attempts) {
    this.attempts = attempts.stream().sorted((a, b) -> Long.compare(a.atMillis(), b.atMillis())).toList();
  }

  /** Order intents by the answer of their last attempt, and the latency figures of the order requests. */
  Map<String, Object> orders(long fromMillis, long toMillis) {
    Map<String, Attempt> finalAnswer = new LinkedHashMap<>();
    List<Long> created = new ArrayList<>();
    List<Long> refusals = new ArrayList<>();
    List<Long> answers = new ArrayList<>();
    for (Attempt a : attempts) {
      if (a.kind() != Attempt.Kind.ORDER) {
        continue;
      }
      finalAnswer.put(a.key(), a);
      answers.add(a.latencyMillis());
      if (a.status() == 201) {
        created.add(a.latencyMillis());
      } else if (a.refusal()) {
        refusals.add(a.latencyMillis());
      }
    }
    long attempted = finalAnswer.size();
    long createdIntents = count(finalAnswer.values(), a -> a.status() == 201);
    long soldOut = count(finalAnswer.values(), a -> a.status() == 409);
    long rejected = count(finalAnswer.values(), a -> a.status() == 422);
    long refused = count(finalAnswer.values(), Attempt::refusal);
    long failed = attempted - createdIntents - soldOut - rejected - refused;
    long admitted = attempted - refused;
    long served = createdIntents + soldOut + rejected;
    double seconds = Math.max(1, toMillis - fromMillis) / 1000.0;
    long createdInWindow = attempts.stream().filter(a -> a.kind() == Attempt.Kind.ORDER && a.status() == 201
        && a.atMillis() >= fromMillis && a.atMillis() < toMillis).count();
    long answeredInWindow = attempts.stream().filter(a -> a.kind() == Attempt.Kind.ORDER
        && a.atMillis() >= fromMillis && a.atMillis() < toMillis).count();

    var successes = new Percentiles(created);
    var refusalTimes = new Percentiles(refusals);
    var all = new Percentiles(answers);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("attempted", attempted);
    figures.put("created", createdIntents);
    figures.put("soldOut", soldOut);
    figures.put("rejected422", rejected);
    figures.put("refused", refused);
    figures.put("failed", failed);
    figures.put("finalStatuses", finalAnswer.values().stream()
        .collect(Collectors.groupingBy(a -> Integer.toString(a.status()), TreeMap::new, Collectors.counting())));
    figures.put("successShare", share(served, attempted));
    figures.put("createdShare", share(createdIntents, attempted));
    figures.put("admitted", admitted);
    figures.put("admittedSuccessShare", share(served, admitted));
    figures.put("orderRequests", all.count());
    figures.put("successP50Ms", ms(successes.at(50)));
    figures.put("successP99Ms", ms(successes.at(99)));
    figures.put("refusals", refusalTimes.count());
    figures.put("refusalP50Ms", ms(refusalTimes.at(50)));
    figures.put("refusalP99Ms", ms(refusalTimes.at(99)));
    figures.put("refusalMaxMs", ms(refusalTimes.max()));
    figures.put("answerP99Ms", ms(all.at(99)));
    figures.put("byPopulation", byPopulation(finalAnswer.values()));
    figures.put("refusalsByProblem", byProblem(Attempt::refusal));
    figures.put("failuresByProblem", byProblem(RunReport::failure));
    figures.put("peakWindowSeconds", seconds);
    figures.put("ordersAnsweredPerSecond", answeredInWindow / seconds);
    figures.put("ordersCreatedPerSecond", createdInWindow / seconds);
    return figures;
  }

  /** Order intents of each population (background shoppers, the surge) by final answer. */
  private static Map<String, Map<String, Long>> byPopulation(Collection<Attempt> finalAnswers) {
    var result = new TreeMap<String, Map<String, Long>>();
    for (Attempt a : finalAnswers) {
      String outcome = a.status() == 201 ? "created" : a.status() == 409 ? "soldOut" : a.refusal() ? "refused"
          : a.status() == 422 ? "rejected422" : "failed";
      result.computeIfAbsent(a.population(), p -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
    }
    return result;
  }

  /** Order requests matching {@code test}, by problem type: how many and their p99. */
  private Map<String, Map<String, Object>> byProblem(Predicate<Attempt> test) {
    var grouped = attempts.stream().filter(a -> a.kind() == Attempt.Kind.ORDER && test.test(a))
        .collect(Collectors.groupingBy(a -> a.status() + " " + (a.problem() == null ? "-" : a.problem()), TreeMap::new,
            Collectors.mapping(Attempt::latencyMillis, Collectors.toList())));
    var result = new TreeMap<String, Map<String, Object>>();
    grouped.forEach((problem, latencies) -> {
      var p = new Percentiles(latencies);
      result.put(problem, Map.of("count", p.count(), "p50Ms", p.at(50), "p99Ms", p.at(99)));
    });
    return result;
  }

  /** Order ids of every 201 any client received. */
  Set<String> createdOrderIds() {
    return attempts.stream().filter(a -> a.kind() == Attempt.Kind.ORDER && a.status() == 201 && a.orderId() != null)
        .map(Attempt::orderId).collect(Collectors.toSet());
  }

  /** One line per second: requests, their error share and p99, and the orders' outcomes. */
  void writeTimeSeries(Path file) throws IOException {
    var bySecond = new TreeMap<Long, List<Attempt>>();
    attempts.forEach(a -> bySecond.computeIfAbsent(a.atMillis() / 1000, s -> new ArrayList<>()).add(a));
    var lines = new ArrayList<String>();
    lines.add("second requests failed_share_pct refused_share_pct p99_ms orders created sold_out refused failed "
        + "order_p99_ms");
    bySecond.forEach((second, list) -> {
      var orders = list.stream().filter(a -> a.kind() == Attempt.Kind.ORDER).toList();
      long failed = count(list, RunReport::failure);
      long refused = count(list, Attempt::refusal);
      lines.add("%d %d %.2f %.2f %.0f %d %d %d %d %d %s".formatted(second, list.size(),
          100.0 * failed / list.size(), 100.0 * refused / list.size(),
          new Percentiles(list.stream().map(Attempt::latencyMillis).toList()).at(99),
          orders.size(), count(orders, a -> a.status() == 201), count(orders, a -> a.status() == 409),
          count(orders, Attempt::refusal), count(orders, RunReport::failure),
          orders.isEmpty() ? "NaN" : "%.0f".formatted(
              new Percentiles(orders.stream().map(Attempt::latencyMillis).toList()).at(99))));
    });
    Files.write(file, lines);
  }

  void writeAttempts(Path file) throws IOException {
    var lines = new ArrayList<String>(attempts.size() + 1);
    lines.add(Attempt.csvHeader());
    attempts.forEach(a -> lines.add(a.csv()));
    Files.write(file, lines);
  }

  /** Anything the API does not answer on purpose: no response, 5xx other than a refusal. */
  static boolean failure(Attempt a) {
    return a.status() == 0 || a.status() >= 500 && !a.refusal();
  }

  private static long count(Collection<Attempt> list, Predicate<Attempt> test) {
    return list.stream().filter(test).count();
  }

  /** A latency for JSON: null when there was nothing to measure. */
  private static Double ms(double value) {
    return Double.isNaN(value) ? null : value;
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 1.0 : (double) part / whole;
  }
}
