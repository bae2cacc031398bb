package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The Node.js service (node.go): nodecart (Express 5, mysql2, ioredis,
// fetch), run with @opentelemetry/auto-instrumentations-node/register.
func init() {
	bedStarters = append(bedStarters, bedStarter{"node", startNodeBed})
	moreCases = append(moreCases, nodeCases)
	joinFingerprintGroup([2]string{"pg_lock_timeout", "inventory"}, [2]string{"node_fetch_go_lock_timeout", "inventory"})
	// The same faults before and after nodecart's restart with a new
	// service.version, from another directory, every line moved.
	SameFingerprint = append(SameFingerprint,
		[][2]string{{"node_undefined_property", "nodecart"}, {"node_undefined_property_after_restart", "nodecart"}},
		[][2]string{{"node_undefined_property_named_function", "nodecart"}, {"node_undefined_property_named_function_after_restart", "nodecart"}},
		[][2]string{{"node_mysql2_unique_violation", "nodecart"}, {"node_mysql2_unique_violation_after_restart", "nodecart"}})
	DifferentFingerprint = append(DifferentFingerprint,
		[2][2]string{{"node_undefined_property", "nodecart"}, {"node_undefined_property_shipping", "nodecart"}},
		[2][2]string{{"node_undefined_property", "nodecart"}, {"node_undefined_property_named_function", "nodecart"}},
		[2][2]string{{"node_undefined_property_shipping", "nodecart"}, {"node_undefined_property_named_function", "nodecart"}})
}

// nodePayOrder is a payment already captured (seeded).
const nodePayOrder = 7101

func startNodeBed(ctx context.Context, e *Env) (Bed, error) {
	if _, err := e.myAdmin.Exec("INSERT INTO payments.payments (order_id, amount_cents) VALUES (?, 100)", nodePayOrder); err != nil {
		return nil, err
	}
	my := func(pw string) string { return SQLAlchemyURL("mysql", "shop", pw, e.My.Port, "payments") }
	b, err := StartNode(ctx, NodeConfig{
		Modules: os.Getenv("EDX_NODE_MODULES"), Dir: filepath.Join(e.Dir, "node"), Collector: e.Coll.OTLPHTTPEndpoint(),
		My: my(myPassword), MyWrongPassword: my("not-the-password"),
		InventoryURL: e.Inv.URL, ClosedURL: fmt.Sprintf("http://127.0.0.1:%d", e.ClosedPort),
	})
	if b == nil {
		return nil, err
	}
	return b, err
}

// nodeCases: written from docs/design.md §3 before the output was looked at.
func nodeCases() []*Case {
	return []*Case{
		{Name: "node_healthy_home", Entry: "nodecart", Method: "GET", Path: "/", Status: 200},
		{Name: "node_healthy_mariadb", Entry: "nodecart", Method: "GET", Path: "/mysql/balance", Status: 200},
		{Name: "node_healthy_redis", Entry: "nodecart", Method: "GET", Path: "/cache/ping", Status: 200},
		{Name: "node_404_route", Entry: "nodecart", Method: "GET", Path: "/no/such/page", Status: 404},
		// One TypeError message in two anonymous handlers and in a named
		// function: a group each.
		{Name: "node_undefined_property", Entry: "nodecart", Method: "GET", Path: "/coupon?code=SPRING", Status: 500, Repeat: 2,
			Want: []Want{w("nodecart", appEx, "null_reference")}},
		{Name: "node_undefined_property_shipping", Entry: "nodecart", Method: "GET", Path: "/shipping?region=MARS", Status: 500, Repeat: 2,
			Want: []Want{w("nodecart", appEx, "null_reference")}},
		{Name: "node_undefined_property_named_function", Entry: "nodecart", Method: "GET", Path: "/loyalty?member=bob", Status: 500, Repeat: 2,
			Want: []Want{w("nodecart", appEx, "null_reference")}},
		{Name: "node_mysql2_undefined_table", DB: "mariadb", Class: "query", Entry: "nodecart", Method: "GET", Path: "/mysql/invoices", Status: 500, Repeat: 2,
			Want: []Want{w("nodecart", dbQuery, "undefined_table")}},
		{Name: "node_mysql2_unique_violation", DB: "mariadb", Class: "query", Entry: "nodecart", Method: "POST", Path: fmt.Sprintf("/mysql/pay?order=%d", nodePayOrder), Status: 500,
			Want: []Want{w("nodecart", dbQuery, "constraint_violation")}},
		{Name: "node_mysql2_wrong_password", DB: "mariadb", Class: "connection", Entry: "nodecart", Method: "GET", Path: "/mysql/balance-alt?dsn=wrong_password", Status: 500, Repeat: 2,
			Want: []Want{w("nodecart", dbConn, "authentication_failed")}},
		{Name: "node_ioredis_oom", Entry: "nodecart", Method: "POST", Path: "/cache/report", Status: 500,
			Want: []Want{w("nodecart", resExh, "out_of_memory")}},
		{Name: "node_fetch_refused", Entry: "nodecart", Method: "GET", Path: "/recommendations", Status: 500, Repeat: 2,
			Want: []Want{w("nodecart", depFail, "upstream_unreachable")}},
		{Name: "node_fetch_timeout", Entry: "nodecart", Method: "GET", Path: "/availability", Status: 500,
			Want: []Want{w("nodecart", depFail, "upstream_timeout")}},
		{Name: "node_fetch_go_lock_timeout", Entry: "nodecart", Method: "POST", Path: "/checkout?sku=SKU-4", Status: 500,
			Want:  []Want{dep("nodecart", "upstream_5xx", dbTime, "inventory"), w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-4") }},

		// ---- nodecart deployed again: version 1.1.0 from another directory,
		// every line moved, a new process
		{Name: "node_undefined_property_after_restart", Entry: "nodecart", Method: "GET", Path: "/coupon?code=AUTUMN", Status: 500,
			Want: []Want{w("nodecart", appEx, "null_reference")},
			Setup: func(t *testing.T, e *Env) func() {
				start := time.Now()
				must(t, e.node(t).Restart("1.1.0", 5))
				t.Logf("nodecart restarted as 1.1.0 in %.1fs", time.Since(start).Seconds())
				e.client.CloseIdleConnections()
				return nil
			}},
		{Name: "node_undefined_property_named_function_after_restart", Entry: "nodecart", Method: "GET", Path: "/loyalty?member=carol", Status: 500,
			Want: []Want{w("nodecart", appEx, "null_reference")}},
		{Name: "node_mysql2_unique_violation_after_restart", DB: "mariadb", Class: "query", Entry: "nodecart", Method: "POST", Path: fmt.Sprintf("/mysql/pay?order=%d", nodePayOrder), Status: 500,
			Want: []Want{w("nodecart", dbQuery, "constraint_violation")}},
	}
}

// node is the Node.js bed of the run.
func (e *Env) node(t *testing.T) *NodeBed {
	for _, b := range e.beds {
		if n, ok := b.(*NodeBed); ok {
			return n
		}
	}
	t.Fatal("the Node.js bed is not running")
	return nil
}
