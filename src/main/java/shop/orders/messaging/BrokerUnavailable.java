package shop.orders.messaging;

/** The broker did not take or did not confirm a batch: none of it counts as published. */
public class BrokerUnavailable extends Exception {
  public BrokerUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
