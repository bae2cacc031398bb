package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The Node.js service (node.go): nodecart (Express 5, mysql2, ioredis,
// fetch), run with @opentelemetry/auto-instrumentations-node/register.
func init() {
	bedStarters = append(bedStarters, struct {
		name  string
		start func(ctx context.Context, e *Env) (Bed, error)
	}{"node", startNodeBed})
	moreCases = append(moreCases, nodeCases)
	joinFingerprintGroup([2]string{"pg_lock_timeout", "inventory"}, [2]string{"node_fetch_go_lock_timeout", "inventory"})
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
		{Name: "node_undefined_property", Entry: "nodecart", Method: "GET", Path: "/coupon?code=SPRING", Status: 500,
			Want: []Want{w("nodecart", appEx, "null_reference")}},
		{Name: "node_mysql2_undefined_table", DB: "mariadb", Class: "query", Entry: "nodecart", Method: "GET", Path: "/mysql/invoices", Status: 500,
			Want: []Want{w("nodecart", dbQuery, "undefined_table")}},
		{Name: "node_mysql2_unique_violation", DB: "mariadb", Class: "query", Entry: "nodecart", Method: "POST", Path: fmt.Sprintf("/mysql/pay?order=%d", nodePayOrder), Status: 500,
			Want: []Want{w("nodecart", dbQuery, "constraint_violation")}},
		{Name: "node_mysql2_wrong_password", DB: "mariadb", Class: "connection", Entry: "nodecart", Method: "GET", Path: "/mysql/balance-alt?dsn=wrong_password", Status: 500,
			Want: []Want{w("nodecart", dbConn, "authentication_failed")}},
		{Name: "node_ioredis_oom", Entry: "nodecart", Method: "POST", Path: "/cache/report", Status: 500,
			Want: []Want{w("nodecart", resExh, "out_of_memory")}},
		{Name: "node_fetch_refused", Entry: "nodecart", Method: "GET", Path: "/recommendations", Status: 500,
			Want: []Want{w("nodecart", depFail, "upstream_unreachable")}},
		{Name: "node_fetch_timeout", Entry: "nodecart", Method: "GET", Path: "/availability", Status: 500,
			Want: []Want{w("nodecart", depFail, "upstream_timeout")}},
		{Name: "node_fetch_go_lock_timeout", Entry: "nodecart", Method: "POST", Path: "/checkout?sku=SKU-4", Status: 500,
			Want:  []Want{dep("nodecart", "upstream_5xx", dbTime, "inventory"), w("inventory", dbTime, "lock_timeout")},
			Setup: func(t *testing.T, e *Env) func() { return e.LockPG(t, "SKU-4") }},
	}
}
