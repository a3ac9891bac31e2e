package shop.orders.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import shop.orders.money.Money;
import shop.orders.problem.ApiException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Money and cursors alone, no Quarkus boot. */
class MoneyAndCursorTests {
  private static String problemField(Runnable action) {
    try {
      action.run();
    } catch (ApiException e) {
      assertThat(e.problem().type()).endsWith("/invalid-request");
      return e.problem().errors().getFirst().field();
    }
    throw new AssertionError("no problem raised");
  }

  @Test
  void moneyAddsAndMultipliesInOneCurrencyWithoutOverflowing() {
    assertThat(new Money(1_500, "KRW").times(3).plus(new Money(500, "KRW"))).isEqualTo(new Money(5_000, "KRW"));
    assertThatThrownBy(() -> new Money(1, "KRW").plus(new Money(1, "USD"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Money(Long.MAX_VALUE, "KRW").times(2)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> new Money(1, "KR")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"KRW", "USD", "EUR", "JPY"})
  void isoCurrenciesAreRecognised(String code) {
    assertThat(Money.isIsoCurrency(code)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"krw", "XYZ1", "ABC", "", "KR"})
  void otherCodesAreNot(String code) {
    assertThat(Money.isIsoCurrency(code)).isFalse();
  }

  @Test
  void aCursorGivesBackItsPositionAndAForeignOneIsA400OnCursor() {
    assertThat(Cursor.decode(Cursor.encode("2026-11-27T10:00:00Z_0b6f"))).isEqualTo("2026-11-27T10:00:00Z_0b6f");
    assertThat(problemField(() -> Cursor.decode("not base64 !"))).isEqualTo("cursor");
  }

  @ParameterizedTest
  @ValueSource(strings = {"AA", "AAAA", "_w", "gA", "", "YQ" + "A"})
  void aCursorThatIsNotTextThisApiWritesIsA400(String cursor) {
    // "AA" is a NUL byte, "_w" and "gA" are not UTF-8, "" is nothing, "YQA" is "a" and a NUL
    assertThat(problemField(() -> Cursor.decode(cursor))).isEqualTo("cursor");
  }

  @Test
  void anOverlongCursorIsA400() {
    assertThat(problemField(() -> Cursor.decode("A".repeat(Cursor.MAX_LENGTH + 1)))).isEqualTo("cursor");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "101", "-1", "abc", "1.5", "+5", "05", "१", "٣", "1e1", "0x10", "99999999999", "\u20285",
      "\u00a05", "\u2028"})
  void aLimitOutside1To100IsA400OnLimit(String limit) {
    assertThat(problemField(() -> Cursor.checkLimit(limit))).isEqualTo("limit");
  }

  @Test
  void aMissingLimitIsTheDefaultAndSpacesAreIgnored() {
    assertThat(Cursor.checkLimit(null)).isEqualTo(20);
    assertThat(Cursor.checkLimit(" ")).isEqualTo(20);
    assertThat(Cursor.checkLimit(" 100 ")).isEqualTo(100);
  }
}
