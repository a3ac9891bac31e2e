package shop.orders.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes to RabbitMQ with publisher confirms (the RabbitMQ Java client). One connection and one confirm-mode
 * channel, opened on first use and again after any failure; the topic exchange is declared durable on opening.
 * Publishing is serialised (one relay publishes at a time per instance) and bounded: every broker call has a timeout,
 * a broker that blocks its publishers (a memory or disk alarm) fails the batch at once, and a batch still running at
 * its deadline has its connection aborted from another thread, which also ends a write stuck on the socket. Nothing
 * here retries: the caller keeps what was not confirmed and tries again later.
 */
@ApplicationScoped
public class Broker {
  private static final Logger LOG = Logger.getLogger(Broker.class);

  /**
   * AMQP's app_id of every message: the publishing application. Releases that publish it also drain their relay on
   * shutdown (order.OrderEventRelay), so a consumer or a drill can tell a repeat they cause from an earlier
   * release's.
   */
  static final String APP_ID = "order-service";

  private final MessagingConfig config;
  private volatile Connection connection;
  private volatile Channel channel;
  private volatile boolean blocked;

  Broker(MessagingConfig config) {
    this.config = config;
  }

  /** Publishes {@code messages} persistent; returns once the broker confirmed every one, within the deadline. */
  public synchronized void publish(List<Message> messages) throws BrokerUnavailable {
    if (messages.isEmpty()) {
      return;
    }
    long deadlineMillis = config.connectTimeout().toMillis() + config.confirmTimeout().toMillis();
    var watchdog = CompletableFuture.runAsync(() -> {
      LOG.warnf("Publishing %d messages took over %d ms; aborting the broker connection", messages.size(),
          deadlineMillis);
      close();
    }, CompletableFuture.delayedExecutor(deadlineMillis, TimeUnit.MILLISECONDS));
    try {
      Channel ch = channel();
      if (blocked) {
        throw new IOException("the broker blocks publishers (a memory or disk alarm)");
      }
      for (Message m : messages) {
        var properties = new AMQP.BasicProperties.Builder()
            .messageId(m.id()).appId(APP_ID).contentType(m.contentType()).deliveryMode(2).build();
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
    } finally {
      watchdog.cancel(false);
    }
  }

  private Channel channel() throws IOException, TimeoutException {
    Channel open = channel;
    if (open != null && open.isOpen()) {
      return open;
    }
    close();
    var factory = new ConnectionFactory();
    try {
      factory.setUri(config.url());
    } catch (Exception e) {
      throw new IllegalStateException("messaging.url is not an AMQP URI", e);
    }
    int timeout = (int) config.connectTimeout().toMillis();
    factory.setConnectionTimeout(timeout);
    factory.setHandshakeTimeout(timeout);
    factory.setChannelRpcTimeout((int) config.confirmTimeout().toMillis());
    factory.setShutdownTimeout(timeout);
    factory.setAutomaticRecoveryEnabled(false);
    Connection opened = factory.newConnection("order-service");
    blocked = false;
    opened.addBlockedListener(new BlockedListener() {
      @Override
      public void handleBlocked(String reason) {
        blocked = true;
        LOG.warnf("The broker blocks publishers: %s", reason);
      }

      @Override
      public void handleUnblocked() {
        blocked = false;
      }
    });
    connection = opened;
    Channel created = opened.createChannel();
    created.confirmSelect();
    created.exchangeDeclare(config.exchange(), BuiltinExchangeType.TOPIC, true);
    channel = created;
    LOG.infof("Connected to the broker; publishing to exchange %s", config.exchange());
    return created;
  }

  private void close() {
    Connection open = connection;
    connection = null;
    channel = null;
    try {
      if (open != null && open.isOpen()) {
        open.abort(1000);
      }
    } catch (RuntimeException e) {
      LOG.debugf("closing the broker connection: %s", e);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    close();
  }
}
