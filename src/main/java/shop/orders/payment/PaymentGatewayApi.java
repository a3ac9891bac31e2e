package shop.orders.payment;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The payment gateway's HTTP contract. {@code POST /v1/payments} with {@code Idempotency-Key: <payment_id>}
 * charges at most once per key; {@code GET /v1/payments/{payment_id}} tells what happened, 404 when it never
 * received the payment (yet: see {@code payment.reconciliation.not-found-final-after}). {@code GET /v1/payments}
 * lists the charges the gateway recorded after an instant, in pages. Refunds work the same way under
 * {@code /v1/refunds} with the refund id as the key. Package-private: everything goes through
 * {@link PaymentGatewayClient}'s fault tolerance.
 */
@RegisterRestClient(configKey = "payment-gateway")
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface PaymentGatewayApi {

  record Charge(@JsonProperty("payment_id") UUID paymentId, @JsonProperty("order_id") UUID orderId, long amount,
                String currency, @JsonProperty("method_token") String methodToken) {}

  /** {@code status} is APPROVED or DECLINED. */
  record Result(String status, @JsonProperty("gateway_ref") String gatewayRef) {}

  record RefundOrder(@JsonProperty("refund_id") UUID refundId, @JsonProperty("payment_id") UUID paymentId,
                     long amount, String currency) {}

  /** One charge the gateway holds; {@code createdAt} is when it recorded it. */
  record ChargeRecord(@JsonProperty("payment_id") UUID paymentId, @JsonProperty("order_id") UUID orderId,
                      String status, @JsonProperty("gateway_ref") String gatewayRef, long amount, String currency,
                      @JsonProperty("created_at") Instant createdAt) {}

  /** A page of charges, oldest first; {@code hasMore}: ask again with {@code starting_after} the last id. */
  record ChargePage(List<ChargeRecord> data, @JsonProperty("has_more") boolean hasMore) {}

  @POST
  @Path("/payments")
  Result charge(@HeaderParam("Idempotency-Key") String paymentId, Charge charge);

  @GET
  @Path("/payments/{paymentId}")
  Result status(@PathParam("paymentId") UUID paymentId);

  @GET
  @Path("/payments")
  ChargePage charges(@QueryParam("created_after") String createdAfter,
                     @QueryParam("starting_after") String startingAfter, @QueryParam("limit") int limit);

  /** {@code status} is REFUNDED or REJECTED. */
  @POST
  @Path("/refunds")
  Result refund(@HeaderParam("Idempotency-Key") String refundId, RefundOrder refund);

  @GET
  @Path("/refunds/{refundId}")
  Result refundStatus(@PathParam("refundId") UUID refundId);
}
