package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

// writer writes diagnoses on spans: what annotating needs, shared by the
// runs of targets (annotator).
type writer struct {
	cfg      *Config
	redactor *redact.Redactor
	rules    *userRules
	names    contract.Names
	// textMemo holds the texts of the latest diagnoses (texts.go).
	textMemo  *memo.Memo[annotationKey, annotationTexts]
	metrics   *metricEvidence
	registry  *registry.Registry
	counters  counters
	heldStore *heldStorage
	logger    *zap.Logger
}

func newWriter(cfg *Config, red *redact.Redactor, rules *userRules, metrics *metricEvidence, reg *registry.Registry, c counters, hs *heldStorage, logger *zap.Logger) *writer {
	w := &writer{cfg: cfg, redactor: red, rules: rules, names: contract.NewNames(cfg.AttributePrefix),
		metrics: metrics, registry: reg, counters: c, heldStore: hs, logger: logger}
	w.textMemo = memo.New(8, w.computeTexts).OwnKeys(ownKey)
	return w
}

// annotator writes the diagnoses of a run of targets, one after another on
// one goroutine: consecutive targets of one outage share their texts, their
// group and its first sighting, found once.
type annotator struct {
	w     *writer
	front memo.Front[annotationKey, annotationTexts]
	// long are the texts of the last key too long for the memo.
	long annotationTexts
	// resource is the last target's, of service svc in version at
	// revision.
	resource          pcommon.Resource
	svc               contract.Service
	version, revision string
	seen              registry.Recorder
	// The group's texts last written.
	firstSeen, firstVersion, firstRevision, resolvedIn capped
}

func (w *writer) newAnnotator() annotator {
	return annotator{w: w, front: w.textMemo.Front(), seen: w.registry.Recorder()}
}

// annotate writes the diagnosis on the target span, of resource resource,
// and counts it in the fingerprint registry. Existing attributes are kept
// unless overwrite is set; every string written is capped, free text is
// redacted.
func (a *annotator) annotate(resource pcommon.Resource, span ptrace.Span, res *engine.Result) {
	d := a.w
	d.metrics.refine(resource, span, res)
	attrs := span.Attributes()
	// Most spans carry no diagnosis yet: one pass over the keys spares a
	// look-up per attribute written.
	existing := false
	if !d.cfg.Overwrite {
		for k := range attrs.All() {
			if strings.HasPrefix(k, d.cfg.AttributePrefix) {
				existing = true
				break
			}
		}
	}
	attrs.EnsureCapacity(attrs.Len() + 24) // one growth for all the attributes below
	keep := func(k string) bool {
		if !existing {
			return false
		}
		_, exists := attrs.Get(k)
		return exists
	}
	put := func(k string, v capped) {
		if v.set && !keep(k) {
			attrs.PutStr(k, v.s)
		}
	}
	t := a.texts(span, res)

	put(d.names.Category, t.category)
	put(d.names.Cause, t.cause)
	texts := d.cfg.Attributes.CauseTexts
	if texts {
		put(d.names.Likelihood, t.likelihood)
	}
	if !keep(d.names.Confidence) {
		attrs.PutDouble(d.names.Confidence, res.Confidence)
	}
	if !keep(d.names.Evidence) {
		attrs.PutStr(d.names.Evidence, d.metrics.evidence(res, t.evidence))
	}
	if !res.EvidenceSpanID.IsEmpty() {
		put(d.names.EvidenceSpanID, d.capped(res.EvidenceSpanID.String()))
	}
	put(d.names.EvidenceService, t.evidenceService)
	if texts {
		put(d.names.Fix, t.fix)
		put(d.names.FixEffort, t.fixEffort)
	}
	if d.cfg.RunbookURLTemplate != "" {
		put(d.names.RunbookURL, t.runbookURL)
	}
	put(d.names.Fingerprint, t.fingerprint)
	// Off, the registry is not consulted either: nothing would read it.
	if d.cfg.Attributes.ErrorGroup {
		seen := a.sighting(resource, t)
		put(d.names.FirstSeen, a.cappedAgain(&a.firstSeen, seen.FirstSeen))
		put(d.names.FirstSeenVersion, a.cappedAgain(&a.firstVersion, seen.FirstVersion))
		put(d.names.FirstSeenRevision, a.cappedAgain(&a.firstRevision, seen.FirstRevision))
		if !keep(d.names.Regression) {
			attrs.PutBool(d.names.Regression, seen.Regression)
		}
		if !keep(d.names.Occurrences) {
			attrs.PutInt(d.names.Occurrences, seen.Count)
		}
		if !keep(d.names.GroupState) {
			attrs.PutStr(d.names.GroupState, string(seen.State))
		}
		if !keep(d.names.Relapse) {
			attrs.PutBool(d.names.Relapse, seen.Relapse)
		}
		put(d.names.ResolvedInVersion, a.cappedAgain(&a.resolvedIn, seen.ResolvedIn))
	}
	put(d.names.Rule, t.rule)
	if res.RootCause != "" {
		put(d.names.RootCauseCategory, t.rootCauseCategory)
		put(d.names.RootCauseService, t.rootCauseService)
	}
}

// capped is a string attribute value as written: set when the value is not
// empty (empty values are not written), s capped.
type capped struct {
	s, raw string
	set    bool
}

func (w *writer) capped(v string) capped {
	if v == "" {
		return capped{}
	}
	return capped{s: w.redactor.Cap(v), raw: v, set: true}
}

// cappedAgain is v capped, capped again only when v is not last's.
func (a *annotator) cappedAgain(last *capped, v string) capped {
	if v != last.raw {
		*last = a.w.capped(v)
	}
	return *last
}

// annotateCounted annotates a target and counts it diagnosed, and released
// early when reason is set.
func (a *annotator) annotateCounted(ctx context.Context, resource pcommon.Resource, span ptrace.Span, res *engine.Result, reason string) {
	a.annotate(resource, span, res)
	a.w.counters.diagnosed(ctx, res)
	if reason != "" {
		a.w.counters.early(ctx, reason)
	}
}

// annotateFinal annotates the final targets of a batch in place.
func (w *writer) annotateFinal(ctx context.Context, td ptrace.Traces, final []engine.Verdict) {
	a := w.newAnnotator()
	for i := range final {
		v := &final[i]
		a.annotateCounted(ctx, engine.ResourceAt(td, v.Pos()), engine.SpanAt(td, v.Pos()), &v.Res, v.Early)
	}
}

// annotateReleased decodes released spans and annotates them for delivery,
// grouped by origin.
func (w *writer) annotateReleased(ctx context.Context, rel []engine.Released) deliveries {
	var out deliveries
	if len(rel) == 0 {
		return out
	}
	a := w.newAnnotator()
	for i := range rel {
		r := &rel[i]
		one, err := engine.DecodeHeld(r.Held.Data)
		if err != nil {
			// Cannot happen: the bytes are this processor's own encoding.
			w.logger.Error("could not decode a held span; it is lost", zap.Error(err))
			w.heldStore.delivered(ctx, []*holdqueue.Held{r.Held})
			continue
		}
		rs := one.ResourceSpans().At(0)
		a.annotateCounted(ctx, rs.Resource(), rs.ScopeSpans().At(0).Spans().At(0), &r.Res, r.Reason)
		out.add(r.Held, one)
	}
	return out
}
