package shop.orders.http;

import shop.orders.problem.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque keyset-pagination cursors: clients pass them back verbatim and must not parse them. */
public final class Cursor {
  /** Page size when none is asked for, and the largest one may ask for. */
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;
  /** The longest cursor the contract accepts. */
  public static final int MAX_LENGTH = 512;

  private Cursor() {
  }

  public static String encode(String position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
  }

  /** The position a cursor stands for; a cursor this service did not issue is a 400 on {@code cursor}. */
  public static String decode(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("cursor", "not a cursor returned by this API");
    }
  }

  /**
   * The page size asked for (a query parameter taken as text, so "abc" is a 400 and not JAX-RS' 404): 1 to
   * {@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent.
   */
  public static int checkLimit(String limit) {
    return checkLimit(limit, DEFAULT_LIMIT, MAX_LIMIT);
  }

  private static int checkLimit(String limit, int defaultLimit, int maxLimit) {
    if (limit == null || limit.isBlank()) {
      return defaultLimit;
    }
    try {
      int value = Integer.parseInt(limit.strip());
      if (value >= 1 && value <= maxLimit) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest("limit", "must be a whole number between 1 and " + maxLimit);
  }
}
