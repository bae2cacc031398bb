package errordiagnosisprocessor

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// spanStart is when the 500 of the metric tests starts.
var spanStart = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// metricsService is the service of every instance in these tests, inst the
// instance of the 500s.
const metricsService, inst = "orders", "orders-7f9c-1"

// instanceResource is the resource of an instance as an SDK sets it, on
// the spans and the metrics alike.
func instanceResource(res pcommon.Resource, service, instance string) {
	testtraces.SetResource(res, service, "java")
	res.Attributes().PutStr("service.instance.id", instance)
}

// gauge is one data point of a metric, as an SDK exports it.
type gauge struct {
	name  string
	sum   bool // an up-down counter or counter (cumulative); else a gauge
	value float64
	attrs map[string]any
	at    time.Time
}

// metricsOf builds the metrics of one instance of metricsService.
func metricsOf(instance string, points ...gauge) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	instanceResource(rm.Resource(), metricsService, instance)
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("io.opentelemetry.hikaricp-3.0")
	for _, p := range points {
		m := sm.Metrics().AppendEmpty()
		m.SetName(p.name)
		var dp pmetric.NumberDataPoint
		if p.sum {
			s := m.SetEmptySum()
			s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			dp = s.DataPoints().AppendEmpty()
		} else {
			dp = m.SetEmptyGauge().DataPoints().AppendEmpty()
		}
		dp.SetDoubleValue(p.value)
		if p.value == float64(int64(p.value)) {
			dp.SetIntValue(int64(p.value))
		}
		dp.SetTimestamp(pcommon.NewTimestampFromTime(p.at))
		_ = dp.Attributes().FromRaw(p.attrs)
	}
	return md
}

// poolReadings are a HikariCP pool's readings of used and max in the
// current (gen 0) or the older (gen 1) names, at before the span.
func poolReadings(gen int, used, maxConns float64, before time.Duration) []gauge {
	at := spanStart.Add(-before)
	if gen == 1 {
		return []gauge{
			{"db.client.connections.usage", true, used, map[string]any{"state": "used", "pool.name": "HikariPool-1"}, at},
			{"db.client.connections.usage", true, maxConns - used, map[string]any{"state": "idle", "pool.name": "HikariPool-1"}, at},
			{"db.client.connections.max", true, maxConns, map[string]any{"pool.name": "HikariPool-1"}, at},
		}
	}
	return []gauge{
		{"db.client.connection.count", true, used, map[string]any{"db.client.connection.state": "used", "db.client.connection.pool.name": "HikariPool-1"}, at},
		{"db.client.connection.count", true, maxConns - used, map[string]any{"db.client.connection.state": "idle", "db.client.connection.pool.name": "HikariPool-1"}, at},
		{"db.client.connection.max", true, maxConns, map[string]any{"db.client.connection.pool.name": "HikariPool-1"}, at},
	}
}

// heapLimitMiB is -Xmx of the heap readings.
const heapLimitMiB = 1024

// heapReadings are G1's heap pools: eden and survivor report no limit,
// the old generation holds -Xmx.
func heapReadings(usedMiB float64, before time.Duration) []gauge {
	at := spanStart.Add(-before)
	heap := func(pool string) map[string]any {
		return map[string]any{"jvm.memory.type": "heap", "jvm.memory.pool.name": pool}
	}
	return []gauge{
		{"jvm.memory.used", true, 0.1 * usedMiB * (1 << 20), heap("G1 Eden Space"), at},
		{"jvm.memory.used", true, 0.9 * usedMiB * (1 << 20), heap("G1 Old Gen"), at},
		{"jvm.memory.used", true, 0, heap("G1 Survivor Space"), at},
		{"jvm.memory.limit", true, heapLimitMiB * (1 << 20), heap("G1 Old Gen"), at},
		{"jvm.memory.used", true, 90 << 20, map[string]any{"jvm.memory.type": "non_heap", "jvm.memory.pool.name": "Metaspace"}, at},
	}
}

// timeoutTrace is a 500 whose only evidence is a query that ran out of
// its deadline, as a Go service with otelsql records a pool that handed out
// no connection before the request's deadline.
func timeoutTrace() ptrace.Traces {
	td := testtraces.Build(testtraces.Server(metricsService, "go", "POST", "/orders", 500,
		testtraces.DB("postgresql", "INSERT", "orders", "INSERT INTO orders VALUES ($1)").Failed("context deadline exceeded")),
		testtraces.Options{Start: spanStart})
	setInstance(td, inst)
	return td
}

// bareTrace is a 500 that recorded nothing but its status.
func bareTrace() ptrace.Traces {
	td := testtraces.Build(testtraces.Server(metricsService, "java", "GET", "/report", 500), testtraces.Options{Start: spanStart})
	setInstance(td, inst)
	return td
}

func setInstance(td ptrace.Traces, instance string) {
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		td.ResourceSpans().At(i).Resource().Attributes().PutStr("service.instance.id", instance)
	}
}

// startPipelines creates and starts the traces and the metrics processors
// of one component ID with one factory, in process, as the collector does
// for two pipelines.
func startPipelines(t *testing.T, cfg *Config, spans consumer.Traces, metrics consumer.Metrics) (processor.Traces, processor.Metrics) {
	t.Helper()
	f := NewFactory()
	set := processortest.NewNopSettings(metadata.Type)
	tp, err := f.CreateTraces(context.Background(), set, cfg, spans)
	require.NoError(t, err)
	mp, err := f.CreateMetrics(context.Background(), set, cfg, metrics)
	require.NoError(t, err)
	host := componenttest.NewNopHost()
	require.NoError(t, tp.Start(context.Background(), host))
	require.NoError(t, mp.Start(context.Background(), host))
	return tp, mp
}

// diagnoseWithMetrics runs the traces and the metrics processors of one
// component ID, created by one factory in process: the metrics first, then
// the trace; it returns the attributes of the trace's 500 server span.
func diagnoseWithMetrics(t *testing.T, cfg *Config, md []pmetric.Metrics, td ptrace.Traces) pcommon.Map {
	t.Helper()
	got := diagnosed500s(t, cfg, md, td)
	require.Len(t, got, 1, "the 500 server span was delivered")
	for _, attrs := range got {
		return attrs
	}
	return pcommon.Map{}
}

// diagnosed500s is diagnoseWithMetrics for a trace of several 500 server
// spans: their attributes by span name.
func diagnosed500s(t *testing.T, cfg *Config, md []pmetric.Metrics, td ptrace.Traces) map[string]pcommon.Map {
	t.Helper()
	spans, metrics := new(consumertest.TracesSink), new(consumertest.MetricsSink)
	tp, mp := startPipelines(t, cfg, spans, metrics)
	for _, m := range md {
		points := m.DataPointCount()
		require.NoError(t, mp.ConsumeMetrics(context.Background(), m))
		require.Equal(t, points, metrics.AllMetrics()[len(metrics.AllMetrics())-1].DataPointCount(), "metrics pass through")
	}
	require.NoError(t, tp.ConsumeTraces(context.Background(), td))
	require.NoError(t, mp.Shutdown(context.Background()))
	require.NoError(t, tp.Shutdown(context.Background())) // releases a held span
	out := map[string]pcommon.Map{}
	for _, got := range spans.AllTraces() {
		testtraces.ForEachSpan(got, func(_, _, _ int, _ ptrace.ResourceSpans, span ptrace.Span) {
			if v, ok := span.Attributes().Get("http.response.status_code"); span.Kind() == ptrace.SpanKindServer && ok && v.Int() == 500 {
				out[span.Name()] = span.Attributes()
			}
		})
	}
	return out
}

func attrStr(m pcommon.Map, k string) string {
	v, _ := m.Get(k)
	return v.AsString()
}

// TestMetricsAsEvidence is issue 26's "done when", from outside: a
// saturated pool in either naming generation turns a 500 whose only
// evidence is a timeout into pool_exhausted with the metric named; a pool
// at 20 %, another instance's saturated pool, or a reading older than the
// window leaves the diagnosis as it was; a JVM heap at 99 % of its limit
// explains a 500 with no evidence.
func TestMetricsAsEvidence(t *testing.T) {
	perBatch := defaultConfig()
	perBatch.WaitDuration = 0
	held := defaultConfig() // the 500 with nothing waits, is released at shutdown
	base := map[string]string{}
	for name, td := range map[string]ptrace.Traces{"timeout": timeoutTrace(), "bare": bareTrace()} {
		attrs := diagnoseWithMetrics(t, perBatch, nil, td)
		base[name] = attrStr(attrs, "diagnosis.category") + "/" + attrStr(attrs, "diagnosis.cause")
	}
	require.Equal(t, "database_timeout/query_canceled", base["timeout"], "without metrics")
	require.Equal(t, "unknown/no_evidence", base["bare"], "without metrics")

	tests := []struct {
		name         string
		cfg          *Config
		metrics      []pmetric.Metrics
		trace        ptrace.Traces
		want         string // category/cause
		wantEvidence string // "" when the trace's evidence stays
		wantRule     string
	}{
		{
			name:         "saturated pool, current names",
			metrics:      []pmetric.Metrics{metricsOf(inst, poolReadings(0, 10, 10, 4*time.Second)...)},
			trace:        timeoutTrace(),
			want:         "database_connection/pool_exhausted",
			wantEvidence: "db.client.connection.count used 10 of max 10, pool HikariPool-1, 4 s before the span",
			wantRule:     "metrics.pool_used_at_max",
		},
		{
			name:         "saturated pool, older names",
			metrics:      []pmetric.Metrics{metricsOf(inst, poolReadings(1, 10, 10, 30*time.Second)...)},
			trace:        timeoutTrace(),
			want:         "database_connection/pool_exhausted",
			wantEvidence: "db.client.connections.usage used 10 of max 10, pool HikariPool-1, 30 s before the span",
			wantRule:     "metrics.pool_used_at_max",
		},
		{
			name: "pending requests while timeouts increase",
			metrics: []pmetric.Metrics{
				metricsOf(inst, gauge{"db.client.connection.timeouts", true, 3, map[string]any{"db.client.connection.pool.name": "HikariPool-1"}, spanStart.Add(-70 * time.Second)}),
				metricsOf(inst,
					gauge{"db.client.connection.timeouts", true, 9, map[string]any{"db.client.connection.pool.name": "HikariPool-1"}, spanStart.Add(-10 * time.Second)},
					gauge{"db.client.connection.pending_requests", true, 4, map[string]any{"db.client.connection.pool.name": "HikariPool-1"}, spanStart.Add(-10 * time.Second)}),
			},
			trace:        timeoutTrace(),
			want:         "database_connection/pool_exhausted",
			wantEvidence: "db.client.connection.pending_requests 4 with db.client.connection.timeouts up by 6, pool HikariPool-1, 10 s before the span",
			wantRule:     "metrics.pool_pending_timeouts",
		},
		{
			name:    "pool at 20 %",
			metrics: []pmetric.Metrics{metricsOf(inst, poolReadings(0, 4, 20, 4*time.Second)...)},
			trace:   timeoutTrace(),
			want:    base["timeout"],
		},
		{
			name:    "saturated pool of another instance",
			metrics: []pmetric.Metrics{metricsOf("orders-7f9c-2", poolReadings(0, 10, 10, 4*time.Second)...)},
			trace:   timeoutTrace(),
			want:    base["timeout"],
		},
		{
			name:    "saturated pool read before the window",
			metrics: []pmetric.Metrics{metricsOf(inst, poolReadings(0, 10, 10, 3*time.Minute)...)},
			trace:   timeoutTrace(),
			want:    base["timeout"],
		},
		{
			name:    "saturated pool read after the span",
			metrics: []pmetric.Metrics{metricsOf(inst, poolReadings(0, 10, 10, -time.Minute)...)},
			trace:   timeoutTrace(),
			want:    base["timeout"],
		},
		{
			name:         "JVM heap at 99 %, a 500 with no evidence",
			metrics:      []pmetric.Metrics{metricsOf(inst, heapReadings(1013.76, 12*time.Second)...)},
			trace:        bareTrace(),
			want:         "resource_exhaustion/out_of_memory",
			wantEvidence: "jvm.memory.used heap 1013.8 MiB of limit 1024.0 MiB (99.0 %), 12 s before the span",
			wantRule:     "metrics.jvm_heap_at_limit",
		},
		{
			name:         "JVM heap at 99 %, a held 500 released at shutdown",
			cfg:          held,
			metrics:      []pmetric.Metrics{metricsOf(inst, heapReadings(1013.76, 12*time.Second)...)},
			trace:        bareTrace(),
			want:         "resource_exhaustion/out_of_memory",
			wantEvidence: "jvm.memory.used heap 1013.8 MiB of limit 1024.0 MiB (99.0 %), 12 s before the span",
			wantRule:     "metrics.jvm_heap_at_limit",
		},
		{
			name:    "JVM heap at 90 %",
			metrics: []pmetric.Metrics{metricsOf(inst, heapReadings(921.6, 12*time.Second)...)},
			trace:   bareTrace(),
			want:    base["bare"],
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg == nil {
				cfg = perBatch
			}
			attrs := diagnoseWithMetrics(t, cfg, tt.metrics, tt.trace)
			assert.Equal(t, tt.want, attrStr(attrs, "diagnosis.category")+"/"+attrStr(attrs, "diagnosis.cause"))
			if tt.wantEvidence == "" {
				assert.NotContains(t, attrStr(attrs, "diagnosis.rule"), "metrics.")
				return
			}
			assert.Equal(t, tt.wantEvidence, attrStr(attrs, "diagnosis.evidence"))
			assert.Equal(t, tt.wantRule, attrStr(attrs, "diagnosis.rule"))
			assert.Equal(t, metricsService, attrStr(attrs, "diagnosis.evidence.service"))
			conf, _ := attrs.Get("diagnosis.confidence")
			assert.Less(t, conf.Double(), 0.85, "below a direct exception's")
			_, hasSpan := attrs.Get("diagnosis.evidence.span_id")
			assert.False(t, hasSpan, "no span holds the evidence")
		})
	}
}

// TestMetricsNeverOverrideDirectEvidence: a saturated pool does not change
// a 500 explained by an exception, a structured code or a failed call.
func TestMetricsNeverOverrideDirectEvidence(t *testing.T) {
	cfg := defaultConfig()
	cfg.WaitDuration = 0
	traces := map[string]*testtraces.Span{
		"application_exception/null_reference": testtraces.Server(metricsService, "java", "GET", "/a", 500).
			Failed("", testtraces.Exception{Type: "java.lang.NullPointerException", Message: "Cannot invoke \"String.length()\" because \"s\" is null"}),
		"database_timeout/statement_timeout": testtraces.Server(metricsService, "go", "GET", "/b", 500,
			testtraces.DB("postgresql", "SELECT", "orders", "SELECT 1").Failed("canceling statement due to statement timeout").With("db.response.status_code", "57014")),
		"dependency_failure/upstream_timeout": testtraces.Server(metricsService, "go", "GET", "/c", 500,
			testtraces.HTTPClient("payments", "POST", "/pay", 0).Failed("context deadline exceeded")),
	}
	for want, root := range traces {
		t.Run(want, func(t *testing.T) {
			td := testtraces.Build(root, testtraces.Options{Start: spanStart})
			setInstance(td, inst)
			md := metricsOf(inst, append(poolReadings(0, 10, 10, 4*time.Second), heapReadings(1020, 4*time.Second)...)...)
			attrs := diagnoseWithMetrics(t, cfg, []pmetric.Metrics{md}, td)
			assert.Equal(t, want, attrStr(attrs, "diagnosis.category")+"/"+attrStr(attrs, "diagnosis.cause"))
		})
	}
}

// TestMetricsHostFilesystem: the hostmetrics receiver's filesystem
// readings name only the host; they count for the spans of the services on
// that host.
func TestMetricsHostFilesystem(t *testing.T) {
	cfg := defaultConfig()
	cfg.WaitDuration = 0
	td := bareTrace()
	host := attrStr(td.ResourceSpans().At(0).Resource().Attributes(), "host.name")
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("host.name", host)
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("system.filesystem.usage")
	m.SetUnit("By")
	s := m.SetEmptySum()
	s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	for state, v := range map[string]int64{"used": 99 << 20, "free": 1 << 20, "reserved": 5 << 20} {
		dp := s.DataPoints().AppendEmpty()
		dp.SetIntValue(v)
		dp.SetTimestamp(pcommon.NewTimestampFromTime(spanStart.Add(-20 * time.Second)))
		dp.Attributes().PutStr("device", "/dev/loop3")
		dp.Attributes().PutStr("mountpoint", "/var/lib/orders")
		dp.Attributes().PutStr("type", "ext4")
		dp.Attributes().PutStr("mode", "rw")
		dp.Attributes().PutStr("state", state)
	}
	attrs := diagnoseWithMetrics(t, cfg, []pmetric.Metrics{md}, td)
	assert.Equal(t, "resource_exhaustion/disk_full", attrStr(attrs, "diagnosis.category")+"/"+attrStr(attrs, "diagnosis.cause"))
	assert.Equal(t, "system.filesystem.usage used 99.0 MiB of 100.0 MiB (99.0 %) of /var/lib/orders, 20 s before the span", attrStr(attrs, "diagnosis.evidence"))

	other := bareTrace()
	other.ResourceSpans().At(0).Resource().Attributes().PutStr("host.name", "another-host")
	attrs = diagnoseWithMetrics(t, cfg, []pmetric.Metrics{md}, other)
	assert.Equal(t, "unknown/no_evidence", attrStr(attrs, "diagnosis.category")+"/"+attrStr(attrs, "diagnosis.cause"), "another host's disk")
}

// unreadMetrics is a batch of metrics outside the table: HTTP server
// durations, CPU time and goroutines of n instances.
func unreadMetrics(n int) pmetric.Metrics {
	md := pmetric.NewMetrics()
	for i := 0; i < n; i++ {
		rm := md.ResourceMetrics().AppendEmpty()
		instanceResource(rm.Resource(), "checkout", "checkout-"+string(rune('a'+i%26)))
		ms := rm.ScopeMetrics().AppendEmpty().Metrics()
		h := ms.AppendEmpty()
		h.SetName("http.server.request.duration")
		hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
		hdp.SetCount(10)
		hdp.Attributes().PutStr("http.route", "/cart")
		for _, name := range []string{"jvm.cpu.time", "go.goroutine.count", "db.client.connection.idle.max"} {
			m := ms.AppendEmpty()
			m.SetName(name)
			dp := m.SetEmptySum().DataPoints().AppendEmpty()
			dp.SetIntValue(7)
			dp.SetTimestamp(pcommon.NewTimestampFromTime(spanStart))
		}
	}
	return md
}

// TestMetricsPassUnchanged: metrics leave as they came, and the data
// points outside the table cost no allocation; nor do readings of
// instances already kept.
func TestMetricsPassUnchanged(t *testing.T) {
	d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), defaultConfig())
	require.NoError(t, err)
	unread := unreadMetrics(50)
	want := pmetric.NewMetrics()
	unread.CopyTo(want)
	got, err := d.metrics.process(context.Background(), unread)
	require.NoError(t, err)
	assert.Equal(t, want, got, "unchanged")
	assert.Zero(t, d.metrics.store.Instances(), "nothing of the table read")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = d.metrics.process(context.Background(), unread) }),
		"allocations per batch of %d data points outside the table", unread.DataPointCount())

	read := metricsOf("orders-1", append(poolReadings(0, 3, 10, 0), heapReadings(500, 0)...)...)
	_, err = d.metrics.process(context.Background(), read)
	require.NoError(t, err)
	assert.EqualValues(t, 1, d.metrics.store.Instances())
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = d.metrics.process(context.Background(), read) }),
		"allocations per batch of readings of a kept instance")
}

// TestRefinable: which diagnoses a saturated reading may replace.
func TestRefinable(t *testing.T) {
	ev := func(kind diagnosis.Kind) diagnosis.Evidence { return diagnosis.Evidence{Kind: kind} }
	tests := []struct {
		name string
		res  engine.Result
		want bool
	}{
		{"no evidence", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.Unknown, Cause: "no_evidence"}}}, true},
		{"Go's DeadlineExceeded on the target", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.DependencyFailure, Cause: "upstream_timeout", Rule: "go.context.DeadlineExceeded", Strength: diagnosis.StrengthType}}, Item: ev(diagnosis.KindSpan), HasItem: true}, true},
		{"a deadline message on a database span", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.DatabaseTimeout, Cause: "query_canceled", Rule: "msg.context_deadline", Strength: diagnosis.StrengthPattern}}, Item: ev(diagnosis.KindDB), HasItem: true}, true},
		{"a JDBC statement timeout type", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.DatabaseTimeout, Cause: "statement_timeout", Rule: "db.StatementTimeout", Strength: diagnosis.StrengthType}}, Item: ev(diagnosis.KindDB), HasItem: true}, false},
		{"a SQLSTATE", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.DatabaseTimeout, Cause: "statement_timeout", Rule: "postgresql.sqlstate.57014", Strength: diagnosis.StrengthCode}}, Item: ev(diagnosis.KindDB), HasItem: true}, false},
		{"a call's timeout", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.DependencyFailure, Cause: "upstream_timeout", Rule: "msg.timeout.http", Strength: diagnosis.StrengthPattern}}, Item: ev(diagnosis.KindClient), HasItem: true}, false},
		{"an exception", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.ApplicationException, Cause: "null_reference", Rule: "java.NullPointerException", Strength: diagnosis.StrengthType}}, Item: ev(diagnosis.KindSpan), HasItem: true}, false},
		{"a user rule", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.Unknown, Cause: "no_evidence", Strength: diagnosis.StrengthUser, UserRule: 1}}}, false},
		{"the target's own 504", engine.Result{Result: diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.DependencyFailure, Cause: "upstream_timeout", Rule: "gateway.504", Strength: diagnosis.StrengthStatus}}}, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, refinable(&tt.res), tt.name)
	}
}

// readMetricExports reads OTLP JSON as the file exporter writes it, one
// export request per line.
func readMetricExports(t *testing.T, path string) []pmetric.Metrics {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []pmetric.Metrics
	var u pmetric.JSONUnmarshaler
	for _, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		md, err := u.UnmarshalMetrics(line)
		require.NoError(t, err, path)
		out = append(out, md)
	}
	return out
}

// exportsBefore are the exports whose data points were all taken before
// at, with their timestamps moved back by shift.
func exportsBefore(exports []pmetric.Metrics, at pcommon.Timestamp, shift time.Duration) []pmetric.Metrics {
	var out []pmetric.Metrics
	for _, md := range exports {
		c := pmetric.NewMetrics()
		md.CopyTo(c)
		late := false
		forEachNumberPoint(c, func(dp pmetric.NumberDataPoint) {
			late = late || dp.Timestamp() > at
			dp.SetTimestamp(dp.Timestamp() - pcommon.Timestamp(shift))
		})
		if !late {
			out = append(out, c)
		}
	}
	return out
}

func forEachNumberPoint(md pmetric.Metrics, f func(pmetric.NumberDataPoint)) {
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		sms := rms.At(i).ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				var dps pmetric.NumberDataPointSlice
				switch m := ms.At(k); m.Type() {
				case pmetric.MetricTypeSum:
					dps = m.Sum().DataPoints()
				case pmetric.MetricTypeGauge:
					dps = m.Gauge().DataPoints()
				default:
					continue
				}
				for l := 0; l < dps.Len(); l++ {
					f(dps.At(l))
				}
			}
		}
	}
}

// TestRealMetrics replays the capture of test/integration's metrics bed
// (testdata/realmetrics/go, written with EDX_CAPTURE_METRICS): the OTel Go
// SDK's metric exports of a real database/sql pool of one held, then the
// traces of a request that timed out waiting for it and of a query slower
// than its deadline, through the factory's traces and metrics processors
// with the default configuration (window 2m). The bed exports every 5 s; at
// the SDKs' default 60 s interval the latest reading before a 500 may be
// up to a minute old: the exports taken before the 500 (no later one, as
// at that interval) are replayed moved 59 s back, still within the window,
// and 121 s back, outside it.
func TestRealMetrics(t *testing.T) {
	dir := filepath.Join("testdata", "realmetrics", "go")
	td := readOTLPJSONLines(t, filepath.Join(dir, "pool_exhausted.traces.json"))
	exports := readMetricExports(t, filepath.Join(dir, "pool_exhausted.metrics.json"))
	var start pcommon.Timestamp
	testtraces.ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, span ptrace.Span) {
		if v, _ := span.Attributes().Get("http.response.status_code"); span.Name() == "GET /pool/stock" && v.Int() == 500 {
			start = span.StartTimestamp()
		}
	})
	require.NotZero(t, start, "the capture holds the 500 of the held pool")

	tests := []struct {
		name    string
		shift   time.Duration
		pool    string // the diagnosis of GET /pool/stock
		readAgo string
	}{
		{"as captured", 0, "database_connection/pool_exhausted", "less than 1 s before the span"},
		{"59 s old, as at a 60 s interval", 59 * time.Second, "database_connection/pool_exhausted", "59 s before the span"},
		{"121 s old, outside the window", 121 * time.Second, "dependency_failure/upstream_timeout", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ptrace.NewTraces()
			td.CopyTo(c)
			md := exports
			if tt.shift != 0 {
				md = exportsBefore(exports, start, tt.shift)
			}
			got := diagnosed500s(t, defaultConfig(), md, c)
			pool, slow := got["GET /pool/stock"], got["GET /slow/stock"]
			assert.Equal(t, tt.pool, attrStr(pool, "diagnosis.category")+"/"+attrStr(pool, "diagnosis.cause"))
			if tt.readAgo != "" {
				assert.Equal(t, "db.client.connection.count used 1 of max 1, pool stockroom-one, "+tt.readAgo, attrStr(pool, "diagnosis.evidence"))
			}
			if tt.shift == 0 {
				// The pool's next reading, used 0 of 1, was taken before it.
				assert.Equal(t, "database_timeout/query_canceled", attrStr(slow, "diagnosis.category")+"/"+attrStr(slow, "diagnosis.cause"),
					"a query slower than its deadline, on the pool with room")
			}
		})
	}
}

// TestMetricsPipelineLifecycle: the metrics pipeline shares the traces
// pipeline's instance, and passes metrics through before, between and after
// the shutdowns, in either order.
func TestMetricsPipelineLifecycle(t *testing.T) {
	for _, tracesFirst := range []bool{true, false} {
		sink := new(consumertest.MetricsSink)
		tp, mp := startPipelines(t, defaultConfig(), consumertest.NewNop(), sink)
		md := metricsOf(inst, poolReadings(0, 10, 10, 0)...)
		require.NoError(t, mp.ConsumeMetrics(context.Background(), md))
		first, second := component.Component(tp), component.Component(mp)
		if !tracesFirst {
			first, second = mp, tp
		}
		require.NoError(t, first.Shutdown(context.Background()))
		if tracesFirst {
			require.NoError(t, mp.ConsumeMetrics(context.Background(), md), "after the traces pipeline stopped")
		}
		require.NoError(t, second.Shutdown(context.Background()))
		assert.Equal(t, md.DataPointCount()*len(sink.AllMetrics()), sink.DataPointCount(), "tracesFirst=%v", tracesFirst)
		assert.Len(t, sink.AllMetrics(), map[bool]int{true: 2, false: 1}[tracesFirst])
	}
}
