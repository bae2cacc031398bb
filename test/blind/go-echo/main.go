// Command shop-echo is the blind check's Go stack: Echo v4 under the
// contrib otelecho middleware, pgxpool traced by otelpgx, outgoing calls
// through otelhttp, settings read with caarlos0/env, and the errors Echo
// answers with a 5xx logged with log/slog through the contrib otelslog
// bridge (OTLP logs). Each route of
// test/blind/README.md induces its fault for real; nothing is recorded by
// hand: what reaches the collector is what the instrumentations emit.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/contrib/instrumentation/github.com/labstack/echo/otelecho"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

type shop struct {
	db, refused, badAuth, single *pgxpool.Pool
	client                       *http.Client
}

// Settings read per request, as a handler that honours a changed environment does.
type pageSettings struct {
	PageSize int `env:"PAGE_SIZE" envDefault:"20"`
}

type paymentSettings struct {
	PaymentsURL string `env:"PAYMENTS_URL,required"`
}

type item struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Qty  int    `json:"qty"`
}

type cart struct{ owner *customer }
type customer struct{ name string }

func newPool(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = maxConns
	cfg.ConnConfig.ConnectTimeout = 2 * time.Second
	cfg.ConnConfig.Tracer = otelpgx.NewTracer()
	return pgxpool.NewWithConfig(ctx, cfg)
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
	logger := otelslog.NewLogger("shop-echo")

	s := &shop{client: &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 5 * time.Second}}
	for _, p := range []struct {
		pool *(*pgxpool.Pool)
		env  string
		max  int32
	}{{&s.db, "DATABASE_URL", 4}, {&s.refused, "DATABASE_URL_REFUSED", 4}, {&s.badAuth, "DATABASE_URL_BAD_PASSWORD", 4}, {&s.single, "DATABASE_URL", 1}} {
		if *p.pool, err = newPool(ctx, os.Getenv(p.env), p.max); err != nil {
			log.Fatal(err)
		}
	}

	e := echo.New()
	e.HideBanner = true
	// Every error Echo answers (a handler's, and a panic that Recover turns
	// into one) is logged before Echo's own answer.
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		var he *echo.HTTPError
		if !errors.As(err, &he) || he.Code >= http.StatusInternalServerError {
			logger.ErrorContext(c.Request().Context(), "request failed", "error", err, "route", c.Path())
		}
		e.DefaultHTTPErrorHandler(err, c)
	}
	e.Use(otelecho.Middleware(os.Getenv("OTEL_SERVICE_NAME")))
	e.Use(middleware.Recover())
	e.GET("/health", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/items", s.items)
	e.GET("/items/:id", s.itemByID)
	e.GET("/db/refused", func(c echo.Context) error { return s.count(c, s.refused) })
	e.GET("/db/auth", func(c echo.Context) error { return s.count(c, s.badAuth) })
	e.GET("/db/pool", s.poolExhausted)
	e.GET("/db/statement-timeout", s.statementTimeout)
	e.GET("/db/lock-timeout", s.lockTimeout)
	e.GET("/db/undefined-table", s.undefinedTable)
	e.GET("/db/undefined-column", s.undefinedColumn)
	e.POST("/db/unique", s.unique)
	e.GET("/config/int", pageSize)
	e.GET("/config/missing", paymentsURL)
	e.GET("/null", nullDereference)
	e.GET("/downstream/500", func(c echo.Context) error { return s.call(c, os.Getenv("DOWNSTREAM_URL")+"/null") })
	e.GET("/downstream/refused", func(c echo.Context) error { return s.call(c, os.Getenv("CLOSED_URL")+"/payments") })
	e.GET("/bare500", func(c echo.Context) error { return c.NoContent(http.StatusInternalServerError) })

	go func() {
		if err := e.Start("127.0.0.1:" + os.Getenv("PORT")); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = e.Shutdown(sctx)
	_ = tp.Shutdown(sctx)
	_ = lp.Shutdown(sctx)
}

func (s *shop) items(c echo.Context) error {
	rows, err := s.db.Query(c.Request().Context(), "SELECT id, name, qty FROM items ORDER BY id")
	if err != nil {
		return err
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[item])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *shop) itemByID(c echo.Context) error {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "id must be a number")
	}
	var it item
	err = s.db.QueryRow(c.Request().Context(), "SELECT id, name, qty FROM items WHERE id = $1", id).Scan(&it.ID, &it.Name, &it.Qty)
	if errors.Is(err, pgx.ErrNoRows) {
		return echo.NewHTTPError(http.StatusNotFound, "no such item")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (s *shop) count(c echo.Context, pool *pgxpool.Pool) error {
	var n int
	if err := pool.QueryRow(c.Request().Context(), "SELECT count(*) FROM items").Scan(&n); err != nil {
		return fmt.Errorf("count items: %w", err)
	}
	return c.JSON(http.StatusOK, n)
}

// poolExhausted holds the one connection of its pool and borrows another
// within the request's 500 ms budget.
func (s *shop) poolExhausted(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 500*time.Millisecond)
	defer cancel()
	held, err := s.single.Acquire(ctx)
	if err != nil {
		return err
	}
	defer held.Release()
	second, err := s.single.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire connection: %w", err)
	}
	defer second.Release()
	return c.NoContent(http.StatusOK)
}

func (s *shop) inTx(c echo.Context, sql ...string) error {
	ctx := c.Request().Context()
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	for _, q := range sql {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return c.NoContent(http.StatusOK)
}

func (s *shop) statementTimeout(c echo.Context) error {
	return s.inTx(c, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")
}

func (s *shop) lockTimeout(c echo.Context) error {
	return s.inTx(c, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")
}

func (s *shop) undefinedTable(c echo.Context) error {
	_, err := s.db.Exec(c.Request().Context(), "SELECT id FROM orders_archive WHERE id = $1", 1)
	return err
}

func (s *shop) undefinedColumn(c echo.Context) error {
	_, err := s.db.Exec(c.Request().Context(), "SELECT id, discount FROM items WHERE id = $1", 1)
	return err
}

func (s *shop) unique(c echo.Context) error {
	_, err := s.db.Exec(c.Request().Context(), "INSERT INTO items (id, name, qty) VALUES ($1, $2, $3)", 1, "duplicate", 1)
	return err
}

func pageSize(c echo.Context) error {
	var p pageSettings
	if err := env.Parse(&p); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p.PageSize)
}

func paymentsURL(c echo.Context) error {
	var p paymentSettings
	if err := env.Parse(&p); err != nil {
		return err
	}
	return c.String(http.StatusOK, p.PaymentsURL)
}

func findCart(string) *cart { return nil }

func nullDereference(c echo.Context) error {
	cart := findCart(c.QueryParam("id"))
	return c.String(http.StatusOK, cart.owner.name)
}

func (s *shop) call(c echo.Context, url string) error {
	req, err := http.NewRequestWithContext(c.Request().Context(), http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return c.NoContent(http.StatusOK)
}
