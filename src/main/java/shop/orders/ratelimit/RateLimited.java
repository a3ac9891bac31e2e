package shop.orders.ratelimit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The bucket an endpoint is limited by besides {@link #API}, which counts every call of every client
 * ({@code rate-limit.<bucket>-requests} per {@code rate-limit.<bucket>-per}). {@link #ORDERS} and {@link #PAYMENTS}
 * are counted per customer across instances (Redis); {@link #WEBHOOKS} replaces {@link #API} for the gateway's calls.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {
  /** Every call, per customer (or per address without a token), counted by each instance. */
  String API = "api";
  String ORDERS = "orders";
  String PAYMENTS = "payments";
  /** The payment gateway's deliveries, per sending address, counted by each instance. */
  String WEBHOOKS = "webhooks";

  String value();
}
