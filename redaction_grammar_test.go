package errordiagnosisprocessor

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact/redacttest"
)

// TestRedactionGrammarsEndToEnd (issue 16): a connection string of every
// grammar (redacttest), with a secret of special characters, in every place
// the processor reads evidence from (secretTrace): no three characters of
// the secret reach any diagnosis.* attribute, and diagnosis.evidence still
// shows the host, database, user and error code around it.
func TestRedactionGrammarsEndToEnd(t *testing.T) {
	cases := redacttest.Generate(rand.New(rand.NewPCG(16, 1)), redacttest.Forms())
	for i, c := range cases {
		out := runSecretTrace(t, c.Text, uint64(i))
		// What the processor writes for the same trace without the secret:
		// its own text, which a three-character sequence may share.
		baseline := strings.Join(diagnosisStrings(runSecretTrace(t, c.Context(), uint64(i))), "\x00")
		evidence := ""
		for _, s := range targetSpans(out) {
			ev, ok := s.Attributes().Get("diagnosis.evidence")
			require.True(t, ok, "%s: the target was diagnosed", c.Grammar)
			evidence = ev.Str()
		}
		for _, v := range diagnosisStrings(out) {
			if leaks := redacttest.Leaks(v, c, baseline); len(leaks) > 0 {
				t.Errorf("%s: secret %q leaks %q into %q", c.Grammar, c.Secret, leaks, v)
			}
		}
		if lost := redacttest.Lost(evidence, c); len(lost) > 0 {
			t.Errorf("%s: diagnosis.evidence lost %q: %s", c.Grammar, lost, evidence)
		}
	}
}

// runSecretTrace runs secretTrace(text) through a processor that holds
// spans for late evidence, with max_length 4096 so that the whole message
// fits in diagnosis.evidence, and returns what came out.
func runSecretTrace(t *testing.T, text string, seed uint64) ptrace.Traces {
	t.Helper()
	cfg := defaultConfig()
	cfg.Redaction.MaxLength = 4096
	sink := &consumertest.TracesSink{}
	d, _ := newRulesDiagnoser(t, cfg, sink)
	consume(t, d, sink, secretTrace(text, seed))
	require.NoError(t, d.shutdown(context.Background()))
	out := ptrace.NewTraces()
	for _, td := range sink.AllTraces() {
		td.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
	}
	return out
}

// diagnosisStrings are the values of the diagnosis.* attributes of td.
func diagnosisStrings(td ptrace.Traces) []string {
	var out []string
	forEachSpan(td, func(_ ptrace.ResourceSpans, sp ptrace.Span) {
		sp.Attributes().Range(func(k string, v pcommon.Value) bool {
			if strings.HasPrefix(k, "diagnosis.") {
				out = append(out, v.AsString())
			}
			return true
		})
	})
	return out
}
