package readings

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// t0 is the time of the readings of the tests.
var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// pt is one data point of a metric of a test batch.
type pt struct {
	metric string
	kind   pmetric.MetricType // gauge or sum
	delta  bool
	v      float64
	attrs  map[string]any
	at     time.Time
	unit   string
}

var instanceAttrs = map[string]any{"service.name": "orders", "service.instance.id": "orders-1", "host.name": "h1"}

// batch builds the metrics of one resource, one metric per point.
func batch(resource map[string]any, points ...pt) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	_ = rm.Resource().Attributes().FromRaw(resource)
	ms := rm.ScopeMetrics().AppendEmpty().Metrics()
	for _, p := range points {
		m := ms.AppendEmpty()
		m.SetName(p.metric)
		m.SetUnit(p.unit)
		var dp pmetric.NumberDataPoint
		switch p.kind {
		case pmetric.MetricTypeGauge:
			dp = m.SetEmptyGauge().DataPoints().AppendEmpty()
		case pmetric.MetricTypeHistogram:
			m.SetEmptyHistogram().DataPoints().AppendEmpty().SetTimestamp(pcommon.NewTimestampFromTime(p.at))
			continue
		default:
			s := m.SetEmptySum()
			s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			if p.delta {
				s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
			}
			dp = s.DataPoints().AppendEmpty()
		}
		if p.v == float64(int64(p.v)) {
			dp.SetIntValue(int64(p.v))
		} else {
			dp.SetDoubleValue(p.v)
		}
		dp.SetTimestamp(pcommon.NewTimestampFromTime(p.at))
		_ = dp.Attributes().FromRaw(p.attrs)
	}
	return md
}

func sum(metric string, v float64, attrs map[string]any, at time.Time) pt {
	return pt{metric: metric, kind: pmetric.MetricTypeSum, v: v, attrs: attrs, at: at}
}

func poolAttrs(name string) map[string]any {
	return map[string]any{"db.client.connection.pool.name": name}
}

func used(name string) map[string]any {
	return map[string]any{"db.client.connection.pool.name": name, "db.client.connection.state": "used"}
}

// kept returns the instance of resource in s.
func kept(t *testing.T, s *Store, resource map[string]any) *instance {
	t.Helper()
	key, ok := appendKey(nil, resourceOf(resource))
	require.True(t, ok)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byKey[string(key)]
}

// TestRecord: what each metric of the table keeps, in both generations and
// temporalities; what is not of the table, or not the reading's state or
// type, is not kept.
func TestRecord(t *testing.T) {
	at := t0
	s := New(1<<20, time.Hour)
	s.Record(batch(instanceAttrs,
		sum("db.client.connection.count", 7, used("p1"), at),
		sum("db.client.connection.count", 3, map[string]any{"db.client.connection.pool.name": "p1", "db.client.connection.state": "idle"}, at),
		sum("db.client.connection.max", 10, poolAttrs("p1"), at),
		sum("db.client.connections.usage", 4, map[string]any{"pool.name": "p2", "state": "used"}, at),
		sum("db.client.connections.max", 5, map[string]any{"pool.name": "p2"}, at),
		sum("db.client.connections.pending_requests", 2, map[string]any{"pool.name": "p2"}, at),
		pt{metric: "db.client.connections.timeouts", kind: pmetric.MetricTypeSum, delta: true, v: 3, attrs: map[string]any{"pool.name": "p2"}, at: at},
		pt{metric: "db.client.connections.timeouts", kind: pmetric.MetricTypeSum, delta: true, v: 2, attrs: map[string]any{"pool.name": "p2"}, at: at.Add(time.Second)},
		sum("jvm.memory.used", 100, map[string]any{"jvm.memory.type": "heap", "jvm.memory.pool.name": "G1 Old Gen"}, at),
		sum("jvm.memory.used", 50, map[string]any{"jvm.memory.type": "non_heap", "jvm.memory.pool.name": "Metaspace"}, at),
		sum("jvm.memory.limit", 200, map[string]any{"jvm.memory.type": "heap", "jvm.memory.pool.name": "G1 Old Gen"}, at),
		sum("go.memory.used", 11, map[string]any{"go.memory.type": "stack"}, at),
		sum("go.memory.used", 22, map[string]any{"go.memory.type": "other"}, at),
		sum("go.memory.limit", 40, nil, at),
		pt{metric: "system.filesystem.utilization", kind: pmetric.MetricTypeGauge, v: 0.5, attrs: map[string]any{"system.filesystem.mountpoint": "/"}, at: at, unit: "1"},
		pt{metric: "system.filesystem.utilization", kind: pmetric.MetricTypeGauge, v: 99, attrs: map[string]any{"mountpoint": "/pct"}, at: at, unit: "%"},
		sum("system.filesystem.usage", 9, map[string]any{"mountpoint": "/data", "state": "used"}, at),
		sum("system.filesystem.usage", 1, map[string]any{"mountpoint": "/data", "state": "free"}, at),
		sum("system.filesystem.limit", 12, map[string]any{"system.filesystem.mountpoint": "/data"}, at),
		pt{metric: "db.client.connection.wait_time", kind: pmetric.MetricTypeHistogram, at: at},
		sum("http.server.active_requests", 3, nil, at),
	), t0)

	in := kept(t, s, instanceAttrs)
	require.NotNil(t, in)
	ts := at.UnixNano()
	require.Len(t, in.pools, 2)
	assert.Equal(t, pool{name: "p1", used: of(point{7, ts}), max: of(point{10, ts})}, in.pools[0])
	p2 := in.pools[1]
	assert.Equal(t, uint8(1), p2.gen, "older names")
	assert.Equal(t, point{4, ts}, p2.used.last())
	assert.Equal(t, point{2, ts}, p2.pending.last())
	assert.Equal(t, of(point{5, at.Add(time.Second).UnixNano()}, point{3, ts}), p2.timeouts, "deltas add up")
	require.Len(t, in.heap, 1, "non-heap pools are not kept")
	assert.Equal(t, memPool{name: "G1 Old Gen", used: of(point{100, ts}), limit: of(point{200, ts})}, in.heap[0])
	assert.Equal(t, [2]track{of(point{11, ts}), of(point{22, ts})}, in.goUsed)
	assert.Equal(t, point{40, ts}, in.goLimit.last())
	require.Len(t, in.mounts, 3)
	assert.Equal(t, point{0.5, ts}, in.mounts[0].util.last())
	assert.Equal(t, point{0.99, ts}, in.mounts[1].util.last(), "a percentage read as a fraction")
	assert.Equal(t, mount{path: "/data", used: of(point{9, ts}), free: of(point{1, ts}), limit: of(point{12, ts})}, in.mounts[2])
}

// TestRecordSkips: a resource that names no instance, points without a
// timestamp and older points are not kept.
func TestRecordSkips(t *testing.T) {
	s := New(1<<20, time.Hour)
	s.Record(batch(map[string]any{"telemetry.sdk.language": "go"}, sum("go.memory.limit", 1, nil, t0)), t0)
	assert.Zero(t, s.Instances(), "no identity")

	s.Record(batch(instanceAttrs, sum("go.memory.limit", 5, nil, t0), sum("go.memory.limit", 4, nil, t0.Add(-time.Second))), t0)
	s.Record(batch(instanceAttrs, pt{metric: "go.memory.limit", kind: pmetric.MetricTypeSum, v: 3}), t0)
	assert.Equal(t, of(point{5, t0.UnixNano()}), kept(t, s, instanceAttrs).goLimit)
}

// BenchmarkRecord: a request of 16 Java-agent-like instances, each with
// the table's pool and heap readings among metrics outside the table,
// recorded again and again with timestamps moving on.
func BenchmarkRecord(b *testing.B) {
	md := pmetric.NewMetrics()
	for i := 0; i < 16; i++ {
		one := batch(map[string]any{"service.name": "orders", "service.instance.id": fmt.Sprint("orders-", i), "host.name": "h", "telemetry.sdk.language": "java"},
			sum("http.server.active_requests", 1, map[string]any{"http.route": "/a"}, t0),
			sum("jvm.thread.count", 1, map[string]any{"jvm.thread.daemon": true}, t0),
			sum("jvm.memory.committed", 1, heapAttrs("G1 Old Gen"), t0),
			sum("jvm.memory.used", 1, heapAttrs("G1 Eden Space"), t0),
			sum("jvm.memory.used", 1, heapAttrs("G1 Old Gen"), t0),
			sum("jvm.memory.used", 1, map[string]any{"jvm.memory.type": "non_heap", "jvm.memory.pool.name": "Metaspace"}, t0),
			sum("jvm.memory.limit", 1, heapAttrs("G1 Old Gen"), t0),
			sum("db.client.connection.count", 3, used("HikariPool-1"), t0),
			sum("db.client.connection.count", 3, map[string]any{"db.client.connection.pool.name": "HikariPool-1", "db.client.connection.state": "idle"}, t0),
			sum("db.client.connection.max", 10, poolAttrs("HikariPool-1"), t0),
			sum("db.client.connection.pending_requests", 0, poolAttrs("HikariPool-1"), t0),
			sum("db.client.connection.timeouts", 0, poolAttrs("HikariPool-1"), t0),
		)
		one.ResourceMetrics().MoveAndAppendTo(md.ResourceMetrics())
	}
	var dps []pmetric.NumberDataPoint
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		ms := rms.At(i).ScopeMetrics().At(0).Metrics()
		for j := 0; j < ms.Len(); j++ {
			dps = append(dps, ms.At(j).Sum().DataPoints().At(0))
		}
	}
	s := New(1<<20, time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ts := pcommon.NewTimestampFromTime(t0.Add(time.Duration(i+1) * time.Millisecond))
		for _, dp := range dps {
			dp.SetTimestamp(ts)
		}
		s.Record(md, t0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(dps)), "ns/point")
}
