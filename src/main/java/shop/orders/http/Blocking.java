package shop.orders.http;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import shop.orders.ops.LogContext;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Blocking work (a transaction) off the I/O thread, with the result delivered back on the request's event loop. */
public final class Blocking {
  private Blocking() {
  }

  /**
   * Runs {@code work} on a worker and comes back to the caller's event loop. Redis calls must start there: started
   * from worker threads under a flash-sale load, they waited past their deadline.
   */
  public static <T> Uni<T> onWorker(Supplier<T> work) {
    return onWorker(work, eventLoopOfThisRequest());
  }

  public static <T> Uni<T> onWorker(Supplier<T> work, Executor backOnEventLoop) {
    var logFields = LogContext.capture();
    return Uni.createFrom().item(() -> {
          try (var carried = LogContext.carry(logFields)) {
            return work.get();
          }
        })
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
        .emitOn(backOnEventLoop);
  }

  /** Runs a command on the current Vert.x context (the request's event loop), or at once outside one. */
  public static Executor eventLoopOfThisRequest() {
    Context context = Vertx.currentContext();
    return context == null ? Runnable::run : command -> context.runOnContext(ignored -> command.run());
  }
}
