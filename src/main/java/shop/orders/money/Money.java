package shop.orders.money;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.Currency;

/** An amount in integer minor units of an ISO 4217 currency (KRW has none, so 12900 KRW is 12900). */
@RegisterForReflection
public record Money(long amountMinor, String currency) {
  public Money {
    if (currency == null || currency.length() != 3) {
      throw new IllegalArgumentException("currency must be an ISO 4217 code");
    }
  }

  public static boolean isIsoCurrency(String code) {
    if (code == null || !code.matches("[A-Z]{3}")) {
      return false;
    }
    try {
      Currency.getInstance(code);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public Money times(int quantity) {
    return new Money(Math.multiplyExact(amountMinor, quantity), currency);
  }

  public Money plus(Money other) {
    if (!currency.equals(other.currency)) {
      throw new IllegalArgumentException("cannot add " + other.currency + " to " + currency);
    }
    return new Money(Math.addExact(amountMinor, other.amountMinor), currency);
  }
}
