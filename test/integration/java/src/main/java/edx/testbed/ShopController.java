package edx.testbed;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.server.ResponseStatusException;

/**
 * Endpoints of the Java service. Each failure is a real one: nothing here
 * fabricates an exception; errors propagate to Spring MVC, which answers 500.
 */
@RestController
public class ShopController {
  private final ProductRepository products;
  private final CouponRepository coupons;
  private final JdbcTemplate pg;
  private final JdbcTemplate pgSmall;
  private final DataSource pgSmallPool;
  private final JdbcTemplate ledger;
  private final JdbcTemplate ledgerShortTimeout;
  private final TransactionTemplate pgTx;
  private final TransactionTemplate ledgerTx;
  private final Environment env;
  private final RestClient client;
  private final RestClient fastClient;
  private final Map<String, String> alt = new ConcurrentHashMap<>();
  private final Map<String, List<String>> carts = new ConcurrentHashMap<>(Map.of("alice", List.of("SKU-1", "SKU-3")));
  private final Map<String, List<String>> wishlists = new ConcurrentHashMap<>(Map.of("alice", List.of("SKU-2")));

  @Value("${INVENTORY_URL}")
  String inventoryUrl;

  @Value("${PEER_URL:}")
  String peerUrl;

  @Value("${CLOSED_URL}")
  String closedUrl;

  @Value("${PROMOTIONS_FILE}")
  String promotionsFile;

  @Value("${EXPORT_DIR}")
  String exportDir;

  public ShopController(ProductRepository products, CouponRepository coupons, JdbcTemplate pg,
      @Qualifier("smallPoolJdbc") JdbcTemplate pgSmall, @Qualifier("smallPool") DataSource pgSmallPool,
      @Qualifier("ledgerJdbc") JdbcTemplate ledger, @Qualifier("ledgerDataSource") DataSource ledgerDs,
      org.springframework.transaction.PlatformTransactionManager jpaTx, Environment env, RestClient.Builder builder) {
    this.products = products;
    this.coupons = coupons;
    this.pg = pg;
    this.pgSmall = pgSmall;
    this.pgSmallPool = pgSmallPool;
    this.ledger = ledger;
    this.ledgerShortTimeout = new JdbcTemplate(ledgerDs);
    this.ledgerShortTimeout.setQueryTimeout(1);
    this.pgTx = new TransactionTemplate(jpaTx);
    this.ledgerTx = new TransactionTemplate(new org.springframework.jdbc.datasource.DataSourceTransactionManager(ledgerDs));
    this.env = env;
    this.client = builder.clone().build();
    JdkClientHttpRequestFactory fast = new JdkClientHttpRequestFactory();
    fast.setReadTimeout(Duration.ofMillis(400));
    this.fastClient = builder.clone().requestFactory(fast).build();
  }

  @GetMapping("/health")
  String health() {
    return "ok";
  }

  // ---------------------------------------------------------------- JPA

  @GetMapping("/products")
  List<Map<String, Object>> list() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Product p : products.findAll()) {
      out.add(Map.of("sku", p.sku, "name", p.name, "stock", p.stock));
    }
    return out;
  }

  @GetMapping("/products/{sku}")
  Map<String, Object> product(@PathVariable String sku) {
    Product p = products.findBySku(sku).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no product " + sku));
    return Map.of("sku", p.sku, "name", p.name);
  }

  /** A new product through JPA; a duplicate SKU violates products_sku_key. */
  @PostMapping("/products")
  ResponseEntity<String> create(@RequestParam String sku, @RequestParam String name) {
    Product p = new Product();
    p.sku = sku;
    p.name = name;
    p.priceCents = 100;
    products.saveAndFlush(p);
    return ResponseEntity.status(HttpStatus.CREATED).body("created");
  }

  /** The coupons entity was deployed before its migration. */
  @GetMapping("/coupons")
  int coupons() {
    return coupons.findAll().size();
  }

  // ---------------------------------------------------------------- JDBC, PostgreSQL

  @GetMapping("/stock")
  Integer stock(@RequestParam String sku) {
    return pg.queryForObject("SELECT stock FROM products WHERE sku = ?", Integer.class, sku);
  }

  /** Points the /alt endpoints at another database URL or password (a bad deploy of the config). */
  @PostMapping("/admin/alt")
  String setAlt(@RequestParam Map<String, String> q) {
    alt.putAll(q);
    return "ok";
  }

  /** Connects with the configured (alt) URL and password, as a freshly deployed instance would. */
  @GetMapping("/alt/pg")
  Integer altPg() throws SQLException {
    try (Connection c = DriverManager.getConnection(alt.getOrDefault("pg_url", env.getProperty("PG_URL")),
        env.getProperty("PG_USER"), alt.getOrDefault("pg_password", env.getProperty("PG_PASSWORD")));
        PreparedStatement st = c.prepareStatement("SELECT stock FROM products WHERE sku = ?")) {
      st.setString(1, "SKU-1");
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @GetMapping("/alt/ledger")
  Long altLedger() throws SQLException {
    try (Connection c = DriverManager.getConnection(alt.getOrDefault("my_url", env.getProperty("MY_URL")),
        env.getProperty("MY_USER"), alt.getOrDefault("my_password", env.getProperty("MY_PASSWORD")));
        PreparedStatement st = c.prepareStatement("SELECT balance_cents FROM accounts WHERE id = 1")) {
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Holds the only connection of the small pool for ms milliseconds. */
  @GetMapping("/pool/hold")
  String hold(@RequestParam long ms) throws Exception {
    try (Connection c = pgSmallPool.getConnection()) {
      c.isValid(1);
      Thread.sleep(ms);
    }
    return "held";
  }

  @GetMapping("/pool/stock")
  Integer poolStock() {
    return pgSmall.queryForObject("SELECT stock FROM products WHERE sku = ?", Integer.class, "SKU-1");
  }

  /** A report past the statement timeout. */
  @GetMapping("/report")
  String report() {
    pgTx.executeWithoutResult(s -> {
      pg.execute("SET LOCAL statement_timeout = '150ms'");
      pg.queryForList("SELECT pg_sleep(2), count(*) FROM products");
    });
    return "done";
  }

  /** Reserve one unit: waits at most 300 ms for the row lock. */
  @PostMapping("/reserve")
  String reserve(@RequestParam String sku) {
    pgTx.executeWithoutResult(s -> {
      pg.execute("SET LOCAL lock_timeout = '300ms'");
      pg.update("UPDATE products SET stock = stock - 1 WHERE sku = ?", sku);
    });
    return "reserved";
  }

  /** Moves stock between two SKUs, locking them in request order. */
  @PostMapping("/rebalance")
  String rebalance(@RequestParam String from, @RequestParam String to) {
    pgTx.executeWithoutResult(s -> {
      pg.update("UPDATE products SET stock = stock - 1 WHERE sku = ?", from);
      sleep(700);
      pg.update("UPDATE products SET stock = stock + 1 WHERE sku = ?", to);
    });
    return "moved";
  }

  /** Code deployed ahead of the migration that adds products.discount_pct. */
  @GetMapping("/discounts")
  List<Map<String, Object>> discounts() {
    return pg.queryForList("SELECT sku, discount_pct FROM products WHERE discount_pct > 0");
  }

  // ---------------------------------------------------------------- JDBC, MariaDB

  @GetMapping("/ledger/balance")
  Long balance() {
    return ledger.queryForObject("SELECT balance_cents FROM accounts WHERE id = ?", Long.class, 1);
  }

  /** Totals with a one-second JDBC query timeout. */
  @GetMapping("/ledger/totals")
  Long totals() {
    return ledgerShortTimeout.queryForObject("SELECT SLEEP(3) + COUNT(*) FROM payments", Long.class);
  }

  @PostMapping("/ledger/refund")
  String refund(@RequestParam int order) {
    ledgerTx.executeWithoutResult(s -> {
      ledger.execute("SET SESSION innodb_lock_wait_timeout = 1");
      ledger.update("UPDATE payments SET status = 'refunded' WHERE order_id = ?", order);
    });
    return "refunded";
  }

  @PostMapping("/ledger/transfer")
  String transfer(@RequestParam int from, @RequestParam int to) {
    ledgerTx.executeWithoutResult(s -> {
      ledger.update("UPDATE accounts SET balance_cents = balance_cents - 1 WHERE id = ?", from);
      sleep(700);
      ledger.update("UPDATE accounts SET balance_cents = balance_cents + 1 WHERE id = ?", to);
    });
    return "transferred";
  }

  @GetMapping("/ledger/invoices")
  List<Map<String, Object>> invoices() {
    return ledger.queryForList("SELECT id, order_id, total_cents FROM invoices ORDER BY id DESC LIMIT 10");
  }

  // ---------------------------------------------------------------- calls to other services

  /** Checkout reserves stock in the (Go) inventory service. */
  @PostMapping("/checkout")
  String checkout(@RequestParam String sku) {
    client.post().uri(inventoryUrl + "/reserve?sku={sku}", sku).retrieve().toBodilessEntity();
    return "ordered";
  }

  /** Checkout through the other Java service (which calls inventory). */
  @PostMapping("/peer/checkout")
  String peerCheckout(@RequestParam String sku) {
    client.post().uri(peerUrl + "/checkout?sku={sku}", sku).retrieve().toBodilessEntity();
    return "ordered";
  }

  /** Order totals come from the (Python) orders service, whose URL the deployment pushes (POST /admin/alt). */
  @GetMapping("/orders/totals")
  String orderTotals() {
    return client.get().uri(alt.get("pyorders_url") + "/orders/totals").retrieve().body(String.class);
  }

  /** Checkout through the (Python) gateway, which calls the orders service, which calls inventory. */
  @PostMapping("/gateway/checkout")
  String gatewayCheckout(@RequestParam String sku) {
    client.post().uri(alt.get("pygateway_url") + "/checkout?sku={sku}", sku).retrieve().toBodilessEntity();
    return "ordered";
  }

  /** Recommendations live in a service that is down. */
  @GetMapping("/recommendations")
  String recommendations() {
    return client.get().uri(closedUrl + "/recommendations?user=alice").retrieve().body(String.class);
  }

  /** Availability asks inventory with a 400 ms read timeout. */
  @GetMapping("/availability")
  String availability(@RequestParam String d) {
    return fastClient.get().uri(inventoryUrl + "/slow?d={d}", d).retrieve().body(String.class);
  }

  // ---------------------------------------------------------------- the application's own faults

  /** Bug: an unknown user has no cart. */
  @GetMapping("/cart")
  int cart(@RequestParam String user) {
    List<String> items = carts.get(user);
    return items.size();
  }

  /** The same bug in another method: an unknown user has no wishlist either. */
  @GetMapping("/wishlist")
  int wishlist(@RequestParam String user) {
    List<String> items = wishlists.get(user);
    return items.size();
  }

  /** An invariant checked with assert (the JVM runs with -ea). */
  @GetMapping("/split")
  int split(@RequestParam int qty, @RequestParam int parts) {
    int each = qty / Math.max(parts, 1);
    assert each * parts == qty : "quantity " + qty + " does not split into " + parts + " equal parts";
    return each;
  }

  /** The tax rate comes from the environment (TAX_RATE), which this deployment lacks. */
  @GetMapping("/tax")
  String tax(@RequestParam int amount) {
    double rate = Double.parseDouble(env.getRequiredProperty("TAX_RATE"));
    return String.valueOf(amount * rate);
  }

  /** Promotions are read from a config file that was not deployed. */
  @GetMapping("/promotions")
  String promotions() throws IOException {
    return Files.readString(Path.of(promotionsFile));
  }

  /** The export opens one file per partition. */
  @GetMapping("/export")
  String export(@RequestParam int parts) throws IOException {
    List<FileOutputStream> files = new ArrayList<>();
    try {
      for (int i = 0; i < parts; i++) {
        files.add(new FileOutputStream(Path.of(exportDir, String.format("export-part-%03d.csv", i)).toFile()));
      }
    } finally {
      for (FileOutputStream f : files) {
        f.close();
      }
    }
    return "exported " + parts + " partitions";
  }

  /** Loads the whole sales history into memory, 32 MiB per month. */
  @GetMapping("/history")
  int history(@RequestParam int months) {
    List<long[]> chunks = new ArrayList<>();
    for (int i = 0; i < months; i++) {
      chunks.add(new long[4 << 20]);
    }
    return chunks.size();
  }

  /** A legacy endpoint that answers a bare 500 and records nothing. */
  @GetMapping("/legacy")
  ResponseEntity<Void> legacy() {
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).build();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
