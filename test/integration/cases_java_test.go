package integration

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// The Java half of the bed: catalog-java (Spring Boot starter) and
// ledger-java (Java agent), the same Spring Boot jar (java/), see java.go.
// Expectations written from DESIGN.md §3 before the output was looked at.

func init() {
	bedStarters = append(bedStarters, bedStarter{"java", startJavaBed})
	moreCases = append(moreCases, javaCases)
	// The same lock timeout in inventory, reached from Go and from Java.
	SameFingerprint = append(SameFingerprint, [][2]string{{"pg_lock_timeout", "inventory"},
		{"java_downstream_go_500", "inventory"}, {"java_three_hops_agent_starter_go", "inventory"},
		{"java_python_go_four_hops", "inventory"}})
	// The same Python bug, called directly and from Java.
	SameFingerprint = append(SameFingerprint, [][2]string{{"py_key_error", "pyorders"}, {"java_to_python_500", "pyorders"}})
	// The same faults before and after catalog-java's restart with a new service.version.
	SameFingerprint = append(SameFingerprint,
		[][2]string{{"java_npe_starter", javaCatalog}, {"java_npe_starter_after_restart", javaCatalog}},
		[][2]string{{"java_npe_starter_wishlist", javaCatalog}, {"java_npe_starter_wishlist_after_restart", javaCatalog}},
		[][2]string{{"java_pg_lock_timeout", javaCatalog}, {"java_pg_lock_timeout_after_restart", javaCatalog}})
	DifferentFingerprint = append(DifferentFingerprint,
		// One NullPointerException message in two methods.
		[2][2]string{{"java_npe_starter", javaCatalog}, {"java_npe_starter_wishlist", javaCatalog}},
		[2][2]string{{"java_npe_agent", javaLedger}, {"java_npe_agent_wishlist", javaLedger}},
		// connection_refused of ledger-java from PostgreSQL and from MariaDB.
		[2][2]string{{"java_pg_wrong_port", javaLedger}, {"java_mariadb_stopped", javaLedger}})
}

func startJavaBed(ctx context.Context, e *Env) (Bed, error) {
	jar, agent := JavaJarPaths()
	b, err := StartJava(ctx, JavaConfig{
		Jar: jar, Agent: agent, Dir: filepath.Join(e.Dir, "java"), Collector: e.Coll.OTLPHTTPEndpoint(),
		PGPort: e.PG.Port, MyPort: e.My.Port, DBUser: "shop", PGPassword: pgPassword, MyPassword: myPassword,
		InventoryURL: e.Inv.URL, ClosedURL: fmt.Sprintf("http://127.0.0.1:%d", e.ClosedPort),
	})
	if b == nil {
		return nil, err
	}
	return b, err
}

func javaBed(t *testing.T, e *Env) *JavaBed {
	for _, b := range e.beds {
		if j, ok := b.(*JavaBed); ok {
			return j
		}
	}
	t.Fatal("the Java bed is not running")
	return nil
}

// javaAlt points a Java service's /alt endpoints at a database URL and password.
func javaAlt(svc string, kv map[string]string) func(t *testing.T, e *Env) func() {
	return func(t *testing.T, e *Env) func() {
		b := javaBed(t, e)
		s := b.Catalog
		if svc == javaLedger {
			s = b.Ledger
		}
		for k, v := range kv {
			kv[k] = expandPorts(v, e)
		}
		must(t, s.SetAlt(kv))
		return func() {}
	}
}

// javaToPython pushes the Python services' URLs to a Java service (its
// /admin/alt endpoint): the Java bed starts before the Python one.
func javaToPython(svc string) func(t *testing.T, e *Env) func() {
	return func(t *testing.T, e *Env) func() {
		kv := map[string]string{}
		for _, b := range e.beds {
			for _, name := range []string{"pyorders", "pygateway"} {
				if u := b.URL(name); u != "" {
					kv[name+"_url"] = u
				}
			}
		}
		if len(kv) != 2 {
			t.Fatalf("the Python bed is not running (have %v)", kv)
		}
		return javaAlt(svc, kv)(t, e)
	}
}

// expandPorts replaces {pg}, {my} and {closed} by the ports of the bed.
func expandPorts(s string, e *Env) string {
	for k, v := range map[string]int{"{pg}": e.PG.Port, "{my}": e.My.Port, "{closed}": e.ClosedPort} {
		for i := 0; i+len(k) <= len(s); i++ {
			if s[i:i+len(k)] == k {
				s = s[:i] + fmt.Sprint(v) + s[i+len(k):]
			}
		}
	}
	return s
}

func javaCases() []*Case {
	const cat, led = javaCatalog, javaLedger
	pgURL := "jdbc:postgresql://127.0.0.1:{pg}/shop?connectTimeout=5"
	return []*Case{
		// ---- healthy and 4xx traffic: nothing diagnosed
		{Name: "java_healthy_jpa_starter", Entry: cat, Method: "GET", Path: "/products", Status: 200},
		{Name: "java_healthy_jpa_agent", Entry: led, Method: "GET", Path: "/products", Status: 200},
		{Name: "java_healthy_404_product", Entry: cat, Method: "GET", Path: "/products/NOPE-9", Status: 404},
		{Name: "java_healthy_400_bad_param", Entry: led, Method: "GET", Path: "/split?qty=abc&parts=2", Status: 400},
		{Name: "java_healthy_checkout_chain", Entry: led, Method: "POST", Path: "/peer/checkout?sku=SKU-3", Status: 200},

		// ---- the application's own faults
		// One NullPointerException message in two methods (cart, wishlist),
		// under the starter and under the agent: a group per method.
		{Name: "java_npe_starter", Entry: cat, Method: "GET", Path: "/cart?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w(cat, appEx, "null_reference")}},
		{Name: "java_npe_starter_wishlist", Entry: cat, Method: "GET", Path: "/wishlist?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w(cat, appEx, "null_reference")}},
		{Name: "java_npe_agent", Entry: led, Method: "GET", Path: "/cart?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w(led, appEx, "null_reference")}},
		{Name: "java_npe_agent_wishlist", Entry: led, Method: "GET", Path: "/wishlist?user=bob", Status: 500, Repeat: 2,
			Want: []Want{w(led, appEx, "null_reference")}},
		{Name: "java_assert", Entry: cat, Method: "GET", Path: "/split?qty=10&parts=3", Status: 500,
			Want: []Want{w(cat, appEx, "assertion_failed")}},

		// ---- PostgreSQL over pgjdbc + HikariCP (JdbcTemplate, JPA/Hibernate)
		{Name: "java_pg_stopped", DB: "postgresql", Class: "connection", Entry: cat, Method: "GET", Path: "/stock?sku=SKU-1", Status: 500,
			Want: []Want{w(cat, dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				e.PG.Stop()
				// Past Hikari's 500 ms alive-bypass window, the pool validates its
				// idle connection, finds it dead and dials: refused. (A connection
				// used within the window is handed out unchecked and reports the
				// server's shutdown, 57P01: connection_reset, seen in the first run.)
				time.Sleep(600 * time.Millisecond)
				return func() { must(t, e.PG.Start()) }
			}},
		{Name: "java_pg_wrong_port", DB: "postgresql", Class: "connection", Entry: led, Method: "GET", Path: "/alt/pg", Status: 500,
			Want:  []Want{w(led, dbConn, "connection_refused")},
			Setup: javaAlt(led, map[string]string{"pg_url": "jdbc:postgresql://127.0.0.1:{closed}/shop?connectTimeout=5", "pg_password": pgPassword})},
		{Name: "java_pg_wrong_password", DB: "postgresql", Class: "connection", Entry: cat, Method: "GET", Path: "/alt/pg", Status: 500,
			Want:  []Want{w(cat, dbConn, "authentication_failed")},
			Setup: javaAlt(cat, map[string]string{"pg_url": pgURL, "pg_password": "not-the-password"})},
		{Name: "java_pg_pool_exhausted", DB: "postgresql", Class: "connection", Entry: cat, Status: 500,
			Want: []Want{w(cat, dbConn, "pool_exhausted")},
			Run: func(t *testing.T, e *Env, c *Case) []*Result {
				held := make(chan *Result)
				go func() { held <- e.Do(c, cat, "GET", "/pool/hold?ms=1500") }()
				time.Sleep(500 * time.Millisecond)
				r := e.Do(c, cat, "GET", "/pool/stock")
				h := <-held
				h.Want = nil
				if h.Status != 200 || r.Status != 500 {
					t.Errorf("%s: hold %d, request %d; want 200 and 500", c.Name, h.Status, r.Status)
				}
				return []*Result{h, r}
			}},
		{Name: "java_pg_too_many_connections", DB: "postgresql", Class: "connection", Entry: led, Method: "GET", Path: "/alt/pg", Status: 500,
			Want: []Want{w(led, dbConn, "too_many_connections")},
			Setup: func(t *testing.T, e *Env) func() {
				javaAlt(led, map[string]string{"pg_url": pgURL, "pg_password": pgPassword})(t, e)
				return e.SaturatePG(t)
			}},
		{Name: "java_pg_statement_timeout", DB: "postgresql", Class: "timeout", Entry: led, Method: "GET", Path: "/report", Status: 500,
			Want: []Want{w(led, dbTime, "statement_timeout")}},
		{Name: "java_pg_lock_timeout", DB: "postgresql", Class: "timeout", Entry: cat, Method: "POST", Path: "/reserve?sku=SKU-2", Status: 500,
			Want:  []Want{w(cat, dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-2") }},
		{Name: "java_pg_deadlock", DB: "postgresql", Class: "query", Entry: led, Status: 500,
			Want: []Want{w(led, dbQuery, "deadlock")},
			Run: func(t *testing.T, e *Env, c *Case) []*Result {
				return e.Deadlock(t, c, led, "POST", "/rebalance?from=SKU-1&to=SKU-2", "/rebalance?from=SKU-2&to=SKU-1")
			}},
		{Name: "java_jpa_undefined_table", DB: "postgresql", Class: "query", Entry: cat, Method: "GET", Path: "/coupons", Status: 500, Repeat: 2,
			Want: []Want{w(cat, dbQuery, "undefined_table")}},
		{Name: "java_pg_undefined_column", DB: "postgresql", Class: "query", Entry: led, Method: "GET", Path: "/discounts", Status: 500,
			Want: []Want{w(led, dbQuery, "undefined_column")}},
		{Name: "java_jpa_unique_violation_starter", DB: "postgresql", Class: "query", Entry: cat, Method: "POST", Path: "/products?sku=SKU-1&name=Teapot2", Status: 500,
			Want: []Want{w(cat, dbQuery, "constraint_violation")}},
		{Name: "java_jpa_unique_violation_agent", DB: "postgresql", Class: "query", Entry: led, Method: "POST", Path: "/products?sku=SKU-2&name=Kettle2", Status: 500,
			Want: []Want{w(led, dbQuery, "constraint_violation")}},

		// ---- MariaDB over MariaDB Connector/J + HikariCP (JdbcTemplate)
		{Name: "java_mariadb_stopped", DB: "mariadb", Class: "connection", Entry: led, Method: "GET", Path: "/ledger/balance", Status: 500,
			Want: []Want{w(led, dbConn, "connection_refused")},
			Setup: func(t *testing.T, e *Env) func() {
				e.My.Stop()
				return func() { must(t, e.My.Start()) }
			}},
		{Name: "java_mariadb_wrong_password", DB: "mariadb", Class: "connection", Entry: cat, Method: "GET", Path: "/alt/ledger", Status: 500,
			Want: []Want{w(cat, dbConn, "authentication_failed")},
			Setup: javaAlt(cat, map[string]string{"my_url": "jdbc:mariadb://127.0.0.1:{my}/payments?connectTimeout=5000",
				"my_password": "not-the-password"})},
		{Name: "java_mariadb_query_timeout", DB: "mariadb", Class: "timeout", Entry: led, Method: "GET", Path: "/ledger/totals", Status: 500,
			Want: []Want{w(led, dbTime, "statement_timeout")}},
		{Name: "java_mariadb_lock_wait_timeout", DB: "mariadb", Class: "timeout", Entry: cat, Method: "POST", Path: "/ledger/refund?order=1001", Status: 500,
			Want:  []Want{w(cat, dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockMy(t, 1001) }},
		{Name: "java_mariadb_deadlock", DB: "mariadb", Class: "query", Entry: led, Status: 500,
			Want: []Want{w(led, dbQuery, "deadlock")},
			Run: func(t *testing.T, e *Env, c *Case) []*Result {
				return e.Deadlock(t, c, led, "POST", "/ledger/transfer?from=1&to=2", "/ledger/transfer?from=2&to=1")
			}},
		{Name: "java_mariadb_undefined_table", DB: "mariadb", Class: "query", Entry: cat, Method: "GET", Path: "/ledger/invoices", Status: 500, Repeat: 2,
			Want: []Want{w(cat, dbQuery, "undefined_table")}},

		// ---- calls between services (RestClient), across languages
		{Name: "java_downstream_go_500", Entry: cat, Method: "POST", Path: "/checkout?sku=SKU-4", Status: 500,
			Want:  []Want{dep(cat, "upstream_5xx", dbTime, "inventory"), w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-4") }},
		{Name: "java_three_hops_agent_starter_go", Entry: led, Method: "POST", Path: "/peer/checkout?sku=SKU-4", Status: 500,
			Want: []Want{dep(led, "upstream_5xx", dbTime, "inventory"), dep(cat, "upstream_5xx", dbTime, "inventory"),
				w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-4") }},
		{Name: "java_to_python_500", Entry: led, Method: "GET", Path: "/orders/totals", Status: 500,
			Want:  []Want{dep(led, "upstream_5xx", appEx, "pyorders"), w("pyorders", appEx, "key_error")},
			Setup: javaToPython(led)},
		{Name: "java_python_go_four_hops", Entry: cat, Method: "POST", Path: "/gateway/checkout?sku=SKU-4", Status: 500,
			Want: []Want{dep(cat, "upstream_5xx", dbTime, "inventory"), dep("pygateway", "upstream_5xx", dbTime, "inventory"),
				dep("pyorders", "upstream_5xx", dbTime, "inventory"), w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() {
				javaToPython(cat)(t, e)
				return e.LockPG(t, "SKU-4")
			}},
		{Name: "java_downstream_refused", Entry: led, Method: "GET", Path: "/recommendations", Status: 500, Repeat: 2,
			Want: []Want{w(led, depFail, "upstream_unreachable")}},
		{Name: "java_downstream_timeout", Entry: cat, Method: "GET", Path: "/availability?d=2s", Status: 500,
			Want: []Want{w(cat, depFail, "upstream_timeout")}},

		// ---- resources and configuration; nothing recorded
		{Name: "java_too_many_open_files", Entry: led, Method: "GET", Path: "/export?parts=200", Status: 500,
			Want: []Want{w(led, resExh, "too_many_open_files")},
			Setup: func(t *testing.T, e *Env) func() {
				undo, err := javaBed(t, e).Ledger.LimitOpenFiles(30)
				must(t, err)
				return undo
			}},
		{Name: "java_out_of_memory", Entry: cat, Method: "GET", Path: "/history?months=24", Status: 500,
			Want: []Want{w(cat, resExh, "out_of_memory")}},
		{Name: "java_missing_env", Entry: led, Method: "GET", Path: "/tax?amount=100", Status: 500,
			Want: []Want{w(led, config, "missing_config")}},
		{Name: "java_missing_config_file", Entry: cat, Method: "GET", Path: "/promotions", Status: 500,
			Want: []Want{w(cat, config, "missing_config")}},
		{Name: "java_bare_500", Entry: led, Method: "GET", Path: "/legacy", Status: 500,
			Want: []Want{w(led, unknown, "no_evidence")}},

		// ---- catalog-java deployed again: a new JVM with service.version 1.1.0
		// (last: its /admin/alt settings are gone)
		{Name: "java_npe_starter_after_restart", Entry: cat, Method: "GET", Path: "/cart?user=carol", Status: 500,
			Want: []Want{w(cat, appEx, "null_reference")},
			Setup: func(t *testing.T, e *Env) func() {
				start := time.Now()
				must(t, javaBed(t, e).Catalog.Restart("1.1.0"))
				t.Logf("catalog-java restarted as 1.1.0 in %.1fs", time.Since(start).Seconds())
				e.client.CloseIdleConnections()
				return nil
			}},
		{Name: "java_npe_starter_wishlist_after_restart", Entry: cat, Method: "GET", Path: "/wishlist?user=carol", Status: 500,
			Want: []Want{w(cat, appEx, "null_reference")}},
		{Name: "java_pg_lock_timeout_after_restart", Entry: cat, Method: "POST", Path: "/reserve?sku=SKU-2", Status: 500,
			Want:  []Want{w(cat, dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-2") }},
	}
}
