package writesonlyprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor/test/loadtest/writesonly"

import (
	"context"
	"embed"
	"fmt"
	"strings"
	"sync/atomic"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
)

// The captures are errordiagnosis's output on one cycle of the load test's
// failing traces (workload.FailingCycle), one span per diagnosed 500 span
// with its diagnosis attributes only; test/benchmarks's
// TestWritesOnlyCapture checks them against the processor and rewrites
// them with -update-capture.
//
//go:embed testdata/*.json
var captures embed.FS

// attr is one attribute as errordiagnosis writes it.
type attr struct {
	key string
	typ pcommon.ValueType
	str string
	i   int64
	d   float64
	b   bool
}

// captured returns the attribute sets of the capture of shape, in order.
func captured(shape string) ([][]attr, error) {
	data, err := captures.ReadFile("testdata/" + shape + ".json")
	if err != nil {
		return nil, fmt.Errorf("no capture %q: use mixed or dbdown", shape)
	}
	var u ptrace.JSONUnmarshaler
	td, err := u.UnmarshalTraces(data)
	if err != nil {
		return nil, fmt.Errorf("capture %q: %w", shape, err)
	}
	var sets [][]attr
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				var set []attr
				for k, v := range span.Attributes().All() {
					set = append(set, attr{key: k, typ: v.Type(), str: v.Str(), i: v.Int(), d: v.Double(), b: v.Bool()})
				}
				sets = append(sets, set)
			}
		}
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("capture %q holds no span", shape)
	}
	return sets, nil
}

// writer writes the captured sets on the targets in turn.
type writer struct {
	targets *evidence.TargetSpec
	sets    [][]attr
	next    atomic.Uint64
}

func newWriter(shape string, attrs contract.Attributes) (*writer, error) {
	sets, err := captured(shape)
	if err != nil {
		return nil, err
	}
	for i, set := range sets {
		kept := set[:0]
		for _, a := range set {
			if attrs.Writes(strings.TrimPrefix(a.key, contract.DefaultPrefix)) {
				kept = append(kept, a)
			}
		}
		sets[i] = kept
	}
	// errordiagnosis's defaults: status_codes [500], span_kinds [server].
	return &writer{targets: evidence.NewTargetSpec([]int{500}, []string{"server"}), sets: sets}, nil
}

func (w *writer) processTraces(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				if _, ok := w.targets.Status(span); ok {
					w.write(span.Attributes())
				}
			}
		}
	}
	return td, nil
}

// write puts the next set on attrs, as errordiagnosis does: one growth of
// the map, then a typed put per attribute.
func (w *writer) write(attrs pcommon.Map) {
	set := w.sets[(w.next.Add(1)-1)%uint64(len(w.sets))]
	attrs.EnsureCapacity(attrs.Len() + 24)
	for _, a := range set {
		switch a.typ {
		case pcommon.ValueTypeStr:
			attrs.PutStr(a.key, a.str)
		case pcommon.ValueTypeInt:
			attrs.PutInt(a.key, a.i)
		case pcommon.ValueTypeDouble:
			attrs.PutDouble(a.key, a.d)
		case pcommon.ValueTypeBool:
			attrs.PutBool(a.key, a.b)
		}
	}
}
