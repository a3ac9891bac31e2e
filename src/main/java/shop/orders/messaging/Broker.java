package shop.orders.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Publishes to RabbitMQ with publisher confirms (the RabbitMQ Java client). One connection and one confirm-mode
 * channel, opened on first use and again after any failure; the topic exchange is declared durable on opening.
 * Calls are serialised (one relay publishes at a time per instance). Nothing here retries: the caller keeps what was
 * not confirmed and tries again later.
 */
@ApplicationScoped
public class Broker {
  private static final Logger LOG = Logger.getLogger(Broker.class);

  private final MessagingConfig config;
  private Connection connection;
  private Channel channel;

  Broker(MessagingConfig config) {
    this.config = config;
  }

  /** Publishes {@code messages} persistent and mandatory-free; returns once the broker confirmed every one. */
  public synchronized void publish(List<Message> messages) throws BrokerUnavailable {
    if (messages.isEmpty()) {
      return;
    }
    try {
      Channel ch = channel();
      for (Message m : messages) {
        var properties = new AMQP.BasicProperties.Builder()
            .messageId(m.id()).contentType(m.contentType()).deliveryMode(2).build();
        ch.basicPublish(config.exchange(), m.routingKey(), properties, m.body());
      }
      ch.waitForConfirmsOrDie(config.confirmTimeout().toMillis());
    } catch (IOException | TimeoutException | RuntimeException e) {
      close();
      throw new BrokerUnavailable("the broker did not confirm " + messages.size() + " messages: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new BrokerUnavailable("interrupted while waiting for the broker's confirms", e);
    }
  }

  private Channel channel() throws IOException, TimeoutException {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    close();
    var factory = new ConnectionFactory();
    try {
      factory.setUri(config.url());
    } catch (Exception e) {
      throw new IllegalStateException("messaging.url is not an AMQP URI", e);
    }
    factory.setConnectionTimeout((int) config.connectTimeout().toMillis());
    factory.setAutomaticRecoveryEnabled(false);
    connection = factory.newConnection("order-service");
    channel = connection.createChannel();
    channel.confirmSelect();
    channel.exchangeDeclare(config.exchange(), BuiltinExchangeType.TOPIC, true);
    LOG.infof("Connected to the broker; publishing to exchange %s", config.exchange());
    return channel;
  }

  private void close() {
    try {
      if (connection != null && connection.isOpen()) {
        connection.abort(1000);
      }
    } catch (RuntimeException e) {
      LOG.debugf("closing the broker connection: %s", e);
    }
    connection = null;
    channel = null;
  }

  synchronized void onStop(@Observes ShutdownEvent event) {
    close();
  }
}
