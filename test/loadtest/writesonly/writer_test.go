package writesonlyprocessor

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

// batch is a 500 server span, a 500 client span, a 200 server span and a
// 500 root span of kind UNSPECIFIED.
func batch() ptrace.Traces {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	add := func(kind ptrace.SpanKind, status int64) {
		s := spans.AppendEmpty()
		s.SetKind(kind)
		s.Attributes().PutInt("http.response.status_code", status)
	}
	add(ptrace.SpanKindServer, 500)
	add(ptrace.SpanKindClient, 500)
	add(ptrace.SpanKindServer, 200)
	add(ptrace.SpanKindUnspecified, 500)
	return td
}

func diagnosisKeys(span ptrace.Span) []string {
	var keys []string
	for k := range span.Attributes().All() {
		if strings.HasPrefix(k, contract.DefaultPrefix) {
			keys = append(keys, k)
		}
	}
	return keys
}

// TestWritesOnTargets: the captured sets are written, in turn, on the
// spans errordiagnosis diagnoses and on no other; a group switched off is
// not written.
func TestWritesOnTargets(t *testing.T) {
	tests := []struct {
		name  string
		attrs contract.Attributes
		off   []string
	}{
		{"all", contract.AllAttributes(), nil},
		{"no cause texts", contract.Attributes{ErrorGroup: true}, contract.CauseTextSuffixes},
		{"no error group", contract.Attributes{CauseTexts: true}, contract.ErrorGroupSuffixes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sets, err := captured("mixed")
			require.NoError(t, err)
			cfg := createDefaultConfig().(*Config)
			cfg.Attributes = tt.attrs
			sink := new(consumertest.TracesSink)
			p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(componentType), cfg, sink)
			require.NoError(t, err)
			require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
			require.NoError(t, p.ConsumeTraces(context.Background(), batch()))
			require.NoError(t, p.Shutdown(context.Background()))

			spans := sink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans()
			assert.Empty(t, diagnosisKeys(spans.At(1)), "a client span")
			assert.Empty(t, diagnosisKeys(spans.At(2)), "a 200")
			for i, at := range []int{0, 3} {
				var want []string
				for _, a := range sets[i] {
					if !slices.Contains(tt.off, strings.TrimPrefix(a.key, contract.DefaultPrefix)) {
						want = append(want, a.key)
					}
				}
				assert.Equal(t, want, diagnosisKeys(spans.At(at)), "target %d takes set %d", at, i)
				for _, a := range sets[i] {
					if v, ok := spans.At(at).Attributes().Get(a.key); ok {
						assert.Equal(t, a.typ, v.Type(), a.key)
					}
				}
			}
		})
	}
}

// TestCaptures: each capture holds diagnosed spans with the attributes a
// diagnosis always has.
func TestCaptures(t *testing.T) {
	for _, shape := range []string{"mixed", "dbdown"} {
		sets, err := captured(shape)
		require.NoError(t, err, shape)
		for i, set := range sets {
			keys := map[string]bool{}
			for _, a := range set {
				keys[a.key] = true
			}
			for _, k := range []string{"category", "cause", "evidence", "fingerprint", "group.state"} {
				assert.True(t, keys[contract.DefaultPrefix+k], "%s set %d has no %s", shape, i, k)
			}
		}
	}
	_, err := captured("outage")
	assert.ErrorContains(t, err, "use mixed or dbdown")
}
