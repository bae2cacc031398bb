package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/fingerprint"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
)

// attributeNames are the prefixed attribute names, computed once.
type attributeNames struct {
	category, cause, likelihood, confidence, evidence, evidenceSpanID, evidenceService,
	fix, fixEffort, runbookURL, fingerprint, rule, rootCauseCategory, rootCauseService,
	firstSeen, firstSeenVersion, regression, occurrences string
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
		firstSeen:         prefix + "first_seen",
		firstSeenVersion:  prefix + "first_seen.version",
		regression:        prefix + "regression",
		occurrences:       prefix + "occurrences",
	}
}

// annotate writes the diagnosis on the target span, of resource resource,
// and counts it in the fingerprint registry. Existing attributes are kept
// unless overwrite is set; every string written is capped, free text is
// redacted.
func (d *diagnoser) annotate(resource pcommon.Resource, span ptrace.Span, res result) {
	attrs := span.Attributes()
	attrs.EnsureCapacity(attrs.Len() + 20) // one growth for all the attributes below
	keep := func(k string) bool {
		_, exists := attrs.Get(k)
		return exists && !d.cfg.Overwrite
	}
	put := func(k, v string) {
		if v == "" || keep(k) {
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
	if !keep(d.names.confidence) {
		attrs.PutDouble(d.names.confidence, res.Confidence)
	}
	if !keep(d.names.evidence) {
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
	seen := d.sighting(resource, fp)
	put(d.names.firstSeen, seen.FirstSeen)
	put(d.names.firstSeenVersion, seen.FirstVersion)
	if !keep(d.names.regression) {
		attrs.PutBool(d.names.regression, seen.Regression)
	}
	if !keep(d.names.occurrences) {
		attrs.PutInt(d.names.occurrences, seen.Count)
	}
	put(d.names.rule, res.Rule)
	if res.rootCause != "" {
		put(d.names.rootCauseCategory, string(res.rootCause))
		put(d.names.rootCauseService, d.redactor.Redact(res.rootService))
	}
}

// fingerprintFields are the parts of the diagnosis the fingerprint is made of.
func fingerprintFields(span ptrace.Span, res result) fingerprint.Fields {
	f := fingerprint.Fields{Service: res.service, Category: res.Category, Cause: res.Cause,
		Dependency: res.dependency, NoEvidence: !res.hasEv, Route: evidence.Route(span)}
	if ev := res.deciding(); ev != nil {
		f.ExceptionType, f.Message, f.Frame = ev.ExceptionType, firstNonEmpty(ev.ExceptionMessage, ev.StatusMessage), ev.Frame
	}
	return f
}

// describe renders the deciding evidence as one line: what was seen, where.
func describe(res result) string {
	ev := res.deciding()
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

// annotateCounted annotates a target and counts it diagnosed, and released
// early when reason is set.
func (d *diagnoser) annotateCounted(ctx context.Context, resource pcommon.Resource, span ptrace.Span, res result, reason string) {
	d.annotate(resource, span, res)
	d.countDiagnosed(ctx, res)
	if reason != "" {
		d.countEarly(ctx, reason)
	}
}

// annotateFinal annotates the final targets of a batch in place.
func (d *diagnoser) annotateFinal(ctx context.Context, td ptrace.Traces, final []verdict) {
	for _, v := range final {
		d.annotateCounted(ctx, resourceAt(td, v.mark.spanPos), spanAt(td, v.mark.spanPos), v.res, "")
	}
}

// annotateReleased decodes released spans and annotates them for delivery.
func (d *diagnoser) annotateReleased(ctx context.Context, rel []released) delivery {
	if len(rel) == 0 {
		return delivery{}
	}
	out := delivery{td: ptrace.NewTraces(), held: make([]*holdqueue.Held, 0, len(rel))}
	for _, r := range rel {
		one, err := decodeHeld(r.held.Data)
		if err != nil {
			// Cannot happen: the bytes are this processor's own encoding.
			d.logger.Error("could not decode a held span; it is lost", zap.Error(err))
			continue
		}
		rs := one.ResourceSpans().At(0)
		d.annotateCounted(ctx, rs.Resource(), rs.ScopeSpans().At(0).Spans().At(0), r.res, r.reason)
		one.ResourceSpans().MoveAndAppendTo(out.td.ResourceSpans())
		out.held = append(out.held, r.held)
	}
	return out
}
