package incidentconnector

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/metadatatest"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var t0 = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

// fakeClock is the connector's clock in tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

type spanSpec struct {
	name  string
	id    byte // the trace and span ids are made of it; the span ends id seconds after t0
	attrs map[string]any
}

type resourceSpec struct {
	resource map[string]any
	spans    []spanSpec
}

func buildTraces(tb testing.TB, resources ...resourceSpec) ptrace.Traces {
	tb.Helper()
	td := ptrace.NewTraces()
	for _, r := range resources {
		rs := td.ResourceSpans().AppendEmpty()
		putSorted(tb, rs.Resource().Attributes(), r.resource)
		ss := rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetName("go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp")
		for _, s := range r.spans {
			span := ss.Spans().AppendEmpty()
			span.SetName(s.name)
			span.SetKind(ptrace.SpanKindServer)
			span.SetTraceID(pcommon.TraceID{0: s.id, 15: s.id})
			span.SetSpanID(pcommon.SpanID{0: s.id, 7: s.id})
			span.SetFlags(1) // sampled
			span.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
			span.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(s.id) * time.Second)))
			span.Status().SetCode(ptrace.StatusCodeError)
			putSorted(tb, span.Attributes(), s.attrs)
		}
	}
	return td
}

// putSorted puts the attributes in key order, so that golden files do not
// change with Go's map order.
func putSorted(tb testing.TB, m pcommon.Map, attrs map[string]any) {
	tb.Helper()
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		require.NoError(tb, m.PutEmpty(k).FromRaw(attrs[k]))
	}
}

var (
	checkout10 = map[string]any{"service.name": "checkout", "service.version": "1.0", "deployment.environment.name": "production", "host.name": "node-1"}
	checkout11 = map[string]any{"service.name": "checkout", "service.version": "1.1", "deployment.environment.name": "production", "host.name": "node-2"}
	payments   = map[string]any{"service.name": "payments", "service.version": "2.0"}
)

// diagnosed returns the attributes the processor writes on a diagnosed span
// of group fp, with its registry's view (occurrences, regression), plus the
// HTTP attributes of the server span.
func diagnosed(fp string, occurrences int, regression bool, version string) map[string]any {
	return map[string]any{
		"http.request.method":          "POST",
		"http.route":                   "/orders",
		"http.response.status_code":    500,
		"diagnosis.category":           "database_timeout",
		"diagnosis.cause":              "lock_timeout",
		"diagnosis.likelihood":         "medium",
		"diagnosis.confidence":         0.9,
		"diagnosis.evidence":           "PostgreSQL 55P03 lock_not_available on UPDATE orders (inventory)",
		"diagnosis.evidence.span_id":   "0a0000000000000a",
		"diagnosis.evidence.service":   "inventory",
		"diagnosis.fix":                "find the slow query, add indexes / optimise, then re-run load tests",
		"diagnosis.fix.effort":         "hard",
		"diagnosis.runbook.url":        "https://runbooks.example.com/database_timeout/lock_timeout",
		"diagnosis.fingerprint":        fp,
		"diagnosis.rule":               "builtin.postgres.sqlstate",
		"diagnosis.first_seen":         "2026-12-02T05:59:00Z",
		"diagnosis.first_seen.version": version,
		"diagnosis.regression":         regression,
		"diagnosis.occurrences":        occurrences,
	}
}

// lifecycle returns the attributes of a diagnosed span of group fp in state
// state, resolved in resolvedIn ("" when never).
func lifecycle(fp string, occurrences int, state string, relapse bool, resolvedIn string) map[string]any {
	attrs := diagnosed(fp, occurrences, false, "1.0")
	attrs["diagnosis.group.state"] = state
	attrs["diagnosis.relapse"] = relapse
	attrs["diagnosis.first_seen.revision"] = "4f9a2c1e"
	if resolvedIn != "" {
		attrs["diagnosis.resolved_in.version"] = resolvedIn
	}
	return attrs
}

func appException(fp string, occurrences int) map[string]any {
	return map[string]any{
		"http.request.method":   "GET",
		"http.route":            "/cart/{id}",
		"diagnosis.category":    "application_exception",
		"diagnosis.cause":       "key_error",
		"diagnosis.evidence":    "KeyError: 'sku' in cart.py:42",
		"diagnosis.fix":         "read the stack trace, patch the faulty code path",
		"diagnosis.fix.effort":  "medium",
		"diagnosis.fingerprint": fp,
		"diagnosis.first_seen":  "2026-12-02T06:00:00Z",
		"diagnosis.regression":  false,
		"diagnosis.occurrences": occurrences,
	}
}

func newTestConnector(tb testing.TB, cfg *Config, clock *fakeClock, set connector.Settings) (*incidentConnector, *consumertest.LogsSink) {
	tb.Helper()
	require.NoError(tb, cfg.Validate())
	sink := &consumertest.LogsSink{}
	c, err := newConnector(set, cfg, sink, clock.now)
	require.NoError(tb, err)
	require.NoError(tb, c.Start(context.Background(), componenttest.NewNopHost()))
	tb.Cleanup(func() { require.NoError(tb, c.Shutdown(context.Background())) })
	return c, sink
}

func defaultConfig() *Config { return createDefaultConfig().(*Config) }

// TestRecords: diagnosed spans in, incident records out, compared with the
// reviewed golden files; the input spans are left as they were.
func TestRecords(t *testing.T) {
	tests := []struct {
		name      string
		cfg       func(*Config)
		resources []resourceSpec
		golden    string // "" = no records at all
	}{
		{
			name:      "new_group",
			resources: []resourceSpec{{checkout10, []spanSpec{{name: "POST /orders", id: 1, attrs: diagnosed("a1a1a1a1a1a1a1a1", 1, false, "1.0")}}}},
			golden:    "new_group.yaml",
		},
		{
			name:      "regression",
			resources: []resourceSpec{{checkout11, []spanSpec{{name: "POST /orders", id: 2, attrs: diagnosed("b2b2b2b2b2b2b2b2", 1, true, "1.1")}}}},
			golden:    "regression.yaml",
		},
		{
			name: "mixed_batch",
			resources: []resourceSpec{
				{checkout11, []spanSpec{
					{name: "GET /healthz", id: 3, attrs: map[string]any{"http.response.status_code": 200}},
					{name: "POST /orders", id: 4, attrs: diagnosed("a1a1a1a1a1a1a1a1", 7, false, "1.0")}, // seen before
					{name: "POST /orders", id: 5, attrs: diagnosed("b2b2b2b2b2b2b2b2", 1, true, "1.1")},
					{name: "POST /orders", id: 6, attrs: diagnosed("b2b2b2b2b2b2b2b2", 2, true, "1.1")}, // the regression's second span
				}},
				{payments, []spanSpec{
					{name: "GET /cart/{id}", id: 7, attrs: appException("c3c3c3c3c3c3c3c3", 1)},
				}},
				{checkout10, []spanSpec{{name: "SELECT orders", id: 8, attrs: map[string]any{"db.system.name": "postgresql"}}}},
			},
			golden: "mixed_batch.yaml",
		},
		{
			name: "repeats_only",
			resources: []resourceSpec{{checkout11, []spanSpec{
				{name: "POST /orders", id: 9, attrs: diagnosed("a1a1a1a1a1a1a1a1", 2, false, "1.0")},
				{name: "POST /orders", id: 10, attrs: diagnosed("b2b2b2b2b2b2b2b2", 3, true, "1.1")},
			}}},
		},
		{
			name: "relapse",
			resources: []resourceSpec{{checkout11, []spanSpec{
				{name: "POST /orders", id: 14, attrs: lifecycle("a1a1a1a1a1a1a1a1", 40, "relapse", true, "1.1")},
				{name: "POST /orders", id: 15, attrs: lifecycle("a1a1a1a1a1a1a1a1", 41, "ongoing", true, "1.1")}, // after the relapse
				{name: "POST /orders", id: 16, attrs: lifecycle("e5e5e5e5e5e5e5e5", 9, "ongoing", false, "1.1")}, // an older version still running
			}}},
			golden: "relapse.yaml",
		},
		{
			name:      "no_fingerprint",
			resources: []resourceSpec{{checkout10, []spanSpec{{name: "POST /orders", id: 11, attrs: map[string]any{"diagnosis.occurrences": 1, "diagnosis.category": "unknown"}}}}},
		},
		{
			name: "custom_prefix",
			cfg:  func(c *Config) { c.AttributePrefix = "triage." },
			resources: []resourceSpec{{payments, []spanSpec{
				{name: "GET /cart/{id}", id: 12, attrs: appException("c3c3c3c3c3c3c3c3", 1)}, // diagnosis.*: not this prefix
				{name: "GET /cart/{id}", id: 13, attrs: map[string]any{
					"http.route":                "/cart/{id}",
					"triage.category":           "application_exception",
					"triage.cause":              "key_error",
					"triage.fingerprint":        "d4d4d4d4d4d4d4d4",
					"triage.occurrences":        1,
					"triage.first_seen":         "2026-12-02T06:00:13Z",
					"triage.first_seen.version": "2.0",
					"diagnosis.unrelated":       "not copied",
				}},
			}}},
			golden: "custom_prefix.yaml",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaultConfig()
			if tt.cfg != nil {
				tt.cfg(cfg)
			}
			clock := &fakeClock{t: t0.Add(time.Minute)}
			c, sink := newTestConnector(t, cfg, clock, connectortest.NewNopSettings(metadata.Type))
			td := buildTraces(t, tt.resources...)
			before := ptrace.NewTraces()
			td.CopyTo(before)

			require.NoError(t, c.ConsumeTraces(context.Background(), td))
			require.NoError(t, ptracetest.CompareTraces(before, td), "the spans are not changed")

			if tt.golden == "" {
				assert.Empty(t, sink.AllLogs(), "no records, not even an empty batch")
				return
			}
			require.Len(t, sink.AllLogs(), 1, "one batch of records per batch of spans")
			got := sink.AllLogs()[0]
			path := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				require.NoError(t, golden.WriteLogsToFile(path, got))
			}
			want, err := golden.ReadLogs(path)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(want, got))
		})
	}
}

// TestRecordShape asserts directly what the golden files hold, so a careless
// -update cannot hide a regression: one record per first sighting, linked to
// its span, with its kind, severity and service.
func TestRecordShape(t *testing.T) {
	clock := &fakeClock{t: t0.Add(time.Minute)}
	c, sink := newTestConnector(t, defaultConfig(), clock, connectortest.NewNopSettings(metadata.Type))
	td := buildTraces(t,
		resourceSpec{checkout11, []spanSpec{
			{name: "POST /orders", id: 4, attrs: diagnosed("a1a1a1a1a1a1a1a1", 7, false, "1.0")},
			{name: "POST /orders", id: 5, attrs: diagnosed("b2b2b2b2b2b2b2b2", 1, true, "1.1")},
		}},
		resourceSpec{payments, []spanSpec{{name: "GET /cart/{id}", id: 7, attrs: appException("c3c3c3c3c3c3c3c3", 1)}}},
	)
	require.NoError(t, c.ConsumeTraces(context.Background(), td))
	require.Len(t, sink.AllLogs(), 1)
	logs := sink.AllLogs()[0]
	require.Equal(t, 2, logs.LogRecordCount())

	type rec struct {
		service, version, kind, fingerprint, eventName string
		severity                                       plog.SeverityNumber
		traceID                                        pcommon.TraceID
		spanID                                         pcommon.SpanID
		ts                                             time.Time
	}
	var got []rec
	for _, rl := range logs.ResourceLogs().All() {
		res := rl.Resource().Attributes()
		_, hasHost := res.Get("host.name")
		assert.False(t, hasHost, "only the service identity is copied to the resource")
		for _, sl := range rl.ScopeLogs().All() {
			assert.Equal(t, metadata.ScopeName, sl.Scope().Name())
			for _, lr := range sl.LogRecords().All() {
				kind, _ := lr.Attributes().Get("diagnosis.incident.kind")
				fp, _ := lr.Attributes().Get("diagnosis.fingerprint")
				version := ""
				if v, ok := res.Get("service.version"); ok {
					version = v.Str()
				}
				svc, _ := res.Get("service.name")
				got = append(got, rec{svc.Str(), version, kind.Str(), fp.Str(), lr.EventName(), lr.SeverityNumber(), lr.TraceID(), lr.SpanID(), lr.Timestamp().AsTime()})
			}
		}
	}
	assert.Equal(t, []rec{
		{"checkout", "1.1", "regression", "b2b2b2b2b2b2b2b2", "errordiagnosis.incident", plog.SeverityNumberError,
			pcommon.TraceID{0: 5, 15: 5}, pcommon.SpanID{0: 5, 7: 5}, t0.Add(5 * time.Second)},
		{"payments", "2.0", "new", "c3c3c3c3c3c3c3c3", "errordiagnosis.incident", plog.SeverityNumberWarn,
			pcommon.TraceID{0: 7, 15: 7}, pcommon.SpanID{0: 7, 7: 7}, t0.Add(7 * time.Second)},
	}, got)
}

type rateStep struct {
	at       time.Duration // after t0
	resource map[string]any
	fp       string
	want     bool // a record
}

// TestRateLimit: a registry that forgot a group and learned it again reports
// a first sighting again; the connector sends at most one record per group
// (service, environment, fingerprint) per interval.
func TestRateLimit(t *testing.T) {
	staging := map[string]any{"service.name": "checkout", "service.version": "1.0", "deployment.environment.name": "staging"}
	tests := []struct {
		name      string
		interval  time.Duration
		maxGroups int
		steps     []rateStep
	}{
		{
			name: "one record per group per interval", interval: time.Hour, maxGroups: 10,
			steps: []rateStep{
				{0, checkout10, "a1a1a1a1a1a1a1a1", true},
				{30 * time.Minute, checkout10, "a1a1a1a1a1a1a1a1", false},
				{30 * time.Minute, checkout11, "a1a1a1a1a1a1a1a1", false}, // another version, same group
				{time.Hour, checkout10, "a1a1a1a1a1a1a1a1", true},
			},
		},
		{
			name: "groups are per environment and fingerprint", interval: time.Hour, maxGroups: 10,
			steps: []rateStep{
				{0, checkout10, "a1a1a1a1a1a1a1a1", true},
				{0, staging, "a1a1a1a1a1a1a1a1", true},
				{0, checkout10, "b2b2b2b2b2b2b2b2", true},
				{time.Minute, staging, "a1a1a1a1a1a1a1a1", false},
			},
		},
		{
			name: "a group forgotten by the limiter gets a record again", interval: time.Hour, maxGroups: 2,
			steps: []rateStep{
				{0, checkout10, "a1a1a1a1a1a1a1a1", true},
				{0, checkout10, "b2b2b2b2b2b2b2b2", true},
				{0, checkout10, "c3c3c3c3c3c3c3c3", true}, // forgets a1
				{time.Minute, checkout10, "a1a1a1a1a1a1a1a1", true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaultConfig()
			cfg.RateLimit = RateLimitConfig{Interval: tt.interval, MaxGroups: tt.maxGroups}
			tel := componenttest.NewTelemetry()
			t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
			clock := &fakeClock{}
			c, sink := newTestConnector(t, cfg, clock, metadatatest.NewSettings(tel))
			var wantRecords, wantSuppressed int64
			for i, s := range tt.steps {
				clock.t = t0.Add(s.at)
				before := sink.LogRecordCount()
				td := buildTraces(t, resourceSpec{s.resource, []spanSpec{{name: "POST /orders", id: byte(i + 1), attrs: diagnosed(s.fp, 1, false, "1.0")}}})
				require.NoError(t, c.ConsumeTraces(context.Background(), td))
				if s.want {
					wantRecords++
					assert.Equal(t, before+1, sink.LogRecordCount(), "step %d: a record", i)
				} else {
					wantSuppressed++
					assert.Equal(t, before, sink.LogRecordCount(), "step %d: no record", i)
				}
			}
			metadatatest.AssertEqualConnectorIncidentRecordsEmitted(t, tel, []metricdata.DataPoint[int64]{
				{Value: wantRecords, Attributes: attribute.NewSet(attribute.String("kind", "new"))},
			}, metricdatatest.IgnoreTimestamp())
			if wantSuppressed > 0 {
				metadatatest.AssertEqualConnectorIncidentRecordsSuppressed(t, tel, []metricdata.DataPoint[int64]{
					{Value: wantSuppressed, Attributes: attribute.NewSet(attribute.String("reason", "rate_limited"))},
				}, metricdatatest.IgnoreTimestamp())
			}
			metadatatest.AssertEqualConnectorIncidentTrackedGroups(t, tel, []metricdata.DataPoint[int64]{
				{Value: int64(min(tt.maxGroups, distinctGroups(tt.steps)))},
			}, metricdatatest.IgnoreTimestamp())
		})
	}
}

// TestRateLimitGroupIdentity: the connector tells groups apart as the
// processor's registry does (contract.GroupID), so that a group the registry
// counts once is limited once.
func TestRateLimitGroupIdentity(t *testing.T) {
	long := strings.Repeat("s", contract.MaxIdentityField)
	tests := []struct {
		name          string
		first, second map[string]any
		twoGroups     bool
	}{
		{"versions and hosts are one group", checkout10, checkout11, false},
		{"environments are two", checkout10, map[string]any{"service.name": "checkout"}, true},
		{"services are two", checkout10, payments, true},
		{"an environment that is not a string is none", map[string]any{"service.name": "checkout", "deployment.environment.name": 1},
			map[string]any{"service.name": "checkout"}, false},
		{"names equal up to the cap are one", map[string]any{"service.name": long + "-a"}, map[string]any{"service.name": long + "-b"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, sink := newTestConnector(t, defaultConfig(), &fakeClock{t: t0}, connectortest.NewNopSettings(metadata.Type))
			for i, r := range []map[string]any{tt.first, tt.second} {
				td := buildTraces(t, resourceSpec{r, []spanSpec{{name: "POST /orders", id: byte(i + 1), attrs: diagnosed("a1a1a1a1a1a1a1a1", 1, false, "1.0")}}})
				require.NoError(t, c.ConsumeTraces(context.Background(), td))
			}
			want := 1
			if tt.twoGroups {
				want = 2
			}
			assert.Equal(t, want, sink.LogRecordCount())
		})
	}
}

func distinctGroups(steps []rateStep) int {
	seen := map[string]bool{}
	for _, s := range steps {
		seen[s.resource["deployment.environment.name"].(string)+"/"+s.fp] = true
	}
	return len(seen)
}

// TestMalformed: deciding attributes of the wrong type produce no record and
// no panic, are counted, and the spans pass unchanged.
func TestMalformed(t *testing.T) {
	with := func(k string, v any) map[string]any {
		m := diagnosed("a1a1a1a1a1a1a1a1", 1, false, "1.0")
		m[k] = v
		return m
	}
	without := func(k string) map[string]any {
		m := diagnosed("a1a1a1a1a1a1a1a1", 1, false, "1.0")
		delete(m, k)
		return m
	}
	tests := []struct {
		name      string
		attrs     map[string]any
		malformed bool // counted as malformed; else silently nothing or a record
		record    bool
	}{
		{"fingerprint an int", with("diagnosis.fingerprint", 42), true, false},
		{"fingerprint empty", with("diagnosis.fingerprint", ""), true, false},
		{"fingerprint a map", with("diagnosis.fingerprint", map[string]any{"x": 1}), true, false},
		{"occurrences a string", with("diagnosis.occurrences", "1"), true, false},
		{"occurrences a double", with("diagnosis.occurrences", 1.0), true, false},
		{"occurrences a slice", with("diagnosis.occurrences", []any{1}), true, false},
		{"regression a string", with("diagnosis.regression", "true"), true, false},
		{"regression an int", with("diagnosis.regression", 1), true, false},
		{"occurrences zero", with("diagnosis.occurrences", 0), false, false},
		{"occurrences negative", with("diagnosis.occurrences", -5), false, false},
		{"regression absent: new", without("diagnosis.regression"), false, true},
		{"descriptive attributes of other types", with("diagnosis.category", 3.5), false, true},
		{"evidence a byte slice", with("diagnosis.evidence", []byte{0xff, 0x00}), false, true},
		{"first_seen absent", without("diagnosis.first_seen"), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tel := componenttest.NewTelemetry()
			t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
			c, sink := newTestConnector(t, defaultConfig(), &fakeClock{t: t0}, metadatatest.NewSettings(tel))
			td := buildTraces(t, resourceSpec{checkout10, []spanSpec{{name: "POST /orders", id: 1, attrs: tt.attrs}}})
			before := ptrace.NewTraces()
			td.CopyTo(before)
			require.NotPanics(t, func() { require.NoError(t, c.ConsumeTraces(context.Background(), td)) })
			require.NoError(t, ptracetest.CompareTraces(before, td))
			if tt.record {
				assert.Equal(t, 1, sink.LogRecordCount())
			} else {
				assert.Zero(t, sink.LogRecordCount())
			}
			if tt.malformed {
				metadatatest.AssertEqualConnectorIncidentRecordsSuppressed(t, tel, []metricdata.DataPoint[int64]{
					{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "malformed"))},
				}, metricdatatest.IgnoreTimestamp())
			}
		})
	}
}

// TestNoRegistry: diagnosed spans without occurrences (the processor's
// registry off, or another attribute_prefix) produce no record and one
// warning that says what to fix, not one per span.
func TestNoRegistry(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	set := connectortest.NewNopSettings(metadata.Type)
	set.Logger = zap.New(core)
	c, sink := newTestConnector(t, defaultConfig(), &fakeClock{t: t0}, set)
	attrs := diagnosed("a1a1a1a1a1a1a1a1", 1, false, "1.0")
	delete(attrs, "diagnosis.occurrences")
	for i := range 3 {
		td := buildTraces(t, resourceSpec{checkout10, []spanSpec{{name: "POST /orders", id: byte(i + 1), attrs: attrs}}})
		require.NoError(t, c.ConsumeTraces(context.Background(), td))
	}
	assert.Zero(t, sink.LogRecordCount())
	warned := logs.FilterMessageSnippet("diagnosed spans carry no diagnosis.occurrences")
	require.Equal(t, 1, warned.Len())
	assert.Contains(t, warned.All()[0].Message, "attribute_prefix")
}

// TestNoProcessor: a connector whose processor setting names no processor
// of the collector says so at start, naming the setting; one that names a
// processor does not.
func TestNoProcessor(t *testing.T) {
	for _, published := range []bool{false, true} {
		t.Run(fmt.Sprint("published=", published), func(t *testing.T) {
			core, logs := observer.New(zap.WarnLevel)
			set := connectortest.NewNopSettings(metadata.Type)
			set.Logger = zap.New(core)
			cfg := defaultConfig()
			cfg.Processor = component.MustNewIDWithName("errordiagnosis", fmt.Sprint("noprocessor", published))
			if published {
				registry.New(registry.Limits{MaxEntries: 1}, time.Now).PublishTo(registry.FeedOf(cfg.Processor.String()))
			}
			newTestConnector(t, cfg, &fakeClock{t: t0}, set)
			warned := logs.FilterMessageSnippet("Set processor to the processor's ID")
			if published {
				assert.Zero(t, warned.Len())
				return
			}
			require.Equal(t, 1, warned.Len())
			assert.Equal(t, cfg.Processor.String(), warned.All()[0].ContextMap()["processor"])
		})
	}
}

// TestLogsPipelineError: an error of the logs pipeline is not returned to
// the traces pipeline (its spans were delivered); the records are counted
// as refused, not as emitted.
func TestLogsPipelineError(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	failing := consumertest.NewErr(assert.AnError)
	c, err := newConnector(metadatatest.NewSettings(tel), defaultConfig(), failing, (&fakeClock{t: t0}).now)
	require.NoError(t, err)
	td := buildTraces(t, resourceSpec{checkout10, []spanSpec{{name: "POST /orders", id: 1, attrs: diagnosed("a1a1a1a1a1a1a1a1", 1, false, "1.0")}}})
	require.NoError(t, c.ConsumeTraces(context.Background(), td), "the spans were delivered: the logs pipeline's error is not theirs")
	_, err = tel.GetMetric("otelcol_connector_incident_records_emitted")
	require.Error(t, err, "nothing emitted")
	metadatatest.AssertEqualConnectorIncidentRecordsSuppressed(t, tel, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "refused"))},
	}, metricdatatest.IgnoreTimestamp())
	require.NoError(t, c.Shutdown(context.Background()))
}

// TestRelapseAndStates: group.state decides over occurrences when present:
// a relapse is an ERROR record, ongoing spans none, an unknown state is
// malformed.
func TestRelapseAndStates(t *testing.T) {
	tests := []struct {
		state    any
		want     string // the record's kind, "" for none
		severity plog.SeverityNumber
	}{
		{"new", "new", plog.SeverityNumberWarn},
		{"regression", "new", plog.SeverityNumberWarn}, // regression=false on the span: the bool says which
		{"relapse", "relapse", plog.SeverityNumberError},
		{"ongoing", "", 0},
		{"resolved", "", 0}, // no span is ever resolved
		{int64(1), "", 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.state), func(t *testing.T) {
			c, sink := newTestConnector(t, defaultConfig(), &fakeClock{t: t0}, connectortest.NewNopSettings(metadata.Type))
			attrs := diagnosed("a1a1a1a1a1a1a1a1", 1, false, "1.0")
			attrs["diagnosis.group.state"] = tt.state
			require.NoError(t, c.ConsumeTraces(context.Background(), buildTraces(t, resourceSpec{checkout11, []spanSpec{{name: "POST /orders", id: 1, attrs: attrs}}})))
			if tt.want == "" {
				assert.Empty(t, sink.AllLogs())
				return
			}
			require.Len(t, sink.AllLogs(), 1)
			lr := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
			kind, _ := lr.Attributes().Get("diagnosis.incident.kind")
			assert.Equal(t, tt.want, kind.Str())
			assert.Equal(t, tt.severity, lr.SeverityNumber())
		})
	}
}

// TestResolvedRecords: the groups the processor named by processor
// resolved become INFO records with the next batch of spans, once, rate
// limited per group apart from its other kinds; a connector of another
// processor gets none.
func TestResolvedRecords(t *testing.T) {
	cfg := defaultConfig()
	cfg.Processor = component.MustNewIDWithName("errordiagnosis", "resolvedrecords")
	clock := &fakeClock{t: t0.Add(time.Hour)}
	c, sink := newTestConnector(t, cfg, clock, connectortest.NewNopSettings(metadata.Type))
	other, otherSink := newTestConnector(t, defaultConfig(), clock, connectortest.NewNopSettings(metadata.Type))
	resolved := registry.Event{
		Key:        registry.Key{Service: registry.Service{Name: "checkout", Environment: "production"}, Fingerprint: "a1a1a1a1a1a1a1a1"},
		ResolvedIn: "1.1", Requests: 1000, At: t0.Add(30 * time.Minute),
		FirstSeen: t0, FirstVersion: "1.0", FirstRevision: "4f9a2c1e", Category: "database_timeout", Cause: "lock_timeout", Count: 12,
	}
	feed := registry.FeedOf(cfg.Processor.String())
	feed.Publish([]registry.Event{resolved})
	healthy := func() ptrace.Traces {
		return buildTraces(t, resourceSpec{checkout11, []spanSpec{{name: "GET /healthz", id: 1, attrs: map[string]any{"http.response.status_code": 200}}}})
	}
	require.NoError(t, c.ConsumeTraces(context.Background(), healthy()))
	require.NoError(t, other.ConsumeTraces(context.Background(), healthy()))
	assert.Empty(t, otherSink.AllLogs(), "another processor's resolutions")
	require.Len(t, sink.AllLogs(), 1)
	got := sink.AllLogs()[0]
	path := filepath.Join("testdata", "golden", "resolved.yaml")
	if *update {
		require.NoError(t, golden.WriteLogsToFile(path, got))
	}
	want, err := golden.ReadLogs(path)
	require.NoError(t, err)
	require.NoError(t, plogtest.CompareLogs(want, got))
	lr := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, plog.SeverityNumberInfo, lr.SeverityNumber())
	assert.True(t, lr.TraceID().IsEmpty(), "no span shows a resolution")
	assert.Equal(t, "resolved in checkout 1.1 (production): database_timeout/lock_timeout not seen in 1000 requests (first seen in 1.0)", lr.Body().Str())

	require.NoError(t, c.ConsumeTraces(context.Background(), healthy()))
	assert.Len(t, sink.AllLogs(), 1, "read once")

	// The same group new, then resolved again within the interval: the
	// new record goes, the second resolution is rate limited.
	require.NoError(t, c.ConsumeTraces(context.Background(), buildTraces(t, resourceSpec{checkout10, []spanSpec{
		{name: "POST /orders", id: 2, attrs: diagnosed("a1a1a1a1a1a1a1a1", 1, false, "1.0")},
	}})))
	feed.Publish([]registry.Event{resolved})
	require.NoError(t, c.ConsumeTraces(context.Background(), healthy()))
	require.Len(t, sink.AllLogs(), 2)
	assert.Equal(t, "new", kindOf(sink.AllLogs()[1]))
}

// TestResolvedLost: resolutions beyond what the feed keeps for a connector
// that did not read are counted lost.
func TestResolvedLost(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := connectortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	cfg := defaultConfig()
	cfg.Processor = component.MustNewIDWithName("errordiagnosis", "resolvedlost")
	c, sink := newTestConnector(t, cfg, &fakeClock{t: t0}, set)
	events := make([]registry.Event, registry.MaxPendingEvents+3)
	for i := range events {
		events[i] = registry.Event{Key: registry.Key{Service: registry.Service{Name: "checkout"}, Fingerprint: fmt.Sprintf("%016x", i)}, ResolvedIn: "1.1", Requests: 1000}
	}
	registry.FeedOf(cfg.Processor.String()).Publish(events)
	require.NoError(t, c.ConsumeTraces(context.Background(), ptrace.NewTraces()))
	require.Len(t, sink.AllLogs(), 1)
	assert.Equal(t, registry.MaxPendingEvents, sink.AllLogs()[0].LogRecordCount())
	metadatatest.AssertEqualConnectorIncidentRecordsSuppressed(t, tel, []metricdata.DataPoint[int64]{
		{Value: 3, Attributes: attribute.NewSet(attribute.String("reason", "lost"))},
	}, metricdatatest.IgnoreTimestamp())
}

func kindOf(logs plog.Logs) string {
	kind, _ := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get("diagnosis.incident.kind")
	return kind.Str()
}
