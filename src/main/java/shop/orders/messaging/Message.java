package shop.orders.messaging;

/** One message: its id (the broker's message-id, for consumers' deduplication), routing key, content type, body. */
public record Message(String id, String routingKey, String contentType, byte[] body) {
}
