// Command shop-chi is a blind check's Go stack on MariaDB: chi v5 under the
// riandyrn/otelchi middleware, sqlx over database/sql on go-sql-driver/mysql
// traced by XSAM/otelsql, go-redis v9 traced by redisotel, outgoing calls
// through otelhttp, settings read with sethvargo/go-envconfig, and handler
// errors logged with log/slog through the contrib otelslog bridge (OTLP
// logs). Each route of test/blind/README.md induces its fault for real;
// nothing is recorded by hand: what reaches the collector is what the
// instrumentations and the logs bridge emit.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/XSAM/otelsql"
	"github.com/go-chi/chi/v5"
	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"github.com/riandyrn/otelchi"
	"github.com/sethvargo/go-envconfig"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
)

type shop struct {
	db, refused, badAuth, single *sqlx.DB
	client, impatient            *http.Client
	logger                       *slog.Logger
}

// Settings read per request, as a handler that honours a changed environment does.
type pageSettings struct {
	PageSize int `env:"PAGE_SIZE, default=20"`
}

type paymentSettings struct {
	PaymentsURL string `env:"PAYMENTS_URL, required"`
}

type item struct {
	ID   int    `db:"id" json:"id"`
	Name string `db:"name" json:"name"`
	Qty  int    `db:"qty" json:"qty"`
}

type cart struct{ owner *customer }
type customer struct{ name string }

// open is a pool of the database at rawURL (mysql://user:password@host:port/db),
// in go-sql-driver/mysql's DSN form.
func open(rawURL string, maxOpen int) (*sqlx.DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName = u.User.Username(), "tcp", u.Host, u.Path[1:]
	cfg.Passwd, _ = u.User.Password()
	cfg.Timeout = 5 * time.Second
	db, err := otelsql.Open("mysql", cfg.FormatDSN(), otelsql.WithAttributes(semconv.DBSystemNameMySQL))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(maxOpen)
	return sqlx.NewDb(db, "mysql"), nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(200*time.Millisecond)))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	// The Go SDK reads no OTEL_LOGS_EXPORTER: honour "none" as the other SDKs do.
	lp := sdklog.NewLoggerProvider()
	if os.Getenv("OTEL_LOGS_EXPORTER") != "none" {
		lexp, err := otlploghttp.New(ctx)
		if err != nil {
			log.Fatal(err)
		}
		lp = sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(lexp, sdklog.WithExportInterval(200*time.Millisecond))))
	}
	global.SetLoggerProvider(lp)

	s := &shop{
		client:    &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 5 * time.Second},
		impatient: &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 500 * time.Millisecond},
		logger:    otelslog.NewLogger("shop-chi"),
	}
	for _, p := range []struct {
		db  **sqlx.DB
		env string
		max int
	}{{&s.db, "DATABASE_URL", 4}, {&s.refused, "DATABASE_URL_REFUSED", 4}, {&s.badAuth, "DATABASE_URL_BAD_PASSWORD", 4}, {&s.single, "DATABASE_URL", 1}} {
		if *p.db, err = open(os.Getenv(p.env), p.max); err != nil {
			log.Fatal(err)
		}
	}

	r := chi.NewRouter()
	r.Use(otelchi.Middleware(os.Getenv("OTEL_SERVICE_NAME"), otelchi.WithChiRoutes(r)))
	r.Use(s.recoverer)
	r.Get("/health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	r.Get("/items", s.items)
	r.Get("/items/{id}", s.itemByID)
	r.Get("/db/refused", func(w http.ResponseWriter, r *http.Request) { s.count(w, r, s.refused) })
	r.Get("/db/auth", func(w http.ResponseWriter, r *http.Request) { s.count(w, r, s.badAuth) })
	r.Get("/db/pool", s.poolExhausted)
	r.Get("/db/statement-timeout", func(w http.ResponseWriter, r *http.Request) {
		s.inTx(w, r, "SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)")
	})
	r.Get("/db/lock-timeout", func(w http.ResponseWriter, r *http.Request) {
		s.inTx(w, r, "SET SESSION innodb_lock_wait_timeout = 1", "UPDATE items SET qty = qty - 1 WHERE id = 1")
	})
	r.Get("/db/undefined-table", func(w http.ResponseWriter, r *http.Request) {
		var ids []int
		s.done(w, r, s.db.SelectContext(r.Context(), &ids, "SELECT id FROM orders_archive WHERE id = ?", 1))
	})
	r.Get("/db/undefined-column", func(w http.ResponseWriter, r *http.Request) {
		var its []item
		s.done(w, r, s.db.SelectContext(r.Context(), &its, "SELECT id, discount FROM items WHERE id = ?", 1))
	})
	r.Post("/db/unique", func(w http.ResponseWriter, r *http.Request) {
		_, err := s.db.NamedExecContext(r.Context(), "INSERT INTO items (id, name, qty) VALUES (:id, :name, :qty)", item{ID: 1, Name: "duplicate", Qty: 1})
		s.done(w, r, err)
	})
	r.Get("/config/int", func(w http.ResponseWriter, r *http.Request) {
		var p pageSettings
		s.done(w, r, envconfig.Process(r.Context(), &p))
	})
	r.Get("/config/missing", func(w http.ResponseWriter, r *http.Request) {
		var p paymentSettings
		s.done(w, r, envconfig.Process(r.Context(), &p))
	})
	r.Get("/null", nullDereference)
	r.Get("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	r.Get("/downstream/500", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.client, os.Getenv("DOWNSTREAM_URL")+"/null")
	})
	r.Get("/downstream/refused", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.client, os.Getenv("CLOSED_URL")+"/payments")
	})
	r.Get("/downstream/timeout", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.impatient, os.Getenv("DOWNSTREAM_URL")+"/slow")
	})
	r.Get("/bare500", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	r.Get("/cache/ping", func(w http.ResponseWriter, r *http.Request) { s.cache(w, r, os.Getenv("REDIS_URL"), "ping") })
	r.Get("/cache/refused", func(w http.ResponseWriter, r *http.Request) { s.cache(w, r, os.Getenv("REDIS_URL_REFUSED"), "get") })

	srv := &http.Server{Addr: "127.0.0.1:" + os.Getenv("PORT"), Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	_ = tp.Shutdown(sctx)
	_ = lp.Shutdown(sctx)
}

// recoverer answers a handler's panic with a 500 and logs it, as chi's own
// middleware.Recoverer does to stderr.
func (s *shop) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if rec := recover(); rec != nil {
				s.logger.ErrorContext(r.Context(), "panic recovered", "panic", rec, "route", r.URL.Path)
				w.WriteHeader(http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// done answers 200, or 500 with err logged, as a service that reports its
// 500s through its logger does.
func (s *shop) done(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.logger.ErrorContext(r.Context(), "request failed", "error", err, "route", r.URL.Path)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *shop) items(w http.ResponseWriter, r *http.Request) {
	var out []item
	s.done(w, r, s.db.SelectContext(r.Context(), &out, "SELECT id, name, qty FROM items ORDER BY id"))
}

func (s *shop) itemByID(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(chi.URLParam(r, "id"))
	if err != nil {
		http.Error(w, "id must be a number", http.StatusBadRequest)
		return
	}
	var it item
	err = s.db.GetContext(r.Context(), &it, "SELECT id, name, qty FROM items WHERE id = ?", id)
	if errors.Is(err, sql.ErrNoRows) {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	s.done(w, r, err)
}

func (s *shop) count(w http.ResponseWriter, r *http.Request, db *sqlx.DB) {
	var n int
	if err := db.GetContext(r.Context(), &n, "SELECT count(*) FROM items"); err != nil {
		s.done(w, r, fmt.Errorf("count items: %w", err))
		return
	}
	s.done(w, r, nil)
}

// poolExhausted holds the one connection of its pool and queries through
// the pool within the request's 500 ms budget.
func (s *shop) poolExhausted(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 500*time.Millisecond)
	defer cancel()
	held, err := s.single.Connx(ctx)
	if err != nil {
		s.done(w, r, err)
		return
	}
	defer held.Close()
	var one int
	if err := s.single.GetContext(ctx, &one, "SELECT 1"); err != nil {
		s.done(w, r, fmt.Errorf("query through the pool: %w", err))
		return
	}
	s.done(w, r, nil)
}

func (s *shop) inTx(w http.ResponseWriter, r *http.Request, stmts ...string) {
	ctx := r.Context()
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		s.done(w, r, err)
		return
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			s.done(w, r, err)
			return
		}
	}
	s.done(w, r, nil)
}

func findCart(string) *cart { return nil }

func nullDereference(w http.ResponseWriter, r *http.Request) {
	cart := findCart(r.URL.Query().Get("id"))
	_, _ = w.Write([]byte(cart.owner.name))
}

func (s *shop) call(w http.ResponseWriter, r *http.Request, client *http.Client, url string) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, url, nil)
	if err != nil {
		s.done(w, r, err)
		return
	}
	resp, err := client.Do(req)
	if err != nil {
		s.done(w, r, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		s.done(w, r, fmt.Errorf("GET %s: %s", url, resp.Status))
		return
	}
	s.done(w, r, nil)
}

// cache runs one command on a client of url, made per request as a
// handler with a per-tenant cache does; redisotel traces its commands.
func (s *shop) cache(w http.ResponseWriter, r *http.Request, url, cmd string) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		s.done(w, r, err)
		return
	}
	opt.MaxRetries = -1
	opt.DialTimeout = time.Second
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := redisotel.InstrumentTracing(rdb); err != nil {
		s.done(w, r, err)
		return
	}
	if cmd == "ping" {
		err = rdb.Ping(r.Context()).Err()
	} else if err = rdb.Get(r.Context(), "greeting").Err(); errors.Is(err, redis.Nil) {
		err = nil
	}
	s.done(w, r, err)
}
