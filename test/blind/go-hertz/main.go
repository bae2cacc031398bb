// Command shop-hertz is a blind check's Go stack: CloudWeGo Hertz (its
// netpoll server, Default's recovery middleware, its own HTTP client) under
// the hertz-contrib obs-opentelemetry tracer and middlewares (server and
// client spans), Masterminds/squirrel building the queries for database/sql on
// pgx v5's stdlib driver through XSAM/otelsql, settings from the environment
// over a shop.env of defaults loaded with godotenv, and handler errors logged
// with Hertz's hlog (to stderr: the obs-opentelemetry logging modules are not
// served by this machine's module proxy, so no OTLP logs). Each route of
// test/blind/README.md induces its fault for real; nothing is recorded by
// hand.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	sq "github.com/Masterminds/squirrel"
	"github.com/XSAM/otelsql"
	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/client"
	"github.com/cloudwego/hertz/pkg/app/server"
	"github.com/cloudwego/hertz/pkg/common/hlog"
	"github.com/cloudwego/hertz/pkg/protocol"
	"github.com/cloudwego/hertz/pkg/protocol/consts"
	hertztracing "github.com/hertz-contrib/obs-opentelemetry/tracing"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/joho/godotenv"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

var psql = sq.StatementBuilder.PlaceholderFormat(sq.Dollar)

type shop struct {
	db, refused, badAuth, single *sql.DB
	client                       *client.Client
}

type cart struct{ owner *customer }
type customer struct{ name string }

// open is a database/sql pool of url under otelsql; nothing connects until
// the first query.
func open(url string, maxOpen int) *sql.DB {
	db, err := otelsql.Open("pgx", url, otelsql.WithAttributes(semconv.DBSystemPostgreSQL))
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(maxOpen)
	return db
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

	dir := filepath.Dir(os.Args[0])
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	// Defaults under the environment: godotenv.Load never overrides a set variable.
	if err := godotenv.Load(filepath.Join(dir, "shop.env")); err != nil {
		log.Fatal(err)
	}

	hc, err := client.NewClient(client.WithDialTimeout(2 * time.Second))
	if err != nil {
		log.Fatal(err)
	}
	hc.Use(hertztracing.ClientMiddleware())
	s := &shop{
		db:      open(os.Getenv("DATABASE_URL"), 4),
		refused: open(os.Getenv("DATABASE_URL_REFUSED"), 4),
		badAuth: open(os.Getenv("DATABASE_URL_BAD_PASSWORD"), 4),
		single:  open(os.Getenv("DATABASE_URL"), 1),
		client:  hc,
	}

	tracer, cfg := hertztracing.NewServerTracer()
	h := server.Default(server.WithHostPorts("127.0.0.1:"+os.Getenv("PORT")), server.WithExitWaitTime(time.Second), tracer)
	h.Use(hertztracing.ServerMiddleware(cfg), logErrors)
	// The templates deployed with the service; receipt.html is not among them.
	h.LoadHTMLFiles(filepath.Join(dir, "templates", "index.html"))

	h.GET("/health", func(_ context.Context, c *app.RequestContext) { c.String(consts.StatusOK, "ok") })
	h.GET("/items", s.items)
	h.GET("/items/:id", s.itemByID)
	h.GET("/db/refused", func(ctx context.Context, c *app.RequestContext) { s.count(ctx, c, s.refused) })
	h.GET("/db/auth", func(ctx context.Context, c *app.RequestContext) { s.count(ctx, c, s.badAuth) })
	h.GET("/db/pool", s.poolExhausted)
	h.GET("/db/statement-timeout", func(ctx context.Context, c *app.RequestContext) {
		s.inTx(ctx, c, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")
	})
	h.GET("/db/lock-timeout", func(ctx context.Context, c *app.RequestContext) {
		s.inTx(ctx, c, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")
	})
	h.GET("/db/undefined-table", func(ctx context.Context, c *app.RequestContext) {
		s.rows(ctx, c, psql.Select("id").From("orders_archive").Where(sq.Eq{"id": 1}))
	})
	h.GET("/db/undefined-column", func(ctx context.Context, c *app.RequestContext) {
		s.rows(ctx, c, psql.Select("id", "discount").From("items").Where(sq.Eq{"id": 1}))
	})
	h.POST("/db/unique", func(ctx context.Context, c *app.RequestContext) {
		q := psql.Insert("items").Columns("id", "name", "qty").Values(1, "duplicate", 1)
		if _, err := q.RunWith(s.db).ExecContext(ctx); err != nil {
			fail(c, err)
			return
		}
		c.Status(consts.StatusCreated)
	})
	// Settings are read per request, as a handler that honours a changed
	// environment does.
	h.GET("/config/int", func(_ context.Context, c *app.RequestContext) {
		n, err := strconv.Atoi(os.Getenv("PAGE_SIZE"))
		if err != nil {
			fail(c, fmt.Errorf("PAGE_SIZE: %w", err))
			return
		}
		c.JSON(consts.StatusOK, map[string]int{"page_size": n})
	})
	h.GET("/config/missing", func(_ context.Context, c *app.RequestContext) {
		url := os.Getenv("PAYMENTS_URL")
		if url == "" {
			fail(c, errors.New("PAYMENTS_URL is not set"))
			return
		}
		c.JSON(consts.StatusOK, map[string]string{"payments": url})
	})
	// c.HTML panics when the template does not render; Default's recovery
	// logs the panic and answers 500.
	h.GET("/template/missing", func(_ context.Context, c *app.RequestContext) {
		c.HTML(consts.StatusOK, "receipt.html", map[string]string{"order": "1"})
	})
	h.GET("/null", nullDereference)
	h.GET("/slow", func(_ context.Context, c *app.RequestContext) {
		time.Sleep(2 * time.Second)
		c.String(consts.StatusOK, "slow")
	})
	h.GET("/downstream/500", func(ctx context.Context, c *app.RequestContext) {
		s.call(ctx, c, os.Getenv("DOWNSTREAM_URL")+"/null", 5*time.Second)
	})
	h.GET("/downstream/refused", func(ctx context.Context, c *app.RequestContext) {
		s.call(ctx, c, os.Getenv("CLOSED_URL")+"/payments", 5*time.Second)
	})
	h.GET("/downstream/timeout", func(ctx context.Context, c *app.RequestContext) {
		s.call(ctx, c, os.Getenv("DOWNSTREAM_URL")+"/slow", 500*time.Millisecond)
	})
	h.GET("/bare500", func(_ context.Context, c *app.RequestContext) { c.Status(consts.StatusInternalServerError) })

	go h.Spin()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.Shutdown(sctx)
	_ = tp.Shutdown(sctx)
}

// fail answers 500 with err kept in the context's errors for logErrors.
func fail(c *app.RequestContext, err error) {
	_ = c.AbortWithError(consts.StatusInternalServerError, err)
	c.String(consts.StatusInternalServerError, err.Error())
}

// logErrors logs the errors a handler left in its context, as a service that
// reports its 500s does.
func logErrors(ctx context.Context, c *app.RequestContext) {
	c.Next(ctx)
	if err := c.Errors.Last(); err != nil {
		hlog.CtxErrorf(ctx, "%s %s failed: %v", c.Method(), c.Path(), err.Err)
	}
}

func (s *shop) items(ctx context.Context, c *app.RequestContext) {
	s.rows(ctx, c, psql.Select("id", "name", "qty").From("items").OrderBy("id"))
}

func (s *shop) rows(ctx context.Context, c *app.RequestContext, q sq.SelectBuilder) {
	rows, err := q.RunWith(s.db).QueryContext(ctx)
	if err != nil {
		fail(c, err)
		return
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		fail(c, err)
		return
	}
	c.JSON(consts.StatusOK, map[string]int{"rows": n})
}

func (s *shop) itemByID(ctx context.Context, c *app.RequestContext) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil {
		c.String(consts.StatusBadRequest, "id must be a number")
		return
	}
	var name string
	var qty int
	err = psql.Select("name", "qty").From("items").Where(sq.Eq{"id": id}).RunWith(s.db).QueryRowContext(ctx).Scan(&name, &qty)
	if errors.Is(err, sql.ErrNoRows) {
		c.String(consts.StatusNotFound, "no such item")
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(consts.StatusOK, map[string]any{"id": id, "name": name, "qty": qty})
}

func (s *shop) count(ctx context.Context, c *app.RequestContext, db *sql.DB) {
	var n int
	if err := psql.Select("count(*)").From("items").RunWith(db).QueryRowContext(ctx).Scan(&n); err != nil {
		fail(c, fmt.Errorf("count items: %w", err))
		return
	}
	c.JSON(consts.StatusOK, n)
}

// poolExhausted holds the one connection of its pool in a transaction and
// queries through the pool with 500 ms to get a connection.
func (s *shop) poolExhausted(ctx context.Context, c *app.RequestContext) {
	held, err := s.single.BeginTx(ctx, nil)
	if err != nil {
		fail(c, err)
		return
	}
	defer func() { _ = held.Rollback() }()
	if _, err := held.ExecContext(ctx, "SELECT 1"); err != nil {
		fail(c, err)
		return
	}
	qctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	var qty int
	if err := psql.Select("qty").From("items").Where(sq.Eq{"id": 1}).RunWith(s.single).QueryRowContext(qctx).Scan(&qty); err != nil {
		fail(c, fmt.Errorf("query through the pool: %w", err))
		return
	}
	c.JSON(consts.StatusOK, qty)
}

func (s *shop) inTx(ctx context.Context, c *app.RequestContext, stmts ...string) {
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
	c.JSON(consts.StatusOK, map[string]bool{"ok": true})
}

func findCart(string) *cart { return nil }

func nullDereference(_ context.Context, c *app.RequestContext) {
	cart := findCart(c.Query("id"))
	c.String(consts.StatusOK, cart.owner.name)
}

func (s *shop) call(ctx context.Context, c *app.RequestContext, url string, timeout time.Duration) {
	req, resp := protocol.AcquireRequest(), protocol.AcquireResponse()
	defer protocol.ReleaseRequest(req)
	defer protocol.ReleaseResponse(resp)
	req.SetRequestURI(url)
	req.SetMethod(consts.MethodGet)
	if err := s.client.DoTimeout(ctx, req, resp, timeout); err != nil {
		fail(c, fmt.Errorf("GET %s: %w", url, err))
		return
	}
	if resp.StatusCode() >= 500 {
		fail(c, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode(), consts.StatusMessage(resp.StatusCode())))
		return
	}
	c.Status(consts.StatusOK)
}
