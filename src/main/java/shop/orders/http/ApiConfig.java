package shop.orders.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

/** Limits of the public API (http.BodySizeLimit). */
@ConfigMapping(prefix = "api")
public interface ApiConfig {
  /** Largest request body in bytes; larger ones get 413 before anything is parsed. */
  @WithDefault("65536")
  @Positive
  int maxBodyBytes();
}
