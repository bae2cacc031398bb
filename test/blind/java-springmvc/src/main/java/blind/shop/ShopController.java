package blind.shop;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.commons.configuration2.Configuration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The routes of test/blind/README.md; exceptions are left to Spring and Undertow. */
@RestController
class ShopController {
    private final DataSource db, refused, badAuth, unknownHost, single;
    private final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private final OkHttpClient httpShort = http.newBuilder().readTimeout(500, TimeUnit.MILLISECONDS).build();
    private final String downstream, closed;

    ShopController(@Qualifier("main") DataSource db, @Qualifier("refused") DataSource refused,
            @Qualifier("badAuth") DataSource badAuth, @Qualifier("unknownHost") DataSource unknownHost,
            @Qualifier("single") DataSource single) {
        this.db = db;
        this.refused = refused;
        this.badAuth = badAuth;
        this.unknownHost = unknownHost;
        this.single = single;
        Configuration c = Settings.load();
        this.downstream = c.getString("downstream.url");
        this.closed = c.getString("closed.url");
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

    /** OkHttp's recipe: a response that is not a success is an IOException of the caller's. */
    private static String get(OkHttpClient client, String url) throws IOException {
        try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
            if (!r.isSuccessful()) {
                throw new IOException("Unexpected code " + r);
            }
            return r.body().string();
        }
    }

    record Customer(String name) {}

    record Cart(Customer owner) {}

    private static Cart findCart(String id) {
        return null;
    }

    @GetMapping("/health")
    String health() {
        return "ok";
    }

    @GetMapping("/items")
    String items() throws SQLException {
        return count(db);
    }

    @GetMapping("/items/{id}")
    ResponseEntity<String> item(@PathVariable("id") int id) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, name FROM items WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return ResponseEntity.status(404).body("not found");
                }
                return ResponseEntity.ok(rs.getInt(1) + " " + rs.getString(2));
            }
        }
    }

    @GetMapping("/db/refused")
    String dbRefused() throws SQLException {
        return count(refused);
    }

    @GetMapping("/db/auth")
    String dbAuth() throws SQLException {
        return count(badAuth);
    }

    @GetMapping("/db/unknown-host")
    String dbUnknownHost() throws SQLException {
        return count(unknownHost);
    }

    @GetMapping("/db/pool")
    String dbPool() throws SQLException {
        // The pool's one connection is held while a second is borrowed.
        try (Connection held = single.getConnection(); Statement s = held.createStatement()) {
            s.execute("SELECT 1");
            return count(single);
        }
    }

    @GetMapping("/db/statement-timeout")
    String statementTimeout() throws SQLException {
        return inTx(db, "SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)");
    }

    @GetMapping("/db/lock-timeout")
    String lockTimeout() throws SQLException {
        return inTx(db, "SET SESSION innodb_lock_wait_timeout = 1", "UPDATE items SET qty = qty + 1 WHERE id = 1");
    }

    @GetMapping("/db/undefined-table")
    String undefinedTable() throws SQLException {
        return inTx(db, "SELECT id FROM orders_archive WHERE id = 1");
    }

    @GetMapping("/db/undefined-column")
    String undefinedColumn() throws SQLException {
        return inTx(db, "SELECT id, discount FROM items WHERE id = 1");
    }

    @PostMapping("/db/unique")
    String unique() throws SQLException {
        return inTx(db, "INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)");
    }

    @GetMapping("/config/int")
    String configInt() {
        return Integer.toString(Settings.load().getInt("shop.page-size"));
    }

    @GetMapping("/config/missing")
    String configMissing() {
        return Settings.load().getString("payments.url");
    }

    @GetMapping("/null")
    String nullDereference() {
        return findCart("c-1").owner().name();
    }

    @GetMapping("/slow")
    String slow() throws InterruptedException {
        Thread.sleep(2000);
        return "slow";
    }

    @GetMapping("/downstream/500")
    String downstream500() throws IOException {
        return get(http, downstream + "/null");
    }

    @GetMapping("/downstream/timeout")
    String downstreamTimeout() throws IOException {
        return get(httpShort, downstream + "/slow");
    }

    @GetMapping("/downstream/refused")
    String downstreamRefused() throws IOException {
        return get(http, closed + "/payments");
    }

    @GetMapping("/bare500")
    ResponseEntity<String> bare500() {
        return ResponseEntity.status(500).build();
    }
}
