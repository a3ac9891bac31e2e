package shop.orders.catalog;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code PUT /api/products/{sku}}: the whole product (created when the SKU is new). {@code
 * maxPerCustomer}: units one customer may hold in live orders; absent: the default rule (event products
 * {@code catalog.purchase-limit.event-default}, others none).
 */
public record ProductUpdate(
    @NotBlank @Size(max = 200) String name,
    @NotNull @Valid Price price,
    @NotNull @PositiveOrZero @Max(1_000_000_000) Integer available,
    Boolean event,
    @Positive @Max(1_000_000) Integer maxPerCustomer) {

  public record Price(
      @NotNull @PositiveOrZero @Max(1_000_000_000_000L) Long amountMinor,
      @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as KRW") String currency) {}
}
