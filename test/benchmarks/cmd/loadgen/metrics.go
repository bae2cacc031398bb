package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"google.golang.org/protobuf/encoding/protowire"
)

// loadgen metrics: the metrics-only load of test/loadtest/run.sh
// (SIGNAL=metrics). It replays pre-encoded OTLP/HTTP metric export requests
// of Java-agent-like instances (HTTP server durations, JVM memory, GC,
// threads, classes, CPU and a HikariCP pool: 51 data points per instance,
// 16 of them of metrics of the processor's table) as fast as the collector accepts
// them, and counts the data points the collector exports to the sink here.
// Every replay of a request advances its data points' timestamps, so the
// processor keeps every reading as a new one, as it would a real export.

// metricsStart is the data points' timestamp in the encoded requests: its
// fixed64 encoding is found and patched on every replay.
const metricsStart = uint64(0x17f0_0000_5eed_0000)

// metricsRequest is a pre-encoded export request and the offsets of its
// data points' timestamps.
type metricsRequest struct {
	body    []byte
	tsOffs  []int
	points  int
	replays uint64
}

func encodeMetrics(md pmetric.Metrics) (*metricsRequest, error) {
	var m pmetric.ProtoMarshaler
	body, err := m.MarshalMetrics(md)
	if err != nil {
		return nil, err
	}
	r := &metricsRequest{body: body, points: md.DataPointCount()}
	// time_unix_nano is field 3 of every data point type, fixed64.
	r.tsOffs = offsets(body, binary.LittleEndian.AppendUint64([]byte{0x19}, metricsStart), 1)
	if len(r.tsOffs) != r.points {
		return nil, fmt.Errorf("found %d timestamps for %d data points", len(r.tsOffs), r.points)
	}
	return r, nil
}

// advance moves every timestamp of the request one millisecond on.
func (r *metricsRequest) advance() {
	r.replays++
	ts := metricsStart + r.replays*uint64(time.Millisecond)
	for _, off := range r.tsOffs {
		binary.LittleEndian.PutUint64(r.body[off:], ts)
	}
}

// instanceMetrics appends one instance's export, as the Java agent sends it.
func instanceMetrics(md pmetric.Metrics, service, instance string) {
	rm := md.ResourceMetrics().AppendEmpty()
	ra := rm.Resource().Attributes()
	ra.PutStr("service.name", service)
	ra.PutStr("service.instance.id", instance)
	ra.PutStr("service.version", "1.4.2")
	ra.PutStr("deployment.environment.name", "production")
	ra.PutStr("host.name", service+"-7d9f8b6c5-x2k4p")
	ra.PutStr("telemetry.sdk.language", "java")
	ra.PutStr("telemetry.sdk.name", "opentelemetry")
	ra.PutStr("telemetry.sdk.version", "1.55.0")
	ts := pcommon.Timestamp(metricsStart)
	start := pcommon.Timestamp(metricsStart - uint64(time.Hour))
	scope := func(name string) pmetric.MetricSlice {
		sm := rm.ScopeMetrics().AppendEmpty()
		sm.Scope().SetName(name)
		sm.Scope().SetVersion("2.31.1-alpha")
		return sm.Metrics()
	}
	sum := func(ms pmetric.MetricSlice, name, unit string, monotonic bool, points ...map[string]any) {
		m := ms.AppendEmpty()
		m.SetName(name)
		m.SetUnit(unit)
		s := m.SetEmptySum()
		s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		s.SetIsMonotonic(monotonic)
		for i, attrs := range points {
			dp := s.DataPoints().AppendEmpty()
			dp.SetStartTimestamp(start)
			dp.SetTimestamp(ts)
			dp.SetIntValue(int64(1000 * (i + 1)))
			_ = dp.Attributes().FromRaw(attrs)
		}
	}
	histogram := func(ms pmetric.MetricSlice, name string, points ...map[string]any) {
		m := ms.AppendEmpty()
		m.SetName(name)
		m.SetUnit("s")
		h := m.SetEmptyHistogram()
		h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		for _, attrs := range points {
			dp := h.DataPoints().AppendEmpty()
			dp.SetStartTimestamp(start)
			dp.SetTimestamp(ts)
			dp.SetCount(1200)
			dp.SetSum(31.5)
			dp.ExplicitBounds().FromRaw([]float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10})
			dp.BucketCounts().FromRaw([]uint64{100, 200, 300, 200, 100, 100, 100, 50, 20, 10, 10, 5, 3, 1, 1})
			_ = dp.Attributes().FromRaw(attrs)
		}
	}

	web := scope("io.opentelemetry.tomcat-10.0")
	var routes []map[string]any
	for _, route := range []string{"/orders", "/orders/{id}", "/cart", "/checkout", "/health"} {
		for _, status := range []int64{200, 500} {
			routes = append(routes, map[string]any{"http.request.method": "GET", "http.route": route, "http.response.status_code": status, "url.scheme": "http", "network.protocol.version": "1.1"})
		}
	}
	histogram(web, "http.server.request.duration", routes...)

	jvm := scope("io.opentelemetry.runtime-telemetry-java8")
	mem := func(typ, pool string) map[string]any {
		return map[string]any{"jvm.memory.type": typ, "jvm.memory.pool.name": pool}
	}
	heap := []map[string]any{mem("heap", "G1 Eden Space"), mem("heap", "G1 Old Gen"), mem("heap", "G1 Survivor Space")}
	nonHeap := []map[string]any{mem("non_heap", "Metaspace"), mem("non_heap", "CodeHeap 'non-nmethods'"), mem("non_heap", "CodeHeap 'profiled nmethods'"), mem("non_heap", "Compressed Class Space")}
	all := append(append([]map[string]any{}, heap...), nonHeap...)
	sum(jvm, "jvm.memory.used", "By", false, all...)
	sum(jvm, "jvm.memory.committed", "By", false, all...)
	sum(jvm, "jvm.memory.limit", "By", false, mem("heap", "G1 Old Gen"), nonHeap[1], nonHeap[2], nonHeap[3])
	sum(jvm, "jvm.memory.used_after_last_gc", "By", false, heap...)
	histogram(jvm, "jvm.gc.duration",
		map[string]any{"jvm.gc.name": "G1 Young Generation", "jvm.gc.action": "end of minor GC"},
		map[string]any{"jvm.gc.name": "G1 Concurrent GC", "jvm.gc.action": "end of major GC"})
	sum(jvm, "jvm.thread.count", "{thread}", false,
		map[string]any{"jvm.thread.daemon": true, "jvm.thread.state": "runnable"}, map[string]any{"jvm.thread.daemon": true, "jvm.thread.state": "waiting"},
		map[string]any{"jvm.thread.daemon": false, "jvm.thread.state": "runnable"}, map[string]any{"jvm.thread.daemon": false, "jvm.thread.state": "timed_waiting"})
	sum(jvm, "jvm.class.loaded", "{class}", true, nil)
	sum(jvm, "jvm.class.count", "{class}", false, nil)
	sum(jvm, "jvm.cpu.time", "s", true, nil)
	sum(jvm, "jvm.cpu.count", "{cpu}", false, nil)

	pool := scope("io.opentelemetry.hikaricp-3.0")
	name := map[string]any{"db.client.connection.pool.name": "HikariPool-1"}
	sum(pool, "db.client.connection.count", "{connection}", false,
		map[string]any{"db.client.connection.pool.name": "HikariPool-1", "db.client.connection.state": "used"},
		map[string]any{"db.client.connection.pool.name": "HikariPool-1", "db.client.connection.state": "idle"})
	for _, n := range []string{"db.client.connection.max", "db.client.connection.idle.min", "db.client.connection.idle.max", "db.client.connection.pending_requests"} {
		sum(pool, n, "{connection}", false, name)
	}
	sum(pool, "db.client.connection.timeouts", "{timeout}", true, name)
	for _, n := range []string{"db.client.connection.wait_time", "db.client.connection.use_time", "db.client.connection.create_time"} {
		histogram(pool, n, name)
	}
}

// countPoints counts the data points of an OTLP ExportMetricsServiceRequest:
// resource_metrics (1) > scope_metrics (2) > metrics (2) > gauge (5), sum
// (7), histogram (9), exponential_histogram (10) or summary (11) >
// data_points (1).
func countPoints(b []byte) (int, error) {
	n := 0
	err := walk(b, 1, func(rm []byte) error {
		return walk(rm, 2, func(sm []byte) error {
			return walk(sm, 2, func(m []byte) error {
				for _, data := range []protowire.Number{5, 7, 9, 10, 11} {
					if err := walk(m, data, func(d []byte) error {
						return walk(d, 1, func([]byte) error { n++; return nil })
					}); err != nil {
						return err
					}
				}
				return nil
			})
		})
	})
	return n, err
}

func runMetrics(args []string) error {
	fs := flag.NewFlagSet("metrics", flag.ExitOnError)
	target := fs.String("target", "", "OTLP/HTTP metrics URL of the collector, e.g. http://127.0.0.1:PORT/v1/metrics")
	sinkPort := fs.Int("sink-port", 0, "loopback port of the counting sink")
	pid := fs.Int("pid", 0, "collector process id, for CPU and peak RSS")
	duration := fs.Duration("duration", 30*time.Second, "how long to send")
	senders := fs.Int("senders", 4, "concurrent senders")
	batches := fs.Int("batches", 64, "distinct pre-encoded requests")
	instances := fs.Int("instances", 16, "instances per request (a gateway forwards many SDKs' exports in one)")
	drain := fs.Duration("drain", 20*time.Second, "longest wait for the sink after sending")
	label := fs.String("label", "run", "label of the result line")
	_ = fs.Parse(args)
	if *target == "" || *sinkPort == 0 || *pid == 0 {
		return errors.New("-target, -sink-port and -pid are required")
	}
	var received, sinkErrs atomic.Int64
	srv, err := startCountingSink(*sinkPort, "/v1/metrics", countPoints, &received, &sinkErrs)
	if err != nil {
		return err
	}
	defer func() { _ = srv.Close() }()

	reqs := make([]*metricsRequest, *batches)
	for i := range reqs {
		md := pmetric.NewMetrics()
		for j := 0; j < *instances; j++ {
			instanceMetrics(md, fmt.Sprintf("service-%d", j%8), fmt.Sprintf("instance-%d-%d", i, j))
		}
		if reqs[i], err = encodeMetrics(md); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "loadgen metrics: %d requests of %d instances, %d data points each\n", len(reqs), *instances, reqs[0].points)

	client := newClient(*senders)
	if err := waitReady(client, *target); err != nil {
		return err
	}

	before, err := readProc(*pid)
	if err != nil {
		return err
	}
	start := time.Now()
	sent, rejected, failed := replay(*senders, *duration, len(reqs), func(i int) ([]byte, int64) {
		reqs[i].advance()
		return reqs[i].body, int64(reqs[i].points)
	}, func(body []byte) (bool, error) { return post(client, *target, body) })
	elapsed := time.Since(start)
	drainStart := time.Now()
	for received.Load() < sent && time.Since(drainStart) < *drain {
		time.Sleep(20 * time.Millisecond)
	}
	after, err := readProc(*pid)
	if err != nil {
		return err
	}
	cpu := after.cpu - before.cpu
	in, out := sent, received.Load()
	fmt.Printf("%s: sent_points=%d received_points=%d in_eq_out=%t rejected_points=%d failed_points=%d seconds=%.1f points_per_s=%.0f collector_cpu_s=%.2f cpu_us_per_point=%.3f peak_rss_mb=%.1f sink_errors=%d\n",
		*label, in, out, in == out, rejected, failed, elapsed.Seconds(), float64(in)/elapsed.Seconds(),
		cpu.Seconds(), float64(cpu.Microseconds())/float64(max(in, 1)), float64(after.hwmKB)/1024, sinkErrs.Load())
	if in != out {
		return fmt.Errorf("data points in %d != data points out %d", in, out)
	}
	return nil
}

// startCountingSink serves an OTLP/HTTP receiver at path that counts the
// items of each request with count.
func startCountingSink(port int, path string, count func([]byte) (int, error), n, errs *atomic.Int64) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			var c int
			if c, err = count(body); err == nil {
				n.Add(int64(c))
				w.Header().Set("Content-Type", "application/x-protobuf")
				w.WriteHeader(http.StatusOK)
				return
			}
		}
		errs.Add(1)
		http.Error(w, err.Error(), http.StatusBadRequest)
	})
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, nil
}
