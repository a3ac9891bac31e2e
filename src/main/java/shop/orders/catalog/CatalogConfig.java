package shop.orders.catalog;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** The catalog and its stock guards (catalog.SoldOutMarkers, catalog.HotSkuGate, catalog.StockReleaseBroadcast). */
@ConfigMapping(prefix = "catalog")
public interface CatalogConfig {
  /**
   * Fill the catalog with demo products at startup: 1,000 SKUs and a few event SKUs. For the local run only. Read by
   * Flyway as a placeholder (db/seed); declared here so the key has its one default and is validated.
   */
  @WithDefault("false")
  boolean seed();

  SoldOut soldOut();

  HotSku hotSku();

  Cache cache();

  PurchaseLimit purchaseLimit();

  /** How many units of a product one customer may hold in live orders (awaiting payment or paid). */
  interface PurchaseLimit {
    /**
     * The limit of an event product whose admin set none: an event sells a few hundred units to thousands of
     * buyers, and a customer holding more than a couple would take them from others (and could hold them unpaid
     * for the whole payment window). Products that are not events have no limit unless an admin sets one.
     */
    @WithDefault("2")
    @Positive
    int eventDefault();
  }

  /** Product reads (catalog.ProductCache): this instance's memory, then Redis, then PostgreSQL. */
  interface Cache {
    /** How long this instance serves a product from its own memory without asking Redis. */
    @WithDefault("PT1S")
    Duration localTtl();

    /** How long a product stays in Redis for every instance; stock shown may be this stale. */
    @WithDefault("PT5S")
    Duration redisTtl();

    /**
     * How long this instance keeps a product it read, to serve it while Redis is unavailable (it is then
     * reloaded from PostgreSQL in the background, one load per product at a time).
     */
    @WithDefault("PT10M")
    Duration keepFor();

    /** Products kept in this instance's memory (least recently used beyond it are dropped). */
    @WithDefault("20000")
    @Positive
    int maxEntries();

    /**
     * Products this instance knows to exist (it read or listed them) that it loads from PostgreSQL at the same time;
     * beyond it a read is refused with 503.
     */
    @WithDefault("4")
    @Positive
    int maxLoads();

    /**
     * Other SKUs (never seen here, or seen missing) loaded at the same time: a flood of made-up SKUs is refused
     * within this budget and cannot take the loads of real products.
     */
    @WithDefault("2")
    @Positive
    int maxUnknownLoads();

    /** How long this instance remembers that a SKU does not exist (an admin creating it clears that at once). */
    @WithDefault("PT5S")
    Duration notFoundTtl();

    /** Redis pub/sub channel (under {@code redis.key-prefix}) on which an admin change of a product is announced. */
    @WithDefault("product-changed")
    String channel();
  }

  interface SoldOut {
    /** Refuse orders for a SKU known to be sold out without touching the database. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How long a sold-out marker is trusted before the database is asked again: the longest a buyer can be refused
     * after stock came back when the release broadcast did not reach this instance (Redis down).
     */
    @WithDefault("PT1S")
    Duration ttl();

    /**
     * In a marker's last {@code recheck-ahead}, a single order goes to the database to check the SKU again while the
     * others are still refused; its outcome renews the marker or lets it expire. Shorter than {@code ttl}.
     */
    @WithDefault("PT0.2S")
    Duration recheckAhead();

    /**
     * Redis pub/sub channel (under {@code redis.key-prefix}) on which instances announce released stock, so every
     * instance drops its markers.
     */
    @WithDefault("stock-released")
    String channel();

    /** Deadline of each announcement of released stock on Redis; past it other instances wait for their marker TTL. */
    @WithDefault("PT0.05S")
    Duration redisDeadline();
  }

  interface HotSku {
    /** Cap the number of reservations in flight per SKU, so one hot SKU cannot take the whole pool. */
    @WithDefault("true")
    boolean enabled();

    /** Reservations of one SKU that may hold a database connection at the same time. */
    @WithDefault("4")
    @Positive
    int maxInFlight();

    /**
     * Orders that may wait for a turn on one SKU; beyond it an order is refused at once with 503 + Retry-After.
     * Each waiting order holds a worker thread (but no connection and no place at the door).
     */
    @WithDefault("16")
    @Positive
    int maxWaiting();

    /** How long an order waits for its turn on a hot SKU before it is refused with 503 + Retry-After. */
    @WithDefault("PT0.25S")
    Duration maxWait();

    /** Retry-After sent with that 503. */
    @WithDefault("PT1S")
    Duration retryAfter();

    /**
     * How long a reservation waits for a stock row's lock before the order is refused (503): rows are held only for
     * the last moments of other orders' transactions, so a longer wait means something else holds the row.
     */
    @WithDefault("PT0.5S")
    Duration lockWait();

    /**
     * After a reservation timed out waiting for a SKU's row lock, orders for that SKU are refused at once (503
     * sku-busy) for this long instead of each holding a connection for {@code lock-wait}; then a single order tries
     * again while the others are still refused, and its outcome frees the SKU or marks it again.
     */
    @WithDefault("PT2S")
    Duration stuckFor();

    /**
     * How long the order that tries a stuck SKU again waits for its row: nobody else reserves that SKU meanwhile, so
     * a lock still held is the one that made it stuck.
     */
    @WithDefault("PT0.02S")
    Duration probeLockWait();
  }
}
