package shop.orders.order;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import static shop.orders.catalog.Sku.MESSAGE;
import static shop.orders.catalog.Sku.PATTERN;

/** The body of {@code POST /api/orders}. */
@Schema(name = "OrderRequest")
public record OrderRequest(
    @NotNull @Size(min = 1, max = 50, message = "must have 1 to 50 lines") List<@NotNull @Valid LineRequest> lines) {

  @Schema(name = "OrderLineRequest")
  public record LineRequest(
      @NotBlank @Pattern(regexp = PATTERN, message = MESSAGE) @Schema(maxLength = 64) String sku,
      @NotNull @Min(value = 1, message = "must be between 1 and 100")
      @Max(value = 100, message = "must be between 1 and 100") @Schema(format = "int32") Integer quantity) {}

  /** The same order written another way (line order, spacing) has the same canonical form. */
  String canonical() {
    return lines.stream()
        .sorted(Comparator.comparing(LineRequest::sku))
        .map(l -> l.sku() + "=" + l.quantity())
        .collect(Collectors.joining(";"));
  }
}
