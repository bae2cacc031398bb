// Command shop-restful is a blind check's Go stack: emicklei/go-restful v3
// under the contrib otelrestful filter (a recover filter of the
// application's inside it answers a panic with a 500), the ent ORM on
// pgxpool (database/sql through pgx's stdlib.OpenDBFromPool; the pools
// traced by otelpgx), outgoing calls through hashicorp/go-retryablehttp over
// an otelhttp transport, settings read from the environment with
// Netflix/go-env, and handler errors logged with log/slog through the contrib
// otelslog bridge (OTLP logs). Each route of test/blind/README.md induces
// its fault for real; nothing is recorded by hand.
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

	entsql "entgo.io/ent/dialect/sql"
	env "github.com/Netflix/go-env"
	"github.com/emicklei/go-restful/v3"
	"github.com/exaring/otelpgx"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/contrib/instrumentation/github.com/emicklei/go-restful/otelrestful"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/errordiagnosis/errordiagnosisprocessor/test/blind/go-restful/ent"
)

// Settings are read per request, as a handler that honours a changed
// environment does; each handler reads the settings it needs.
type pageSettings struct {
	PageSize int `env:"PAGE_SIZE,default=20"`
}

type paymentSettings struct {
	PaymentsURL string `env:"PAYMENTS_URL,required=true"`
}

type cart struct{ owner *customer }
type customer struct{ name string }

type shop struct {
	db, refused, badAuth, single *ent.Client
	client, impatient            *retryablehttp.Client
	logger                       interface {
		ErrorContext(ctx context.Context, msg string, args ...any)
	}
}

// open is an ent client on a pgxpool of url; nothing connects until the
// first query.
func open(ctx context.Context, url string, maxConns int32) *ent.Client {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		log.Fatal(err)
	}
	cfg.MaxConns = maxConns
	cfg.ConnConfig.ConnectTimeout = 2 * time.Second
	cfg.ConnConfig.Tracer = otelpgx.NewTracer()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	return ent.NewClient(ent.Driver(entsql.OpenDB("postgres", stdlib.OpenDBFromPool(pool))))
}

// httpClient is a go-retryablehttp client with no retries (a retried call
// would reach the callee twice) over an otelhttp transport.
func httpClient(timeout time.Duration) *retryablehttp.Client {
	c := retryablehttp.NewClient()
	c.RetryMax = 0
	c.HTTPClient = &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: timeout}
	return c
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
		db:        open(ctx, os.Getenv("DATABASE_URL"), 4),
		refused:   open(ctx, os.Getenv("DATABASE_URL_REFUSED"), 4),
		badAuth:   open(ctx, os.Getenv("DATABASE_URL_BAD_PASSWORD"), 4),
		single:    open(ctx, os.Getenv("DATABASE_URL"), 1),
		client:    httpClient(5 * time.Second),
		impatient: httpClient(500 * time.Millisecond),
		logger:    otelslog.NewLogger("shop-restful"),
	}

	ws := new(restful.WebService)
	ws.Produces(restful.MIME_JSON)
	ws.Route(ws.GET("/health").To(func(_ *restful.Request, resp *restful.Response) { _ = resp.WriteEntity("ok") }))
	ws.Route(ws.GET("/items").To(s.items))
	ws.Route(ws.GET("/items/{id}").To(s.itemByID))
	ws.Route(ws.GET("/db/refused").To(s.count(func() *ent.Client { return s.refused })))
	ws.Route(ws.GET("/db/auth").To(s.count(func() *ent.Client { return s.badAuth })))
	ws.Route(ws.GET("/db/pool").To(s.poolExhausted))
	ws.Route(ws.GET("/db/statement-timeout").To(s.handle(func(ctx context.Context) (any, error) {
		return nil, s.inTx(ctx, func(tx *ent.Tx) error {
			if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = '200ms'"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "SELECT pg_sleep(2)")
			return err
		})
	})))
	ws.Route(ws.GET("/db/lock-timeout").To(s.handle(func(ctx context.Context) (any, error) {
		return nil, s.inTx(ctx, func(tx *ent.Tx) error {
			if _, err := tx.ExecContext(ctx, "SET LOCAL lock_timeout = '200ms'"); err != nil {
				return err
			}
			return tx.Item.UpdateOneID(1).AddQty(-1).Exec(ctx)
		})
	})))
	ws.Route(ws.GET("/db/undefined-table").To(s.handle(func(ctx context.Context) (any, error) {
		return s.db.Invoice.Query().All(ctx)
	})))
	ws.Route(ws.GET("/db/undefined-column").To(s.handle(func(ctx context.Context) (any, error) {
		// A column of a newer schema (its migration not run), through ent's raw query.
		rows, err := s.db.QueryContext(ctx, "SELECT id, discount FROM items WHERE id = $1", 1)
		if err != nil {
			return nil, err
		}
		return nil, rows.Close()
	})))
	ws.Route(ws.POST("/db/unique").To(s.handle(func(ctx context.Context) (any, error) {
		return s.db.Item.Create().SetID(1).SetName("again").SetQty(1).Save(ctx)
	})))
	ws.Route(ws.GET("/config/int").To(s.handle(func(context.Context) (any, error) {
		var page pageSettings
		_, err := env.UnmarshalFromEnviron(&page)
		return page, err
	})))
	ws.Route(ws.GET("/config/missing").To(s.handle(func(context.Context) (any, error) {
		var pay paymentSettings
		_, err := env.UnmarshalFromEnviron(&pay)
		return pay, err
	})))
	ws.Route(ws.GET("/null").To(nullDereference))
	ws.Route(ws.GET("/slow").To(func(_ *restful.Request, resp *restful.Response) {
		time.Sleep(2 * time.Second)
		_ = resp.WriteEntity("slow")
	}))
	ws.Route(ws.GET("/downstream/500").To(s.handle(func(ctx context.Context) (any, error) {
		return s.call(ctx, s.client, os.Getenv("DOWNSTREAM_URL")+"/null")
	})))
	ws.Route(ws.GET("/downstream/refused").To(s.handle(func(ctx context.Context) (any, error) {
		return s.call(ctx, s.client, os.Getenv("CLOSED_URL")+"/payments")
	})))
	ws.Route(ws.GET("/downstream/timeout").To(s.handle(func(ctx context.Context) (any, error) {
		return s.call(ctx, s.impatient, os.Getenv("DOWNSTREAM_URL")+"/slow")
	})))
	ws.Route(ws.GET("/bare500").To(func(_ *restful.Request, resp *restful.Response) {
		resp.WriteHeader(http.StatusInternalServerError)
	}))

	container := restful.NewContainer()
	container.Add(ws)
	container.Filter(otelrestful.OTelFilter("shop-restful"))
	// go-restful leaves a panic to net/http (DoNotRecover): a filter of the
	// application's, inside otelrestful's, answers it with a 500.
	container.Filter(s.recoverer)

	srv := &http.Server{Addr: "127.0.0.1:" + os.Getenv("PORT"), Handler: container, ReadHeaderTimeout: 5 * time.Second}
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

// fail logs err and answers 500, as a service that reports its 500s does.
func (s *shop) fail(req *restful.Request, resp *restful.Response, err error) {
	s.logger.ErrorContext(req.Request.Context(), "request failed", "error", err, "path", req.Request.URL.Path)
	_ = resp.WriteErrorString(http.StatusInternalServerError, err.Error())
}

func (s *shop) recoverer(req *restful.Request, resp *restful.Response, chain *restful.FilterChain) {
	defer func() {
		if v := recover(); v != nil {
			s.fail(req, resp, fmt.Errorf("panic: %v", v))
		}
	}()
	chain.ProcessFilter(req, resp)
}

// handle is a route whose result is answered as JSON, or its error as a 500.
func (s *shop) handle(fn func(context.Context) (any, error)) restful.RouteFunction {
	return func(req *restful.Request, resp *restful.Response) {
		v, err := fn(req.Request.Context())
		if err != nil {
			s.fail(req, resp, err)
			return
		}
		_ = resp.WriteEntity(v)
	}
}

func (s *shop) items(req *restful.Request, resp *restful.Response) {
	s.handle(func(ctx context.Context) (any, error) { return s.db.Item.Query().Order(ent.Asc("id")).All(ctx) })(req, resp)
}

func (s *shop) itemByID(req *restful.Request, resp *restful.Response) {
	id, err := strconv.Atoi(req.PathParameter("id"))
	if err != nil {
		_ = resp.WriteErrorString(http.StatusBadRequest, "id must be a number")
		return
	}
	it, err := s.db.Item.Get(req.Request.Context(), id)
	if ent.IsNotFound(err) {
		_ = resp.WriteErrorString(http.StatusNotFound, "no such item")
		return
	}
	if err != nil {
		s.fail(req, resp, err)
		return
	}
	_ = resp.WriteEntity(it)
}

func (s *shop) count(db func() *ent.Client) restful.RouteFunction {
	return s.handle(func(ctx context.Context) (any, error) {
		n, err := db().Item.Query().Count(ctx)
		if err != nil {
			return nil, fmt.Errorf("count items: %w", err)
		}
		return n, nil
	})
}

// poolExhausted holds the one connection of its pool in a transaction and
// queries through the pool; pgxpool's acquire waits as long as its context,
// 500 ms here.
func (s *shop) poolExhausted(req *restful.Request, resp *restful.Response) {
	s.handle(func(ctx context.Context) (any, error) {
		tx, err := s.single.Tx(ctx)
		if err != nil {
			return nil, err
		}
		defer func() { _ = tx.Rollback() }()
		if _, err := tx.Item.Query().Count(ctx); err != nil {
			return nil, err
		}
		wait, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		n, err := s.single.Item.Query().Count(wait)
		if err != nil {
			return nil, fmt.Errorf("query through the pool: %w", err)
		}
		return n, nil
	})(req, resp)
}

func (s *shop) inTx(ctx context.Context, fn func(*ent.Tx) error) error {
	tx, err := s.db.Tx(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func findCart(string) *cart { return nil }

func nullDereference(req *restful.Request, resp *restful.Response) {
	cart := findCart(req.QueryParameter("id"))
	_ = resp.WriteEntity(cart.owner.name)
}

func (s *shop) call(ctx context.Context, client *retryablehttp.Client, url string) (any, error) {
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return resp.Status, nil
}
