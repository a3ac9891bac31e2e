package shop.orders.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * bin/upgrade-drill's own queue on the instances' exchange: {@code DrillQueue declare <amqp-url> <exchange> <queue>}
 * declares the exchange as the service does (a durable topic) and a queue bound to every routing key, before any
 * event is published; {@code DrillQueue delete ...} removes both after the drill. UpgradeDrillReport reads the queue
 * with {@link #drain}.
 */
final class DrillQueue {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bounds a drain: far above any drill's events. */
  private static final int MAX_MESSAGES = 2_000_000;

  private DrillQueue() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4 || !List.of("declare", "delete").contains(args[0])) {
      System.err.println("usage: DrillQueue declare|delete <amqp-url> <exchange> <queue>");
      System.exit(2);
    }
    try (Connection connection = connect(args[1]); var channel = connection.createChannel()) {
      if (args[0].equals("declare")) {
        channel.exchangeDeclare(args[2], BuiltinExchangeType.TOPIC, true);
        channel.queueDeclare(args[3], true, false, false, null);
        channel.queueBind(args[3], args[2], "#");
      } else {
        channel.queueDelete(args[3]);
        channel.exchangeDelete(args[2]);
      }
    }
  }

  static Connection connect(String url) throws Exception {
    var factory = new ConnectionFactory();
    factory.setUri(url);
    factory.setConnectionTimeout(5000);
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("upgrade-drill");
  }

  /** Takes every message waiting in the queue, in order, as the events they carry (CloudEvents in JSON). */
  static List<DrillAudit.Received> drain(String url, String queue) throws Exception {
    var received = new ArrayList<DrillAudit.Received>();
    try (Connection connection = connect(url); var channel = connection.createChannel()) {
      for (int i = 0; i < MAX_MESSAGES; i++) {
        GetResponse message = channel.basicGet(queue, true);
        if (message == null) {
          break;
        }
        received.add(event(message.getBody(), message.getProps().getAppId()));
      }
    }
    return received;
  }

  /**
   * A CloudEvent of the outbox relay: id, subject (the order) and the sequence extension; {@code appId}, the AMQP
   * app_id it came with (null from releases that did not set it).
   */
  static DrillAudit.Received event(byte[] body, String appId) throws IOException {
    JsonNode event = JSON.readTree(body);
    return new DrillAudit.Received(event.path("id").asText(), event.path("subject").asText(),
        Integer.parseInt(event.path("sequence").asText("0").replaceFirst("^0+(?=.)", "")), appId);
  }
}
