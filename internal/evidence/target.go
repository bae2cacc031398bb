// Package evidence reads pdata spans and log records into the small,
// pdata-free summaries of package diagnosis, and decides which spans are
// targets (the HTTP responses to diagnose).
package evidence // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// HTTP status attributes: current semantic conventions and the older name.
const (
	attrHTTPResponseStatusCode = "http.response.status_code"
	attrHTTPStatusCode         = "http.status_code"
)

// TargetSpec decides whether a span is a target. It is read-only after
// construction and safe for concurrent use.
type TargetSpec struct {
	codes [600]bool
	// kinds[k] is true when spans of kind k are targets.
	kinds [8]bool
	// unspecifiedRoots: root spans of kind UNSPECIFIED are targets.
	unspecifiedRoots bool
}

// SpanKindNames are the names a configuration gives the span kinds: pdata's
// own, in lower case, in the order of OTLP's enum.
var SpanKindNames = func() []string {
	var names []string
	for k := ptrace.SpanKindUnspecified; k <= ptrace.SpanKindConsumer; k++ {
		names = append(names, strings.ToLower(k.String()))
	}
	return names
}()

// SpanKindNamed returns the span kind of a configuration's name, false for
// none.
func SpanKindNamed(name string) (ptrace.SpanKind, bool) {
	i := slices.Index(SpanKindNames, name)
	return ptrace.SpanKind(i), i >= 0
}

// NewTargetSpec builds a TargetSpec; codes outside 100..599 are ignored
// (Config.Validate rejects them). kinds are SpanKindNames; "server" makes
// root spans of kind UNSPECIFIED targets too.
func NewTargetSpec(codes []int, kinds []string) *TargetSpec {
	t := &TargetSpec{}
	for _, c := range codes {
		if c >= 100 && c < len(t.codes) {
			t.codes[c] = true
		}
	}
	for _, name := range kinds {
		if k, ok := SpanKindNamed(name); ok {
			t.kinds[k] = true
			t.unspecifiedRoots = t.unspecifiedRoots || k == ptrace.SpanKindServer
		}
	}
	return t
}

// Status returns the HTTP status of a target span and true, or 0 and false
// when the span is not a target. It allocates nothing.
func (t *TargetSpec) Status(span ptrace.Span) (int, bool) {
	kind := span.Kind()
	if kind < 0 || int(kind) >= len(t.kinds) {
		return 0, false
	}
	if !t.kinds[kind] && (kind != ptrace.SpanKindUnspecified || !t.unspecifiedRoots || !span.ParentSpanID().IsEmpty()) {
		return 0, false
	}
	code := StatusCode(span.Attributes())
	if code <= 0 || code >= len(t.codes) || !t.codes[code] {
		return 0, false
	}
	return code, true
}

// StatusCode reads the HTTP response status of a span's attributes, from
// http.response.status_code or else http.status_code, as an int, an integral
// double or a decimal string. 0 when absent or unreadable.
func StatusCode(attrs pcommon.Map) int {
	code := 0
	attrs.Range(func(k string, v pcommon.Value) bool {
		switch k {
		case attrHTTPResponseStatusCode:
			code = statusValue(v)
			return false // the current name wins
		case attrHTTPStatusCode:
			if code == 0 {
				code = statusValue(v)
			}
		}
		return true
	})
	return code
}

func statusValue(v pcommon.Value) int {
	switch v.Type() {
	case pcommon.ValueTypeInt:
		i := v.Int()
		if i < 0 || i > 999 {
			return 0
		}
		return int(i)
	case pcommon.ValueTypeDouble:
		f := v.Double()
		if f != math.Trunc(f) || f < 0 || f > 999 {
			return 0
		}
		return int(f)
	case pcommon.ValueTypeStr:
		s := v.Str()
		if len(s) == 0 || len(s) > 3 {
			return 0
		}
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 {
			return 0
		}
		return i
	}
	return 0
}

// IsErrorish reports whether a span may hold evidence: its status is Error or
// it has an exception event. Cheap: no attribute scan.
func IsErrorish(span ptrace.Span) bool {
	if span.Status().Code() == ptrace.StatusCodeError {
		return true
	}
	events := span.Events()
	for i := 0; i < events.Len(); i++ {
		if events.At(i).Name() == eventException {
			return true
		}
	}
	return false
}

// attrHTTPRoute is the matched route template of a server span.
const attrHTTPRoute = "http.route"

// Route returns the route of a target span for its fingerprint: http.route,
// or else the span name when it carries a path ("GET /cart/{id}"); "" when
// neither does.
func Route(span ptrace.Span) string {
	if v, ok := span.Attributes().Get(attrHTTPRoute); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
		return v.Str()
	}
	if n := span.Name(); strings.Contains(n, "/") {
		return n
	}
	return ""
}
