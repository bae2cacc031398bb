package integration

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/XSAM/otelsql"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

var propagator = propagation.TraceContext{}

// Service is one instrumented HTTP service: its own tracer provider (own
// service.name, own BatchSpanProcessor exporting OTLP/HTTP to the collector),
// an otelhttp server on a loopback port, and an otelhttp client.
type Service struct {
	Name   string
	TP     *sdktrace.TracerProvider
	URL    string
	Client *http.Client
	srv    *http.Server
}

// NewTracerProvider builds a tracer provider for service name exporting to the collector.
func NewTracerProvider(ctx context.Context, name, collector string) (*sdktrace.TracerProvider, error) {
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(collector), otlptracehttp.WithInsecure())
	if err != nil {
		return nil, err
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(name), semconv.ServiceVersion(serviceVersion(name)),
		semconv.TelemetrySDKLanguageGo, semconv.TelemetrySDKName("opentelemetry"))
	return sdktrace.NewTracerProvider(
		sdktrace.WithResource(res),
		sdktrace.WithBatcher(countExports(exp), sdktrace.WithBatchTimeout(250*time.Millisecond)),
	), nil
}

// versions holds the service.version of services restarted with a new
// version (fingerprints must survive a version bump); others are 1.0.0.
var versions sync.Map

func serviceVersion(name string) string {
	if v, ok := versions.Load(name); ok {
		return v.(string)
	}
	return "1.0.0"
}

// StartService serves h (wrapped in the recover middleware and otelhttp) on a free loopback port.
func StartService(ctx context.Context, name, collector string, port int, build func(s *Service) http.Handler) (*Service, error) {
	tp, err := NewTracerProvider(ctx, name, collector)
	if err != nil {
		return nil, err
	}
	s := &Service{Name: name, TP: tp}
	s.Client = &http.Client{Transport: s.Transport(http.DefaultTransport.(*http.Transport).Clone()), Timeout: 10 * time.Second}
	h := otelhttp.NewHandler(Recover(build(s)), name,
		otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }))
	addr := "127.0.0.1:0"
	if port != 0 {
		addr = fmt.Sprintf("127.0.0.1:%d", port)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Transport wraps base with otelhttp client instrumentation.
func (s *Service) Transport(base http.RoundTripper) http.RoundTripper {
	return otelhttp.NewTransport(base, otelhttp.WithTracerProvider(s.TP), otelhttp.WithPropagators(propagator))
}

// Close stops the server and flushes spans.
func (s *Service) Close(ctx context.Context) {
	if s == nil {
		return
	}
	_ = s.srv.Close()
	_ = s.TP.Shutdown(ctx)
}

// Recover is the panic middleware: it records the panic on the server span
// (exception event with stack trace, error status) and answers 500.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err, ok := v.(error)
			if !ok {
				err = fmt.Errorf("panic: %v", v)
			}
			span := trace.SpanFromContext(r.Context())
			span.RecordError(err, trace.WithStackTrace(true))
			span.SetStatus(codes.Error, err.Error())
			http.Error(w, "internal server error", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// Fail records err on the server span and answers 500, as a typical handler does.
func Fail(w http.ResponseWriter, r *http.Request, err error) {
	span := trace.SpanFromContext(r.Context())
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
	http.Error(w, "internal server error", http.StatusInternalServerError)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// call does an instrumented request to a downstream and fails on non-2xx.
func call(ctx context.Context, c *http.Client, method, u string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var buf [4096]byte
	n, _ := resp.Body.Read(buf[:])
	return resp.StatusCode, buf[:n], nil
}

// ------------------------------------------------------------------ inventory

// Inventory is the PostgreSQL-backed service (pgx through otelsql). Its
// database spans carry db.response.status_code (the SQLSTATE), as otelsql's
// documented SpanErrorAttributesGetter recommends.
type Inventory struct {
	*Service
	DB       *sql.DB // main pool
	PoolDB   *sql.DB // a pool of one connection (pool exhaustion)
	AltDSN   atomic.Value
	otelOpts []otelsql.Option
}

func pgErrorAttributes(err error) []attribute.KeyValue {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return []attribute.KeyValue{semconv.DBResponseStatusCode(pe.Code)}
	}
	return nil
}

// StartInventory starts the inventory service against dsn.
func StartInventory(ctx context.Context, collector, dsn string) (*Inventory, error) {
	inv := &Inventory{}
	inv.AltDSN.Store(dsn)
	_, err := StartService(ctx, "inventory", collector, 0, func(s *Service) http.Handler {
		inv.Service = s
		return inv.routes()
	})
	if err != nil {
		return nil, err
	}
	inv.otelOpts = []otelsql.Option{
		otelsql.WithTracerProvider(inv.TP),
		otelsql.WithAttributes(semconv.DBSystemNamePostgreSQL, semconv.ServerAddress("127.0.0.1")),
		otelsql.WithSpanOptions(otelsql.SpanOptions{OmitConnResetSession: true, OmitRows: true}),
		otelsql.WithSpanErrorAttributesGetter(pgErrorAttributes),
	}
	if inv.DB, err = otelsql.Open("pgx", dsn, inv.otelOpts...); err != nil {
		return nil, err
	}
	inv.DB.SetMaxOpenConns(8)
	inv.DB.SetMaxIdleConns(4)
	if inv.PoolDB, err = otelsql.Open("pgx", dsn, inv.otelOpts...); err != nil {
		return nil, err
	}
	inv.PoolDB.SetMaxOpenConns(1)
	return inv, nil
}

// DropIdle closes the idle connections of the main pool, so the next query dials.
func (inv *Inventory) DropIdle() {
	inv.DB.SetMaxIdleConns(0)
	inv.DB.SetMaxIdleConns(4)
}

func (inv *Inventory) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products", func(w http.ResponseWriter, r *http.Request) {
		rows, err := inv.DB.QueryContext(r.Context(), "SELECT sku, name, stock FROM products ORDER BY sku")
		if err != nil {
			Fail(w, r, err)
			return
		}
		defer rows.Close()
		var out []map[string]any
		for rows.Next() {
			var sku, name string
			var stock int
			if err := rows.Scan(&sku, &name, &stock); err != nil {
				Fail(w, r, err)
				return
			}
			out = append(out, map[string]any{"sku": sku, "name": name, "stock": stock})
		}
		if err := rows.Err(); err != nil {
			Fail(w, r, err)
			return
		}
		writeJSON(w, out)
	})
	mux.HandleFunc("GET /products/{sku}", func(w http.ResponseWriter, r *http.Request) {
		var name string
		err := inv.DB.QueryRowContext(r.Context(), "SELECT name FROM products WHERE sku = $1", r.PathValue("sku")).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			Fail(w, r, err)
			return
		}
		writeJSON(w, map[string]string{"sku": r.PathValue("sku"), "name": name})
	})
	// A new product; a duplicate SKU violates the unique constraint and surfaces as 500.
	mux.HandleFunc("POST /products", func(w http.ResponseWriter, r *http.Request) {
		_, err := inv.DB.ExecContext(r.Context(), "INSERT INTO products (sku, name, stock, price_cents) VALUES ($1, $2, 0, 100)",
			r.URL.Query().Get("sku"), r.URL.Query().Get("name"))
		if err != nil {
			Fail(w, r, fmt.Errorf("create product: %w", err))
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("GET /stock", func(w http.ResponseWriter, r *http.Request) {
		var stock int
		if err := inv.DB.QueryRowContext(r.Context(), "SELECT stock FROM products WHERE sku = $1", r.URL.Query().Get("sku")).Scan(&stock); err != nil {
			Fail(w, r, fmt.Errorf("query stock: %w", err))
			return
		}
		writeJSON(w, map[string]int{"stock": stock})
	})
	// The same query through a pool opened with the configured DSN (wrong password, wrong port).
	mux.HandleFunc("GET /alt/stock", func(w http.ResponseWriter, r *http.Request) {
		db, err := otelsql.Open("pgx", inv.AltDSN.Load().(string), inv.otelOpts...)
		if err != nil {
			Fail(w, r, err)
			return
		}
		defer db.Close()
		var stock int
		if err := db.QueryRowContext(r.Context(), "SELECT stock FROM products WHERE sku = $1", "SKU-1").Scan(&stock); err != nil {
			Fail(w, r, fmt.Errorf("query stock: %w", err))
			return
		}
		writeJSON(w, map[string]int{"stock": stock})
	})
	// Waits at most 300ms for a connection of a pool of one.
	mux.HandleFunc("GET /pool/stock", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 300*time.Millisecond)
		defer cancel()
		var stock int
		err := inv.PoolDB.QueryRowContext(ctx, "SELECT stock FROM products WHERE sku = $1", "SKU-1").Scan(&stock)
		if err != nil {
			if st := inv.PoolDB.Stats(); errors.Is(err, context.DeadlineExceeded) && st.InUse >= st.MaxOpenConnections {
				err = fmt.Errorf("database connection pool exhausted (%d/%d connections in use, %d waits): %w",
					st.InUse, st.MaxOpenConnections, st.WaitCount, err)
			}
			Fail(w, r, fmt.Errorf("query stock: %w", err))
			return
		}
		writeJSON(w, map[string]int{"stock": stock})
	})
	// A report whose query runs past the statement timeout.
	mux.HandleFunc("GET /report", func(w http.ResponseWriter, r *http.Request) {
		err := inTx(r.Context(), inv.DB, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(r.Context(), "SET LOCAL statement_timeout = '150ms'"); err != nil {
				return err
			}
			_, err := tx.ExecContext(r.Context(), "SELECT pg_sleep(2), count(*) FROM products")
			return err
		})
		if err != nil {
			Fail(w, r, fmt.Errorf("sales report: %w", err))
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	// Reserve one unit: waits at most 300ms for the row lock.
	mux.HandleFunc("POST /reserve", func(w http.ResponseWriter, r *http.Request) {
		sku := r.URL.Query().Get("sku")
		err := inTx(r.Context(), inv.DB, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(r.Context(), "SET LOCAL lock_timeout = '300ms'"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(r.Context(), "UPDATE products SET stock = stock - 1 WHERE sku = $1", sku); err != nil {
				return err
			}
			_, err := tx.ExecContext(r.Context(), "INSERT INTO orders (sku, qty) VALUES ($1, 1)", sku)
			return err
		})
		if err != nil {
			Fail(w, r, fmt.Errorf("reserve %s: %w", sku, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	// Move stock between two SKUs in one transaction, locking them in request order:
	// two opposite requests at once deadlock.
	mux.HandleFunc("POST /rebalance", func(w http.ResponseWriter, r *http.Request) {
		from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
		err := inTx(r.Context(), inv.DB, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(r.Context(), "UPDATE products SET stock = stock - 1 WHERE sku = $1", from); err != nil {
				return err
			}
			time.Sleep(700 * time.Millisecond)
			_, err := tx.ExecContext(r.Context(), "UPDATE products SET stock = stock + 1 WHERE sku = $1", to)
			return err
		})
		if err != nil {
			Fail(w, r, fmt.Errorf("rebalance %s->%s: %w", from, to, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		rows, err := inv.DB.QueryContext(r.Context(), "SELECT id, sku, qty FROM orders ORDER BY id DESC LIMIT 10")
		if err != nil {
			Fail(w, r, fmt.Errorf("list orders: %w", err))
			return
		}
		rows.Close()
		w.WriteHeader(http.StatusOK)
	})
	// Code deployed ahead of the migration that adds products.discount_pct.
	mux.HandleFunc("GET /discounts", func(w http.ResponseWriter, r *http.Request) {
		rows, err := inv.DB.QueryContext(r.Context(), "SELECT sku, discount_pct FROM products WHERE discount_pct > 0")
		if err != nil {
			Fail(w, r, fmt.Errorf("list discounts: %w", err))
			return
		}
		rows.Close()
		w.WriteHeader(http.StatusOK)
	})
	// Search built by string concatenation: injectable.
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		q := "SELECT sku, name, stock FROM products WHERE name LIKE '%" + r.URL.Query().Get("q") + "%'"
		rows, err := inv.DB.QueryContext(r.Context(), q)
		if err != nil {
			Fail(w, r, fmt.Errorf("search: %w", err))
			return
		}
		rows.Close()
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		d, _ := time.ParseDuration(r.URL.Query().Get("d"))
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

func inTx(ctx context.Context, db *sql.DB, f func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ------------------------------------------------------------------- payments

// Payments is the MariaDB-backed service (go-sql-driver/mysql through otelsql),
// instrumented with otelsql's defaults only: no db.response.status_code, the
// driver's error message is the evidence.
type Payments struct {
	*Service
	DB       *sql.DB
	AltDSN   atomic.Value
	otelOpts []otelsql.Option
}

// StartPayments starts the payments service against dsn.
func StartPayments(ctx context.Context, collector, dsn string) (*Payments, error) {
	p := &Payments{}
	p.AltDSN.Store(dsn)
	_, err := StartService(ctx, "payments", collector, 0, func(s *Service) http.Handler {
		p.Service = s
		return p.routes()
	})
	if err != nil {
		return nil, err
	}
	p.otelOpts = []otelsql.Option{
		otelsql.WithTracerProvider(p.TP),
		otelsql.WithAttributes(semconv.DBSystemNameMariaDB, semconv.ServerAddress("127.0.0.1")),
		otelsql.WithSpanOptions(otelsql.SpanOptions{OmitConnResetSession: true, OmitRows: true}),
	}
	if p.DB, err = otelsql.Open("mysql", dsn, p.otelOpts...); err != nil {
		return nil, err
	}
	p.DB.SetMaxOpenConns(8)
	return p, nil
}

var _ = mysql.ErrInvalidConn

// DropIdle closes the idle connections of the pool, so the next query dials.
func (p *Payments) DropIdle() {
	p.DB.SetMaxIdleConns(0)
	p.DB.SetMaxIdleConns(2)
}

func (p *Payments) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /balance", func(w http.ResponseWriter, r *http.Request) {
		var bal int64
		if err := p.DB.QueryRowContext(r.Context(), "SELECT balance_cents FROM accounts WHERE id = ?", 1).Scan(&bal); err != nil {
			Fail(w, r, fmt.Errorf("query balance: %w", err))
			return
		}
		writeJSON(w, map[string]int64{"balance": bal})
	})
	// Capture a payment; a second capture of the same order violates the unique key.
	mux.HandleFunc("POST /pay", func(w http.ResponseWriter, r *http.Request) {
		order, _ := strconv.Atoi(r.URL.Query().Get("order"))
		amount, _ := strconv.Atoi(r.URL.Query().Get("amount"))
		if _, err := p.DB.ExecContext(r.Context(), "INSERT INTO payments (order_id, amount_cents) VALUES (?, ?)", order, amount); err != nil {
			Fail(w, r, fmt.Errorf("capture payment for order %d: %w", order, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /alt/balance", func(w http.ResponseWriter, r *http.Request) {
		db, err := otelsql.Open("mysql", p.AltDSN.Load().(string), p.otelOpts...)
		if err != nil {
			Fail(w, r, err)
			return
		}
		defer db.Close()
		var bal int64
		if err := db.QueryRowContext(r.Context(), "SELECT balance_cents FROM accounts WHERE id = ?", 1).Scan(&bal); err != nil {
			Fail(w, r, fmt.Errorf("query balance: %w", err))
			return
		}
		writeJSON(w, map[string]int64{"balance": bal})
	})
	// A ledger aggregation bounded by max_statement_time.
	mux.HandleFunc("GET /ledger", func(w http.ResponseWriter, r *http.Request) {
		var x int64
		err := p.DB.QueryRowContext(r.Context(),
			"SET STATEMENT max_statement_time=0.2 FOR SELECT SLEEP(2) + COUNT(*) FROM payments").Scan(&x)
		if err != nil {
			Fail(w, r, fmt.Errorf("ledger totals: %w", err))
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	// Refund: waits at most 1s (InnoDB's minimum) for the row lock.
	mux.HandleFunc("POST /refund", func(w http.ResponseWriter, r *http.Request) {
		order, _ := strconv.Atoi(r.URL.Query().Get("order"))
		err := inTx(r.Context(), p.DB, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(r.Context(), "SET SESSION innodb_lock_wait_timeout = 1"); err != nil {
				return err
			}
			_, err := tx.ExecContext(r.Context(), "UPDATE payments SET status = 'refunded' WHERE order_id = ?", order)
			return err
		})
		if err != nil {
			Fail(w, r, fmt.Errorf("refund order %d: %w", order, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	// Transfer between two accounts, locking them in request order.
	mux.HandleFunc("POST /transfer", func(w http.ResponseWriter, r *http.Request) {
		from, _ := strconv.Atoi(r.URL.Query().Get("from"))
		to, _ := strconv.Atoi(r.URL.Query().Get("to"))
		err := inTx(r.Context(), p.DB, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(r.Context(), "UPDATE accounts SET balance_cents = balance_cents - 1 WHERE id = ?", from); err != nil {
				return err
			}
			time.Sleep(700 * time.Millisecond)
			_, err := tx.ExecContext(r.Context(), "UPDATE accounts SET balance_cents = balance_cents + 1 WHERE id = ?", to)
			return err
		})
		if err != nil {
			Fail(w, r, fmt.Errorf("transfer %d->%d: %w", from, to, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /invoices", func(w http.ResponseWriter, r *http.Request) {
		rows, err := p.DB.QueryContext(r.Context(), "SELECT id, order_id, total_cents FROM invoices ORDER BY id DESC LIMIT 10")
		if err != nil {
			Fail(w, r, fmt.Errorf("list invoices: %w", err))
			return
		}
		rows.Close()
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

// ----------------------------------------------------------------------- shop

// Shop is the frontend: calls inventory and payments, and has its own bugs.
type Shop struct {
	*Service
	InventoryURL, PaymentsURL, RecommendationsURL string
	PromoConfig                                   string
	fastClient                                    *http.Client
}

type cart struct{ Items []string }

// StartShop starts the frontend.
func StartShop(ctx context.Context, collector, inventoryURL, paymentsURL, recoURL, promoConfig string) (*Shop, error) {
	return startShop(ctx, collector, 0, &Shop{InventoryURL: inventoryURL, PaymentsURL: paymentsURL, RecommendationsURL: recoURL, PromoConfig: promoConfig})
}

// startShop serves sh on port (0: a free one).
func startShop(ctx context.Context, collector string, port int, sh *Shop) (*Shop, error) {
	_, err := StartService(ctx, "shop", collector, port, func(s *Service) http.Handler {
		sh.Service = s
		sh.fastClient = &http.Client{Transport: s.Transport(http.DefaultTransport.(*http.Transport).Clone()), Timeout: 400 * time.Millisecond}
		return sh.routes()
	})
	return sh, err
}

func (sh *Shop) routes() http.Handler {
	carts := map[string]*cart{"alice": {Items: []string{"SKU-1", "SKU-3"}}}
	var mu sync.Mutex
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("welcome\n")) })
	mux.HandleFunc("GET /catalog", func(w http.ResponseWriter, r *http.Request) {
		st, body, err := call(r.Context(), sh.Client, "GET", sh.InventoryURL+"/products")
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("inventory: GET /products returned %d", st)
		}
		if err != nil {
			Fail(w, r, err)
			return
		}
		_, _ = w.Write(body)
	})
	mux.HandleFunc("GET /product/{sku}", func(w http.ResponseWriter, r *http.Request) {
		st, body, err := call(r.Context(), sh.Client, "GET", sh.InventoryURL+"/products/"+url.PathEscape(r.PathValue("sku")))
		switch {
		case err != nil:
			Fail(w, r, err)
		case st == http.StatusNotFound:
			http.NotFound(w, r)
		case st != http.StatusOK:
			Fail(w, r, fmt.Errorf("inventory: GET /products/%s returned %d", r.PathValue("sku"), st))
		default:
			_, _ = w.Write(body)
		}
	})
	mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		st, _, err := call(r.Context(), sh.Client, "POST", sh.InventoryURL+"/reserve?sku="+url.QueryEscape(q.Get("sku")))
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("inventory: POST /reserve returned %d %s", st, http.StatusText(st))
		}
		if err != nil {
			Fail(w, r, fmt.Errorf("checkout: %w", err))
			return
		}
		st, _, err = call(r.Context(), sh.Client, "POST", sh.PaymentsURL+"/pay?order="+q.Get("order")+"&amount="+q.Get("amount"))
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("payments: POST /pay returned %d %s", st, http.StatusText(st))
		}
		if err != nil {
			Fail(w, r, fmt.Errorf("checkout: %w", err))
			return
		}
		_, _ = w.Write([]byte("ordered\n"))
	})
	// Recommendations live in a service that is down (nothing listens on its port).
	mux.HandleFunc("GET /recommendations", func(w http.ResponseWriter, r *http.Request) {
		st, body, err := call(r.Context(), sh.Client, "GET", sh.RecommendationsURL+"/recommendations?user=alice")
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("recommendations returned %d", st)
		}
		if err != nil {
			Fail(w, r, fmt.Errorf("recommendations: %w", err))
			return
		}
		_, _ = w.Write(body)
	})
	// Availability asks inventory with a 400ms client timeout.
	mux.HandleFunc("GET /availability", func(w http.ResponseWriter, r *http.Request) {
		st, _, err := call(r.Context(), sh.fastClient, "GET", sh.InventoryURL+"/slow?d="+r.URL.Query().Get("d"))
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("inventory returned %d", st)
		}
		if err != nil {
			Fail(w, r, fmt.Errorf("availability: %w", err))
			return
		}
		_, _ = w.Write([]byte("available\n"))
	})
	// Bug: an unknown user has no cart (nil pointer).
	mux.HandleFunc("GET /cart", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		c := carts[r.URL.Query().Get("user")]
		mu.Unlock()
		writeJSON(w, map[string]int{"items": len(c.Items)})
	})
	// Bug: the item index is not checked.
	mux.HandleFunc("GET /cart/item", func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		mu.Lock()
		items := carts["alice"].Items
		mu.Unlock()
		writeJSON(w, map[string]string{"item": items[i]})
	})
	// Promotions are read from a config file that was not deployed.
	mux.HandleFunc("GET /promotions", func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(sh.PromoConfig)
		if err != nil {
			Fail(w, r, fmt.Errorf("load promotions config: %w", err))
			return
		}
		_, _ = w.Write(b)
	})
	// A legacy endpoint that answers a bare 500 and records nothing.
	mux.HandleFunc("GET /legacy", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})
	// Two more nil-pointer bugs, each in a function of its own: the same
	// panic message, two places in the code.
	mux.HandleFunc("GET /wishlist", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]int{"items": wishlistSize(lookupWishlist(r.URL.Query().Get("user")))})
	})
	mux.HandleFunc("GET /orders/last", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]int{"total_cents": lastOrderTotal(lookupLastOrder(r.URL.Query().Get("user")))})
	})
	return mux
}

type wishlist struct{ Items []string }

type order struct{ TotalCents int }

// lookupWishlist and lookupLastOrder know no user: they return nil.
func lookupWishlist(string) *wishlist { return nil }

func lookupLastOrder(string) *order { return nil }

// Bug: a user without a wishlist.
func wishlistSize(wl *wishlist) int { return len(wl.Items) }

// Bug: a user without orders.
func lastOrderTotal(o *order) int { return o.TotalCents }

// ----------------------------------------------------------------------- edge

// Edge is a reverse proxy (httputil.ReverseProxy instrumented with otelhttp).
type Edge struct{ *Service }

// StartEdge proxies /shop/ to shop, /inventory/ to inventory (400ms response
// header timeout), /legacy-api/ to a closed port.
func StartEdge(ctx context.Context, collector, shopURL, inventoryURL, closedURL string) (*Edge, error) {
	e := &Edge{}
	_, err := StartService(ctx, "edge", collector, 0, func(s *Service) http.Handler {
		e.Service = s
		mux := http.NewServeMux()
		mux.Handle("/shop/", http.StripPrefix("/shop", e.proxy(shopURL, 10*time.Second)))
		mux.Handle("/inventory/", http.StripPrefix("/inventory", e.proxy(inventoryURL, 400*time.Millisecond)))
		mux.Handle("/legacy-api/", http.StripPrefix("/legacy-api", e.proxy(closedURL, 10*time.Second)))
		return mux
	})
	return e, err
}

func (e *Edge) proxy(target string, headerTimeout time.Duration) http.Handler {
	u, _ := url.Parse(target)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = headerTimeout
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = e.Transport(tr)
	rp.ErrorLog = nil
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		span := trace.SpanFromContext(r.Context())
		span.RecordError(err)
		status := http.StatusBadGateway
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) ||
			strings.Contains(err.Error(), "timeout awaiting response headers") {
			status = http.StatusGatewayTimeout
		}
		w.WriteHeader(status)
	}
	return rp
}

// -------------------------------------------------------------------- reports

// Reports runs in a child process (the test binary re-executed with
// EDX_CHILD=reports) whose RLIMIT_NOFILE is lowered: its export opens one
// file per partition and runs out of descriptors for real.
func RunReportsChild() int {
	ctx := context.Background()
	limit, _ := strconv.Atoi(os.Getenv("EDX_NOFILE"))
	if limit > 0 {
		var rl syscall.Rlimit
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
		rl.Cur = uint64(limit)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			return 2
		}
	}
	port, _ := strconv.Atoi(os.Getenv("EDX_PORT"))
	dir := os.Getenv("EDX_DIR")
	s, err := StartService(ctx, "reports", os.Getenv("EDX_COLLECTOR"), port, func(s *Service) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
		mux.HandleFunc("GET /export", func(w http.ResponseWriter, r *http.Request) {
			parts, _ := strconv.Atoi(r.URL.Query().Get("parts"))
			var files []*os.File
			defer func() {
				for _, f := range files {
					f.Close()
				}
			}()
			for i := 0; i < parts; i++ {
				f, err := os.Create(filepath.Join(dir, fmt.Sprintf("export-part-%03d.csv", i)))
				if err != nil {
					Fail(w, r, fmt.Errorf("export: open partition %d: %w", i, err))
					return
				}
				files = append(files, f)
			}
			_, _ = fmt.Fprintf(w, "exported %d partitions\n", parts)
		})
		return mux
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "reports:", err)
		return 2
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s.Close(sctx)
	return 0
}

// -------------------------------------------------------------- notifications

// Notifications reports exceptions as log records, not span events (the
// semantic conventions' OTEL_SEMCONV_EXCEPTION_SIGNAL_OPT_IN=logs): its
// recover middleware emits an ERROR log record with exception.* attributes in
// the context of the server span, through the OTel log SDK and OTLP/HTTP.
type Notifications struct {
	*Service
	LP *sdklog.LoggerProvider
}

// StartNotifications starts the notifications service.
func StartNotifications(ctx context.Context, collector string) (*Notifications, error) {
	exp, err := otlploghttp.New(ctx, otlploghttp.WithEndpoint(collector), otlploghttp.WithInsecure())
	if err != nil {
		return nil, err
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("notifications"), semconv.ServiceVersion("1.0.0"))
	n := &Notifications{LP: sdklog.NewLoggerProvider(sdklog.WithResource(res),
		sdklog.WithProcessor(sdklog.NewBatchProcessor(exp, sdklog.WithExportInterval(250*time.Millisecond))))}
	logger := n.LP.Logger("notifications")
	_, err = StartService(ctx, "notifications", collector, 0, func(s *Service) http.Handler {
		n.Service = s
		mux := http.NewServeMux()
		// Bug: the per-recipient rate divides by the number of recipients, which may be zero.
		mux.HandleFunc("POST /digest", func(w http.ResponseWriter, r *http.Request) {
			recipients, _ := strconv.Atoi(r.URL.Query().Get("recipients"))
			perRecipient := 1000 / recipients
			_, _ = fmt.Fprintf(w, "rate %d\n", perRecipient)
		})
		return logExceptions(logger, mux)
	})
	return n, err
}

// logExceptions recovers panics and reports them as exception log records.
func logExceptions(logger otellog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			msg := fmt.Sprint(v)
			var rec otellog.Record
			rec.SetTimestamp(time.Now())
			rec.SetSeverity(otellog.SeverityError)
			rec.SetSeverityText("ERROR")
			rec.SetBody(attribute.StringValue("panic recovered: " + msg))
			rec.AddAttributes(
				attribute.String("exception.type", fmt.Sprintf("%T", v)),
				attribute.String("exception.message", msg),
				attribute.String("exception.stacktrace", string(debug.Stack())),
			)
			logger.Emit(r.Context(), rec)
			http.Error(w, "internal server error", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}
