package shop.orders.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;
import shop.orders.http.Blocking;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.redis.RedisCalls;
import shop.orders.redis.RedisChannel;
import shop.orders.time.Ticker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Product reads: this instance's memory for {@code local-ttl}, then Redis (shared by every instance for
 * {@code redis-ttl}), then PostgreSQL, with one load per product at a time however many shoppers miss together.
 * When Redis cannot be used, a product this instance has seen is served from memory (and reloaded from PostgreSQL
 * in the background); stock shown may be a few seconds stale, the reservation in PostgreSQL is the truth.
 */
@ApplicationScoped
public class ProductCache {
  private static final Logger LOG = Logger.getLogger(ProductCache.class);

  private record Kept(Optional<ProductView> product, long keptAtNanos) {}

  private final CatalogReads catalog;
  private final ReactiveRedisDataSource redis;
  private final RedisCalls calls;
  private final ObjectMapper json;
  private final MeterRegistry registry;
  private final CatalogConfig.Cache config;
  private final Cache<String, Kept> local;
  private final ConcurrentHashMap<String, Uni<Optional<ProductView>>> loading = new ConcurrentHashMap<>();
  private final RedisChannel changes;
  private final AtomicInteger loadsInFlight = new AtomicInteger();
  private final AtomicInteger unknownLoadsInFlight = new AtomicInteger();
  private final Ticker ticker;

  ProductCache(CatalogReads catalog, ReactiveRedisDataSource redis, RedisCalls calls, ObjectMapper json,
               MeterRegistry registry, CatalogConfig config, Ticker ticker) {
    this.ticker = ticker;
    this.catalog = catalog;
    this.redis = redis;
    this.calls = calls;
    this.json = json;
    this.registry = registry;
    this.config = config.cache();
    this.local = Caffeine.newBuilder().maximumSize(this.config.maxEntries()).expireAfterWrite(this.config.keepFor())
        .build();
    this.changes = new RedisChannel(redis, calls, calls.key(this.config.channel()), calls.deadline());
  }

  /** The product, or empty when the catalog has no such SKU. Call on the request's event loop. */
  public Uni<Optional<ProductView>> find(String sku) {
    Kept kept = local.getIfPresent(sku);
    if (kept != null && ticker.nanoTime() - kept.keptAtNanos()
        < (kept.product().isPresent() ? config.localTtl() : config.notFoundTtl()).toNanos()) {
      count("local", "hit");
      return Uni.createFrom().item(kept.product());
    }
    count("local", "miss");
    return calls.call(() -> redis.value(String.class).get(redisKey(sku)))
        .onItemOrFailure().transformToUni((cached, failure) -> {
          if (failure != null) {
            return withoutRedis(sku, kept, failure);
          }
          if (cached == null) {
            count("redis", "miss");
            return loadOnce(sku, true, known(kept));
          }
          Optional<ProductView> product = decode(cached);
          if (product.isEmpty()) {
            count("redis", "miss");   // unreadable (written by another version): reload
            return loadOnce(sku, true, known(kept));
          }
          count("redis", "hit");
          keep(sku, product);
          return Uni.createFrom().item(product);
        });
  }

  private Uni<Optional<ProductView>> withoutRedis(String sku, Kept kept, Throwable failure) {
    if (!calls.fallbacksEnabled()) {
      return Uni.createFrom().failure(calls.unavailable());
    }
    calls.countFallback("catalog");
    if (kept == null) {
      return loadOnce(sku, false, false);
    }
    loadOnce(sku, false, known(kept)).subscribe().with(refreshed -> { }, f -> LOG.debugf("Reload of %s failed: %s", sku, f));
    return Uni.createFrom().item(kept.product());
  }

  /** This instance has seen the SKU exist (read it, or listed it) within {@code keep-for}. */
  private static boolean known(Kept kept) {
    return kept != null && kept.product().isPresent();
  }

  /**
   * One PostgreSQL load per product at a time on this instance; every shopper who missed meanwhile shares it. At
   * most {@code max-loads} products this instance knows to exist load at once, and at most
   * {@code max-unknown-loads} others, so neither a cold cache without Redis (a cart of 50 lines, say) nor a flood of
   * made-up SKUs can take the pool from orders, and the flood cannot take the loads of real products: beyond its
   * budget a load is refused with 503 + Retry-After.
   */
  private Uni<Optional<ProductView>> loadOnce(String sku, boolean shareThroughRedis, boolean known) {
    var executor = Blocking.eventLoopOfThisRequest();
    return loading.computeIfAbsent(sku, key -> Blocking.onWorker(() -> loadBounded(key, known))
            .invoke(product -> {
              keep(key, product);
              if (shareThroughRedis && product.isPresent()) {
                share(key, product.get());
              }
            })
            .onTermination().invoke(() -> loading.remove(key))
            .memoize().indefinitely())
        .emitOn(executor);
  }

  private Optional<ProductView> loadBounded(String sku, boolean known) {
    AtomicInteger inFlight = known ? loadsInFlight : unknownLoadsInFlight;
    if (inFlight.incrementAndGet() > (known ? config.maxLoads() : config.maxUnknownLoads())) {
      inFlight.decrementAndGet();
      registry.counter("catalog.loads.refused", "known", Boolean.toString(known)).increment();
      throw new ApiException(Problem.of(503, "catalog-busy", "Catalog busy",
          "Too many products are being loaded right now; retry shortly."), Duration.ofSeconds(1));
    }
    try {
      return catalog.load(sku);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Products a list page just read from PostgreSQL: known to exist, served from memory for {@code local-ttl}. */
  public void listed(java.util.List<ProductView> products) {
    products.forEach(product -> keep(product.sku(), Optional.of(product)));
  }

  private void share(String sku, ProductView product) {
    String value;
    try {
      value = json.writeValueAsString(product);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    calls.call(() -> redis.value(String.class).setex(redisKey(sku), config.redisTtl().toSeconds(), value))
        .subscribe().with(ok -> { }, failure -> calls.countFallback("catalog"));
  }

  private void keep(String sku, Optional<ProductView> product) {
    local.put(sku, new Kept(product, ticker.nanoTime()));
  }

  void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ProductChanged event) {
    local.invalidate(event.sku());
    calls.call(() -> redis.key().del(redisKey(event.sku())))
        .subscribe().with(deleted -> changes.publish(event.sku(), "catalog_invalidation"),
            failure -> calls.countFallback("catalog_invalidation"));
  }

  void listen(@Observes StartupEvent start) {
    changes.listen(local::invalidate);
  }

  void stop(@Observes ShutdownEvent stop) {
    changes.close();
  }

  private Optional<ProductView> decode(String cached) {
    try {
      return Optional.of(json.readValue(cached, ProductView.class));
    } catch (JsonProcessingException e) {
      LOG.debugf("Unreadable cached product: %s", e.getMessage());
      return Optional.empty();
    }
  }

  private String redisKey(String sku) {
    return calls.key("product", sku);
  }

  private void count(String level, String result) {
    registry.counter("catalog.cache.requests", "level", level, "result", result).increment();
  }
}
