package shop.orders.http;

import shop.orders.problem.ApiException;

import java.util.UUID;

/** Ids taken from request paths. */
public final class Ids {
  private Ids() {
  }

  /**
   * The UUID in a path; a malformed one is just something that does not exist (404), so ids never leak. The answer
   * does not repeat it: it may hold anything a path can (a NUL, control characters, kilobytes).
   */
  public static UUID orNotFound(String id, String what) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound(what);
    }
  }
}
