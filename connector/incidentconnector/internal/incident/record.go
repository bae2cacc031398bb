package incident

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

// EventName is the record's event name (the log record's EventName field, as
// the semantic conventions for events require): one class of records, whatever
// the attribute prefix.
const EventName = "errordiagnosis.incident"

// maxBodyLength caps the body; the attributes hold the full values.
const maxBodyLength = 512

// The resource attributes that identify the service of a record.
var identityKeys = []string{contract.ServiceNameKey, contract.ServiceVersionKey, contract.EnvironmentKey}

// Span attributes copied as they are (semantic conventions for HTTP servers),
// so that records can be grouped by route like the spans.
var routeKeys = []string{"http.route", "http.request.method"}

// CopyIdentity copies the service identity of a span's resource to a record's.
func CopyIdentity(from, to pcommon.Map) {
	for _, k := range identityKeys {
		if v, ok := from.Get(k); ok {
			v.CopyTo(to.PutEmpty(k))
		}
	}
}

// Fill writes the incident record of span (whose resource attributes are
// resource) into lr, observed at observed. The span is only read.
func Fill(lr plog.LogRecord, span ptrace.Span, resource pcommon.Map, kind Kind, n contract.Names, observed pcommon.Timestamp) {
	lr.SetEventName(EventName)
	lr.SetTimestamp(span.EndTimestamp())
	lr.SetObservedTimestamp(observed)
	lr.SetTraceID(span.TraceID())
	lr.SetSpanID(span.SpanID())
	lr.SetFlags(plog.LogRecordFlags(span.Flags() & 0xff)) // the W3C trace flags (sampled)
	setSeverity(lr, kind)

	attrs := lr.Attributes()
	span.Attributes().Range(func(k string, v pcommon.Value) bool {
		if strings.HasPrefix(k, n.Prefix) {
			v.CopyTo(attrs.PutEmpty(k))
		}
		return true
	})
	for _, k := range routeKeys {
		if v, ok := span.Attributes().Get(k); ok {
			v.CopyTo(attrs.PutEmpty(k))
		}
	}
	attrs.PutStr(n.IncidentKind, string(kind))
	attrs.PutStr(n.SpanName, span.Name())
	lr.Body().SetStr(body(span, resource, kind, n))
}

// setSeverity: a new group deserves a look (WARN); a regression or a
// relapse is tied to a deploy and has a remedy (ERROR); a resolution is
// good news (INFO).
func setSeverity(lr plog.LogRecord, kind Kind) {
	switch kind {
	case KindRegression, KindRelapse:
		lr.SetSeverityNumber(plog.SeverityNumberError)
		lr.SetSeverityText("ERROR")
	case KindResolved:
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
	default:
		lr.SetSeverityNumber(plog.SeverityNumberWarn)
		lr.SetSeverityText("WARN")
	}
}

// FillResolved writes the record of a group resolved in ev.ResolvedIn into
// lr, observed at observed. It has no trace: no span shows a resolution.
func FillResolved(lr plog.LogRecord, ev registry.Event, n contract.Names, observed pcommon.Timestamp) {
	lr.SetEventName(EventName)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(ev.At))
	lr.SetObservedTimestamp(observed)
	setSeverity(lr, KindResolved)
	attrs := lr.Attributes()
	attrs.PutStr(n.Fingerprint, ev.Fingerprint)
	putNonEmpty(attrs, n.Category, ev.Category)
	putNonEmpty(attrs, n.Cause, ev.Cause)
	attrs.PutStr(n.FirstSeen, ev.FirstSeen.UTC().Format(time.RFC3339))
	putNonEmpty(attrs, n.FirstSeenVersion, ev.FirstVersion)
	putNonEmpty(attrs, n.FirstSeenRevision, ev.FirstRevision)
	attrs.PutInt(n.Occurrences, ev.Count)
	attrs.PutStr(n.ResolvedInVersion, ev.ResolvedIn)
	attrs.PutInt(n.ResolvedRequests, ev.Requests)
	attrs.PutStr(n.IncidentKind, string(KindResolved))

	var b strings.Builder
	b.WriteString("resolved in ")
	b.WriteString(ev.Name)
	b.WriteString(" " + ev.ResolvedIn)
	if ev.Environment != "" {
		b.WriteString(" (" + ev.Environment + ")")
	}
	b.WriteString(": ")
	b.WriteString(firstNonEmpty(ev.Category, "unknown"))
	if ev.Cause != "" {
		b.WriteString("/" + ev.Cause)
	}
	b.WriteString(" not seen in " + strconv.FormatInt(ev.Requests, 10) + " requests")
	if ev.FirstVersion != "" {
		b.WriteString(" (first seen in " + ev.FirstVersion + ")")
	}
	lr.Body().SetStr(capString(b.String(), maxBodyLength))
}

// ResolvedIdentity writes the identity of the service that resolved ev on
// a record's resource.
func ResolvedIdentity(ev registry.Event, to pcommon.Map) {
	to.PutStr(contract.ServiceNameKey, ev.Name)
	to.PutStr(contract.ServiceVersionKey, ev.ResolvedIn)
	if ev.Environment != "" {
		to.PutStr(contract.EnvironmentKey, ev.Environment)
	}
}

func putNonEmpty(m pcommon.Map, k, v string) {
	if v != "" {
		m.PutStr(k, v)
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// body is one readable line: what, where, and the evidence, e.g.
// "regression in checkout 1.1 (production): database_timeout/lock_timeout at POST /orders: lock wait timeout ...".
func body(span ptrace.Span, resource pcommon.Map, kind Kind, n contract.Names) string {
	var b strings.Builder
	switch kind {
	case KindRegression:
		b.WriteString("regression in ")
	case KindRelapse:
		b.WriteString("relapse in ")
	default:
		b.WriteString("new error group in ")
	}
	b.WriteString(strOr(resource, contract.ServiceNameKey, "unknown service"))
	if v := strOr(resource, contract.ServiceVersionKey, ""); v != "" {
		b.WriteString(" " + v)
	}
	if env := strOr(resource, contract.EnvironmentKey, ""); env != "" {
		b.WriteString(" (" + env + ")")
	}
	b.WriteString(": ")
	b.WriteString(strOr(span.Attributes(), n.Category, "unknown"))
	if cause := strOr(span.Attributes(), n.Cause, ""); cause != "" {
		b.WriteString("/" + cause)
	}
	if name := span.Name(); name != "" {
		b.WriteString(" at " + name)
	}
	if kind == KindRelapse {
		if in := strOr(span.Attributes(), n.ResolvedInVersion, ""); in != "" {
			b.WriteString(" (resolved in " + in + ")")
		}
	}
	if ev := strOr(span.Attributes(), n.Evidence, ""); ev != "" {
		b.WriteString(": " + ev)
	}
	return capString(b.String(), maxBodyLength)
}

// strOr returns the attribute k as a string when it is one, else def.
func strOr(m pcommon.Map, k, def string) string {
	if v, ok := m.Get(k); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
		return v.Str()
	}
	return def
}

// capString cuts s to at most n bytes at a rune boundary, marking the cut.
func capString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…"
	cut := n - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}
