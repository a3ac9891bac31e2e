package shop.orders.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import shop.orders.db.AfterCommit;
import shop.orders.db.Jdbc;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Writes orders' events to the outbox (order_event) in the transaction that changed them: an event exists exactly
 * when its change committed. Each carries the order as the API shows it after the change (OrderView's JSON).
 */
@ApplicationScoped
class OrderEventOutbox {
  private final Jdbc jdbc;
  private final ObjectMapper json;
  private final AfterCommit afterCommit;
  private final RecentOrderChanges changes;

  OrderEventOutbox(Jdbc jdbc, ObjectMapper json, AfterCommit afterCommit, RecentOrderChanges changes) {
    this.jdbc = jdbc;
    this.json = json;
    this.afterCommit = afterCommit;
    this.changes = changes;
  }

  /** The events of these orders' changes since they were loaded (none: nothing is written). */
  void write(List<Order> orders) {
    var events = new ArrayList<OrderEvent>();
    var views = new ArrayList<String>();
    var customers = new HashSet<String>();
    for (Order order : orders) {
      List<OrderEvent> taken = order.takeEvents();
      if (!taken.isEmpty()) {
        customers.add(order.customerId);
        String view = view(order);
        for (OrderEvent event : taken) {
          events.add(event);
          views.add(view);
        }
      }
    }
    if (!events.isEmpty()) {
      jdbc.runInTransaction(c -> OrderEventRows.insertEvents(c, events, views));
      // their history is read from the primary until a replica has this change too
      afterCommit.run(() -> customers.forEach(changes::changed));
    }
  }

  void write(Order order) {
    write(List.of(order));
  }

  /** The order as the API shows it: the 201 of POST /api/orders, GET /api/orders/{id}, every event's data. */
  String view(Order order) {
    try {
      return json.writeValueAsString(OrderView.of(order));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise order " + order.id, e);
    }
  }
}
