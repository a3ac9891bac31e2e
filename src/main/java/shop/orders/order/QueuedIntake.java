package shop.orders.order;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import shop.orders.catalog.CatalogProblems;
import shop.orders.catalog.SoldOutMarkers;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.messaging.MessagingConfig;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Queued intake, a prototype measured by bin/bench-flash-sale (docs/benchmarks.md): an order naming one of
 * {@code order.intake.queued-skus} is published to a durable queue (publisher confirm) and answered 202 with the
 * request's URL; deciders consume the queue at the database's pace and place the order through OrderService, as the
 * synchronous path does. A refusal is kept in memory for the poll (a real build would keep it where every replica
 * reads it: one more write per refusal, left out here in the queue's favour).
 */
@ApplicationScoped
public class QueuedIntake {
  private static final Logger LOG = Logger.getLogger(QueuedIntake.class);

  /** What the queue carries: the order as the customer asked for it. */
  public record Queued(String customerId, String idempotencyKey, OrderRequest request) {}

  private final OrderConfig.Intake config;
  private final MessagingConfig messaging;
  private final OrderService orders;
  private final IdempotencyKeys idempotency;
  private final SoldOutMarkers soldOut;
  private final ObjectMapper json;
  private final Set<String> queuedSkus;
  private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> unconfirmed = new ConcurrentSkipListMap<>();
  private final Map<String, ApiException> refused = new ConcurrentHashMap<>();
  private volatile Connection connection;
  private volatile Channel publishing;
  private ExecutorService deciders;

  QueuedIntake(OrderConfig config, MessagingConfig messaging, OrderService orders, IdempotencyKeys idempotency,
               SoldOutMarkers soldOut, ObjectMapper json) {
    this.config = config.intake();
    this.messaging = messaging;
    this.orders = orders;
    this.idempotency = idempotency;
    this.soldOut = soldOut;
    this.json = json;
    this.queuedSkus = this.config.queuedSkus().orElse(Set.of());
  }

  public boolean queues(OrderRequest request) {
    return !queuedSkus.isEmpty() && request.lines().stream().anyMatch(l -> queuedSkus.contains(l.sku()));
  }

  void start(@Observes StartupEvent event) throws Exception {
    if (queuedSkus.isEmpty()) {
      return;
    }
    var factory = new ConnectionFactory();
    factory.setUri(messaging.url());
    factory.setAutomaticRecoveryEnabled(false);
    deciders = Executors.newFixedThreadPool(config.deciders());
    factory.setSharedExecutor(deciders);
    connection = factory.newConnection("order-service-intake");
    Channel ch = connection.createChannel();
    ch.queueDeclare(config.queue(), true, false, false, null);
    ch.confirmSelect();
    ch.addConfirmListener(new ConfirmListener() {
      @Override
      public void handleAck(long seq, boolean multiple) {
        settle(seq, multiple, null);
      }

      @Override
      public void handleNack(long seq, boolean multiple) {
        settle(seq, multiple, new IOException("the broker refused the order request"));
      }
    });
    publishing = ch;
    for (int i = 0; i < config.deciders(); i++) {
      Channel consuming = connection.createChannel();
      consuming.basicQos(1);
      consuming.basicConsume(config.queue(), false, new DefaultConsumer(consuming) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
            throws IOException {
          decide(json.readValue(body, Queued.class));
          getChannel().basicAck(envelope.getDeliveryTag(), false);
        }
      });
    }
    LOG.infof("Queued intake on for %s: queue %s, %d deciders", queuedSkus, config.queue(), config.deciders());
  }

  private void settle(long seq, boolean multiple, Exception failure) {
    var settled = multiple ? unconfirmed.headMap(seq, true) : unconfirmed.subMap(seq, true, seq, true);
    settled.values().forEach(f -> {
      if (failure == null) {
        f.complete(null);
      } else {
        f.completeExceptionally(failure);
      }
    });
    settled.clear();
  }

  /** Publishes the order request; 202 with the request's URL once the broker confirmed it. */
  public Uni<Response> accept(String customerId, String idempotencyKey, OrderRequest request) {
    List<String> soldOutSkus = soldOut.soldOutAmong(request.lines().stream().map(OrderRequest.LineRequest::sku).toList());
    if (!soldOutSkus.isEmpty()) {
      return Uni.createFrom().failure(CatalogProblems.outOfStock(soldOutSkus));
    }
    var confirmed = new CompletableFuture<Void>();
    try {
      byte[] body = json.writeValueAsBytes(new Queued(customerId, idempotencyKey, request));
      Channel ch = publishing;
      synchronized (this) {
        unconfirmed.put(ch.getNextPublishSeqNo(), confirmed);
        ch.basicPublish("", config.queue(), MessageProperties.PERSISTENT_BASIC, body);
      }
    } catch (IOException | RuntimeException e) {
      confirmed.completeExceptionally(e);
    }
    return Uni.createFrom().completionStage(confirmed)
        .ifNoItem().after(messaging.confirmTimeout()).fail()
        .onFailure().transform(e -> new ApiException(Problem.of(503, "queue-unavailable", "Queue unavailable",
            "The order request was not queued; retry with the same key.")))
        .map(ignored -> Response.status(202).location(java.net.URI.create("/api/orders/requests/" + idempotencyKey))
            .entity("{\"status\":\"QUEUED\"}").type("application/json").build());
  }

  /** One queued order, decided as the synchronous path decides it (sold-out SKUs refused without a transaction). */
  private void decide(Queued q) {
    Set<String> skus = q.request().lines().stream().map(OrderRequest.LineRequest::sku).collect(Collectors.toSet());
    try {
      List<String> soldOutSkus = soldOut.soldOutAmong(skus);
      if (!soldOutSkus.isEmpty()) {
        throw CatalogProblems.outOfStock(soldOutSkus);
      }
      orders.place(q.customerId(), q.idempotencyKey(), q.request());
    } catch (ApiException e) {
      refused.put(q.customerId() + '\n' + q.idempotencyKey(), e);
    }
  }

  /** The decision on a queued request: the stored order response, the refusal, or empty while it waits. */
  public Optional<Response> decision(String customerId, String idempotencyKey, jakarta.ws.rs.core.UriBuilder base) {
    ApiException refusal = refused.get(customerId + '\n' + idempotencyKey);
    if (refusal != null) {
      return Optional.of(refusal.toResponse());
    }
    return idempotency.completed(customerId, idempotencyKey).map(stored -> stored.toHttp(base, false));
  }

  void stop(@Observes ShutdownEvent event) throws Exception {
    if (connection != null) {
      connection.abort(1000);
      deciders.shutdown();
      deciders.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
