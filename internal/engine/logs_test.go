package engine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// logRecord is one log record of service in ld, naming trace and span,
// with attrs.
func logRecord(ld plog.Logs, service string, trace pcommon.TraceID, span pcommon.SpanID, attrs map[string]any) {
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", service)
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTraceID(trace)
	lr.SetSpanID(span)
	_ = lr.Attributes().FromRaw(attrs)
}

var refusedLog = map[string]any{"exception.type": "psycopg.OperationalError", "exception.message": "connection to server at \"db\" (10.0.0.5), port 5432 failed: Connection refused"}

// TestReadLogged: the exception records that name their span are read
// and matched, with their resource's service; the others are not.
func TestReadLogged(t *testing.T) {
	trace, span := pcommon.TraceID{1}, pcommon.SpanID{2}
	for _, tc := range []struct {
		name    string
		trace   pcommon.TraceID
		span    pcommon.SpanID
		attrs   map[string]any
		want    diagnosis.Category // "" for not read
		service string
	}{
		{"exception record", trace, span, refusedLog, diagnosis.DatabaseConnection, "orders"},
		{"no span id", trace, pcommon.SpanID{}, refusedLog, "", ""},
		{"no trace id", pcommon.TraceID{}, span, refusedLog, "", ""},
		{"not an exception", trace, span, map[string]any{"http.route": "/x"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ld := plog.NewLogs()
			logRecord(ld, "orders", tc.trace, tc.span, tc.attrs)
			got := readLogged(ld, noRules{})
			if tc.want == "" {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, tc.trace, got[0].trace)
			assert.Equal(t, tc.span, got[0].span)
			assert.Equal(t, tc.service, got[0].service)
			assert.Equal(t, tc.want, got[0].item[0].Match.Category, "matched")
		})
	}
}

// TestApplyLogs: an exception record is evidence of its trace whether it
// comes before or after its span: the held target, released when due, is
// diagnosed with it. A record names no database or outgoing call, so it
// makes nothing final by itself.
func TestApplyLogs(t *testing.T) {
	withQuery := func() ptrace.Traces {
		return testtraces.Build(testtraces.Server("shop", "go", "GET", "/cart", 500,
			testtraces.DB("postgresql", "SELECT", "carts", "SELECT 1")), testtraces.Options{Seed: 1})
	}
	query := spanNamed(t, withQuery(), "SELECT carts")
	ld := plog.NewLogs()
	logRecord(ld, "shop", query.TraceID(), query.SpanID(), refusedLog)
	for _, tc := range []struct {
		name        string
		recordFirst bool
	}{{"record after the span", false}, {"record before the span", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e, clock := testEngine(10)
			if tc.recordFirst {
				out := e.ApplyLogs(ld)
				require.NotNil(t, out)
				assert.Equal(t, int64(1), e.Stats().Traces, "remembered before its spans")
				assert.Zero(t, out.Late, "nothing diagnosed yet")
			}
			require.Len(t, applied(e, withQuery()).Taken, 1)
			if !tc.recordFirst {
				out := e.ApplyLogs(ld)
				require.NotNil(t, out)
				assert.Empty(t, out.Released, "not final by a record")
				assert.Zero(t, out.Late)
			}
			*clock = clock.Add(6 * time.Second)
			out := e.Due()
			require.Len(t, out.Released, 1)
			assert.Equal(t, diagnosis.DatabaseConnection, out.Released[0].Res.Category, "with the record's evidence")
			assert.Equal(t, query.SpanID(), out.Released[0].Res.EvidenceSpanID)

			out = e.ApplyLogs(ld)
			require.NotNil(t, out)
			assert.Equal(t, 1, out.Late, "its target left: late")
		})
	}
}

// TestApplyLogsReleasesFinal: a held span that is final (one read back
// from storage is held whatever its verdict) leaves on a record of its
// trace.
func TestApplyLogsReleasesFinal(t *testing.T) {
	e, clock := testEngine(10)
	td := dbDown(1)
	out := e.Apply(context.Background(), td, e.Scan(td), &Restoring{Deadline: clock.Add(time.Minute), Ref: 1})
	require.Len(t, out.Taken, 1)
	server := spanNamed(t, dbDown(1), "GET /cart")
	ld := plog.NewLogs()
	logRecord(ld, "cart", server.TraceID(), server.SpanID(), refusedLog)
	out = e.ApplyLogs(ld)
	require.NotNil(t, out)
	require.Len(t, out.Released, 1)
	assert.Empty(t, out.Released[0].Reason)
	assert.Zero(t, e.Stats().Held)
}

// TestApplyLogsNothing: no outcome without records, when not holding
// across batches, or once closed.
func TestApplyLogsNothing(t *testing.T) {
	ld := plog.NewLogs()
	logRecord(ld, "shop", pcommon.TraceID{1}, pcommon.SpanID{2}, refusedLog)
	e, _ := testEngine(10)
	assert.Nil(t, e.ApplyLogs(plog.NewLogs()), "no records")
	assert.Nil(t, New(Config{Targets: serverTargets(), Rules: noRules{}}).ApplyLogs(ld), "per batch: nothing kept across batches")
	e.Close()
	assert.Nil(t, e.ApplyLogs(ld), "closed")
}
