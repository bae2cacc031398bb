// Package testtraces builds realistic traces for tests, benchmarks and the
// demo: span trees as real OpenTelemetry SDKs and instrumentations emit them
// (resource and scope attributes, semantic-convention attributes, exception
// events), grouped into resource and scope spans per service.
package testtraces // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"

import (
	"encoding/binary"
	"sort"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Exception is an exception event.
type Exception struct {
	Type, Message, Stacktrace string
}

// Span is a node of a span tree.
type Span struct {
	Name    string
	Service string // inherits the parent's when empty
	// Lang is the SDK language of the service (go, java, python, nodejs, dotnet, ruby, php); inherited.
	Lang       string
	Scope      string // instrumentation scope name; inherited when empty
	Kind       ptrace.SpanKind
	Attrs      map[string]any
	Status     ptrace.StatusCode
	StatusMsg  string
	Exceptions []Exception
	Children   []*Span
}

// Options tune Build.
type Options struct {
	// Seed makes trace and span ids distinct between traces.
	Seed uint64
	// Start is the start time of the root span.
	Start time.Time
}

// Build turns a span tree into ptrace.Traces: one ResourceSpans per service,
// one ScopeSpans per instrumentation scope, spans in end-time order (children
// before parents), the order SDK batch processors export them in.
func Build(root *Span, opt Options) ptrace.Traces {
	td := ptrace.NewTraces()
	AppendTo(td, root, opt)
	return td
}

// AppendTo appends the spans of a tree to td, reusing its resource and scope
// spans for the same service and scope.
func AppendTo(td ptrace.Traces, root *Span, opt Options) {
	if opt.Start.IsZero() {
		opt.Start = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	}
	var traceID pcommon.TraceID
	binary.BigEndian.PutUint64(traceID[:8], 0x5eed000000000000|opt.Seed)
	binary.BigEndian.PutUint64(traceID[8:], mix(opt.Seed+1))
	b := &builder{td: td, traceID: traceID, seed: opt.Seed}
	b.add(root, pcommon.SpanID{}, "", "", "", opt.Start, 0)
}

type builder struct {
	td      ptrace.Traces
	traceID pcommon.TraceID
	seed    uint64
	n       uint64
}

// add emits the children first (they end first), then the span itself.
func (b *builder) add(s *Span, parent pcommon.SpanID, service, lang, scope string, start time.Time, depth int) time.Time {
	if s.Service != "" {
		service = s.Service
	}
	if s.Lang != "" {
		lang = s.Lang
	}
	if s.Scope != "" {
		scope = s.Scope
	}
	if scope == "" {
		scope = "io.opentelemetry.manual"
	}
	b.n++
	var id pcommon.SpanID
	binary.BigEndian.PutUint64(id[:], mix(b.seed<<20|b.n))
	end := start.Add(time.Millisecond)
	for _, c := range s.Children {
		childEnd := b.add(c, id, service, lang, scope, end.Add(time.Millisecond), depth+1)
		if childEnd.After(end) {
			end = childEnd
		}
	}
	end = end.Add(2 * time.Millisecond)

	span := b.scopeSpans(service, lang, scope).Spans().AppendEmpty()
	span.SetTraceID(b.traceID)
	span.SetSpanID(id)
	span.SetParentSpanID(parent)
	span.SetName(s.Name)
	span.SetKind(s.Kind)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(end))
	keys := make([]string, 0, len(s.Attrs))
	for k := range s.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic attribute order: golden files stay stable
	for _, k := range keys {
		_ = span.Attributes().PutEmpty(k).FromRaw(s.Attrs[k])
	}
	span.Status().SetCode(s.Status)
	span.Status().SetMessage(s.StatusMsg)
	for _, ex := range s.Exceptions {
		ev := span.Events().AppendEmpty()
		ev.SetName("exception")
		ev.SetTimestamp(pcommon.NewTimestampFromTime(end.Add(-time.Millisecond)))
		if ex.Type != "" {
			ev.Attributes().PutStr("exception.type", ex.Type)
		}
		if ex.Message != "" {
			ev.Attributes().PutStr("exception.message", ex.Message)
		}
		if ex.Stacktrace != "" {
			ev.Attributes().PutStr("exception.stacktrace", ex.Stacktrace)
		}
	}
	return end
}

func (b *builder) scopeSpans(service, lang, scope string) ptrace.ScopeSpans {
	rss := b.td.ResourceSpans()
	var rs ptrace.ResourceSpans
	found := false
	for i := 0; i < rss.Len(); i++ {
		if v, ok := rss.At(i).Resource().Attributes().Get("service.name"); ok && v.Str() == service {
			rs, found = rss.At(i), true
			break
		}
	}
	if !found {
		rs = rss.AppendEmpty()
		rs.SetSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
		SetResource(rs.Resource(), service, lang)
	}
	sss := rs.ScopeSpans()
	for i := 0; i < sss.Len(); i++ {
		if sss.At(i).Scope().Name() == scope {
			return sss.At(i)
		}
	}
	ss := sss.AppendEmpty()
	ss.Scope().SetName(scope)
	ss.Scope().SetVersion("1.0.0")
	return ss
}

// SetResource writes the resource attributes an SDK of that language sets.
func SetResource(res pcommon.Resource, service, lang string) {
	attrs := res.Attributes()
	attrs.PutStr("service.name", service)
	attrs.PutStr("service.version", "1.4.2")
	attrs.PutStr("deployment.environment.name", "production")
	attrs.PutStr("host.name", service+"-7d9f8b6c5-x2k4p")
	attrs.PutStr("telemetry.sdk.name", "opentelemetry")
	if lang == "" {
		lang = "go"
	}
	attrs.PutStr("telemetry.sdk.language", lang)
	attrs.PutStr("telemetry.sdk.version", "1.38.0")
	attrs.PutStr("process.runtime.name", lang)
	attrs.PutInt("process.pid", 4242)
}

// mix is splitmix64: distinct, well-spread ids from small seeds.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// ForEachSpan calls f for every span of td, in order, with its position
// (resource, scope and span index) and its resource spans.
func ForEachSpan(td ptrace.Traces, f func(i, j, k int, rs ptrace.ResourceSpans, span ptrace.Span)) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				f(i, j, k, rs, spans.At(k))
			}
		}
	}
}
