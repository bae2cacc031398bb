package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

import (
	"cmp"
	"maps"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The evidence stored with a held span: the spans of its batch that its
// diagnosis reads, so that after a crash it is diagnosed as before it
// (the processor's heldstorage.go).

// heldTarget is a held span with evidence in its batch: its index in
// Outcome.Stored and its ids.
type heldTarget struct {
	stored int
	spanIDs
}

// spanIDs identifies a span.
type spanIDs struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// Bounds of the evidence stored with a held span: the spans that carry
// evidence and those linking them to it, as many as a trace usually has.
const (
	maxEvidenceSpans = 64
	maxEvidenceChain = 32
)

// StoredEvidence is the evidence to store with each span of out.Stored, by
// its index: nil when none had evidence (see heldEvidence).
func (out *Outcome) StoredEvidence(td ptrace.Traces, scan *Scan) [][]byte {
	return heldEvidence(td, scan, out.evidenced, len(out.Stored))
}

// heldEvidence encodes, for each held target of the batch with evidence,
// the spans of its trace in the batch that the diagnosis reads: the marked
// ones (that may hold evidence), their siblings (a retry that succeeded
// takes a failure's claim away) and the spans between them and the
// target. A target restored after a crash is then diagnosed as before it.
// By index of the n stored spans; nil when no target had evidence.
func heldEvidence(td ptrace.Traces, scan *Scan, targets []heldTarget, n int) [][]byte {
	if len(targets) == 0 {
		return nil
	}
	type trace struct {
		byID     map[pcommon.SpanID]SpanPos
		children map[pcommon.SpanID][]SpanPos
	}
	traces := make(map[pcommon.TraceID]*trace, len(targets))
	for _, t := range targets {
		traces[t.trace] = &trace{byID: map[pcommon.SpanID]SpanPos{}, children: map[pcommon.SpanID][]SpanPos{}}
	}
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		sss := rss.At(i).ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				sp := spans.At(k)
				if tr, ok := traces[sp.TraceID()]; ok {
					p := SpanPos{i, j, k}
					tr.byID[sp.SpanID()] = p
					tr.children[sp.ParentSpanID()] = append(tr.children[sp.ParentSpanID()], p)
				}
			}
		}
	}
	out := make([][]byte, n)
	for _, t := range targets {
		tr := traces[t.trace]
		picked := map[SpanPos]bool{}
		pick := func(p SpanPos) bool {
			sp := SpanAt(td, p)
			if sp.TraceID() != t.trace || sp.SpanID() == t.span || picked[p] || len(picked) >= maxEvidenceSpans {
				return false
			}
			picked[p] = true
			return true
		}
		for m := range scan.marks {
			mk := &scan.marks[m]
			if mk.target || !mk.errorish || SpanAt(td, mk.SpanPos).TraceID() != t.trace {
				continue
			}
			for _, sib := range tr.children[SpanAt(td, mk.SpanPos).ParentSpanID()] {
				pick(sib)
			}
			p := mk.SpanPos
			for range maxEvidenceChain {
				next, ok := tr.byID[SpanAt(td, p).ParentSpanID()]
				if !ok || !pick(next) {
					break
				}
				p = next
			}
		}
		if len(picked) == 0 {
			continue
		}
		// In batch order, as they arrived.
		order := slices.SortedFunc(maps.Keys(picked), func(a, b SpanPos) int {
			return cmp.Or(cmp.Compare(a.rs, b.rs), cmp.Compare(a.ss, b.ss), cmp.Compare(a.span, b.span))
		})
		ev := ptrace.NewTraces()
		for _, p := range order {
			CopySpan(td, p).ResourceSpans().MoveAndAppendTo(ev.ResourceSpans())
		}
		if data, err := heldMarshaler.MarshalTraces(ev); err == nil {
			out[t.stored] = data
		}
	}
	return out
}

// KeepOnly removes every span of td but the one of these ids.
func KeepOnly(td ptrace.Traces, trace pcommon.TraceID, span pcommon.SpanID) {
	keep := spanIDs{trace, span}
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(func(sp ptrace.Span) bool { return spanIDs{sp.TraceID(), sp.SpanID()} != keep })
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
}
