package shop.orders.cart;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** The body of {@code PUT /api/cart/items/{sku}}: the quantity wanted, replacing any earlier one. */
@Schema(name = "CartItemUpdate")
public record CartItemUpdate(
    @NotNull @Min(value = 1, message = "must be between 1 and 100")
    @Max(value = 100, message = "must be between 1 and 100") @Schema(format = "int32") Integer quantity) {}
