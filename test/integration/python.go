package integration

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// PythonConfig is what the Python services need from the rest of the bed.
type PythonConfig struct {
	Venv      string // virtualenv built by run.sh from python/requirements.lock
	Dir       string // scratch directory (logs, Redis data, export files)
	Collector string // host:port of the collector's OTLP/HTTP receiver
	// SQLAlchemy URLs: PostgreSQL (psycopg2) and MariaDB (PyMySQL), right and wrong.
	PG, PGWrongPort, PGWrongPassword string
	My, MyWrongPort, MyWrongPassword string
	InventoryURL, ShopURL            string // Go services
	JavaCatalogURL                   string // the Java catalog service, "" when the Java bed is not running
	ClosedURL                        string // nothing listens there
}

// PythonBed is the Python half of the bed: a real Redis (tiny maxmemory),
// pyorders (Flask) and pygateway (FastAPI under uvicorn), both run under
// opentelemetry-instrument and exporting OTLP/HTTP to the collector.
type PythonBed struct {
	OrdersURL, GatewayURL string
	*Redis
	orders, gate *Proc
	// What pyorders was started with, for RestartOrders.
	cfg        PythonConfig
	instrument string
	ordersPort int
}

// Redis is a redis-server on its own loopback port. maxmemory 2mb with
// noeviction: writes are refused with OOM once the data set outgrows it;
// persistence is off, so nothing lands on disk and a restart empties it.
type Redis struct {
	RedisPort int
	redisDir  string
	redis     *Proc
}

// NewRedis starts a Redis with its files in dir.
func NewRedis(dir string) (*Redis, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := &Redis{RedisPort: MustFreePort(), redisDir: dir}
	return r, r.StartRedis()
}

// StartRedis (re)starts redis-server on its port.
func (r *Redis) StartRedis() error {
	redisServer, err := exec.LookPath("redis-server")
	if err != nil {
		return fmt.Errorf("redis-server not found (apt-get install redis-server): %w", err)
	}
	cmd := exec.Command(redisServer, "--port", strconv.Itoa(r.RedisPort), "--bind", "127.0.0.1",
		"--dir", r.redisDir, "--save", "", "--appendonly", "no", "--maxmemory", "2mb", "--maxmemory-policy", "noeviction",
		"--daemonize", "no", "--protected-mode", "yes")
	if r.redis, err = StartProc("redis", cmd, filepath.Join(r.redisDir, "redis.log")); err != nil {
		return err
	}
	return WaitTCP(r.redis, fmt.Sprintf("127.0.0.1:%d", r.RedisPort), 20*time.Second)
}

// StopRedis stops redis-server.
func (r *Redis) StopRedis() {
	if r != nil {
		r.redis.Stop(syscall.SIGTERM, 10*time.Second)
	}
}

// SQLAlchemyURL turns user, password, port and database into a SQLAlchemy URL.
func SQLAlchemyURL(driver, user, password string, port int, db string) string {
	return fmt.Sprintf("%s://%s:%s@127.0.0.1:%d/%s", driver, url.PathEscape(user), url.PathEscape(password), port, db)
}

// StartPython starts Redis and the two Python services and waits until they answer.
func StartPython(ctx context.Context, c PythonConfig) (*PythonBed, error) {
	if c.Venv == "" {
		return nil, fmt.Errorf("EDX_PYTHON_VENV not set: run test/integration/run.sh (it builds the virtualenv)")
	}
	instrument := filepath.Join(c.Venv, "bin", "opentelemetry-instrument")
	if _, err := os.Stat(instrument); err != nil {
		return nil, fmt.Errorf("virtualenv %s incomplete (%v): run test/integration/run.sh", c.Venv, err)
	}
	src, err := filepath.Abs("python")
	if err != nil {
		return nil, err
	}
	b := &PythonBed{}
	if b.Redis, err = NewRedis(filepath.Join(c.Dir, "redis")); err != nil {
		if b.Redis == nil {
			return nil, err
		}
		return b, err
	}

	b.cfg, b.instrument = c, instrument
	exportDir := filepath.Join(c.Dir, "pyorders-export")
	if err := os.MkdirAll(exportDir, 0o755); err != nil {
		return b, err
	}
	b.ordersPort = MustFreePort()
	gatePort := MustFreePort()
	b.OrdersURL = fmt.Sprintf("http://127.0.0.1:%d", b.ordersPort)
	b.GatewayURL = fmt.Sprintf("http://127.0.0.1:%d", gatePort)
	if err := b.startOrders(ctx, src, "1.0.0"); err != nil {
		return b, err
	}

	gcmd := exec.CommandContext(ctx, instrument, filepath.Join(c.Venv, "bin", "uvicorn"), "gateway_fastapi:app",
		"--host", "127.0.0.1", "--port", strconv.Itoa(gatePort), "--no-access-log")
	gcmd.Dir = src
	gcmd.Env = append(cleanEnv(), pythonOTel(c, "pygateway", "1.0.0")...)
	gcmd.Env = append(gcmd.Env, "ORDERS_URL="+b.OrdersURL, "INVENTORY_URL="+c.InventoryURL, "SHOP_URL="+c.ShopURL,
		"RECOMMENDATIONS_URL="+c.ClosedURL, "JAVA_CATALOG_URL="+c.JavaCatalogURL, "EDX_AS_MARGIN_MB=1024")
	if b.gate, err = StartProc("pygateway", gcmd, filepath.Join(c.Dir, "pygateway.log")); err != nil {
		return b, err
	}
	if err := WaitHTTP(b.orders, b.OrdersURL+"/health", 60*time.Second); err != nil {
		return b, err
	}
	return b, WaitHTTP(b.gate, b.GatewayURL+"/health", 60*time.Second)
}

// pythonOTel is the SDK's configuration of a Python service.
func pythonOTel(c PythonConfig, service, version string) []string {
	env := []string{}
	if v := os.Getenv("EDX_PYTHON_SEMCONV"); v != "" {
		// e.g. "http,database": the stable HTTP and database conventions.
		env = append(env, "OTEL_SEMCONV_STABILITY_OPT_IN="+v)
	}
	return append(env,
		"OTEL_SERVICE_NAME="+service,
		"OTEL_RESOURCE_ATTRIBUTES=service.version="+version,
		"OTEL_TRACES_EXPORTER=otlp", "OTEL_METRICS_EXPORTER=none", "OTEL_LOGS_EXPORTER=none",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://"+c.Collector,
		"OTEL_BSP_SCHEDULE_DELAY=200",
		"OTEL_PYTHON_EXCLUDED_URLS=/health",
		"PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1", "MALLOC_ARENA_MAX=2",
	)
}

// startOrders starts pyorders from src/orders_flask.py on its port with
// service.version set to version.
func (b *PythonBed) startOrders(ctx context.Context, src, version string) error {
	c := b.cfg
	ocmd := exec.CommandContext(ctx, b.instrument, filepath.Join(c.Venv, "bin", "python"), filepath.Join(src, "orders_flask.py"))
	ocmd.Dir = src
	ocmd.Env = append(cleanEnv(), pythonOTel(c, "pyorders", version)...)
	ocmd.Env = append(ocmd.Env,
		"EDX_PORT="+strconv.Itoa(b.ordersPort), "EDX_NOFILE=128",
		"PG_URL="+c.PG, "PG_URL_WRONG_PORT="+c.PGWrongPort, "PG_URL_WRONG_PASSWORD="+c.PGWrongPassword,
		"MY_URL="+c.My, "MY_URL_WRONG_PORT="+c.MyWrongPort, "MY_URL_WRONG_PASSWORD="+c.MyWrongPassword,
		fmt.Sprintf("REDIS_URL=redis://127.0.0.1:%d/0", b.RedisPort),
		"INVENTORY_URL="+c.InventoryURL,
		"PROMO_CONFIG="+filepath.Join(c.Dir, "pyorders", "config", "promotions.yaml"), // never deployed
		"EXPORT_DIR="+filepath.Join(c.Dir, "pyorders-export"))
	log := "pyorders.log"
	if version != "1.0.0" {
		log = "pyorders-" + version + ".log"
	}
	var err error
	b.orders, err = StartProc("pyorders", ocmd, filepath.Join(c.Dir, log))
	return err
}

// RestartOrders stops pyorders and starts version of it, deployed as a
// release of its own: orders_flask.py copied to <dir>/release-<version>/python/
// with shift comment lines added at its top (every line of the code moves,
// no function changes), on the same port (pygateway keeps its URL).
func (b *PythonBed) RestartOrders(version string, shift int) error {
	src, err := filepath.Abs("python")
	if err != nil {
		return err
	}
	rel := filepath.Join(b.cfg.Dir, "release-"+version, "python")
	if err := copyShifted(filepath.Join(src, "orders_flask.py"), filepath.Join(rel, "orders_flask.py"), "#", shift); err != nil {
		return err
	}
	b.orders.Stop(syscall.SIGTERM, 15*time.Second)
	if err := b.startOrders(context.Background(), rel, version); err != nil {
		return err
	}
	return WaitHTTP(b.orders, b.OrdersURL+"/health", 60*time.Second)
}

// copyShifted copies a source file to dst with shift comment lines
// (comment is the language's line comment) in front of it.
func copyShifted(src, dst, comment string, shift int) error {
	body, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	head := strings.Repeat(comment+" release notes: this line moves every line below\n", shift)
	return os.WriteFile(dst, append([]byte(head), body...), 0o644)
}

// cleanEnv is the test's environment without OTEL_* variables, so that
// nothing of the caller's changes what the services are told.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if len(kv) >= 5 && kv[:5] == "OTEL_" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// URL of a Python service.
func (b *PythonBed) URL(entry string) string {
	switch entry {
	case "pyorders":
		return b.OrdersURL
	case "pygateway":
		return b.GatewayURL
	}
	return ""
}

// Flush stops the services gracefully: on SIGTERM they shut their tracer
// providers down, which exports every buffered span.
func (b *PythonBed) Flush() {
	b.orders.Stop(syscall.SIGTERM, 15*time.Second)
	b.gate.Stop(syscall.SIGTERM, 15*time.Second)
}

// Stop stops everything (again: stopping a stopped process is a no-op).
func (b *PythonBed) Stop() {
	b.Flush()
	b.StopRedis()
}
