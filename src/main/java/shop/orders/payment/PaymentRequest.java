package shop.orders.payment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/orders/{id}/payment}: the storefront's token for the customer's payment method. */
public record PaymentRequest(@NotBlank @Size(max = 512) String methodToken) {
}
