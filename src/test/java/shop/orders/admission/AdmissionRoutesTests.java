package shop.orders.admission;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.admission.AdmissionControl.Route.ORDER_WRITE;
import static shop.orders.admission.AdmissionControl.Route.OTHER;
import static shop.orders.admission.AdmissionControl.Route.PRIORITY;
import static shop.orders.admission.AdmissionControl.Route.READ;
import static shop.orders.admission.AdmissionControl.classify;

/** Which requests the door guards: only work that needs a pooled connection; the reserve only for moving money. */
class AdmissionRoutesTests {
  @Test
  void readsServedFromMemoryOrRedisTakeNoPlace() {
    assertThat(classify(HttpMethod.GET, "/api/products/SKU-00001")).isEqualTo(OTHER);
    assertThat(classify(HttpMethod.GET, "/api/cart")).isEqualTo(OTHER);
    assertThat(classify(HttpMethod.PUT, "/api/cart/items/SKU-00001")).isEqualTo(OTHER);
    assertThat(classify(HttpMethod.DELETE, "/api/cart")).isEqualTo(OTHER);
  }

  @Test
  void readsThatNeedTheDatabaseShareTheReadPlaces() {
    assertThat(classify(HttpMethod.GET, "/api/products")).isEqualTo(READ);
    assertThat(classify(HttpMethod.GET, "/api/orders")).isEqualTo(READ);
    assertThat(classify(HttpMethod.GET, "/api/orders/0b6f/payment")).as("not the payments' reserve").isEqualTo(READ);
  }

  @Test
  void onlyWhatMovesMoneyUsesTheReserve() {
    assertThat(classify(HttpMethod.POST, "/api/orders/0b6f/payment")).isEqualTo(PRIORITY);
    assertThat(classify(HttpMethod.POST, "/api/orders/0b6f/cancel")).isEqualTo(PRIORITY);
    assertThat(classify(HttpMethod.POST, "/api/payments/webhook")).isEqualTo(PRIORITY);
    assertThat(classify(HttpMethod.POST, "/api/orders")).isEqualTo(ORDER_WRITE);
    assertThat(classify(HttpMethod.POST, "/api/cart/checkout")).isEqualTo(ORDER_WRITE);
    assertThat(classify(HttpMethod.PUT, "/api/products/SKU-1")).isEqualTo(ORDER_WRITE);
    assertThat(classify(HttpMethod.GET, "/q/health/ready")).isEqualTo(OTHER);
  }
}
