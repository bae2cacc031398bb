package errordiagnosisprocessor

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestTiedSiblingsDecideByEvidence: two sibling spans that tie on depth and
// strength decide by what they say, not by their random span ids. Each case
// runs twice, the second time with the two spans' ids swapped; both runs must
// give the same diagnosis and take the evidence from the same span (named
// by its name and scope, since its id changes).
func TestTiedSiblingsDecideByEvidence(t *testing.T) {
	realTrace := func(file string) func(*testing.T) ptrace.Traces {
		return func(t *testing.T) ptrace.Traces {
			return readOTLPJSONLines(t, filepath.Join("testdata", "realtraces", "python", file))
		}
	}
	for _, tc := range []struct {
		name  string
		trace func(*testing.T) ptrace.Traces
		// a and b are the tied siblings (scope/span name); want decides.
		a, b, want string
		diagnosis  string
	}{
		{
			// The test bed's PyMySQL missing table: the driver's span has an
			// exception event with type and message, SQLAlchemy's sibling
			// (which started earlier) only an error status.
			name:      "PyMySQL missing table, the driver's exception over SQLAlchemy's status",
			trace:     realTrace("py_mariadb_undefined_table.json"),
			a:         "opentelemetry.instrumentation.pymysql/SELECT",
			b:         "opentelemetry.instrumentation.sqlalchemy/SELECT payments",
			want:      "opentelemetry.instrumentation.pymysql/SELECT",
			diagnosis: "database_query/undefined_table",
		},
		{
			name:      "the same with the stable semantic conventions",
			trace:     realTrace("py_mariadb_undefined_table.stable.json"),
			a:         "opentelemetry.instrumentation.pymysql/SELECT",
			b:         "opentelemetry.instrumentation.sqlalchemy/SELECT payments",
			want:      "opentelemetry.instrumentation.pymysql/SELECT",
			diagnosis: "database_query/undefined_table",
		},
		{
			name:      "an exception with type and message over a status message",
			trace:     siblingTrace(true, 0),
			a:         "driver/SELECT",
			b:         "orm/SELECT",
			want:      "driver/SELECT",
			diagnosis: "database_query/undefined_table",
		},
		{
			name:      "equally rich: the one that started first",
			trace:     siblingTrace(false, 5*time.Millisecond),
			a:         "driver/SELECT",
			b:         "orm/SELECT",
			want:      "driver/SELECT",
			diagnosis: "database_query/undefined_table",
		},
		{
			name:      "equally rich, the other one first",
			trace:     siblingTrace(false, -5*time.Millisecond),
			a:         "driver/SELECT",
			b:         "orm/SELECT",
			want:      "orm/SELECT",
			diagnosis: "database_query/undefined_table",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, swap := range []bool{false, true} {
				td := tc.trace(t)
				if swap {
					swapSpanIDs(t, td, tc.a, tc.b)
				}
				diag, decider := decideTarget(t, td)
				assert.Equal(t, tc.diagnosis, diag, "ids swapped: %v", swap)
				assert.Equal(t, tc.want, decider, "ids swapped: %v", swap)
			}
		})
	}
}

// siblingTrace is a server span with two failed sibling MySQL client spans
// (scopes driver and orm) reporting the same missing table, the orm's starting
// ormLater after the driver's. driverException: the driver's span has an
// exception event, the orm's only its status; otherwise both only a status.
func siblingTrace(driverException bool, ormLater time.Duration) func(*testing.T) ptrace.Traces {
	return func(*testing.T) ptrace.Traces {
		start := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", "orders")
		tid := pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
		server := rs.ScopeSpans().AppendEmpty()
		server.Scope().SetName("server")
		s := server.Spans().AppendEmpty()
		s.SetTraceID(tid)
		s.SetSpanID(pcommon.SpanID{0x50, 1})
		s.SetName("GET /invoices")
		s.SetKind(ptrace.SpanKindServer)
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(50 * time.Millisecond)))
		s.Attributes().PutInt("http.response.status_code", 500)
		s.Status().SetCode(ptrace.StatusCodeError)
		const msg = `(1146, "Table 'payments.invoices' doesn't exist")`
		for i, scope := range []string{"driver", "orm"} {
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName(scope)
			c := ss.Spans().AppendEmpty()
			c.SetTraceID(tid)
			c.SetSpanID(pcommon.SpanID{0x10 * byte(i+1), 2})
			c.SetParentSpanID(s.SpanID())
			c.SetName("SELECT")
			c.SetKind(ptrace.SpanKindClient)
			at := start.Add(10 * time.Millisecond)
			if scope == "orm" {
				at = at.Add(ormLater)
			}
			c.SetStartTimestamp(pcommon.NewTimestampFromTime(at))
			c.SetEndTimestamp(pcommon.NewTimestampFromTime(at.Add(2 * time.Millisecond)))
			c.Attributes().PutStr("db.system.name", "mysql")
			c.Attributes().PutStr("db.namespace", "payments")
			c.Status().SetCode(ptrace.StatusCodeError)
			c.Status().SetMessage(msg)
			if scope == "driver" && driverException {
				c.Status().SetMessage("ProgrammingError: " + msg)
				ev := c.Events().AppendEmpty()
				ev.SetName("exception")
				ev.Attributes().PutStr("exception.type", "pymysql.err.ProgrammingError")
				ev.Attributes().PutStr("exception.message", msg)
			}
		}
		return td
	}
}

// scopeAndName names a span by scope and name.
func scopeAndName(ss ptrace.ScopeSpans, s ptrace.Span) string {
	return ss.Scope().Name() + "/" + s.Name()
}

// swapSpanIDs exchanges the span ids of the spans named a and b, and the
// parent ids that refer to them.
func swapSpanIDs(t *testing.T, td ptrace.Traces, a, b string) {
	t.Helper()
	var ida, idb pcommon.SpanID
	eachScopeSpan(td, func(ss ptrace.ScopeSpans, s ptrace.Span) {
		switch scopeAndName(ss, s) {
		case a:
			ida = s.SpanID()
		case b:
			idb = s.SpanID()
		}
	})
	require.False(t, ida.IsEmpty(), a)
	require.False(t, idb.IsEmpty(), b)
	other := map[pcommon.SpanID]pcommon.SpanID{ida: idb, idb: ida}
	eachScopeSpan(td, func(_ ptrace.ScopeSpans, s ptrace.Span) {
		if id, ok := other[s.SpanID()]; ok {
			s.SetSpanID(id)
		}
		if id, ok := other[s.ParentSpanID()]; ok {
			s.SetParentSpanID(id)
		}
	})
}

func eachScopeSpan(td ptrace.Traces, f func(ptrace.ScopeSpans, ptrace.Span)) {
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		sss := td.ResourceSpans().At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			for k := 0; k < sss.At(j).Spans().Len(); k++ {
				f(sss.At(j), sss.At(j).Spans().At(k))
			}
		}
	}
}

// decideTarget runs td through a processor with the default configuration
// and returns the one diagnosed span's category/cause and the span (scope/name)
// its diagnosis.evidence.span_id names.
func decideTarget(t *testing.T, td ptrace.Traces) (diag, decider string) {
	t.Helper()
	names := map[string]string{}
	eachScopeSpan(td, func(ss ptrace.ScopeSpans, s ptrace.Span) { names[s.SpanID().String()] = scopeAndName(ss, s) })
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, defaultConfig(), sink)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))
	n := 0
	for _, out := range sink.AllTraces() {
		eachScopeSpan(out, func(_ ptrace.ScopeSpans, s ptrace.Span) {
			cat, ok := s.Attributes().Get("diagnosis.category")
			if !ok {
				return
			}
			n++
			cause, _ := s.Attributes().Get("diagnosis.cause")
			id, _ := s.Attributes().Get("diagnosis.evidence.span_id")
			diag, decider = cat.Str()+"/"+cause.Str(), names[id.Str()]
		})
	}
	require.Equal(t, 1, n, "one diagnosed span")
	return diag, decider
}
