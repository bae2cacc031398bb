package blind.shop;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** The routes of test/blind/README.md, on Micronaut's blocking executor (JDBC and the blocking HTTP client). */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class ShopController {
    private final DataSource db, refused, badAuth, unknownHost, single;
    private final BeanProvider<Settings.Paging> paging;
    private final BeanProvider<Settings.Payments> payments;
    private final HttpClient self, selfShort, closed;
    private final RedissonClient redis;
    private final String redisUrlRefused;

    ShopController(@Named("db") DataSource db, @Named("refused") DataSource refused, @Named("badAuth") DataSource badAuth,
            @Named("unknownHost") DataSource unknownHost, @Named("single") DataSource single,
            BeanProvider<Settings.Paging> paging, BeanProvider<Settings.Payments> payments,
            @Client(id = "self") HttpClient self, @Client(id = "self-short") HttpClient selfShort,
            @Client(id = "payments") HttpClient closed,
            @Value("${shop.redis-url}") String redisUrl, @Value("${shop.redis-url-refused}") String redisUrlRefused) {
        this.db = db;
        this.refused = refused;
        this.badAuth = badAuth;
        this.unknownHost = unknownHost;
        this.single = single;
        this.paging = paging;
        this.payments = payments;
        this.self = self;
        this.selfShort = selfShort;
        this.closed = closed;
        this.redis = Redisson.create(redisConfig(redisUrl));
        this.redisUrlRefused = redisUrlRefused;
    }

    /** Redisson's single-server settings for a redis://host:port/db URL. */
    private static Config redisConfig(String url) {
        URI u = URI.create(url);
        Config c = new Config();
        c.useSingleServer()
                .setAddress("redis://" + u.getHost() + ":" + u.getPort())
                .setDatabase(Integer.parseInt(u.getPath().substring(1)))
                .setConnectTimeout(2000)
                .setRetryAttempts(1)
                .setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(4);
        return c;
    }

    @PreDestroy
    void close() {
        redis.shutdown();
    }

    private static String count(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            return Long.toString(rs.getLong(1));
        }
    }

    /** Runs the statements in one transaction, rolled back at the end. */
    private static String inTx(DataSource ds, String... statements) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        return "ok";
    }

    record Customer(String name) {}

    record Cart(Customer owner) {}

    private static Cart findCart(String id) {
        return null;
    }

    @Get("/health")
    String health() {
        return "ok";
    }

    @Get("/items")
    String items() throws SQLException {
        return count(db);
    }

    @Get("/items/{id}")
    HttpResponse<String> item(int id) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, name FROM items WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return HttpResponse.notFound("not found");
                }
                return HttpResponse.ok(rs.getInt(1) + " " + rs.getString(2));
            }
        }
    }

    @Get("/db/refused")
    String dbRefused() throws SQLException {
        return count(refused);
    }

    @Get("/db/auth")
    String dbAuth() throws SQLException {
        return count(badAuth);
    }

    @Get("/db/unknown-host")
    String dbUnknownHost() throws SQLException {
        return count(unknownHost);
    }

    @Get("/db/pool")
    String dbPool() throws SQLException {
        // The pool's one connection is held while a second is borrowed.
        try (Connection held = single.getConnection(); Statement s = held.createStatement()) {
            s.execute("SELECT 1");
            return count(single);
        }
    }

    @Get("/db/statement-timeout")
    String statementTimeout() throws SQLException {
        return inTx(db, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)");
    }

    @Get("/db/lock-timeout")
    String lockTimeout() throws SQLException {
        return inTx(db, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1");
    }

    @Get("/db/undefined-table")
    String undefinedTable() throws SQLException {
        return inTx(db, "SELECT id FROM orders_archive WHERE id = 1");
    }

    @Get("/db/undefined-column")
    String undefinedColumn() throws SQLException {
        return inTx(db, "SELECT id, discount FROM items WHERE id = 1");
    }

    @Post("/db/unique")
    String unique() throws SQLException {
        return inTx(db, "INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)");
    }

    @Get("/config/int")
    String configInt() {
        return Integer.toString(paging.get().pageSize);
    }

    @Get("/config/missing")
    String configMissing() {
        return payments.get().url;
    }

    @Get("/null")
    String nullDereference() {
        return findCart("c-1").owner().name();
    }

    @Get("/slow")
    String slow() throws InterruptedException {
        Thread.sleep(2000);
        return "slow";
    }

    @Get("/downstream/500")
    String downstream500() {
        return self.toBlocking().retrieve("/null");
    }

    @Get("/downstream/timeout")
    String downstreamTimeout() {
        return selfShort.toBlocking().retrieve("/slow");
    }

    @Get("/downstream/refused")
    String downstreamRefused() {
        return closed.toBlocking().retrieve("/payments");
    }

    @Get("/bare500")
    HttpResponse<String> bare500() {
        return HttpResponse.serverError();
    }

    @Get("/cache/refused")
    String cacheRefused() {
        RedissonClient c = Redisson.create(redisConfig(redisUrlRefused));
        try {
            return String.valueOf(c.getBucket("shop:ping").isExists());
        } finally {
            c.shutdown();
        }
    }

    @Get("/cache/ping")
    String cachePing() {
        return String.valueOf(redis.getBucket("shop:ping").isExists());
    }
}
