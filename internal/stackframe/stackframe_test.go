package stackframe

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Real stack traces, each as its runtime and OpenTelemetry SDK record it
// (testdata/*.txt, see testdata/README.md for where each comes from), and
// the top in-app frame a developer would point at.
var realTraces = []struct {
	file, lang, want string
}{
	{"go_panic.txt", "go", "main.(*cart).first"},
	{"go_panic_moved.txt", "go", "main.(*cart).first"},
	{"java_caused_by.txt", "java", "com.shop.cart.CartService$Repo.find"},
	{"java_spring_tomcat.txt", "java", "com.acme.shop.web.CartController.total"},
	{"java_npe_shipping.txt", "java", "com.acme.orders.OrderService.shippingCity"},
	{"java_npe_discount.txt", "java", "com.acme.orders.OrderService.discountPercent"},
	{"python_chain.txt", "python", "shop/views.checkout"},
	{"python_dist_packages.txt", "python", "shop/yamlerr.read_config"},
	{"python_genexpr.txt", "python", "python/orders_flask.<genexpr>"},
	{"node_async.txt", "node", "routes/cart.CartController.total"},
	{"node_json_parse.txt", "node", "routes/cart.<anonymous>"},
	{"node_express_handler.txt", "node", "node/app.<anonymous>"},
	{"dotnet_mvc.txt", "dotnet", "StackExchange.Opserver.Controllers.StatusController.DefaultAction"},
	{"dotnet_async.txt", "dotnet", "Guru.Web.Controllers.AccountController.Login"},
	{"dotnet_inner.txt", "dotnet", "Shop.Orders.OrderService.GetOrdersAsync"},
	{"ruby_full_message.txt", "ruby", "models/cart.Cart#total"},
	{"ruby_legacy_quotes.txt", "ruby", "controllers/errors_controller.render_error"},
	{"php_otel.txt", "php", "Abc.Def.Repo.find"},
	{"php_native.txt", "php_native", `App\Repositories\CartRepository->find`},
}

func readTrace(t *testing.T, file string) string {
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTopOfRealTraces(t *testing.T) {
	for _, tc := range realTraces {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		got, lang, ok := top(string(b), nil)
		if !ok || lang != tc.lang || got != tc.want {
			t.Errorf("%s: got %q (%s, %v), want %q (%s)", tc.file, got, lang, ok, tc.want, tc.lang)
		}
		// CRLF line endings (a trace copied through Windows tooling) read the same.
		if crlf := Top(strings.ReplaceAll(string(b), "\n", "\r\n")); crlf != got {
			t.Errorf("%s with CRLF: %q, want %q", tc.file, crlf, got)
		}
	}
}

// One test row per skip row: a frame line of that language, in its real
// format, that the row must skip; what follows it is the in-app frame.
var skipRowTests = []struct {
	row   string
	trace string
	want  string
}{
	{"go.runtime", "runtime.sigpanic()\n\t/usr/local/go/src/runtime/signal_unix.go:917 +0x2f\n" + goApp, goAppFrame},
	{"go.stdlib", "net/http.HandlerFunc.ServeHTTP(0x0?, {0x1?, 0x2?}, 0x3?)\n\t/usr/local/go/src/net/http/server.go:2286 +0x29\n" + goApp, goAppFrame},
	{"go.otel", "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp.(*middleware).serveHTTP(0xc0, {0x1, 0x2}, 0x3, {0x4, 0x5})\n\t/go/pkg/mod/go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@v0.63.0/handler.go:179 +0x2d\n" + goApp, goAppFrame},
	{"go.grpc", "google.golang.org/grpc.(*Server).processUnaryRPC(0xc0, {0x1, 0x2}, 0x3)\n\t/go/pkg/mod/google.golang.org/grpc@v1.76.0/server.go:1431 +0x106\n" + goApp, goAppFrame},
	{"go.chi", "github.com/go-chi/chi/v5.(*Mux).routeHTTP(0xc0, {0x1, 0x2}, 0x3)\n\t/go/pkg/mod/github.com/go-chi/chi/v5@v5.2.3/mux.go:478 +0x2a\n" + goApp, goAppFrame},
	{"go.gin", "github.com/gin-gonic/gin.(*Context).Next(...)\n\t/go/pkg/mod/github.com/gin-gonic/gin@v1.11.0/context.go:192\n" + goApp, goAppFrame},
	{"go.echo", "github.com/labstack/echo/v4.(*Echo).ServeHTTP(0xc0, {0x1, 0x2}, 0x3)\n\t/go/pkg/mod/github.com/labstack/echo/v4@v4.13.4/echo.go:668 +0x32\n" + goApp, goAppFrame},
	{"go.gorilla", "github.com/gorilla/mux.(*Router).ServeHTTP(0xc0, {0x1, 0x2}, 0x3)\n\t/go/pkg/mod/github.com/gorilla/mux@v1.8.1/mux.go:212 +0x1e2\n" + goApp, goAppFrame},
	{"go.fiber", "github.com/gofiber/fiber/v2.(*App).next(0xc0, 0x1)\n\t/go/pkg/mod/github.com/gofiber/fiber/v2@v2.52.9/router.go:145 +0x1b2\n" + goApp, goAppFrame},
	{"go.pgx", "github.com/jackc/pgx/v5/pgconn.connectOne({0x1, 0x2}, 0x3, 0x4, 0x0)\n\t/go/pkg/mod/github.com/jackc/pgx/v5@v5.7.6/pgconn/pgconn.go:354 +0x4c5\n" + goApp, goAppFrame},
	{"go.mysql", "github.com/go-sql-driver/mysql.(*mysqlConn).readPacket(0xc0)\n\t/go/pkg/mod/github.com/go-sql-driver/mysql@v1.9.3/packets.go:38 +0x3c\n" + goApp, goAppFrame},
	{"go.pq", "github.com/lib/pq.(*conn).query(0xc0, {0x1, 0x2}, {0x3, 0x0, 0x0})\n\t/go/pkg/mod/github.com/lib/pq@v1.10.9/conn.go:893 +0x3a\n" + goApp, goAppFrame},
	{"go.otelsql", "github.com/XSAM/otelsql.(*otConn).QueryContext(0xc0, {0x1, 0x2}, {0x3, 0x4}, {0x5, 0x0, 0x0})\n\t/go/pkg/mod/github.com/!x!s!a!m/otelsql@v0.40.0/conn.go:124 +0x3a\n" + goApp, goAppFrame},

	{"java.jdk", "\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)\n" + javaApp, javaAppFrame},
	{"java.javax", "\tat javax.servlet.http.HttpServlet.service(HttpServlet.java:764)\n" + javaApp, javaAppFrame},
	{"java.jakarta", "\tat jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)\n" + javaApp, javaAppFrame},
	{"java.jdk_internal", "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)\n" + javaApp, javaAppFrame},
	{"java.sun", "\tat sun.nio.ch.Net.connect0(Native Method)\n" + javaApp, javaAppFrame},
	{"java.com_sun", "\tat com.sun.proxy.$Proxy123.findById(Unknown Source)\n" + javaApp, javaAppFrame},
	{"java.spring", "\tat org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept(CglibAopProxy.java:728)\n" + javaApp, javaAppFrame},
	{"java.tomcat", "\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)\n" + javaApp, javaAppFrame},
	{"java.coyote", "\tat org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:896)\n" + javaApp, javaAppFrame},
	{"java.tomcat_util", "\tat org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1736)\n" + javaApp, javaAppFrame},
	{"java.netty", "\tat io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(AbstractChannelHandlerContext.java:444)\n" + javaApp, javaAppFrame},
	{"java.reactor", "\tat reactor.core.publisher.Mono.block(Mono.java:1779)\n" + javaApp, javaAppFrame},
	{"java.hikari", "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:686)\n" + javaApp, javaAppFrame},
	{"java.hibernate", "\tat org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:58)\n" + javaApp, javaAppFrame},
	{"java.postgresql", "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2733)\n" + javaApp, javaAppFrame},
	{"java.mysql", "\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:121)\n" + javaApp, javaAppFrame},
	{"java.mariadb", "\tat org.mariadb.jdbc.client.impl.StandardClient.readPacket(StandardClient.java:915)\n" + javaApp, javaAppFrame},
	{"java.jetty", "\tat org.eclipse.jetty.server.handler.HandlerWrapper.handle(HandlerWrapper.java:127)\n" + javaApp, javaAppFrame},
	{"java.undertow", "\tat io.undertow.servlet.handlers.ServletHandler.handleRequest(ServletHandler.java:74)\n" + javaApp, javaAppFrame},
	{"java.otel", "\tat io.opentelemetry.javaagent.instrumentation.servlet.v5_0.service.JakartaServletServiceAdvice.onExit(JakartaServletServiceAdvice.java:87)\n" + javaApp, javaAppFrame},
	// java-quarkus cache_refused: Mutiny's blocking await inside Quarkus' Redis data source.
	{"java.smallrye", "\tat io.smallrye.mutiny.operators.uni.UniBlockingAwait.await(UniBlockingAwait.java:84)\n" + javaApp, javaAppFrame},
	{"java.quarkus", "\tat io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl.execute(BlockingRedisDataSourceImpl.java:432)\n" + javaApp, javaAppFrame},
	{"java.vertx", "\tat io.vertx.core.impl.future.FutureImpl.onComplete(FutureImpl.java:164)\n" + javaApp, javaAppFrame},
	{"java.kotlin", "\tat kotlin.collections.CollectionsKt___CollectionsKt.first(_Collections.kt:199)\n" + javaApp, javaAppFrame},
	{"java.kotlinx", "\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:108)\n" + javaApp, javaAppFrame},
	{"java.scala", "\tat scala.collection.immutable.List.head(List.scala:469)\n" + javaApp, javaAppFrame},

	{"python.site_packages", "Traceback (most recent call last):\n" + pyApp + "  File \"/srv/venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py\", line 1967, in _exec_single_context\n    self.dialect.do_execute(\n", pyAppFrame},
	{"python.dist_packages", "Traceback (most recent call last):\n" + pyApp + "  File \"/usr/lib/python3/dist-packages/requests/sessions.py\", line 589, in request\n    resp = self.send(prep, **send_kwargs)\n", pyAppFrame},
	{"python.stdlib", "Traceback (most recent call last):\n" + pyApp + "  File \"/usr/local/lib/python3.11/json/decoder.py\", line 355, in raw_decode\n    raise JSONDecodeError(\"Expecting value\", s, err.value) from None\n", pyAppFrame},
	{"python.frozen", "Traceback (most recent call last):\n" + pyApp + "  File \"<frozen importlib._bootstrap>\", line 1176, in _find_and_load\n", pyAppFrame},
	{"python.pydantic_compiled", "Traceback (most recent call last):\n" + pyApp + "  File \"pydantic/main.py\", line 341, in pydantic.main.BaseModel.__init__\n", pyAppFrame},
	{"python.attrs_generated", "Traceback (most recent call last):\n" + pyApp + "  File \"<attrs generated init shop.config.AppConfig>\", line 3, in __init__\n", pyAppFrame},

	{"node.internals", "Error: boom\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n" + nodeApp, nodeAppFrame},
	{"node.internal_old", "Error: boom\n    at Module._compile (internal/modules/cjs/loader.js:1063:30)\n" + nodeApp, nodeAppFrame},
	{"node.node_modules", "Error: boom\n    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)\n" + nodeApp, nodeAppFrame},
	{"node.builtin", "SyntaxError: Unexpected token\n    at JSON.parse (<anonymous>)\n" + nodeApp, nodeAppFrame},
	{"node.promise_index", "Error: boom\n    at async Promise.all (index 0)\n" + nodeApp, nodeAppFrame},
	{"node.native", "Error: boom\n    at Array.map (native)\n" + nodeApp, nodeAppFrame},

	{"dotnet.system", "System.Exception: boom\n   at System.Linq.ThrowHelper.ThrowNoElementsException()\n" + dotnetApp, dotnetAppFrame},
	{"dotnet.microsoft", "System.Exception: boom\n   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext httpContext)\n" + dotnetApp, dotnetAppFrame},
	{"dotnet.lambda_method", "System.Exception: boom\n   at lambda_method5(Closure , Object , Object[] )\n" + dotnetApp, dotnetAppFrame},
	{"dotnet.npgsql", "Npgsql.PostgresException: 42P01\n   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)\n" + dotnetApp, dotnetAppFrame},
	{"dotnet.otel", "System.Exception: boom\n   at OpenTelemetry.Trace.ActivityExtensions.RecordException(Activity activity, Exception ex)\n" + dotnetApp, dotnetAppFrame},

	{"ruby.gems", "/usr/local/bundle/gems/activerecord-7.1.3/lib/active_record/relation.rb:12:in 'ActiveRecord::Relation#find': not found (ActiveRecord::RecordNotFound)\n" + rubyApp, rubyAppFrame},
	{"ruby.stdlib", "/usr/local/lib/ruby/3.3.0/net/http.rb:1603:in `connect': Connection refused (Errno::ECONNREFUSED)\n" + rubyApp, rubyAppFrame},
	{"ruby.internal", "<internal:kernel>:187:in 'Kernel#loop': boom (RuntimeError)\n" + rubyApp, rubyAppFrame},

	{"php.main", "Exception: boom\n\tat {main}(index.php:3)\n" + phpApp, phpAppFrame},
	{"php.laravel", "Exception: boom\n\tat Illuminate.Routing.Route.runController(Route.php:266)\n" + phpApp, phpAppFrame},
	{"php.symfony", "Exception: boom\n\tat Symfony.Component.HttpKernel.HttpKernel.handleRaw(HttpKernel.php:181)\n" + phpApp, phpAppFrame},
	{"php.guzzle", "Exception: boom\n\tat GuzzleHttp.Handler.CurlFactory.createRejection(CurlFactory.php:210)\n" + phpApp, phpAppFrame},
	{"php.doctrine", "Exception: boom\n\tat Doctrine.DBAL.Connection.executeQuery(Connection.php:1100)\n" + phpApp, phpAppFrame},
	{"php.slim", "Exception: boom\n\tat Slim.Routing.Route.handle(Route.php:384)\n" + phpApp, phpAppFrame},
	{"php.otel", "Exception: boom\n\tat OpenTelemetry.Contrib.Instrumentation.Laravel.Hooks.hook(Kernel.php:40)\n" + phpApp, phpAppFrame},
	{"php.pdo", "PDOException: SQLSTATE[42S02]\n\tat PDO.prepare(Connection.php:592)\n" + phpApp, phpAppFrame},

	{"php_native.main", "#0 {main}\n" + phpNativeApp, phpNativeAppFrame},
	{"php_native.internal", "#0 [internal function]: array_map()\n" + phpNativeApp, phpNativeAppFrame},
	{"php_native.vendor", "#0 /var/www/html/vendor/guzzlehttp/guzzle/src/functions.php(61): call_user_func_array()\n" + phpNativeApp, phpNativeAppFrame},
	{"php_native.laravel", `#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php(183): Illuminate\Routing\Router->runRoute()` + "\n" + phpNativeApp, phpNativeAppFrame},
	{"php_native.symfony", `#0 /var/www/html/public/index.php(20): Symfony\Component\HttpKernel\HttpKernel->handle()` + "\n" + phpNativeApp, phpNativeAppFrame},
	{"php_native.pdo", "#0 /var/www/html/src/Db.php(12): PDO->query()\n" + phpNativeApp, phpNativeAppFrame},
}

func TestSkipRows(t *testing.T) {
	for _, tc := range skipRowTests {
		var hits []string
		got, _, _ := top(tc.trace, func(r string) { hits = append(hits, r) })
		if got != tc.want {
			t.Errorf("%s: top %q, want %q", tc.row, got, tc.want)
		}
		if len(hits) == 0 || hits[0] != strings.SplitN(tc.row, ".", 2)[0] || !contains(hits, tc.row) {
			t.Errorf("%s: rows hit %v", tc.row, hits)
		}
	}
}

// The in-app frames the skip rows are tested in front of.
const (
	goApp        = "github.com/acme/shop/cart.(*Service).Total(0xc000123456, {0x9a1b20, 0xc000456789})\n\t/src/cart/service.go:88 +0x1d\n"
	goAppFrame   = "github.com/acme/shop/cart.(*Service).Total"
	javaApp      = "\tat com.acme.shop.CartService.total(CartService.java:42)\n"
	javaAppFrame = "com.acme.shop.CartService.total"
	// Python prints the outermost call first: the app frame comes before.
	pyApp             = "  File \"/srv/app/shop/orders.py\", line 31, in place_order\n    db.execute(stmt)\n"
	pyAppFrame        = "shop/orders.place_order"
	nodeApp           = "    at OrderService.place (/srv/app/src/orders.js:31:9)\n"
	nodeAppFrame      = "src/orders.OrderService.place"
	dotnetApp         = "   at Shop.Orders.OrderService.Place(Int32 id) in /src/Shop/Orders/OrderService.cs:line 31\n"
	dotnetAppFrame    = "Shop.Orders.OrderService.Place"
	rubyApp           = "\tfrom /srv/app/app/services/order_service.rb:31:in 'OrderService#place'\n"
	rubyAppFrame      = "services/order_service.OrderService#place"
	phpApp            = "\tat App.Orders.OrderService.place(OrderService.php:31)\n"
	phpAppFrame       = "App.Orders.OrderService.place"
	phpNativeApp      = `#1 /var/www/html/app/Http/Controllers/OrderController.php(31): App\Orders\OrderService->place()` + "\n"
	phpNativeAppFrame = `App\Orders\OrderService->place`
)

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// Variable parts never reach the frame: a rebuilt, redeployed service with
// moved lines, other addresses, goroutine ids and versions keeps it.
func TestTopIgnoresVariableParts(t *testing.T) {
	pairs := [][2]string{
		{ // Go: goroutine id, arguments, offsets, line numbers, module version
			"goroutine 18 [running]:\npanic({0x78f5e0?, 0xb1d890?})\n\t/usr/local/go/src/runtime/panic.go:860 +0x13a\ngithub.com/acme/shop/cart.(*Service).Total(0xc000123456)\n\t/go/pkg/mod/github.com/acme/shop@v1.2.3/cart/service.go:88 +0x1d\n",
			"goroutine 7 [running]:\npanic({0x79aa00?, 0xb2e1c0?})\n\t/usr/local/go/src/runtime/panic.go:860 +0x13a\ngithub.com/acme/shop/cart.(*Service).Total(0xc000987654)\n\t/go/pkg/mod/github.com/acme/shop@v1.3.0/cart/service.go:95 +0x2f\n",
		},
		{ // Java: line numbers, jar versions (logback packaging data), CGLIB proxies, lambda indexes
			"\tat com.acme.Cart.lambda$total$0(Cart.java:42) ~[shop-1.2.3.jar:1.2.3]\n\tat com.acme.Cart$$SpringCGLIB$$0.total(<generated>)\n",
			"\tat com.acme.Cart.lambda$total$3(Cart.java:57) ~[shop-1.3.0.jar:1.3.0]\n\tat com.acme.Cart$$SpringCGLIB$$1.total(<generated>)\n",
		},
		{ // Python: install prefix and line numbers
			"  File \"/srv/releases/20240101/shop/views.py\", line 15, in checkout\n",
			"  File \"/opt/app-v2/shop/views.py\", line 19, in checkout\n",
		},
		{ // Node: line and column, release directory
			"    at CartController.total (/srv/releases/41/src/routes/cart.js:5:21)\n",
			"    at CartController.total (/srv/releases/42/src/routes/cart.js:9:3)\n",
		},
		{ // .NET: the compiler's state-machine numbering, line numbers
			"   at Shop.Cart.<TotalAsync>d__4.MoveNext() in /src/Cart.cs:line 10\n",
			"   at Shop.Cart.<TotalAsync>d__7.MoveNext() in /src/Cart.cs:line 12\n",
		},
	}
	for _, p := range pairs {
		a, b := Top(p[0]), Top(p[1])
		if a == "" || a != b {
			t.Errorf("frames differ: %q vs %q\n%s\n%s", a, b, p[0], p[1])
		}
		if strings.ContainsAny(a, "0123456789") {
			t.Errorf("digits left in frame %q", a)
		}
	}
}

func TestTopWithoutFrames(t *testing.T) {
	for _, s := range []string{
		"",
		"java.lang.IllegalStateException: failed (code 3)",
		"Error: boom",
		"panic: runtime error: invalid memory address or nil pointer dereference",
		strings.Repeat("x", 100000),
		// Only framework frames: no in-app frame, no location in the fingerprint.
		"\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:843)\n\tat java.base/java.lang.Thread.run(Thread.java:840)\n",
	} {
		if got := Top(s); got != "" {
			t.Errorf("Top(%.60q) = %q, want none", s, got)
		}
	}
}

func TestTopBounded(t *testing.T) {
	long := "\tat com.acme." + strings.Repeat("a", 500) + ".run(A.java:1)\n"
	if got := Top(long); len(got) > MaxFrameLen || got == "" {
		t.Errorf("len %d", len(got))
	}
}

// TestEveryRowHasATest fails a language or skip row that no test trace
// exercises.
func TestEveryRowHasATest(t *testing.T) {
	covered := map[string]bool{}
	record := func(row string) { covered[row] = true }
	for _, tc := range realTraces {
		top(readTrace(t, tc.file), record)
	}
	for _, tc := range skipRowTests {
		top(tc.trace, record)
	}
	for _, l := range languages {
		if !covered[l.name] {
			t.Errorf("language row %q has no test trace", l.name)
		}
	}
	for _, s := range skips {
		if !covered[s.lang+"."+s.name] {
			t.Errorf("skip row %s.%s has no test row", s.lang, s.name)
		}
	}
	if !covered["go.stdlib"] {
		t.Errorf("go.stdlib has no test row")
	}
}

func BenchmarkTop(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "java_spring_tomcat.txt"))
	if err != nil {
		b.Fatal(err)
	}
	s := string(data)
	for _, mode := range []struct {
		name string
		f    func(string) string
	}{{"memo", Top}, {"uncached", top1}} {
		b.Run(mode.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = mode.f(s)
			}
		})
	}
}

func FuzzTop(f *testing.F) {
	for _, tc := range realTraces {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, tc := range skipRowTests {
		f.Add(tc.trace)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := top1(s)
		if len(got) > MaxFrameLen || strings.ContainsAny(got, "\n\r") {
			t.Fatalf("frame %q", got)
		}
		if memo := Top(s); memo != got {
			t.Fatalf("memo %q, parse %q", memo, got)
		}
	})
}

// One test row per row of the anonymous-function table: a frame line of
// that language, in its real format (or a file of testdata/), whose frame
// has no name of its own.
var anonymousRowTests = []struct {
	row   string
	trace string
	want  string
}{
	{"node.anonymous", "file:node_express_handler.txt", "node/app.<anonymous>"},
	{"python.lambda", "Traceback (most recent call last):\n  File \"/srv/app/shop/orders.py\", line 40, in <lambda>\n    key=lambda o: o.placed_at)\n", "shop/orders.<lambda>"},
	{"python.genexpr", "file:python_genexpr.txt", "python/orders_flask.<genexpr>"},
	{"python.listcomp", "Traceback (most recent call last):\n  File \"/srv/app/shop/orders.py\", line 41, in <listcomp>\n    return [o.total for o in orders]\n", "shop/orders.<listcomp>"},
	{"python.dictcomp", "Traceback (most recent call last):\n  File \"/srv/app/shop/orders.py\", line 42, in <dictcomp>\n    return {o.id: o.total for o in orders}\n", "shop/orders.<dictcomp>"},
	{"python.setcomp", "Traceback (most recent call last):\n  File \"/srv/app/shop/orders.py\", line 43, in <setcomp>\n    return {o.sku for o in orders}\n", "shop/orders.<setcomp>"},
	{"python.module", "Traceback (most recent call last):\n  File \"/srv/app/shop/plugins.py\", line 3, in <module>\n    import shop.vendor_plugin\n", "shop/plugins.<module>"},
	{"java.static_lambda", "java.lang.NullPointerException\n\tat com.acme.shop.Routes.lambda$static$0(Routes.java:12)\n", "com.acme.shop.Routes.lambda$static"},
	{"java.constructor_lambda", "java.lang.NullPointerException\n\tat com.acme.shop.Routes.lambda$new$1(Routes.java:20)\n", "com.acme.shop.Routes.lambda$new"},
	{"php.closure", "Exception: boom\n\tat App.Http.Routes.{closure}(web.php:17)\n", "App.Http.Routes.{closure}"},
	{"php_native.closure", `#0 /var/www/html/routes/web.php(17): App\Http\{closure}()` + "\n", `App\Http\{closure}`},
	{"ruby.main", "/srv/app/bin/import.rb:3:in '<main>': boom (RuntimeError)\n", "bin/import.<main>"},
	{"ruby.top_required", "/srv/app/config/routes.rb:5:in '<top (required)>': boom (NameError)\n", "config/routes.<top (required)>"},
}

func TestAnonymousRows(t *testing.T) {
	rows := map[string]anonymous{}
	for _, a := range anonymousFunctions {
		rows[a.lang+"."+a.name] = a
	}
	covered := map[string]bool{}
	for _, tc := range anonymousRowTests {
		row, ok := rows[tc.row]
		if !ok {
			t.Errorf("%s: no such row", tc.row)
			continue
		}
		covered[tc.row] = true
		trace := tc.trace
		if file, ok := strings.CutPrefix(trace, "file:"); ok {
			trace = readTrace(t, file)
		}
		got, lang, _ := top(trace, nil)
		if got != tc.want || lang != row.lang {
			t.Errorf("%s: top %q (%s), want %q (%s)", tc.row, got, lang, tc.want, row.lang)
		}
		if !Anonymous(got) || !strings.HasSuffix(got, row.suffix) {
			t.Errorf("%s: %q not anonymous by its row", tc.row, got)
		}
	}
	for name := range rows {
		if !covered[name] {
			t.Errorf("anonymous row %s has no test row", name)
		}
	}
	// Named frames, closures and lambdas that carry their method's name.
	for _, f := range []string{goAppFrame, javaAppFrame, pyAppFrame, nodeAppFrame, dotnetAppFrame, rubyAppFrame, phpAppFrame,
		phpNativeAppFrame, "com.acme.Cart.lambda$total", "main.(*cart).first.func1", "node/app.loyaltyPoints", ""} {
		if Anonymous(f) {
			t.Errorf("%q: anonymous", f)
		}
	}
}
