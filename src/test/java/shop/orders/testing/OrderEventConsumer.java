package shop.orders.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The example consumer of docs/orders.md, "Order events": delivery is at least once, so it keeps the ids it has seen
 * and drops a repeat; each order's events carry a sequence from 1, so it notes the numbers a later event skipped
 * (missing until they come: a gap) and takes one of them when it comes, and drops anything else not newer than the
 * last (a redelivery). Its own exclusive queue, bound to
 * every order event of the topic exchange.
 */
public final class OrderEventConsumer implements AutoCloseable {
  /** An event taken: once per id, in its order's sequence. */
  public record Event(String id, String orderId, long sequence, String type, String source, String status) {
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Connection connection;
  private final List<Event> taken = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private final Map<String, Long> lastSequence = new HashMap<>();
  private final Map<String, Set<Long>> missing = new HashMap<>();
  private int deliveries;
  private int duplicates;
  private int older;

  public OrderEventConsumer(String exchange) throws IOException, TimeoutException {
    var factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    factory.setUsername("guest");
    factory.setPassword("guest");
    connection = factory.newConnection("order-event-consumer-test");
    Channel channel = connection.createChannel();
    channel.exchangeDeclare(exchange, "topic", true);
    String queue = channel.queueDeclare().getQueue();
    channel.queueBind(queue, exchange, "shop.order.#");
    DeliverCallback onDelivery = (tag, delivery) -> receive(delivery.getBody());
    channel.basicConsume(queue, true, onDelivery, tag -> { });
  }

  private synchronized void receive(byte[] body) throws IOException {
    deliveries++;
    JsonNode event = JSON.readTree(body);
    String id = event.path("id").asText();
    if (!seen.add(id)) {
      duplicates++;
      return;
    }
    String orderId = event.path("subject").asText();
    long sequence = Long.parseLong(event.path("sequence").asText());
    long last = lastSequence.getOrDefault(orderId, 0L);
    Set<Long> missing = this.missing.computeIfAbsent(orderId, o -> new HashSet<>());
    if (sequence <= last && !missing.remove(sequence)) {
      older++;
      return;
    }
    for (long skipped = last + 1; skipped < sequence; skipped++) {
      missing.add(skipped);
    }
    lastSequence.put(orderId, Math.max(last, sequence));
    taken.add(new Event(id, orderId, sequence, event.path("type").asText(), event.path("source").asText(),
        event.path("data").path("status").asText()));
    notifyAll();
  }

  /** Events of these orders not (yet) received though a later one of the same order was. */
  public synchronized int gapsAmong(Set<String> orderIds) {
    return orderIds.stream().mapToInt(o -> missing.getOrDefault(o, Set.of()).size()).sum();
  }

  /** The events taken for which {@code test} holds, once {@code count} of them have arrived (or the time is up). */
  public synchronized List<Event> await(Predicate<Event> test, int count, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (taken.stream().filter(test).count() < count && System.nanoTime() < end) {
      wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
    }
    return taken.stream().filter(test).toList();
  }

  public synchronized int deliveries() {
    return deliveries;
  }

  public synchronized int duplicates() {
    return duplicates;
  }

  public synchronized int older() {
    return older;
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
