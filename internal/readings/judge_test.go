package readings

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func heapAttrs(name string) map[string]any {
	return map[string]any{"jvm.memory.type": "heap", "jvm.memory.pool.name": name}
}

// TestSaturation: each rule at and below its threshold, the window's
// edges, and the text that names the metric, the value, the limit and when
// it was read.
func TestSaturation(t *testing.T) {
	const window = 2 * time.Minute
	start := t0
	end := t0.Add(30 * time.Second)
	before := func(d time.Duration) time.Time { return start.Add(-d) }
	const mib = 1 << 20
	tests := []struct {
		name   string
		points []pt
		want   string // the finding's text; "" for none
		rule   string
		cause  Cause
	}{
		{"pool used at max",
			[]pt{sum("db.client.connection.count", 10, used("HikariPool-1"), before(4*time.Second)), sum("db.client.connection.max", 10, poolAttrs("HikariPool-1"), before(time.Hour))},
			"db.client.connection.count used 10 of max 10, pool HikariPool-1, 4 s before the span", RulePoolAtMax, PoolExhausted},
		{"pool read just before the span",
			[]pt{sum("db.client.connection.count", 1, used("p"), before(300*time.Millisecond)), sum("db.client.connection.max", 1, poolAttrs("p"), before(time.Hour))},
			"db.client.connection.count used 1 of max 1, pool p, less than 1 s before the span", RulePoolAtMax, PoolExhausted},
		{"pool one below max",
			[]pt{sum("db.client.connection.count", 9, used("p"), before(time.Second)), sum("db.client.connection.max", 10, poolAttrs("p"), before(time.Second))},
			"", "", 0},
		{"pool without max",
			[]pt{sum("db.client.connection.count", 9, used("p"), before(time.Second))},
			"", "", 0},
		{"pool read during the span",
			[]pt{sum("db.client.connections.usage", 5, map[string]any{"pool.name": "p", "state": "used"}, start.Add(12*time.Second)), sum("db.client.connections.max", 5, map[string]any{"pool.name": "p"}, start)},
			"db.client.connections.usage used 5 of max 5, pool p, 12 s into the span", RulePoolAtMax, PoolExhausted},
		{"pool at the window's start",
			[]pt{sum("db.client.connection.count", 2, used(""), before(window)), sum("db.client.connection.max", 2, nil, before(window))},
			"db.client.connection.count used 2 of max 2, 120 s before the span", RulePoolAtMax, PoolExhausted},
		{"pool just before the window",
			[]pt{sum("db.client.connection.count", 2, used(""), before(window+time.Nanosecond)), sum("db.client.connection.max", 2, nil, before(window))},
			"", "", 0},
		{"pool just after the span",
			[]pt{sum("db.client.connection.count", 2, used(""), end.Add(time.Nanosecond)), sum("db.client.connection.max", 2, nil, before(time.Second))},
			"", "", 0},
		{"pending while timeouts increase",
			[]pt{sum("db.client.connection.timeouts", 1, poolAttrs("p"), before(90*time.Second)), sum("db.client.connection.timeouts", 4, poolAttrs("p"), before(30*time.Second)),
				sum("db.client.connection.pending_requests", 7, poolAttrs("p"), before(30*time.Second))},
			"db.client.connection.pending_requests 7 with db.client.connection.timeouts up by 3, pool p, 30 s before the span", RulePoolTimeouts, PoolExhausted},
		{"pending without timeouts",
			[]pt{sum("db.client.connection.timeouts", 4, poolAttrs("p"), before(90*time.Second)), sum("db.client.connection.timeouts", 4, poolAttrs("p"), before(30*time.Second)),
				sum("db.client.connection.pending_requests", 7, poolAttrs("p"), before(30*time.Second))},
			"", "", 0},
		{"timeouts without pending",
			[]pt{sum("db.client.connection.timeouts", 1, poolAttrs("p"), before(90*time.Second)), sum("db.client.connection.timeouts", 4, poolAttrs("p"), before(30*time.Second)),
				sum("db.client.connection.pending_requests", 0, poolAttrs("p"), before(30*time.Second))},
			"", "", 0},
		{"heap at 95 %",
			[]pt{sum("jvm.memory.used", 95*mib, heapAttrs("PS Old Gen"), before(time.Minute)), sum("jvm.memory.limit", 100*mib, heapAttrs("PS Old Gen"), before(time.Minute))},
			"jvm.memory.used heap 95.0 MiB of limit 100.0 MiB (95.0 %), 60 s before the span", RuleJVMHeap, OutOfMemory},
		{"heap at 94 %",
			[]pt{sum("jvm.memory.used", 94*mib, heapAttrs("PS Old Gen"), before(time.Minute)), sum("jvm.memory.limit", 100*mib, heapAttrs("PS Old Gen"), before(time.Minute))},
			"", "", 0},
		{"heap of pools, the older names",
			[]pt{sum("process.runtime.jvm.memory.usage", 40*mib, map[string]any{"type": "heap", "pool": "eden"}, before(time.Second)),
				sum("process.runtime.jvm.memory.usage", 58*mib, map[string]any{"type": "heap", "pool": "old"}, before(time.Second)),
				sum("process.runtime.jvm.memory.limit", 100*mib, map[string]any{"type": "heap", "pool": "old"}, before(time.Second))},
			"process.runtime.jvm.memory.usage heap 98.0 MiB of limit 100.0 MiB (98.0 %), 1 s before the span", RuleJVMHeap, OutOfMemory},
		{"go memory at its limit",
			[]pt{sum("go.memory.used", 10*mib, map[string]any{"go.memory.type": "stack"}, before(5*time.Second)), sum("go.memory.used", 480*mib, map[string]any{"go.memory.type": "other"}, before(5*time.Second)),
				sum("go.memory.limit", 500*mib, nil, before(5*time.Second))},
			"go.memory.used 490.0 MiB of go.memory.limit 500.0 MiB (98.0 %), 5 s before the span", RuleGoMemory, OutOfMemory},
		{"go memory without a limit",
			[]pt{sum("go.memory.used", 480*mib, map[string]any{"go.memory.type": "other"}, before(5*time.Second))},
			"", "", 0},
		{"filesystem utilization at 98 %",
			[]pt{{metric: "system.filesystem.utilization", v: 0.98, attrs: map[string]any{"system.filesystem.mountpoint": "/data"}, at: before(time.Second), unit: "1"}},
			"system.filesystem.utilization 98.0 % of /data, 1 s before the span", RuleFilesystemFull, DiskFull},
		{"filesystem utilization at 97 %",
			[]pt{{metric: "system.filesystem.utilization", v: 0.97, attrs: map[string]any{"system.filesystem.mountpoint": "/data"}, at: before(time.Second), unit: "1"}},
			"", "", 0},
		{"filesystem usage of a limit",
			[]pt{sum("system.filesystem.usage", 99*mib, map[string]any{"system.filesystem.mountpoint": "/", "system.filesystem.state": "used"}, before(time.Second)),
				sum("system.filesystem.limit", 100*mib, map[string]any{"system.filesystem.mountpoint": "/"}, before(time.Second))},
			"system.filesystem.usage used 99.0 MiB of system.filesystem.limit 100.0 MiB (99.0 %) of /, 1 s before the span", RuleFilesystemFull, DiskFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(1<<20, time.Hour)
			s.Record(batch(instanceAttrs, tt.points...), t0)
			f, ok := s.Saturation(resource(instanceAttrs), pcommon.NewTimestampFromTime(start), pcommon.NewTimestampFromTime(end), window)
			if tt.want == "" {
				assert.False(t, ok, "found %q", f.Text)
				return
			}
			assert.True(t, ok)
			assert.Equal(t, Finding{Cause: tt.cause, Rule: tt.rule, Subject: f.Subject, Text: tt.want}, f)
		})
	}
}

func resource(attrs map[string]any) pcommon.Resource {
	r := pcommon.NewResource()
	_ = r.Attributes().FromRaw(attrs)
	return r
}

// TestSaturationOfInstances: another instance's saturated readings never
// count; a host's filesystem counts for the services on it; a pool comes
// before memory, memory before a filesystem.
func TestSaturationOfInstances(t *testing.T) {
	s := New(1<<20, time.Hour)
	at := t0.Add(-time.Second)
	s.Record(batch(instanceAttrs,
		sum("jvm.memory.used", 99, heapAttrs("old"), at), sum("jvm.memory.limit", 100, heapAttrs("old"), at),
		sum("db.client.connection.count", 3, used("p"), at), sum("db.client.connection.max", 3, poolAttrs("p"), at),
	), t0)
	s.Record(batch(map[string]any{"host.name": "h2"},
		sum("system.filesystem.usage", 99, map[string]any{"mountpoint": "/", "state": "used"}, at),
		sum("system.filesystem.usage", 1, map[string]any{"mountpoint": "/", "state": "free"}, at),
	), t0)
	ts := pcommon.NewTimestampFromTime(t0)
	judge := func(attrs map[string]any) (Cause, bool) {
		f, ok := s.Saturation(resource(attrs), ts, ts, time.Minute)
		return f.Cause, ok
	}
	c, ok := judge(instanceAttrs)
	assert.True(t, ok)
	assert.Equal(t, PoolExhausted, c, "a pool first")
	_, ok = judge(map[string]any{"service.name": "orders", "service.instance.id": "orders-2", "host.name": "h1"})
	assert.False(t, ok, "another instance")
	c, ok = judge(map[string]any{"service.name": "cart", "service.instance.id": "cart-1", "host.name": "h2"})
	assert.True(t, ok)
	assert.Equal(t, DiskFull, c, "the host's filesystem")
	_, ok = judge(map[string]any{"service.name": "cart", "service.instance.id": "cart-1", "host.name": "h3"})
	assert.False(t, ok, "another host")
}
