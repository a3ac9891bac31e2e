package shop.orders.idempotency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import shop.orders.db.Jdbc;
import shop.orders.db.RoundTrip;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Durable idempotency keys, scoped per customer. The request's own transaction claims the key (a transaction-level
 * advisory lock, so a second request with the same key while the first runs is told 409 at once instead of waiting),
 * replays the stored response when the key was used before, and records the response in the same commit as the
 * effect: a response is stored exactly when its effect happened.
 */
@ApplicationScoped
public class IdempotencyKeys {
  public static final String HEADER = "Idempotency-Key";
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";
  private static final int MAX_KEY_LENGTH = 255;

  /** A response given before for this customer and key. */
  public record StoredResponse(int status, String body, String location) {
    /** The HTTP response, first given or replayed ({@code Idempotent-Replayed: true}); Location against {@code base}. */
    public jakarta.ws.rs.core.Response toHttp(jakarta.ws.rs.core.UriBuilder base, boolean replayed) {
      var builder = jakarta.ws.rs.core.Response.status(status).entity(body)
          .type(status >= 400 ? Problem.MEDIA_TYPE : jakarta.ws.rs.core.MediaType.APPLICATION_JSON);
      if (location != null) {
        builder.location(base.path(location).build());
      }
      if (replayed) {
        builder.header(REPLAYED_HEADER, "true");
      }
      return builder.build();
    }
  }

  private final Jdbc jdbc;

  IdempotencyKeys(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** The header's value, or a 400 naming the header when it is missing or unusable. */
  public static String requireValid(String key) {
    if (key == null || key.isBlank()) {
      throw ApiException.badRequest(HEADER, "is required on this request; send a fresh unique value per intent");
    }
    if (key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw ApiException.badRequest(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters");
    }
    return key;
  }

  /** SHA-256 of what identifies the request: the operation and its canonical body. */
  public static String fingerprint(String operation, String canonicalBody) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      digest.update(operation.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      return HexFormat.of().formatHex(digest.digest(canonicalBody.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Claims the key for the current transaction. Empty: first use, go ahead and {@link #record} the response.
   * Present: the stored response to send again. Throws 409 while another request holds the key and 422 when the
   * key was used for a different request.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<StoredResponse> claim(String customerId, String key, String fingerprint) {
    return jdbc.inTransaction(c -> RoundTrip.run(c, claimPart(customerId, key, fingerprint)));
  }

  /**
   * {@link #claim} as a part of the caller's round trip (db.RoundTrip): reading its outcome gives what claim returns,
   * or throws what claim throws.
   */
  public RoundTrip.Part<Optional<StoredResponse>> claimPart(String customerId, String key, String fingerprint) {
    return IdempotencyRows.lockAndFindPart(customerId, key).map(claim -> decide(claim, fingerprint));
  }

  private static Optional<StoredResponse> decide(IdempotencyRows.Claim claim, String fingerprint) {
    if (!claim.locked()) {
      throw inFlight();
    }
    Optional<IdempotencyRows.Stored> earlier = claim.stored();
    if (earlier.isPresent() && !fingerprint.equals(earlier.get().fingerprint())) {
      throw reused();
    }
    if (earlier.isPresent() && !earlier.get().completed()) {
      throw inFlight();
    }
    return earlier.map(IdempotencyRows.Stored::response);
  }

  /**
   * The final response stored for this customer's key, for a retry that cannot show its request again (its body is
   * gone, so the fingerprint cannot be compared): empty when the key is new; 409 while its request is in flight; 422
   * {@code idempotency-key-reused} when the stored response is not one this operation gives
   * ({@code sameOperation}), as for any key reused with another request.
   */
  @Transactional
  public Optional<StoredResponse> completed(String customerId, String key, Predicate<StoredResponse> sameOperation) {
    Optional<IdempotencyRows.Stored> stored = jdbc.inTransaction(c -> IdempotencyRows.find(c, customerId, key));
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    if (!stored.get().completed()) {
      throw inFlight();
    }
    if (!sameOperation.test(stored.get().response())) {
      throw reused();
    }
    return Optional.of(stored.get().response());
  }

  /** Stores the response of a claimed key; it commits or rolls back with the request's effect. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void record(String customerId, String key, String fingerprint, StoredResponse response) {
    insert(customerId, key, fingerprint, response, true);
  }

  /** {@link #record} as a part of the caller's round trip (db.RoundTrip). */
  public RoundTrip.Part<?> recordPart(String customerId, String key, String fingerprint, StoredResponse response) {
    return IdempotencyRows.insertPart(customerId, key, fingerprint, response, true);
  }

  /**
   * Holds a claimed key for work that continues after this transaction (a gateway call): until
   * {@link #complete} stores the final response, a request with the same key is told 409.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void hold(String customerId, String key, String fingerprint, StoredResponse provisional) {
    insert(customerId, key, fingerprint, provisional, false);
  }

  /** Stores the final response of a held key. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void complete(String customerId, String key, StoredResponse response) {
    jdbc.inTransaction(c -> IdempotencyRows.complete(c, customerId, key, response));
  }

  /** Drops a held key whose work never happened, so the client may retry with it. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void forget(String customerId, String key) {
    jdbc.inTransaction(c -> IdempotencyRows.delete(c, customerId, key));
  }

  private void insert(String customerId, String key, String fingerprint, StoredResponse response, boolean completed) {
    jdbc.inTransaction(c -> RoundTrip.run(c,
        IdempotencyRows.insertPart(customerId, key, fingerprint, response, completed)));
  }

  static ApiException reused() {
    return new ApiException(Problem.of(422, "idempotency-key-reused", "Idempotency key reused",
        "This Idempotency-Key was already used for a different request; use a new key for a new request."));
  }

  static ApiException inFlight() {
    return new ApiException(Problem.of(409, "idempotency-key-in-flight", "Request in progress",
        "A request with this Idempotency-Key is still being processed; retry with the same key shortly."),
        java.time.Duration.ofSeconds(1));
  }
}
