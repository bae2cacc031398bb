package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestDiagnoses: the sink counts the diagnosed spans of a request and those
// diagnosed without evidence, whatever the other attributes.
func TestDiagnoses(t *testing.T) {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, tc := range []struct{ category, cause string }{
		{"database", "connection_refused"},
		{"unknown", "no_evidence"},
		{"", ""}, // not diagnosed
		{"unknown", "no_evidence"},
		{"dependency_failure", "upstream_5xx"},
	} {
		attrs := spans.AppendEmpty().Attributes()
		attrs.PutInt("http.response.status_code", 500)
		attrs.PutStr("diagnosis.cause.note", "no_evidence") // a key that only starts alike
		if tc.category != "" {
			attrs.PutStr("diagnosis.category", tc.category)
			attrs.PutStr("diagnosis.cause", tc.cause)
			attrs.PutDouble("diagnosis.confidence", 0.5)
		}
	}
	// A second resource: the walk goes over every one.
	rs := td.ResourceSpans().AppendEmpty()
	a := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	a.PutStr("diagnosis.cause", "no_evidence")
	a.PutStr("diagnosis.category", "unknown")
	body, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)

	diagnosed, noEvidence, err := diagnoses(body)
	require.NoError(t, err)
	assert.Equal(t, 5, diagnosed)
	assert.Equal(t, 3, noEvidence)

	_, _, err = diagnoses([]byte{0x0a, 0x05, 0x12})
	assert.Error(t, err, "a truncated request")
}
