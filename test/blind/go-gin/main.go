// Command shop-gin is a blind check's Go stack: Gin under the contrib otelgin
// middleware, database/sql on lib/pq traced by XSAM/otelsql, go-redis v9
// traced by redisotel, outgoing calls through otelhttp, settings read with
// kelseyhightower/envconfig, and handler errors logged with log/slog through
// the contrib otelslog bridge (OTLP logs). Each route of test/blind/README.md
// induces its fault for real; nothing is recorded by hand: what reaches the
// collector is what the instrumentations and the logs bridge emit.
package main

import (
	"context"
	"database/sql"
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

	"github.com/XSAM/otelsql"
	"github.com/gin-gonic/gin"
	"github.com/kelseyhightower/envconfig"
	_ "github.com/lib/pq" // registers the "postgres" database/sql driver
	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
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
	client, impatient            *http.Client
	logger                       *slog.Logger
}

// Settings read per request, as a handler that honours a changed environment does.
type pageSettings struct {
	PageSize int `envconfig:"PAGE_SIZE" default:"20"`
}

type paymentSettings struct {
	PaymentsURL string `envconfig:"PAYMENTS_URL" required:"true"`
}

type item struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Qty  int    `json:"qty"`
}

type cart struct{ owner *customer }
type customer struct{ name string }

// open is a pool of url; the test database serves no TLS, which lib/pq
// requires unless told otherwise.
func open(url string, maxOpen int) (*sql.DB, error) {
	db, err := otelsql.Open("postgres", url+"?sslmode=disable", otelsql.WithAttributes(semconv.DBSystemNamePostgreSQL))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(maxOpen)
	return db, nil
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
		logger:    otelslog.NewLogger("shop-gin"),
	}
	for _, p := range []struct {
		db  **sql.DB
		env string
		max int
	}{{&s.db, "DATABASE_URL", 4}, {&s.refused, "DATABASE_URL_REFUSED", 4}, {&s.badAuth, "DATABASE_URL_BAD_PASSWORD", 4}, {&s.single, "DATABASE_URL", 1}} {
		if *p.db, err = open(os.Getenv(p.env), p.max); err != nil {
			log.Fatal(err)
		}
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(otelgin.Middleware(os.Getenv("OTEL_SERVICE_NAME")))
	r.Use(gin.CustomRecovery(func(c *gin.Context, rec any) {
		s.logger.ErrorContext(c.Request.Context(), "panic recovered", "panic", rec)
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	r.Use(s.logErrors)
	r.GET("/health", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/items", s.items)
	r.GET("/items/:id", s.itemByID)
	r.GET("/db/refused", func(c *gin.Context) { s.count(c, s.refused) })
	r.GET("/db/auth", func(c *gin.Context) { s.count(c, s.badAuth) })
	r.GET("/db/pool", s.poolExhausted)
	r.GET("/db/statement-timeout", func(c *gin.Context) {
		s.inTx(c, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")
	})
	r.GET("/db/lock-timeout", func(c *gin.Context) {
		s.inTx(c, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")
	})
	r.GET("/db/undefined-table", func(c *gin.Context) { s.exec(c, "SELECT id FROM orders_archive WHERE id = $1", 1) })
	r.GET("/db/undefined-column", func(c *gin.Context) { s.exec(c, "SELECT id, discount FROM items WHERE id = $1", 1) })
	r.POST("/db/unique", func(c *gin.Context) {
		s.exec(c, "INSERT INTO items (id, name, qty) VALUES ($1, $2, $3)", 1, "duplicate", 1)
	})
	r.GET("/config/int", pageSize)
	r.GET("/config/missing", paymentsURL)
	r.GET("/null", nullDereference)
	r.GET("/slow", func(c *gin.Context) {
		select {
		case <-time.After(2 * time.Second):
		case <-c.Request.Context().Done():
		}
		c.Status(http.StatusOK)
	})
	r.GET("/downstream/500", func(c *gin.Context) { s.call(c, s.client, os.Getenv("DOWNSTREAM_URL")+"/null") })
	r.GET("/downstream/refused", func(c *gin.Context) { s.call(c, s.client, os.Getenv("CLOSED_URL")+"/payments") })
	r.GET("/downstream/timeout", func(c *gin.Context) { s.call(c, s.impatient, os.Getenv("DOWNSTREAM_URL")+"/slow") })
	r.GET("/bare500", func(c *gin.Context) { c.Status(http.StatusInternalServerError) })
	r.GET("/cache/ping", func(c *gin.Context) { s.cache(c, os.Getenv("REDIS_URL"), "ping") })
	r.GET("/cache/refused", func(c *gin.Context) { s.cache(c, os.Getenv("REDIS_URL_REFUSED"), "get") })

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

// logErrors logs the errors a handler attached (c.Error), as a service that
// reports its 500s through its logger does.
func (s *shop) logErrors(c *gin.Context) {
	c.Next()
	for _, e := range c.Errors {
		s.logger.ErrorContext(c.Request.Context(), "request failed", "error", e.Err, "route", c.FullPath())
	}
}

func fail(c *gin.Context, err error) { _ = c.AbortWithError(http.StatusInternalServerError, err) }

func (s *shop) items(c *gin.Context) {
	rows, err := s.db.QueryContext(c.Request.Context(), "SELECT id, name, qty FROM items ORDER BY id")
	if err != nil {
		fail(c, err)
		return
	}
	defer rows.Close()
	var out []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.ID, &it.Name, &it.Qty); err != nil {
			fail(c, err)
			return
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *shop) itemByID(c *gin.Context) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "id must be a number"})
		return
	}
	var it item
	err = s.db.QueryRowContext(c.Request.Context(), "SELECT id, name, qty FROM items WHERE id = $1", id).Scan(&it.ID, &it.Name, &it.Qty)
	if errors.Is(err, sql.ErrNoRows) {
		c.JSON(http.StatusNotFound, gin.H{"error": "no such item"})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, it)
}

func (s *shop) count(c *gin.Context, db *sql.DB) {
	var n int
	if err := db.QueryRowContext(c.Request.Context(), "SELECT count(*) FROM items").Scan(&n); err != nil {
		fail(c, fmt.Errorf("count items: %w", err))
		return
	}
	c.JSON(http.StatusOK, n)
}

// poolExhausted holds the one connection of its pool and queries through
// the pool within the request's 500 ms budget.
func (s *shop) poolExhausted(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 500*time.Millisecond)
	defer cancel()
	held, err := s.single.Conn(ctx)
	if err != nil {
		fail(c, err)
		return
	}
	defer held.Close()
	var one int
	if err := s.single.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		fail(c, fmt.Errorf("query through the pool: %w", err))
		return
	}
	c.Status(http.StatusOK)
}

func (s *shop) inTx(c *gin.Context, stmts ...string) {
	ctx := c.Request.Context()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		fail(c, err)
		return
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			fail(c, err)
			return
		}
	}
	c.Status(http.StatusOK)
}

func (s *shop) exec(c *gin.Context, q string, args ...any) {
	if _, err := s.db.ExecContext(c.Request.Context(), q, args...); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

func pageSize(c *gin.Context) {
	var p pageSettings
	if err := envconfig.Process("", &p); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p.PageSize)
}

func paymentsURL(c *gin.Context) {
	var p paymentSettings
	if err := envconfig.Process("", &p); err != nil {
		fail(c, err)
		return
	}
	c.String(http.StatusOK, p.PaymentsURL)
}

func findCart(string) *cart { return nil }

func nullDereference(c *gin.Context) {
	cart := findCart(c.Query("id"))
	c.String(http.StatusOK, cart.owner.name)
}

func (s *shop) call(c *gin.Context, client *http.Client, url string) {
	req, err := http.NewRequestWithContext(c.Request.Context(), http.MethodGet, url, nil)
	if err != nil {
		fail(c, err)
		return
	}
	resp, err := client.Do(req)
	if err != nil {
		fail(c, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		fail(c, fmt.Errorf("GET %s: %s", url, resp.Status))
		return
	}
	c.Status(http.StatusOK)
}

// cache runs one command on a client of url, made per request as a
// handler with a per-tenant cache does; redisotel traces its commands.
func (s *shop) cache(c *gin.Context, url, cmd string) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		fail(c, err)
		return
	}
	opt.MaxRetries = -1
	opt.DialTimeout = time.Second
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := redisotel.InstrumentTracing(rdb); err != nil {
		fail(c, err)
		return
	}
	var res string
	if cmd == "ping" {
		res, err = rdb.Ping(c.Request.Context()).Result()
	} else {
		res, err = rdb.Get(c.Request.Context(), "greeting").Result()
		if errors.Is(err, redis.Nil) {
			res, err = "", nil
		}
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.String(http.StatusOK, res)
}
