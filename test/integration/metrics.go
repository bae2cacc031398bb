package integration

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/XSAM/otelsql"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// Stockroom is the service of the metrics bed (issue 26): a Go service on
// PostgreSQL whose request deadline runs out while it waits for a
// connection of a pool of one. Its trace shows only `context deadline
// exceeded`; its pool's readings, exported by the OTel SDK's periodic
// reader as the semantic conventions name them, show the pool at its
// maximum. Spans and metrics share one resource, with an instance id.
type Stockroom struct {
	URL string
	// Pool is the pool of one; Legacy another, reported in the older
	// names (db.client.connections.*, as the Java agent and SQLAlchemy
	// still do by default); Main has room (8 connections).
	Pool, Legacy, Main *sql.DB
	TP                 *sdktrace.TracerProvider
	MP                 *sdkmetric.MeterProvider
	srv                *http.Server
}

// stockroomExportInterval is the SDK's metric export interval in the bed,
// shortened from the default 60s.
const stockroomExportInterval = 5 * time.Second

// StartStockroom starts the service against dsn, exporting to collector
// (host:port of an OTLP/HTTP receiver).
func StartStockroom(ctx context.Context, collector, dsn, instance string) (*Stockroom, error) {
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("stockroom"), semconv.ServiceVersion("1.0.0"),
		semconv.ServiceInstanceID(instance), semconv.TelemetrySDKLanguageGo, semconv.TelemetrySDKName("opentelemetry"))
	texp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(collector), otlptracehttp.WithInsecure())
	if err != nil {
		return nil, err
	}
	mexp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpoint(collector), otlpmetrichttp.WithInsecure())
	if err != nil {
		return nil, err
	}
	s := &Stockroom{
		TP: sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(texp, sdktrace.WithBatchTimeout(250*time.Millisecond))),
		MP: sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
			sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mexp, sdkmetric.WithInterval(stockroomExportInterval)))),
	}
	opts := []otelsql.Option{otelsql.WithTracerProvider(s.TP), otelsql.WithAttributes(semconv.DBSystemNamePostgreSQL, semconv.ServerAddress("127.0.0.1")),
		otelsql.WithSpanOptions(otelsql.SpanOptions{OmitConnResetSession: true, OmitRows: true})}
	if s.Pool, err = otelsql.Open("pgx", dsn, opts...); err != nil {
		return nil, err
	}
	s.Pool.SetMaxOpenConns(1)
	if s.Legacy, err = otelsql.Open("pgx", dsn, opts...); err != nil {
		return nil, err
	}
	s.Legacy.SetMaxOpenConns(1)
	if s.Main, err = otelsql.Open("pgx", dsn, opts...); err != nil {
		return nil, err
	}
	s.Main.SetMaxOpenConns(8)
	if err := registerPoolMetrics(s.MP.Meter("stockroom/pool"), currentPoolNames, map[string]*sql.DB{"stockroom-one": s.Pool, "stockroom-main": s.Main}); err != nil {
		return nil, err
	}
	if err := registerPoolMetrics(s.MP.Meter("stockroom/legacy-pool"), olderPoolNames, map[string]*sql.DB{"stockroom-legacy": s.Legacy}); err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	// Waits at most 300ms for a connection of the pool of one, and says no more than the driver.
	mux.HandleFunc("GET /pool/stock", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 300*time.Millisecond)
		defer cancel()
		var n int
		if err := s.Pool.QueryRowContext(ctx, "SELECT count(*) FROM stock").Scan(&n); err != nil {
			Fail(w, r, err)
			return
		}
		writeJSON(w, map[string]int{"stock": n})
	})
	mux.HandleFunc("GET /legacy/stock", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 300*time.Millisecond)
		defer cancel()
		var n int
		if err := s.Legacy.QueryRowContext(ctx, "SELECT count(*) FROM stock").Scan(&n); err != nil {
			Fail(w, r, err)
			return
		}
		writeJSON(w, map[string]int{"stock": n})
	})
	// A query slower than the request's 300ms deadline, on the pool with room.
	mux.HandleFunc("GET /slow/stock", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 300*time.Millisecond)
		defer cancel()
		if _, err := s.Main.ExecContext(ctx, "SELECT pg_sleep(2)"); err != nil {
			Fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	h := otelhttp.NewHandler(mux, "stockroom", otelhttp.WithTracerProvider(s.TP), otelhttp.WithPropagators(propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// poolNames are the metric and attribute names of one generation of the
// pool conventions (model/db/metrics.yaml, model/db/deprecated/).
type poolNames struct{ count, max, state, pool string }

var (
	currentPoolNames = poolNames{"db.client.connection.count", "db.client.connection.max", "db.client.connection.state", "db.client.connection.pool.name"}
	olderPoolNames   = poolNames{"db.client.connections.usage", "db.client.connections.max", "state", "pool.name"}
)

// registerPoolMetrics reports database/sql pools as the semantic
// conventions' pool metrics of one generation: the count by state and the
// maximum. database/sql tells neither the requests waiting now nor the
// timeouts (WaitCount counts every wait), so there is no pending_requests
// or timeouts.
func registerPoolMetrics(m metric.Meter, names poolNames, pools map[string]*sql.DB) error {
	count, err1 := m.Int64ObservableUpDownCounter(names.count, metric.WithUnit("{connection}"),
		metric.WithDescription("The number of connections that are currently in state described by the `state` attribute."))
	maxConns, err2 := m.Int64ObservableUpDownCounter(names.max, metric.WithUnit("{connection}"),
		metric.WithDescription("The maximum number of open connections allowed."))
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	_, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for name, db := range pools {
			st := db.Stats()
			pool := attribute.String(names.pool, name)
			o.ObserveInt64(count, int64(st.InUse), metric.WithAttributes(pool, attribute.String(names.state, "used")))
			o.ObserveInt64(count, int64(st.Idle), metric.WithAttributes(pool, attribute.String(names.state, "idle")))
			o.ObserveInt64(maxConns, int64(st.MaxOpenConnections), metric.WithAttributes(pool))
		}
		return nil
	}, count, maxConns)
	return err
}

// Close stops the server and flushes spans and metrics.
func (s *Stockroom) Close(ctx context.Context) {
	if s == nil {
		return
	}
	_ = s.srv.Close()
	_ = s.Pool.Close()
	_ = s.Legacy.Close()
	_ = s.Main.Close()
	_ = s.TP.Shutdown(ctx)
	_ = s.MP.Shutdown(ctx)
}
