package errordiagnosisprocessor

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// The root package's shared test helpers: processors and diagnosers on a
// configuration, batches run through them, and what to read of the output.

// newTestProcessor starts a traces processor with cfg feeding next.
func newTestProcessor(tb testing.TB, cfg *Config, next consumer.Traces) processor.Traces {
	tb.Helper()
	require.NoError(tb, cfg.Validate())
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, next)
	require.NoError(tb, err)
	require.NoError(tb, p.Start(context.Background(), componenttest.NewNopHost()))
	return p
}

// defaultConfig is the factory's default configuration.
func defaultConfig() *Config { return createDefaultConfig().(*Config) }

// perBatchConfig diagnoses each batch on its own (wait_duration 0).
func perBatchConfig() *Config {
	cfg := defaultConfig()
	cfg.WaitDuration = 0
	return cfg
}

// diagnoses returns service.name → "category/cause" for every span with a
// diagnosis (the last one of each service).
func diagnoses(td ptrace.Traces) map[string]string {
	out := map[string]string{}
	forEachSpan(td, func(rs ptrace.ResourceSpans, span ptrace.Span) {
		cat, ok := span.Attributes().Get("diagnosis.category")
		if !ok {
			return
		}
		cause, _ := span.Attributes().Get("diagnosis.cause")
		svc, _ := rs.Resource().Attributes().Get("service.name")
		out[svc.Str()] = cat.Str() + "/" + cause.Str()
	})
	return out
}

// forEachSpan calls f with every span of td and its resource spans.
func forEachSpan(td ptrace.Traces, f func(ptrace.ResourceSpans, ptrace.Span)) {
	testtraces.ForEachSpan(td, func(_, _, _ int, rs ptrace.ResourceSpans, s ptrace.Span) { f(rs, s) })
}

// scenario is the testtraces scenario named name.
func scenario(tb testing.TB, name string) testtraces.Scenario {
	for _, sc := range testtraces.Scenarios() {
		if sc.Name == name {
			return sc
		}
	}
	tb.Fatalf("no scenario %q", name)
	return testtraces.Scenario{}
}

// targetSpans returns the server spans with HTTP status ≥ 500.
func targetSpans(td ptrace.Traces) []ptrace.Span {
	var out []ptrace.Span
	forEachSpan(td, func(_ ptrace.ResourceSpans, s ptrace.Span) {
		if v, ok := s.Attributes().Get("http.response.status_code"); ok && v.Int() >= 500 && s.Kind() == ptrace.SpanKindServer {
			out = append(out, s)
		}
	})
	return out
}

// cloneTraces is a deep copy of td.
func cloneTraces(td ptrace.Traces) ptrace.Traces {
	out := ptrace.NewTraces()
	td.CopyTo(out)
	return out
}

// splitSpans returns one single-span Traces per span, with its resource and scope.
func splitSpans(td ptrace.Traces) []ptrace.Traces {
	var out []ptrace.Traces
	testtraces.ForEachSpan(td, func(i, j, k int, _ ptrace.ResourceSpans, _ ptrace.Span) {
		out = append(out, engine.CopySpan(td, engine.At(i, j, k)))
	})
	return out
}

// newTestDiagnoser builds the processor's core directly, to read its state.
func newTestDiagnoser(tb testing.TB, cfg *Config, sink *consumertest.TracesSink) *diagnoser {
	tb.Helper()
	require.NoError(tb, cfg.Validate())
	d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(tb, err)
	d.out.next = sink
	require.NoError(tb, d.start(context.Background(), componenttest.NewNopHost()))
	return d
}

// consume runs a batch through the diagnoser the way processorhelper does.
func consume(tb testing.TB, d *diagnoser, sink *consumertest.TracesSink, td ptrace.Traces) {
	out, err := d.processTraces(context.Background(), td)
	if err == nil {
		require.NoError(tb, sink.ConsumeTraces(context.Background(), out))
	}
}

// bare500 is a 500 server span with no evidence at all: always held.
func bare500(seed uint64) ptrace.Traces {
	return testtraces.Build(testtraces.Server("api", "go", "GET", "/x", 500), testtraces.Options{Seed: seed})
}

// newRulesDiagnoser is a diagnoser on cfg (its rules only), not started,
// on a clock the test moves.
func newRulesDiagnoser(tb testing.TB, cfg *Config, sink consumer.Traces) (*diagnoser, *time.Time) {
	tb.Helper()
	d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(tb, err)
	d.out.next = sink
	clock := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return clock }
	return d, &clock
}

// readOTLPJSONLines reads a file of OTLP JSON traces, one export request a
// line, into one batch.
func readOTLPJSONLines(t *testing.T, path string) ptrace.Traces {
	t.Helper()
	td := ptrace.NewTraces()
	var u ptrace.JSONUnmarshaler
	forEachJSONLine(t, path, func(line []byte) {
		part, err := u.UnmarshalTraces(line)
		require.NoError(t, err, path)
		part.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	})
	return td
}

// forEachJSONLine calls f with each line of a file of JSON requests, one a
// line (the file exporter's format), but the blank ones.
func forEachJSONLine(t *testing.T, path string, f func(line []byte)) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) != 0 {
			f(sc.Bytes())
		}
	}
	require.NoError(t, sc.Err())
}
