// Command shop-mux is a blind check's Go stack: gorilla/mux under the contrib
// otelmux middleware, GORM on PostgreSQL (gorm.io/driver/postgres, pgx's
// database/sql driver and pool) traced by GORM's own OpenTelemetry plugin,
// go-redis v9 traced by redisotel, outgoing calls through otelhttp, settings
// read with koanf (its environment provider), and handler errors logged with
// log/slog through the contrib otelslog bridge (OTLP logs). Each route of
// test/blind/README.md induces its fault for real; nothing is recorded by
// hand: what reaches the collector is what the instrumentations and the logs
// bridge emit.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gorilla/mux"
	"github.com/knadh/koanf/providers/env"
	"github.com/knadh/koanf/v2"
	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gorilla/mux/otelmux"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/opentelemetry/tracing"
)

type shop struct {
	db, refused, badAuth, single *gorm.DB
	client, impatient            *http.Client
	logger                       *slog.Logger
}

// Item is a row of items (GORM's table name for it).
type Item struct {
	ID   int `gorm:"primaryKey"`
	Name string
	Qty  int
}

// Settings read per request, as a handler that honours a changed environment does.
type pageSettings struct {
	PageSize int `koanf:"PAGE_SIZE"`
}

type cart struct{ owner *customer }
type customer struct{ name string }

// open is a GORM pool of the database at url; the pools of a database that is
// down or refuses the password are opened without GORM's ping, as a service
// that starts before its database does.
func open(url string, maxOpen int) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{DisableAutomaticPing: true})
	if err != nil {
		return nil, err
	}
	if err := db.Use(tracing.NewPlugin()); err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	return db, nil
}

// settings loads the environment into koanf, per request.
func settings() (*koanf.Koanf, error) {
	k := koanf.New(".")
	return k, k.Load(env.Provider("", ".", nil), nil)
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
		logger:    otelslog.NewLogger("shop-mux"),
	}
	for _, p := range []struct {
		db  **gorm.DB
		env string
		max int
	}{{&s.db, "DATABASE_URL", 4}, {&s.refused, "DATABASE_URL_REFUSED", 4}, {&s.badAuth, "DATABASE_URL_BAD_PASSWORD", 4}, {&s.single, "DATABASE_URL", 1}} {
		if *p.db, err = open(os.Getenv(p.env), p.max); err != nil {
			log.Fatal(err)
		}
	}

	r := mux.NewRouter()
	r.Use(otelmux.Middleware(os.Getenv("OTEL_SERVICE_NAME")))
	r.Use(s.recoverer)
	get := func(path string, h http.HandlerFunc) { r.HandleFunc(path, h).Methods(http.MethodGet) }
	get("/health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	get("/items", func(w http.ResponseWriter, r *http.Request) {
		var items []Item
		s.done(w, r, s.db.WithContext(r.Context()).Order("id").Find(&items).Error)
	})
	get("/items/{id}", s.itemByID)
	get("/db/refused", func(w http.ResponseWriter, r *http.Request) { s.count(w, r, s.refused) })
	get("/db/auth", func(w http.ResponseWriter, r *http.Request) { s.count(w, r, s.badAuth) })
	get("/db/pool", s.poolExhausted)
	get("/db/statement-timeout", func(w http.ResponseWriter, r *http.Request) {
		s.inTx(w, r, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")
	})
	get("/db/lock-timeout", func(w http.ResponseWriter, r *http.Request) {
		s.inTx(w, r, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")
	})
	get("/db/undefined-table", func(w http.ResponseWriter, r *http.Request) {
		var ids []int
		s.done(w, r, s.db.WithContext(r.Context()).Raw("SELECT id FROM orders_archive WHERE id = ?", 1).Scan(&ids).Error)
	})
	get("/db/undefined-column", func(w http.ResponseWriter, r *http.Request) {
		var items []Item
		s.done(w, r, s.db.WithContext(r.Context()).Model(&Item{}).Select("id, discount").Where("id = ?", 1).Scan(&items).Error)
	})
	r.HandleFunc("/db/unique", func(w http.ResponseWriter, r *http.Request) {
		s.done(w, r, s.db.WithContext(r.Context()).Create(&Item{ID: 1, Name: "duplicate", Qty: 1}).Error)
	}).Methods(http.MethodPost)
	get("/config/int", func(w http.ResponseWriter, r *http.Request) {
		var p pageSettings
		k, err := settings()
		if err == nil {
			err = k.Unmarshal("", &p)
		}
		s.done(w, r, err)
	})
	get("/config/missing", func(w http.ResponseWriter, r *http.Request) {
		k, err := settings()
		if err == nil {
			// koanf's Must* accessors panic when the key is unset.
			_, _ = w.Write([]byte(k.MustString("PAYMENTS_URL")))
			return
		}
		s.done(w, r, err)
	})
	get("/null", nullDereference)
	get("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	get("/downstream/500", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.client, os.Getenv("DOWNSTREAM_URL")+"/null")
	})
	get("/downstream/refused", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.client, os.Getenv("CLOSED_URL")+"/payments")
	})
	get("/downstream/timeout", func(w http.ResponseWriter, r *http.Request) {
		s.call(w, r, s.impatient, os.Getenv("DOWNSTREAM_URL")+"/slow")
	})
	get("/bare500", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	get("/cache/ping", func(w http.ResponseWriter, r *http.Request) { s.cache(w, r, os.Getenv("REDIS_URL"), "ping") })
	get("/cache/refused", func(w http.ResponseWriter, r *http.Request) { s.cache(w, r, os.Getenv("REDIS_URL_REFUSED"), "get") })

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

// recoverer answers a handler's panic with a 500 and logs it, as
// gorilla/handlers' RecoveryHandler does to its logger.
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

func (s *shop) itemByID(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(mux.Vars(r)["id"])
	if err != nil {
		http.Error(w, "id must be a number", http.StatusBadRequest)
		return
	}
	var it Item
	err = s.db.WithContext(r.Context()).First(&it, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	s.done(w, r, err)
}

func (s *shop) count(w http.ResponseWriter, r *http.Request, db *gorm.DB) {
	var n int64
	if err := db.WithContext(r.Context()).Model(&Item{}).Count(&n).Error; err != nil {
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
	held := s.single.WithContext(ctx).Begin()
	if held.Error != nil {
		s.done(w, r, held.Error)
		return
	}
	defer held.Rollback()
	var one int
	if err := s.single.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil {
		s.done(w, r, fmt.Errorf("query through the pool: %w", err))
		return
	}
	s.done(w, r, nil)
}

func (s *shop) inTx(w http.ResponseWriter, r *http.Request, stmts ...string) {
	s.done(w, r, s.db.WithContext(r.Context()).Transaction(func(tx *gorm.DB) error {
		for _, q := range stmts {
			if err := tx.Exec(q).Error; err != nil {
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
