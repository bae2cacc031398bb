// Command shop-httprouter is a blind check's Go stack: julienschmidt/httprouter
// (its PanicHandler answers a handler's panic) under the contrib otelhttp
// handler, database/sql on pgx v5's stdlib driver traced by XSAM/otelsql,
// outgoing calls with resty v2 over an otelhttp transport, settings read with
// ardanlabs/conf v3 (the environment, per request), and handler errors logged
// with logrus through the contrib otellogrus bridge (OTLP logs). Each route of
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

	"github.com/XSAM/otelsql"
	"github.com/ardanlabs/conf/v3"
	"github.com/go-resty/resty/v2"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/julienschmidt/httprouter"
	"github.com/sirupsen/logrus"
	"go.opentelemetry.io/contrib/bridges/otellogrus"
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
	db, refused, badAuth, single *sql.DB
	client, impatient            *resty.Client
	logger                       *logrus.Logger
}

// Settings are read per request, as a handler that honours a changed
// environment does; each handler reads the settings it needs.
type pageSettings struct {
	PageSize int `conf:"required"`
}

type paymentSettings struct {
	PaymentsURL string `conf:"required"`
}

type cart struct{ owner *customer }
type customer struct{ name string }

// open is a database/sql pool of url on pgx's stdlib driver; nothing
// connects until the first query, as a service that starts before its
// database does.
func open(url string, maxOpen int) *sql.DB {
	db, err := otelsql.Open("pgx", url+"?sslmode=disable", otelsql.WithAttributes(semconv.DBSystemNamePostgreSQL))
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(maxOpen)
	return db
}

func newClient(timeout time.Duration) *resty.Client {
	return resty.New().SetTransport(otelhttp.NewTransport(http.DefaultTransport)).SetTimeout(timeout)
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
	// logrus's JSON lines on stderr, and the OTLP bridge as a hook.
	logger := logrus.New()
	logger.SetOutput(os.Stderr)
	logger.SetFormatter(&logrus.JSONFormatter{})
	logger.AddHook(otellogrus.NewHook("shop-httprouter"))

	s := &shop{
		db:        open(os.Getenv("DATABASE_URL"), 4),
		refused:   open(os.Getenv("DATABASE_URL_REFUSED"), 4),
		badAuth:   open(os.Getenv("DATABASE_URL_BAD_PASSWORD"), 4),
		single:    open(os.Getenv("DATABASE_URL"), 1),
		client:    newClient(5 * time.Second),
		impatient: newClient(500 * time.Millisecond),
		logger:    logger,
	}

	router := httprouter.New()
	router.PanicHandler = s.panicked
	router.GET("/health", func(w http.ResponseWriter, _ *http.Request, _ httprouter.Params) { _, _ = w.Write([]byte("ok")) })
	router.GET("/items", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		rows, err := s.db.QueryContext(r.Context(), "SELECT id, name, qty FROM items ORDER BY id")
		if err == nil {
			err = rows.Close()
		}
		s.done(w, r, err)
	})
	router.GET("/items/:id", s.itemByID)
	router.GET("/db/refused", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) { s.count(w, r, s.refused) })
	router.GET("/db/auth", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) { s.count(w, r, s.badAuth) })
	router.GET("/db/pool", s.poolExhausted)
	router.GET("/db/statement-timeout", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		s.inTx(w, r, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")
	})
	router.GET("/db/lock-timeout", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		s.inTx(w, r, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")
	})
	router.GET("/db/undefined-table", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		var id int
		s.done(w, r, s.db.QueryRowContext(r.Context(), "SELECT id FROM orders_archive WHERE id = $1", 1).Scan(&id))
	})
	router.GET("/db/undefined-column", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		var id, discount int
		s.done(w, r, s.db.QueryRowContext(r.Context(), "SELECT id, discount FROM items WHERE id = $1", 1).Scan(&id, &discount))
	})
	router.POST("/db/unique", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		_, err := s.db.ExecContext(r.Context(), "INSERT INTO items (id, name, qty) VALUES ($1, $2, $3)", 1, "duplicate", 1)
		s.done(w, r, err)
	})
	router.GET("/config/int", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		var page pageSettings
		_, err := conf.Parse("", &page)
		s.done(w, r, err)
	})
	router.GET("/config/missing", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		var pay paymentSettings
		_, err := conf.Parse("", &pay)
		s.done(w, r, err)
	})
	router.GET("/template/missing", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		// templates/receipt.html is not deployed with the service.
		t, err := template.ParseFiles("templates/receipt.html")
		if err == nil {
			err = t.Execute(w, map[string]int{"total": 42})
		}
		s.done(w, r, err)
	})
	router.GET("/null", nullDereference)
	router.GET("/slow", func(_ http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	router.GET("/downstream/500", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		s.call(w, r, s.client, os.Getenv("DOWNSTREAM_URL")+"/null")
	})
	router.GET("/downstream/refused", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		s.call(w, r, s.client, os.Getenv("CLOSED_URL")+"/payments")
	})
	router.GET("/downstream/timeout", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		s.call(w, r, s.impatient, os.Getenv("DOWNSTREAM_URL")+"/slow")
	})
	router.GET("/bare500", func(w http.ResponseWriter, _ *http.Request, _ httprouter.Params) {
		w.WriteHeader(http.StatusInternalServerError)
	})

	srv := &http.Server{
		Addr:              "127.0.0.1:" + os.Getenv("PORT"),
		Handler:           otelhttp.NewHandler(router, "shop"),
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

// panicked is the router's PanicHandler: it logs the recovered value and
// answers 500.
func (s *shop) panicked(w http.ResponseWriter, r *http.Request, rec any) {
	s.logger.WithContext(r.Context()).WithFields(logrus.Fields{"panic": rec, "path": r.URL.Path}).Error("panic recovered")
	w.WriteHeader(http.StatusInternalServerError)
}

// done answers 200, or 500 with err logged, as a service that reports its
// 500s through its logger does.
func (s *shop) done(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.logger.WithContext(r.Context()).WithError(err).WithField("path", r.URL.Path).Error("request failed")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *shop) itemByID(w http.ResponseWriter, r *http.Request, ps httprouter.Params) {
	id, err := strconv.Atoi(ps.ByName("id"))
	if err != nil {
		http.Error(w, "id must be a number", http.StatusBadRequest)
		return
	}
	var name string
	var qty int
	err = s.db.QueryRowContext(r.Context(), "SELECT name, qty FROM items WHERE id = $1", id).Scan(&name, &qty)
	if errors.Is(err, sql.ErrNoRows) {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	s.done(w, r, err)
}

func (s *shop) count(w http.ResponseWriter, r *http.Request, db *sql.DB) {
	var n int
	if err := db.QueryRowContext(r.Context(), "SELECT count(*) FROM items").Scan(&n); err != nil {
		s.done(w, r, fmt.Errorf("count items: %w", err))
		return
	}
	s.done(w, r, nil)
}

// poolExhausted holds the one connection of its pool in a transaction and
// queries through the pool within the request's 500 ms budget.
func (s *shop) poolExhausted(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	ctx, cancel := context.WithTimeout(r.Context(), 500*time.Millisecond)
	defer cancel()
	held, err := s.single.BeginTx(ctx, nil)
	if err != nil {
		s.done(w, r, err)
		return
	}
	defer func() { _ = held.Rollback() }()
	var one int
	if err := s.single.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		s.done(w, r, fmt.Errorf("query through the pool: %w", err))
		return
	}
	s.done(w, r, nil)
}

func (s *shop) inTx(w http.ResponseWriter, r *http.Request, stmts ...string) {
	tx, err := s.db.BeginTx(r.Context(), nil)
	if err != nil {
		s.done(w, r, err)
		return
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range stmts {
		if _, err := tx.ExecContext(r.Context(), q); err != nil {
			s.done(w, r, err)
			return
		}
	}
	s.done(w, r, tx.Commit())
}

func findCart(string) *cart { return nil }

func nullDereference(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	cart := findCart(r.URL.Query().Get("id"))
	_, _ = w.Write([]byte(cart.owner.name))
}

func (s *shop) call(w http.ResponseWriter, r *http.Request, client *resty.Client, url string) {
	resp, err := client.R().SetContext(r.Context()).Get(url)
	if err != nil {
		s.done(w, r, err)
		return
	}
	if resp.StatusCode() >= 500 {
		s.done(w, r, fmt.Errorf("GET %s: %s", url, resp.Status()))
		return
	}
	s.done(w, r, nil)
}
