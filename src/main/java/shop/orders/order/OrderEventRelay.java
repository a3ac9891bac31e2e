package shop.orders.order;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import shop.orders.db.Jdbc;
import shop.orders.messaging.Broker;
import shop.orders.messaging.BrokerUnavailable;
import shop.orders.messaging.Message;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox's relay: publishes order_event rows to the broker as CloudEvents (structured JSON), batch by batch in
 * the order they were written, and marks them published only once the broker confirmed them. At least once: a relay
 * stopped between the broker's confirm and the mark publishes that batch again, and consumers deduplicate by the
 * event's id. One relay publishes at a time (a lease in outbox_lease, renewed with every batch), which keeps each
 * order's events in sequence across replicas. No transaction spans a broker call: the lease and the batch are read
 * in one short transaction, the mark is written in another. With the broker down the rows wait, outbox_pending and
 * outbox_lag_seconds grow, and everything is published once it returns.
 */
@ApplicationScoped
public class OrderEventRelay {
  private static final Logger LOG = Logger.getLogger(OrderEventRelay.class);
  static final String LEASE = "order-events";
  /** CloudEvents' source of every event of this service. */
  static final URI SOURCE = URI.create("/order-service");
  /** Bounds one run; what is left waits for the next run. */
  private static final int MAX_BATCHES_PER_RUN = 20;
  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);
  private static final Duration PURGE_BUDGET = Duration.ofSeconds(5);
  private static final int PURGE_BATCH = 5_000;
  private static final Duration WARN_EVERY = Duration.ofMinutes(1);
  /** How long a stop waits for a batch under way. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final Jdbc jdbc;
  private final Broker broker;
  private final OrderConfig.Events config;
  private final InstantSource clock;
  private final String holder;
  private final EventFormat format = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong lagMillis = new AtomicLong();
  /** Held while a run publishes, so a stop waits for its batch instead of cutting it. */
  private final ReentrantLock running = new ReentrantLock();
  private volatile boolean stopping;
  private volatile Instant lastPurge = Instant.EPOCH;
  private volatile Instant lastWarning = Instant.EPOCH;

  @Inject
  OrderEventRelay(Jdbc jdbc, Broker broker, OrderConfig config, InstantSource clock, MeterRegistry registry) {
    this(jdbc, broker, config.events(), clock, "relay-" + UUID.randomUUID());
    // A registry that outlives an application (one restarted in the same JVM, as the tests restart it) still holds
    // the gauges of the relay before, and registering again would return those: this relay's figures replace them.
    registry.find("outbox.pending").meters().forEach(registry::remove);
    registry.find("outbox.lag").meters().forEach(registry::remove);
    Gauge.builder("outbox.pending", pending, AtomicLong::get)
        .description("Order events not yet published to the broker (counted up to 1,000,000)").register(registry);
    Gauge.builder("outbox.lag", lagMillis, v -> v.get() / 1000.0).baseUnit("seconds")
        .description("Age of the oldest order event not yet published (0 when none)").register(registry);
  }

  /** A relay under its own name, as another replica's would be (its figures are not registered as metrics). */
  OrderEventRelay(Jdbc jdbc, Broker broker, OrderConfig.Events config, InstantSource clock, String holder) {
    this.jdbc = jdbc;
    this.broker = broker;
    this.config = config;
    this.clock = clock;
    this.holder = holder;
  }

  /** Created at start, so its metrics exist from the first scrape. */
  void onStart(@Observes StartupEvent event) {
    LOG.debugf("Outbox relay %s ready", holder);
  }

  /**
   * A stopping instance stops relaying as its drain begins (readiness DOWN, still serving): a batch under way
   * finishes, its broker confirms and its marks included, while the broker connection and the database are still
   * there, and no new batch starts. Then the lease is handed back, so the next relay need not wait for it to expire.
   * Stopping in the middle of a batch would leave confirmed events unmarked, and the next relay would publish them
   * again (consumers deduplicate by id, but a release should not make them).
   */
  void onDrain(@Observes ShutdownDelayInitiatedEvent event) {
    stop();
  }

  /** The same on shutdown, for an instance stopped without a drain delay (a no-op after the drain's). */
  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  void stop() {
    stopping = true;
    boolean idle = false;
    try {
      // a batch is bounded by the broker's deadlines (messaging.*) and a few short transactions
      idle = running.tryLock(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (!idle) {
        LOG.warnf("the outbox relay's batch did not finish within %s of the shutdown; its events are published "
            + "again by the next relay", STOP_WAIT);
      }
      jdbc.runInNewTransaction(c -> OrderEventRows.releaseLease(c, LEASE, holder));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.debugf("could not release the outbox lease: %s", e);
    } finally {
      if (idle) {
        running.unlock();
      }
    }
  }

  /** A batch read from the outbox, in position order. */
  record Row(UUID id, UUID orderId, int seq, String type, Instant occurredAt, String data) {
  }

  @Scheduled(identity = "order-event-relay", every = "${order.events.relay-every}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    relay();
  }

  /**
   * Publishes what is unpublished while this relay holds the lease; returns how many events it published. Nothing
   * once the instance is stopping, or while another call of this relay runs.
   */
  public int relay() {
    if (stopping || !running.tryLock()) {
      return 0;
    }
    try {
      return relayBatches();
    } finally {
      running.unlock();
    }
  }

  private int relayBatches() {
    int total = 0;
    boolean holdsLease = false;
    try {
      for (int i = 0; i < MAX_BATCHES_PER_RUN && !stopping; i++) {
        Optional<List<Row>> batch = claim();
        if (batch.isEmpty()) {
          break;
        }
        holdsLease = true;
        if (batch.get().isEmpty() || !publish(batch.get())) {
          break;
        }
        markPublished(batch.get());
        total += batch.get().size();
        if (batch.get().size() < config.batchSize()) {
          break;
        }
      }
      purgeIfDue(holdsLease);
      measure();
    } catch (RuntimeException e) {
      warn("the outbox relay could not reach the database: " + e);
    }
    return total;
  }

  /** The next batch when this relay holds (or has just taken) the lease; empty when another relay holds it. */
  Optional<List<Row>> claim() {
    return jdbc.inNewTransaction(c -> OrderEventRows.takeLease(c, LEASE, holder, config.lease())
        ? Optional.of(OrderEventRows.unpublished(c, config.batchSize()))
        : Optional.empty());
  }

  /** Publishes the batch; false (and the rows stay unpublished) when the broker did not confirm it. */
  boolean publish(List<Row> batch) {
    try {
      broker.publish(batch.stream().map(this::message).toList());
      return true;
    } catch (BrokerUnavailable e) {
      warn(e.getMessage() + "; " + batch.size() + " events wait in the outbox");
      return false;
    }
  }

  void markPublished(List<Row> batch) {
    Instant now = clock.instant();
    jdbc.runInNewTransaction(c -> OrderEventRows.markPublished(c, batch.stream().map(Row::id).toList(), now));
  }

  /** The event as a CloudEvent in JSON (structured mode), routed by its type. */
  Message message(Row row) {
    CloudEvent event = CloudEventBuilder.v1()
        .withId(row.id().toString())
        .withSource(SOURCE)
        .withType(row.type())
        .withSubject(row.orderId().toString())
        .withTime(row.occurredAt().atOffset(ZoneOffset.UTC))
        .withDataContentType("application/json")
        // CloudEvents' sequence extension: a string that orders lexicographically, hence the zero padding
        .withExtension("sequence", "%010d".formatted(row.seq()))
        .withData(row.data().getBytes(StandardCharsets.UTF_8))
        .build();
    return new Message(row.id().toString(), row.type(), JsonFormat.CONTENT_TYPE, format.serialize(event));
  }

  /** On the lease holder, at most once a minute: published events past retention, in batches, for up to 5 s. */
  private void purgeIfDue(boolean holdsLease) {
    Instant now = clock.instant();
    if (!holdsLease || Duration.between(lastPurge, now).compareTo(PURGE_EVERY) < 0) {
      return;
    }
    lastPurge = now;
    long budgetEnd = System.nanoTime() + PURGE_BUDGET.toNanos();
    int total = 0;
    int purged;
    do {
      purged = jdbc.inNewTransaction(
          c -> OrderEventRows.purgePublishedBefore(c, now.minus(config.retention()), PURGE_BATCH));
      total += purged;
    } while (purged == PURGE_BATCH && System.nanoTime() < budgetEnd);
    if (total > 0) {
      LOG.debugf("Purged %d published order events older than %s", total, config.retention());
    }
  }

  private void measure() {
    long[] backlog = jdbc.inNewTransaction(OrderEventRows::backlog);
    pending.set(backlog[0]);
    lagMillis.set(backlog[1]);
  }

  private void warn(String message) {
    Instant now = clock.instant();
    if (Duration.between(lastWarning, now).compareTo(WARN_EVERY) >= 0) {
      lastWarning = now;
      LOG.warn(message);
    }
  }
}
