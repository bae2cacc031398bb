package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	integration "github.com/errordiagnosis/errordiagnosisprocessor/test/integration"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func serviceOf(rs ptrace.ResourceSpans) string {
	v, _ := rs.Resource().Attributes().Get("service.name")
	return v.AsString()
}

func isTarget(s ptrace.Span) bool {
	v, ok := s.Attributes().Get("http.response.status_code")
	if !ok {
		v, ok = s.Attributes().Get("http.status_code")
	}
	return ok && s.Kind() == ptrace.SpanKindServer && v.AsString() == "500"
}

func eachSpan(reqs []ptrace.Traces, f func(rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, s ptrace.Span)) {
	for _, td := range reqs {
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			rs := td.ResourceSpans().At(i)
			for j := 0; j < rs.ScopeSpans().Len(); j++ {
				ss := rs.ScopeSpans().At(j)
				for k := 0; k < ss.Spans().Len(); k++ {
					f(rs, ss, ss.Spans().At(k))
				}
			}
		}
	}
}

// entrySpans maps the parent span id of every server span to it.
func entrySpans(reqs []ptrace.Traces) map[string]ptrace.Span {
	out := map[string]ptrace.Span{}
	eachSpan(reqs, func(_ ptrace.ResourceSpans, _ ptrace.ScopeSpans, s ptrace.Span) {
		if s.Kind() == ptrace.SpanKindServer {
			out[s.ParentSpanID().String()] = s
		}
	})
	return out
}

// ofTrace keeps, of every request, the spans of one trace (under copies of
// their resource and scope); requests without any are left out.
func ofTrace(reqs []ptrace.Traces, trace string) []ptrace.Traces {
	var out []ptrace.Traces
	for _, td := range reqs {
		part := ptrace.NewTraces()
		eachSpan([]ptrace.Traces{td}, func(rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, s ptrace.Span) {
			if s.TraceID().String() != trace {
				return
			}
			r := part.ResourceSpans().AppendEmpty()
			rs.Resource().CopyTo(r.Resource())
			r.SetSchemaUrl(rs.SchemaUrl())
			sc := r.ScopeSpans().AppendEmpty()
			ss.Scope().CopyTo(sc.Scope())
			sc.SetSchemaUrl(ss.SchemaUrl())
			s.CopyTo(sc.Spans().AppendEmpty())
		})
		if part.SpanCount() > 0 {
			out = append(out, part)
		}
	}
	return out
}

// logsOfTrace keeps, of every log request, the records of one trace (under
// copies of their resource and scope, a record each, as ofTrace keeps spans);
// requests without any are left out. Records without a trace id cannot be
// told apart between cases, and the processor reads only those with one.
func logsOfTrace(reqs []plog.Logs, trace string) []plog.Logs {
	var out []plog.Logs
	for _, ld := range reqs {
		part := plog.NewLogs()
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				sl := rl.ScopeLogs().At(j)
				for k := 0; k < sl.LogRecords().Len(); k++ {
					lr := sl.LogRecords().At(k)
					if lr.TraceID().String() != trace {
						continue
					}
					r := part.ResourceLogs().AppendEmpty()
					rl.Resource().CopyTo(r.Resource())
					r.SetSchemaUrl(rl.SchemaUrl())
					sc := r.ScopeLogs().AppendEmpty()
					sl.Scope().CopyTo(sc.Scope())
					sc.SetSchemaUrl(sl.SchemaUrl())
					lr.CopyTo(sc.LogRecords().AppendEmpty())
				}
			}
		}
		if part.LogRecordCount() > 0 {
			out = append(out, part)
		}
	}
	return out
}

// label matches the case's labels to the 500 server spans of its trace: the
// entry label to the span the driver's request reached, the others to the
// remaining 500 server spans in order. Every 500 server span gets a label.
func label(r request, spans []ptrace.Traces) (integration.FixtureLabels, error) {
	fx := integration.FixtureLabels{Case: r.c.Name, Trace: r.trace, Spans: map[string]integration.SpanLabels{}}
	type target struct {
		span    ptrace.Span
		service string
	}
	var entry *target
	var others []target
	eachSpan(spans, func(rs ptrace.ResourceSpans, _ ptrace.ScopeSpans, s ptrace.Span) {
		if !isTarget(s) {
			return
		}
		t := target{s, serviceOf(rs)}
		if s.ParentSpanID().String() == r.parent {
			entry = &t
		} else {
			others = append(others, t)
		}
	})
	var entryService string
	if entry != nil {
		entryService = entry.service
	}
	for _, w := range r.c.Want {
		var t target
		switch {
		case w.Entry && entry != nil:
			t, entry = *entry, nil
		case !w.Entry && len(others) > 0:
			t, others = others[0], others[1:]
		default:
			return fx, fmt.Errorf("%s #%d: no 500 server span for %+v in trace %s:\n%s", r.c.Name, r.n, w, r.trace, describe(spans))
		}
		l := integration.SpanLabels{Service: t.service, Name: t.span.Name(), Category: w.Category, Cause: w.Cause}
		if w.RootCauseCategory != "" {
			l.RootCauseCategory, l.RootCauseService = w.RootCauseCategory, entryService
		}
		fx.Spans[t.span.SpanID().String()] = l
	}
	if entry != nil || len(others) > 0 {
		return fx, fmt.Errorf("%s #%d: trace %s has 500 server spans the case does not label", r.c.Name, r.n, r.trace)
	}
	return fx, nil
}

// writeFixtures replaces the fixtures in dir with one per sent request:
// <case>[-n].json (one OTLP JSON request per line), <case>[-n].expected.json
// and, when the service exported log records of that trace,
// <case>[-n].logs.json (one OTLP JSON logs request per line, as the file
// exporter writes them). It returns the labelled spans and the fixtures
// with logs.
func writeFixtures(dir string, sent []request, reqs []ptrace.Traces, logReqs []plog.Logs) (labelled, withLogs int, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return 0, 0, err
		}
	}
	var m ptrace.JSONMarshaler
	var lm plog.JSONMarshaler
	for _, r := range sent {
		spans := ofTrace(reqs, r.trace)
		fx, err := label(r, spans)
		if err != nil {
			return 0, 0, err
		}
		labelled += len(fx.Spans)
		var lines []byte
		for _, td := range spans {
			b, err := m.MarshalTraces(td)
			if err != nil {
				return 0, 0, err
			}
			lines = append(append(lines, b...), '\n')
		}
		var logLines []byte
		for _, ld := range logsOfTrace(logReqs, r.trace) {
			b, err := lm.MarshalLogs(ld)
			if err != nil {
				return 0, 0, err
			}
			logLines = append(append(logLines, b...), '\n')
		}
		name := r.c.Name
		if r.n > 1 {
			name = fmt.Sprintf("%s-%d", name, r.n)
		}
		eb, _ := json.MarshalIndent(fx, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, name+".json"), lines, 0o644); err != nil {
			return 0, 0, err
		}
		if err := os.WriteFile(filepath.Join(dir, name+".expected.json"), append(eb, '\n'), 0o644); err != nil {
			return 0, 0, err
		}
		if len(logLines) > 0 {
			withLogs++
			if err := os.WriteFile(filepath.Join(dir, name+".logs.json"), logLines, 0o644); err != nil {
				return 0, 0, err
			}
		}
	}
	return labelled, withLogs, nil
}

// describe lists the spans of a trace (kind, name, attributes), for a case
// whose trace does not hold the 500 server spans it should.
func describe(spans []ptrace.Traces) string {
	var out string
	eachSpan(spans, func(rs ptrace.ResourceSpans, _ ptrace.ScopeSpans, s ptrace.Span) {
		out += fmt.Sprintf("\t%s %s %q status=%s %v\n", serviceOf(rs), s.Kind(), s.Name(), s.Status().Code(), s.Attributes().AsRaw())
	})
	return out
}
