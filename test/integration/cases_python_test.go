package integration

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The Python services (python.go): pyorders (Flask: SQLAlchemy over psycopg2
// and PyMySQL, redis-py, requests) and pygateway (FastAPI: httpx), run under
// opentelemetry-instrument.
func init() {
	bedStarters = append(bedStarters, bedStarter{"python", startPythonBed})
	moreCases = append(moreCases, pythonCases)
	// The same Go fault behind a Python caller joins the Go bed's group.
	joinFingerprintGroup([2]string{"pg_lock_timeout", "inventory"}, [2]string{"py_three_hops_lock_timeout", "inventory"})
	joinFingerprintGroup([2]string{"pg_lock_timeout", "inventory"}, [2]string{"py_three_hops_java_go_lock_timeout", "inventory"})
	// The same Python bug, called directly and through pygateway.
	SameFingerprint = append(SameFingerprint, [][2]string{{"py_key_error", "pyorders"}, {"py_downstream_500_key_error", "pyorders"}})
	// The same faults before and after pyorders' restart with a new
	// service.version, from another directory, every line moved.
	joinFingerprintGroup([2]string{"py_key_error", "pyorders"}, [2]string{"py_key_error_after_restart", "pyorders"})
	SameFingerprint = append(SameFingerprint,
		[][2]string{{"py_flask_none_attribute", "pyorders"}, {"py_flask_none_attribute_after_restart", "pyorders"}},
		[][2]string{{"py_pg_lock_timeout", "pyorders"}, {"py_pg_lock_timeout_after_restart", "pyorders"}})
	// A caller's dependency_failure is its dependency's, whatever the cause
	// downstream (that is diagnosis.root_cause.*): pygateway calling pyorders,
	// pygateway calling catalog-java, pyorders and catalog-java calling inventory.
	SameFingerprint = append(SameFingerprint,
		[][2]string{{"py_downstream_500_key_error", "pygateway"}, {"py_three_hops_lock_timeout", "pygateway"}, {"java_python_go_four_hops", "pygateway"}},
		[][2]string{{"py_downstream_java_assert", "pygateway"}, {"py_three_hops_java_go_lock_timeout", "pygateway"}},
		[][2]string{{"py_three_hops_lock_timeout", "pyorders"}, {"java_python_go_four_hops", "pyorders"}},
		[][2]string{{"java_downstream_go_500", javaCatalog}, {"java_three_hops_agent_starter_go", javaCatalog}, {"py_three_hops_java_go_lock_timeout", javaCatalog}},
		// The same Java assertion, called directly and from pygateway.
		[][2]string{{"java_assert", javaCatalog}, {"py_downstream_java_assert", javaCatalog}})
	DifferentFingerprint = append(DifferentFingerprint,
		[2][2]string{{"py_flask_none_attribute", "pyorders"}, {"py_flask_none_attribute_greeting", "pyorders"}},
		[2][2]string{{"py_key_error", "pyorders"}, {"py_key_error_refunds", "pyorders"}},
		// connection_refused of pyorders from three dependencies.
		[2][2]string{{"py_pg_stopped", "pyorders"}, {"py_mariadb_stopped", "pyorders"}},
		[2][2]string{{"py_pg_stopped", "pyorders"}, {"py_redis_stopped", "pyorders"}},
		[2][2]string{{"py_mariadb_stopped", "pyorders"}, {"py_redis_stopped", "pyorders"}},
		// A wrong port is another address: the database stopped and a port
		// nothing listens on are two dependencies, and the client spans carry
		// both ports (net.peer.port), which are part of the dependency key
		// however high. (The Go bed's pg_wrong_port shares its group with
		// pg_database_stopped because its otelsql spans carry no port.)
		[2][2]string{{"py_pg_stopped", "pyorders"}, {"py_pg_wrong_port", "pyorders"}},
		[2][2]string{{"py_mariadb_stopped", "pyorders"}, {"py_mariadb_wrong_port", "pyorders"}})
}

// joinFingerprintGroup adds k to the SameFingerprint group holding member
// (a new group of the two when there is none).
func joinFingerprintGroup(member, k [2]string) {
	for i, g := range SameFingerprint {
		for _, m := range g {
			if m == member {
				SameFingerprint[i] = append(g, k)
				return
			}
		}
	}
	SameFingerprint = append(SameFingerprint, [][2]string{member, k})
}

// pyPayOrder is a payment already captured (seeded), so capturing it again
// violates the unique key.
const pyPayOrder = 7001

func startPythonBed(ctx context.Context, e *Env) (Bed, error) {
	if _, err := e.myAdmin.Exec("INSERT INTO payments.payments (order_id, amount_cents) VALUES (?, 100)", pyPayOrder); err != nil {
		return nil, err
	}
	b, err := StartPython(ctx, PythonConfig{
		Venv:            os.Getenv("EDX_PYTHON_VENV"),
		Dir:             filepath.Join(e.Dir, "python"),
		Collector:       e.Coll.OTLPHTTPEndpoint(),
		PG:              SQLAlchemyURL("postgresql+psycopg2", "shop", pgPassword, e.PG.Port, "shop"),
		PGWrongPort:     SQLAlchemyURL("postgresql+psycopg2", "shop", pgPassword, e.ClosedPort, "shop"),
		PGWrongPassword: SQLAlchemyURL("postgresql+psycopg2", "shop", "not-the-password", e.PG.Port, "shop"),
		My:              SQLAlchemyURL("mysql+pymysql", "shop", myPassword, e.My.Port, "payments"),
		MyWrongPort:     SQLAlchemyURL("mysql+pymysql", "shop", myPassword, e.ClosedPort, "payments"),
		MyWrongPassword: SQLAlchemyURL("mysql+pymysql", "shop", "not-the-password", e.My.Port, "payments"),
		InventoryURL:    e.Inv.URL,
		ShopURL:         e.Shop.URL,
		ClosedURL:       fmt.Sprintf("http://127.0.0.1:%d", e.ClosedPort),
		JavaCatalogURL:  e.bedURL(javaCatalog),
	})
	if b == nil {
		return nil, err
	}
	return b, err
}

// pythonCases: written from docs/design.md §3 before the output was looked at.
func pythonCases() []*Case {
	return []*Case{
		// ---- healthy and 4xx traffic: nothing diagnosed
		{Name: "py_healthy_home", Entry: "pyorders", Method: "GET", Path: "/", Status: 200},
		{Name: "py_healthy_postgres", Entry: "pyorders", Method: "GET", Path: "/pg/stock?sku=SKU-1", Status: 200},
		{Name: "py_healthy_mariadb", Entry: "pyorders", Method: "GET", Path: "/my/balance", Status: 200},
		{Name: "py_healthy_redis", Entry: "pyorders", Method: "GET", Path: "/cache/ping", Status: 200},
		{Name: "py_healthy_fastapi_flask_postgres", Entry: "pygateway", Method: "GET", Path: "/orders/recent", Status: 200},
		{Name: "py_healthy_fastapi_go_shop", Entry: "pygateway", Method: "GET", Path: "/catalog", Status: 200},
		{Name: "py_healthy_flask_go_inventory", Entry: "pyorders", Method: "GET", Path: "/stock/products", Status: 200},
		{Name: "py_404_flask", Entry: "pyorders", Method: "GET", Path: "/customers/nobody", Status: 404},
		{Name: "py_422_fastapi_validation", Entry: "pygateway", Method: "GET", Path: "/items/abc", Status: 422},

		// ---- application exceptions
		// One AttributeError message in two functions, one KeyError message
		// in the generators of two functions: a group each.
		{Name: "py_flask_none_attribute", Entry: "pyorders", Method: "GET", Path: "/customer/badge?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w("pyorders", appEx, "null_reference")}},
		{Name: "py_flask_none_attribute_greeting", Entry: "pyorders", Method: "GET", Path: "/customer/greeting?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w("pyorders", appEx, "null_reference")}},
		{Name: "py_fastapi_none_attribute", Entry: "pygateway", Method: "GET", Path: "/profile?user=bob", Status: 500,
			Want: []Want{w("pygateway", appEx, "null_reference")}},
		{Name: "py_assertion", Entry: "pyorders", Method: "POST", Path: "/orders/validate?qty=0", Status: 500,
			Want: []Want{w("pyorders", appEx, "assertion_failed")}},
		{Name: "py_key_error", Entry: "pyorders", Method: "GET", Path: "/orders/totals", Status: 500, Repeat: 2,
			Want: []Want{w("pyorders", appEx, "key_error")}},
		{Name: "py_key_error_refunds", Entry: "pyorders", Method: "GET", Path: "/orders/refunds", Status: 500, Repeat: 2,
			Want: []Want{w("pyorders", appEx, "key_error")}},

		// ---- configuration, resources, nothing recorded
		{Name: "py_missing_env_var", Entry: "pyorders", Method: "GET", Path: "/payments/provider", Status: 500,
			Want: []Want{w("pyorders", config, "missing_config")}},
		{Name: "py_missing_config_file", Entry: "pyorders", Method: "GET", Path: "/promotions", Status: 500,
			Want: []Want{w("pyorders", config, "missing_config")}},
		{Name: "py_too_many_open_files", Entry: "pyorders", Method: "GET", Path: "/export?parts=300", Status: 500,
			Want: []Want{w("pyorders", resExh, "too_many_open_files")}},
		{Name: "py_memory_error", Entry: "pygateway", Method: "GET", Path: "/report/memory?mb=4096", Status: 500,
			Want: []Want{w("pygateway", resExh, "out_of_memory")}},
		{Name: "py_redis_oom", Entry: "pyorders", Method: "POST", Path: "/cache/report?chunks=64", Status: 500,
			Want: []Want{w("pyorders", resExh, "out_of_memory")}},
		{Name: "py_redis_stopped", Entry: "pyorders", Method: "GET", Path: "/cache/ping", Status: 500,
			Want: []Want{w("pyorders", dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				py := e.python(t)
				py.StopRedis()
				return func() { must(t, py.StartRedis()) }
			}},
		{Name: "py_redis_pool_exhausted", Entry: "pyorders", Method: "GET", Path: "/cache/notifications", Status: 500,
			Want: []Want{w("pyorders", dbConn, "pool_exhausted")}},
		{Name: "py_bare_500", Entry: "pyorders", Method: "GET", Path: "/legacy", Status: 500,
			Want: []Want{w("pyorders", unknown, "no_evidence")}},

		// ---- calls between services (httpx and requests), across languages
		{Name: "py_downstream_500_key_error", Entry: "pygateway", Method: "GET", Path: "/orders/summary", Status: 500,
			Want: []Want{dep("pygateway", "upstream_5xx", appEx, "pyorders"), w("pyorders", appEx, "key_error")}},
		{Name: "py_three_hops_lock_timeout", Entry: "pygateway", Method: "POST", Path: "/checkout?sku=SKU-4", Status: 500,
			Want: []Want{dep("pygateway", "upstream_5xx", dbTime, "inventory"), dep("pyorders", "upstream_5xx", dbTime, "inventory"),
				w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() {
				// uvicorn closes a connection after an unhandled exception; a POST
				// on a reused one that is being closed is not retried by the client.
				e.client.CloseIdleConnections()
				return e.LockPG(t, "SKU-4")
			}},
		{Name: "py_downstream_refused", Entry: "pygateway", Method: "GET", Path: "/recommendations", Status: 500, Repeat: 2,
			Want: []Want{w("pygateway", depFail, "upstream_unreachable")}},
		{Name: "py_downstream_timeout", Entry: "pygateway", Method: "GET", Path: "/availability?d=2s", Status: 500,
			Want: []Want{w("pygateway", depFail, "upstream_timeout")}},

		// ---- FastAPI → Java (Spring Boot, OTel starter) → Go
		{Name: "py_downstream_java_assert", Entry: "pygateway", Method: "GET", Path: "/java/split?qty=10&parts=3", Status: 500,
			Want: []Want{dep("pygateway", "upstream_5xx", appEx, javaCatalog), w(javaCatalog, appEx, "assertion_failed")}},
		{Name: "py_three_hops_java_go_lock_timeout", Entry: "pygateway", Method: "POST", Path: "/java/checkout?sku=SKU-4", Status: 500,
			Want: []Want{dep("pygateway", "upstream_5xx", dbTime, "inventory"), dep(javaCatalog, "upstream_5xx", dbTime, "inventory"),
				w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() {
				e.client.CloseIdleConnections() // see py_three_hops_lock_timeout
				return e.LockPG(t, "SKU-4")
			}},

		// ---- PostgreSQL (SQLAlchemy + psycopg2)
		{Name: "py_pg_wrong_port", DB: "postgresql", Class: "connection", Entry: "pyorders", Method: "GET", Path: "/pg/stock-alt?dsn=wrong_port", Status: 500,
			Want: []Want{w("pyorders", dbConn, "connection_refused")}},
		{Name: "py_pg_wrong_password", DB: "postgresql", Class: "connection", Entry: "pyorders", Method: "GET", Path: "/pg/stock-alt?dsn=wrong_password", Status: 500,
			Want: []Want{w("pyorders", dbConn, "authentication_failed")}},
		{Name: "py_pg_pool_exhausted", DB: "postgresql", Class: "connection", Entry: "pyorders", Method: "GET", Path: "/pg/pool", Status: 500,
			Want: []Want{w("pyorders", dbConn, "pool_exhausted")}},
		{Name: "py_pg_too_many_connections", DB: "postgresql", Class: "connection", Entry: "pyorders", Method: "GET", Path: "/pg/stock-fresh", Status: 500,
			Want:  []Want{w("pyorders", dbConn, "too_many_connections")},
			Setup: func(t *testing.T, e *Env) func() { return e.fillPG(t) }},
		{Name: "py_pg_statement_timeout", DB: "postgresql", Class: "timeout", Entry: "pyorders", Method: "GET", Path: "/pg/report", Status: 500,
			Want: []Want{w("pyorders", dbTime, "statement_timeout")}},
		{Name: "py_pg_lock_timeout", DB: "postgresql", Class: "timeout", Entry: "pyorders", Method: "POST", Path: "/pg/reserve?sku=SKU-2", Status: 500,
			Want:  []Want{w("pyorders", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-2") }},
		{Name: "py_pg_deadlock", DB: "postgresql", Class: "query", Entry: "pyorders", Status: 500,
			Want: []Want{w("pyorders", dbQuery, "deadlock")},
			Run: func(t *testing.T, e *Env, c *Case) []*Result {
				return e.Deadlock(t, c, "pyorders", "POST", "/pg/rebalance?from=SKU-1&to=SKU-2", "/pg/rebalance?from=SKU-2&to=SKU-1")
			}},
		{Name: "py_pg_undefined_table", DB: "postgresql", Class: "query", Entry: "pyorders", Method: "GET", Path: "/pg/coupons", Status: 500, Repeat: 2,
			Want: []Want{w("pyorders", dbQuery, "undefined_table")}},
		{Name: "py_pg_undefined_column", DB: "postgresql", Class: "query", Entry: "pyorders", Method: "GET", Path: "/pg/discounts", Status: 500,
			Want: []Want{w("pyorders", dbQuery, "undefined_column")}},
		{Name: "py_pg_no_result", DB: "postgresql", Class: "query", Entry: "pyorders", Method: "GET", Path: "/pg/stock?sku=NOPE-1", Status: 500,
			Want: []Want{w("pyorders", dbQuery, "no_rows")}},
		{Name: "py_pg_orm_unique_violation", DB: "postgresql", Class: "query", Entry: "pyorders", Method: "POST", Path: "/pg/products?sku=SKU-1&name=Teapot3", Status: 500,
			Want: []Want{w("pyorders", dbQuery, "constraint_violation")}},
		{Name: "py_pg_sql_injection", DB: "postgresql", Class: "query", Entry: "pyorders", Method: "GET",
			Path:   "/pg/search?q=" + url.QueryEscape("' UNION SELECT username, password FROM users --"),
			Status: 500, Want: []Want{w("pyorders", security, "suspected_injection")}},
		{Name: "py_pg_stopped", DB: "postgresql", Class: "connection", Entry: "pyorders", Method: "GET", Path: "/pg/stock?sku=SKU-1", Status: 500,
			Want: []Want{w("pyorders", dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				e.PG.Stop()
				return func() { must(t, e.PG.Start()); e.Inv.DropIdle() }
			}},

		// ---- MariaDB (SQLAlchemy + PyMySQL)
		{Name: "py_mariadb_wrong_port", DB: "mariadb", Class: "connection", Entry: "pyorders", Method: "GET", Path: "/my/balance-alt?dsn=wrong_port", Status: 500,
			Want: []Want{w("pyorders", dbConn, "connection_refused")}},
		{Name: "py_mariadb_wrong_password", DB: "mariadb", Class: "connection", Entry: "pyorders", Method: "GET", Path: "/my/balance-alt?dsn=wrong_password", Status: 500,
			Want: []Want{w("pyorders", dbConn, "authentication_failed")}},
		{Name: "py_mariadb_statement_timeout", DB: "mariadb", Class: "timeout", Entry: "pyorders", Method: "GET", Path: "/my/ledger", Status: 500,
			Want: []Want{w("pyorders", dbTime, "statement_timeout")}},
		{Name: "py_mariadb_lock_wait_timeout", DB: "mariadb", Class: "timeout", Entry: "pyorders", Method: "POST", Path: fmt.Sprintf("/my/refund?order=%d", pyPayOrder), Status: 500,
			Want:  []Want{w("pyorders", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockMy(t, pyPayOrder) }},
		{Name: "py_mariadb_unique_violation", DB: "mariadb", Class: "query", Entry: "pyorders", Method: "POST", Path: fmt.Sprintf("/my/pay?order=%d", pyPayOrder), Status: 500,
			Want: []Want{w("pyorders", dbQuery, "constraint_violation")}},
		{Name: "py_mariadb_undefined_table", DB: "mariadb", Class: "query", Entry: "pyorders", Method: "GET", Path: "/my/invoices", Status: 500, Repeat: 2,
			Want: []Want{w("pyorders", dbQuery, "undefined_table")}},
		{Name: "py_mariadb_stopped", DB: "mariadb", Class: "connection", Entry: "pyorders", Method: "GET", Path: "/my/balance", Status: 500,
			Want: []Want{w("pyorders", dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				e.My.Stop()
				return func() { must(t, e.My.Start()); e.Pay.DropIdle() }
			}},

		// ---- pyorders deployed again: version 1.1.0 from another directory,
		// every line moved, a new process (last: pygateway's calls to it are done)
		{Name: "py_key_error_after_restart", Entry: "pyorders", Method: "GET", Path: "/orders/totals", Status: 500,
			Want: []Want{w("pyorders", appEx, "key_error")},
			Setup: func(t *testing.T, e *Env) func() {
				start := time.Now()
				must(t, e.python(t).RestartOrders("1.1.0", 7))
				t.Logf("pyorders restarted as 1.1.0 in %.1fs", time.Since(start).Seconds())
				e.client.CloseIdleConnections()
				return nil
			}},
		{Name: "py_flask_none_attribute_after_restart", Entry: "pyorders", Method: "GET", Path: "/customer/badge?user=carol", Status: 500,
			Want: []Want{w("pyorders", appEx, "null_reference")}},
		{Name: "py_pg_lock_timeout_after_restart", DB: "postgresql", Class: "timeout", Entry: "pyorders", Method: "POST", Path: "/pg/reserve?sku=SKU-2", Status: 500,
			Want:  []Want{w("pyorders", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-2") }},
	}
}

// fillPG takes every connection slot PostgreSQL has left for the application
// role, after the Go inventory's idle ones are closed (the server needs a
// moment to end them), and keeps them until the undo.
func (e *Env) fillPG(t *testing.T) func() {
	e.Inv.DropIdle()
	time.Sleep(200 * time.Millisecond)
	return e.SaturatePG(t)
}

// python is the Python bed of the run.
func (e *Env) python(t *testing.T) *PythonBed {
	for _, b := range e.beds {
		if py, ok := b.(*PythonBed); ok {
			return py
		}
	}
	t.Fatal("the Python bed is not running")
	return nil
}

// bedURL is the URL of entry in the beds started so far ("" when none has it).
func (e *Env) bedURL(entry string) string {
	for _, b := range e.beds {
		if u := b.URL(entry); u != "" {
			return u
		}
	}
	return ""
}
