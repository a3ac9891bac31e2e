package shop.orders.testing.fuzz;

import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

import java.util.List;

/**
 * The choices a generator makes, each drawn from the property library's source, so it records them and shrinks a
 * failing request by shrinking its choices: every draw shrinks towards its lowest value, so "no", the first of a
 * list and the smallest number are the simple ends (callers order their lists simplest first).
 */
public final class Draw {
  private final RandomnessSource source;

  Draw(RandomnessSource source) {
    this.source = source;
  }

  /** lo..hi inclusive, shrinking to lo. */
  public int between(int lo, int hi) {
    return (int) longBetween(lo, hi);
  }

  public long longBetween(long lo, long hi) {
    return source.next(Constraint.between(lo, hi).withShrinkPoint(lo));
  }

  /** True with the given chance in percent; shrinks to false. */
  public boolean chance(int percent) {
    return between(0, 99) >= 100 - percent;
  }

  /** One of the list, shrinking to the first. */
  public <T> T pick(List<T> choices) {
    return choices.get(between(0, choices.size() - 1));
  }

  @SafeVarargs
  public final <T> T pick(T... choices) {
    return choices[between(0, choices.length - 1)];
  }

  /** A version 4 UUID made of drawn bits (shrinks to 00000000-0000-4000-8000-000000000000). */
  public java.util.UUID uuid() {
    long high = (longBetween(0, Long.MAX_VALUE) & ~0xF000L) | 0x4000L;
    long low = (longBetween(0, Long.MAX_VALUE) & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(high, low);
  }
}
