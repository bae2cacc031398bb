package evidence

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

func TestReadSpan(t *testing.T) {
	tests := []struct {
		name  string
		span  func() ptrace.Span
		check func(t *testing.T, items []diagnosis.Evidence)
	}{
		{
			name: "db span with code, current names",
			span: func() ptrace.Span {
				s := newSpan(ptrace.SpanKindClient, map[string]any{"db.system.name": "PostgreSQL", "db.response.status_code": "57014", "error.type": "*pgconn.PgError"})
				s.Status().SetCode(ptrace.StatusCodeError)
				s.Status().SetMessage("ERROR: canceling statement due to statement timeout (SQLSTATE 57014)")
				return s
			},
			check: func(t *testing.T, items []diagnosis.Evidence) {
				require.Len(t, items, 1)
				assert.Equal(t, diagnosis.KindDB, items[0].Kind)
				assert.Equal(t, "postgresql", items[0].DBSystem)
				assert.Equal(t, "57014", items[0].DBStatusCode)
				assert.Equal(t, "*pgconn.PgError", items[0].ErrorType)
				assert.True(t, items[0].StatusError)
				assert.Contains(t, items[0].StatusMessage, "statement timeout")
			},
		},
		{
			name: "old db.system and int code",
			span: func() ptrace.Span {
				return newSpan(ptrace.SpanKindClient, map[string]any{"db.system": "mysql", "db.response.status_code": int64(1213)})
			},
			check: func(t *testing.T, items []diagnosis.Evidence) {
				assert.Equal(t, "mysql", items[0].DBSystem)
				assert.Equal(t, "1213", items[0].DBStatusCode)
			},
		},
		{
			name: "http client span",
			span: func() ptrace.Span {
				return newSpan(ptrace.SpanKindClient, map[string]any{"http.response.status_code": int64(503), "server.address": "inventory", "peer.service": "inventory-svc"})
			},
			check: func(t *testing.T, items []diagnosis.Evidence) {
				assert.Equal(t, diagnosis.KindClient, items[0].Kind)
				assert.Equal(t, 503, items[0].HTTPStatusCode)
				assert.Equal(t, "inventory-svc", items[0].Peer, "peer.service wins over server.address")
			},
		},
		{
			name: "grpc client span",
			span: func() ptrace.Span {
				return newSpan(ptrace.SpanKindClient, map[string]any{"rpc.system": "grpc", "rpc.grpc.status_code": int64(14), "net.peer.name": "ledger"})
			},
			check: func(t *testing.T, items []diagnosis.Evidence) {
				assert.Equal(t, "grpc", items[0].RPCSystem)
				assert.Equal(t, "14", items[0].RPCStatusCode)
				assert.Equal(t, "ledger", items[0].Peer)
			},
		},
		{
			name: "one item per exception event, with span context",
			span: func() ptrace.Span {
				s := newSpan(ptrace.SpanKindInternal, map[string]any{"error.type": "x"})
				addException(s, "KeyError", "'a'", "")
				s.Events().AppendEmpty().SetName("log")
				addException(s, "ValueError", "bad", "")
				return s
			},
			check: func(t *testing.T, items []diagnosis.Evidence) {
				require.Len(t, items, 2)
				assert.Equal(t, "KeyError", items[0].ExceptionType)
				assert.Equal(t, "ValueError", items[1].ExceptionType)
				assert.Equal(t, "x", items[1].ErrorType)
				assert.Equal(t, diagnosis.KindSpan, items[0].Kind)
			},
		},
		{
			name: "wrong attribute types are ignored",
			span: func() ptrace.Span {
				return newSpan(ptrace.SpanKindClient, map[string]any{"db.system.name": []any{"x"}, "http.response.status_code": map[string]any{"a": 1}})
			},
			check: func(t *testing.T, items []diagnosis.Evidence) {
				assert.Empty(t, items[0].DBSystem)
				assert.Equal(t, 0, items[0].HTTPStatusCode)
			},
		},
		{
			name: "huge strings are clipped, valid UTF-8 kept",
			span: func() ptrace.Span {
				s := newSpan(ptrace.SpanKindServer, nil)
				addException(s, strings.Repeat("T", 10000), strings.Repeat("é", 100000), strings.Repeat("at x\n", 100000))
				return s
			},
			check: func(t *testing.T, items []diagnosis.Evidence) {
				assert.LessOrEqual(t, len(items[0].ExceptionType), maxShortField)
				assert.LessOrEqual(t, len(items[0].ExceptionMessage), maxMessage)
				assert.LessOrEqual(t, len(items[0].Stacktrace), maxStacktrace)
				assert.True(t, utf8.ValidString(items[0].ExceptionMessage))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, ReadSpan("svc", tt.span(), nil, Interned))
		})
	}
}

func TestCompactStacktraceKeepsCauses(t *testing.T) {
	var b strings.Builder
	b.WriteString("org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection\n")
	for range 200 {
		b.WriteString("\tat org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)\n")
	}
	b.WriteString("Caused by: org.postgresql.util.PSQLException: Connection to db:5432 refused.\n")
	for range 100 {
		b.WriteString("\tat org.postgresql.Driver.connect(Driver.java:297)\n")
	}
	b.WriteString("Caused by: java.net.ConnectException: Connection refused\n")
	got := compactStacktrace(b.String())
	assert.LessOrEqual(t, len(got), maxStacktrace)
	assert.True(t, strings.HasPrefix(got, "org.springframework.jdbc.CannotGetJdbcConnectionException"))
	assert.Contains(t, got, "Caused by: org.postgresql.util.PSQLException: Connection to db:5432 refused.")
	assert.Contains(t, got, "Caused by: java.net.ConnectException: Connection refused")

	py := "Traceback (most recent call last):\n" + strings.Repeat("  File \"/app/x.py\", line 1, in f\n    g()\n", 100) +
		"psycopg2.OperationalError: connection refused\n\nThe above exception was the direct cause of the following exception:\n\n" +
		strings.Repeat("  File \"/app/y.py\", line 2, in h\n    k()\n", 50) + "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection refused\n"
	got = compactStacktrace(py)
	assert.Contains(t, got, "\npsycopg2.OperationalError: connection refused")
	assert.Contains(t, got, "\nsqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection refused")

	// The last line of a Python traceback is str(exc), kept whatever the type's name ends with; a line inside is not.
	py = "Traceback (most recent call last):\n" + strings.Repeat("  File \"/app/x.py\", line 1, in f\n    g()\n", 100) +
		"voluptuous.error.MultipleInvalid: required key not provided @ data['PAYMENTS_URL']\n"
	got = compactStacktrace(py)
	assert.True(t, strings.HasSuffix(got, "\nvoluptuous.error.MultipleInvalid: required key not provided @ data['PAYMENTS_URL']"), got[len(got)-80:])
	mid := "Traceback (most recent call last):\n" + strings.Repeat("  File \"/app/x.py\", line 1, in f\n    g()\n", 100) +
		"web.Redirect: moved\n" + strings.Repeat("  File \"/app/y.py\", line 2, in h\n    k()\n", 10) + "KeyError: 'x'\n"
	assert.NotContains(t, compactStacktrace(mid), "web.Redirect")
}

func TestReadLogRecord(t *testing.T) {
	lr := plog.NewLogRecord()
	lr.Attributes().PutStr("exception.type", "java.net.SocketTimeoutException")
	lr.Attributes().PutStr("exception.message", "Read timed out")
	item, ok := ReadLogRecord("svc", lr)
	require.True(t, ok)
	assert.Equal(t, "java.net.SocketTimeoutException", item.ExceptionType)
	assert.Equal(t, "svc", item.Service)

	plain := plog.NewLogRecord()
	plain.Body().SetStr("user logged in")
	_, ok = ReadLogRecord("svc", plain)
	assert.False(t, ok)
}

// Go's loggers (zap, logrus, otelslog v0.10.0) put the error under "error",
// slog's examples under "err": an ERROR record's is an exception message; a
// lower severity's, or an empty or non-string one, is not evidence.
func TestReadLogRecordErrorField(t *testing.T) {
	tests := []struct {
		name     string
		severity plog.SeverityNumber
		key      string
		err      any
		want     string
	}{
		{"otelslog v0.10.0 record of a recovered panic", plog.SeverityNumberError, "error", "runtime error: invalid memory address or nil pointer dereference",
			"runtime error: invalid memory address or nil pointer dereference"},
		{"fatal", plog.SeverityNumberFatal, "error", "dial tcp 10.0.0.5:5432: connect: connection refused", "dial tcp 10.0.0.5:5432: connect: connection refused"},
		{"slog's err", plog.SeverityNumberError, "err", "PAGE_SIZE: strconv.Atoi: parsing \"twenty\": invalid syntax", "PAGE_SIZE: strconv.Atoi: parsing \"twenty\": invalid syntax"},
		{"a warning is no failure", plog.SeverityNumberWarn, "error", "retrying: connection reset by peer", ""},
		{"slog's err of a warning", plog.SeverityNumberWarn, "err", "retrying: connection reset by peer", ""},
		{"empty", plog.SeverityNumberError, "error", "", ""},
		{"not a string", plog.SeverityNumberError, "err", int64(3), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lr := plog.NewLogRecord()
			lr.SetSeverityNumber(tc.severity)
			lr.Body().SetStr("request failed")
			require.NoError(t, lr.Attributes().FromRaw(map[string]any{tc.key: tc.err, "route": "/null"}))
			item, ok := ReadLogRecord("svc", lr)
			assert.Equal(t, tc.want != "", ok)
			assert.Equal(t, tc.want, item.ExceptionMessage)
		})
	}
}

// winston-transport's record of logger.error(msg, {error: err.name, stack: err.stack}) (node-koa's shape): the
// exception is the "error" key's, the stack a plain attribute, read with its frames; a "stack" that is no
// JavaScript stack, or a record with its own exception.stacktrace, is left as it is.
func TestReadLogRecordFlatStack(t *testing.T) {
	const pgStack = "Error: timeout exceeded when trying to connect\n    at /app/node_modules/pg-pool/index.js:45:11\n" +
		"    at async Object.cart (/app/src/routes/cart.js:12:3)"
	tests := []struct {
		name       string
		attrs      map[string]any
		wantStack  string
		wantOrigin string
	}{
		{"flat stack", map[string]any{"exception.message": "Error", "stack": pgStack}, "pg-pool/index.js", "node.pg_pool"},
		{"not a stack", map[string]any{"exception.message": "Error", "stack": "main"}, "", ""},
		{"its own stacktrace wins", map[string]any{"exception.message": "Error", "exception.stacktrace": "Error: x\n    at f (/app/a.js:1:1)", "stack": pgStack}, "/app/a.js", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lr := plog.NewLogRecord()
			lr.SetSeverityNumber(plog.SeverityNumberError)
			lr.Body().SetStr("GET /cart failed: timeout exceeded when trying to connect")
			require.NoError(t, lr.Attributes().FromRaw(tc.attrs))
			item, ok := ReadLogRecord("svc", lr)
			require.True(t, ok)
			if tc.wantStack == "" {
				assert.Empty(t, item.Stacktrace)
			} else {
				assert.Contains(t, item.Stacktrace, tc.wantStack)
			}
			assert.Equal(t, tc.wantOrigin, item.Origin)
		})
	}
}

// winston-transport copies an error's own properties (node-hono db_refused: mysql2's socket error, fatal=true):
// the property names the library when no frame does; a false one or another type does not.
func TestReadLogRecordPropertyOrigin(t *testing.T) {
	tests := []struct {
		name  string
		fatal any
		want  string
	}{
		{"mysql2's fatal error", true, "node.mysql2"},
		{"not fatal", false, ""},
		{"not a boolean", "true", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lr := plog.NewLogRecord()
			lr.SetSeverityNumber(plog.SeverityNumberError)
			require.NoError(t, lr.Attributes().FromRaw(map[string]any{"exception.type": "ECONNREFUSED", "exception.message": "connect ECONNREFUSED 127.0.0.1:46477",
				"exception.stacktrace": "Error: connect ECONNREFUSED 127.0.0.1:46477", "code": "ECONNREFUSED", "syscall": "connect", "fatal": tc.fatal}))
			item, ok := ReadLogRecord("svc", lr)
			require.True(t, ok)
			assert.Equal(t, tc.want, item.Origin)
		})
	}
}

// A recoverer's ERROR record of the recovered value under "panic", with
// otelzap's code.stacktrace (go-servemux null_dereference): the runtime
// error is the message and the stack its trace; a warning is no failure.
func TestReadLogRecordPanicField(t *testing.T) {
	const stack = "main.(*shop).recoverer.func26.1\n\t/srv/main.go:227\nruntime.gopanic\n\t/usr/local/go/src/runtime/panic.go:860\n" +
		"runtime.panicmem\n\t/usr/local/go/src/runtime/panic.go:262\nruntime.sigpanic\n\t/usr/local/go/src/runtime/signal_unix.go:925\n" +
		"main.nullDereference\n\t/srv/main.go:120\n"
	tests := []struct {
		name     string
		severity plog.SeverityNumber
		want     string
	}{
		{"error", plog.SeverityNumberError, "runtime error: invalid memory address or nil pointer dereference"},
		{"a warning is no failure", plog.SeverityNumberWarn, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lr := plog.NewLogRecord()
			lr.SetSeverityNumber(tc.severity)
			lr.Body().SetStr("panic recovered")
			require.NoError(t, lr.Attributes().FromRaw(map[string]any{
				"panic": "runtime error: invalid memory address or nil pointer dereference", "code.stacktrace": stack, "path": "/null"}))
			item, ok := ReadLogRecord("svc", lr)
			assert.Equal(t, tc.want != "", ok)
			assert.Equal(t, tc.want, item.ExceptionMessage)
			if ok {
				assert.Contains(t, item.Stacktrace, "main.nullDereference")
			}
		})
	}
}

func TestServiceName(t *testing.T) {
	res := pcommon.NewResource()
	assert.Empty(t, ServiceName(res))
	res.Attributes().PutInt("service.name", 3)
	assert.Empty(t, ServiceName(res), "wrong type")
	res.Attributes().PutStr("service.name", "checkout")
	assert.Equal(t, "checkout", ServiceName(res))
}

func TestDependencyKey(t *testing.T) {
	tests := []struct {
		name  string
		kind  ptrace.SpanKind
		attrs map[string]any
		want  string
	}{
		{"postgres, current names, stable port", ptrace.SpanKindClient,
			map[string]any{"db.system.name": "postgresql", "db.namespace": "shop", "server.address": "pg.internal", "server.port": int64(5432)},
			"postgresql shop pg.internal:5432"},
		{"mysql, older names", ptrace.SpanKindClient,
			map[string]any{"db.system": "mysql", "db.name": "payments", "net.peer.name": "mariadb", "net.peer.port": int64(3306)},
			"mysql payments mariadb:3306"},
		{"a high port is the server's: kept", ptrace.SpanKindClient,
			map[string]any{"db.system.name": "postgresql", "server.address": "127.0.0.1", "server.port": int64(41234)},
			"postgresql 127.0.0.1:41234"},
		{"a second database on the same host at another high port", ptrace.SpanKindClient,
			map[string]any{"db.system.name": "postgresql", "server.address": "127.0.0.1", "server.port": int64(45678)},
			"postgresql 127.0.0.1:45678"},
		{"older names, a high port", ptrace.SpanKindClient,
			map[string]any{"db.system": "postgresql", "net.peer.name": "127.0.0.1", "net.peer.port": int64(39816)},
			"postgresql 127.0.0.1:39816"},
		{"peer.service names the dependency", ptrace.SpanKindClient,
			map[string]any{"http.request.method": "GET", "peer.service": "Payments", "server.address": "10.0.0.7", "server.port": int64(8080)},
			"payments"},
		{"http client by address", ptrace.SpanKindClient,
			map[string]any{"http.request.method": "POST", "server.address": "api.example.com", "server.port": "443"},
			"api.example.com:443"},
		{"rpc service and method", ptrace.SpanKindClient,
			map[string]any{"rpc.system": "grpc", "rpc.service": "shop.Payments", "rpc.method": "Charge", "server.address": "payments", "server.port": int64(50051)},
			"payments:50051 shop.payments/charge"},
		{"redis", ptrace.SpanKindClient,
			map[string]any{"db.system.name": "redis", "db.namespace": "0", "server.address": "cache", "server.port": int64(6379)},
			"redis 0 cache:6379"},
		{"not a call: none", ptrace.SpanKindServer,
			map[string]any{"server.address": "shop", "server.port": int64(8080)},
			""},
		{"a server span's net.peer.port is its client's: not read", ptrace.SpanKindServer,
			map[string]any{"db.system": "postgresql", "net.peer.name": "127.0.0.1", "net.peer.port": int64(51234)},
			"postgresql 127.0.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpan(tc.kind, tc.attrs)
			if tc.name == "netty CONNECT" {
				s.SetName("CONNECT")
			}
			s.Status().SetCode(ptrace.StatusCodeError)
			assert.Equal(t, tc.want, ReadSpan("svc", s, nil, Interned)[0].Dependency)
		})
	}
}

// A raw connect span (instrumentation-net's tcp.connect, .NET's socket
// connect) is a connection attempt of its own kind: its dependency is the
// endpoint with its port, ephemeral or not, and so is every call's endpoint.
func TestConnectSpan(t *testing.T) {
	tests := []struct {
		name             string
		kind             ptrace.SpanKind
		attrs            map[string]any
		want             diagnosis.Kind
		endpoint, depKey string
	}{
		{"node tcp.connect", ptrace.SpanKindInternal,
			map[string]any{"network.transport": "tcp", "server.address": "127.0.0.1", "server.port": int64(40123)},
			diagnosis.KindConnect, "127.0.0.1:40123", "127.0.0.1:40123"},
		{"dotnet socket connect", ptrace.SpanKindInternal,
			map[string]any{"network.transport": "tcp", "network.peer.address": "10.0.0.5", "network.peer.port": int64(5432)},
			diagnosis.KindConnect, "10.0.0.5:5432", "10.0.0.5:5432"},
		// java-quarkus cache_refused: the agent's netty CONNECT of the Vert.x Redis client.
		{"netty CONNECT", ptrace.SpanKindClient,
			map[string]any{"server.address": "127.0.0.1", "server.port": int64(43787), "error.type": "io.netty.channel.AbstractChannel$AnnotatedConnectException"},
			diagnosis.KindConnect, "127.0.0.1:43787", "127.0.0.1:43787"},
		// java-vertx db_unknown_host: the agent's netty RESOLVE of the database's host.
		{"netty RESOLVE", ptrace.SpanKindClient,
			map[string]any{"server.address": "db.example.invalid", "server.port": int64(45249), "error.type": "java.net.UnknownHostException"},
			diagnosis.KindConnect, "db.example.invalid:45249", "db.example.invalid:45249"},
		{"an HTTP call is not a raw connect", ptrace.SpanKindClient,
			map[string]any{"network.transport": "tcp", "http.request.method": "GET", "server.address": "127.0.0.1", "server.port": int64(40123)},
			diagnosis.KindClient, "127.0.0.1:40123", "127.0.0.1:40123"},
		{"a database span keeps its key", ptrace.SpanKindClient,
			map[string]any{"network.transport": "tcp", "db.system.name": "postgresql", "server.address": "127.0.0.1", "server.port": int64(40123)},
			diagnosis.KindDB, "127.0.0.1:40123", "postgresql 127.0.0.1:40123"},
		{"a transport without an endpoint", ptrace.SpanKindInternal,
			map[string]any{"network.transport": "tcp"},
			diagnosis.KindSpan, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpan(tc.kind, tc.attrs)
			if name, ok := strings.CutPrefix(tc.name, "netty "); ok {
				s.SetName(name)
			}
			s.Status().SetCode(ptrace.StatusCodeError)
			s.Status().SetMessage("connect ECONNREFUSED 127.0.0.1:40123")
			item := ReadSpan("svc", s, nil, Interned)[0]
			assert.Equal(t, tc.want, item.Kind)
			assert.Equal(t, tc.endpoint, item.Endpoint)
			assert.Equal(t, tc.depKey, item.Dependency)
		})
	}
}

// A client span of the db.* namespace is a database call even when it
// names no system (the Java agent's vertx-sql-client spans: db.name,
// db.statement, db.operation, db.user); an HTTP, RPC or messaging call that
// carries a db.* attribute stays a call.
func TestSystemlessDatabaseSpan(t *testing.T) {
	vertx := map[string]any{"db.name": "shop", "db.operation": "SELECT", "db.statement": "SELECT ?", "db.user": "app",
		"server.address": "127.0.0.1", "server.port": int64(45117)}
	with := func(k string, v any) map[string]any {
		m := map[string]any{k: v}
		for k, v := range vertx {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name   string
		kind   ptrace.SpanKind
		attrs  map[string]any
		want   diagnosis.Kind
		depKey string
	}{
		{"vertx-sql-client", ptrace.SpanKindClient, vertx, diagnosis.KindDB, "shop 127.0.0.1:45117"},
		{"instrumentedsql", ptrace.SpanKindClient, map[string]any{"db.statement": "SELECT 1", "db.instance": "shop"}, diagnosis.KindDB, ""},
		{"an HTTP call", ptrace.SpanKindClient, with("http.request.method", "GET"), diagnosis.KindClient, "shop 127.0.0.1:45117"},
		{"an RPC call", ptrace.SpanKindClient, with("rpc.system", "grpc"), diagnosis.KindClient, "shop 127.0.0.1:45117"},
		{"a message sent", ptrace.SpanKindProducer, with("messaging.system", "kafka"), diagnosis.KindClient, "shop 127.0.0.1:45117"},
		{"a messaging client", ptrace.SpanKindClient, with("messaging.system", "rabbitmq"), diagnosis.KindClient, "shop 127.0.0.1:45117"},
		{"an internal span", ptrace.SpanKindInternal, vertx, diagnosis.KindSpan, ""},
		{"a client span of no namespace", ptrace.SpanKindClient, map[string]any{"server.address": "127.0.0.1", "server.port": int64(45117)}, diagnosis.KindClient, "127.0.0.1:45117"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpan(tc.kind, tc.attrs)
			s.Status().SetCode(ptrace.StatusCodeError)
			item := ReadSpan("svc", s, nil, Interned)[0]
			assert.Equal(t, tc.want, item.Kind)
			assert.Empty(t, item.DBSystem)
			assert.Equal(t, tc.depKey, item.Dependency)
		})
	}
}

// What instrumentations leave instead of an exception event: otelecho's
// echo.error and otelgin's gin.errors on the server span are its error
// message; an internal span's Error status that only comes with the 5xx
// it answered (the ASGI middleware's "http send") is none; otelpgx's
// pool.acquire span is pgxpool's own operation.
func TestWhatInstrumentationsLeave(t *testing.T) {
	tests := []struct {
		name        string
		kind        ptrace.SpanKind
		spanName    string
		attrs       map[string]any
		status      string
		wantMessage string
		wantError   bool
		wantOrigin  string
	}{
		{"otelecho", ptrace.SpanKindServer, "GET /config", map[string]any{"http.response.status_code": int64(500),
			"echo.error": `env: required environment variable "PAYMENTS_URL" is not set`}, "",
			`env: required environment variable "PAYMENTS_URL" is not set`, true, ""},
		{"otelgin", ptrace.SpanKindServer, "GET /config", map[string]any{"http.status_code": int64(500),
			"gin.errors": "Error #01: parse POOL_SIZE: strconv.Atoi: parsing \"x\": invalid syntax\n"}, "",
			"Error #01: parse POOL_SIZE: strconv.Atoi: parsing \"x\": invalid syntax\n", true, ""},
		{"a status description is kept over the attribute", ptrace.SpanKindServer, "GET /x", map[string]any{"echo.error": "handler"}, "own",
			"own", true, ""},
		{"asgi http send restates the response", ptrace.SpanKindInternal, "GET /null http send", map[string]any{"asgi.event.type": "http.response.start", "http.status_code": "500"}, "",
			"", false, ""},
		{"actix-web's reason phrase restates the response", ptrace.SpanKindServer, "GET /null", map[string]any{"http.response.status_code": int64(500), "error.type": "500"}, "Internal Server Error",
			"", false, ""},
		{"a reason phrase of another code is a description", ptrace.SpanKindServer, "GET /null", map[string]any{"http.response.status_code": int64(500)}, "Service Unavailable",
			"Service Unavailable", true, ""},
		{"a reason phrase with an error.type of its own is kept", ptrace.SpanKindServer, "GET /null", map[string]any{"http.response.status_code": int64(500), "error.type": "io.Error"}, "Internal Server Error",
			"Internal Server Error", true, ""},
		{"an internal span with a description keeps it", ptrace.SpanKindInternal, "render", map[string]any{"http.status_code": int64(500)}, "template missing",
			"template missing", true, ""},
		{"otelpgx pool.acquire", ptrace.SpanKindClient, "pool.acquire", map[string]any{"db.system": "postgresql"}, "context deadline exceeded",
			"context deadline exceeded", true, "go.pgxpool"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpan(tc.kind, tc.attrs)
			s.SetName(tc.spanName)
			s.Status().SetCode(ptrace.StatusCodeError)
			s.Status().SetMessage(tc.status)
			item := ReadSpan("svc", s, nil, Interned)[0]
			assert.Equal(t, tc.wantMessage, item.StatusMessage)
			assert.Equal(t, tc.wantError, item.StatusError)
			assert.Equal(t, tc.wantOrigin, item.Origin)
		})
	}
}

// tracing-opentelemetry's events: an error field becomes exception.message
// and its source chain an array in exception.stacktrace; an ERROR event
// without one is its name.
func TestTracingErrorEvents(t *testing.T) {
	s := newSpan(ptrace.SpanKindServer, map[string]any{"http.response.status_code": int64(500)})
	s.Status().SetCode(ptrace.StatusCodeError)
	ev := s.Events().AppendEmpty()
	ev.SetName("request failed")
	require.NoError(t, ev.Attributes().FromRaw(map[string]any{"level": "ERROR", "exception.message": "error sending request for url (http://127.0.0.1:42377/payments)",
		"exception.stacktrace": []any{"client error (Connect)", "tcp connect error", "Connection refused (os error 111)"}}))
	ev = s.Events().AppendEmpty()
	ev.SetName("Service panicked: called `Option::unwrap()` on a `None` value")
	require.NoError(t, ev.Attributes().FromRaw(map[string]any{"level": "ERROR", "target": "tower_http::catch_panic"}))
	ev = s.Events().AppendEmpty()
	ev.SetName("cache miss")
	require.NoError(t, ev.Attributes().FromRaw(map[string]any{"level": "INFO"}))
	items := ReadSpan("svc", s, nil, Interned)
	require.Len(t, items, 2)
	assert.Equal(t, "error sending request for url (http://127.0.0.1:42377/payments): client error (Connect): tcp connect error: Connection refused (os error 111)", items[0].ExceptionMessage)
	assert.Empty(t, items[0].Stacktrace)
	assert.Equal(t, "Service panicked: called `Option::unwrap()` on a `None` value", items[1].ExceptionMessage)
}

func TestFrameReadFromWholeStacktrace(t *testing.T) {
	// The in-app frame sits below the part of the trace that is kept.
	var b strings.Builder
	b.WriteString("java.lang.NullPointerException: boom\n")
	for range 100 {
		b.WriteString("\tat org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)\n")
	}
	b.WriteString("\tat com.acme.shop.CartController.total(CartController.java:42)\n")
	s := newSpan(ptrace.SpanKindServer, nil)
	addException(s, "java.lang.NullPointerException", "boom", b.String())
	item := ReadSpan("svc", s, nil, Interned)[0]
	assert.Equal(t, "com.acme.shop.CartController.total", item.Frame)
	assert.NotContains(t, item.Stacktrace, "CartController")

	// The origin too (the library's frame below what is kept), or without a
	// stack trace the type's namespace.
	b.Reset()
	b.WriteString("Traceback (most recent call last):\n")
	for range 60 {
		b.WriteString("  File \"/srv/app/shop/api.py\", line 40, in cart\n    return handler()\n")
	}
	b.WriteString("  File \"/usr/local/lib/python3.12/site-packages/psycopg_pool/pool.py\", line 202, in getconn\n    raise PoolTimeout()\n")
	s = newSpan(ptrace.SpanKindServer, nil)
	addException(s, "PoolTimeout", "couldn't get a connection after 30.00 sec", b.String())
	addException(s, "psycopg_pool.PoolTimeout", "couldn't get a connection after 30.00 sec", "")
	items := ReadSpan("svc", s, nil, Interned)
	assert.Equal(t, "python.psycopg_pool", items[0].Origin)
	assert.NotContains(t, items[0].Stacktrace, "psycopg_pool")
	assert.Equal(t, "python.psycopg_pool", items[1].Origin)

	lr := plog.NewLogRecord()
	lr.Attributes().PutStr("exception.type", "TypeError")
	lr.Attributes().PutStr("exception.stacktrace", "TypeError: x is undefined\n    at total (/app/src/cart.js:5:21)\n")
	rec, ok := ReadLogRecord("svc", lr)
	require.True(t, ok)
	assert.Equal(t, "src/cart.total", rec.Frame)
}

func TestOperationKey(t *testing.T) {
	db := func(q string) map[string]any {
		return map[string]any{"db.system.name": "postgresql", "db.query.text": q, "server.address": "pg", "server.port": int64(5432)}
	}
	httpc := func(method, u string) map[string]any {
		return map[string]any{"http.request.method": method, "url.full": u, "server.address": "payments", "server.port": int64(8080)}
	}
	key := func(attrs map[string]any) uint32 { return OperationKey(newSpan(ptrace.SpanKindClient, attrs)) }
	same := [][2]map[string]any{
		{db("SELECT stock FROM products WHERE sku = $1"), db("SELECT stock FROM products WHERE sku = $1")},
		{httpc("POST", "http://payments:8080/charge?attempt=1"), httpc("POST", "http://payments:8080/charge?attempt=2")},
		{{"rpc.system": "grpc", "rpc.service": "shop.Payments", "rpc.method": "Charge", "server.address": "payments"},
			{"rpc.system": "grpc", "rpc.service": "shop.Payments", "rpc.method": "Charge", "server.address": "payments"}},
	}
	for _, p := range same {
		if a, b := key(p[0]), key(p[1]); a == 0 || a != b {
			t.Errorf("keys differ or are 0: %d %d for %v", a, b, p)
		}
	}
	differ := [][2]map[string]any{
		{db("SELECT stock FROM products WHERE sku = $1"), db("UPDATE products SET stock = stock - 1 WHERE sku = $1")},
		{httpc("POST", "http://payments:8080/charge"), httpc("GET", "http://payments:8080/charge")},
		{httpc("POST", "http://payments:8080/charge"), httpc("POST", "http://payments:8080/refund")},
	}
	for _, p := range differ {
		if key(p[0]) == key(p[1]) {
			t.Errorf("same key for %v", p)
		}
	}
	assert.Zero(t, key(map[string]any{"server.address": "x"}), "no operation named")
	s := newSpan(ptrace.SpanKindClient, db("SELECT 1"))
	assert.Zero(t, testing.AllocsPerRun(100, func() { OperationKey(s) }))
}

// TestOwnStatusOnly: a span that carries nothing beyond its response status
// is told apart with one attribute scan, and whenever it is, ReadSpan's items
// of it are all cut by WithoutOwnStatus (the read it lets prepare skip would
// have found nothing); a span with anything more is read.
func TestOwnStatusOnly(t *testing.T) {
	tests := []struct {
		name  string
		attrs map[string]any
		setup func(ptrace.Span)
		want  bool
	}{
		{"a 500 and an Error status", map[string]any{"http.response.status_code": 500}, nil, true},
		{"error.type is the status code", map[string]any{"http.response.status_code": 500, "error.type": "500"}, nil, true},
		{"error.type _OTHER", map[string]any{"error.type": "_OTHER"}, nil, true},
		{"an empty handler error", map[string]any{"echo.error": ""}, nil, true},
		{"a real error.type", map[string]any{"http.response.status_code": 500, "error.type": "java.lang.IllegalStateException"}, nil, false},
		{"echo's handler error", map[string]any{"echo.error": "code=500, message=boom"}, nil, false},
		{"gin's errors", map[string]any{"gin.errors": "Error #01: boom\n"}, nil, false},
		{"a status description", map[string]any{"http.response.status_code": 500}, func(s ptrace.Span) { s.Status().SetMessage("boom") }, false},
		{"an exception event", map[string]any{}, func(s ptrace.Span) { addException(s, "E", "boom", "") }, false},
		{"an event of another name", map[string]any{}, func(s ptrace.Span) {
			s.Events().AppendEmpty().Attributes().PutStr("exception.message", "boom")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := newSpan(ptrace.SpanKindServer, tt.attrs)
			span.Status().SetCode(ptrace.StatusCodeError)
			if tt.setup != nil {
				tt.setup(span)
			}
			assert.Equal(t, tt.want, OwnStatusOnly(span))
			items := WithoutOwnStatus(ReadSpan("shop", span, nil, Borrowed))
			assert.Equal(t, tt.want, len(items) == 0, "ReadSpan and WithoutOwnStatus agree: %v", items)
		})
	}
}

// TestOwnStatusOnlyOfScenarios: over every span of the realistic scenarios,
// a span OwnStatusOnly passes over has no item WithoutOwnStatus keeps.
func TestOwnStatusOnlyOfScenarios(t *testing.T) {
	skipped := 0
	for _, sc := range testtraces.Scenarios() {
		td := testtraces.Build(sc.Root, testtraces.Options{})
		testtraces.ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, span ptrace.Span) {
			if OwnStatusOnly(span) {
				skipped++
				assert.Empty(t, WithoutOwnStatus(ReadSpan("svc", span, nil, Borrowed)), "%s: span %s", sc.Name, span.Name())
			}
		})
	}
	assert.NotZero(t, skipped, "some spans carry nothing")
}
