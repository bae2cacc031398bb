package incident

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

func TestBody(t *testing.T) {
	n := contract.NewNames("diagnosis.")
	tests := []struct {
		name     string
		resource map[string]any
		attrs    map[string]any
		kind     Kind
		want     string
	}{
		{
			name:     "full",
			resource: map[string]any{"service.name": "checkout", "service.version": "1.1", "deployment.environment.name": "production"},
			attrs:    map[string]any{"diagnosis.category": "database_timeout", "diagnosis.cause": "lock_timeout", "diagnosis.evidence": "lock wait"},
			kind:     KindRegression,
			want:     "regression in checkout 1.1 (production): database_timeout/lock_timeout at POST /orders: lock wait",
		},
		{
			name: "nothing known",
			kind: KindNew,
			want: "new error group in unknown service: unknown at POST /orders",
		},
		{
			name:     "attributes of other types are left out",
			resource: map[string]any{"service.name": 7},
			attrs:    map[string]any{"diagnosis.category": []any{"x"}, "diagnosis.evidence": 3},
			kind:     KindNew,
			want:     "new error group in unknown service: unknown at POST /orders",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := pcommon.NewMap()
			require.NoError(t, res.FromRaw(tt.resource))
			span := ptrace.NewSpan()
			span.SetName("POST /orders")
			require.NoError(t, span.Attributes().FromRaw(tt.attrs))
			lr := plog.NewLogRecord()
			Fill(lr, span, res, tt.kind, n, 0)
			assert.Equal(t, tt.want, lr.Body().Str())
		})
	}
}

func TestBodyCapped(t *testing.T) {
	span := ptrace.NewSpan()
	span.SetName("POST /orders")
	span.Attributes().PutStr("diagnosis.evidence", strings.Repeat("é", 1000))
	lr := plog.NewLogRecord()
	Fill(lr, span, pcommon.NewMap(), KindNew, contract.NewNames("diagnosis."), 0)
	body := lr.Body().Str()
	assert.LessOrEqual(t, len(body), maxBodyLength)
	assert.True(t, utf8.ValidString(body))
	assert.True(t, strings.HasSuffix(body, "…"))
	ev, _ := lr.Attributes().Get("diagnosis.evidence")
	assert.Len(t, ev.Str(), 2000, "the attribute keeps the span's value")
}

// TestFill: the record of a span: its ids, times and flags, the severity
// of its kind, the span's diagnosis attributes under the prefix and its
// route, nothing else of the span; the span is only read.
func TestFill(t *testing.T) {
	n := contract.NewNames("diag.")
	for _, tc := range []struct {
		kind     Kind
		severity plog.SeverityNumber
	}{
		{KindNew, plog.SeverityNumberWarn},
		{KindRegression, plog.SeverityNumberError},
		{KindRelapse, plog.SeverityNumberError},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			span := ptrace.NewSpan()
			span.SetName("POST /orders")
			span.SetTraceID(pcommon.TraceID{1})
			span.SetSpanID(pcommon.SpanID{2})
			span.SetFlags(0x101) // sampled, and a bit beyond the W3C flags
			span.SetEndTimestamp(pcommon.Timestamp(42))
			require.NoError(t, span.Attributes().FromRaw(map[string]any{
				"diag.category": "database_timeout", "diag.fingerprint": "abc", "diagnosis.category": "other prefix",
				"http.route": "/orders", "http.request.method": "POST", "url.full": "http://x/orders?token=1",
			}))
			before := ptrace.NewSpan()
			span.CopyTo(before)
			lr := plog.NewLogRecord()
			Fill(lr, span, pcommon.NewMap(), tc.kind, n, pcommon.Timestamp(99))

			assert.Equal(t, EventName, lr.EventName())
			assert.Equal(t, pcommon.Timestamp(42), lr.Timestamp())
			assert.Equal(t, pcommon.Timestamp(99), lr.ObservedTimestamp())
			assert.Equal(t, span.TraceID(), lr.TraceID())
			assert.Equal(t, span.SpanID(), lr.SpanID())
			assert.Equal(t, plog.LogRecordFlags(1), lr.Flags())
			assert.Equal(t, tc.severity, lr.SeverityNumber())
			assert.Equal(t, map[string]any{
				"diag.category": "database_timeout", "diag.fingerprint": "abc",
				"http.route": "/orders", "http.request.method": "POST",
				"diag.incident.kind": string(tc.kind), "diag.span.name": "POST /orders",
			}, lr.Attributes().AsRaw())
			assert.NotEmpty(t, lr.Body().Str())
			assert.Equal(t, before, span, "the span is only read")
		})
	}
}

// TestFillResolved: a resolution's record has no trace, is INFO, and
// carries what is known of the group; empty values are left out.
func TestFillResolved(t *testing.T) {
	n := contract.NewNames("diagnosis.")
	at := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	ev := registry.Event{
		ResolvedIn: "1.3", Requests: 500, At: at,
		FirstSeen: at.Add(-time.Hour), FirstVersion: "1.1", Category: "database_timeout", Cause: "lock_timeout", Count: 7,
	}
	ev.Name, ev.Environment, ev.Fingerprint = "checkout", "production", "0123456789abcdef"
	lr := plog.NewLogRecord()
	FillResolved(lr, ev, n, pcommon.Timestamp(99))
	assert.Equal(t, EventName, lr.EventName())
	assert.Equal(t, plog.SeverityNumberInfo, lr.SeverityNumber())
	assert.True(t, lr.TraceID().IsEmpty())
	assert.Equal(t, pcommon.NewTimestampFromTime(at), lr.Timestamp())
	assert.Equal(t, map[string]any{
		"diagnosis.fingerprint": "0123456789abcdef", "diagnosis.category": "database_timeout", "diagnosis.cause": "lock_timeout",
		"diagnosis.first_seen": "2026-12-07T00:00:00Z", "diagnosis.first_seen.version": "1.1", "diagnosis.occurrences": int64(7),
		"diagnosis.resolved_in.version": "1.3", "diagnosis.resolved.requests": int64(500), "diagnosis.incident.kind": "resolved",
	}, lr.Attributes().AsRaw())
	assert.Equal(t, "resolved in checkout 1.3 (production): database_timeout/lock_timeout not seen in 500 requests (first seen in 1.1)", lr.Body().Str())

	bare := registry.Event{ResolvedIn: "2.0", At: at}
	bare.Name = "cart"
	FillResolved(lr, bare, n, 0)
	assert.Equal(t, "resolved in cart 2.0: unknown not seen in 0 requests", lr.Body().Str())
}

// TestIdentity: a record's resource names the service, its version and
// environment: copied from the span's resource, or the resolving one.
func TestIdentity(t *testing.T) {
	from := pcommon.NewMap()
	require.NoError(t, from.FromRaw(map[string]any{"service.name": "checkout", "service.version": "1.1", "deployment.environment.name": "prod", "host.name": "h1"}))
	to := pcommon.NewMap()
	CopyIdentity(from, to)
	assert.Equal(t, map[string]any{"service.name": "checkout", "service.version": "1.1", "deployment.environment.name": "prod"}, to.AsRaw())

	ev := registry.Event{ResolvedIn: "1.3"}
	ev.Name = "checkout"
	res := pcommon.NewMap()
	ResolvedIdentity(ev, res)
	assert.Equal(t, map[string]any{"service.name": "checkout", "service.version": "1.3"}, res.AsRaw(), "no environment: none written")
}
