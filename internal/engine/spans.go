package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

import (
	"bytes"
	"cmp"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Span surgery: one span with its resource and scope out of a batch and
// back, and the held spans taken out of a batch.

// At is the place of span k of scope span j of resource span i.
func At(i, j, k int) SpanPos { return SpanPos{i, j, k} }

// SpanAt returns the span at a place of a batch.
func SpanAt(td ptrace.Traces, p SpanPos) ptrace.Span {
	return td.ResourceSpans().At(p.rs).ScopeSpans().At(p.ss).Spans().At(p.span)
}

// ResourceAt returns the resource of the span at a place of a batch.
func ResourceAt(td ptrace.Traces, p SpanPos) pcommon.Resource {
	return td.ResourceSpans().At(p.rs).Resource()
}

// CopySpan copies one span with its resource and scope into a new Traces.
func CopySpan(td ptrace.Traces, p SpanPos) ptrace.Traces {
	return extractSpan(td, p, ptrace.Span.CopyTo)
}

// moveSpan moves one span into a new Traces with a copy of its resource and
// scope, leaving an empty span in its place.
func moveSpan(td ptrace.Traces, p SpanPos) ptrace.Traces {
	return extractSpan(td, p, ptrace.Span.MoveTo)
}

func extractSpan(td ptrace.Traces, p SpanPos, transfer func(src, dst ptrace.Span)) ptrace.Traces {
	src := td.ResourceSpans().At(p.rs)
	out := ptrace.NewTraces()
	rs := out.ResourceSpans().AppendEmpty()
	src.Resource().CopyTo(rs.Resource())
	rs.SetSchemaUrl(src.SchemaUrl())
	srcSS := src.ScopeSpans().At(p.ss)
	ss := rs.ScopeSpans().AppendEmpty()
	srcSS.Scope().CopyTo(ss.Scope())
	ss.SetSchemaUrl(srcSS.SchemaUrl())
	transfer(srcSS.Spans().At(p.span), ss.Spans().AppendEmpty())
	return out
}

// heldMarshaler and heldUnmarshaler encode held spans: as OTLP bytes a held
// span is one object for the garbage collector instead of dozens, and a
// retry after a failed delivery starts from the span as it arrived.
var (
	heldMarshaler   = &ptrace.ProtoMarshaler{}
	heldUnmarshaler = &ptrace.ProtoUnmarshaler{}
)

// holdData moves a target out of the batch and encodes it with its
// resource and scope; RemoveSpans then drops the emptied place. On an
// encoding error (not expected) the span is put back and ok is false.
func holdData(td ptrace.Traces, p SpanPos) (data []byte, ok bool) {
	one := moveSpan(td, p)
	data, err := heldMarshaler.MarshalTraces(one)
	if err != nil {
		one.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).MoveTo(SpanAt(td, p))
		return nil, false
	}
	return data, true
}

// sameSpan reports whether a span of the batch is byte-identical, with its
// resource and scope, to a held span: an upstream sent it again.
func sameSpan(td ptrace.Traces, p SpanPos, held []byte) bool {
	a, err := heldMarshaler.MarshalTraces(CopySpan(td, p))
	return err == nil && bytes.Equal(a, held)
}

// DecodeHeld decodes a held span: one ResourceSpans with one span.
func DecodeHeld(data []byte) (ptrace.Traces, error) {
	return heldUnmarshaler.UnmarshalTraces(data)
}

// RemoveSpans removes spans from the batch, keeping the order of the
// others, and drops scopes and resources left empty. It sorts remove.
func RemoveSpans(td ptrace.Traces, remove []SpanPos) {
	if len(remove) == 0 {
		return
	}
	// In batch order, one cursor walks them beside the batch: no set to build.
	slices.SortFunc(remove, comparePos)
	next := 0
	at := func(i, j int) bool { return next < len(remove) && remove[next].rs == i && remove[next].ss == j }
	rsIdx := 0
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		i := rsIdx
		rsIdx++
		ssIdx := 0
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			j := ssIdx
			ssIdx++
			if !at(i, j) {
				return false
			}
			spIdx := 0
			ss.Spans().RemoveIf(func(ptrace.Span) bool {
				p := SpanPos{i, j, spIdx}
				spIdx++
				drop := false
				for next < len(remove) && remove[next] == p {
					next++
					drop = true
				}
				return drop
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
}

func comparePos(a, b SpanPos) int {
	return cmp.Or(cmp.Compare(a.rs, b.rs), cmp.Compare(a.ss, b.ss), cmp.Compare(a.span, b.span))
}
