package shop.orders.db;

import jakarta.persistence.AttributeConverter;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.time.Duration;

/**
 * An enum column read tolerantly: a value this release does not know (a status written by a newer release, read
 * during a rolling upgrade or after a rollback) is not a 500 but {@link NewerValue}, which answers 503
 * {@code written-by-newer-release} with Retry-After (another instance, of the newer release, may answer; the row
 * is left as it is, never rewritten with a value this release made up). What keeps it from happening at all is the
 * schema-change rule (docs/schema-changes.md): a release may write a new value only once the release before it
 * reads it.
 */
public abstract class StoredEnumConverter<E extends Enum<E>> implements AttributeConverter<E, String> {
  private final Class<E> type;
  private final String column;

  protected StoredEnumConverter(Class<E> type, String column) {
    this.type = type;
    this.column = column;
  }

  @Override
  public String convertToDatabaseColumn(E value) {
    return value == null ? null : value.name();
  }

  @Override
  public E convertToEntityAttribute(String stored) {
    if (stored == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, stored);
    } catch (IllegalArgumentException unknown) {
      throw new NewerValue(column, stored);
    }
  }

  /** A stored value this release does not know: written by a newer one. */
  public static final class NewerValue extends ApiException {
    private final String column;
    private final String value;

    NewerValue(String column, String value) {
      super(Problem.of(503, "written-by-newer-release", "Written by a newer release",
          "This resource was changed by a newer release of the service than the one that answered; nothing was "
              + "changed. Retry shortly."), Duration.ofSeconds(5));
      this.column = column;
      this.value = value;
    }

    /** Where and what, for the log: the column and the value not known here. */
    public String describe() {
      return column + " = '" + value + "'";
    }

    /** The unknown value among {@code failure}'s causes (persistence layers wrap it), or null. */
    public static NewerValue find(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof NewerValue newer) {
          return newer;
        }
      }
      return null;
    }
  }
}
