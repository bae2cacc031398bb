package integration

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

const (
	pgPassword = "shop-secret"
	myPassword = "shop-secret"
)

func TestMain(m *testing.M) {
	switch os.Getenv("EDX_CHILD") {
	case "reports":
		os.Exit(RunReportsChild())
	case "pantry-go":
		os.Exit(RunPantryGoChild())
	}
	os.Exit(m.Run())
}

// Env is everything a case needs.
type Env struct {
	Dir        string
	PG         *Postgres
	My         *MariaDB
	Jaeger     *Jaeger
	Coll       *Collector
	Inv        *Inventory
	Pay        *Payments
	Shop       *Shop
	Edge       *Edge
	Notif      *Notifications
	ReportsURL string
	reports    *Proc
	ClosedPort int
	pgAdmin    *sql.DB // plain (uninstrumented) connections used by the harness
	myAdmin    *sql.DB
	client     *http.Client
	beds       []Bed
	// Route names the OTLP/HTTP endpoint a service exports to (the two-tier
	// test sends each service to another tier-1 collector); nil: Coll.
	Route func(service string) string
}

// endpoint is the OTLP/HTTP endpoint (host:port) service exports to.
func (e *Env) endpoint(service string) string {
	if e.Route != nil {
		return e.Route(service)
	}
	return e.Coll.OTLPHTTPEndpoint()
}

// Bed is a group of services of another language, started by its own file
// (python.go, ...) after the Go services: registered in bedStarters from an
// init function of its cases file.
type Bed interface {
	URL(entry string) string // "" when entry is not one of its services
	Flush()                  // export every span still buffered
	Stop()
}

// bedStarter starts one language's bed.
type bedStarter struct {
	name  string
	start func(ctx context.Context, e *Env) (Bed, error)
}

// bedStarters start the other languages' beds, in order.
var bedStarters []bedStarter

func (e *Env) url(entry string) string {
	switch entry {
	case "shop":
		return e.Shop.URL
	case "inventory":
		return e.Inv.URL
	case "payments":
		return e.Pay.URL
	case "edge":
		return e.Edge.URL
	case "reports":
		return e.ReportsURL
	case "notifications":
		return e.Notif.URL
	}
	for _, b := range e.beds {
		if u := b.URL(entry); u != "" {
			return u
		}
	}
	panic("unknown service " + entry)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	b[0] |= 0x10 // no leading zero nibble: Jaeger's v1 API trims them
	return hex.EncodeToString(b)
}

// Do sends one request with a fresh sampled traceparent (as an uninstrumented
// load balancer in front would), so the trace ID is known.
func (e *Env) Do(c *Case, entry, method, path string) *Result {
	r := &Result{Case: c, TraceID: randomHex(16), Want: c.Want}
	req, err := http.NewRequest(method, e.url(entry)+path, nil)
	if err != nil {
		r.Err = err
		return r
	}
	req.Header.Set("traceparent", "00-"+r.TraceID+"-"+randomHex(8)+"-01")
	start := time.Now()
	resp, err := e.client.Do(req)
	r.Elapsed = time.Since(start)
	if err != nil {
		r.Err = err
		return r
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	r.Status = resp.StatusCode
	return r
}

// PGExec runs SQL in the shop database as the table owner.
func (e *Env) PGExec(t *testing.T, q string) {
	t.Helper()
	if _, err := e.pgAdmin.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// LockPG locks a products row in a transaction of its own until the undo.
func (e *Env) LockPG(t *testing.T, sku string) func() {
	tx, err := e.pgAdmin.Begin()
	must(t, err)
	if _, err := tx.Exec("SELECT 1 FROM products WHERE sku = $1 FOR UPDATE", sku); err != nil {
		t.Fatal(err)
	}
	return func() { _ = tx.Rollback() }
}

// LockMy locks a payments row until the undo.
func (e *Env) LockMy(t *testing.T, order int) func() {
	tx, err := e.myAdmin.Begin()
	must(t, err)
	if _, err := tx.Exec("SELECT id FROM payments.payments WHERE order_id = ? FOR UPDATE", order); err != nil {
		t.Fatal(err)
	}
	return func() { _ = tx.Rollback() }
}

// HoldPoolConn takes the only connection of inventory's one-connection pool.
func (e *Env) HoldPoolConn(t *testing.T) func() {
	conn, err := e.Inv.PoolDB.Conn(context.Background())
	must(t, err)
	must(t, conn.PingContext(context.Background()))
	return func() { _ = conn.Close() }
}

// SaturatePG opens connections as the (non-superuser) application role until
// PostgreSQL answers "too many clients", and keeps them until the undo.
func (e *Env) SaturatePG(t *testing.T) func() {
	db, err := sql.Open("pgx", e.PG.DSN("shop", pgPassword, "shop"))
	must(t, err)
	var conns []*sql.Conn
	for i := 0; i < 40; i++ {
		c, err := db.Conn(context.Background())
		if err == nil {
			err = c.PingContext(context.Background())
		}
		if err != nil {
			if !strings.Contains(err.Error(), "53300") {
				t.Logf("saturate: unexpected error %v", err)
			}
			if c != nil {
				_ = c.Close()
			}
			break
		}
		conns = append(conns, c)
	}
	t.Logf("saturate: holding %d connections", len(conns))
	e.Inv.DropIdle()
	return func() {
		for _, c := range conns {
			_ = c.Close()
		}
		_ = db.Close()
	}
}

// driveOnly (EDX_DRIVE_ONLY=1) drives the faults without collector and Jaeger,
// to check the services and the fault induction alone.
func driveOnly() bool { return os.Getenv("EDX_DRIVE_ONLY") == "1" }

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func setup(t *testing.T) *Env {
	collectorBin := envOr("EDX_COLLECTOR_BIN", "../../bin/otelcol-errordiagnosis")
	jaegerBin := os.Getenv("EDX_JAEGER_BIN")
	bins := []string{collectorBin, jaegerBin}
	if driveOnly() {
		bins = nil
	}
	for _, b := range bins {
		if _, err := os.Stat(b); b == "" || err != nil {
			msg := fmt.Sprintf("binary %q missing: run test/integration/run.sh (or set EDX_COLLECTOR_BIN and EDX_JAEGER_BIN)", b)
			if os.Getenv("EDX_REQUIRE") == "1" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	dir, err := os.MkdirTemp("", "edx-integration-")
	must(t, err)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("EDX_KEEP") == "" {
		t.Cleanup(func() { os.RemoveAll(dir) })
	} else {
		t.Logf("keeping %s", dir)
	}
	ctx := context.Background()
	e := &Env{Dir: dir, ClosedPort: MustFreePort(), client: &http.Client{Timeout: 30 * time.Second}}
	step := func(name string, f func() error) {
		t.Helper()
		start := time.Now()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("setup: %-10s %6.2fs", name, time.Since(start).Seconds())
	}

	// The databases and the backends start in parallel.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	times := make([]time.Duration, 4)
	par := func(i int, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := time.Now()
			errs[i] = f()
			times[i] = time.Since(s)
		}()
	}
	par(0, func() (err error) { e.PG, err = StartPostgres(filepath.Join(dir, "pg")); return })
	par(1, func() (err error) { e.My, err = StartMariaDB(filepath.Join(dir, "mariadb")); return })
	par(2, func() (err error) {
		if driveOnly() { // no backends: the services export to a closed port
			e.Coll = &Collector{HTTPPort: e.ClosedPort}
			return nil
		}
		e.Jaeger, err = StartJaeger(ctx, jaegerBin, filepath.Join(dir, "jaeger"))
		if err != nil {
			return err
		}
		e.Coll, err = StartCollector(ctx, collectorBin, filepath.Join(dir, "collector"), e.Jaeger.OTLPGRPCPort)
		return err
	})
	wg.Wait()
	t.Cleanup(func() { e.PG.Stop(); e.My.Stop(); e.Coll.Stop(); e.Jaeger.Stop() })
	for i, name := range []string{"postgresql", "mariadb", "jaeger+collector"} {
		if errs[i] != nil {
			t.Fatalf("%s: %v", name, errs[i])
		}
		t.Logf("setup: %-16s %6.2fs", name, times[i].Seconds())
	}

	step("schemas", func() error { return e.schemas() })
	step("services", func() error { return e.startServices(ctx) })
	for _, bs := range bedStarters {
		step(bs.name, func() error {
			b, err := bs.start(ctx, e)
			if b != nil {
				e.beds = append(e.beds, b)
				t.Cleanup(b.Stop)
			}
			return err
		})
	}
	return e
}

func (e *Env) schemas() error {
	if _, err := e.PG.Psql(fmt.Sprintf("CREATE ROLE shop LOGIN PASSWORD '%s'", pgPassword)); err != nil {
		return err
	}
	if _, err := e.PG.Psql("CREATE DATABASE shop OWNER shop"); err != nil {
		return err
	}
	if _, err := e.PG.PsqlDB("shop", `SET ROLE shop;
CREATE TABLE products (id serial PRIMARY KEY, sku text NOT NULL UNIQUE, name text NOT NULL, stock int NOT NULL, price_cents int NOT NULL);
INSERT INTO products (sku, name, stock, price_cents) VALUES
  ('SKU-1', 'Teapot', 100, 1999), ('SKU-2', 'Kettle', 50, 2999), ('SKU-3', 'Mug', 500, 499), ('SKU-4', 'Spoon', 1000, 99);
CREATE TABLE orders (id serial PRIMARY KEY, sku text NOT NULL, qty int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE users (id serial PRIMARY KEY, username text NOT NULL, password text NOT NULL);
INSERT INTO users (username, password) VALUES ('admin', 'x');`); err != nil {
		return err
	}
	var err error
	if e.pgAdmin, err = sql.Open("pgx", e.PG.DSN("shop", pgPassword, "shop")); err != nil {
		return err
	}
	root, err := sql.Open("mysql", e.My.RootDSN(""))
	if err != nil {
		return err
	}
	defer root.Close()
	if _, err := root.Exec(fmt.Sprintf(`CREATE DATABASE payments;
CREATE USER 'shop'@'%%' IDENTIFIED BY '%s';
GRANT ALL ON payments.* TO 'shop'@'%%';
CREATE TABLE payments.payments (id int AUTO_INCREMENT PRIMARY KEY, order_id int NOT NULL UNIQUE,
  amount_cents int NOT NULL, status varchar(20) NOT NULL DEFAULT 'captured') ENGINE=InnoDB;
CREATE TABLE payments.accounts (id int PRIMARY KEY, balance_cents bigint NOT NULL) ENGINE=InnoDB;
INSERT INTO payments.accounts VALUES (1, 100000), (2, 100000);`, myPassword)); err != nil {
		return fmt.Errorf("mariadb schema: %w", err)
	}
	e.myAdmin, err = sql.Open("mysql", e.My.RootDSN("payments"))
	return err
}

func (e *Env) startServices(ctx context.Context) error {
	var err error
	if e.Inv, err = StartInventory(ctx, e.endpoint("inventory"), e.PG.DSN("shop", pgPassword, "shop")); err != nil {
		return err
	}
	if e.Pay, err = StartPayments(ctx, e.endpoint("payments"), e.My.DSN("shop", myPassword, "payments")); err != nil {
		return err
	}
	closed := fmt.Sprintf("http://127.0.0.1:%d", e.ClosedPort)
	promo := filepath.Join(e.Dir, "shop", "config", "promotions.yaml") // never deployed
	if e.Shop, err = StartShop(ctx, e.endpoint("shop"), e.Inv.URL, e.Pay.URL, closed, promo); err != nil {
		return err
	}
	if e.Edge, err = StartEdge(ctx, e.endpoint("edge"), e.Shop.URL, e.Inv.URL, closed); err != nil {
		return err
	}
	if e.Notif, err = StartNotifications(ctx, e.endpoint("notifications")); err != nil {
		return err
	}
	// reports: the test binary re-executed with a low RLIMIT_NOFILE.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	port := MustFreePort()
	rdir := filepath.Join(e.Dir, "reports")
	if err := os.MkdirAll(rdir, 0o755); err != nil {
		return err
	}
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Env = append(os.Environ(), "EDX_CHILD=reports", "EDX_NOFILE=40", fmt.Sprintf("EDX_PORT=%d", port),
		"EDX_COLLECTOR="+e.endpoint("reports"), "EDX_DIR="+rdir)
	if e.reports, err = StartProc("reports", cmd, filepath.Join(rdir, "reports.log")); err != nil {
		return err
	}
	e.ReportsURL = fmt.Sprintf("http://127.0.0.1:%d", port)
	return WaitHTTP(e.reports, e.ReportsURL+"/health", 30*time.Second)
}

// flush sends every span still buffered in the services to the collector.
func (e *Env) flush(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Notif.LP.ForceFlush(ctx); err != nil {
		t.Errorf("flush notifications logs: %v", err)
	}
	for _, s := range e.services() {
		if err := s.TP.ForceFlush(ctx); err != nil {
			t.Errorf("flush %s: %v", s.Name, err)
		}
	}
	e.reports.Stop(syscall.SIGTERM, 15*time.Second) // SIGTERM: the child shuts its tracer provider down
	for _, b := range e.beds {
		b.Flush()
	}
}

func (e *Env) services() []*Service {
	return []*Service{e.Inv.Service, e.Pay.Service, e.Shop.Service, e.Edge.Service, e.Notif.Service}
}

func (e *Env) closeServices() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range e.services() {
		s.Close(ctx)
	}
	_ = e.Notif.LP.Shutdown(ctx)
	e.reports.Stop(syscall.SIGTERM, 5*time.Second)
	for _, b := range e.beds {
		b.Stop()
	}
}

// ------------------------------------------------------------------ the test

func TestIntegration(t *testing.T) {
	t0 := time.Now()
	e := setup(t)
	defer e.closeServices()
	t.Logf("setup done in %.1fs", time.Since(t0).Seconds())

	// Drive every case.
	cases := Cases()
	t1 := time.Now()
	results := driveCases(t, e, cases)
	t.Logf("drove %d cases (%d requests) in %.1fs", len(cases), len(results), time.Since(t1).Seconds())

	if driveOnly() {
		for _, r := range results {
			if r.Case.Run == nil && r.Status != r.Case.Status {
				t.Errorf("%s: HTTP status %d, want %d (err %v)", r.Case.Name, r.Status, r.Case.Status, r.Err)
			}
		}
		return
	}
	e.flush(t)
	byTrace := e.waitForOutput(t, results)

	rows := verify(t, results, byTrace)
	captureRealTraces(t, results, e.Coll.OutFile)
	jaegerOK := e.checkJaeger(t, results, t0)
	report(t, rows, jaegerOK)
}

// waitForOutput polls the file exporter's output until every expected
// diagnosed span of every trace is there and the output has stopped growing.
func (e *Env) waitForOutput(t *testing.T, results []*Result) map[string][]*Span {
	start := time.Now()
	deadline := start.Add(60 * time.Second)
	var byTrace map[string][]*Span
	last, stable := -1, 0
	for {
		var n int
		byTrace, n, _ = ReadSpans(e.Coll.OutFile)
		complete := true
		for _, r := range results {
			for _, w := range r.Want {
				if findServer500(byTrace[r.TraceID], w.Service) == nil {
					complete = false
				}
			}
			if len(byTrace[r.TraceID]) == 0 {
				complete = false
			}
		}
		if n == last {
			stable++
		} else {
			stable = 0
		}
		last = n
		if complete && stable >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("collector output incomplete after %s (%d spans); collector log:\n%s", time.Since(start), n, e.Coll.LogTail(3000))
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("collector output: %d traces after %.1fs", len(byTrace), time.Since(start).Seconds())
	return byTrace
}

// strictEvidenceService makes a diagnosis.evidence.service that is not the
// service.name of the evidence span a failure (docs/design.md §4) instead of a note.
// Off while the processor names the called service (or its address) there
// for failed outgoing calls.
const strictEvidenceService = false

func isTarget(s *Span) bool { return s.Kind == 2 && s.HTTPStatus() == 500 }

// findServer500 finds an HTTP 500 server span of service: held spans are
// exported once the processor releases them.
func findServer500(spans []*Span, service string) *Span {
	for _, s := range spans {
		if isTarget(s) && s.Service == service {
			return s
		}
	}
	return nil
}

// Row is one line of the per-case report.
type Row struct {
	Case, Trace, Service, Want, Got, Evidence string
	OK                                        bool
}

func (w Want) String() string {
	s := w.Category + "/" + w.Cause
	if w.RootCategory != "" {
		s += " root=" + w.RootCategory + "@" + w.RootService
	}
	return s
}

func gotString(d map[string]string) string {
	if len(d) == 0 {
		return "(none)"
	}
	s := d["diagnosis.category"] + "/" + d["diagnosis.cause"]
	if d["diagnosis.root_cause.category"] != "" || d["diagnosis.root_cause.service"] != "" {
		s += " root=" + d["diagnosis.root_cause.category"] + "@" + d["diagnosis.root_cause.service"]
	}
	return s
}

func verify(t *testing.T, results []*Result, byTrace map[string][]*Span) []Row {
	var rows []Row
	fingerprints := map[[2]string][]string{}
	driven := map[string]bool{}
	for _, r := range results {
		driven[r.Case.Name] = true
	}
	defer func() { checkFingerprints(t, fingerprints, driven) }()
	// Whatever trace a span belongs to (the harness's own database spans too),
	// only HTTP 500 server spans may carry diagnosis.* attributes.
	for _, spans := range byTrace {
		for _, s := range spans {
			if d := s.Diagnosis(); len(d) > 0 && !isTarget(s) {
				t.Errorf("non-target span %s of %s (trace %s, kind %d, status %d) carries %v", s.Name, s.Service, s.TraceID, s.Kind, s.HTTPStatus(), d)
			}
		}
	}
	byCase := map[*Case][]*Result{}
	var order []*Case
	for _, r := range results {
		if _, ok := byCase[r.Case]; !ok {
			order = append(order, r.Case)
		}
		byCase[r.Case] = append(byCase[r.Case], r)
	}
	for _, c := range order {
		t.Run("case/"+c.Name, func(t *testing.T) {
			for _, r := range byCase[c] {
				if r.Err != nil {
					t.Errorf("request failed: %v", r.Err)
				}
				if c.Run == nil && r.Status != c.Status {
					t.Errorf("HTTP status %d, want %d", r.Status, c.Status)
				}
				spans := byTrace[r.TraceID]
				if len(spans) == 0 {
					t.Errorf("trace %s: no spans exported", r.TraceID)
					rows = append(rows, Row{Case: c.Name, Trace: r.TraceID, Got: "no spans"})
					continue
				}
				matched := map[*Span]bool{}
				for _, w := range r.Want {
					var s *Span
					for _, sp := range spans {
						if isTarget(sp) && sp.Service == w.Service && !matched[sp] {
							s = sp
							break
						}
					}
					row := Row{Case: c.Name, Trace: r.TraceID, Service: w.Service, Want: w.String()}
					if s == nil {
						t.Errorf("%s: no HTTP 500 server span of %s in trace %s", c.Name, w.Service, r.TraceID)
						row.Got = "no 500 span"
						rows = append(rows, row)
						continue
					}
					matched[s] = true
					d := s.Diagnosis()
					row.Got, row.Evidence = gotString(d), d["diagnosis.evidence"]
					ok := d["diagnosis.category"] == w.Category && d["diagnosis.cause"] == w.Cause
					if w.RootCategory != "" {
						ok = ok && d["diagnosis.root_cause.category"] == w.RootCategory && d["diagnosis.root_cause.service"] == w.RootService
					}
					if d["diagnosis.likelihood"] != likelihood[d["diagnosis.category"]] || d["diagnosis.fix.effort"] != effort[d["diagnosis.category"]] {
						t.Errorf("%s on %s: likelihood %q / fix.effort %q, want %q / %q for %s", c.Name, w.Service, d["diagnosis.likelihood"],
							d["diagnosis.fix.effort"], likelihood[d["diagnosis.category"]], effort[d["diagnosis.category"]], d["diagnosis.category"])
						ok = false
					}
					if fp := d["diagnosis.fingerprint"]; len(fp) != 16 || strings.Trim(fp, "0123456789abcdef") != "" {
						t.Errorf("%s on %s: diagnosis.fingerprint %q is not 16 hex characters", c.Name, w.Service, fp)
						ok = false
					}
					// diagnosis.evidence.span_id names a span of this trace, and
					// diagnosis.evidence.service is that span's service.
					if id := d["diagnosis.evidence.span_id"]; id != "" {
						var ev *Span
						for _, sp := range spans {
							if sp.SpanID == id {
								ev = sp
							}
						}
						switch {
						case ev == nil:
							t.Errorf("%s on %s: diagnosis.evidence.span_id %s is not a span of trace %s", c.Name, w.Service, id, r.TraceID)
							ok = false
						case ev.Service != d["diagnosis.evidence.service"]:
							msg := fmt.Sprintf("%s on %s: diagnosis.evidence.service %q, but the evidence span %s (%s) belongs to %q",
								c.Name, w.Service, d["diagnosis.evidence.service"], id, ev.Name, ev.Service)
							if strictEvidenceService {
								t.Error(msg)
								ok = false
							} else {
								t.Log("NOTE (docs/design.md §4 says service.name of that span): " + msg)
							}
						}
					}
					fingerprints[[2]string{c.Name, w.Service}] = append(fingerprints[[2]string{c.Name, w.Service}], d["diagnosis.fingerprint"])
					row.OK = ok
					if !ok {
						t.Errorf("%s on %s (%s): got %s, want %s\n  evidence: %q (span %s of %s, rule %s)\n  exceptions: %v\n  status: %q",
							c.Name, w.Service, s.Name, gotString(d), w, d["diagnosis.evidence"], d["diagnosis.evidence.span_id"],
							d["diagnosis.evidence.service"], d["diagnosis.rule"], s.Exceptions(), s.StatusMessage)
					}
					rows = append(rows, row)
				}
				// Everything else is untouched.
				for _, s := range spans {
					if matched[s] {
						continue
					}
					if isTarget(s) {
						t.Errorf("%s: unexpected HTTP 500 server span %s of %s (diagnosis %s)", c.Name, s.Name, s.Service, gotString(s.Diagnosis()))
						rows = append(rows, Row{Case: c.Name, Trace: r.TraceID, Service: s.Service, Want: "(unexpected 500)", Got: gotString(s.Diagnosis())})
						continue
					}
					if d := s.Diagnosis(); len(d) > 0 {
						t.Errorf("%s: non-target span %s of %s (kind %d, status %d) was changed: %v", c.Name, s.Name, s.Service, s.Kind, s.HTTPStatus(), d)
						rows = append(rows, Row{Case: c.Name, Trace: r.TraceID, Service: s.Service, Want: "(untouched)", Got: gotString(d)})
					}
				}
				if len(r.Want) == 0 {
					ok := true
					for _, s := range spans {
						ok = ok && len(s.Diagnosis()) == 0 && !isTarget(s)
					}
					rows = append(rows, Row{Case: c.Name, Trace: r.TraceID, Service: c.Entry, Want: fmt.Sprintf("%d, no diagnosis", r.Status),
						Got: "(none)", OK: ok && r.Err == nil})
				}
			}
		})
	}
	return rows
}

// checkFingerprints checks the groups of SameFingerprint among the cases
// driven (TestTwoTier drives the Go cases only).
func checkFingerprints(t *testing.T, fps map[[2]string][]string, driven map[string]bool) {
	t.Run("fingerprints", func(t *testing.T) {
		for _, group := range SameFingerprint {
			var first string
			for _, k := range group {
				if len(fps[k]) == 0 && driven[k[0]] {
					t.Errorf("no fingerprint for %v of group %v", k, group)
				}
				for _, fp := range fps[k] {
					if first == "" {
						first = fp
					} else if fp != first {
						t.Errorf("fingerprints differ within %v: %v", group, fpsOf(fps, group))
					}
				}
			}
			t.Logf("one group as it must be: %v", fpsOf(fps, group))
		}
		checkDifferentFingerprints(t, fps, driven)
		// Different causes in one service must not share a fingerprint.
		a, b := fps[[2]string{"panic_nil_pointer", "shop"}], fps[[2]string{"panic_index_out_of_range", "shop"}]
		if len(a) > 0 && len(b) > 0 && a[0] == b[0] {
			t.Errorf("panic_nil_pointer and panic_index_out_of_range share fingerprint %s", a[0])
		}
	})
}

func fpsOf(fps map[[2]string][]string, group [][2]string) map[string][]string {
	out := map[string][]string{}
	for _, k := range group {
		out[k[0]] = fps[k]
	}
	return out
}

// checkJaeger asks Jaeger, by tag, for the traces of every (service, category)
// pair the table expects, and compares with the expected trace IDs.
func (e *Env) checkJaeger(t *testing.T, results []*Result, since time.Time) bool {
	want := map[[2]string]map[string]bool{}
	for _, r := range results {
		for _, w := range r.Want {
			k := [2]string{w.Service, w.Category}
			if want[k] == nil {
				want[k] = map[string]bool{}
			}
			want[k][r.TraceID] = true
		}
	}
	// Pairs nothing should match: the gateway never diagnosed on its own 502/504.
	for _, k := range [][2]string{{"edge", unknown}, {"edge", depFail}, {"inventory", unknown}} {
		if want[k] == nil {
			want[k] = map[string]bool{}
		}
	}
	keys := make([][2]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	// Wait (once) until Jaeger has stored every trace of the run.
	start := time.Now()
	missing := len(results)
	for time.Since(start) < 45*time.Second {
		missing = 0
		for _, r := range results {
			if !e.jaegerHas(r.TraceID) {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		time.Sleep(time.Second)
	}
	t.Logf("jaeger: %d of %d traces stored after %.1fs", len(results)-missing, len(results), time.Since(start).Seconds())
	ok := true
	for _, k := range keys {
		t.Run("jaeger/"+k[0]+"/"+k[1], func(t *testing.T) {
			var got map[string]bool
			deadline := time.Now().Add(3 * time.Second)
			for {
				var err error
				got, err = e.jaegerFind(k[0], map[string]string{"diagnosis.category": k[1]}, since)
				if err == nil && equalSets(got, want[k]) {
					break
				}
				if time.Now().After(deadline) {
					if err != nil {
						t.Errorf("jaeger query: %v", err)
					} else {
						t.Errorf("service=%s tags diagnosis.category=%s: got traces %v, want %v", k[0], k[1], setKeys(got), setKeys(want[k]))
					}
					ok = false
					return
				}
				time.Sleep(time.Second)
			}
			t.Logf("service=%s diagnosis.category=%s: %d traces, as expected", k[0], k[1], len(got))
		})
	}
	return ok
}

func equalSets(a, b map[string]bool) bool {
	if b == nil {
		return false
	}
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func setKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// jaegerHas reports whether Jaeger returns the trace by ID.
func (e *Env) jaegerHas(traceID string) bool {
	resp, err := e.client.Get(fmt.Sprintf("http://127.0.0.1:%d/api/traces/%s", e.Jaeger.QueryHTTPPort, traceID))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

// jaegerFind queries /api/traces?service=S&tags={...} and returns the trace IDs.
func (e *Env) jaegerFind(service string, tags map[string]string, since time.Time) (map[string]bool, error) {
	tj, _ := json.Marshal(tags)
	q := url.Values{}
	q.Set("service", service)
	q.Set("tags", string(tj))
	q.Set("limit", "1000")
	q.Set("start", fmt.Sprint(since.Add(-time.Minute).UnixMicro()))
	q.Set("end", fmt.Sprint(time.Now().Add(time.Minute).UnixMicro()))
	u := fmt.Sprintf("http://127.0.0.1:%d/api/traces?%s", e.Jaeger.QueryHTTPPort, q.Encode())
	resp, err := e.client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	var out struct {
		Data []struct {
			TraceID string `json:"traceID"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	got := map[string]bool{}
	for _, d := range out.Data {
		id := strings.ToLower(d.TraceID)
		for len(id) < 32 {
			id = "0" + id
		}
		got[id] = true
	}
	return got, nil
}

// report prints the per-case table and writes it to $EDX_REPORT if set.
func report(t *testing.T, rows []Row, jaegerOK bool) {
	var b strings.Builder
	pass, fail := 0, 0
	fmt.Fprintf(&b, "| case | service | expected | got | ok | evidence |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		mark := "PASS"
		if r.OK {
			pass++
		} else {
			mark = "FAIL"
			fail++
		}
		ev := strings.ReplaceAll(r.Evidence, "|", "\\|")
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.Case, r.Service, r.Want, r.Got, mark, ev)
	}
	fmt.Fprintf(&b, "\nspans checked: %d PASS, %d FAIL; jaeger tag queries: %v\n", pass, fail, map[bool]string{true: "all as expected", false: "MISMATCH"}[jaegerOK])
	t.Log("\n" + b.String())
	if p := os.Getenv("EDX_REPORT"); p != "" {
		_ = os.WriteFile(p, []byte(b.String()), 0o644)
	}
}

// driveCases drives every case in order (Setup, request(s), undo).
func driveCases(t *testing.T, e *Env, cases []*Case) []*Result {
	var results []*Result
	for _, c := range cases {
		var undo func()
		if c.Setup != nil {
			undo = c.Setup(t, e)
		}
		var rs []*Result
		if c.Run != nil {
			rs = c.Run(t, e, c)
		} else {
			for i := 0; i < max(c.Repeat, 1); i++ {
				rs = append(rs, e.Do(c, c.Entry, c.Method, c.Path))
			}
		}
		if undo != nil {
			undo()
		}
		for _, r := range rs {
			t.Logf("drive %-36s %s -> %d (%s) trace %s", c.Name, c.Entry, r.Status, r.Elapsed.Round(time.Millisecond), r.TraceID)
		}
		results = append(results, rs...)
	}
	return results
}
