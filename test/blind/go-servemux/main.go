// Command shop-servemux is a blind check's Go stack: the standard library's
// net/http ServeMux with Go 1.22 method and wildcard patterns under the
// contrib otelhttp handler, the Bun ORM on its own PostgreSQL driver
// (pgdriver, database/sql's pool) traced by bunotel, go-redis v9 traced by
// redisotel, outgoing calls through otelhttp, settings read with viper (the
// environment, unmarshalled into a struct), and handler errors logged with zap
// through the contrib otelzap bridge (OTLP logs). Each route of
// test/blind/README.md induces its fault for real; nothing is recorded by
// hand: what reaches the collector is what the instrumentations and the logs
// bridge emit.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/viper"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/extra/bunotel"
	"go.opentelemetry.io/contrib/bridges/otelzap"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

type shop struct {
	db, refused, badAuth, single *bun.DB
	client, impatient            *http.Client
	logger                       *zap.Logger
}

// Item is a row of items.
type Item struct {
	bun.BaseModel `bun:"table:items"`
	ID            int `bun:"id,pk"`
	Name          string
	Qty           int
}

// Settings are read per request, as a handler that honours a changed
// environment does; each handler reads the settings it needs.
type pageSettings struct {
	PageSize int `mapstructure:"page_size"`
}

type paymentSettings struct {
	PaymentsURL string `mapstructure:"payments_url"`
}

type cart struct{ owner *customer }
type customer struct{ name string }

// open is a Bun database on a pgdriver pool of url; nothing connects until
// the first query, as a service that starts before its database does.
func open(url string, maxOpen int) *bun.DB {
	sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(url + "?sslmode=disable")))
	sqldb.SetMaxOpenConns(maxOpen)
	db := bun.NewDB(sqldb, pgdialect.New())
	db.AddQueryHook(bunotel.NewQueryHook(bunotel.WithDBName("shop")))
	return db
}

// loadSettings reads the environment variables of keys (upper-cased)
// through viper into out.
func loadSettings(out any, keys ...string) error {
	v := viper.New()
	v.AutomaticEnv()
	for _, key := range keys {
		if err := v.BindEnv(key); err != nil {
			return err
		}
	}
	return v.Unmarshal(out)
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
	// zap's production encoder on stderr and the OTLP bridge side by side;
	// errors carry zap's stack trace, as zap.NewProduction's do.
	stderr := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.Lock(os.Stderr), zapcore.InfoLevel)
	logger := zap.New(zapcore.NewTee(stderr, otelzap.NewCore("shop-servemux")), zap.AddCaller(), zap.AddStacktrace(zapcore.ErrorLevel))
	defer func() { _ = logger.Sync() }()

	s := &shop{
		db:        open(os.Getenv("DATABASE_URL"), 4),
		refused:   open(os.Getenv("DATABASE_URL_REFUSED"), 4),
		badAuth:   open(os.Getenv("DATABASE_URL_BAD_PASSWORD"), 4),
		single:    open(os.Getenv("DATABASE_URL"), 1),
		client:    &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 5 * time.Second},
		impatient: &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 500 * time.Millisecond},
		logger:    logger,
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		var items []Item
		s.done(w, r, s.db.NewSelect().Model(&items).Order("id").Scan(r.Context()))
	})
	mux.HandleFunc("GET /items/{id}", s.itemByID)
	mux.HandleFunc("GET /db/refused", func(w http.ResponseWriter, r *http.Request) { s.count(w, r, s.refused) })
	mux.HandleFunc("GET /db/auth", func(w http.ResponseWriter, r *http.Request) { s.count(w, r, s.badAuth) })
	mux.HandleFunc("GET /db/pool", s.poolExhausted)
	mux.HandleFunc("GET /db/statement-timeout", func(w http.ResponseWriter, r *http.Request) {
		s.inTx(w, r, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")
	})
	mux.HandleFunc("GET /db/lock-timeout", func(w http.ResponseWriter, r *http.Request) {
		s.inTx(w, r, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")
	})
	mux.HandleFunc("GET /db/undefined-table", func(w http.ResponseWriter, r *http.Request) {
		var ids []int
		s.done(w, r, s.db.NewRaw("SELECT id FROM orders_archive WHERE id = ?", 1).Scan(r.Context(), &ids))
	})
	mux.HandleFunc("GET /db/undefined-column", func(w http.ResponseWriter, r *http.Request) {
		var items []Item
		s.done(w, r, s.db.NewSelect().Model(&items).Column("id").ColumnExpr("discount").Where("id = ?", 1).Scan(r.Context()))
	})
	mux.HandleFunc("POST /db/unique", func(w http.ResponseWriter, r *http.Request) {
		_, err := s.db.NewInsert().Model(&Item{ID: 1, Name: "duplicate", Qty: 1}).Exec(r.Context())
		s.done(w, r, err)
	})
	mux.HandleFunc("GET /config/int", func(w http.ResponseWriter, r *http.Request) {
		var page pageSettings
		s.done(w, r, loadSettings(&page, "page_size"))
	})
	mux.HandleFunc("GET /config/missing", func(w http.ResponseWriter, r *http.Request) {
		var pay paymentSettings
		err := loadSettings(&pay, "payments_url")
		if err == nil && pay.PaymentsURL == "" {
			err = errors.New("config: payments_url (PAYMENTS_URL) is required")
		}
		s.done(w, r, err)
	})
	mux.HandleFunc("GET /template/missing", func(w http.ResponseWriter, r *http.Request) {
		// templates/receipt.html is not deployed with the service.
		t, err := template.ParseFiles("templates/receipt.html")
		if err == nil {
			err = t.Execute(w, map[string]int{"total": 42})
		}
		s.done(w, r, err)
	})
	mux.HandleFunc("GET /null", nullDereference)
	mux.HandleFunc("GET /slow", func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("GET /downstream/500", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.client, os.Getenv("DOWNSTREAM_URL")+"/null")
	})
	mux.HandleFunc("GET /downstream/refused", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.client, os.Getenv("CLOSED_URL")+"/payments")
	})
	mux.HandleFunc("GET /downstream/timeout", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.impatient, os.Getenv("DOWNSTREAM_URL")+"/slow")
	})
	mux.HandleFunc("GET /bare500", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	mux.HandleFunc("GET /cache/ping", func(w http.ResponseWriter, r *http.Request) { s.cache(w, r, os.Getenv("REDIS_URL"), "ping") })
	mux.HandleFunc("GET /cache/refused", func(w http.ResponseWriter, r *http.Request) {
		s.cache(w, r, os.Getenv("REDIS_URL_REFUSED"), "get")
	})

	srv := &http.Server{
		Addr:              "127.0.0.1:" + os.Getenv("PORT"),
		Handler:           otelhttp.NewHandler(s.recoverer(mux), "shop"),
		ReadHeaderTimeout: 5 * time.Second,
	}
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

// recoverer answers a handler's panic with a 500 and logs it: net/http's own
// recovery would only close the connection.
func (s *shop) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if rec := recover(); rec != nil {
				s.logger.Error("panic recovered", zap.Any("panic", rec), zap.String("path", r.URL.Path), zap.Any("context", r.Context()))
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
		s.logger.Error("request failed", zap.Error(err), zap.String("path", r.URL.Path), zap.Any("context", r.Context()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *shop) itemByID(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		http.Error(w, "id must be a number", http.StatusBadRequest)
		return
	}
	var it Item
	err = s.db.NewSelect().Model(&it).Where("id = ?", id).Scan(r.Context())
	if errors.Is(err, sql.ErrNoRows) {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	s.done(w, r, err)
}

func (s *shop) count(w http.ResponseWriter, r *http.Request, db *bun.DB) {
	if _, err := db.NewSelect().Model((*Item)(nil)).Count(r.Context()); err != nil {
		s.done(w, r, fmt.Errorf("count items: %w", err))
		return
	}
	s.done(w, r, nil)
}

// poolExhausted holds the one connection of its pool in a transaction and
// queries through the pool within the request's 500 ms budget.
func (s *shop) poolExhausted(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 500*time.Millisecond)
	defer cancel()
	held, err := s.single.BeginTx(ctx, nil)
	if err != nil {
		s.done(w, r, err)
		return
	}
	defer func() { _ = held.Rollback() }()
	var one int
	if err := s.single.NewRaw("SELECT 1").Scan(ctx, &one); err != nil {
		s.done(w, r, fmt.Errorf("query through the pool: %w", err))
		return
	}
	s.done(w, r, nil)
}

func (s *shop) inTx(w http.ResponseWriter, r *http.Request, stmts ...string) {
	s.done(w, r, s.db.RunInTx(r.Context(), nil, func(ctx context.Context, tx bun.Tx) error {
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}))
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
