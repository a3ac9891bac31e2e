package shop.orders.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** Tokens already verified (security.VerifiedTokens). */
@ConfigMapping(prefix = "security.token-cache")
public interface TokenCacheConfig {
  /** Off: every request verifies its token's signature and claims again. */
  @WithDefault("true")
  boolean enabled();

  /** Tokens kept at most (the least recently used go first); a token takes about 2 KiB with its identity. */
  @WithDefault("50000")
  @Positive
  int maxSize();

  /**
   * How long a verified token is trusted without verifying it again, if it expires later than that: the bound on
   * how long a token verified under a key since removed from the key set goes on being accepted.
   */
  @WithDefault("PT5M")
  Duration maxAge();
}
