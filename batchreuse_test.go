package errordiagnosisprocessor

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// TestPerBatchCacheReuse: one per-batch processor diagnoses every golden
// scenario in turn, forwards then backwards, as a new processor does each
// (the golden files): the cache of a batch reuses the traces of the batches
// before it (tracecache.SetBatchOnly), and nothing of them may show. Only
// the occurrences and the group states differ, kept by the registry across
// batches.
func TestPerBatchCacheReuse(t *testing.T) {
	sink := &consumertest.TracesSink{}
	p := newClockedProcessor(t, perBatchConfig(), sink, goldenClock)
	scenarios := testtraces.Scenarios()
	order := append(slices.Clone(scenarios), scenarios...)
	slices.Reverse(order[len(scenarios):])
	for i, sc := range order {
		input, err := golden.ReadTraces(filepath.Join("testdata", "golden", sc.Name, "input.yaml"))
		require.NoError(t, err)
		require.NoError(t, p.ConsumeTraces(context.Background(), input))
		want, err := golden.ReadTraces(filepath.Join("testdata", "golden", sc.Name, "expected.yaml"))
		require.NoError(t, err)
		got := sink.AllTraces()[i]
		withoutOccurrences(want)
		withoutOccurrences(got)
		require.NoError(t, ptracetest.CompareTraces(want, got), "%s (batch %d)", sc.Name, i)
	}
	require.NoError(t, p.Shutdown(context.Background()))
}

func withoutOccurrences(td ptrace.Traces) {
	forEachSpan(td, func(_ ptrace.ResourceSpans, s ptrace.Span) {
		s.Attributes().Remove("diagnosis.occurrences")
		s.Attributes().Remove("diagnosis.group.state")
	})
}
