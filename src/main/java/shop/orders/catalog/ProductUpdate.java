package shop.orders.catalog;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
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
 * {@code catalog.purchase-limit.event-default}, others none). A name holds no control character: it is shown
 * to buyers and written to logs, and PostgreSQL stores no NUL.
 */
@Schema(name = "ProductUpdate")
public record ProductUpdate(
    @NotBlank @Size(max = 200) @Pattern(regexp = "[^\\u0000-\\u001f]*", message = "must not hold control characters")
    @Schema(pattern = "^[^\\u0000-\\u001f]{1,200}$") String name,
    @NotNull @Valid Price price,
    @NotNull @PositiveOrZero @Max(1_000_000_000) @Schema(format = "int32") Integer available,
    Boolean event,
    @Positive @Max(1_000_000) @Schema(format = "int32") Integer maxPerCustomer) {

  @Schema(name = "Price")
  public record Price(
      @NotNull @PositiveOrZero @Max(1_000_000_000_000L) @Schema(format = "int64") Long amountMinor,
      @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as KRW") @Schema(maxLength = 3)
      String currency) {}
}
