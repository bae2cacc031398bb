package blind.shop;

import io.dropwizard.core.setup.Environment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The routes of test/blind/README.md, as Jersey resource methods. */
@Path("/")
@Produces(MediaType.TEXT_PLAIN)
public final class ShopResource {
    private final Environment env;
    private final DataSource db, refused, badAuth, unknownHost, single;
    private final StatefulRedisConnection<String, String> redis;
    private final RedisClient redisRefused;
    private final Client http, httpShort;
    private final String downstream, closed;

    ShopResource(Environment env, DataSource db, DataSource refused, DataSource badAuth, DataSource unknownHost,
            DataSource single, StatefulRedisConnection<String, String> redis, RedisClient redisRefused, Client http,
            Client httpShort, String downstream, String closed) {
        this.env = env;
        this.db = db;
        this.refused = refused;
        this.badAuth = badAuth;
        this.unknownHost = unknownHost;
        this.single = single;
        this.redis = redis;
        this.redisRefused = redisRefused;
        this.http = http;
        this.httpShort = httpShort;
        this.downstream = downstream;
        this.closed = closed;
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

    @GET @Path("health")
    public String health() {
        return "ok";
    }

    @GET @Path("items")
    public String items() throws SQLException {
        return count(db);
    }

    @GET @Path("items/{id}")
    public Response item(@PathParam("id") int id) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, name FROM items WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Response.status(404).entity("not found").build();
                }
                return Response.ok(rs.getInt(1) + " " + rs.getString(2)).build();
            }
        }
    }

    @GET @Path("db/refused")
    public String dbRefused() throws SQLException {
        return count(refused);
    }

    @GET @Path("db/auth")
    public String dbAuth() throws SQLException {
        return count(badAuth);
    }

    @GET @Path("db/unknown-host")
    public String dbUnknownHost() throws SQLException {
        return count(unknownHost);
    }

    @GET @Path("db/pool")
    public String dbPool() throws SQLException {
        // The pool's one connection is held while a second is borrowed.
        try (Connection held = single.getConnection(); Statement s = held.createStatement()) {
            s.execute("SELECT 1");
            return count(single);
        }
    }

    @GET @Path("db/statement-timeout")
    public String statementTimeout() throws SQLException {
        return inTx(db, "SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)");
    }

    @GET @Path("db/lock-timeout")
    public String lockTimeout() throws SQLException {
        return inTx(db, "SET SESSION innodb_lock_wait_timeout = 1", "UPDATE items SET qty = qty + 1 WHERE id = 1");
    }

    @GET @Path("db/undefined-table")
    public String undefinedTable() throws SQLException {
        return inTx(db, "SELECT id FROM orders_archive WHERE id = 1");
    }

    @GET @Path("db/undefined-column")
    public String undefinedColumn() throws SQLException {
        return inTx(db, "SELECT id, discount FROM items WHERE id = 1");
    }

    @POST @Path("db/unique")
    public String unique() throws SQLException {
        return inTx(db, "INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)");
    }

    // Settings read per request, as a handler that honours a changed configuration does.
    @GET @Path("config/int")
    public String configInt() throws Exception {
        return Integer.toString(Shop.settings(ShopConfiguration.Paging.class, env, "paging.yml").pageSize);
    }

    @GET @Path("config/missing")
    public String configMissing() throws Exception {
        return Shop.settings(ShopConfiguration.Payments.class, env, "payments.yml").paymentsUrl;
    }

    @GET @Path("null")
    public String nullDereference() {
        return findCart("c-1").owner().name();
    }

    @GET @Path("slow")
    public String slow() throws InterruptedException {
        Thread.sleep(2000);
        return "slow";
    }

    @GET @Path("downstream/500")
    public String downstream500() {
        return http.target(downstream + "/null").request().get(String.class);
    }

    @GET @Path("downstream/timeout")
    public String downstreamTimeout() {
        return httpShort.target(downstream + "/slow").request().get(String.class);
    }

    @GET @Path("downstream/refused")
    public String downstreamRefused() {
        return http.target(closed + "/payments").request().get(String.class);
    }

    @GET @Path("bare500")
    public Response bare500() {
        return Response.serverError().build();
    }

    @GET @Path("cache/refused")
    public String cacheRefused() {
        try (StatefulRedisConnection<String, String> c = redisRefused.connect()) {
            return c.sync().ping();
        }
    }

    @GET @Path("cache/ping")
    public String cachePing() {
        return redis.sync().ping();
    }
}
