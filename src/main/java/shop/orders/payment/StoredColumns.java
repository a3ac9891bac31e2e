package shop.orders.payment;

import jakarta.persistence.Converter;
import shop.orders.db.StoredEnumConverter;

/** The payment side's enum columns, read tolerantly (db.StoredEnumConverter). */
final class StoredColumns {
  private StoredColumns() {
  }

  @Converter
  static class PaymentStatusColumn extends StoredEnumConverter<PaymentStatus> {
    PaymentStatusColumn() {
      super(PaymentStatus.class, "payment.status");
    }
  }

  @Converter
  static class SettledByColumn extends StoredEnumConverter<SettledBy> {
    SettledByColumn() {
      super(SettledBy.class, "payment.settled_by");
    }
  }

  @Converter
  static class RefundStatusColumn extends StoredEnumConverter<Refund.Status> {
    RefundStatusColumn() {
      super(Refund.Status.class, "refund.status");
    }
  }

  @Converter
  static class RefundReasonColumn extends StoredEnumConverter<Refund.Reason> {
    RefundReasonColumn() {
      super(Refund.Reason.class, "refund.reason");
    }
  }
}
