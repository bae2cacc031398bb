package blind.shop;

import static spark.Spark.awaitInitialization;
import static spark.Spark.get;
import static spark.Spark.ipAddress;
import static spark.Spark.port;
import static spark.Spark.post;
import static spark.Spark.stop;

import java.net.URL;
import java.util.Map;
import org.aeonbits.owner.ConfigFactory;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.BasicHttpClientResponseHandler;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.util.Timeout;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.vibur.dbcp.ViburDBCPDataSource;

/**
 * The blind check's Spark stack: Spark Java 2.9 on its embedded Jetty 9 (no exception handler of the application's:
 * Spark answers an exception with its 500 page and logs it), MyBatis annotation mappers on Vibur DBCP pools over
 * pgjdbc, Apache HttpClient 5 (classic, its {@code BasicHttpClientResponseHandler}), Owner for the settings, Log4j 2
 * (Spark's SLF4J logging through it). Each route induces one fault of test/integration/blindcapture/cases.go; nothing
 * is recorded by hand: the OpenTelemetry Java agent instruments it.
 */
public final class Shop {
  private static final Map<String, String> ENV = System.getenv();

  private Shop() {}

  /**
   * One Vibur pool and MyBatis session factory per database, as an application configures them: the refused,
   * wrong-password and unresolvable ones too. Nothing connects until the first borrow.
   */
  static SqlSessionFactory database(String name, String host, String port, String password, int size, long borrowMs) {
    ViburDBCPDataSource ds = new ViburDBCPDataSource();
    ds.setName(name);
    ds.setJdbcUrl("jdbc:postgresql://" + host + ":" + port + "/" + ENV.get("DB_NAME"));
    ds.setUsername(ENV.get("DB_USER"));
    ds.setPassword(password);
    ds.setPoolInitialSize(0);
    ds.setPoolMaxSize(size);
    ds.setConnectionTimeoutInMs(borrowMs);
    ds.setLoginTimeoutInSeconds(2);
    ds.setAcquireRetryAttempts(0);
    ds.start();
    Configuration cfg = new Configuration(new Environment(name, new JdbcTransactionFactory(), ds));
    cfg.addMapper(ItemMapper.class);
    return new SqlSessionFactoryBuilder().build(cfg);
  }

  static CloseableHttpClient httpClient(long responseTimeoutMs) {
    return HttpClients.custom()
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofMilliseconds(responseTimeoutMs)).build())
        .disableAutomaticRetries()
        .build();
  }

  public static void main(String[] args) {
    String host = ENV.get("DB_HOST");
    String dbPort = ENV.get("DB_PORT");
    String password = ENV.get("DB_PASSWORD");
    SqlSessionFactory shop = database("shop", host, dbPort, password, 4, 5000);
    SqlSessionFactory refused = database("refused", host, ENV.get("DB_PORT_REFUSED"), password, 4, 5000);
    SqlSessionFactory badAuth = database("bad-auth", host, dbPort, "not-the-password", 4, 5000);
    SqlSessionFactory unknownHost = database("unknown-host", ENV.get("DB_HOST_UNKNOWN"), dbPort, password, 4, 5000);
    // A pool of one connection that waits 500 ms for it.
    SqlSessionFactory single = database("single", host, dbPort, password, 1, 500);
    CloseableHttpClient client = httpClient(5000);
    CloseableHttpClient impatient = httpClient(500);

    ipAddress("127.0.0.1");
    port(Integer.parseInt(ENV.get("PORT")));
    get("/health", (req, res) -> "ok");
    get("/items", (req, res) -> {
      try (SqlSession s = shop.openSession()) {
        return s.getMapper(ItemMapper.class).all().toString();
      }
    });
    get("/items/:id", (req, res) -> {
      try (SqlSession s = shop.openSession()) {
        Item it = s.getMapper(ItemMapper.class).byId(Integer.parseInt(req.params(":id")));
        if (it == null) {
          res.status(404);
          return "no such item";
        }
        return it.toString();
      }
    });
    get("/db/refused", (req, res) -> count(refused));
    get("/db/auth", (req, res) -> count(badAuth));
    get("/db/unknown-host", (req, res) -> count(unknownHost));
    get("/db/pool", (req, res) -> {
      // The pool's one connection is held by an open transaction while a second session borrows.
      try (SqlSession held = single.openSession(false)) {
        held.getMapper(ItemMapper.class).count();
        try (SqlSession second = single.openSession()) {
          return String.valueOf(second.getMapper(ItemMapper.class).count());
        }
      }
    });
    get("/db/statement-timeout", (req, res) -> {
      try (SqlSession s = shop.openSession(false)) {
        ItemMapper m = s.getMapper(ItemMapper.class);
        m.statementTimeout200ms();
        m.sleepTwoSeconds();
        s.rollback(true);
        return "ok";
      }
    });
    get("/db/lock-timeout", (req, res) -> {
      try (SqlSession s = shop.openSession(false)) {
        ItemMapper m = s.getMapper(ItemMapper.class);
        m.lockTimeout200ms();
        m.takeOne();
        s.rollback(true);
        return "ok";
      }
    });
    get("/db/undefined-table", (req, res) -> {
      try (SqlSession s = shop.openSession()) {
        return s.getMapper(ItemMapper.class).archived(1).toString();
      }
    });
    get("/db/undefined-column", (req, res) -> {
      try (SqlSession s = shop.openSession()) {
        return s.getMapper(ItemMapper.class).withDiscount(1).toString();
      }
    });
    post("/db/unique", (req, res) -> {
      try (SqlSession s = shop.openSession(false)) {
        s.getMapper(ItemMapper.class).insert(new Item(1, "duplicate", 1));
        s.commit();
        res.status(201);
        return "created";
      }
    });
    get("/config/int", (req, res) -> String.valueOf(ConfigFactory.create(Settings.Page.class).pageSize()));
    get("/config/missing", (req, res) -> {
      URL payments = ConfigFactory.create(Settings.Payments.class).paymentsUrl();
      if (payments == null) {
        throw new IllegalStateException("PAYMENTS_URL is not set");
      }
      return payments.toString();
    });
    get("/null", (req, res) -> findCart("nobody").owner);
    get("/slow", (req, res) -> {
      Thread.sleep(2000);
      return "slow";
    });
    get("/downstream/500", (req, res) -> client.execute(new HttpGet(ENV.get("DOWNSTREAM_URL") + "/null"), new BasicHttpClientResponseHandler()));
    get("/downstream/timeout", (req, res) -> impatient.execute(new HttpGet(ENV.get("DOWNSTREAM_URL") + "/slow"), new BasicHttpClientResponseHandler()));
    get("/downstream/refused", (req, res) -> client.execute(new HttpGet(ENV.get("CLOSED_URL") + "/payments"), new BasicHttpClientResponseHandler()));
    get("/bare500", (req, res) -> {
      res.status(500);
      return "";
    });
    awaitInitialization();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop()));
  }

  static String count(SqlSessionFactory db) {
    try (SqlSession s = db.openSession()) {
      return String.valueOf(s.getMapper(ItemMapper.class).count());
    }
  }

  /** A cart of its owner's; none for a customer who has none. */
  static final class Cart {
    String owner;
  }

  static Cart findCart(String owner) {
    return "alice".equals(owner) ? new Cart() : null;
  }
}
