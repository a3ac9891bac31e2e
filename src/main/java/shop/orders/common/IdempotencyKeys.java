package shop.orders.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

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
  public record StoredResponse(int status, String body, String location) {}

  @Inject
  EntityManager em;

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
    Boolean locked = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(hashtextextended(:k, 0))")
        .setParameter("k", customerId + '\n' + key)
        .getSingleResult();
    if (!Boolean.TRUE.equals(locked)) {
      throw inFlight();
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = em.createNativeQuery("""
            select fingerprint, response_status, response_body, location
            from idempotency_key where customer_id = :c and idem_key = :k""")
        .setParameter("c", customerId)
        .setParameter("k", key)
        .getResultList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Object[] row = rows.getFirst();
    if (!fingerprint.equals(row[0])) {
      throw new ApiException(Problem.of(422, "idempotency-key-reused", "Idempotency key reused",
          "This Idempotency-Key was already used for a different request; use a new key for a new request."));
    }
    return Optional.of(new StoredResponse(((Number) row[1]).intValue(), (String) row[2], (String) row[3]));
  }

  /** Stores the response of a claimed key; it commits or rolls back with the request's effect. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void record(String customerId, String key, String fingerprint, StoredResponse response) {
    em.createNativeQuery("""
            insert into idempotency_key (customer_id, idem_key, fingerprint, response_status, response_body, location)
            values (:c, :k, :f, :s, :b, :l)""")
        .setParameter("c", customerId)
        .setParameter("k", key)
        .setParameter("f", fingerprint)
        .setParameter("s", response.status())
        .setParameter("b", response.body())
        .setParameter("l", response.location())
        .executeUpdate();
  }

  static ApiException inFlight() {
    return new ApiException(Problem.of(409, "idempotency-key-in-flight", "Request in progress",
        "A request with this Idempotency-Key is still being processed; retry with the same key shortly."),
        java.time.Duration.ofSeconds(1));
  }
}
