package shop.orders.payment;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/orders/{id}/payment}: the storefront's token for the customer's payment method. */
@Schema(name = "PaymentRequest")
public record PaymentRequest(@NotBlank @Size(max = 512) @Schema(pattern = "^[!-~]{1,512}$",
    description = "The storefront's token for the customer's payment method") String methodToken) {
}
