package classify

import (
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// Every row of every table must have a test case expecting its rule, so a
// row added without a test fails CI.
func TestEveryRuleHasATest(t *testing.T) {
	for _, r := range allRules() {
		if !covered[r] {
			t.Errorf("rule %q has no test case", r)
		}
	}
}

func TestRuleNamesAreWellFormed(t *testing.T) {
	for _, r := range allRules() {
		if r == "" || strings.ContainsAny(r, " \t\n") {
			t.Errorf("bad rule name %q", r)
		}
	}
	// Every outcome uses a known category and a snake_case cause.
	check := func(rule string, out outcome) {
		if !out.set() {
			return
		}
		if _, ok := diagnosis.Categories[out.cat]; !ok {
			t.Errorf("%s: unknown category %q", rule, out.cat)
		}
		if out.cause == "" || strings.ToLower(out.cause) != out.cause || strings.ContainsAny(out.cause, " -.") {
			t.Errorf("%s: cause %q is not snake_case", rule, out.cause)
		}
	}
	for _, tb := range codeTables {
		for _, r := range tb {
			check(r.rule, r.out)
		}
	}
	for _, r := range typeRows {
		check(r.rule, r.out)
		check(r.rule, r.db)
		check(r.rule, r.client)
	}
	for _, r := range patRows {
		check(r.rule, r.out)
		check(r.rule, r.db)
		check(r.rule, r.client)
	}
}

// The same words mean different things on a database span, an outgoing
// call and a plain span.
func TestContext(t *testing.T) {
	refused := "dial tcp 10.0.0.5:%s: connect: connection refused"
	cases := []struct {
		name string
		ev   diagnosis.Evidence
		want string
	}{
		{"db span", diagnosis.Evidence{Kind: diagnosis.KindDB, DBSystem: "postgresql", StatusMessage: strings.Replace(refused, "%s", "5432", 1), StatusError: true}, "database_connection/connection_refused"},
		{"client span", diagnosis.Evidence{Kind: diagnosis.KindClient, StatusMessage: strings.Replace(refused, "%s", "8080", 1), StatusError: true}, "dependency_failure/upstream_unreachable"},
		{"plain span to http port", goErr(`charge: Post "http://payments:8080/charge": ` + strings.Replace(refused, "%s", "8080", 1)), "dependency_failure/upstream_unreachable"},
		{"plain span to db port", goErr(strings.Replace(refused, "%s", "3306", 1)), "database_connection/connection_refused"},
		// A dial no HTTP or RPC client wrapped: lib/pq's, go-pg's, go-redis' own connect, on any port.
		{"plain span, bare Go dial", goErr("count items: " + strings.Replace(refused, "%s", "41465", 1)), "database_connection/connection_refused"},
		{"plain span, bare Go dial's lookup", goErr("connect: dial tcp: lookup db on 127.0.0.11:53: no such host"), "database_connection/dns_failure"},
		{"plain span, bare Go dial to a socket", goErr("dial unix /var/run/postgresql/.s.PGSQL.5433: connect: no such file or directory"), "database_connection/connection_refused"},
		{"plain span, Go dial under grpc", goErr(`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: ` + strings.Replace(refused, "%s", "50051", 1) + `"`), "dependency_failure/upstream_unreachable"},
		{"plain span, Go dial of a broker", goErr("connect to rabbitmq: " + strings.Replace(refused, "%s", "5673", 1)), "dependency_failure/upstream_unreachable"},
		{"client span, bare Go dial", diagnosis.Evidence{Kind: diagnosis.KindClient, ExceptionType: "*net.OpError", ExceptionMessage: strings.Replace(refused, "%s", "41465", 1), StatusError: true}, "dependency_failure/upstream_unreachable"},
		{"plain span, driver in stack", exs("java.net.ConnectException", "Connection refused", "java.net.ConnectException: Connection refused\n\tat org.postgresql.core.PGStream.<init>(PGStream.java:98)"), "database_connection/connection_refused"},
		{"requests to http", ex("requests.exceptions.ConnectionError", "HTTPConnectionPool(host='inventory', port=8080): Max retries exceeded with url: /stock (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))"), "dependency_failure/upstream_unreachable"},
		{"node ECONNREFUSED redis", ex("Error", "connect ECONNREFUSED 127.0.0.1:6379"), "database_connection/connection_refused"},
		{"node ECONNREFUSED http", ex("Error", "connect ECONNREFUSED 10.0.0.9:3000"), "dependency_failure/upstream_unreachable"},
		{"deadline on db", goDB("postgresql", "context deadline exceeded"), "database_timeout/query_canceled"},
		{"deadline on call", goErr(`Get "http://inventory/stock": context deadline exceeded`), "dependency_failure/upstream_timeout"},
		{"timeout on client", diagnosis.Evidence{Kind: diagnosis.KindClient, ExceptionType: "java.net.SocketTimeoutException", ExceptionMessage: "Read timed out", StatusError: true}, "dependency_failure/upstream_timeout"},
		{"timeout on db", dbx("mysql", "java.net.SocketTimeoutException", "Read timed out"), "database_timeout/statement_timeout"},
		{"division by zero in app", ex("ZeroDivisionError", "division by zero"), "application_exception/arithmetic"},
		{"division by zero in db", dbx("postgresql", "*pgconn.PgError", "ERROR: division by zero"), "database_query/data_exception"},
		{"no such host, db", goErr("hostname resolving error: lookup mysql-primary on 127.0.0.11:53: no such host"), "database_connection/dns_failure"},
		{"no such host, http", goErr(`Get "http://pricing/v1": dial tcp: lookup pricing on 127.0.0.11:53: no such host`), "dependency_failure/upstream_unreachable"},
		{"too many requests, own limiter", st("too many requests"), "security/suspected_abuse"},
		{"too many requests, client", diagnosis.Evidence{Kind: diagnosis.KindClient, StatusMessage: "too many requests", StatusError: true}, "dependency_failure/upstream_rate_limited"},
		{"grpc unavailable on spanner", diagnosis.Evidence{Kind: diagnosis.KindDB, DBSystem: "spanner", RPCSystem: "grpc", RPCStatusCode: "14", StatusError: true}, "database_connection/server_unavailable"},
		{"same SQLSTATE text, mysql vs pg: 40001", dbc("mysql", "40001", ""), "database_query/deadlock"},
		{"40001 on postgres", dbc("postgresql", "40001", ""), "database_query/serialization_failure"},
		{"1205 on mysql", dbc("mysql", "1205", ""), "database_timeout/lock_timeout"},
		{"1205 on sql server", dbc("mssql", "1205", ""), "database_query/deadlock"},
		{"1205 unknown system: mysql shape", dbc("", "1205", ""), "database_timeout/lock_timeout"},
		{"ORA code as number", dbc("oracle", "942", ""), "database_query/undefined_table"},
		{"unknown system, SQLSTATE shape", dbc("", "42P01", ""), "database_query/undefined_table"},
		{"unknown system, sql server number", dbc("", "18456", ""), "database_connection/authentication_failed"},
		{"unknown system, ORA", dbc("", "ORA-00060", ""), "database_query/deadlock"},
		{"redis code", dbc("redis", "WRONGTYPE", ""), "database_query/data_exception"},
		{"config file named database", ex("Errno::ENOENT", "No such file or directory @ rb_sysopen - /app/config/database.yml"), "configuration_error/missing_config"},
		{"secret file of a database client", goErr("pgx: load client cert: open /var/run/secrets/db/client.key: no such file or directory"), "configuration_error/missing_secret"},
		{"node-postgres's SQLSTATE as exception.type", dbx("postgresql", "55P03", `canceling statement due to lock timeout`), "database_timeout/lock_timeout"},
		{"a SQLSTATE-shaped type off a database", ex("40001", `conflict`), "application_exception/unhandled_exception"},
		{"mysql2's code as exception.type", dbx("mysql", "ER_LOCK_DEADLOCK", `Deadlock found when trying to get lock; try restarting transaction`), "database_query/deadlock"},
		{"libpq's refusal on any port, status only", st(`connection to server at "127.0.0.1", port 40123 failed: Connection refused`), "database_connection/connection_refused"},
		{"asyncio's refusal, status only", st(`[Errno 111] Connect call failed ('10.0.0.9', 8080)`), "dependency_failure/upstream_unreachable"},
		{"anyio's refusal under httpx", st(`All connection attempts failed`), "dependency_failure/upstream_unreachable"},
		{"postgres socket missing", goDB("postgresql", "failed to connect to `host=/var/run/postgresql user=app database=shop`: dial error (dial unix /var/run/postgresql/.s.PGSQL.5432: connect: no such file or directory)"), "database_connection/connection_refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := c.ev
			m, ok := MatchEvidence(&ev)
			got := string(m.Category) + "/" + m.Cause
			if !ok || got != c.want {
				t.Fatalf("got %s (%s, ok=%v), want %s", got, m.Rule, ok, c.want)
			}
		})
	}
}

// Wrapped exceptions: the innermost specific cause beats the wrapper.
func TestWrappedCauses(t *testing.T) {
	cases := []struct {
		name     string
		ev       diagnosis.Evidence
		want     string
		strength diagnosis.Strength
	}{
		{"java caused by", exs("org.springframework.web.util.NestedServletException", "Request processing failed; nested exception is java.lang.IllegalStateException: checkout failed",
			"org.springframework.web.util.NestedServletException: Request processing failed\n\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)\nCaused by: java.lang.IllegalStateException: checkout failed\n\tat com.shop.Checkout.run(Checkout.java:31)\nCaused by: java.lang.NullPointerException: Cannot invoke \"com.shop.Cart.total()\" because \"cart\" is null\n\tat com.shop.Checkout.total(Checkout.java:55)\n\t... 42 more"),
			"application_exception/null_reference", diagnosis.StrengthType},
		{"java hikari caused by db down", exs("org.springframework.jdbc.CannotGetJdbcConnectionException", "Failed to obtain JDBC Connection",
			"org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection\n\tat org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)\nCaused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)\nCaused by: org.postgresql.util.PSQLException: Connection to db.internal:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:346)\nCaused by: java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)"),
			"database_connection/connection_refused", diagnosis.StrengthType},
		{"python direct cause", exs("sqlalchemy.exc.ProgrammingError", "(psycopg2.errors.UndefinedTable) relation \"orders\" does not exist\nLINE 1: SELECT * FROM orders\n[SQL: SELECT * FROM orders]\n(Background on this error at: https://sqlalche.me/e/20/f405)",
			"Traceback (most recent call last):\n  File \"/app/venv/lib/python3.12/site-packages/sqlalchemy/engine/base.py\", line 1967, in _exec_single_context\n    self.dialect.do_execute(\npsycopg2.errors.UndefinedTable: relation \"orders\" does not exist\nLINE 1: SELECT * FROM orders\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"/app/shop/views.py\", line 40, in list_orders\n    rows = session.execute(text(\"SELECT * FROM orders\")).all()\nsqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedTable) relation \"orders\" does not exist"),
			"database_query/undefined_table", diagnosis.StrengthType},
		{"python during handling", exs("RuntimeError", "could not load the cart",
			"Traceback (most recent call last):\n  File \"/app/cart.py\", line 10, in load\n    return carts[user_id]\nKeyError: 42\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"/app/views.py\", line 22, in cart\n    raise RuntimeError(\"could not load the cart\")\nRuntimeError: could not load the cart"),
			"application_exception/key_error", diagnosis.StrengthType},
		// Captured from the test bed: redis-py's pool pops from its list of
		// idle connections, catches the IndexError and raises its own error.
		{"python handled context is not the cause", exs("redis.exceptions.MaxConnectionsError", "Too many connections",
			"Traceback (most recent call last):\n  File \"/venv/lib/python3.11/site-packages/redis/connection.py\", line 3247, in get_connection\n    connection = self._available_connections.pop()\n                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nIndexError: pop from empty list\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"/app/orders_flask.py\", line 322, in cache_notifications\n    return jsonify(unread=int(small_cache.get(\"unread\") or 0))\n  File \"/venv/lib/python3.11/site-packages/redis/connection.py\", line 3320, in make_connection\n    raise MaxConnectionsError(\"Too many connections\")\nredis.exceptions.MaxConnectionsError: Too many connections"),
			"database_connection/pool_exhausted", diagnosis.StrengthType},
		{".NET inner exception", exs("System.InvalidOperationException", "An exception has been raised that is likely due to a transient failure.",
			"System.InvalidOperationException: An exception has been raised that is likely due to a transient failure.\n ---> Npgsql.NpgsqlException (0x80004005): Failed to connect to 10.0.0.5:5432\n ---> System.Net.Sockets.SocketException (111): Connection refused\n   at Npgsql.Internal.NpgsqlConnector.Connect(NpgsqlTimeout timeout)\n   --- End of inner exception stack trace ---"),
			"database_connection/connection_refused", diagnosis.StrengthPattern},
		{"npgsql sqlstate prefix", exs("Npgsql.PostgresException", "42P01: relation \"orders\" does not exist",
			"Npgsql.PostgresException (0x80004005): 42P01: relation \"orders\" does not exist\n   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong()"),
			"database_query/undefined_table", diagnosis.StrengthCode},
		{"go wrapped", goErr("place order: reserve stock: failed to connect to `user=app database=shop`: 127.0.0.1:5432 (127.0.0.1): dial error: dial tcp 127.0.0.1:5432: connect: connection refused"),
			"database_connection/connection_refused", diagnosis.StrengthPattern},
		{"rails wrapped type in message", ex("ActiveRecord::StatementInvalid", "PG::UndefinedTable: ERROR:  relation \"orders\" does not exist\nLINE 1: SELECT \"orders\".* FROM \"orders\""),
			"database_query/undefined_table", diagnosis.StrengthType},
		{"spring nested exception", ex("org.springframework.dao.DataIntegrityViolationException", "could not execute statement; SQL [n/a]; constraint [uk_email]; nested exception is org.hibernate.exception.ConstraintViolationException: could not execute statement"),
			"database_query/constraint_violation", diagnosis.StrengthType},
		{"go panic in recover middleware", exs("*errors.errorString", "panic: runtime error: index out of range [3] with length 3",
			"goroutine 18 [running]:\nmain.handler()\n\t/app/main.go:41 +0x1d"), "application_exception/index_out_of_range", diagnosis.StrengthPattern},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := c.ev
			m, ok := MatchEvidence(&ev)
			got := string(m.Category) + "/" + m.Cause
			if !ok || got != c.want || m.Strength != c.strength {
				t.Fatalf("got %s (%s, strength %d), want %s strength %d", got, m.Rule, m.Strength, c.want, c.strength)
			}
		})
	}
}

// Real-world messages from several languages and drivers.
func TestRealWorldSamples(t *testing.T) {
	cases := []struct {
		ev   diagnosis.Evidence
		want string
	}{
		{ex("psycopg2.OperationalError", "connection to server at \"db\" (172.18.0.2), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?"), "database_connection/connection_refused"},
		{ex("psycopg2.OperationalError", "could not translate host name \"db\" to address: Name or service not known"), "database_connection/dns_failure"},
		{ex("psycopg.OperationalError", "connection failed: connection to server at \"10.0.0.5\", port 5432 failed: FATAL:  password authentication failed for user \"app\""), "database_connection/authentication_failed"},
		{ex("pymysql.err.OperationalError", "(2003, \"Can't connect to MySQL server on 'localhost' ([Errno 111] Connection refused)\")"), "database_connection/connection_refused"},
		{ex("sqlalchemy.exc.OperationalError", "(pymysql.err.OperationalError) (1045, \"Access denied for user 'root'@'172.18.0.3' (using password: YES)\")"), "database_connection/authentication_failed"},
		{ex("com.mysql.cj.jdbc.exceptions.CommunicationsException", "Communications link failure\n\nThe last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server."), "database_connection/connection_reset"},
		{ex("org.postgresql.util.PSQLException", "Connection to localhost:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections."), "database_connection/connection_refused"},
		{ex("org.postgresql.util.PSQLException", "An I/O error occurred while sending to the backend."), "database_connection/connection_reset"},
		{ex("Npgsql.NpgsqlException", "The connection pool has been exhausted, either raise 'Max Pool Size' (currently 100) or 'Timeout' (currently 15 seconds) in your connection string."), "database_connection/pool_exhausted"},
		{ex("Microsoft.Data.SqlClient.SqlException", "A network-related or instance-specific error occurred while establishing a connection to SQL Server. The server was not found or was not accessible."), "database_connection/connection_refused"},
		{ex("Error", "getaddrinfo ENOTFOUND postgres"), "database_connection/dns_failure"},
		{ex("error", "password authentication failed for user \"app\""), "database_connection/authentication_failed"},
		{ex("Error", "Connection terminated unexpectedly"), "database_connection/connection_reset"},
		{ex("PG::ConnectionBad", "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?"), "database_connection/connection_refused"},
		{ex("Mysql2::Error::ConnectionError", "Can't connect to MySQL server on 'db' (111)"), "database_connection/connection_refused"},
		// PDO pgsql's 08006 is any failed connect; libpq's words after it say which.
		{ex("PDOException", "SQLSTATE[08006] [7] connection to server at \"db\" (10.0.0.5), port 5432 failed: Connection refused"), "database_connection/connection_refused"},
		{ex("PDOException", "SQLSTATE[42S02]: Base table or view not found: 1146 Table 'shop.orders' doesn't exist"), "database_query/undefined_table"},
		{ex("PDOException", "SQLSTATE[42P01]: Undefined table: 7 ERROR:  relation \"orders\" does not exist"), "database_query/undefined_table"},
		{ex("Doctrine\\DBAL\\Exception\\UniqueConstraintViolationException", "An exception occurred while executing a query: SQLSTATE[23505]: Unique violation: 7 ERROR:  duplicate key value violates unique constraint \"uniq_email\""), "database_query/constraint_violation"},
		{goErr("pq: duplicate key value violates unique constraint \"users_email_key\""), "database_query/constraint_violation"},
		{goErr("Error 1040: Too many connections"), "database_connection/too_many_connections"},
		{goDB("mysql", "dial tcp 127.0.0.1:3306: connect: connection refused"), "database_connection/connection_refused"},
		{ex("redis.exceptions.ConnectionError", "Error 111 connecting to localhost:6379. Connection refused."), "database_connection/connection_refused"},
		{ex("MongoServerSelectionError", "connect ECONNREFUSED 127.0.0.1:27017"), "database_connection/connection_refused"},
		{ex("java.lang.OutOfMemoryError", "GC overhead limit exceeded"), "resource_exhaustion/out_of_memory"},
		{ex("MemoryError", ""), "resource_exhaustion/out_of_memory"},
		{goErr("fatal error: runtime: out of memory"), "resource_exhaustion/out_of_memory"},
		{ex("java.io.IOException", "No space left on device"), "resource_exhaustion/disk_full"},
		{ex("java.net.SocketException", "Too many open files"), "resource_exhaustion/too_many_open_files"},
		{ex("RuntimeError", "can't start new thread"), "resource_exhaustion/thread_pool_exhausted"},
		{ex("KeyError", "'STRIPE_SECRET'"), "configuration_error/missing_config"},
		{ex("KeyError", `key not found: "DATABASE_URL"`), "configuration_error/missing_config"},
		{ex("KeyError", "'quantity'"), "application_exception/key_error"},
		{ex("java.lang.IllegalArgumentException", "Could not resolve placeholder 'stripe.key' in value \"${stripe.key}\""), "configuration_error/missing_config"},
		{ex("System.IO.FileNotFoundException", "Could not find file '/app/appsettings.Production.json'."), "configuration_error/missing_config"},
		{ex("Errno::EACCES", "Permission denied @ rb_sysopen - /app/log/production.log"), "configuration_error/permission_denied"},
		{ex("System.UnauthorizedAccessException", "Access to the path '/app/keys' is denied."), "configuration_error/permission_denied"},
		{ex("TypeError", "Cannot read properties of undefined (reading 'map')"), "application_exception/null_reference"},
		{ex("NoMethodError", "undefined method 'price' for nil"), "application_exception/null_reference"},
		{ex("TypeError", "App\\Cart::total(): Return value must be of type int, null returned"), "application_exception/type_error"},
		{goErr("runtime error: index out of range [5] with length 3"), "application_exception/index_out_of_range"},
		{ex("System.IndexOutOfRangeException", "Index was outside the bounds of the array."), "application_exception/index_out_of_range"},
		{ex("System.DivideByZeroException", "Attempted to divide by zero."), "application_exception/arithmetic"},
		{ex("ZeroDivisionError", "divided by 0"), "application_exception/arithmetic"},
		{ex("Error", "Call to undefined method App\\Cart::totl()"), "application_exception/type_error"},
		{ex("System.Net.Http.HttpRequestException", "Connection refused (payments:8080)"), "dependency_failure/upstream_unreachable"},
		{ex("System.Threading.Tasks.TaskCanceledException", "The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing."), "dependency_failure/upstream_timeout"},
		{ex("Net::ReadTimeout", "Net::ReadTimeout with #<TCPSocket:(closed)>"), "dependency_failure/upstream_timeout"},
		{ex("Faraday::ConnectionFailed", "Failed to open TCP connection to payments:8080 (Connection refused - connect(2) for \"payments\" port 8080)"), "dependency_failure/upstream_unreachable"},
		{ex("GuzzleHttp\\Exception\\ConnectException", "cURL error 7: Failed to connect to payments port 8080 after 0 ms: Connection refused"), "dependency_failure/upstream_unreachable"},
		{ex("GuzzleHttp\\Exception\\ConnectException", "cURL error 28: Operation timed out after 5001 milliseconds with 0 bytes received"), "dependency_failure/upstream_timeout"},
		{ex("io.grpc.StatusRuntimeException", "DEADLINE_EXCEEDED: deadline exceeded after 4.999s"), "dependency_failure/upstream_timeout"},
		{ex("io.grpc.StatusRuntimeException", "UNAVAILABLE: io exception"), "dependency_failure/upstream_unreachable"},
		{ex("grpc._channel._InactiveRpcError", "<_InactiveRpcError of RPC that terminated with:\n\tstatus = StatusCode.UNAVAILABLE\n\tdetails = \"failed to connect to all addresses\""), "dependency_failure/upstream_unreachable"},
		{ex("Grpc.Core.RpcException", "Status(StatusCode=\"DeadlineExceeded\", Detail=\"Deadline Exceeded\")"), "dependency_failure/upstream_timeout"},
		{ex("feign.FeignException$InternalServerError", "[500 Internal Server Error] during [POST] to [http://payments/charge]"), "dependency_failure/upstream_5xx"},
		{ex("AxiosError", "Request failed with status code 502"), "dependency_failure/upstream_5xx"},
		{goErr("upstream returned status code 503"), "dependency_failure/upstream_5xx"},
		{ex("psycopg2.errors.SyntaxError", "syntax error at or near \"UNION\"\nLINE 1: ...FROM products WHERE id = 1 UNION SELECT password FROM users--"), "security/suspected_injection"},
		{ex("ActiveRecord::StatementInvalid", "Mysql2::Error: Deadlock found when trying to get lock; try restarting transaction"), "database_query/deadlock"},
		{ex("ActiveRecord::RecordNotUnique", "PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint \"index_users_on_email\""), "database_query/constraint_violation"},
	}
	for _, c := range cases {
		t.Run(firstWords(c.ev), func(t *testing.T) {
			ev := c.ev
			m, ok := MatchEvidence(&ev)
			got := string(m.Category) + "/" + m.Cause
			if !ok || got != c.want {
				t.Fatalf("got %s (%s, strength %d), want %s", got, m.Rule, m.Strength, c.want)
			}
		})
	}
}

func TestNoMatch(t *testing.T) {
	for _, ev := range []diagnosis.Evidence{
		{},
		{Kind: diagnosis.KindClient, HTTPStatusCode: 200},
		{Kind: diagnosis.KindClient, RPCSystem: "grpc", RPCStatusCode: "0"},
		{Kind: diagnosis.KindDB, DBSystem: "postgresql", SpanName: "SELECT orders"},
	} {
		if m, ok := MatchEvidence(&ev); ok || m != (diagnosis.Match{}) {
			t.Errorf("%+v: got %+v, want no match", ev, m)
		}
	}
	if _, ok := MatchEvidence(nil); ok {
		t.Error("nil evidence matched")
	}
}

func TestClassifyEmpty(t *testing.T) {
	for _, items := range [][]diagnosis.Evidence{nil, {}, {{Kind: diagnosis.KindClient, HTTPStatusCode: 200}}} {
		r := Classify(items)
		if r.Category != diagnosis.Unknown || r.Cause != diagnosis.CauseNoEvidence || r.Confidence != 0 || r.Conclusive || r.Evidence != nil {
			t.Errorf("%v: got %+v", items, r)
		}
	}
}

func TestClassifyDepthAndStrength(t *testing.T) {
	target := st("internal error") // generic, depth 0
	wrapper := ex("java.lang.IllegalStateException", "order failed")
	wrapper.Depth = 0
	child := dbx("postgresql", "*pgconn.PgError", `ERROR: relation "orders" does not exist (SQLSTATE 42P01)`)
	child.Depth = 1
	grandchild := dbx("postgresql", "*pgconn.PgError", `ERROR: canceling statement due to statement timeout (SQLSTATE 57014)`)
	grandchild.Depth = 2

	r := Classify([]diagnosis.Evidence{target, wrapper, child})
	if r.Rule != "postgresql.sqlstate.42P01" || r.Evidence == nil || r.Evidence.Depth != 1 {
		t.Fatalf("deepest should win: %+v", r)
	}
	if !r.Conclusive || r.Confidence != 0.95 {
		t.Fatalf("code match should be conclusive with 0.95: %+v", r)
	}
	r = Classify([]diagnosis.Evidence{grandchild, child, wrapper})
	if r.Rule != "postgresql.sqlstate.57014" {
		t.Fatalf("depth 2 should win: %+v", r)
	}

	// Same depth: code > type > pattern > error.type > status.
	a := ex("com.shop.Err", `cart: Get "http://cart:8080/": dial tcp 10.0.0.9:8080: connect: connection refused`) // pattern
	b := ex("java.lang.NullPointerException", "")                                                                 // type
	c := dbc("postgresql", "23505", "")                                                                           // code
	c.Depth = 0
	d := diagnosis.Evidence{Kind: diagnosis.KindSpan, ErrorType: "timeout", StatusError: true} // error.type
	r = Classify([]diagnosis.Evidence{d, a, b, c})
	if r.Rule != "postgresql.sqlstate.23505" {
		t.Fatalf("code should win at equal depth: %+v", r)
	}
	r = Classify([]diagnosis.Evidence{d, a, b})
	if r.Rule != "java.NullPointerException" || r.Confidence != 0.85 {
		t.Fatalf("type should win: %+v", r)
	}
	r = Classify([]diagnosis.Evidence{d, a})
	if r.Rule != "msg.connection_refused" || r.Confidence != 0.75 || r.Conclusive {
		t.Fatalf("pattern should win, dependency_failure never conclusive: %+v", r)
	}
	r = Classify([]diagnosis.Evidence{d})
	if r.Rule != "errortype.timeout" || r.Confidence != 0.6 || r.Conclusive {
		t.Fatalf("error.type: %+v", r)
	}

	// Ties keep the first item.
	x1 := ex("java.lang.NullPointerException", "")
	x2 := ex("java.lang.ClassCastException", "")
	r = Classify([]diagnosis.Evidence{x1, x2})
	if r.Rule != "java.NullPointerException" || r.Evidence != nil && r.Evidence.ExceptionType != x1.ExceptionType {
		t.Fatalf("tie should keep first: %+v", r)
	}
	r = Classify([]diagnosis.Evidence{x2, x1})
	if r.Rule != "java.ClassCastException" {
		t.Fatalf("tie should keep first: %+v", r)
	}
}

// TestClassifyTieRicherWins: of two items equally deep and equally strong,
// the one that says more decides, in either order; full ties keep the first.
func TestClassifyTieRicherWins(t *testing.T) {
	const msg = `(1146, "Table 'payments.invoices' doesn't exist")`
	driver := dbx("mysql", "pymysql.err.ProgrammingError", msg)
	driver.StatusMessage = "ProgrammingError: " + msg
	orm := dbc("mysql", "", msg) // status only, the code quoted in it
	typeOnly := ex("java.lang.NullPointerException", "")
	typeAndMsg := ex("java.lang.NullPointerException", "Cannot invoke size() on null")
	user := func(ev diagnosis.Evidence) diagnosis.Evidence { ev.UserRule = 1; return ev }
	userDriver := user(driver)
	for _, c := range []struct {
		name string
		a, b diagnosis.Evidence
		pre  bool // both matched by user rule 1
		want *diagnosis.Evidence
	}{
		{"an exception with type and message over a status", orm, driver, false, &driver},
		{"type and message over type only", typeOnly, typeAndMsg, false, &typeAndMsg},
		{"user rule: the richer of two equally deep", user(orm), userDriver, true, &userDriver},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, items := range [][]diagnosis.Evidence{{c.a, c.b}, {c.b, c.a}} {
				var pre []diagnosis.Match
				if c.pre {
					m := diagnosis.Match{Category: diagnosis.DatabaseQuery, Cause: "mine", Rule: "user.mine", Strength: diagnosis.StrengthUser, UserRule: 1}
					pre = []diagnosis.Match{m, m}
				}
				r := ClassifyMatched(items, pre)
				if r.Evidence == nil || *r.Evidence != *c.want {
					t.Fatalf("order %v: decided by %+v, want %+v", items, r.Evidence, c.want)
				}
			}
		})
	}
}

func TestClassifyGenericFallback(t *testing.T) {
	gen := ex("com.shop.CheckoutException", "checkout failed") // generic exception at depth 0
	status := st("boom")
	status.Depth = 1
	specific := ex("KeyError", "'sku'") // specific at depth 0
	r := Classify([]diagnosis.Evidence{status, gen, specific})
	if r.Rule != "lang.KeyError" {
		t.Fatalf("a specific match beats deeper generic ones: %+v", r)
	}
	r = Classify([]diagnosis.Evidence{gen, status})
	if r.Rule != ruleGenericStatus || r.Category != diagnosis.ApplicationException || r.Cause != "unhandled_exception" || r.Conclusive || r.Confidence != 0.3 {
		t.Fatalf("deepest generic: %+v", r)
	}
	r = Classify([]diagnosis.Evidence{gen})
	if r.Rule != ruleGenericException || r.Conclusive || r.Confidence != 0.4 {
		t.Fatalf("generic exception: %+v", r)
	}
	if !IsGeneric(r.Match) {
		t.Fatal("IsGeneric")
	}
}

func TestClassifyConclusive(t *testing.T) {
	cases := []struct {
		ev         diagnosis.Evidence
		conclusive bool
	}{
		{dbc("postgresql", "42P01", ""), true},                                // code
		{ex("java.lang.NullPointerException", ""), true},                      // type
		{goErr("open /etc/app/config.yaml: no such file or directory"), true}, // pattern
		{diagnosis.Evidence{ErrorType: "java.lang.OutOfMemoryError"}, false},  // error.type
		{cl(503, ""), false}, // status, dependency
		{diagnosis.Evidence{Kind: diagnosis.KindClient, RPCStatusCode: "14"}, false}, // code, but dependency_failure
		{ex("java.net.ConnectException", "Connection refused"), false},               // type, dependency
		{dbx("postgresql", "java.net.ConnectException", "Connection refused"), true}, // type, database
		{st("checkout failed"), false},                                               // generic
	}
	for _, c := range cases {
		r := Classify([]diagnosis.Evidence{c.ev})
		if r.Conclusive != c.conclusive {
			t.Errorf("%s: conclusive=%v, want %v (%+v)", firstWords(c.ev), r.Conclusive, c.conclusive, r.Match)
		}
	}
}

func TestClassifyMatchedUserRules(t *testing.T) {
	deep := dbc("postgresql", "42P01", "")
	deep.Depth = 3
	target := st("failed")
	target.UserRule = 2
	child := st("failed too")
	child.Depth = 1
	child.UserRule = 1
	items := []diagnosis.Evidence{target, child, deep}

	// A user rule beats a deeper structured code.
	pre := []diagnosis.Match{userMatch(diagnosis.ConfigurationError, "feature_flag", "flags")}
	r := ClassifyMatched(items, pre)
	if r.Rule != "user.flags" || r.Category != diagnosis.ConfigurationError || r.Cause != "feature_flag" || r.Confidence != 1 || !r.Conclusive || r.Evidence != &items[0] {
		t.Fatalf("user rule should win: %+v", r)
	}
	// Two user rules: the one listed first in the configuration wins.
	pre = []diagnosis.Match{userMatch(diagnosis.Security, "blocked", "second"), userMatch(diagnosis.ConfigurationError, "flag", "first")}
	r = ClassifyMatched(items, pre)
	if r.Rule != "user.first" {
		t.Fatalf("first configured rule should win: %+v", r)
	}
	// Zero pre entries fall back to MatchEvidence; a short pre is fine.
	r = ClassifyMatched(items, []diagnosis.Match{{}})
	if r.Rule != "postgresql.sqlstate.42P01" {
		t.Fatalf("zero pre should fall back: %+v", r)
	}
	// A pre-decided built-in match is used as is.
	pre = []diagnosis.Match{{}, {}, {Category: diagnosis.DatabaseTimeout, Cause: "statement_timeout", Rule: "custom", Strength: diagnosis.StrengthType}}
	r = ClassifyMatched(items, pre)
	if r.Rule != "custom" {
		t.Fatalf("pre match should replace MatchEvidence: %+v", r)
	}
	if Classify(items).Rule != ClassifyMatched(items, nil).Rule {
		t.Fatal("Classify != ClassifyMatched(nil)")
	}
}

func TestGatewayMatch(t *testing.T) {
	want := map[int]string{502: "dependency_failure/bad_upstream_response", 503: "dependency_failure/service_unavailable", 504: "dependency_failure/upstream_timeout"}
	for status, w := range want {
		m, ok := GatewayMatch(status)
		if !ok || string(m.Category)+"/"+m.Cause != w || m.Strength != diagnosis.StrengthStatus {
			t.Errorf("%d: got %+v", status, m)
		}
		covered[m.Rule] = true
	}
	for _, s := range []int{0, 200, 500, 501, 505} {
		if _, ok := GatewayMatch(s); ok {
			t.Errorf("%d should not match", s)
		}
	}
}

func init() {
	// GatewayMatch rows are exercised by TestGatewayMatch.
	for _, r := range gatewayRows {
		covered[r.rule] = true
	}
}

// userMatch is the Match of a user rule, as the processor builds it.
func userMatch(category diagnosis.Category, cause, name string) diagnosis.Match {
	return diagnosis.Match{Category: category, Cause: cause, Rule: "user." + name, Strength: diagnosis.StrengthUser}
}

// realisticItems: what the processor typically collects for one 500.
func realisticItems() []diagnosis.Evidence {
	server := diagnosis.Evidence{Kind: diagnosis.KindSpan, Depth: 0, Service: "checkout", SpanName: "POST /orders", StatusError: true,
		ExceptionType: "org.springframework.web.util.NestedServletException", ExceptionMessage: "Request processing failed; nested exception is org.springframework.dao.DataAccessResourceFailureException: could not execute query",
		Stacktrace: "org.springframework.web.util.NestedServletException: Request processing failed\n\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)\n\tat javax.servlet.http.HttpServlet.service(HttpServlet.java:681)\nCaused by: org.springframework.dao.DataAccessResourceFailureException: could not execute query\n\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:279)\nCaused by: org.postgresql.util.PSQLException: ERROR: canceling statement due to statement timeout\n\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2676)\n\t... 87 more"}
	internal := diagnosis.Evidence{Kind: diagnosis.KindSpan, Depth: 1, Service: "checkout", SpanName: "OrderService.place", StatusError: true, StatusMessage: "could not execute query"}
	db := diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 2, Service: "checkout", SpanName: "SELECT shop.orders", DBSystem: "postgresql", DBStatusCode: "57014", StatusError: true,
		ExceptionType: "org.postgresql.util.PSQLException", ExceptionMessage: "ERROR: canceling statement due to statement timeout"}
	call := diagnosis.Evidence{Kind: diagnosis.KindClient, Depth: 1, Service: "checkout", SpanName: "GET", HTTPStatusCode: 200}
	return []diagnosis.Evidence{server, internal, db, call}
}

func TestRealisticItems(t *testing.T) {
	r := Classify(realisticItems())
	if r.Rule != "postgresql.sqlstate.57014" || !r.Conclusive || r.Evidence.Depth != 2 {
		t.Fatalf("%+v", r)
	}
}

func BenchmarkClassify(b *testing.B) {
	items := realisticItems()
	b.ReportAllocs()
	for b.Loop() {
		_ = Classify(items)
	}
}

func BenchmarkMatchEvidenceNoMatch(b *testing.B) {
	ev := diagnosis.Evidence{Kind: diagnosis.KindClient, HTTPStatusCode: 200}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = MatchEvidence(&ev)
	}
}

// BenchmarkMatchEvidenceGoWrapped: the memoised path (a repeated failure)
// and the table scan itself (what a first-seen failure costs).
func BenchmarkMatchEvidenceGoWrapped(b *testing.B) {
	ev := goErr("place order: reserve stock: failed to connect to `user=app database=shop`: 127.0.0.1:5432 (127.0.0.1): dial error: dial tcp 127.0.0.1:5432: connect: connection refused")
	for _, mode := range []struct {
		name string
		f    func(*diagnosis.Evidence) (diagnosis.Match, bool)
	}{{"memo", MatchEvidence}, {"uncached", matchUncached}} {
		b.Run(mode.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = mode.f(&ev)
			}
		})
	}
}

// TestNoiseIsNoEvidence: otelsql over go-sql-driver records driver.ErrSkip
// as an error on healthy spans (seen in the integration test bed).
func TestNoiseIsNoEvidence(t *testing.T) {
	for _, msg := range noiseMessages {
		ev := dbx("mysql", "*errors.errorString", msg)
		ev.StatusMessage = msg
		if _, ok := MatchEvidence(&ev); ok {
			t.Errorf("%q matched", msg)
		}
		if r := Classify([]diagnosis.Evidence{ev}); r.Category != diagnosis.Unknown {
			t.Errorf("%q: category %s, want unknown", msg, r.Category)
		}
	}
}

// SQLAlchemy with pool_pre_ping against a stopped PostgreSQL (as captured
// from the test bed): the ping on the pooled connection fails (the server
// closed it), the pool reconnects, and the refused reconnect is what the
// request got. The ping's failure was recovered from; the wrapped driver
// error decides.
func TestClassifySupersededByDriverWrapper(t *testing.T) {
	refused := `(psycopg2.OperationalError) connection to server at "127.0.0.1", port 37347 failed: Connection refused` +
		"\n\tIs the server running on that host and accepting TCP/IP connections?\n\n(Background on this error at: https://sqlalche.me/e/20/e3q8)"
	server := ex("sqlalchemy.exc.OperationalError", refused)
	server.Service = "pyorders"
	connect := dbx("postgresql", "sqlalchemy.exc.OperationalError", refused)
	connect.Service = "pyorders"
	ping := dbx("postgresql", "psycopg2.OperationalError", "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n")
	ping.Depth, ping.Service = 2, "pyorders"
	for _, items := range [][]diagnosis.Evidence{{server, connect, ping}, {ping, server}, {server, ping, connect}} {
		r := Classify(items)
		if r.Category != diagnosis.DatabaseConnection || r.Cause != "connection_refused" || r.Evidence.Depth == 2 {
			t.Errorf("%d items: got %s/%s from depth %d, want connection_refused from the wrapper", len(items), r.Category, r.Cause, r.Evidence.Depth)
		}
	}

	// The driver error that the wrapper carries is the deeper span's own:
	// the deeper span decides (its SQLSTATE, its type).
	table := `relation "coupons" does not exist` + "\nLINE 1: SELECT code, pct FROM coupons WHERE active\n"
	server = ex("sqlalchemy.exc.ProgrammingError", "(psycopg2.errors.UndefinedTable) "+table+"\n[SQL: SELECT code, pct FROM coupons WHERE active]")
	server.Service = "pyorders"
	stmt := dbx("postgresql", "psycopg2.errors.UndefinedTable", table)
	stmt.Service = "pyorders"
	if r := Classify([]diagnosis.Evidence{server, stmt}); r.Rule != "orm.UndefinedTable" || r.Evidence.Depth != 1 {
		t.Errorf("propagated driver error: got %s from depth %d", r.Rule, r.Evidence.Depth)
	}
	// Another service's database span is not superseded by this one's wrapper.
	other := ping
	other.Service = "inventory"
	if r := Classify([]diagnosis.Evidence{server, other}); r.Evidence.Service != "inventory" {
		t.Errorf("other service: got %s from %s", r.Rule, r.Evidence.Service)
	}
	// Django's wrappers carry the driver's message as it is.
	dj := ex("django.db.utils.OperationalError", `connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused`)
	dj.Service = "pyorders"
	if r := Classify([]diagnosis.Evidence{dj, ping}); r.Cause != "connection_refused" {
		t.Errorf("django: got %s/%s", r.Category, r.Cause)
	}
}

// A refused raw connect beside a database span of the same endpoint is the
// database's refusal; of another endpoint, or alone, a call's.
func TestClassifyConnectBesideDatabase(t *testing.T) {
	const refused = "connect ECONNREFUSED 127.0.0.1:40123"
	connect := diagnosis.Evidence{Kind: diagnosis.KindConnect, Depth: 3, StatusError: true, StatusMessage: refused,
		Endpoint: "127.0.0.1:40123", Dependency: "127.0.0.1:40123", Peer: "127.0.0.1"}
	db := func(endpoint string) diagnosis.Evidence {
		return diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 2, DBSystem: "postgresql", StatusError: true, StatusMessage: refused, Endpoint: endpoint}
	}
	resolve := diagnosis.Evidence{Kind: diagnosis.KindConnect, Depth: 3, StatusError: true, ExceptionType: "java.net.UnknownHostException",
		ExceptionMessage: "db.example.invalid", Endpoint: "db.example.invalid:40123", Dependency: "db.example.invalid:40123", Peer: "db.example.invalid"}
	cases := []struct {
		name  string
		items []diagnosis.Evidence
		want  string
	}{
		{"beside pg.connect of the same endpoint", []diagnosis.Evidence{db("127.0.0.1:40123"), connect}, "database_connection/connection_refused"},
		{"beside a database of another port", []diagnosis.Evidence{db("127.0.0.1:40124"), connect}, "dependency_failure/upstream_unreachable"},
		{"alone", []diagnosis.Evidence{connect}, "dependency_failure/upstream_unreachable"},
		// java-quarkus cache_refused: Quarkus' Redis data source logged the netty CONNECT's refusal.
		{"beside a cache client's exception that carries it", []diagnosis.Evidence{redisLog("Connection refused: /127.0.0.1:40123"), connect}, "database_connection/connection_refused"},
		{"beside a cache client's exception of another endpoint", []diagnosis.Evidence{redisLog("Connection refused: /127.0.0.1:40999"), connect}, "dependency_failure/upstream_unreachable"},
		// node-koa cache_refused: ioredis' "Connection is closed." after its socket's refusal, in the connect's service.
		{"beside a cache client's connection failure", []diagnosis.Evidence{ioredisClosed(""), connect}, "database_connection/connection_refused"},
		{"beside a cache client's connection failure of another service", []diagnosis.Evidence{ioredisClosed("cart"), connect}, "dependency_failure/upstream_unreachable"},
		// node-h3 db_refused: drizzle-orm's DrizzleQueryError of postgres.js' refusal (no database span), logged by h3.
		{"beside an ORM's wrapper of the driver's refusal", []diagnosis.Evidence{drizzleRefused("127.0.0.1:40123"), connect}, "database_connection/connection_refused"},
		{"beside an ORM's wrapper of another endpoint's refusal", []diagnosis.Evidence{drizzleRefused("127.0.0.1:40999"), connect}, "dependency_failure/upstream_unreachable"},
		// java-vertx db_refused, db_unknown_host: the agent's vertx-sql-client span names no db.system; the
		// netty CONNECT (or RESOLVE) under it carries the same exception.
		{"beside a database span with no system", []diagnosis.Evidence{vertxSQL("127.0.0.1:40123", "Connection refused: /127.0.0.1:40123"), connect}, "database_connection/connection_refused"},
		{"a netty RESOLVE beside a database span with no system", []diagnosis.Evidence{vertxSQL("db.example.invalid:40123", "db.example.invalid"), resolve}, "database_connection/dns_failure"},
		{"a netty RESOLVE alone", []diagnosis.Evidence{resolve}, "dependency_failure/upstream_unreachable"},
		// node-hono db_refused: winston kept mysql2's fatal=true beside the frameless socket error (evidence.ReadLogRecord).
		{"beside a record of mysql2's fatal socket error", []diagnosis.Evidence{mysql2Fatal(refused), connect}, "database_connection/connection_refused"},
		{"beside a record of mysql2's fatal error of another endpoint", []diagnosis.Evidence{mysql2Fatal("connect ECONNREFUSED 127.0.0.1:40999"), connect}, "dependency_failure/upstream_unreachable"},
	}
	for _, c := range cases {
		r := Classify(c.items)
		if got := string(r.Category) + "/" + r.Cause; got != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got, r.Rule, c.want)
		}
		if r.Evidence == nil || r.Evidence.Kind != diagnosis.KindConnect {
			t.Errorf("%s: decided by %+v, want the connect span", c.name, r.Evidence)
		}
	}
}

// mysql2Fatal is winston's record of a socket error mysql2 marked fatal: no frame, the origin from the property.
func mysql2Fatal(msg string) diagnosis.Evidence {
	return diagnosis.Evidence{Kind: diagnosis.KindSpan, ExceptionType: "ECONNREFUSED", ExceptionMessage: msg, Stacktrace: "Error: " + msg, Origin: "node.mysql2"}
}

// A pool's borrow timeout is the connect failure that kept it from lending
// when the trace or its logs of the same service hold that failure; a pool
// that is merely full shows none.
func TestClassifyPoolTimeoutBehindConnectFailure(t *testing.T) {
	pool := ex("psycopg_pool.PoolTimeout", "couldn't get a connection after 2.00 sec")
	pool.Service = "shop"
	connect := func(svc, msg string) diagnosis.Evidence {
		// The connect's own error as a record of the trace (a pool's warning that carries the span's context).
		e := diagnosis.Evidence{Kind: diagnosis.KindSpan, Service: svc, ExceptionType: "psycopg.OperationalError", ExceptionMessage: msg}
		return e
	}
	const refused = `connection failed: connection to server at "127.0.0.1", port 5433 failed: Connection refused`
	cases := []struct {
		name  string
		items []diagnosis.Evidence
		want  string
	}{
		{"alone: a full pool", []diagnosis.Evidence{pool}, "database_connection/pool_exhausted"},
		{"beside the connect's refusal", []diagnosis.Evidence{pool, connect("shop", refused)}, "database_connection/connection_refused"},
		{"beside the connect's wrong password", []diagnosis.Evidence{pool, connect("shop", `connection failed: FATAL:  password authentication failed for user "app"`)}, "database_connection/authentication_failed"},
		{"beside another service's refusal", []diagnosis.Evidence{pool, connect("cart", refused)}, "database_connection/pool_exhausted"},
		{"beside a reset pooled connection", []diagnosis.Evidence{pool, connect("shop", "consuming input failed: server closed the connection unexpectedly")}, "database_connection/pool_exhausted"},
	}
	for _, c := range cases {
		r := Classify(c.items)
		if got := string(r.Category) + "/" + r.Cause; got != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got, r.Rule, c.want)
		}
	}
}

// go-servemux db_statement_timeout: bunotel's SELECT fails with the 57014, and
// the ROLLBACK of bun's RunInTx, a child of the BEGIN, with driver.ErrBadConn
// (pgdriver closed the cancelled connection). The statement decides; a bad
// connection alone, or beside another service's failure, stays a reset.
func TestClassifyBadConnectionBehindStatement(t *testing.T) {
	stmt := diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 1, Service: "shop", DBSystem: "postgresql", StatusError: true,
		ExceptionType: "github.com/uptrace/bun/driver/pgdriver.Error", ExceptionMessage: "ERROR: canceling statement due to statement timeout (SQLSTATE=57014)"}
	rollback := func(svc string) diagnosis.Evidence {
		return diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 2, Service: svc, DBSystem: "postgresql", StatusError: true,
			ExceptionType: "*errors.errorString", ExceptionMessage: "driver: bad connection"}
	}
	cases := []struct {
		name  string
		items []diagnosis.Evidence
		want  string
	}{
		{"behind the cancelled statement", []diagnosis.Evidence{stmt, rollback("shop")}, "database_timeout/statement_timeout"},
		{"alone", []diagnosis.Evidence{rollback("shop")}, "database_connection/connection_reset"},
		{"beside another service's statement", []diagnosis.Evidence{stmt, rollback("cart")}, "database_connection/connection_reset"},
	}
	for _, c := range cases {
		r := Classify(c.items)
		if got := string(r.Category) + "/" + r.Cause; got != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got, r.Rule, c.want)
		}
	}
}

// vertxSQL: the Java agent's vertx-sql-client span (no db.system) with the exception of its failed connect.
func vertxSQL(endpoint, msg string) diagnosis.Evidence {
	typ := "io.netty.channel.AbstractChannel.AnnotatedConnectException"
	if !strings.HasPrefix(msg, "Connection refused") {
		typ = "java.net.UnknownHostException"
	}
	return diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 2, StatusError: true, ExceptionType: typ, ExceptionMessage: msg,
		Endpoint: endpoint, Dependency: "shop " + endpoint}
}

// ioredisClosed: ioredis' error on the router span of service svc.
func ioredisClosed(svc string) diagnosis.Evidence {
	e := exs("Error", "Connection is closed.", "Error: Connection is closed.\n    at EventEmitter.connectionCloseHandler (/app/node_modules/ioredis/built/Redis.js:208:28)\n")
	e.Origin, e.Depth, e.Service = "node.ioredis", 1, svc
	return e
}

// drizzleRefused: h3's H3Error of drizzle-orm's DrizzleQueryError, whose cause is postgres.js' refused connect.
func drizzleRefused(endpoint string) diagnosis.Evidence {
	msg := "Failed query: select \"id\" from \"items\"\nparams: : connect ECONNREFUSED " + endpoint
	stack := "Error: Failed query: select \"id\" from \"items\"\nparams: \n    at PostgresJsPreparedQuery.queryWithCache (/app/node_modules/drizzle-orm/pg-core/session.cjs:66:15)\n" +
		"caused by: Error: connect ECONNREFUSED " + endpoint + "\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)\n"
	e := fromStack("H3Error", msg, stack)
	e.Depth = 1
	return e
}

// redisLog: the target's exception log record raised through Quarkus' Redis data source.
func redisLog(msg string) diagnosis.Evidence {
	e := ex("java.util.concurrent.CompletionException", "io.netty.channel.AbstractChannel$AnnotatedConnectException: "+msg)
	e.Origin = "java.quarkus_redis"
	return e
}

// A type whose words are generic yields to a specific message of the same
// exception; a message that says what the type says keeps the type's rule.
func TestGenericTypeYieldsToMessage(t *testing.T) {
	cases := []struct {
		name      string
		ev        diagnosis.Evidence
		want, rul string
	}{
		// knex/knex#3362: knex's TimeoutError, no stack published.
		{"knex", ex("TimeoutError", "Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?"),
			"database_connection/pool_exhausted", "msg.pool.node"},
		// numerique-gouv/ami-notifications-api#375: SQLAlchemy's exc.TimeoutError reported by its bare name.
		{"sqlalchemy", ex("TimeoutError", "QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)"),
			"database_connection/pool_exhausted", "msg.pool.sqlalchemy"},
		{"a bare timeout", ex("TimeoutError", "timed out"), "dependency_failure/upstream_timeout", "lang.TimeoutError"},
		{"the same words as the type", ex("java.lang.NullPointerException", `Cannot invoke "String.length()" because "s" is null`),
			"application_exception/null_reference", "java.NullPointerException"},
	}
	for _, c := range cases {
		m, _ := MatchEvidence(&c.ev)
		if got := string(m.Category) + "/" + m.Cause; got != c.want || m.Rule != c.rul {
			t.Errorf("%s: got %s (%s), want %s (%s)", c.name, got, m.Rule, c.want, c.rul)
		}
	}
}

// TestMatchKeyKeepsWhatMatchingReads: the memo key of every case matches
// as the case's whole evidence does, and two items equal in it but for the
// fields matching does not read are one key. A field matching reads that
// matchTextsOf leaves out fails here for the cases that set it.
func TestMatchKeyKeepsWhatMatchingReads(t *testing.T) {
	if len(registered) == 0 {
		t.Fatal("no registered cases")
	}
	for _, c := range registered {
		ev := c.ev
		key := matchKeyOf(&ev)
		read := key.evidence()
		wantM, wantOK := matchUncached(&ev)
		if gotM, gotOK := matchUncached(&read); gotM != wantM || gotOK != wantOK {
			t.Errorf("%s: the key matches %+v %v, the evidence %+v %v", c.rule, gotM, gotOK, wantM, wantOK)
		}
		other := ev
		other.Depth, other.Service, other.Dependency = ev.Depth+3, "elsewhere", "db other"
		if matchKeyOf(&other) != key {
			t.Errorf("%s: fields matching does not read change the key", c.rule)
		}
	}
}

// TestMatchKeyPairs: matchKeyOf, written out for the hot path, is the
// pairs' fields: each text of the key is its Evidence field's, and reads
// back into the same field.
func TestMatchKeyPairs(t *testing.T) {
	ev := diagnosis.Evidence{Kind: diagnosis.KindDB, StatusError: true, HTTPStatusCode: 503}
	v := reflect.ValueOf(&ev).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String {
			f.SetString(v.Type().Field(i).Name)
		}
	}
	k := matchKeyOf(&ev)
	for i, p := range k.pairs(&ev) {
		if *p[0] != *p[1] {
			t.Errorf("text %d of the key is %q, its Evidence field's %q", i, *p[0], *p[1])
		}
	}
	want := diagnosis.Evidence{Kind: ev.Kind, StatusError: ev.StatusError, HTTPStatusCode: ev.HTTPStatusCode}
	for _, p := range k.pairs(&want) {
		*p[1] = *p[0]
	}
	if back := k.evidence(); back != want {
		t.Errorf("read back %+v, want %+v", back, want)
	}
}

// A client's own timeout, raised nearer the target, is the cause of the
// reset its abort leaves on the call's span (node-hapi downstream_timeout:
// @hapi/wreck's 'Client request timeout', the http client span's 'socket
// hang up' ECONNRESET); a real reset keeps its own.
func TestClassifyClientTimeoutOverItsReset(t *testing.T) {
	wreck := exs("Error", "Client request timeout", "Error: Client request timeout\n    at Timeout.<anonymous> (/app/node_modules/@hapi/wreck/lib/index.js:325:55)\n    at listOnTimeout (node:internal/timers:588:17)")
	wreck.Service, wreck.Depth = "shop", 1
	hangUp := diagnosis.Evidence{Kind: diagnosis.KindClient, Depth: 2, Service: "shop", Peer: "127.0.0.1", ExceptionType: "ECONNRESET", ExceptionMessage: "socket hang up", StatusMessage: "socket hang up", StatusError: true}
	other := hangUp
	other.Service = "cart"
	axios := ex("AxiosError", "timeout of 500ms exceeded")
	axios.Service, axios.Depth = "shop", 1
	cases := []struct {
		name  string
		items []diagnosis.Evidence
		want  string
	}{
		{"the reset alone", []diagnosis.Evidence{hangUp}, "dependency_failure/upstream_unreachable"},
		{"wreck's timeout over its reset", []diagnosis.Evidence{wreck, hangUp}, "dependency_failure/upstream_timeout"},
		{"in either order", []diagnosis.Evidence{hangUp, wreck}, "dependency_failure/upstream_timeout"},
		{"axios' timeout over a reset", []diagnosis.Evidence{axios, hangUp}, "dependency_failure/upstream_timeout"},
		{"another service's timeout", []diagnosis.Evidence{wreck, other}, "dependency_failure/upstream_unreachable"},
	}
	for _, c := range cases {
		r := Classify(c.items)
		if got := string(r.Category) + "/" + r.Cause; got != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got, r.Rule, c.want)
		}
	}
}

// TestResetRulesFromTables: the rules a client's timeout overrides are the
// tables' reset rows of an unreachable peer, not a wrapper type's.
func TestResetRulesFromTables(t *testing.T) {
	want := map[string]bool{"msg.connection_reset": true, "python.ConnectionResetError": true, "errortype.connection_reset": true}
	if !maps.Equal(resetRules, want) {
		t.Errorf("resetRules = %v, want %v", resetRules, want)
	}
}
