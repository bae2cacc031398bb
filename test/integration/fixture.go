package integration

// FixtureLabels is the <case>.expected.json of a captured trace, read by the
// root package's realtraces_test.go and blind_test.go: the label of every
// 500 server span of the trace, by span id.
type FixtureLabels struct {
	Case  string                `json:"case"`
	Trace string                `json:"trace_id"`
	Spans map[string]SpanLabels `json:"spans"`
}

// SpanLabels is the expected diagnosis of one 500 server span.
type SpanLabels struct {
	Service           string `json:"service"`
	Name              string `json:"name"`
	Category          string `json:"category"`
	Cause             string `json:"cause"`
	RootCauseCategory string `json:"root_cause_category,omitempty"`
	RootCauseService  string `json:"root_cause_service,omitempty"`
}
