package integration

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/metrics"
	"strconv"
	"sync"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/contrib/instrumentation/runtime"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// RunPantryGoChild is pantry-go, the Go service of the memory case of the
// metrics bed (issue 26): the test binary re-executed with
// EDX_CHILD=pantry-go and GOMEMLIMIT set, reporting otel-go's runtime
// metrics (go.memory.used, go.memory.limit) every second. POST /fill keeps
// memory reachable until the runtime uses percent of its limit; GET
// /legacy answers a bare 500 and records nothing.
func RunPantryGoChild() int {
	ctx := context.Background()
	collector := os.Getenv("EDX_COLLECTOR")
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("pantry-go"), semconv.ServiceVersion("1.0.0"),
		semconv.ServiceInstanceID("pantry-go-1"), semconv.TelemetrySDKLanguageGo, semconv.TelemetrySDKName("opentelemetry"))
	texp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(collector), otlptracehttp.WithInsecure())
	if err != nil {
		fmt.Fprintln(os.Stderr, "pantry-go:", err)
		return 2
	}
	mexp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpoint(collector), otlpmetrichttp.WithInsecure())
	if err != nil {
		fmt.Fprintln(os.Stderr, "pantry-go:", err)
		return 2
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(texp, sdktrace.WithBatchTimeout(250*time.Millisecond)))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
		sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mexp, sdkmetric.WithInterval(time.Second))))
	if err := runtime.Start(runtime.WithMeterProvider(mp), runtime.WithMinimumReadMemStatsInterval(time.Second)); err != nil {
		fmt.Fprintln(os.Stderr, "pantry-go:", err)
		return 2
	}

	var mu sync.Mutex
	var ballast [][]byte // kept reachable on purpose
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("POST /fill", func(w http.ResponseWriter, r *http.Request) {
		percent, _ := strconv.ParseFloat(r.URL.Query().Get("percent"), 64)
		mu.Lock()
		defer mu.Unlock()
		used, limit := goMemory()
		for target := uint64(float64(limit) * percent / 100); used < target; used, _ = goMemory() {
			for range 16 {
				ballast = append(ballast, make([]byte, 64<<10))
			}
		}
		fmt.Fprintf(w, "go memory used %d of %d\n", used, limit)
	})
	mux.HandleFunc("GET /legacy", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	h := otelhttp.NewHandler(mux, "pantry-go", otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }))
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("EDX_PORT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "pantry-go:", err)
		return 2
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	_ = srv.Close()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_ = tp.Shutdown(sctx)
	_ = mp.Shutdown(sctx)
	return 0
}

// goMemory is go.memory.used (stack and other) and go.memory.limit as the
// runtime instrumentation computes them: mapped memory less what was
// released to the OS, against GOMEMLIMIT.
func goMemory() (used, limit uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64(), s[2].Value.Uint64()
}
