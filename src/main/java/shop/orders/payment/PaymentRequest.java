package shop.orders.payment;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/orders/{id}/payment}: the storefront's token for the customer's payment method, in
 * visible ASCII as the contract says (a line break or a letter beyond ASCII is a 400, never sent to the gateway).
 */
@Schema(name = "PaymentRequest")
public record PaymentRequest(@NotBlank @Size(max = 512)
    @Pattern(regexp = "[!-~]*", message = "must be 1 to 512 visible ASCII characters")
    @Schema(pattern = "^[!-~]{1,512}$", description = "The storefront's token for the customer's payment method")
    String methodToken) {
}
