package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/classify"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// The decide stage, under the lock: each target of the batch diagnosed from
// what is remembered of its trace, final or left to wait; the spans held by
// earlier batches whose trace this batch touched, diagnosed again.

// result is the diagnosis of one target, ready to be written.
type result struct {
	diagnosis.Result
	// service is the target's own service.name.
	service string
	// evidenceSpanID and evidenceService locate the deciding evidence; for a
	// dependency failure, the service is the downstream one.
	evidenceSpanID  pcommon.SpanID
	evidenceService string
	rootCause       diagnosis.Category
	rootService     string
	// dependency names the failing database or downstream for the
	// fingerprint: the deciding span's key, or the downstream service.
	dependency string
	// final: more evidence arriving later would not change the result.
	final bool
	// ev is a copy of the deciding evidence when hasEv (Result.Evidence
	// stays nil): by value, so that a result allocates nothing of its own.
	ev    diagnosis.Evidence
	hasEv bool
	// metricEvidence is the evidence text of a metric reading that decided
	// (metrics.go); "" when the trace decided.
	metricEvidence string
}

// deciding returns the deciding evidence, nil when none decided.
func (res *result) deciding() *diagnosis.Evidence {
	if res.hasEv {
		return &res.ev
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
func diagnose(t *tracecache.Trace, target *tracecache.Node, status, budget int) result {
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
	matched := attributed[:0]
	for _, a := range attributed {
		if a.Evidence.Match.Strength != diagnosis.StrengthNone {
			matched = append(matched, a)
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
	res := result{Result: classify.ClassifyMatched(items, pre), service: t.Service(target)}
	// Only a failed database or outgoing call is final: such spans are leaves
	// of the service's subtree. An exception on the target or an internal span
	// may still be explained by a deeper span that has not arrived yet (spans
	// of one trace come in any order), so it waits for wait_duration.
	res.final = res.Strength == diagnosis.StrengthUser ||
		(res.Conclusive && res.Evidence != nil && res.Evidence.Kind != diagnosis.KindSpan && !contested(items, res.Evidence))

	var decider *tracecache.Attributed
	for i := range items {
		if res.Evidence == &items[i] {
			decider = &attributed[i]
			break
		}
	}
	if res.Evidence != nil {
		// The result outlives the scratch buffers.
		res.ev, res.hasEv, res.Evidence = *res.Evidence, true, nil
	}
	if decider != nil {
		res.evidenceSpanID = decider.Node.ID
		res.evidenceService = t.Service(decider.Node)
		res.dependency = decider.Evidence.Dependency
	}

	// A gateway status of its own (502/503/504, when configured) says more
	// than no evidence or a generic one.
	if res.Category == diagnosis.Unknown || res.Strength <= diagnosis.StrengthStatus {
		if m, ok := classify.GatewayMatch(status); ok {
			res.Match = m
			res.Confidence = classify.Confidence(m)
		}
	}

	if res.Category == diagnosis.Unknown && res.Rule == "" {
		res.Rule = "generic.no_evidence"
	}
	if res.Category == diagnosis.DependencyFailure && decider != nil && decider.Node != target {
		res.final = rootCause(t, decider, &res, budget)
	}
	return res
}

// rootCause fills the downstream service and its own diagnosis for a
// dependency failure decided by a client span; it reports whether the
// diagnosis is final (the downstream side is known, or cannot come).
func rootCause(t *tracecache.Trace, decider *tracecache.Attributed, res *result, budget int) bool {
	if decider.Evidence.Peer != "" {
		res.evidenceService = decider.Evidence.Peer
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
		res.evidenceService = dsService
		// Loopback or shared addresses name no service; the one that answered does.
		res.dependency = "service " + dsService
	}
	// The root cause is the downstream's own diagnosis, or, when that is a
	// dependency failure too, the deepest cause down the chain of calls.
	res.rootCause, res.rootService = diagnosis.Unknown, dsService
	switch dec, decided := t.Decided(ds); {
	case decided:
		res.rootCause = dec.Category
		if dec.RootCategory != "" {
			res.rootCause, res.rootService = dec.RootCategory, dec.RootService
		}
		return true
	case budget > 0:
		// Final only when the downstream's own diagnosis is: its evidence
		// may still be on its way from the other service.
		sub := diagnose(t, ds, int(ds.Status), budget-1)
		res.rootCause = sub.Category
		if sub.rootCause != "" {
			res.rootCause, res.rootService = sub.rootCause, sub.rootService
		}
		return sub.final
	default:
		return true
	}
}

// decided is what is kept of a released diagnosis.
func (res result) decided() tracecache.Decided {
	return tracecache.Decided{Category: res.Category, Cause: res.Cause, RootCategory: res.rootCause, RootService: res.rootService}
}

// verdict is a target of the batch with its diagnosis.
type verdict struct {
	target
	res result
	// early is the reason a target that would have waited is final in its
	// batch (see holdLocked); "" for the others.
	early string
}

// decisions are what the decide stage concludes of a recorded batch.
type decisions struct {
	// final are annotated in the batch.
	final []verdict
	// waiting are not final yet: held for late evidence.
	waiting []verdict
	// taken are the places of the spans taken out of the batch: the waiting
	// ones once held, and the held spans that an upstream sent again (it
	// retries a batch after a retryable error), whose held copy goes out.
	taken []spanPos
	// ready are spans held by earlier batches that this batch made final.
	ready []released
	// early and held are buffers: the spans holdLocked releases for a
	// limit, the held spans of a trace that decide looks at again.
	early, held []*holdqueue.Held
	// stored are the spans this batch held, to write to storage;
	// evidenced, those of them that had evidence (heldstorage.go).
	stored    []*holdqueue.Held
	evidenced []heldTarget
}

// decisionsPool keeps the buffers of decide and hold between batches.
var decisionsPool = sync.Pool{New: func() any { return new(decisions) }}

// reset empties the buffers, dropping what they point to.
func (dec *decisions) reset() {
	clear(dec.final)
	clear(dec.waiting)
	clear(dec.ready)
	clear(dec.early)
	clear(dec.held)
	clear(dec.stored)
	dec.stored, dec.evidenced = dec.stored[:0], dec.evidenced[:0]
	dec.final, dec.waiting, dec.taken, dec.ready = dec.final[:0], dec.waiting[:0], dec.taken[:0], dec.ready[:0]
	dec.early, dec.held = dec.early[:0], dec.held[:0]
}

// decide diagnoses the targets of a recorded batch, settles the final ones
// (a held caller diagnosed next reads them as its root cause), and
// diagnoses again the held spans of the traces the batch touched.
func (d *diagnoser) decide(dec *decisions, td ptrace.Traces, rec recording) {
	for _, bt := range rec.targets {
		if bt.duplicate {
			if h := d.held.OfNode(bt.trace, bt.node); h != nil && sameSpan(td, bt.mark.spanPos, h.Data) {
				dec.taken = append(dec.taken, bt.mark.spanPos)
				continue
			}
		}
		v := verdict{target: bt, res: diagnose(bt.trace, bt.node, bt.mark.status, maxCallChain)}
		if v.res.final || bt.duplicate {
			if !bt.duplicate {
				settle(bt.trace, bt.node, v.res)
			}
			dec.final = append(dec.final, v)
		} else {
			dec.waiting = append(dec.waiting, v)
		}
	}
	for _, t := range rec.touched {
		dec.held = d.held.Of(t, dec.held[:0])
		for _, h := range dec.held {
			if res := diagnose(h.Trace, h.Node, h.Status, maxCallChain); res.final {
				dec.ready = append(dec.ready, released{held: h, res: res})
			}
		}
	}
}

// contested reports whether the target recorded an exception of its own that
// names another cause than the deciding evidence dec of a deeper call and
// does not carry its failure. Then a later call may still explain what the
// target failed with (a pool validated a broken connection, took another,
// and the query on it failed: its span can arrive after the target's), and
// the decision waits for wait_duration instead of being final.
func contested(items []diagnosis.Evidence, dec *diagnosis.Evidence) bool {
	if dec.Depth == 0 {
		return false
	}
	for i := range items {
		own := &items[i]
		if own.Depth != 0 || own == dec || classify.IsGeneric(own.Match) || own.Match.Strength < diagnosis.StrengthPattern {
			continue
		}
		if own.Match.Category == dec.Match.Category && own.Match.Cause == dec.Match.Cause {
			return false
		}
		if !tracecache.Echoes(own, dec) {
			return true
		}
	}
	return false
}
