package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	errordiagnosis "github.com/errordiagnosis/errordiagnosisprocessor"
	"github.com/errordiagnosis/errordiagnosisprocessor/test/benchmarks/workload"
)

var updateCapture = flag.Bool("update-capture", false, "rewrite the writes-only processor's captures (test/loadtest/writesonly/testdata)")

// captureFirstSeen stands for the clock's first_seen: a UTC time in RFC
// 3339 has always this length.
const captureFirstSeen = "2026-12-02T06:10:00Z"

// TestWritesOnlyCapture: the writes-only processor of the load test writes
// what errordiagnosis (default configuration) writes on the 500 spans of one
// cycle of the workload's failing traces, seen a second time (the groups
// ongoing, as in a steady load): the same attributes in the same order,
// of the same types and values (first_seen excepted, a time of the same
// length).
func TestWritesOnlyCapture(t *testing.T) {
	for _, shape := range []workload.Shape{workload.Mixed, workload.SharedCause} {
		t.Run(string(shape), func(t *testing.T) {
			got := capture(t, shape)
			path := filepath.Join("..", "loadtest", "writesonly", "testdata", string(shape)+".json")
			if *updateCapture {
				must(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			must(t, err)
			if !bytes.Equal(want, got) {
				t.Fatalf("%s is stale: the processor now writes\n%s\nrewrite it: go test -run TestWritesOnlyCapture -update-capture", path, got)
			}
		})
	}
}

// capture returns the diagnosis attributes of the 500 spans of one cycle of
// shape, one span each, as indented OTLP JSON.
func capture(t *testing.T, shape workload.Shape) []byte {
	sink := &consumertest.TracesSink{}
	p := newErrorDiagnosis(t, 0, sink)
	start, stop := chain(t, p)
	for gen := range uint32(2) {
		td := workload.FailingCycle(shape, 3)
		workload.SetGeneration(td, gen)
		must(t, start.ConsumeTraces(context.Background(), td))
	}
	stop()
	if len(sink.AllTraces()) != 2 {
		t.Fatalf("%d batches out of 2", len(sink.AllTraces()))
	}
	out := ptrace.NewTraces()
	spans := out.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	forEach(sink.AllTraces()[1], func(span ptrace.Span) {
		if _, ok := span.Attributes().Get("diagnosis.category"); !ok {
			return
		}
		to := spans.AppendEmpty().Attributes()
		for k, v := range span.Attributes().All() {
			if !strings.HasPrefix(k, "diagnosis.") {
				continue
			}
			if k == "diagnosis.first_seen" {
				if len(v.Str()) != len(captureFirstSeen) {
					t.Fatalf("first_seen %q is not of the length of %q", v.Str(), captureFirstSeen)
				}
				to.PutStr(k, captureFirstSeen)
				continue
			}
			v.CopyTo(to.PutEmpty(k))
		}
	})
	if spans.Len() == 0 {
		t.Fatal("no span diagnosed")
	}
	var m ptrace.JSONMarshaler
	raw, err := m.MarshalTraces(out)
	must(t, err)
	var b bytes.Buffer
	must(t, json.Indent(&b, raw, "", " "))
	b.WriteByte('\n')
	return b.Bytes()
}

func forEach(td ptrace.Traces, f func(ptrace.Span)) {
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				f(span)
			}
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkContractBytes reports what errordiagnosis's attributes add to a
// diagnosed span in OTLP protobuf (B/diagnosed_span, exact, not timed),
// whole and with each group of `attributes` switched off, on one cycle of
// the mixed workload's failing traces seen a second time (README
// "Configuration").
func BenchmarkContractBytes(b *testing.B) {
	for _, tt := range []struct {
		name  string
		attrs map[string]any
	}{
		{"all", map[string]any{}},
		{"no_cause_texts", map[string]any{"cause_texts": false}},
		{"no_error_group", map[string]any{"error_group": false}},
		{"neither", map[string]any{"cause_texts": false, "error_group": false}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var added, targets int
			for range b.N {
				added, targets = contractBytes(b, tt.attrs)
			}
			b.ReportMetric(float64(added)/float64(targets), "B/diagnosed_span")
		})
	}
}

// contractBytes runs a cycle of failing traces through errordiagnosis
// twice (wait_duration 0, attributes attrs) and returns the bytes the
// second pass added and the spans it diagnosed.
func contractBytes(tb testing.TB, attrs map[string]any) (added, targets int) {
	f := errordiagnosis.NewFactory()
	cfg := f.CreateDefaultConfig()
	if err := confmap.NewFromStringMap(map[string]any{"wait_duration": "0s", "attributes": attrs}).Unmarshal(cfg); err != nil {
		tb.Fatal(err)
	}
	sink := &consumertest.TracesSink{}
	p, err := f.CreateTraces(context.Background(), settings(f.Type()), cfg, sink)
	if err != nil {
		tb.Fatal(err)
	}
	start, stop := chain(tb, p)
	var m ptrace.ProtoMarshaler
	var before int
	for gen := range uint32(2) {
		td := workload.FailingCycle(workload.Mixed, 3)
		workload.SetGeneration(td, gen)
		before = m.TracesSize(td)
		if err := start.ConsumeTraces(context.Background(), td); err != nil {
			tb.Fatal(err)
		}
	}
	stop()
	out := sink.AllTraces()[1]
	forEach(out, func(span ptrace.Span) {
		if _, ok := span.Attributes().Get("diagnosis.category"); ok {
			targets++
		}
	})
	return m.TracesSize(out) - before, targets
}
