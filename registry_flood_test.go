package errordiagnosisprocessor

import (
	"encoding/binary"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The registry under a flood of distinct error groups, services and
// versions, through tiny limits: it keeps no more than its limits, the
// heap does not grow with the flood, every span comes out diagnosed.
const (
	registryFloodEntries  = 16
	registryFloodServices = 4
	registryFloodVersions = 2
	registryFloodPerRS    = 10 // spans per resource, half of them 500s
	registryFloodRS       = 10 // resources per batch
)

// registryFloodBatch is batch b: every resource a new service at a new
// version, every 500 span a new route, so a new group.
func registryFloodBatch(b int) ptrace.Traces {
	td := ptrace.NewTraces()
	for r := range registryFloodRS {
		n := b*registryFloodRS + r
		rs := td.ResourceSpans().AppendEmpty()
		attrs := rs.Resource().Attributes()
		attrs.PutStr("service.name", "svc-"+strconv.Itoa(n))
		attrs.PutStr("service.version", "1."+strconv.Itoa(n))
		attrs.PutStr("deployment.environment.name", "production")
		spans := rs.ScopeSpans().AppendEmpty().Spans()
		for k := range registryFloodPerRS {
			sp := spans.AppendEmpty()
			var tid pcommon.TraceID
			var sid pcommon.SpanID
			id := uint64(n*registryFloodPerRS + k + 1)
			binary.BigEndian.PutUint64(tid[8:], mixID(id))
			binary.BigEndian.PutUint64(sid[:], mixID(id))
			sp.SetTraceID(tid)
			sp.SetSpanID(sid)
			sp.SetKind(ptrace.SpanKindServer)
			route := "/r/" + string(rune('a'+k)) // the service makes the group distinct, the route within it
			sp.SetName("GET " + route)
			sp.Attributes().PutStr("http.route", route)
			status := 200
			if k%2 == 0 {
				status = 500
			}
			sp.Attributes().PutInt("http.response.status_code", int64(status))
		}
	}
	return td
}

func TestRegistryFlood(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	cfg := perBatchConfig()
	cfg.Registry.MaxEntries = registryFloodEntries
	cfg.Registry.MaxServices = registryFloodServices
	cfg.Registry.MaxVersionsPerService = registryFloodVersions
	require.NoError(t, cfg.Validate())
	f := driveFlood(t, cfg, n/(registryFloodRS*registryFloodPerRS), registryFloodBatch, func(d *diagnoser, b int) {
		if b%100 == 0 {
			require.LessOrEqual(t, d.registry.reg.Len(), registryFloodEntries)
			st := d.registry.reg.Snapshot("v2")
			require.LessOrEqual(t, len(st.Services), registryFloodServices)
			for _, s := range st.Services {
				require.LessOrEqual(t, len(s.Versions), registryFloodVersions)
			}
		}
	})
	d, sink, in, start, mid, end := f.d, f.sink, f.in, f.start, f.mid, f.end
	spans, live := f.spans, f.live

	groups := int64(n / 2) // every 500 span a group of its own
	perSpan := slope(spans, live)
	t.Logf("registry flood: spans in %d, out %d, diagnosed %d; groups remembered %d of %d; heap in use %.1f MB at start, %.1f MB half way, %.1f MB at the end; live heap slope %.2f bytes per span over %d samples",
		in, sink.spans.Load(), sink.diagnose.Load(), d.registry.reg.Len(), groups, mb(start), mb(mid), mb(end), perSpan, len(live))
	assert.Equal(t, in, sink.spans.Load(), "spans in == spans out")
	assert.Equal(t, groups, sink.diagnose.Load(), "every 500 span diagnosed")
	assert.Equal(t, registryFloodEntries, d.registry.reg.Len())
	byEntries, _ := d.registry.reg.Evictions()
	assert.Equal(t, groups-registryFloodEntries, byEntries, "every group beyond max_entries evicted, and counted")
	assert.Less(t, int64(end)-int64(mid), int64(floodGrowth), "heap in use grows with the flood")
	assert.Less(t, perSpan, floodSlope, "the live heap grows with the number of spans (bytes per span, least-squares slope)")
}
