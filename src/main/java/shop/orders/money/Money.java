package shop.orders.money;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.Currency;

/** An amount in integer minor units of an ISO 4217 currency (KRW has none, so 12900 KRW is 12900). */
@RegisterForReflection
@Schema(name = "Money", description = "An amount in integer minor units of an ISO 4217 currency (KRW has none: 29000 "
    + "is 29,000 won)", requiredProperties = {"amountMinor", "currency"})
public record Money(@Schema(format = "int64", minimum = "0", maximum = "5000000000000000")
                    long amountMinor,
                    @Schema(maxLength = 3, pattern = "^[A-Z]{3}$") String currency) {
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
