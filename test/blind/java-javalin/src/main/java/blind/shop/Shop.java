package blind.shop;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.tomcat.jdbc.pool.DataSource;
import org.apache.tomcat.jdbc.pool.PoolProperties;
import redis.clients.jedis.JedisPooled;

/**
 * shop-javalin: the blind check's Javalin stack. Javalin 6 on Jetty, Tomcat JDBC pools over the PostgreSQL JDBC
 * driver, Jedis, the JDK's HttpClient, settings from Lightbend Config (application.conf, values from the
 * environment), logback; run under the OpenTelemetry Java agent. Each route of test/blind/README.md induces its
 * fault for real; nothing is recorded by hand. An exception out of a handler is left to Javalin (a 500).
 */
public final class Shop {
    private static final Config CONFIG = ConfigFactory.load();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static DataSource pool(String host, String port, String password, int maxActive, int maxWaitMillis) {
        PoolProperties p = new PoolProperties();
        p.setUrl("jdbc:postgresql://" + host + ":" + port + "/" + System.getenv("DB_NAME"));
        p.setDriverClassName("org.postgresql.Driver");
        p.setUsername(System.getenv("DB_USER"));
        p.setPassword(password);
        p.setInitialSize(0);
        p.setMinIdle(0);
        p.setMaxIdle(maxActive);
        p.setMaxActive(maxActive);
        p.setMaxWait(maxWaitMillis);
        return new DataSource(p);
    }

    private static long count(javax.sql.DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs the statements in one transaction, rolled back at the end. */
    private static void inTx(javax.sql.DataSource ds, Context ctx, String... statements) throws SQLException {
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
        ctx.result("ok");
    }

    record Customer(String name) {}

    record Cart(Customer owner) {}

    private static Cart findCart(String id) {
        return null;
    }

    private static String call(String url, Duration timeout) throws Exception {
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() >= 500) {
            throw new IllegalStateException("GET " + url + " returned " + resp.statusCode());
        }
        return resp.body();
    }

    public static void main(String[] args) {
        String host = System.getenv("DB_HOST");
        String port = System.getenv("DB_PORT");
        String password = System.getenv("DB_PASSWORD");
        DataSource db = pool(host, port, password, 4, 5000);
        // The database is down: a port nothing listens on.
        DataSource refused = pool(host, System.getenv("DB_PORT_REFUSED"), password, 4, 5000);
        DataSource badAuth = pool(host, port, "not-the-password", 4, 5000);
        DataSource unknownHost = pool(System.getenv("DB_HOST_UNKNOWN"), "5432", password, 4, 5000);
        // A pool of one connection that waits 500 ms for a free one.
        DataSource single = pool(host, port, password, 1, 500);
        JedisPooled redis = new JedisPooled(URI.create(System.getenv("REDIS_URL")));
        JedisPooled redisRefused = new JedisPooled(URI.create(System.getenv("REDIS_URL_REFUSED")));

        Javalin app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        app.get("/health", ctx -> ctx.result("ok"));
        app.get("/items", ctx -> ctx.result(Long.toString(count(db))));
        app.get("/items/{id}", ctx -> {
            try (Connection c = db.getConnection();
                    PreparedStatement s = c.prepareStatement("SELECT id, name FROM items WHERE id = ?")) {
                s.setInt(1, Integer.parseInt(ctx.pathParam("id")));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        ctx.status(404).result("not found");
                        return;
                    }
                    ctx.result(rs.getInt(1) + " " + rs.getString(2));
                }
            }
        });
        app.get("/db/refused", ctx -> ctx.result(Long.toString(count(refused))));
        app.get("/db/auth", ctx -> ctx.result(Long.toString(count(badAuth))));
        app.get("/db/unknown-host", ctx -> ctx.result(Long.toString(count(unknownHost))));
        app.get("/db/pool", ctx -> {
            // The pool's one connection is held while a second is borrowed.
            try (Connection held = single.getConnection()) {
                held.createStatement().execute("SELECT 1");
                ctx.result(Long.toString(count(single)));
            }
        });
        app.get("/db/statement-timeout", ctx -> inTx(db, ctx, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)"));
        app.get("/db/lock-timeout", ctx -> inTx(db, ctx, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1"));
        app.get("/db/undefined-table", ctx -> inTx(db, ctx, "SELECT id FROM orders_archive WHERE id = 1"));
        app.get("/db/undefined-column", ctx -> inTx(db, ctx, "SELECT id, discount FROM items WHERE id = 1"));
        app.post("/db/unique", ctx -> inTx(db, ctx, "INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)"));
        // Settings read per request, as a handler that honours a changed configuration does.
        app.get("/config/int", ctx -> ctx.result(Integer.toString(CONFIG.getInt("page.size"))));
        app.get("/config/missing", ctx -> ctx.result(CONFIG.getString("payments.url")));
        app.get("/null", ctx -> ctx.result(findCart("c-1").owner().name()));
        app.get("/slow", ctx -> {
            Thread.sleep(2000);
            ctx.result("slow");
        });
        app.get("/downstream/500", ctx -> ctx.result(call(CONFIG.getString("downstream.url") + "/null", Duration.ofSeconds(5))));
        app.get("/downstream/timeout", ctx -> ctx.result(call(CONFIG.getString("downstream.url") + "/slow", Duration.ofMillis(500))));
        app.get("/downstream/refused", ctx -> ctx.result(call(CONFIG.getString("closed.url") + "/payments", Duration.ofSeconds(5))));
        app.get("/bare500", ctx -> ctx.status(500));
        app.get("/cache/refused", ctx -> ctx.result(redisRefused.ping()));
        app.get("/cache/ping", ctx -> ctx.result(redis.ping()));
        app.start("127.0.0.1", Integer.parseInt(System.getenv("PORT")));
    }
}
