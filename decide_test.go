package errordiagnosisprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// connectTrace is the shape Node's pg and instrumentation-net leave when
// the database refuses: the 500, pg-pool.connect and pg.connect database
// spans (withDB), and under them the socket's tcp.connect to the port,
// each failed with the socket's error.
func connectTrace(t *testing.T, id byte, port int64, withDB bool) ptrace.Traces {
	t.Helper()
	start := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "nodeshop")
	ss := rs.ScopeSpans().AppendEmpty()
	tid := pcommon.TraceID{id, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	msg := "connect ECONNREFUSED 127.0.0.1:" + pcommon.NewValueInt(port).AsString()
	add := func(sid byte, parent pcommon.SpanID, name string, kind ptrace.SpanKind, attrs map[string]any) ptrace.Span {
		s := ss.Spans().AppendEmpty()
		s.SetTraceID(tid)
		s.SetSpanID(pcommon.SpanID{id, sid})
		s.SetParentSpanID(parent)
		s.SetName(name)
		s.SetKind(kind)
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(sid) * time.Millisecond)))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(sid+1) * time.Millisecond)))
		require.NoError(t, s.Attributes().FromRaw(attrs))
		s.Status().SetCode(ptrace.StatusCodeError)
		if kind != ptrace.SpanKindServer {
			s.Status().SetMessage(msg)
		}
		return s
	}
	server := add(1, pcommon.SpanID{}, "GET /cart", ptrace.SpanKindServer,
		map[string]any{"http.request.method": "GET", "http.route": "/cart", "http.response.status_code": int64(500)})
	parent := server.SpanID()
	if withDB {
		db := map[string]any{"db.system": "postgresql", "db.name": "shop", "net.peer.name": "127.0.0.1", "net.peer.port": port}
		parent = add(2, parent, "pg-pool.connect", ptrace.SpanKindClient, db).SpanID()
		parent = add(3, parent, "pg.connect", ptrace.SpanKindClient, db).SpanID()
	}
	add(4, parent, "tcp.connect", ptrace.SpanKindInternal,
		map[string]any{"network.transport": "tcp", "server.address": "127.0.0.1", "server.port": port})
	return td
}

// diagnosed runs traces through one processor with the default
// configuration and returns, per diagnosed span in the order of the traces
// (by the first byte of their trace id, 1 first), its category/cause and
// fingerprint.
func diagnosed(t *testing.T, tds ...ptrace.Traces) (diags, fingerprints []string) {
	t.Helper()
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, defaultConfig(), sink)
	for _, td := range tds {
		require.NoError(t, p.ConsumeTraces(context.Background(), td))
	}
	require.NoError(t, p.Shutdown(context.Background()))
	diags, fingerprints = make([]string, len(tds)), make([]string, len(tds))
	for _, out := range sink.AllTraces() {
		eachScopeSpan(out, func(_ ptrace.ScopeSpans, s ptrace.Span) {
			cat, ok := s.Attributes().Get("diagnosis.category")
			if !ok {
				return
			}
			i := int(s.TraceID()[0]) - 1
			require.True(t, i >= 0 && i < len(tds) && diags[i] == "", "one diagnosed span per trace")
			cause, _ := s.Attributes().Get("diagnosis.cause")
			fp, _ := s.Attributes().Get("diagnosis.fingerprint")
			diags[i], fingerprints[i] = cat.Str()+"/"+cause.Str(), fp.Str()
		})
	}
	return diags, fingerprints
}

// A database that refuses, seen by its driver's spans and the socket's
// connect span under them, is a database connection failure: the connect
// span is the deepest evidence, and the database spans of its endpoint say
// what it connected to.
func TestRawConnectBesideDatabaseSpans(t *testing.T) {
	diag, decider := decideTarget(t, connectTrace(t, 1, 40123, true))
	assert.Equal(t, "database_connection/connection_refused", diag)
	assert.Equal(t, "/tcp.connect", decider)
}

// A refusal seen only on raw connect spans is grouped by the address with
// its port: two dependencies on one host are two groups, one of them
// refused twice is one.
func TestRawConnectFingerprintKeepsThePort(t *testing.T) {
	diags, fps := diagnosed(t, connectTrace(t, 1, 40123, false), connectTrace(t, 2, 40124, false), connectTrace(t, 3, 40123, false))
	require.Len(t, fps, 3)
	assert.Equal(t, []string{"dependency_failure/upstream_unreachable", "dependency_failure/upstream_unreachable", "dependency_failure/upstream_unreachable"}, diags)
	assert.NotEqual(t, fps[0], fps[1], "two ports, two dependencies")
	assert.Equal(t, fps[0], fps[2], "one dependency refused twice")
}

// The spans of one request arriving one per batch, the socket's tcp.connect
// first, then the 500, then the database spans: the refusal alone would be
// a call's, so the 500 waits for the database spans of its endpoint.
func TestRawConnectWaitsForTheDatabaseSpans(t *testing.T) {
	td := connectTrace(t, 1, 40123, true)
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, defaultConfig(), sink)
	for _, i := range []int{3, 0, 2, 1} { // tcp.connect, GET /cart, pg.connect, pg-pool.connect
		one := ptrace.NewTraces()
		td.ResourceSpans().At(0).Resource().CopyTo(one.ResourceSpans().AppendEmpty().Resource())
		spans.At(i).CopyTo(one.ResourceSpans().At(0).ScopeSpans().AppendEmpty().Spans().AppendEmpty())
		require.NoError(t, p.ConsumeTraces(context.Background(), one))
	}
	require.NoError(t, p.Shutdown(context.Background()))
	n := 0
	for _, out := range sink.AllTraces() {
		eachScopeSpan(out, func(_ ptrace.ScopeSpans, s ptrace.Span) {
			if cat, ok := s.Attributes().Get("diagnosis.category"); ok {
				n++
				cause, _ := s.Attributes().Get("diagnosis.cause")
				assert.Equal(t, "database_connection/connection_refused", cat.Str()+"/"+cause.Str())
			}
		})
	}
	assert.Equal(t, 1, n)
}
