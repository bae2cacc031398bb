// Command shop-fiber is a blind check's Go stack: Fiber v2 under the contrib
// otelfiber middleware, go-pg v10 (its own pool; its OpenTelemetry hook,
// pgotel, is not served by this machine's module proxy, so the queries leave
// no span), outgoing calls through otelhttp, settings read from the
// environment with cleanenv, and handler errors logged by Fiber's error
// handler with log/slog through the contrib otelslog bridge (OTLP logs). Each
// route of test/blind/README.md induces its fault for real; nothing is
// recorded by hand.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-pg/pg/v10"
	"github.com/gofiber/contrib/otelfiber/v2"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/ilyakaznacheev/cleanenv"
	"go.opentelemetry.io/contrib/bridges/otelslog"
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
	db, refused, badAuth, single *pg.DB
	client, impatient            *http.Client
}

// Item is a row of items.
type Item struct {
	tableName struct{} `pg:"items"` //nolint:unused // go-pg's table name tag
	ID        int      `pg:"id,pk"`
	Name      string
	Qty       int
}

// ItemV2 is an items row of a newer schema than the database has (a
// migration not run).
type ItemV2 struct {
	tableName struct{} `pg:"items"` //nolint:unused // go-pg's table name tag
	ID        int      `pg:"id,pk"`
	Discount  int
}

// Settings are read per request, as a handler that honours a changed
// environment does; each handler reads the settings it needs.
type pageSettings struct {
	PageSize int `env:"PAGE_SIZE" env-default:"20"`
}

type paymentSettings struct {
	PaymentsURL string `env:"PAYMENTS_URL" env-required:"true"`
}

type cart struct{ owner *customer }
type customer struct{ name string }

// open is a go-pg pool of url; nothing connects until the first query.
func open(url string, poolSize int, poolTimeout time.Duration) *pg.DB {
	opt, err := pg.ParseURL(url + "?sslmode=disable")
	if err != nil {
		log.Fatal(err)
	}
	opt.PoolSize = poolSize
	opt.PoolTimeout = poolTimeout
	opt.DialTimeout = 2 * time.Second
	opt.MaxRetries = 0
	return pg.Connect(opt)
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
	logger := otelslog.NewLogger("shop-fiber")

	s := &shop{
		db:        open(os.Getenv("DATABASE_URL"), 4, 5*time.Second),
		refused:   open(os.Getenv("DATABASE_URL_REFUSED"), 4, 5*time.Second),
		badAuth:   open(os.Getenv("DATABASE_URL_BAD_PASSWORD"), 4, 5*time.Second),
		single:    open(os.Getenv("DATABASE_URL"), 1, 500*time.Millisecond),
		client:    &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 5 * time.Second},
		impatient: &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 500 * time.Millisecond},
	}

	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		// Fiber's default answer (500 for an error that is not a *fiber.Error),
		// with the error logged as a service that reports its 500s does.
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			code := fiber.StatusInternalServerError
			var fe *fiber.Error
			if errors.As(err, &fe) {
				code = fe.Code
			}
			if code >= 500 {
				logger.ErrorContext(c.UserContext(), "request failed", "error", err, "path", c.Path())
			}
			return c.Status(code).SendString(err.Error())
		},
	})
	app.Use(otelfiber.Middleware())
	// Fiber does not recover a panic itself: its recover middleware hands it
	// to the error handler (inside otelfiber, which so sees the 500).
	app.Use(recover.New())
	app.Get("/health", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/items", func(c *fiber.Ctx) error {
		var items []Item
		if err := s.db.ModelContext(c.UserContext(), &items).Order("id").Select(); err != nil {
			return err
		}
		return c.JSON(items)
	})
	app.Get("/items/:id", s.itemByID)
	app.Get("/db/refused", func(c *fiber.Ctx) error { return s.count(c, s.refused) })
	app.Get("/db/auth", func(c *fiber.Ctx) error { return s.count(c, s.badAuth) })
	app.Get("/db/pool", s.poolExhausted)
	app.Get("/db/statement-timeout", func(c *fiber.Ctx) error {
		return s.inTx(c, "SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")
	})
	app.Get("/db/lock-timeout", func(c *fiber.Ctx) error {
		return s.inTx(c, "SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")
	})
	app.Get("/db/undefined-table", func(c *fiber.Ctx) error {
		var ids []int
		_, err := s.db.QueryContext(c.UserContext(), pg.Scan(&ids), "SELECT id FROM orders_archive WHERE id = ?", 1)
		return err
	})
	app.Get("/db/undefined-column", func(c *fiber.Ctx) error {
		var items []ItemV2
		return s.db.ModelContext(c.UserContext(), &items).Where("id = ?", 1).Select()
	})
	app.Post("/db/unique", func(c *fiber.Ctx) error {
		_, err := s.db.ModelContext(c.UserContext(), &Item{ID: 1, Name: "duplicate", Qty: 1}).Insert()
		return err
	})
	app.Get("/config/int", func(c *fiber.Ctx) error {
		var page pageSettings
		if err := cleanenv.ReadEnv(&page); err != nil {
			return err
		}
		return c.JSON(page)
	})
	app.Get("/config/missing", func(c *fiber.Ctx) error {
		var pay paymentSettings
		if err := cleanenv.ReadEnv(&pay); err != nil {
			return err
		}
		return c.JSON(pay)
	})
	app.Get("/null", nullDereference)
	app.Get("/slow", func(c *fiber.Ctx) error {
		time.Sleep(2 * time.Second)
		return c.SendString("slow")
	})
	app.Get("/downstream/500", func(c *fiber.Ctx) error { return s.call(c, s.client, os.Getenv("DOWNSTREAM_URL")+"/null") })
	app.Get("/downstream/refused", func(c *fiber.Ctx) error { return s.call(c, s.client, os.Getenv("CLOSED_URL")+"/payments") })
	app.Get("/downstream/timeout", func(c *fiber.Ctx) error { return s.call(c, s.impatient, os.Getenv("DOWNSTREAM_URL")+"/slow") })
	app.Get("/bare500", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusInternalServerError) })

	go func() {
		if err := app.Listen("127.0.0.1:" + os.Getenv("PORT")); err != nil {
			log.Fatal(err)
		}
	}()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = app.ShutdownWithContext(sctx)
	_ = tp.Shutdown(sctx)
	_ = lp.Shutdown(sctx)
}

func (s *shop) itemByID(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "id must be a number")
	}
	it := Item{ID: id}
	err = s.db.ModelContext(c.UserContext(), &it).WherePK().Select()
	if errors.Is(err, pg.ErrNoRows) {
		return fiber.NewError(fiber.StatusNotFound, "no such item")
	}
	if err != nil {
		return err
	}
	return c.JSON(it)
}

func (s *shop) count(c *fiber.Ctx, db *pg.DB) error {
	n, err := db.ModelContext(c.UserContext(), (*Item)(nil)).Count()
	if err != nil {
		return fmt.Errorf("count items: %w", err)
	}
	return c.JSON(n)
}

// poolExhausted holds the one connection of its pool in a transaction and
// queries through the pool, whose PoolTimeout is 500 ms.
func (s *shop) poolExhausted(c *fiber.Ctx) error {
	ctx := c.UserContext()
	held, err := s.single.BeginContext(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = held.Rollback() }()
	if _, err := held.ExecContext(ctx, "SELECT 1"); err != nil {
		return err
	}
	var one int
	if _, err := s.single.QueryOneContext(ctx, pg.Scan(&one), "SELECT 1"); err != nil {
		return fmt.Errorf("query through the pool: %w", err)
	}
	return c.JSON(one)
}

func (s *shop) inTx(c *fiber.Ctx, stmts ...string) error {
	return s.db.RunInTransaction(c.UserContext(), func(tx *pg.Tx) error {
		for _, q := range stmts {
			if _, err := tx.ExecContext(c.UserContext(), q); err != nil {
				return err
			}
		}
		return nil
	})
}

func findCart(string) *cart { return nil }

func nullDereference(c *fiber.Ctx) error {
	cart := findCart(c.Query("id"))
	return c.SendString(cart.owner.name)
}

func (s *shop) call(c *fiber.Ctx, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(c.UserContext(), http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return c.SendStatus(fiber.StatusOK)
}
