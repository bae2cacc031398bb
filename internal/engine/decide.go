package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

import (
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/classify"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// The decide stage, under the lock: each target of the batch diagnosed from
// what is remembered of its trace, final or left to wait; the spans held by
// earlier batches whose trace this batch touched, diagnosed again.

// Result is the diagnosis of one target, ready to be written.
type Result struct {
	diagnosis.Result
	// Service is the target's own service.name.
	Service string
	// EvidenceSpanID and EvidenceService locate the deciding evidence; for a
	// dependency failure, the service is the downstream one.
	EvidenceSpanID  pcommon.SpanID
	EvidenceService string
	// RootCause and RootService: for a dependency failure, the deepest
	// known cause down the chain of calls.
	RootCause   diagnosis.Category
	RootService string
	// Dependency names the failing database or downstream for the
	// fingerprint: the deciding span's key, or the downstream service.
	Dependency string
	// Final: more evidence arriving later would not change the result.
	Final bool
	// Item is a copy of the deciding evidence when HasItem (Result.Evidence
	// stays nil): by value, so that a result allocates nothing of its own.
	Item    diagnosis.Evidence
	HasItem bool
	// MetricEvidence is the evidence text of a metric reading that decided;
	// "" when the trace decided.
	MetricEvidence string
}

// Deciding returns the deciding evidence, nil when none decided.
func (res *Result) Deciding() *diagnosis.Evidence {
	if res.HasItem {
		return &res.Item
	}
	return nil
}

// diagnoseScratch holds the per-call buffers of diagnose, reused: a held
// target is diagnosed at least twice, and each time the evidence of its
// trace is gathered.
type diagnoseScratch struct {
	attributed []tracecache.Attributed
	items      []diagnosis.Evidence
	pre        []diagnosis.Match
}

var diagnoseScratches = sync.Pool{New: func() any { return new(diagnoseScratch) }}

// diagnose decides the cause of the target node from the evidence attributed
// to it, whose matches were decided when it was read. budget bounds the
// recursion into downstream services.
func diagnose(t *tracecache.Trace, target *tracecache.Node, status, budget int) Result {
	var res Result
	diagnoseInto(&res, t, target, status, budget)
	return res
}

// diagnoseInto is diagnose writing the result in *res: on the hot paths a
// result is written where it is kept (a verdict, a release), not copied
// there; it is a few hundred bytes.
func diagnoseInto(res *Result, t *tracecache.Trace, target *tracecache.Node, status, budget int) {
	sc := diagnoseScratches.Get().(*diagnoseScratch)
	defer func() {
		// Cleared so that the pool keeps no node or evidence text alive.
		clear(sc.attributed)
		clear(sc.items)
		sc.attributed, sc.items, sc.pre = sc.attributed[:0], sc.items[:0], sc.pre[:0]
		diagnoseScratches.Put(sc)
	}()
	// Items that matched nothing cannot decide: left out.
	attributed := t.Attribute(target, sc.attributed[:0])
	// In place, by index: an item is a few hundred bytes.
	matched := attributed[:0]
	for i := range attributed {
		if attributed[i].Evidence.Match.Strength != diagnosis.StrengthNone {
			if len(matched) != i {
				attributed[len(matched)] = attributed[i]
			}
			matched = attributed[:len(matched)+1]
		}
	}
	clear(attributed[len(matched):])
	attributed = matched
	sc.attributed = attributed
	sc.items = append(sc.items[:0], make([]diagnosis.Evidence, len(attributed))...)
	items := sc.items
	sc.pre = append(sc.pre[:0], make([]diagnosis.Match, len(attributed))...)
	pre := sc.pre
	for i := range attributed {
		items[i] = attributed[i].Evidence
		pre[i] = items[i].Match
	}
	decided, final := classify.Decide(items, pre, status)
	*res = Result{Result: decided, Service: t.Service(target), Final: final}

	var decider *tracecache.Attributed
	for i := range items {
		if res.Evidence == &items[i] {
			decider = &attributed[i]
			break
		}
	}
	if res.Evidence != nil {
		// The result outlives the scratch buffers.
		res.Item, res.HasItem, res.Evidence = *res.Evidence, true, nil
	}
	if decider != nil {
		res.EvidenceSpanID = decider.Node.ID
		res.EvidenceService = t.Service(decider.Node)
		res.Dependency = decider.Evidence.Dependency
	}

	if res.Category == diagnosis.DependencyFailure && decider != nil && decider.Node != target {
		known := downstreamCause(t, decider, res, budget)
		// An exception on an internal span is no call: the call's own span
		// (a database's connect, the client span) may still come and say
		// what failed, so only a call's span settles the downstream side.
		res.Final = known && (final || decider.Evidence.Kind != diagnosis.KindSpan)
	}
}

// downstreamCause fills the downstream service and its own diagnosis for a
// dependency failure decided by a client span; it reports whether the
// diagnosis is final (the downstream side is known, or cannot come).
func downstreamCause(t *tracecache.Trace, decider *tracecache.Attributed, res *Result, budget int) bool {
	if decider.Evidence.Peer != "" {
		res.EvidenceService = decider.Evidence.Peer
	}
	downs := t.Downstream(decider.Node.ID, nil)
	if len(downs) == 0 {
		// Nothing answered: no downstream span will come for an unreachable
		// peer. A raw connect's database spans may still come, and say what
		// it connected to (classify.databaseEndpoint).
		return res.Cause == "upstream_unreachable" && decider.Evidence.Kind != diagnosis.KindConnect
	}
	ds := downs[0]
	for _, n := range downs { // prefer the attempt that failed
		if n.Status >= 500 {
			ds = n
			break
		}
	}
	dsService := t.Service(ds)
	if dsService != "" {
		res.EvidenceService = dsService
		// Loopback or shared addresses name no service; the one that answered does.
		res.Dependency = "service " + dsService
	}
	// The root cause is the downstream's own diagnosis, or, when that is a
	// dependency failure too, the deepest cause down the chain of calls.
	res.RootCause, res.RootService = diagnosis.Unknown, dsService
	switch dec, decided := t.Decided(ds); {
	case decided:
		res.RootCause = dec.Category
		if dec.RootCategory != "" {
			res.RootCause, res.RootService = dec.RootCategory, dec.RootService
		}
		return true
	case budget > 0:
		// Final only when the downstream's own diagnosis is: its evidence
		// may still be on its way from the other service.
		var sub Result
		diagnoseInto(&sub, t, ds, int(ds.Status), budget-1)
		res.RootCause = sub.Category
		if sub.RootCause != "" {
			res.RootCause, res.RootService = sub.RootCause, sub.RootService
		}
		return sub.Final
	default:
		return true
	}
}

// decided is what is kept of a released diagnosis.
func (res *Result) decided() tracecache.Decided {
	return tracecache.Decided{Category: res.Category, Cause: res.Cause, RootCategory: res.RootCause, RootService: res.RootService}
}

// Verdict is a target of the batch with its diagnosis.
type Verdict struct {
	target
	Res Result
	// Early is the reason a target that would have waited is final in its
	// batch (see Engine.hold); "" for the others.
	Early string
}

// Pos is the place of the target in its batch.
func (v *Verdict) Pos() SpanPos { return v.mark.SpanPos }

// decide diagnoses the targets of a recorded batch, settles the final ones
// (a held caller diagnosed next reads them as its root cause), and
// diagnoses again the held spans of the traces the batch touched: those it
// made final are to be released.
func (e *Engine) decide(out *Outcome, td ptrace.Traces, rec *recording) {
	for _, bt := range rec.targets {
		if bt.duplicate {
			if h := e.held.OfNode(bt.trace, bt.node); h != nil && sameSpan(td, bt.mark.SpanPos, h.Data) {
				out.Taken = append(out.Taken, bt.mark.SpanPos)
				continue
			}
		}
		out.Final = append(out.Final, Verdict{target: bt})
		v := &out.Final[len(out.Final)-1]
		diagnoseInto(&v.Res, bt.trace, bt.node, bt.mark.status, maxCallChain)
		switch {
		case bt.duplicate:
		case v.Res.Final:
			settle(bt.trace, bt.node, &v.Res)
		default:
			out.waiting = append(out.waiting, *v)
			*v = Verdict{}
			out.Final = out.Final[:len(out.Final)-1]
		}
	}
	for _, t := range rec.touched {
		out.scratch = e.held.Of(t, out.scratch[:0])
		for _, h := range out.scratch {
			// Taken out of the queue and settled in hold, after every
			// diagnosis of the batch: none reads another's settling.
			out.Released = append(out.Released, Released{Held: h})
			r := &out.Released[len(out.Released)-1]
			if diagnoseInto(&r.Res, h.Trace, h.Node, h.Status, maxCallChain); !r.Res.Final {
				*r = Released{}
				out.Released = out.Released[:len(out.Released)-1]
			}
		}
	}
}
