package shop.orders.db;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Known values both ways, null as null, and a value this release does not know as 503 written-by-newer-release. */
class StoredEnumConverterTests {
  enum Colour { RED, GREEN }

  static final class ColourColumn extends StoredEnumConverter<Colour> {
    ColourColumn() {
      super(Colour.class, "paint.colour");
    }
  }

  private final ColourColumn column = new ColourColumn();

  @Test
  void knownValuesAndNull() {
    assertThat(column.convertToEntityAttribute("GREEN")).isEqualTo(Colour.GREEN);
    assertThat(column.convertToDatabaseColumn(Colour.RED)).isEqualTo("RED");
    assertThat(column.convertToEntityAttribute(null)).isNull();
    assertThat(column.convertToDatabaseColumn(null)).isNull();
  }

  @Test
  void anUnknownValueIsANewerReleasesAndSaysWhere() {
    assertThatThrownBy(() -> column.convertToEntityAttribute("ULTRAVIOLET"))
        .isInstanceOfSatisfying(StoredEnumConverter.NewerValue.class, newer -> {
          assertThat(newer.problem().status()).isEqualTo(503);
          assertThat(newer.problem().type()).endsWith("/written-by-newer-release");
          assertThat(newer.describe()).isEqualTo("paint.colour = 'ULTRAVIOLET'");
          assertThat(newer.toResponse().getHeaderString("Retry-After")).isEqualTo("5");
        });
    var wrapped = new RuntimeException("could not read", new IllegalStateException(
        new StoredEnumConverter.NewerValue("paint.colour", "ULTRAVIOLET")));
    assertThat(StoredEnumConverter.NewerValue.find(wrapped)).isNotNull();
    assertThat(StoredEnumConverter.NewerValue.find(new RuntimeException("other"))).isNull();
  }
}
