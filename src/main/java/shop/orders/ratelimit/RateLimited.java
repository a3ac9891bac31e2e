package shop.orders.ratelimit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Limits how often one customer may call this endpoint; the bucket's limit is {@code rate-limit.<bucket>}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {
  String ORDERS = "orders";
  String PAYMENTS = "payments";

  String value();
}
