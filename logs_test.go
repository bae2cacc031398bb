package errordiagnosisprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestProcessLogs: the logs pass through as they came, whatever they say;
// an exception record naming a held span's trace is its evidence when it
// leaves.
func TestProcessLogs(t *testing.T) {
	sink := &consumertest.TracesSink{}
	d, clock := newRulesDiagnoser(t, defaultConfig(), sink)
	t.Cleanup(func() { require.NoError(t, d.shutdown(context.Background())) })
	td := bare500(1)
	var server ptrace.Span
	forEachSpan(td, func(_ ptrace.ResourceSpans, sp ptrace.Span) { server = sp })
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "api")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTraceID(server.TraceID())
	lr.SetSpanID(server.SpanID())
	lr.Attributes().PutStr("exception.type", "java.lang.OutOfMemoryError")
	lr.Attributes().PutStr("exception.message", "Java heap space")
	want := plog.NewLogs()
	ld.CopyTo(want)

	consume(t, d, sink, td)
	require.Zero(t, sink.SpanCount(), "held")
	out, err := d.processLogs(context.Background(), ld)
	require.NoError(t, err)
	assert.Equal(t, want, out, "the logs pass unchanged")

	*clock = clock.Add(6 * time.Second)
	d.releaseDue(context.Background())
	require.Equal(t, 1, sink.SpanCount())
	assert.Equal(t, map[string]string{"api": "resource_exhaustion/out_of_memory"}, diagnoses(sink.AllTraces()[0]))

	empty := plog.NewLogs()
	out, err = d.processLogs(context.Background(), empty)
	require.NoError(t, err)
	assert.Equal(t, empty, out)
}
