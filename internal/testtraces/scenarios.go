package testtraces // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"

import (
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Scenario is a realistic failing (or healthy) request and the diagnosis
// its 500 server spans should get, written down before running anything.
type Scenario struct {
	Name string
	Root *Span
	// Want maps the service of each 500 server span to its expected
	// "category/cause"; empty for healthy traces.
	Want map[string]string
	// WantRootCause is the expected diagnosis.root_cause.category of the
	// entry service's span, for dependency failures.
	WantRootCause string
	// Retried: a call failed and was retried with success. The processor
	// remembers the successful retry only when it arrives after a failed span
	// of its trace (as SDKs export them: the attempt ends first); delivered
	// before, the retry is not seen.
	Retried bool
}

// Server is an HTTP server span as otelhttp, Spring, Flask or Express emit it.
func Server(service, lang, method, route string, status int, children ...*Span) *Span {
	s := &Span{
		Name: method + " " + route, Service: service, Lang: lang, Kind: ptrace.SpanKindServer,
		Scope: serverScope(lang),
		Attrs: map[string]any{
			"http.request.method":       method,
			"url.path":                  route,
			"url.scheme":                "http",
			"http.route":                route,
			"http.response.status_code": int64(status),
			"server.address":            service,
			"server.port":               int64(8080),
			"network.protocol.version":  "1.1",
			"user_agent.original":       "Mozilla/5.0 (X11; Linux x86_64)",
			"client.address":            "10.1.2.3",
		},
		Children: children,
	}
	if status >= 500 {
		s.Status = ptrace.StatusCodeError
	}
	return s
}

// DB is a database client span.
func DB(system, op, table, query string) *Span {
	return &Span{
		Name: op + " " + table, Kind: ptrace.SpanKindClient, Scope: "db-instrumentation",
		Attrs: map[string]any{
			"db.system.name":     system,
			"db.system":          system,
			"db.namespace":       "shop",
			"db.operation.name":  op,
			"db.collection.name": table,
			"db.query.text":      query,
			"server.address":     system + ".internal",
			"server.port":        int64(dbPort(system)),
		},
	}
}

// Failed marks a span failed with a status description and exceptions.
func (s *Span) Failed(msg string, ex ...Exception) *Span {
	s.Status = ptrace.StatusCodeError
	s.StatusMsg = msg
	s.Exceptions = append(s.Exceptions, ex...)
	return s
}

// With sets attributes.
func (s *Span) With(kv ...any) *Span {
	if s.Attrs == nil {
		s.Attrs = map[string]any{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s.Attrs[kv[i].(string)] = kv[i+1]
	}
	return s
}

// HTTPClient is an outgoing HTTP call to another service.
func HTTPClient(peer, method, path string, status int, children ...*Span) *Span {
	s := &Span{
		Name: method, Kind: ptrace.SpanKindClient, Scope: "http-client",
		Attrs: map[string]any{
			"http.request.method": method,
			"url.full":            "http://" + peer + ":8080" + path,
			"server.address":      peer,
			"server.port":         int64(8080),
		},
		Children: children,
	}
	if status > 0 {
		s.Attrs["http.response.status_code"] = int64(status)
	}
	if status >= 500 {
		s.Status = ptrace.StatusCodeError
		s.Attrs["error.type"] = itoa(status)
	}
	return s
}

// Internal is an in-process span.
func Internal(name string, children ...*Span) *Span {
	return &Span{Name: name, Kind: ptrace.SpanKindInternal, Children: children}
}

func serverScope(lang string) string {
	switch lang {
	case "java":
		return "io.opentelemetry.tomcat-10.0"
	case "python":
		return "opentelemetry.instrumentation.flask"
	case "nodejs":
		return "@opentelemetry/instrumentation-http"
	case "dotnet":
		return "Microsoft.AspNetCore"
	case "ruby":
		return "OpenTelemetry::Instrumentation::Rack"
	case "php":
		return "io.opentelemetry.contrib.php.slim"
	}
	return "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
}

func dbPort(system string) int {
	switch system {
	case "postgresql":
		return 5432
	case "mysql", "mariadb":
		return 3306
	case "mssql", "microsoft.sql_server":
		return 1433
	case "oracle":
		return 1521
	case "mongodb":
		return 27017
	case "redis":
		return 6379
	}
	return 0
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// Scenarios returns the realistic requests used by the golden, split-order
// and benchmark tests and by the demo, one or more per category.
func Scenarios() []Scenario {
	return []Scenario{
		{
			Name: "python_flask_none_attribute",
			Root: Server("orders", "python", "GET", "/orders/<id>", 500,
				DB("postgresql", "SELECT", "orders", "SELECT id, total FROM orders WHERE id = %s"),
			).Failed("AttributeError: 'NoneType' object has no attribute 'total'", Exception{
				Type:    "AttributeError",
				Message: "'NoneType' object has no attribute 'total'",
				Stacktrace: "Traceback (most recent call last):\n  File \"/app/orders/views.py\", line 42, in get_order\n    return jsonify(total=order.total)\n" +
					"AttributeError: 'NoneType' object has no attribute 'total'\n",
			}),
			Want: map[string]string{"orders": "application_exception/null_reference"},
		},
		{
			Name: "java_spring_postgres_refused",
			Root: Server("billing", "java", "POST", "/invoices", 500,
				Internal("InvoiceService.create",
					DB("postgresql", "INSERT", "invoices", "INSERT INTO invoices (customer_id, amount) VALUES (?, ?)").Failed(
						"Connection to db.internal:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
						Exception{
							Type:       "org.postgresql.util.PSQLException",
							Message:    "Connection to db.internal:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
							Stacktrace: "org.postgresql.util.PSQLException: Connection to db.internal:5432 refused.\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)\nCaused by: java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)\n",
						}),
				).Failed("", Exception{Type: "org.springframework.jdbc.CannotGetJdbcConnectionException", Message: "Failed to obtain JDBC Connection"}),
			).Failed("Request processing failed: org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection"),
			Want: map[string]string{"billing": "database_connection/connection_refused"},
		},
		{
			Name: "go_pgx_statement_timeout",
			Root: Server("catalog", "go", "GET", "/products/search", 500,
				DB("postgresql", "SELECT", "products", "SELECT * FROM products WHERE name ILIKE $1").Failed(
					"ERROR: canceling statement due to statement timeout (SQLSTATE 57014)",
					Exception{Type: "*pgconn.PgError", Message: "ERROR: canceling statement due to statement timeout (SQLSTATE 57014)"},
				).With("db.response.status_code", "57014", "error.type", "*pgconn.PgError"),
			),
			Want: map[string]string{"catalog": "database_timeout/statement_timeout"},
		},
		{
			Name: "node_mysql2_missing_table",
			Root: Server("cart", "nodejs", "GET", "/cart/:id", 500,
				DB("mysql", "SELECT", "cart_items", "SELECT * FROM cart_items WHERE cart_id = ?").Failed(
					"Table 'shop.cart_items' doesn't exist",
					Exception{Type: "Error", Message: "Table 'shop.cart_items' doesn't exist", Stacktrace: "Error: Table 'shop.cart_items' doesn't exist\n    at PromiseConnection.query (/app/node_modules/mysql2/promise.js:93:22)"},
				).With("db.response.status_code", "1146"),
			),
			Want: map[string]string{"cart": "database_query/undefined_table"},
		},
		{
			Name: "cross_service_deadlock",
			Root: Server("checkout", "go", "POST", "/checkout", 500,
				HTTPClient("inventory", "POST", "/reserve", 500,
					Server("inventory", "java", "POST", "/reserve", 500,
						DB("mysql", "UPDATE", "stock", "UPDATE stock SET qty = qty - ? WHERE sku = ?").Failed(
							"Deadlock found when trying to get lock; try restarting transaction",
							Exception{Type: "java.sql.SQLTransactionRollbackException", Message: "Deadlock found when trying to get lock; try restarting transaction"},
						).With("db.response.status_code", "1213"),
					).Failed("", Exception{Type: "org.springframework.dao.DeadlockLoserDataAccessException", Message: "PreparedStatementCallback; SQL [UPDATE stock SET qty = qty - ? WHERE sku = ?]; Deadlock found when trying to get lock"}),
				),
			).Failed("upstream inventory returned 500"),
			Want:          map[string]string{"checkout": "dependency_failure/upstream_5xx", "inventory": "database_query/deadlock"},
			WantRootCause: "database_query",
		},
		{
			Name: "dotnet_too_many_open_files",
			Root: Server("reports", "dotnet", "GET", "/reports/{id}/pdf", 500,
				Internal("ReportRenderer.Render").Failed("Too many open files", Exception{
					Type:    "System.IO.IOException",
					Message: "Too many open files : '/tmp/report-8812.pdf'",
				}),
			).Failed(""),
			Want: map[string]string{"reports": "resource_exhaustion/too_many_open_files"},
		},
		{
			Name: "python_missing_env_var",
			Root: Server("notifier", "python", "POST", "/notify", 500).Failed("KeyError: 'SMTP_PASSWORD'", Exception{
				Type:       "KeyError",
				Message:    "'SMTP_PASSWORD'",
				Stacktrace: "Traceback (most recent call last):\n  File \"/app/notifier/mail.py\", line 12, in send\n    password = os.environ['SMTP_PASSWORD']\n  File \"/usr/lib/python3.11/os.py\", line 679, in __getitem__\n    raise KeyError(key) from None\nKeyError: 'SMTP_PASSWORD'\n",
			}),
			Want: map[string]string{"notifier": "configuration_error/missing_config"},
		},
		{
			Name: "php_pdo_injection",
			Root: Server("legacy-shop", "php", "GET", "/search.php", 500,
				DB("mysql", "SELECT", "products", "SELECT * FROM products WHERE name = '' OR '1'='1' -- '").Failed(
					"SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' OR '1'='1' -- ''' at line 1",
					Exception{Type: "PDOException", Message: "SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' OR '1'='1' -- ''' at line 1"},
				),
			),
			Want: map[string]string{"legacy-shop": "security/suspected_injection"},
		},
		{
			Name: "go_nil_pointer_panic",
			Root: Server("profile", "go", "GET", "/users/{id}", 500).Failed("panic: runtime error: invalid memory address or nil pointer dereference", Exception{
				Type:       "*errors.errorString",
				Message:    "panic: runtime error: invalid memory address or nil pointer dereference",
				Stacktrace: "goroutine 42 [running]:\nmain.(*handler).getUser(0xc000123450, {0x7f8a2c, 0xc000456780})\n\t/app/main.go:88 +0x1d\n",
			}),
			Want: map[string]string{"profile": "application_exception/null_reference"},
		},
		// Retries (docs/design.md §2.3): a failure the stack recovered from is not the cause.
		{
			// database/sql retries driver.ErrBadConn on a fresh connection; the
			// handler then dereferences a nil cart.
			Name: "go_sql_bad_conn_retried_then_panic", Retried: true,
			Root: Server("cart", "go", "GET", "/carts/{id}", 500,
				DB("postgresql", "SELECT", "carts", "SELECT items FROM carts WHERE id = $1").Failed("driver: bad connection",
					Exception{Type: "*errors.errorString", Message: "driver: bad connection"}),
				DB("postgresql", "SELECT", "carts", "SELECT items FROM carts WHERE id = $1"),
			).Failed("runtime error: invalid memory address or nil pointer dereference", Exception{
				Type:       "runtime.errorString",
				Message:    "runtime error: invalid memory address or nil pointer dereference",
				Stacktrace: "goroutine 42 [running]:\npanic({0x78f5e0?, 0xb1d890?})\n\t/usr/local/go/src/runtime/panic.go:860 +0x13a\nmain.(*cartHandler).total(...)\n\t/app/cart.go:51\n",
			}),
			Want: map[string]string{"cart": "application_exception/null_reference"},
		},
		{
			// The same retry and nothing else recorded: no evidence of a cause.
			Name: "go_sql_bad_conn_retried_only", Retried: true,
			Root: Server("cart", "go", "GET", "/carts/{id}/total", 500,
				DB("postgresql", "SELECT", "carts", "SELECT items FROM carts WHERE id = $1").Failed("driver: bad connection",
					Exception{Type: "*errors.errorString", Message: "driver: bad connection"}),
				DB("postgresql", "SELECT", "carts", "SELECT items FROM carts WHERE id = $1"),
			),
			Want: map[string]string{"cart": "unknown/no_evidence"},
		},
		{
			// The HTTP client retried a 503 with success; the handler then failed
			// on its own.
			Name: "node_http_retried_then_type_error", Retried: true,
			Root: Server("frontend", "nodejs", "GET", "/checkout", 500,
				HTTPClient("payments", "POST", "/charge", 503),
				HTTPClient("payments", "POST", "/charge", 200),
			).Failed("Cannot read properties of undefined (reading 'total')", Exception{
				Type:       "TypeError",
				Message:    "Cannot read properties of undefined (reading 'total')",
				Stacktrace: "TypeError: Cannot read properties of undefined (reading 'total')\n    at renderReceipt (/app/src/receipt.js:14:31)\n    at /app/src/routes/checkout.js:40:12",
			}),
			Want: map[string]string{"frontend": "application_exception/null_reference"},
		},
		{
			// A failure followed by a success of another operation was not
			// retried: it still decides.
			Name: "python_unique_violation_then_other_query",
			Root: Server("orders", "python", "POST", "/orders", 500,
				DB("postgresql", "INSERT", "orders", "INSERT INTO orders (id, sku) VALUES (%(id)s, %(sku)s)").Failed(
					"duplicate key value violates unique constraint \"orders_pkey\"",
					Exception{Type: "psycopg2.errors.UniqueViolation", Message: "duplicate key value violates unique constraint \"orders_pkey\""},
				).With("db.response.status_code", "23505"),
				DB("postgresql", "SELECT", "orders", "SELECT id FROM orders WHERE sku = %(sku)s"),
			),
			Want: map[string]string{"orders": "database_query/constraint_violation"},
		},
		{
			Name: "downstream_refused",
			Root: Server("frontend", "nodejs", "GET", "/home", 500,
				HTTPClient("recommendations", "GET", "/recs", 0).Failed("connect ECONNREFUSED 10.0.3.7:8080", Exception{
					Type: "Error", Message: "connect ECONNREFUSED 10.0.3.7:8080",
				}).With("error.type", "ECONNREFUSED"),
			).Failed(""),
			Want: map[string]string{"frontend": "dependency_failure/upstream_unreachable"},
		},
		{
			Name: "bare_500",
			Root: Server("gateway-api", "go", "GET", "/status", 500,
				DB("redis", "GET", "", "GET status:current"),
			),
			Want: map[string]string{"gateway-api": "unknown/no_evidence"},
		},
		{
			Name: "three_service_chain_lock_timeout",
			Root: Server("storefront", "nodejs", "POST", "/api/orders", 500,
				Internal("middleware - auth"),
				HTTPClient("orders", "POST", "/orders", 500,
					Server("orders", "python", "POST", "/orders", 500,
						Internal("validate_order"),
						DB("postgresql", "SELECT", "customers", "SELECT * FROM customers WHERE id = %s"),
						HTTPClient("payments", "POST", "/charge", 500,
							Server("payments", "go", "POST", "/charge", 500,
								Internal("charge",
									DB("postgresql", "UPDATE", "accounts", "UPDATE accounts SET balance = balance - $1 WHERE id = $2").Failed(
										"ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)",
										Exception{Type: "*pgconn.PgError", Message: "ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)"},
									),
								).Failed("charge: ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)"),
							),
						),
					).Failed("requests.exceptions.HTTPError: 500 Server Error: Internal Server Error for url: http://payments:8080/charge", Exception{
						Type:    "requests.exceptions.HTTPError",
						Message: "500 Server Error: Internal Server Error for url: http://payments:8080/charge",
					}),
				),
			).Failed(""),
			Want: map[string]string{
				"storefront": "dependency_failure/upstream_5xx",
				"orders":     "dependency_failure/upstream_5xx",
				"payments":   "database_timeout/lock_timeout",
			},
			WantRootCause: "database_timeout", // the deepest cause, for both callers
		},
		{
			Name: "healthy_200",
			Root: Server("orders", "python", "GET", "/orders/<id>", 200,
				DB("postgresql", "SELECT", "orders", "SELECT id, total FROM orders WHERE id = %s"),
				HTTPClient("pricing", "GET", "/price", 200),
			),
		},
		{
			Name: "not_found_404",
			Root: Server("catalog", "go", "GET", "/products/{id}", 404,
				DB("postgresql", "SELECT", "products", "SELECT * FROM products WHERE id = $1"),
			),
		},
	}
}
