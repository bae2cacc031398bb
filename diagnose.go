package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"net/url"
	"strconv"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/classify"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/fingerprint"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

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
	// conclusive: more evidence arriving later would not change the result.
	conclusive bool
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
// to it. budget bounds the recursion into downstream services.
func (d *diagnoser) diagnose(t *tracecache.Trace, target *tracecache.Node, status, budget int) result {
	sc := diagnoseScratches.Get().(*diagnoseScratch)
	defer func() {
		// Cleared so that the pool keeps no node or evidence text alive.
		clear(sc.attributed)
		clear(sc.items)
		sc.attributed, sc.items, sc.pre = sc.attributed[:0], sc.items[:0], sc.pre[:0]
		diagnoseScratches.Put(sc)
	}()
	attributed := t.Attribute(target, sc.attributed[:0])
	sc.attributed = attributed
	items := append(sc.items[:0], make([]diagnosis.Evidence, len(attributed))...)
	sc.items = items
	var pre []diagnosis.Match
	for i := range attributed {
		items[i] = attributed[i].Evidence
		if m, ok := d.rules.matchOf(items[i].UserRule); ok {
			if pre == nil {
				pre = append(sc.pre[:0], make([]diagnosis.Match, len(attributed))...)
				sc.pre = pre
			}
			pre[i] = m
		}
	}
	res := result{Result: classify.ClassifyMatched(items, pre), service: t.Service(target)}
	// Only a failed database or outgoing call is final: such spans are leaves
	// of the service's subtree. An exception on the target or an internal span
	// may still be explained by a deeper span that has not arrived yet (spans
	// of one trace come in any order), so it waits for wait_duration.
	res.conclusive = res.Strength == diagnosis.StrengthUser ||
		(res.Conclusive && res.Evidence != nil && res.Evidence.Kind != diagnosis.KindSpan)

	var decider *tracecache.Attributed
	for i := range items {
		if res.Evidence == &items[i] {
			decider = &attributed[i]
			break
		}
	}
	if res.Evidence != nil {
		// The result outlives the scratch buffers.
		ev := *res.Evidence
		res.Evidence = &ev
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
		res.conclusive = d.rootCause(t, decider, &res, budget)
	}
	return res
}

// rootCause fills the downstream service and its own diagnosis for a
// dependency failure decided by a client span; it reports whether the
// diagnosis is conclusive (the downstream side is known, or cannot come).
func (d *diagnoser) rootCause(t *tracecache.Trace, decider *tracecache.Attributed, res *result, budget int) bool {
	if decider.Evidence.Peer != "" {
		res.evidenceService = decider.Evidence.Peer
	}
	downs := t.Downstream(decider.Node.ID, nil)
	if len(downs) == 0 {
		// Nothing answered: no downstream span will come for an unreachable peer.
		return res.Cause == "upstream_unreachable"
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
		sub := d.diagnose(t, ds, int(ds.Status), budget-1)
		res.rootCause = sub.Category
		if sub.rootCause != "" {
			res.rootCause, res.rootService = sub.rootCause, sub.rootService
		}
		return sub.conclusive
	default:
		return true
	}
}

// decided is what is kept of a released diagnosis.
func (res result) decided() tracecache.Decided {
	return tracecache.Decided{Category: res.Category, Cause: res.Cause, RootCategory: res.rootCause, RootService: res.rootService}
}

// attributeNames are the prefixed attribute names, computed once.
type attributeNames struct {
	category, cause, likelihood, confidence, evidence, evidenceSpanID, evidenceService,
	fix, fixEffort, runbookURL, fingerprint, rule, rootCauseCategory, rootCauseService string
}

func newAttributeNames(prefix string) attributeNames {
	return attributeNames{
		category:          prefix + "category",
		cause:             prefix + "cause",
		likelihood:        prefix + "likelihood",
		confidence:        prefix + "confidence",
		evidence:          prefix + "evidence",
		evidenceSpanID:    prefix + "evidence.span_id",
		evidenceService:   prefix + "evidence.service",
		fix:               prefix + "fix",
		fixEffort:         prefix + "fix.effort",
		runbookURL:        prefix + "runbook.url",
		fingerprint:       prefix + "fingerprint",
		rule:              prefix + "rule",
		rootCauseCategory: prefix + "root_cause.category",
		rootCauseService:  prefix + "root_cause.service",
	}
}

// annotate writes the diagnosis on the target span. Existing attributes are
// kept unless overwrite is set; every string written is capped, free text is
// redacted.
func (d *diagnoser) annotate(span ptrace.Span, res result) {
	attrs := span.Attributes()
	attrs.EnsureCapacity(attrs.Len() + 16) // one growth for all the attributes below
	put := func(k, v string) {
		if v == "" {
			return
		}
		if _, exists := attrs.Get(k); exists && !d.cfg.Overwrite {
			return
		}
		attrs.PutStr(k, d.redactor.Cap(v))
	}
	info := diagnosis.Categories[res.Category]
	fix, effort := info.Fix, info.Effort
	if r := d.rules.config(res.UserRule); r != nil {
		if r.Fix != "" {
			fix = r.Fix
		}
		if r.FixEffort != "" {
			effort = r.FixEffort
		}
	}
	fp := fingerprint.Fingerprint(fingerprintFields(span, res))

	put(d.names.category, string(res.Category))
	put(d.names.cause, res.Cause)
	put(d.names.likelihood, info.Likelihood)
	if _, exists := attrs.Get(d.names.confidence); !exists || d.cfg.Overwrite {
		attrs.PutDouble(d.names.confidence, res.Confidence)
	}
	if _, exists := attrs.Get(d.names.evidence); !exists || d.cfg.Overwrite {
		attrs.PutStr(d.names.evidence, d.redactor.Redact(describe(res)))
	}
	if !res.evidenceSpanID.IsEmpty() {
		put(d.names.evidenceSpanID, res.evidenceSpanID.String())
	}
	// Service names come from peer.service or server.address too, which may
	// hold a URL with credentials: redacted like free text.
	put(d.names.evidenceService, d.redactor.Redact(res.evidenceService))
	put(d.names.fix, fix)
	put(d.names.fixEffort, effort)
	if d.cfg.RunbookURLTemplate != "" {
		put(d.names.runbookURL, expandRunbook(d.cfg.RunbookURLTemplate, res, fp))
	}
	put(d.names.fingerprint, fp)
	put(d.names.rule, res.Rule)
	if res.rootCause != "" {
		put(d.names.rootCauseCategory, string(res.rootCause))
		put(d.names.rootCauseService, d.redactor.Redact(res.rootService))
	}
}

// fingerprintFields are the parts of the diagnosis the fingerprint is made of.
func fingerprintFields(span ptrace.Span, res result) fingerprint.Fields {
	f := fingerprint.Fields{Service: res.service, Category: res.Category, Cause: res.Cause,
		Dependency: res.dependency, NoEvidence: res.Evidence == nil}
	if ev := res.Evidence; ev != nil {
		f.ExceptionType, f.Message, f.Frame = ev.ExceptionType, firstNonEmpty(ev.ExceptionMessage, ev.StatusMessage), ev.Frame
	} else {
		f.Route = evidence.Route(span)
	}
	return f
}

// describe renders the deciding evidence as one line: what was seen, where.
func describe(res result) string {
	ev := res.Evidence
	if ev == nil {
		if res.Category != diagnosis.Unknown {
			return "HTTP status of the span itself"
		}
		return "no exception, failed database call or failed downstream call was recorded in the trace"
	}
	var b strings.Builder
	switch {
	case ev.ExceptionType != "" || ev.ExceptionMessage != "":
		b.WriteString("exception ")
		b.WriteString(ev.ExceptionType)
		if ev.ExceptionMessage != "" {
			if ev.ExceptionType != "" {
				b.WriteString(": ")
			}
			b.WriteString(ev.ExceptionMessage)
		}
	case ev.Kind == diagnosis.KindClient && ev.HTTPStatusCode > 0:
		b.WriteString("HTTP ")
		b.WriteString(strconv.Itoa(ev.HTTPStatusCode))
		b.WriteString(" response")
		if ev.StatusMessage != "" {
			b.WriteString(": ")
			b.WriteString(ev.StatusMessage)
		}
	case ev.Kind == diagnosis.KindClient && ev.RPCStatusCode != "":
		b.WriteString(firstNonEmpty(ev.RPCSystem, "rpc"))
		b.WriteString(" status ")
		b.WriteString(ev.RPCStatusCode)
		if ev.StatusMessage != "" {
			b.WriteString(": ")
			b.WriteString(ev.StatusMessage)
		}
	case ev.ErrorType != "":
		b.WriteString("error.type ")
		b.WriteString(ev.ErrorType)
		if ev.StatusMessage != "" {
			b.WriteString(": ")
			b.WriteString(ev.StatusMessage)
		}
	default:
		b.WriteString("status ")
		b.WriteString(firstNonEmpty(ev.StatusMessage, "error"))
	}
	if ev.DBSystem != "" {
		b.WriteString(" [")
		b.WriteString(ev.DBSystem)
		if ev.DBStatusCode != "" {
			b.WriteString(" code ")
			b.WriteString(ev.DBStatusCode)
		}
		b.WriteString("]")
	}
	if ev.SpanName != "" {
		b.WriteString(" on span \"")
		b.WriteString(ev.SpanName)
		b.WriteString("\"")
	} else {
		b.WriteString(" in a log record") // exception recorded as a log record
	}
	if ev.Service != "" {
		b.WriteString(" of ")
		b.WriteString(ev.Service)
	}
	if ev.Peer != "" && ev.Kind == diagnosis.KindClient {
		b.WriteString(" calling ")
		b.WriteString(ev.Peer)
	}
	return b.String()
}

func expandRunbook(tmpl string, res result, fp string) string {
	return strings.NewReplacer(
		"{category}", url.PathEscape(string(res.Category)),
		"{cause}", url.PathEscape(res.Cause),
		"{service}", url.PathEscape(res.service),
		"{fingerprint}", fp,
	).Replace(tmpl)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
