package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"net/url"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/fingerprint"
)

// The texts annotate.go writes that depend on the diagnosis only, memoized.

// annotationTexts are the string values annotate writes that depend on the
// diagnosis only, not on the span it is written on.
type annotationTexts struct {
	category, cause, likelihood, evidenceService, fix, fixEffort, runbookURL,
	fingerprint, rule, rootCauseCategory, rootCauseService capped
	evidence string
}

// annotationKey is everything annotationTexts are made of. In an outage
// nearly every 500 carries the same evidence, so the texts are memoized by
// it instead of being described, redacted, fingerprinted and capped again.
// Compact: compared and hashed on every target.
type annotationKey struct {
	diagnosis.Match
	service, evidenceService, rootService, dependency, route string
	rootCause                                                diagnosis.Category
	hasEv                                                    bool
	// What describe and the fingerprint read of the deciding evidence.
	kind           diagnosis.Kind
	httpStatusCode int
	ev             describedTexts
}

// describedTexts are the texts of the deciding evidence that describe and
// the fingerprint read: fields, which compare faster than an array.
type describedTexts struct {
	service, spanName, excType, excMessage, statusMessage, errorType string
	rpcSystem, rpcStatusCode, dbSystem, dbStatusCode, peer, frame    string
}

// pairs pairs each text with the Evidence field it is read from.
// describedOf and describedTexts.len write the same out for the hot path;
// TestDescribedTextsPairs holds the three together.
func (d *describedTexts) pairs(ev *diagnosis.Evidence) [12][2]*string {
	return [...][2]*string{{&d.service, &ev.Service}, {&d.spanName, &ev.SpanName}, {&d.excType, &ev.ExceptionType},
		{&d.excMessage, &ev.ExceptionMessage}, {&d.statusMessage, &ev.StatusMessage}, {&d.errorType, &ev.ErrorType},
		{&d.rpcSystem, &ev.RPCSystem}, {&d.rpcStatusCode, &ev.RPCStatusCode}, {&d.dbSystem, &ev.DBSystem},
		{&d.dbStatusCode, &ev.DBStatusCode}, {&d.peer, &ev.Peer}, {&d.frame, &ev.Frame}}
}

func describedOf(ev *diagnosis.Evidence) describedTexts {
	return describedTexts{ev.Service, ev.SpanName, ev.ExceptionType, ev.ExceptionMessage, ev.StatusMessage, ev.ErrorType,
		ev.RPCSystem, ev.RPCStatusCode, ev.DBSystem, ev.DBStatusCode, ev.Peer, ev.Frame}
}

func (d *describedTexts) len() int {
	return len(d.service) + len(d.spanName) + len(d.excType) + len(d.excMessage) + len(d.statusMessage) + len(d.errorType) +
		len(d.rpcSystem) + len(d.rpcStatusCode) + len(d.dbSystem) + len(d.dbStatusCode) + len(d.peer) + len(d.frame)
}

// maxMemoKeyBytes bounds the text a memoized key holds, so the memo stays
// small in bytes; a diagnosis of longer texts is computed each time.
const maxMemoKeyBytes = 4 << 10

func annotationKeyOf(span ptrace.Span, res *engine.Result) annotationKey {
	k := annotationKey{Match: res.Match, service: res.Service, evidenceService: res.EvidenceService,
		rootService: res.RootService, dependency: res.Dependency, route: evidence.Route(span),
		rootCause: res.RootCause, hasEv: res.HasItem}
	if ev := res.Deciding(); ev != nil {
		k.kind, k.httpStatusCode, k.ev = ev.Kind, ev.HTTPStatusCode, describedOf(ev)
	}
	return k
}

// keyBytes is the length of the key's texts.
func keyBytes(k *annotationKey) int {
	return len(k.Category) + len(k.Cause) + len(k.Rule) + len(k.service) + len(k.evidenceService) +
		len(k.rootService) + len(k.dependency) + len(k.route) + len(k.rootCause) + k.ev.len()
}

// ownKey copies the key's texts, which may share memory with a whole
// request's, in one allocation.
func ownKey(k annotationKey) annotationKey {
	cat, root := string(k.Category), string(k.rootCause)
	all := [9 + 12]*string{&k.Cause, &k.Rule, &k.service, &k.evidenceService, &k.rootService, &k.dependency, &k.route, &cat, &root}
	var none diagnosis.Evidence
	for i, p := range k.ev.pairs(&none) {
		all[9+i] = p[0]
	}
	diagnosis.OwnTexts(all[:])
	k.Category, k.rootCause = diagnosis.Category(cat), diagnosis.Category(root)
	return k
}

// result is the part of a result the key holds.
func (k annotationKey) result() engine.Result {
	res := engine.Result{Service: k.service, EvidenceService: k.evidenceService, RootCause: k.rootCause,
		RootService: k.rootService, Dependency: k.dependency, HasItem: k.hasEv}
	res.Match = k.Match
	if k.hasEv {
		res.Item.Kind, res.Item.HTTPStatusCode = k.kind, k.httpStatusCode
		for _, p := range k.ev.pairs(&res.Item) {
			*p[1] = *p[0]
		}
	}
	return res
}

// texts returns the span-independent texts of the diagnosis res of span,
// the annotator's until its next call.
func (a *annotator) texts(span ptrace.Span, res *engine.Result) *annotationTexts {
	k := annotationKeyOf(span, res)
	if keyBytes(&k) > maxMemoKeyBytes {
		a.long = a.w.computeTexts(k)
		return &a.long
	}
	return a.front.Get(&k)
}

func (w *writer) computeTexts(k annotationKey) annotationTexts {
	return w.textsOf(k.result(), k.route)
}

// textsOf are the texts of res on a span of route.
func (w *writer) textsOf(res engine.Result, route string) annotationTexts {
	d := w
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
	fp := fingerprint.Fingerprint(fingerprintFields(&res, route))
	t := annotationTexts{
		category:   d.capped(string(res.Category)),
		cause:      d.capped(res.Cause),
		likelihood: d.capped(info.Likelihood),
		evidence:   d.redactor.Redact(describe(&res)),
		// Service names come from peer.service or server.address too,
		// which may hold a URL with credentials: redacted like free text.
		evidenceService: d.capped(d.redactor.Redact(res.EvidenceService)),
		fix:             d.capped(fix),
		fixEffort:       d.capped(effort),
		fingerprint:     d.capped(fp),
		rule:            d.capped(res.Rule),
	}
	if d.cfg.RunbookURLTemplate != "" {
		t.runbookURL = d.capped(expandRunbook(d.cfg.RunbookURLTemplate, &res, fp))
	}
	if res.RootCause != "" {
		t.rootCauseCategory = d.capped(string(res.RootCause))
		t.rootCauseService = d.capped(d.redactor.Redact(res.RootService))
	}
	return t
}

// fingerprintFields are the parts of the diagnosis the fingerprint is made of.
func fingerprintFields(res *engine.Result, route string) fingerprint.Fields {
	f := fingerprint.Fields{Service: res.Service, Category: res.Category, Cause: res.Cause,
		Dependency: res.Dependency, NoEvidence: !res.HasItem, Route: route}
	if ev := res.Deciding(); ev != nil {
		f.ExceptionType, f.Message, f.Frame = ev.ExceptionType, firstNonEmpty(ev.ExceptionMessage, ev.StatusMessage), ev.Frame
	}
	return f
}

// describe renders the deciding evidence as one line: what was seen, where.
func describe(res *engine.Result) string {
	ev := res.Deciding()
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

func expandRunbook(tmpl string, res *engine.Result, fp string) string {
	return strings.NewReplacer(
		"{category}", url.PathEscape(string(res.Category)),
		"{cause}", url.PathEscape(res.Cause),
		"{service}", url.PathEscape(res.Service),
		"{fingerprint}", fp,
	).Replace(tmpl)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
