package evidence

import "go.opentelemetry.io/collector/pdata/ptrace"

// newSpan is a span of the kind, named "op", with attrs.
func newSpan(kind ptrace.SpanKind, attrs map[string]any) ptrace.Span {
	s := ptrace.NewSpan()
	s.SetKind(kind)
	s.SetName("op")
	_ = s.Attributes().FromRaw(attrs)
	return s
}

// addException adds an exception event.
func addException(s ptrace.Span, typ, msg, stack string) {
	ev := s.Events().AppendEmpty()
	ev.SetName("exception")
	ev.Attributes().PutStr("exception.type", typ)
	ev.Attributes().PutStr("exception.message", msg)
	if stack != "" {
		ev.Attributes().PutStr("exception.stacktrace", stack)
	}
}
