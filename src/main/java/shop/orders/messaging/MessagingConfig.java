package shop.orders.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The broker the service publishes to (messaging.*). */
@ConfigMapping(prefix = "messaging")
public interface MessagingConfig {
  /** amqp://user:password@host:port/vhost; credentials come from the environment (RABBITMQ_URL). */
  String url();

  /** The durable topic exchange events are published to; the routing key is the event's type. */
  @WithDefault("shop.orders")
  String exchange();

  /** How long a batch may wait for the broker's confirms before it counts as not published. */
  @WithDefault("5s")
  Duration confirmTimeout();

  /** How long opening a connection may take. */
  @WithDefault("2s")
  Duration connectTimeout();
}
