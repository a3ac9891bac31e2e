package shop.orders.catalog;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** The body of {@code POST /api/products/{sku}/stock-adjustments}: units to add (negative: to remove). */
@Schema(name = "StockAdjustment")
public record StockAdjustment(@NotNull @Min(-1_000_000_000) @Max(1_000_000_000) @Schema(format = "int32") Integer delta) {}
