package integration

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Want is the diagnosis expected on one HTTP 500 server span of a trace.
// Written from docs/design.md §3 (taxonomy and tie-break decisions) before the
// processor's output was looked at.
type Want struct {
	Service, Category, Cause string
	// For dependency_failure: the downstream's own (deepest) category and its service.
	RootCategory, RootService string
}

// Case is one request (or a pair, for deadlocks) driven against the services
// with a fault induced for real.
type Case struct {
	Name   string
	DB     string // "postgresql", "mariadb" or "" (for the coverage check)
	Class  string // "connection", "timeout", "query" for database faults
	Status int    // HTTP status the entry request must get
	// Want lists the 500 server spans of the trace, one per service; empty:
	// nothing in the trace may carry diagnosis.* attributes.
	Want []Want
	// Entry: which service receives the request, method and path.
	Entry, Method, Path string
	// Setup induces the fault and returns the undo.
	Setup func(t *testing.T, e *Env) func()
	// Run replaces the single request (deadlocks: two concurrent requests).
	Run func(t *testing.T, e *Env, c *Case) []*Result
	// Repeat sends the request this many times (each its own trace, within
	// one Setup): the fault's traces must share one fingerprint. 0: once.
	Repeat int
}

const (
	appEx    = "application_exception"
	dbConn   = "database_connection"
	dbTime   = "database_timeout"
	dbQuery  = "database_query"
	depFail  = "dependency_failure"
	resExh   = "resource_exhaustion"
	config   = "configuration_error"
	security = "security"
	unknown  = "unknown"
)

// Likelihood and fix effort of each category (docs/design.md §3); unknown has no likelihood.
var likelihood = map[string]string{appEx: "high", dbConn: "medium", dbTime: "medium", dbQuery: "medium", depFail: "medium",
	resExh: "medium", config: "low", security: "low", unknown: ""}
var effort = map[string]string{appEx: "medium", dbConn: "easy", dbTime: "hard", dbQuery: "medium", depFail: "medium",
	resExh: "hard", config: "easy", security: "medium", unknown: "medium"}

// SameFingerprint lists groups of (case, service) whose diagnosed spans come
// from the same fault in the same service and must share diagnosis.fingerprint
// (ports, paths, SKUs and numbers differ; the normalised message does not).
var SameFingerprint = [][][2]string{
	{{"pg_lock_timeout", "inventory"}, {"downstream_500_postgres_lock", "inventory"}, {"three_hops_edge_shop_inventory", "inventory"},
		{"downstream_500_postgres_lock_after_restart", "inventory"}},
	{{"missing_config_file", "shop"}, {"proxy_passes_500_missing_config", "shop"}},
	{{"pg_database_stopped", "inventory"}, {"pg_wrong_port", "inventory"}},
	{{"mariadb_unique_violation", "payments"}, {"downstream_500_mariadb_duplicate", "payments"}},
	// The same fault before and after a restart with a new service.version.
	{{"panic_nil_pointer", "shop"}, {"panic_nil_pointer_after_restart", "shop"}},
	{{"downstream_refused", "shop"}, {"downstream_refused_after_restart", "shop"}},
	{{"downstream_500_postgres_lock", "shop"}, {"downstream_500_postgres_lock_after_restart", "shop"}, {"three_hops_edge_shop_inventory", "shop"}},
	{{"mariadb_database_stopped", "payments"}, {"mariadb_wrong_port", "payments"}},
	// The edge's own fault is its dependency, the shop, answering 500, whatever the shop's cause (that is in
	// diagnosis.root_cause.*).
	{{"three_hops_edge_shop_inventory", "edge"}, {"proxy_passes_500_missing_config", "edge"}},
}

// Categories of docs/design.md §3; every one must be covered by a real fault.
var allCategories = []string{appEx, dbConn, dbTime, dbQuery, depFail, resExh, config, security, unknown}

func w(service, category, cause string) Want {
	return Want{Service: service, Category: category, Cause: cause}
}

func dep(service, cause, rootCategory, rootService string) Want {
	return Want{Service: service, Category: depFail, Cause: cause, RootCategory: rootCategory, RootService: rootService}
}

// moreCases are the other languages' tables (cases_<language>_test.go),
// appended in registration order.
var moreCases []func() []*Case

// Cases is the expectation table, in the order the faults are driven.
func Cases() []*Case {
	cases := []*Case{
		// ---- healthy traffic: nothing diagnosed
		{Name: "healthy_home", Entry: "shop", Method: "GET", Path: "/", Status: 200},
		{Name: "healthy_catalog", Entry: "shop", Method: "GET", Path: "/catalog", Status: 200},
		{Name: "healthy_checkout", Entry: "shop", Method: "POST", Path: "/checkout?sku=SKU-3&order=1001&amount=499", Status: 200},
		{Name: "healthy_404_route", Entry: "shop", Method: "GET", Path: "/no/such/page", Status: 404},
		{Name: "healthy_404_product", Entry: "shop", Method: "GET", Path: "/product/NOPE-9", Status: 404},
		{Name: "healthy_via_proxy", Entry: "edge", Method: "GET", Path: "/shop/catalog", Status: 200},
		{Name: "healthy_export", Entry: "reports", Method: "GET", Path: "/export?parts=4", Status: 200},

		// ---- application exceptions (panics recovered by the middleware)
		{Name: "panic_nil_pointer", Entry: "shop", Method: "GET", Path: "/cart?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w("shop", appEx, "null_reference")}},
		{Name: "panic_index_out_of_range", Entry: "shop", Method: "GET", Path: "/cart/item?i=5", Status: 500,
			Want: []Want{w("shop", appEx, "index_out_of_range")}},
		// The same panic at two other functions (fingerprint by top frame),
		// then the first one again after a restart with a new version.
		{Name: "panic_nil_pointer_wishlist", Entry: "shop", Method: "GET", Path: "/wishlist?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w("shop", appEx, "null_reference")}},
		{Name: "panic_nil_pointer_orders", Entry: "shop", Method: "GET", Path: "/orders/last?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w("shop", appEx, "null_reference")}},
		{Name: "panic_nil_pointer_after_restart", Entry: "shop", Method: "GET", Path: "/cart?user=carol", Status: 500,
			Want:  []Want{w("shop", appEx, "null_reference")},
			Setup: func(t *testing.T, e *Env) func() { e.RestartShop(t, "1.0.1"); return nil }},

		// ---- PostgreSQL (pgx via otelsql, db.response.status_code = SQLSTATE)
		{Name: "pg_database_stopped", DB: "postgresql", Class: "connection", Entry: "inventory", Method: "GET", Path: "/stock?sku=SKU-1", Status: 500,
			Want: []Want{w("inventory", dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				e.PG.Stop()
				e.Inv.DropIdle()
				return func() { must(t, e.PG.Start()) }
			}},
		{Name: "pg_wrong_port", DB: "postgresql", Class: "connection", Entry: "inventory", Method: "GET", Path: "/alt/stock", Status: 500,
			Want: []Want{w("inventory", dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				e.Inv.AltDSN.Store(fmt.Sprintf("postgres://shop:%s@127.0.0.1:%d/shop?sslmode=disable&connect_timeout=5", pgPassword, e.ClosedPort))
				return func() {}
			}},
		{Name: "pg_wrong_password", DB: "postgresql", Class: "connection", Entry: "inventory", Method: "GET", Path: "/alt/stock", Status: 500,
			Want: []Want{w("inventory", dbConn, "authentication_failed")},
			Setup: func(t *testing.T, e *Env) func() {
				e.Inv.AltDSN.Store(e.PG.DSN("shop", "not-the-password", "shop"))
				return func() {}
			}},
		{Name: "pg_pool_exhausted", DB: "postgresql", Class: "connection", Entry: "inventory", Method: "GET", Path: "/pool/stock", Status: 500,
			Want:  []Want{w("inventory", dbConn, "pool_exhausted")},
			Setup: func(t *testing.T, e *Env) func() { return e.HoldPoolConn(t) }},
		{Name: "pg_too_many_connections", DB: "postgresql", Class: "connection", Entry: "inventory", Method: "GET", Path: "/stock?sku=SKU-1", Status: 500,
			Want:  []Want{w("inventory", dbConn, "too_many_connections")},
			Setup: func(t *testing.T, e *Env) func() { return e.SaturatePG(t) }},
		{Name: "pg_statement_timeout", DB: "postgresql", Class: "timeout", Entry: "inventory", Method: "GET", Path: "/report", Status: 500,
			Want: []Want{w("inventory", dbTime, "statement_timeout")}},
		{Name: "pg_lock_timeout", DB: "postgresql", Class: "timeout", Entry: "inventory", Method: "POST", Path: "/reserve?sku=SKU-2", Status: 500,
			Want:  []Want{w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-2") }},
		{Name: "pg_deadlock", DB: "postgresql", Class: "query", Entry: "inventory", Status: 500,
			Want: []Want{w("inventory", dbQuery, "deadlock")},
			Run: func(t *testing.T, e *Env, c *Case) []*Result {
				return e.Deadlock(t, c, "inventory", "POST", "/rebalance?from=SKU-1&to=SKU-2", "/rebalance?from=SKU-2&to=SKU-1")
			}},
		{Name: "pg_undefined_table_bad_migration", DB: "postgresql", Class: "query", Entry: "inventory", Method: "GET", Path: "/orders", Status: 500,
			Want: []Want{w("inventory", dbQuery, "undefined_table")},
			Setup: func(t *testing.T, e *Env) func() {
				e.PGExec(t, "ALTER TABLE orders RENAME TO orders_v2")
				return func() { e.PGExec(t, "ALTER TABLE orders_v2 RENAME TO orders") }
			}},
		{Name: "pg_undefined_column", DB: "postgresql", Class: "query", Entry: "inventory", Method: "GET", Path: "/discounts", Status: 500, Repeat: 2,
			Want: []Want{w("inventory", dbQuery, "undefined_column")}},
		{Name: "pg_unique_violation", DB: "postgresql", Class: "query", Entry: "inventory", Method: "POST", Path: "/products?sku=SKU-1&name=Teapot2", Status: 500,
			Want: []Want{w("inventory", dbQuery, "constraint_violation")}},
		{Name: "pg_sql_injection", DB: "postgresql", Class: "query", Entry: "inventory", Method: "GET",
			Path:   "/search?q=" + url.QueryEscape("' UNION SELECT username, password FROM users --"),
			Status: 500, Want: []Want{w("inventory", security, "suspected_injection")}},

		// ---- MariaDB (go-sql-driver/mysql via otelsql, defaults: the message is the evidence)
		{Name: "mariadb_database_stopped", DB: "mariadb", Class: "connection", Entry: "payments", Method: "GET", Path: "/balance", Status: 500,
			Want: []Want{w("payments", dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				e.My.Stop()
				e.Pay.DropIdle()
				return func() { must(t, e.My.Start()) }
			}},
		{Name: "mariadb_wrong_port", DB: "mariadb", Class: "connection", Entry: "payments", Method: "GET", Path: "/alt/balance", Status: 500,
			Want: []Want{w("payments", dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				e.Pay.AltDSN.Store(fmt.Sprintf("shop:%s@tcp(127.0.0.1:%d)/payments?timeout=5s", myPassword, e.ClosedPort))
				return func() {}
			}},
		{Name: "mariadb_wrong_password", DB: "mariadb", Class: "connection", Entry: "payments", Method: "GET", Path: "/alt/balance", Status: 500,
			Want: []Want{w("payments", dbConn, "authentication_failed")},
			Setup: func(t *testing.T, e *Env) func() {
				e.Pay.AltDSN.Store(e.My.DSN("shop", "not-the-password", "payments"))
				return func() {}
			}},
		{Name: "mariadb_statement_timeout", DB: "mariadb", Class: "timeout", Entry: "payments", Method: "GET", Path: "/ledger", Status: 500,
			Want: []Want{w("payments", dbTime, "statement_timeout")}},
		{Name: "mariadb_lock_wait_timeout", DB: "mariadb", Class: "timeout", Entry: "payments", Method: "POST", Path: "/refund?order=1001", Status: 500,
			Want:  []Want{w("payments", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockMy(t, 1001) }},
		{Name: "mariadb_deadlock", DB: "mariadb", Class: "query", Entry: "payments", Status: 500,
			Want: []Want{w("payments", dbQuery, "deadlock")},
			Run: func(t *testing.T, e *Env, c *Case) []*Result {
				return e.Deadlock(t, c, "payments", "POST", "/transfer?from=1&to=2", "/transfer?from=2&to=1")
			}},
		{Name: "mariadb_undefined_table", DB: "mariadb", Class: "query", Entry: "payments", Method: "GET", Path: "/invoices", Status: 500, Repeat: 2,
			Want: []Want{w("payments", dbQuery, "undefined_table")}},
		{Name: "mariadb_unique_violation", DB: "mariadb", Class: "query", Entry: "payments", Method: "POST", Path: "/pay?order=1001&amount=499", Status: 500,
			Want: []Want{w("payments", dbQuery, "constraint_violation")}},

		// ---- calls between services
		{Name: "downstream_500_postgres_lock", Entry: "shop", Method: "POST", Path: "/checkout?sku=SKU-4&order=2001&amount=100", Status: 500,
			Want:  []Want{dep("shop", "upstream_5xx", dbTime, "inventory"), w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-4") }},
		{Name: "downstream_500_mariadb_duplicate", Entry: "shop", Method: "POST", Path: "/checkout?sku=SKU-3&order=1001&amount=499", Status: 500,
			Want: []Want{dep("shop", "upstream_5xx", dbQuery, "payments"), w("payments", dbQuery, "constraint_violation")}},
		{Name: "downstream_refused", Entry: "shop", Method: "GET", Path: "/recommendations", Status: 500, Repeat: 2,
			Want: []Want{w("shop", depFail, "upstream_unreachable")}},
		{Name: "downstream_timeout", Entry: "shop", Method: "GET", Path: "/availability?d=2s", Status: 500,
			Want: []Want{w("shop", depFail, "upstream_timeout")}},
		// Two dependency faults again after another restart of the shop, with a new version.
		{Name: "downstream_refused_after_restart", Entry: "shop", Method: "GET", Path: "/recommendations", Status: 500,
			Want:  []Want{w("shop", depFail, "upstream_unreachable")},
			Setup: func(t *testing.T, e *Env) func() { e.RestartShop(t, "1.0.2"); return nil }},
		{Name: "downstream_500_postgres_lock_after_restart", Entry: "shop", Method: "POST", Path: "/checkout?sku=SKU-4&order=2003&amount=100", Status: 500,
			Want:  []Want{dep("shop", "upstream_5xx", dbTime, "inventory"), w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-4") }},
		{Name: "proxy_passes_500_missing_config", Entry: "edge", Method: "GET", Path: "/shop/promotions", Status: 500,
			Want: []Want{dep("edge", "upstream_5xx", config, "shop"), w("shop", config, "missing_config")}},
		{Name: "three_hops_edge_shop_inventory", Entry: "edge", Method: "POST", Path: "/shop/checkout?sku=SKU-4&order=2002&amount=100", Status: 500,
			Want: []Want{dep("edge", "upstream_5xx", dbTime, "inventory"), dep("shop", "upstream_5xx", dbTime, "inventory"),
				w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-4") }},

		// ---- resources, configuration, nothing recorded
		{Name: "too_many_open_files", Entry: "reports", Method: "GET", Path: "/export?parts=64", Status: 500,
			Want: []Want{w("reports", resExh, "too_many_open_files")}},
		{Name: "missing_config_file", Entry: "shop", Method: "GET", Path: "/promotions", Status: 500,
			Want: []Want{w("shop", config, "missing_config")}},
		{Name: "exception_as_log_record", Entry: "notifications", Method: "POST", Path: "/digest?recipients=0", Status: 500,
			Want: []Want{w("notifications", appEx, "arithmetic")}},
		{Name: "bare_500", Entry: "shop", Method: "GET", Path: "/legacy", Status: 500,
			Want: []Want{w("shop", unknown, "no_evidence")}},

		// ---- gateway answers: 502/504 are not in the default status_codes
		{Name: "proxy_502_upstream_closed", Entry: "edge", Method: "GET", Path: "/legacy-api/orders", Status: 502},
		{Name: "proxy_504_upstream_slow", Entry: "edge", Method: "GET", Path: "/inventory/slow?d=2s", Status: 504},
	}
	for _, more := range moreCases {
		cases = append(cases, more()...)
	}
	return cases
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Result is one request sent by the test.
type Result struct {
	Case    *Case
	TraceID string
	Status  int
	Err     error
	Want    []Want
	Elapsed time.Duration
}

// Deadlock sends two opposite transactions at once; exactly one must fail.
// Scheduling can serialise the pair (no deadlock, both 200): then the pair is
// driven again, up to three times; every trace is still checked.
func (e *Env) Deadlock(t *testing.T, c *Case, entry, method, p1, p2 string) []*Result {
	var all []*Result
	for attempt := 1; attempt <= 3; attempt++ {
		var wg sync.WaitGroup
		res := make([]*Result, 2)
		for i, p := range []string{p1, p2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i == 1 {
					time.Sleep(50 * time.Millisecond)
				}
				res[i] = e.Do(c, entry, method, p)
			}()
		}
		wg.Wait()
		fails := 0
		for _, r := range res {
			if r.Status == http.StatusInternalServerError {
				fails++
				r.Want = c.Want
			} else {
				r.Want = nil
			}
		}
		all = append(all, res...)
		if fails == 1 {
			return all
		}
		t.Logf("%s: attempt %d: statuses %d and %d, want exactly one deadlock victim", c.Name, attempt, res[0].Status, res[1].Status)
		if fails > 1 {
			break
		}
	}
	t.Errorf("%s: no attempt produced exactly one deadlock victim", c.Name)
	return all
}

func TestExpectationTableCoverage(t *testing.T) {
	covered := map[string]bool{}
	dbClasses := map[string]bool{}
	names := map[string]bool{}
	for _, c := range Cases() {
		if names[c.Name] {
			t.Errorf("duplicate case %s", c.Name)
		}
		names[c.Name] = true
		for _, w := range c.Want {
			covered[w.Category] = true
		}
		if c.DB != "" {
			dbClasses[c.DB+"/"+c.Class] = true
		}
		if (c.Status == 500) != (len(c.Want) > 0) {
			t.Errorf("%s: status %d with %d expected diagnoses", c.Name, c.Status, len(c.Want))
		}
	}
	for _, cat := range allCategories {
		if !covered[cat] {
			t.Errorf("category %s is not covered by any real fault", cat)
		}
	}
	for _, db := range []string{"postgresql", "mariadb"} {
		for _, class := range []string{"connection", "timeout", "query"} {
			if !dbClasses[db+"/"+class] {
				t.Errorf("%s has no %s fault", db, class)
			}
		}
	}
}
