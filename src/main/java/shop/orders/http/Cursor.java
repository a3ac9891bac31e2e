package shop.orders.http;

import shop.orders.problem.ApiException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque keyset-pagination cursors: clients pass them back verbatim and must not parse them. */
public final class Cursor {
  /** Page size when none is asked for, and the largest one may ask for. */
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;
  /** The longest cursor the contract accepts. */
  public static final int MAX_LENGTH = 512;
  private static final java.util.regex.Pattern WHOLE =
      java.util.regex.Pattern.compile("[ \t\r\n]*([1-9][0-9]{0,8})[ \t\r\n]*");
  private static final java.util.regex.Pattern BLANK = java.util.regex.Pattern.compile("[ \t\r\n]*");

  private Cursor() {
  }

  public static String encode(String position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position a cursor stands for; a cursor this service did not issue is a 400 on {@code cursor}: not base64url,
   * not UTF-8, or holding a control character (a NUL byte would reach SQL), or longer than the contract allows.
   * What the position must look like is its caller's to check ({@link #refused()}).
   */
  public static String decode(String cursor) {
    if (cursor.length() > MAX_LENGTH) {
      throw refused();
    }
    try {
      String position = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
      if (position.isEmpty() || position.chars().anyMatch(Character::isISOControl)) {
        throw refused();
      }
      return position;
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw refused();
    }
  }

  /** The answer to a cursor this service did not issue. */
  public static ApiException refused() {
    return ApiException.badRequest("cursor", "not a cursor returned by this API");
  }

  /**
   * The page size asked for (a query parameter taken as text, so "abc" is a 400 and not JAX-RS' 404): 1 to
   * {@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent. Written as the contract's integer is, in ASCII digits
   * without a sign or a leading zero, with at most JSON's whitespace around it: Integer.parseInt also took "+5",
   * "05" and the digits of other scripts ("१" for 1), and strip() any Unicode space ("\u2028 5").
   */
  public static int checkLimit(String limit) {
    return checkLimit(limit, DEFAULT_LIMIT, MAX_LIMIT);
  }

  private static int checkLimit(String limit, int defaultLimit, int maxLimit) {
    if (limit == null || BLANK.matcher(limit).matches()) {
      return defaultLimit;
    }
    var whole = WHOLE.matcher(limit);
    if (whole.matches() && Integer.parseInt(whole.group(1)) <= maxLimit) {
      return Integer.parseInt(whole.group(1));
    }
    throw ApiException.badRequest("limit", "must be a whole number between 1 and " + maxLimit);
  }
}
