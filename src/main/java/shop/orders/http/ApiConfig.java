package shop.orders.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** Limits of the public API (http.BodySizeLimit, http.BodyDeadline). */
@ConfigMapping(prefix = "api")
public interface ApiConfig {
  /** Largest request body in bytes; larger ones get 413 before anything is parsed. */
  @WithDefault("65536")
  @Positive
  int maxBodyBytes();

  /**
   * How long a request body may take to arrive after its headers; past it the request is answered 408 and its
   * connection closed, so a stalled body cannot hold a place at the door. An order's body is a few hundred bytes:
   * 5 s is many round trips on the slowest mobile link.
   */
  @WithDefault("PT5S")
  Duration bodyTimeout();
}
