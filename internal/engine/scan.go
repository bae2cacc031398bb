package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

import (
	"context"
	"sync/atomic"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/classify"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// The first stage of a batch, without the lock: find the targets and the
// error-ish spans, then evaluate the user rules on them and read and match
// their evidence.

// Rules are the user rules: the one whose condition a span matches, and
// the Match each decides.
type Rules interface {
	Match(ctx context.Context, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span) diagnosis.UserRule
	MatchOf(r diagnosis.UserRule) (diagnosis.Match, bool)
}

// SpanPos is the place of a span in a batch.
type SpanPos struct {
	rs, ss, span int
}

// batchMark is a span of the batch that is a target or may hold evidence,
// with what prepare read of it.
type batchMark struct {
	SpanPos
	status   int
	target   bool
	errorish bool
	// rule is the user rule whose condition the span matches.
	rule diagnosis.UserRule
	// read: the span's evidence was read; from and to delimit it in
	// Scan.items.
	read     bool
	from, to int32
}

// batchRun is a run of consecutive spans of one scope whose trace ids share
// their Bucket24: usually the spans of one trace, which SDKs and batchers
// keep together. Recording looks a run up in the cache once.
type batchRun struct {
	rs, ss     int32
	start, end int32 // span indexes in the scope, end excluded
	bucket     uint32
}

// Scan is what the first stage learns of a batch, reused between
// batches: the marked spans, their evidence, and the runs of spans by trace
// id bucket so that recording can skip the spans of traces the cache does
// not remember without touching them, and without a filter look-up per span.
type Scan struct {
	marks []batchMark
	runs  []batchRun
	items []diagnosis.Evidence
	// servers counts the SERVER spans of each ResourceSpans: the requests
	// the fingerprint registry counts per version.
	servers []int
}

// Servers counts the SERVER spans of each ResourceSpans of the batch.
func (s *Scan) Servers() []int { return s.servers }

// maxSpares is how many objects (scans, outcomes) are kept between calls: about as many as
// the requests a receiver serves at once (the load test's 4 senders, a few
// gRPC streams). Beyond, a concurrent call allocates a scan of its own and
// it is dropped when given back.
const maxSpares = 8

// spares keeps objects between calls, at most maxSpares: unlike a
// sync.Pool they survive garbage collections, so that the buffers a batch
// grew serve the next ones instead of growing again after every
// collection, and concurrent calls each find one.
type spares[T any] struct {
	spare [maxSpares]atomic.Pointer[T]
}

// take returns a spare, nil when none is left.
func (p *spares[T]) take() *T {
	for i := range p.spare {
		if x := p.spare[i].Swap(nil); x != nil {
			return x
		}
	}
	return nil
}

// keep gives x back; it is dropped when the spares are full.
func (p *spares[T]) keep(x *T) {
	for i := range p.spare {
		if p.spare[i].CompareAndSwap(nil, x) {
			return
		}
	}
}

// scans keeps scans between calls, grown to their batches: a healthy batch
// allocates nothing.
type scans struct {
	spares[Scan]
}

func (p *scans) get() *Scan {
	if s := p.take(); s != nil {
		return s
	}
	return &Scan{marks: make([]batchMark, 0, 64), runs: make([]batchRun, 0, 256)}
}

func (p *scans) put(s *Scan) {
	s.reset()
	p.keep(s)
}

// evidenceOf returns the evidence prepare read of a mark.
func (s *Scan) evidenceOf(m *batchMark) []diagnosis.Evidence {
	return s.items[m.from:m.to:m.to]
}

// reset empties the scan, keeping its memory but no evidence text.
func (s *Scan) reset() {
	clear(s.items)
	s.marks, s.runs, s.items, s.servers = s.marks[:0], s.runs[:0], s.items[:0], s.servers[:0]
}

// scan is the hot path for healthy traffic: no allocation, one attribute
// scan per server span.
func (s *Scan) scan(td ptrace.Traces, targets *evidence.TargetSpec) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		servers := 0
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			run := batchRun{rs: int32(i), ss: int32(j)}
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				if span.Kind() == ptrace.SpanKindServer {
					servers++
				}
				status, target := targets.Status(span)
				if errorish := evidence.IsErrorish(span); target || errorish {
					s.marks = append(s.marks, batchMark{SpanPos: SpanPos{i, j, k}, status: status, target: target, errorish: errorish})
				}
				if b := tracecache.Bucket24(span.TraceID()); k == 0 || b != run.bucket {
					if k > 0 {
						run.end = int32(k)
						s.runs = append(s.runs, run)
					}
					run.start, run.bucket = int32(k), b
				}
			}
			if spans.Len() > 0 {
				run.end = int32(spans.Len())
				s.runs = append(s.runs, run)
			}
		}
		s.servers = append(s.servers, servers)
	}
}

// prepare evaluates the user rules on the marked spans, reads and matches
// their evidence. Its texts are the batch's own: what outlives the batch
// is copied (the cache packs what it keeps).
func (s *Scan) prepare(ctx context.Context, td ptrace.Traces, rules Rules) {
	rss := td.ResourceSpans()
	service, serviceRS := "", -1
	for x := range s.marks {
		m := &s.marks[x]
		rs := rss.At(m.rs)
		ss := rs.ScopeSpans().At(m.ss)
		span := ss.Spans().At(m.span)
		if span.TraceID().IsEmpty() || span.SpanID().IsEmpty() {
			continue // malformed: passed through untouched
		}
		m.rule = rules.Match(ctx, rs, ss, span)
		if m.errorish || m.rule != diagnosis.NoUserRule {
			if serviceRS != m.rs {
				service, serviceRS = evidence.ServiceName(rs.Resource()), m.rs
			}
			from := len(s.items)
			ownStatus := span.Kind() == ptrace.SpanKindServer || m.target
			if ownStatus && evidence.OwnStatusOnly(span) {
				// Nothing WithoutOwnStatus would keep: read as no evidence.
				m.read, m.from, m.to = true, int32(from), int32(from)
				continue
			}
			s.items = evidence.ReadSpan(service, span, s.items, evidence.Borrowed)
			items := s.items[from:]
			if ownStatus {
				items = evidence.WithoutOwnStatus(items)
				// What was cut holds no text of the batch past it.
				clear(s.items[from+len(items):])
				s.items = s.items[:from+len(items)]
			}
			for i := range items {
				items[i].UserRule = m.rule
			}
			MatchItems(items, rules)
			m.read, m.from, m.to = true, int32(from), int32(len(s.items))
		}
	}
}

// MatchItems decides the Match of each item: the user rule its span
// matched, else the rule tables.
func MatchItems(items []diagnosis.Evidence, rules Rules) {
	for i := range items {
		if m, ok := rules.MatchOf(items[i].UserRule); ok {
			items[i].Match = m
			continue
		}
		items[i].Match, _ = classify.MatchEvidence(&items[i])
	}
}
