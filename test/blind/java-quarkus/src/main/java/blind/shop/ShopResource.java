package blind.shop;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;

/**
 * shop-quarkus: the blind check's Quarkus stack. Quarkus REST (blocking resource methods on the worker pool),
 * Agroal pools over the PostgreSQL JDBC driver (datasources of application.properties), the Quarkus REST
 * client, the Quarkus Redis client, settings read through MicroProfile Config; run under the OpenTelemetry Java
 * agent. Each route of test/blind/README.md induces its fault for real; nothing is recorded by hand.
 */
@Path("/")
public class ShopResource {
    @Inject
    Config config;

    @Inject
    AgroalDataSource db;

    @Inject
    @DataSource("refused")
    AgroalDataSource refused;

    @Inject
    @DataSource("badauth")
    AgroalDataSource badAuth;

    @Inject
    @DataSource("unknownhost")
    AgroalDataSource unknownHost;

    @Inject
    @DataSource("single")
    AgroalDataSource single;

    @Inject
    RedisDataSource redis;

    @Inject
    @RedisClientName("refused")
    RedisDataSource redisRefused;

    @GET
    @Path("health")
    public String health() {
        return "ok";
    }

    @GET
    @Path("items")
    public List<Map<String, Object>> items() throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, name, qty FROM items ORDER BY id")) {
            while (rs.next()) {
                out.add(Map.of("id", rs.getInt(1), "name", rs.getString(2), "qty", rs.getInt(3)));
            }
        }
        return out;
    }

    @GET
    @Path("items/{id}")
    public Response item(@PathParam("id") int id) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, name FROM items WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Response.status(Response.Status.NOT_FOUND).build();
                }
                return Response.ok(Map.of("id", rs.getInt(1), "name", rs.getString(2))).build();
            }
        }
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
    private Response inTx(String... statements) throws SQLException {
        try (Connection c = db.getConnection()) {
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
        return Response.ok().build();
    }

    @GET
    @Path("db/refused")
    public long dbRefused() throws SQLException {
        return count(refused);
    }

    @GET
    @Path("db/auth")
    public long dbAuth() throws SQLException {
        return count(badAuth);
    }

    @GET
    @Path("db/unknown-host")
    public long dbUnknownHost() throws SQLException {
        return count(unknownHost);
    }

    @GET
    @Path("db/pool")
    public long dbPool() throws SQLException {
        // The pool's one connection is held while a second is borrowed.
        try (Connection held = single.getConnection()) {
            held.createStatement().execute("SELECT 1");
            return count(single);
        }
    }

    @GET
    @Path("db/statement-timeout")
    public Response statementTimeout() throws SQLException {
        return inTx("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)");
    }

    @GET
    @Path("db/lock-timeout")
    public Response lockTimeout() throws SQLException {
        return inTx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1");
    }

    @GET
    @Path("db/undefined-table")
    public Response undefinedTable() throws SQLException {
        return inTx("SELECT id FROM orders_archive WHERE id = 1");
    }

    @GET
    @Path("db/undefined-column")
    public Response undefinedColumn() throws SQLException {
        return inTx("SELECT id, discount FROM items WHERE id = 1");
    }

    @POST
    @Path("db/unique")
    public Response unique() throws SQLException {
        return inTx("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)");
    }

    // Settings read per request, as a handler that honours a changed environment does
    // (PAGE_SIZE is page.size to MicroProfile Config's environment source).
    @GET
    @Path("config/int")
    public int pageSize() {
        return config.getValue("page.size", Integer.class);
    }

    @GET
    @Path("config/missing")
    public String paymentsUrl() {
        return config.getValue("payments.url", String.class);
    }

    record Customer(String name) {}

    record Cart(Customer owner) {}

    private static Cart findCart(String id) {
        return null;
    }

    @GET
    @Path("null")
    public String nullDereference() {
        return findCart("c-1").owner().name();
    }

    @GET
    @Path("slow")
    public String slow() throws InterruptedException {
        Thread.sleep(2000);
        return "slow";
    }

    @Path("/")
    public interface Upstream {
        @GET
        @Path("{path}")
        String get(@PathParam("path") String path);
    }

    private static Upstream upstream(String base, long timeoutMillis) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(base))
                .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .build(Upstream.class);
    }

    @GET
    @Path("downstream/500")
    public String downstream500() {
        return upstream(config.getValue("DOWNSTREAM_URL", String.class), 5000).get("null");
    }

    @GET
    @Path("downstream/timeout")
    public String downstreamTimeout() {
        return upstream(config.getValue("DOWNSTREAM_URL", String.class), 500).get("slow");
    }

    @GET
    @Path("downstream/refused")
    public String downstreamRefused() {
        return upstream(config.getValue("CLOSED_URL", String.class), 5000).get("payments");
    }

    @GET
    @Path("bare500")
    public Response bare500() {
        return Response.serverError().build();
    }

    @GET
    @Path("cache/refused")
    public String cacheRefused() {
        return redisRefused.execute("PING").toString();
    }

    @GET
    @Path("cache/ping")
    public String cachePing() {
        return redis.execute("PING").toString();
    }
}
