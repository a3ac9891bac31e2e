package shop.orders.http;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.function.Function;

/** One page of a keyset-paginated list; {@code nextCursor} is absent on the last page. */
@RegisterForReflection
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Page<T>(List<T> items, String nextCursor) {

  /** Builds a page from {@code limit + 1} fetched rows: the extra row only tells that another page exists. */
  public static <E, T> Page<T> of(List<E> rows, int limit, Function<E, T> view, Function<E, String> position) {
    boolean more = rows.size() > limit;
    var shown = more ? rows.subList(0, limit) : rows;
    String next = more ? Cursor.encode(position.apply(shown.getLast())) : null;
    return new Page<>(shown.stream().map(view).toList(), next);
  }
}
