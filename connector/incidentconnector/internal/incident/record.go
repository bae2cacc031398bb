package incident

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// EventName is the record's event name (the log record's EventName field, as
// the semantic conventions for events require): one class of records, whatever
// the attribute prefix.
const EventName = "errordiagnosis.incident"

// maxBodyLength caps the body; the attributes hold the full values.
const maxBodyLength = 512

// The resource attributes that identify the service of a record.
var identityKeys = []string{"service.name", "service.version", "deployment.environment.name"}

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
func Fill(lr plog.LogRecord, span ptrace.Span, resource pcommon.Map, kind Kind, n Names, observed pcommon.Timestamp) {
	lr.SetEventName(EventName)
	lr.SetTimestamp(span.EndTimestamp())
	lr.SetObservedTimestamp(observed)
	lr.SetTraceID(span.TraceID())
	lr.SetSpanID(span.SpanID())
	lr.SetFlags(plog.LogRecordFlags(span.Flags() & 0xff)) // the W3C trace flags (sampled)
	if kind == KindRegression {
		lr.SetSeverityNumber(plog.SeverityNumberError)
		lr.SetSeverityText("ERROR")
	} else {
		lr.SetSeverityNumber(plog.SeverityNumberWarn)
		lr.SetSeverityText("WARN")
	}

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

// body is one readable line: what, where, and the evidence, e.g.
// "regression in checkout 1.1 (production): database_timeout/lock_timeout at POST /orders: lock wait timeout ...".
func body(span ptrace.Span, resource pcommon.Map, kind Kind, n Names) string {
	var b strings.Builder
	if kind == KindRegression {
		b.WriteString("regression in ")
	} else {
		b.WriteString("new error group in ")
	}
	b.WriteString(strOr(resource, "service.name", "unknown service"))
	if v := strOr(resource, "service.version", ""); v != "" {
		b.WriteString(" " + v)
	}
	if env := strOr(resource, "deployment.environment.name", ""); env != "" {
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
