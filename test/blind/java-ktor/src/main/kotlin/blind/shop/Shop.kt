// shop-ktor: a blind check's JVM stack. Ktor 3 on Netty (EngineMain with its HOCON application.conf; no StatusPages:
// an exception out of a route is answered 500 by Ktor, which logs it, "Unhandled: GET - /path"), JDBI 3 on HikariCP
// pools over pgjdbc, the Ktor client on CIO (expectSuccess, HttpTimeout), the settings read per request from Ktor's
// ApplicationConfig, logback; run under the OpenTelemetry Java agent. Each route induces one fault of
// test/integration/blindcapture/cases.go; nothing is recorded by hand.
package blind.shop

import com.zaxxer.hikari.HikariConfig
import com.zaxxer.hikari.HikariDataSource
import io.ktor.client.HttpClient
import io.ktor.client.engine.cio.CIO
import io.ktor.client.plugins.HttpTimeout
import io.ktor.client.plugins.timeout
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.response.respond
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import io.ktor.server.routing.routing
import kotlinx.coroutines.delay
import org.jdbi.v3.core.Jdbi

class Customer(val name: String)

class Cart(val owner: Customer)

private val carts = mapOf("alice" to Cart(Customer("alice")))

fun findCart(id: String): Cart? = carts[id]

fun main(args: Array<String>) = io.ktor.server.netty.EngineMain.main(args)

fun Application.module() {
    val conf = environment.config
    fun setting(path: String) = conf.property("shop.$path").getString()

    // A HikariCP pool per database, as an application configures them: the refused, unresolvable and
    // wrong-password ones too (none connects until it is used), and a pool of one whose borrow waits 500 ms.
    fun pool(name: String, host: String, port: String, password: String, size: Int, timeoutMs: Long): Jdbi {
        val cfg = HikariConfig()
        cfg.poolName = name
        cfg.jdbcUrl = "jdbc:postgresql://$host:$port/${setting("db.name")}?connectTimeout=2"
        cfg.username = setting("db.user")
        cfg.password = password
        cfg.maximumPoolSize = size
        cfg.connectionTimeout = timeoutMs
        cfg.initializationFailTimeout = -1
        return Jdbi.create(HikariDataSource(cfg))
    }
    val host = setting("db.host")
    val port = setting("db.port")
    val password = setting("db.password")
    val shop = pool("shop", host, port, password, 4, 3000)
    val refused = pool("refused", host, setting("db.port-refused"), password, 4, 3000)
    val unknownHost = pool("unknown-host", setting("db.host-unknown"), port, password, 4, 3000)
    val badAuth = pool("bad-auth", host, port, "wrong-$password", 4, 3000)
    val single = pool("single", host, port, password, 1, 500)

    val client = HttpClient(CIO) {
        expectSuccess = true
        install(HttpTimeout) { requestTimeoutMillis = 5000 }
    }

    fun count(db: Jdbi): Int = db.withHandle<Int, Exception> { h ->
        h.createQuery("SELECT count(*) FROM items").mapTo(Int::class.java).one()
    }

    routing {
        get("/health") { call.respondText("ok") }
        get("/items") {
            val rows = shop.withHandle<List<Map<String, Any>>, Exception> { h ->
                h.createQuery("SELECT id, name, qty FROM items ORDER BY id").mapToMap().list()
            }
            call.respondText(rows.toString())
        }
        get("/items/{id}") {
            val id = call.parameters["id"]!!.toInt()
            val row = shop.withHandle<Map<String, Any>?, Exception> { h ->
                h.createQuery("SELECT id, name, qty FROM items WHERE id = :id").bind("id", id).mapToMap().findOne().orElse(null)
            }
            if (row == null) call.respond(HttpStatusCode.NotFound, "no such item") else call.respondText(row.toString())
        }
        get("/db/refused") { call.respondText(count(refused).toString()) }
        get("/db/unknown-host") { call.respondText(count(unknownHost).toString()) }
        get("/db/auth") { call.respondText(count(badAuth).toString()) }
        get("/db/pool") {
            // The pool's one connection is held by an open handle while a second handle borrows one (open(), as
            // a withHandle nested in another reuses its handle).
            val n = single.open().use { held ->
                held.createQuery("SELECT 1").mapTo(Int::class.java).one()
                single.open().use { second -> second.createQuery("SELECT count(*) FROM items").mapTo(Int::class.java).one() }
            }
            call.respondText(n.toString())
        }
        get("/db/statement-timeout") {
            shop.useTransaction<Exception> { h ->
                h.execute("SET LOCAL statement_timeout = '200ms'")
                h.createQuery("SELECT pg_sleep(2)").mapTo(String::class.java).list()
            }
            call.respondText("done")
        }
        get("/db/lock-timeout") {
            shop.useTransaction<Exception> { h ->
                h.execute("SET LOCAL lock_timeout = '200ms'")
                h.createUpdate("UPDATE items SET qty = qty - 1 WHERE id = 1").execute()
            }
            call.respondText("done")
        }
        get("/db/undefined-table") {
            val ids = shop.withHandle<List<Int>, Exception> { h ->
                h.createQuery("SELECT id FROM invoices").mapTo(Int::class.java).list()
            }
            call.respondText(ids.toString())
        }
        get("/db/undefined-column") {
            val d = shop.withHandle<List<Int>, Exception> { h ->
                h.createQuery("SELECT discount FROM items WHERE id = 1").mapTo(Int::class.java).list()
            }
            call.respondText(d.toString())
        }
        post("/db/unique") {
            shop.useHandle<Exception> { h ->
                h.createUpdate("INSERT INTO items (id, name, qty) VALUES (:id, :name, :qty)")
                    .bind("id", 1).bind("name", "again").bind("qty", 1).execute()
            }
            call.respondText("created")
        }
        get("/config/int") {
            val pageSize = conf.property("shop.page-size").getString().toInt()
            call.respondText(pageSize.toString())
        }
        get("/config/missing") { call.respondText(conf.property("shop.payments-url").getString()) }
        get("/null") { call.respondText(findCart("nobody")!!.owner.name) }
        get("/slow") {
            delay(2000)
            call.respondText("slow")
        }
        get("/downstream/500") { call.respondText(client.get(setting("downstream-url") + "/null").bodyAsText()) }
        get("/downstream/timeout") {
            val body = client.get(setting("downstream-url") + "/slow") { timeout { requestTimeoutMillis = 500 } }.bodyAsText()
            call.respondText(body)
        }
        get("/downstream/refused") { call.respondText(client.get(setting("closed-url") + "/payments").bodyAsText()) }
        get("/bare500") { call.respond(HttpStatusCode.InternalServerError, "") }
    }
}
