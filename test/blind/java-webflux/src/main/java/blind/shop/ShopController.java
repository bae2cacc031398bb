package blind.shop;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import java.util.List;
import java.util.Map;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
public class ShopController {
    private final Environment env;
    private final ConnectionFactory db;
    private final ConnectionFactory refused;
    private final ConnectionFactory badAuth;
    private final ConnectionFactory single;
    private final WebClient client;

    public ShopController(Environment env, WebClient.Builder clients) {
        this.env = env;
        this.db = pool(env.getProperty("DATABASE_URL"), "maxSize=4");
        this.refused = pool(env.getProperty("DATABASE_URL_REFUSED"), "maxSize=4");
        this.badAuth = pool(env.getProperty("DATABASE_URL_BAD_PASSWORD"), "maxSize=4");
        // A pool of one connection that waits 500 ms for a free one.
        this.single = pool(env.getProperty("DATABASE_URL"), "initialSize=0&maxSize=1&maxAcquireTime=PT0.5S");
        this.client = clients.build();
    }

    private static ConnectionFactory pool(String url, String options) {
        return ConnectionFactories.get(url.replaceFirst("^postgresql://", "r2dbc:pool:postgresql://") + "?" + options);
    }

    private static Mono<Long> exec(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).reduce(0L, Long::sum);
    }

    private static <T> Mono<T> with(ConnectionFactory cf, java.util.function.Function<Connection, Mono<T>> f) {
        return Mono.usingWhen(cf.create(), f, Connection::close);
    }

    private Mono<ResponseEntity<Void>> inTx(String... statements) {
        return with(db, c -> {
            Mono<Long> m = Mono.from(c.beginTransaction()).then(Mono.just(0L));
            for (String s : statements) {
                m = m.then(exec(c, s));
            }
            return m.then(Mono.from(c.rollbackTransaction())).then(Mono.just(ResponseEntity.ok().<Void>build()));
        });
    }

    @GetMapping("/health")
    public Mono<String> health() {
        return Mono.just("ok");
    }

    @GetMapping("/items")
    public Mono<List<Map<String, Object>>> items() {
        return with(db, c -> Flux.from(c.createStatement("SELECT id, name, qty FROM items ORDER BY id").execute())
                .flatMap(r -> r.map((row, meta) -> Map.<String, Object>of("id", row.get("id"), "name", row.get("name"), "qty", row.get("qty"))))
                .collectList());
    }

    @GetMapping("/items/{id}")
    public Mono<ResponseEntity<Map<String, Object>>> item(@PathVariable int id) {
        return with(db, c -> Flux.from(c.createStatement("SELECT id, name, qty FROM items WHERE id = $1").bind("$1", id).execute())
                .flatMap(r -> r.map((row, meta) -> Map.<String, Object>of("id", row.get("id"), "name", row.get("name"))))
                .next()
                .map(ResponseEntity::ok)
                .defaultIfEmpty(ResponseEntity.status(HttpStatus.NOT_FOUND).build()));
    }

    private Mono<Long> count(ConnectionFactory cf) {
        return with(cf, c -> Flux.from(c.createStatement("SELECT count(*) AS n FROM items").execute())
                .flatMap(r -> r.map((row, meta) -> row.get("n", Long.class))).next());
    }

    @GetMapping("/db/refused")
    public Mono<Long> dbRefused() {
        return count(refused);
    }

    @GetMapping("/db/auth")
    public Mono<Long> dbAuth() {
        return count(badAuth);
    }

    @GetMapping("/db/pool")
    public Mono<ResponseEntity<Void>> dbPool() {
        // The pool's one connection is held while a second is borrowed.
        return with(single, held -> exec(held, "SELECT 1").then(with(single, second -> exec(second, "SELECT 1"))))
                .then(Mono.just(ResponseEntity.ok().<Void>build()));
    }

    @GetMapping("/db/statement-timeout")
    public Mono<ResponseEntity<Void>> statementTimeout() {
        return inTx("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)");
    }

    @GetMapping("/db/lock-timeout")
    public Mono<ResponseEntity<Void>> lockTimeout() {
        return inTx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1");
    }

    @GetMapping("/db/undefined-table")
    public Mono<ResponseEntity<Void>> undefinedTable() {
        return inTx("SELECT id FROM orders_archive WHERE id = 1");
    }

    @GetMapping("/db/undefined-column")
    public Mono<ResponseEntity<Void>> undefinedColumn() {
        return inTx("SELECT id, discount FROM items WHERE id = 1");
    }

    @PostMapping("/db/unique")
    public Mono<ResponseEntity<Void>> unique() {
        return inTx("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)");
    }

    // Settings read per request, as a handler that honours a changed environment does.
    @GetMapping("/config/int")
    public Mono<Integer> pageSize() {
        return Mono.fromCallable(() -> env.getProperty("page.size", Integer.class, 20));
    }

    @GetMapping("/config/missing")
    public Mono<String> paymentsUrl() {
        return Mono.fromCallable(() -> env.getRequiredProperty("payments.url"));
    }

    record Customer(String name) {}

    record Cart(Customer owner) {}

    private static Cart findCart(String id) {
        return null;
    }

    @GetMapping("/null")
    public Mono<String> nullDereference() {
        return Mono.fromCallable(() -> findCart("c-1").owner().name());
    }

    private Mono<String> call(String url) {
        return client.get().uri(url).retrieve().bodyToMono(String.class);
    }

    @GetMapping("/downstream/500")
    public Mono<String> downstream500() {
        return call(env.getProperty("DOWNSTREAM_URL") + "/null");
    }

    @GetMapping("/downstream/refused")
    public Mono<String> downstreamRefused() {
        return call(env.getProperty("CLOSED_URL") + "/payments");
    }

    @GetMapping("/bare500")
    public Mono<ResponseEntity<Void>> bare500() {
        return Mono.just(ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).build());
    }
}
