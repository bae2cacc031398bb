package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// NodeConfig is what the Node.js service needs from the rest of the bed.
type NodeConfig struct {
	Modules   string // directory holding node_modules, built by run.sh from node/package-lock.json
	Dir       string // scratch directory (log, Redis data)
	Collector string // host:port of the collector's OTLP/HTTP receiver
	// mysql2 URIs: MariaDB right and with a wrong password.
	My, MyWrongPassword string
	InventoryURL        string // Go inventory
	ClosedURL           string // nothing listens there
}

// NodeBed is the Node.js part of the bed: nodecart (Express 5, mysql2,
// ioredis, fetch) run with @opentelemetry/auto-instrumentations-node's
// register hook, exporting OTLP/HTTP to the collector, and its own Redis.
type NodeBed struct {
	CartURL string
	*Redis
	cart *Proc
	// What nodecart was started with, for Restart.
	cfg      NodeConfig
	register string
	port     int
}

// StartNode starts Redis and nodecart and waits until it answers.
func StartNode(ctx context.Context, c NodeConfig) (*NodeBed, error) {
	register := filepath.Join(c.Modules, "node_modules", "@opentelemetry", "auto-instrumentations-node", "dist", "register.cjs")
	if _, err := os.Stat(register); c.Modules == "" || err != nil {
		return nil, fmt.Errorf("node modules not built (EDX_NODE_MODULES=%q): run test/integration/run.sh", c.Modules)
	}
	src, err := filepath.Abs("node")
	if err != nil {
		return nil, err
	}
	b := &NodeBed{}
	if b.Redis, err = NewRedis(filepath.Join(c.Dir, "redis")); err != nil {
		if b.Redis == nil {
			return nil, err
		}
		return b, err
	}
	b.cfg, b.register, b.port = c, register, MustFreePort()
	b.CartURL = fmt.Sprintf("http://127.0.0.1:%d", b.port)
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return b, err
	}
	if err := b.start(ctx, src, "1.0.0"); err != nil {
		return b, err
	}
	return b, WaitHTTP(b.cart, b.CartURL+"/health", 60*time.Second)
}

// start starts nodecart from src/app.js with service.version set to version.
func (b *NodeBed) start(ctx context.Context, src, version string) error {
	c := b.cfg
	cmd := exec.CommandContext(ctx, "node", "--require", b.register, filepath.Join(src, "app.js"))
	cmd.Dir = c.Modules
	cmd.Env = append(cleanEnv(),
		"NODE_PATH="+filepath.Join(c.Modules, "node_modules"),
		"OTEL_SERVICE_NAME=nodecart", "OTEL_RESOURCE_ATTRIBUTES=service.version="+version,
		"OTEL_TRACES_EXPORTER=otlp", "OTEL_METRICS_EXPORTER=none", "OTEL_LOGS_EXPORTER=none",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT=http://"+c.Collector,
		"OTEL_BSP_SCHEDULE_DELAY=200", "OTEL_NODE_ENABLED_INSTRUMENTATIONS=http,express,mysql2,ioredis,undici",
		"EDX_PORT="+strconv.Itoa(b.port), "MY_URL="+c.My, "MY_URL_WRONG_PASSWORD="+c.MyWrongPassword,
		fmt.Sprintf("REDIS_URL=redis://127.0.0.1:%d/0", b.RedisPort),
		"INVENTORY_URL="+c.InventoryURL, "RECOMMENDATIONS_URL="+c.ClosedURL)
	log := "nodecart.log"
	if version != "1.0.0" {
		log = "nodecart-" + version + ".log"
	}
	var err error
	b.cart, err = StartProc("nodecart", cmd, filepath.Join(c.Dir, log))
	return err
}

// Restart stops nodecart and starts version of it, deployed as a release of
// its own: app.js copied to <dir>/release-<version>/node/ with shift comment
// lines added at its top (every line moves, no function changes), on the
// same port.
func (b *NodeBed) Restart(version string, shift int) error {
	src, err := filepath.Abs("node")
	if err != nil {
		return err
	}
	rel := filepath.Join(b.cfg.Dir, "release-"+version, "node")
	if err := copyShifted(filepath.Join(src, "app.js"), filepath.Join(rel, "app.js"), "//", shift); err != nil {
		return err
	}
	b.cart.Stop(syscall.SIGTERM, 15*time.Second)
	if err := b.start(context.Background(), rel, version); err != nil {
		return err
	}
	return WaitHTTP(b.cart, b.CartURL+"/health", 60*time.Second)
}

// URL of the Node.js service.
func (b *NodeBed) URL(entry string) string {
	if entry == "nodecart" {
		return b.CartURL
	}
	return ""
}

// Flush stops nodecart gracefully: the register hook shuts the SDK down on
// SIGTERM, which exports every buffered span.
func (b *NodeBed) Flush() { b.cart.Stop(syscall.SIGTERM, 15*time.Second) }

// Stop stops everything.
func (b *NodeBed) Stop() {
	b.Flush()
	b.StopRedis()
}
