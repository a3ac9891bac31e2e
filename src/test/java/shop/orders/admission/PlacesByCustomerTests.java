package shop.orders.admission;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PlacesByCustomerTests {
  @Test
  void aCustomerHoldsAtMostItsPlacesAndOthersAreNotCounted() {
    var places = new PlacesByCustomer(2);
    assertThat(places.take("alice")).isTrue();
    assertThat(places.take("alice")).isTrue();
    assertThat(places.take("alice")).as("a third place at once").isFalse();
    assertThat(places.take("bob")).as("another customer").isTrue();
    places.give("alice");
    assertThat(places.take("alice")).as("a place given back").isTrue();
    assertThat(places.heldBy("alice")).isEqualTo(2);
  }

  @Test
  void aCustomerHoldingNothingLeavesNoEntry() {
    var places = new PlacesByCustomer(3);
    for (int i = 0; i < 1_000; i++) {
      String customer = "c" + i;
      places.take(customer);
      places.give(customer);
    }
    places.give("never-took");
    assertThat(places.customers()).isZero();
    assertThat(places.heldBy("never-took")).isZero();
  }
}
