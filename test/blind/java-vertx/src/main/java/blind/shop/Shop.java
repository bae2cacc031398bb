package blind.shop;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.predicate.ResponsePredicate;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLPool;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * shop-vertx: the blind check's Vert.x stack on MariaDB. Vert.x web, pools of the reactive MySQL client, the Vert.x
 * Redis client, the Vert.x web client, settings from Vert.x Config (its environment store, read per request),
 * logback through Vert.x's SLF4J logging; run under the OpenTelemetry Java agent. Each route of test/blind/README.md
 * induces its fault for real; nothing is recorded by hand. A failed future goes to RoutingContext.fail and an
 * exception thrown in a handler to Vert.x web, which answer 500 with no failure handler of the application's.
 */
public final class Shop {
    private static final String DB_HOST = System.getenv("DB_HOST");
    private static final int DB_PORT = Integer.parseInt(System.getenv("DB_PORT"));

    private static Pool pool(Vertx vertx, String host, int port, String password, int maxSize, int waitMillis) {
        MySQLConnectOptions connect = new MySQLConnectOptions()
                .setHost(host)
                .setPort(port)
                .setDatabase(System.getenv("DB_NAME"))
                .setUser(System.getenv("DB_USER"))
                .setPassword(password);
        PoolOptions options = new PoolOptions()
                .setMaxSize(maxSize)
                .setConnectionTimeout(waitMillis)
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        // MySQLPool.pool, the factory of the Vert.x 4 guides: the agent's vertx-sql-client-4.0 instrumentation takes
        // the connect options from it (a pool from 4.5's MySQLBuilder gets no database spans from agent 2.31.1).
        return MySQLPool.pool(vertx, connect, options);
    }

    private static Pool pool(Vertx vertx, String host, int port, String password) {
        return pool(vertx, host, port, password, 4, 5000);
    }

    record Customer(String name) {}

    record Cart(Customer owner) {}

    private static Cart findCart(String id) {
        return null;
    }

    /** Answers with the future's value, or fails the request with its cause. */
    private static void answer(RoutingContext ctx, Future<?> result) {
        result.onSuccess(v -> ctx.end(String.valueOf(v))).onFailure(ctx::fail);
    }

    private static Future<Integer> rows(Pool pool, String sql) {
        return pool.query(sql).execute().map(RowSet::rowCount);
    }

    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx();
        String password = System.getenv("DB_PASSWORD");
        Pool db = pool(vertx, DB_HOST, DB_PORT, password);
        // The database is down: a port nothing listens on.
        Pool refused = pool(vertx, DB_HOST, Integer.parseInt(System.getenv("DB_PORT_REFUSED")), password);
        Pool badAuth = pool(vertx, DB_HOST, DB_PORT, "not-the-password");
        Pool unknownHost = pool(vertx, System.getenv("DB_HOST_UNKNOWN"), DB_PORT, password);
        // A pool of one connection that waits 500 ms for a free one.
        Pool single = pool(vertx, DB_HOST, DB_PORT, password, 1, 500);
        RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, System.getenv("REDIS_URL")));
        RedisAPI redisRefused = RedisAPI.api(Redis.createClient(vertx, System.getenv("REDIS_URL_REFUSED")));
        WebClient web = WebClient.create(vertx);
        String downstream = System.getenv("DOWNSTREAM_URL");
        ConfigRetriever settings = ConfigRetriever.create(vertx,
                new ConfigRetrieverOptions().addStore(new ConfigStoreOptions().setType("env")));

        Router router = Router.router(vertx);
        router.get("/health").handler(ctx -> ctx.end("ok"));
        router.get("/items").handler(ctx -> answer(ctx, db.query("SELECT count(*) FROM items").execute()
                .map(rs -> rs.iterator().next().getLong(0))));
        router.get("/items/:id").handler(ctx -> db.preparedQuery("SELECT id, name FROM items WHERE id = ?")
                .execute(Tuple.of(Integer.parseInt(ctx.pathParam("id"))))
                .onFailure(ctx::fail)
                .onSuccess(rs -> {
                    if (rs.rowCount() == 0) {
                        ctx.response().setStatusCode(404).end("not found");
                        return;
                    }
                    Row row = rs.iterator().next();
                    ctx.end(row.getInteger("id") + " " + row.getString("name"));
                }));
        router.get("/db/refused").handler(ctx -> answer(ctx, rows(refused, "SELECT 1")));
        router.get("/db/auth").handler(ctx -> answer(ctx, rows(badAuth, "SELECT 1")));
        router.get("/db/unknown-host").handler(ctx -> answer(ctx, rows(unknownHost, "SELECT 1")));
        // The pool's one connection is held while the pool is asked for a second.
        router.get("/db/pool").handler(ctx -> answer(ctx, single.getConnection().compose(held -> held.query("SELECT 1")
                .execute()
                .compose(r -> rows(single, "SELECT qty FROM items WHERE id = 1"))
                .onComplete(ar -> held.close()))));
        router.get("/db/statement-timeout").handler(ctx ->
                answer(ctx, rows(db, "SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)")));
        router.get("/db/lock-timeout").handler(ctx -> answer(ctx, db.withTransaction(c ->
                c.query("SET SESSION innodb_lock_wait_timeout = 1").execute()
                        .compose(r -> c.query("UPDATE items SET qty = qty + 1 WHERE id = 1").execute())
                        .map(RowSet::rowCount))));
        router.get("/db/undefined-table").handler(ctx -> answer(ctx, rows(db, "SELECT * FROM invoices")));
        router.get("/db/undefined-column").handler(ctx -> answer(ctx, rows(db, "SELECT discount FROM items")));
        router.post("/db/unique").handler(ctx -> answer(ctx, db.preparedQuery("INSERT INTO items (id, name, qty) VALUES (?, ?, ?)")
                .execute(Tuple.of(1, "again", 1))
                .map(RowSet::rowCount)));
        // Settings read per request, as a handler that honours a changed configuration does.
        router.get("/config/int").handler(ctx -> answer(ctx, settings.getConfig().map(conf -> conf.getInteger("PAGE_SIZE"))));
        router.get("/config/missing").handler(ctx -> answer(ctx, settings.getConfig().map(Shop::paymentsUrl)));
        router.get("/null").handler(ctx -> ctx.end(findCart("c-1").owner().name()));
        router.get("/slow").handler(ctx -> vertx.setTimer(2000, t -> ctx.end("slow")));
        router.get("/downstream/500").handler(ctx -> answer(ctx, call(web, downstream + "/null", 5000)));
        router.get("/downstream/timeout").handler(ctx -> answer(ctx, call(web, downstream + "/slow", 500)));
        router.get("/downstream/refused").handler(ctx -> answer(ctx, call(web, System.getenv("CLOSED_URL") + "/payments", 5000)));
        router.get("/bare500").handler(ctx -> ctx.response().setStatusCode(500).end());
        router.get("/cache/refused").handler(ctx -> answer(ctx, redisRefused.ping(List.of())));
        router.get("/cache/ping").handler(ctx -> answer(ctx, redis.ping(List.of())));

        vertx.createHttpServer().requestHandler(router).listen(Integer.parseInt(System.getenv("PORT")), "127.0.0.1")
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    private static String paymentsUrl(JsonObject conf) {
        String url = conf.getString("PAYMENTS_URL");
        if (url == null) {
            throw new IllegalStateException("PAYMENTS_URL is not configured");
        }
        return url;
    }

    private static Future<String> call(WebClient web, String url, long timeoutMillis) {
        return web.getAbs(url).timeout(timeoutMillis).expect(ResponsePredicate.SC_SUCCESS).send().map(HttpResponse::bodyAsString);
    }
}
