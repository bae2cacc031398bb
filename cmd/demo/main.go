// Command demo sends a handful of realistic traces to an OpenTelemetry
// Collector running the errordiagnosis processor: one failing request per
// diagnosis category, shaped as the OpenTelemetry SDKs and instrumentations of
// several languages emit them, plus a couple of healthy requests.
//
//	make run                       # terminal 1: the collector on 127.0.0.1:4317/4318
//	make demo                      # terminal 2: go run ./cmd/demo -endpoint http://127.0.0.1:4318
//
// The traces are posted as OTLP/HTTP protobuf to ENDPOINT/v1/traces, one
// request per service, the downstream service first (as SDKs export them: the
// inner request ends first), so cross-batch attribution is exercised too.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func main() {
	endpoint := flag.String("endpoint", defaultEndpoint(), "OTLP/HTTP endpoint of the collector (host:port or URL); /v1/traces is appended")
	dryRun := flag.Bool("dry-run", false, "build and print the traces without sending them")
	timeout := flag.Duration("timeout", 10*time.Second, "timeout of each request")
	flag.Parse()

	if err := run(os.Stdout, *endpoint, *dryRun, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func defaultEndpoint() string {
	if e := os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); e != "" {
		return e
	}
	return "http://127.0.0.1:4318"
}

// tracesURL turns "127.0.0.1:4318", "http://host:4318" or "http://host:4318/"
// into the OTLP/HTTP traces URL.
func tracesURL(endpoint string) string {
	e := strings.TrimRight(strings.TrimSpace(endpoint), "/")
	if !strings.Contains(e, "://") {
		e = "http://" + e
	}
	if strings.HasSuffix(e, "/v1/traces") {
		return e
	}
	return e + "/v1/traces"
}

func run(out io.Writer, endpoint string, dryRun bool, timeout time.Duration) error {
	scenarios := buildScenarios(time.Now())
	url := tracesURL(endpoint)
	client := &http.Client{Timeout: timeout}

	if dryRun {
		fmt.Fprintf(out, "dry run: %d traces built, nothing sent\n\n", len(scenarios))
	} else {
		fmt.Fprintf(out, "sending %d traces to %s\n\n", len(scenarios), url)
	}
	fmt.Fprintf(out, "%-22s %-22s %-34s %s\n", "expect category", "service", "request", "trace id")
	for _, s := range scenarios {
		if !dryRun {
			for _, batch := range s.Batches {
				if err := post(client, url, batch); err != nil {
					return fmt.Errorf("%s: %w", s.Name, err)
				}
			}
		}
		expect := s.Expect
		if expect == "" {
			expect = "- (healthy, 200)"
		}
		fmt.Fprintf(out, "%-22s %-22s %-34s %s\n", expect, s.Service, s.Request, s.TraceID)
	}
	fmt.Fprintln(out, `
What to look for in the collector output (debug exporter, verbosity: detailed):
the HTTP 500 server span of each failing trace carries diagnosis.* attributes, e.g.
     -> diagnosis.category: Str(database_connection)
     -> diagnosis.cause: Str(connection_refused)
     -> diagnosis.evidence: Str(...)
The healthy traces and the non-server spans are left unchanged. With the default
wait_duration (5s) an inconclusive 500 span is printed up to 5s later.
  e.g.  make run 2>&1 | grep -E 'diagnosis\.(category|cause|root_cause)'`)
	return nil
}

// marshalRequest encodes an OTLP ExportTraceServiceRequest. Its protobuf
// layout is that of TracesData (field 1: repeated ResourceSpans), so pdata's
// TracesData marshaler writes it without pulling in the gRPC packages.
func marshalRequest(td ptrace.Traces) ([]byte, error) {
	var m ptrace.ProtoMarshaler
	return m.MarshalTraces(td)
}

func post(client *http.Client, url string, td ptrace.Traces) error {
	body, err := marshalRequest(td)
	if err != nil {
		return fmt.Errorf("marshal: %w", err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post %s: %w (is the collector running? try `make run`)", url, err)
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("post %s: %s: %s", url, resp.Status, strings.TrimSpace(string(respBody)))
	}
	return nil
}

// scenario is one demo request: its trace, split in one batch per service.
type scenario struct {
	Name    string
	Expect  string // expected diagnosis.category; "" for a healthy trace
	Service string // the service whose server span answered the request
	Request string
	TraceID pcommon.TraceID
	Batches []ptrace.Traces
}

// service describes an instrumented process, with the resource attributes its
// SDK sets.
type service struct {
	name, version, language, sdkVersion string
	extra                               map[string]string
}

type traceBuilder struct {
	id      pcommon.TraceID
	start   time.Time
	batches []ptrace.Traces
}

func newTrace(start time.Time) *traceBuilder {
	return &traceBuilder{id: pcommon.TraceID(randomBytes16()), start: start}
}

// batch starts the export batch of one service; batches are sent in the order
// they are created.
func (t *traceBuilder) batch(s service) *batchBuilder {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	attrs := rs.Resource().Attributes()
	attrs.PutStr("service.name", s.name)
	attrs.PutStr("service.version", s.version)
	attrs.PutStr("service.instance.id", fmt.Sprintf("%x", randomBytes16()))
	attrs.PutStr("deployment.environment.name", "staging")
	attrs.PutStr("telemetry.sdk.name", "opentelemetry")
	attrs.PutStr("telemetry.sdk.language", s.language)
	attrs.PutStr("telemetry.sdk.version", s.sdkVersion)
	for k, v := range s.extra {
		attrs.PutStr(k, v)
	}
	t.batches = append(t.batches, td)
	return &batchBuilder{t: t, rs: rs, scopes: map[string]ptrace.ScopeSpans{}}
}

type batchBuilder struct {
	t      *traceBuilder
	rs     ptrace.ResourceSpans
	scopes map[string]ptrace.ScopeSpans
}

// span adds a span of the given instrumentation scope ("name@version"),
// starting at offset from the trace start and lasting dur.
func (b *batchBuilder) span(scope, name string, kind ptrace.SpanKind, parent pcommon.SpanID, offset, dur time.Duration) ptrace.Span {
	ss, ok := b.scopes[scope]
	if !ok {
		ss = b.rs.ScopeSpans().AppendEmpty()
		n, v, _ := strings.Cut(scope, "@")
		ss.Scope().SetName(n)
		ss.Scope().SetVersion(v)
		b.scopes[scope] = ss
	}
	sp := ss.Spans().AppendEmpty()
	sp.SetTraceID(b.t.id)
	sp.SetSpanID(pcommon.SpanID(randomBytes8()))
	sp.SetParentSpanID(parent)
	sp.SetName(name)
	sp.SetKind(kind)
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(b.t.start.Add(offset)))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(b.t.start.Add(offset + dur)))
	return sp
}

// httpServer fills the attributes of an HTTP server span (stable semantic
// conventions) and, for 5xx, the error status as instrumentations set it.
func httpServer(sp ptrace.Span, method, route, path string, status int, port int64) {
	a := sp.Attributes()
	a.PutStr("http.request.method", method)
	a.PutStr("url.scheme", "http")
	a.PutStr("url.path", path)
	a.PutStr("http.route", route)
	a.PutInt("http.response.status_code", int64(status))
	a.PutStr("network.protocol.version", "1.1")
	a.PutStr("server.address", "localhost")
	a.PutInt("server.port", port)
	a.PutStr("client.address", "10.42.0.17")
	a.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
	if status >= 500 {
		a.PutStr("error.type", fmt.Sprint(status))
		sp.Status().SetCode(ptrace.StatusCodeError)
	}
}

// dbClient fills the attributes of a database client span; the older
// db.system is set too, as many instrumentations still emit it.
func dbClient(sp ptrace.Span, system, namespace, operation, collection, query, host string, port int64) {
	a := sp.Attributes()
	a.PutStr("db.system.name", system)
	a.PutStr("db.system", system)
	a.PutStr("db.namespace", namespace)
	a.PutStr("db.operation.name", operation)
	if collection != "" {
		a.PutStr("db.collection.name", collection)
	}
	a.PutStr("db.query.text", query)
	a.PutStr("server.address", host)
	a.PutInt("server.port", port)
}

// dbError marks a database client span as failed, as the driver reported it.
func dbError(sp ptrace.Span, code, errorType, message string) {
	if code != "" {
		sp.Attributes().PutStr("db.response.status_code", code)
	}
	sp.Attributes().PutStr("error.type", errorType)
	sp.Status().SetCode(ptrace.StatusCodeError)
	sp.Status().SetMessage(message)
}

// exception records an exception event, as span.RecordException does.
func exception(sp ptrace.Span, at time.Time, typ, message, stacktrace string) {
	ev := sp.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(pcommon.NewTimestampFromTime(at))
	ev.Attributes().PutStr("exception.type", typ)
	ev.Attributes().PutStr("exception.message", message)
	if stacktrace != "" {
		ev.Attributes().PutStr("exception.stacktrace", stacktrace)
	}
}

var (
	python = service{language: "python", sdkVersion: "1.38.0", extra: map[string]string{
		"process.runtime.name": "cpython", "process.runtime.version": "3.12.7"}}
	java = service{language: "java", sdkVersion: "1.54.1", extra: map[string]string{
		"telemetry.distro.name": "opentelemetry-java-instrumentation", "telemetry.distro.version": "2.20.1",
		"process.runtime.name": "OpenJDK Runtime Environment", "process.runtime.version": "21.0.5+11-LTS"}}
	golang = service{language: "go", sdkVersion: "1.38.0"}
	nodejs = service{language: "nodejs", sdkVersion: "2.1.0", extra: map[string]string{
		"process.runtime.name": "nodejs", "process.runtime.version": "22.11.0"}}
	dotnet = service{language: "dotnet", sdkVersion: "1.13.1", extra: map[string]string{
		"process.runtime.name": ".NET", "process.runtime.version": "9.0.0"}}
	php = service{language: "php", sdkVersion: "1.7.1", extra: map[string]string{
		"process.runtime.name": "cli", "process.runtime.version": "8.3.14"}}
	ruby = service{language: "ruby", sdkVersion: "1.8.0", extra: map[string]string{
		"process.runtime.name": "ruby", "process.runtime.version": "3.3.6"}}
)

func named(base service, name, version string) service {
	base.name, base.version = name, version
	return base
}

const (
	scopeFlask    = "opentelemetry.instrumentation.flask@0.59b0"
	scopeSQLAlch  = "opentelemetry.instrumentation.sqlalchemy@0.59b0"
	scopeTomcat   = "io.opentelemetry.tomcat-10.0@2.20.1-alpha"
	scopeSpring   = "io.opentelemetry.spring-webmvc-6.0@2.20.1-alpha"
	scopeJDBC     = "io.opentelemetry.jdbc@2.20.1-alpha"
	scopeOtelHTTP = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@0.63.0"
	scopeOtelPgx  = "github.com/exaring/otelpgx@0.9.3"
	scopeApp      = "main@"
	scopeNodeHTTP = "@opentelemetry/instrumentation-http@0.205.0"
	scopeExpress  = "@opentelemetry/instrumentation-express@0.54.0"
	scopeMySQL2   = "@opentelemetry/instrumentation-mysql2@0.52.0"
	scopeASPNet   = "Microsoft.AspNetCore@"
	scopeNpgsql   = "Npgsql@9.0.3"
	scopeLaravel  = "io.opentelemetry.contrib.php.laravel@1.2.0"
	scopePDO      = "io.opentelemetry.contrib.php.pdo@0.1.0"
	scopeRack     = "OpenTelemetry::Instrumentation::Rack@0.26.0"
)

var noParent = pcommon.NewSpanIDEmpty()

// buildScenarios builds the demo traces, all starting shortly before now.
func buildScenarios(now time.Time) []scenario {
	var out []scenario
	add := func(name, expect, svc, request string, t *traceBuilder) {
		out = append(out, scenario{Name: name, Expect: expect, Service: svc, Request: request, TraceID: t.id, Batches: t.batches})
	}
	ms := time.Millisecond
	base := now.Add(-30 * time.Second)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * 2 * time.Second) }

	// 1. application_exception: Python Flask, AttributeError on None.
	{
		t := newTrace(at(0))
		b := t.batch(named(python, "user-profile", "2.4.1"))
		srv := b.span(scopeFlask, "GET /users/<int:user_id>", ptrace.SpanKindServer, noParent, 0, 38*ms)
		httpServer(srv, "GET", "/users/<int:user_id>", "/users/4711", 500, 5000)
		db := b.span(scopeSQLAlch, "SELECT profiles", ptrace.SpanKindClient, srv.SpanID(), 4*ms, 6*ms)
		dbClient(db, "postgresql", "profiles", "SELECT", "users", "SELECT users.id, users.email, users.name FROM users WHERE users.id = %(pk_1)s", "pg-profiles", 5432)
		srv.Status().SetMessage("AttributeError: 'NoneType' object has no attribute 'email'")
		exception(srv, t.start.Add(36*ms), "AttributeError", "'NoneType' object has no attribute 'email'",
			`Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 1511, in wsgi_app
    response = self.full_dispatch_request()
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 919, in full_dispatch_request
    rv = self.handle_user_exception(e)
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 917, in full_dispatch_request
    rv = self.dispatch_request()
  File "/app/profile/views.py", line 42, in get_user
    return jsonify(email=user.email.lower(), name=user.name)
AttributeError: 'NoneType' object has no attribute 'email'
`)
		add("python-attributeerror", "application_exception", "user-profile", "GET /users/4711", t)
	}

	// 2. database_connection: Java Spring Boot, HikariCP cannot reach PostgreSQL.
	{
		t := newTrace(at(1))
		b := t.batch(named(java, "billing-service", "1.18.0"))
		srv := b.span(scopeTomcat, "POST /invoices", ptrace.SpanKindServer, noParent, 0, 30_012*ms)
		httpServer(srv, "POST", "/invoices", "/invoices", 500, 8080)
		ctrl := b.span(scopeSpring, "InvoiceController.create", ptrace.SpanKindInternal, srv.SpanID(), 2*ms, 30_008*ms)
		ctrl.Status().SetCode(ptrace.StatusCodeError)
		const msg = "Failed to obtain JDBC Connection"
		const stack = `org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection
	at org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)
	at org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:653)
	at com.example.billing.InvoiceRepository.insert(InvoiceRepository.java:57)
	at com.example.billing.InvoiceController.create(InvoiceController.java:33)
Caused by: org.postgresql.util.PSQLException: Connection to localhost:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.
	at org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:352)
	at org.postgresql.Driver.connect(Driver.java:304)
	at com.zaxxer.hikari.pool.PoolBase.newConnection(PoolBase.java:364)
	at com.zaxxer.hikari.pool.HikariPool.createPoolEntry(HikariPool.java:476)
Caused by: java.net.ConnectException: Connection refused
	at java.base/sun.nio.ch.Net.pollConnect(Native Method)
	at java.base/java.net.Socket.connect(Socket.java:751)
	at org.postgresql.core.PGStream.createSocket(PGStream.java:243)
`
		exception(ctrl, t.start.Add(30_009*ms), "org.springframework.jdbc.CannotGetJdbcConnectionException", msg, stack)
		exception(srv, t.start.Add(30_011*ms), "org.springframework.jdbc.CannotGetJdbcConnectionException", msg, stack)
		add("java-hikari-refused", "database_connection", "billing-service", "POST /invoices", t)
	}

	// 3. database_timeout: Go with pgx, statement timeout (SQLSTATE 57014).
	{
		t := newTrace(at(2))
		b := t.batch(named(golang, "orders", "0.9.2"))
		srv := b.span(scopeOtelHTTP, "GET /orders", ptrace.SpanKindServer, noParent, 0, 5_004*ms)
		httpServer(srv, "GET", "/orders", "/orders", 500, 8081)
		db := b.span(scopeOtelPgx, "query SELECT", ptrace.SpanKindClient, srv.SpanID(), 1*ms, 5_001*ms)
		dbClient(db, "postgresql", "shop", "SELECT", "orders",
			"SELECT o.id, o.total, o.created_at FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = $1 ORDER BY o.created_at DESC", "pg-shop", 5432)
		const msg = "ERROR: canceling statement due to statement timeout (SQLSTATE 57014)"
		dbError(db, "57014", "*pgconn.PgError", msg)
		exception(db, t.start.Add(5_002*ms), "*pgconn.PgError", msg, "")
		add("go-pgx-statement-timeout", "database_timeout", "orders", "GET /orders", t)
	}

	// 4. database_query: Node.js express + mysql2, ER_NO_SUCH_TABLE.
	{
		t := newTrace(at(3))
		b := t.batch(named(nodejs, "catalog-api", "3.2.0"))
		srv := b.span(scopeNodeHTTP, "GET /products/:id", ptrace.SpanKindServer, noParent, 0, 14*ms)
		httpServer(srv, "GET", "/products/:id", "/products/981", 500, 3000)
		mw := b.span(scopeExpress, "request handler - /products/:id", ptrace.SpanKindInternal, srv.SpanID(), 1*ms, 12*ms)
		mw.Attributes().PutStr("express.type", "request_handler")
		mw.Attributes().PutStr("http.route", "/products/:id")
		db := b.span(scopeMySQL2, "SELECT", ptrace.SpanKindClient, mw.SpanID(), 2*ms, 3*ms)
		dbClient(db, "mysql", "catalog", "SELECT", "product_variants", "SELECT * FROM product_variants WHERE product_id = ?", "mysql-catalog", 3306)
		const msg = "Table 'catalog.product_variants' doesn't exist"
		dbError(db, "1146", "ER_NO_SUCH_TABLE", msg)
		// The JS SDK's recordException uses err.code as exception.type when set.
		exception(db, t.start.Add(5*ms), "ER_NO_SUCH_TABLE", msg,
			`Error: Table 'catalog.product_variants' doesn't exist
    at PromisePool.query (/app/node_modules/mysql2/lib/promise/pool.js:36:22)
    at ProductRepository.variants (/app/src/products/repository.js:27:35)
    at async getProduct (/app/src/products/routes.js:14:22)`)
		add("node-mysql2-no-such-table", "database_query", "catalog-api", "GET /products/981", t)
	}

	// 5. dependency_failure: checkout (Go) calls inventory (.NET), whose own
	// server span fails on a PostgreSQL statement timeout. Inventory's batch is
	// exported first: its request ended first.
	{
		t := newTrace(at(4))
		co := named(golang, "checkout", "4.0.3")
		inv := named(dotnet, "inventory", "1.7.0")
		invBatch := t.batch(inv) // sent first
		coBatch := t.batch(co)

		srv := coBatch.span(scopeOtelHTTP, "POST /api/checkout", ptrace.SpanKindServer, noParent, 0, 2_040*ms)
		httpServer(srv, "POST", "/api/checkout", "/api/checkout", 500, 8080)
		cli := coBatch.span(scopeOtelHTTP, "GET", ptrace.SpanKindClient, srv.SpanID(), 5*ms, 2_020*ms)
		ca := cli.Attributes()
		ca.PutStr("http.request.method", "GET")
		ca.PutStr("url.full", "http://inventory:8080/api/stock/SKU-1234")
		ca.PutStr("server.address", "inventory")
		ca.PutInt("server.port", 8080)
		ca.PutInt("http.response.status_code", 500)
		ca.PutStr("error.type", "500")
		cli.Status().SetCode(ptrace.StatusCodeError)

		isrv := invBatch.span(scopeASPNet, "GET /api/stock/{sku}", ptrace.SpanKindServer, cli.SpanID(), 8*ms, 2_010*ms)
		httpServer(isrv, "GET", "/api/stock/{sku}", "/api/stock/SKU-1234", 500, 8080)
		isrv.Attributes().PutStr("error.type", "Npgsql.NpgsqlException")
		const msg = "57014: canceling statement due to statement timeout"
		exception(isrv, t.start.Add(2_016*ms), "Npgsql.PostgresException", msg,
			`Npgsql.PostgresException (0x80004005): 57014: canceling statement due to statement timeout
   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)
   at Npgsql.NpgsqlDataReader.NextResult(Boolean async, Boolean isConsuming, CancellationToken cancellationToken)
   at Npgsql.NpgsqlCommand.ExecuteReader(Boolean async, CommandBehavior behavior, CancellationToken cancellationToken)
   at Inventory.Api.StockRepository.GetAvailableAsync(String sku) in /src/Inventory.Api/StockRepository.cs:line 41
   at Inventory.Api.StockController.Get(String sku) in /src/Inventory.Api/StockController.cs:line 23`)
		db := invBatch.span(scopeNpgsql, "SELECT inventory", ptrace.SpanKindClient, isrv.SpanID(), 10*ms, 2_002*ms)
		dbClient(db, "postgresql", "inventory", "SELECT", "stock",
			"SELECT s.sku, sum(s.quantity) FROM stock s WHERE s.sku = $1 GROUP BY s.sku FOR UPDATE", "pg-inventory", 5432)
		dbError(db, "57014", "57014", msg)
		add("go-to-dotnet-dependency", "dependency_failure", "checkout", "POST /api/checkout", t)
	}

	// 6. resource_exhaustion: Go service out of file descriptors.
	{
		t := newTrace(at(5))
		b := t.batch(named(golang, "media-upload", "2.1.0"))
		srv := b.span(scopeOtelHTTP, "POST /upload", ptrace.SpanKindServer, noParent, 0, 9*ms)
		httpServer(srv, "POST", "/upload", "/upload", 500, 8082)
		save := b.span(scopeApp, "storage.SaveUpload", ptrace.SpanKindInternal, srv.SpanID(), 2*ms, 4*ms)
		const msg = "open /var/lib/media/tmp/upload-8812.part: too many open files"
		save.Status().SetCode(ptrace.StatusCodeError)
		save.Status().SetMessage(msg)
		exception(save, t.start.Add(6*ms), "*fs.PathError", msg, "")
		add("go-too-many-open-files", "resource_exhaustion", "media-upload", "POST /upload", t)
	}

	// 7. configuration_error: Python reads a missing environment variable.
	{
		t := newTrace(at(6))
		b := t.batch(named(python, "notifications", "1.3.0"))
		srv := b.span(scopeFlask, "POST /notifications/email", ptrace.SpanKindServer, noParent, 0, 3*ms)
		httpServer(srv, "POST", "/notifications/email", "/notifications/email", 500, 5000)
		srv.Status().SetMessage("KeyError: 'SMTP_HOST'")
		exception(srv, t.start.Add(2*ms), "KeyError", "'SMTP_HOST'",
			`Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 917, in full_dispatch_request
    rv = self.dispatch_request()
  File "/app/notify/views.py", line 18, in send_email
    mailer = get_mailer()
  File "/app/notify/mailer.py", line 9, in get_mailer
    host = os.environ["SMTP_HOST"]
  File "<frozen os>", line 714, in __getitem__
KeyError: 'SMTP_HOST'
`)
		add("python-missing-env", "configuration_error", "notifications", "POST /notifications/email", t)
	}

	// 8. security: PHP/Laravel, SQL syntax error caused by an injection payload.
	{
		t := newTrace(at(7))
		b := t.batch(named(php, "customer-portal", "5.12.0"))
		srv := b.span(scopeLaravel, "POST /login", ptrace.SpanKindServer, noParent, 0, 21*ms)
		httpServer(srv, "POST", "/login", "/login", 500, 80)
		srv.Attributes().PutStr("url.query", "email=%27+OR+%271%27%3D%271%27+--+")
		const query = "SELECT * FROM users WHERE email = '' OR '1'='1' -- ' LIMIT 1"
		db := b.span(scopePDO, "PDO::query", ptrace.SpanKindClient, srv.SpanID(), 6*ms, 2*ms)
		dbClient(db, "mysql", "portal", "SELECT", "users", query, "mysql-portal", 3306)
		const msg = "SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''1'='1' -- ' LIMIT 1' at line 1"
		dbError(db, "1064", "PDOException", msg)
		exception(db, t.start.Add(8*ms), "PDOException", msg, "")
		exception(srv, t.start.Add(19*ms), `Illuminate\Database\QueryException`, msg+" (Connection: mysql, SQL: "+query+")",
			`#0 /var/www/vendor/laravel/framework/src/Illuminate/Database/Connection.php(779): Illuminate\Database\Connection->runQueryCallback()
#1 /var/www/app/Http/Controllers/AuthController.php(31): Illuminate\Database\Connection->select()
#2 [internal function]: App\Http\Controllers\AuthController->login()`)
		add("php-sql-injection", "security", "customer-portal", "POST /login", t)
	}

	// 9. unknown: a bare 500, nothing recorded.
	{
		t := newTrace(at(8))
		b := t.batch(named(ruby, "legacy-reports", "0.31.4"))
		srv := b.span(scopeRack, "GET /reports/:id", ptrace.SpanKindServer, noParent, 0, 120*ms)
		httpServer(srv, "GET", "/reports/:id", "/reports/77", 500, 9292)
		add("ruby-bare-500", "unknown", "legacy-reports", "GET /reports/77", t)
	}

	// Healthy requests: left untouched.
	{
		t := newTrace(at(9))
		b := t.batch(named(python, "user-profile", "2.4.1"))
		srv := b.span(scopeFlask, "GET /users/<int:user_id>", ptrace.SpanKindServer, noParent, 0, 12*ms)
		httpServer(srv, "GET", "/users/<int:user_id>", "/users/42", 200, 5000)
		db := b.span(scopeSQLAlch, "SELECT profiles", ptrace.SpanKindClient, srv.SpanID(), 3*ms, 5*ms)
		dbClient(db, "postgresql", "profiles", "SELECT", "users", "SELECT users.id, users.email, users.name FROM users WHERE users.id = %(pk_1)s", "pg-profiles", 5432)
		add("python-ok", "", "user-profile", "GET /users/42", t)
	}
	{
		t := newTrace(at(10))
		b := t.batch(named(golang, "orders", "0.9.2"))
		srv := b.span(scopeOtelHTTP, "GET /orders", ptrace.SpanKindServer, noParent, 0, 31*ms)
		httpServer(srv, "GET", "/orders", "/orders", 200, 8081)
		db := b.span(scopeOtelPgx, "query SELECT", ptrace.SpanKindClient, srv.SpanID(), 1*ms, 27*ms)
		dbClient(db, "postgresql", "shop", "SELECT", "orders",
			"SELECT o.id, o.total, o.created_at FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = $1 ORDER BY o.created_at DESC", "pg-shop", 5432)
		add("go-ok", "", "orders", "GET /orders", t)
	}
	return out
}

func randomBytes16() [16]byte {
	var b [16]byte
	mustRead(b[:])
	return b
}

func randomBytes8() [8]byte {
	var b [8]byte
	mustRead(b[:])
	return b
}

func mustRead(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic(errors.Join(errors.New("crypto/rand"), err))
	}
}
