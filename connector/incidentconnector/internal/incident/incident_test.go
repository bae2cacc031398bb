package incident

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

func TestRead(t *testing.T) {
	n := contract.NewNames("diagnosis.")
	tests := []struct {
		name    string
		attrs   map[string]any
		outcome Outcome
		kind    Kind
	}{
		{"not diagnosed", map[string]any{"http.route": "/"}, NotDiagnosed, ""},
		{"no registry", map[string]any{"diagnosis.fingerprint": "a1"}, NoRegistry, ""},
		{"first sighting, new", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 1, "diagnosis.regression": false}, FirstSighting, KindNew},
		{"first sighting, no regression attribute", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 1}, FirstSighting, KindNew},
		{"first sighting, regression", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 1, "diagnosis.regression": true}, FirstSighting, KindRegression},
		{"repeat", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 2, "diagnosis.regression": true}, Repeat, ""},
		{"fingerprint not a string", map[string]any{"diagnosis.fingerprint": 1, "diagnosis.occurrences": 1}, Malformed, ""},
		{"occurrences not an int", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": "1"}, Malformed, ""},
		{"regression not a bool", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 1, "diagnosis.regression": "yes"}, Malformed, ""},
		{"another prefix", map[string]any{"triage.fingerprint": "a1", "triage.occurrences": 1}, NotDiagnosed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := pcommon.NewMap()
			require.NoError(t, m.FromRaw(tt.attrs))
			outcome, kind, fp := Read(m, n)
			assert.Equal(t, tt.outcome, outcome)
			assert.Equal(t, tt.kind, kind)
			if outcome == FirstSighting {
				assert.Equal(t, "a1", fp)
			}
		})
	}
}

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
