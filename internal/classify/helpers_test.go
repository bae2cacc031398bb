package classify

import (
	"strings"
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// tc is one MatchEvidence case: the evidence and the expected rule and
// "category/cause".
type tc struct {
	rule string
	want string
	ev   diagnosis.Evidence
}

// covered collects every rule some test case expects, for
// TestEveryRuleHasATest; registered every case.
var (
	covered    = map[string]bool{}
	registered []tc
)

func register(cases []tc) []tc {
	for _, c := range cases {
		covered[c.rule] = true
	}
	registered = append(registered, cases...)
	return cases
}

// dbc: a database client span with db.response.status_code and a message.
func dbc(system, code, msg string) diagnosis.Evidence {
	return diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 1, DBSystem: system, DBStatusCode: code, StatusMessage: msg, StatusError: true}
}

// dbx: a database client span with an exception event.
func dbx(system, typ, msg string) diagnosis.Evidence {
	return diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 1, DBSystem: system, ExceptionType: typ, ExceptionMessage: msg, StatusError: true}
}

// ex: an exception event on a plain span (the target or an internal span).
func ex(typ, msg string) diagnosis.Evidence {
	return diagnosis.Evidence{Kind: diagnosis.KindSpan, ExceptionType: typ, ExceptionMessage: msg, StatusError: true}
}

// exs: an exception event with a stack trace.
func exs(typ, msg, stack string) diagnosis.Evidence {
	e := ex(typ, msg)
	e.Stacktrace = stack
	return e
}

// cl: an outgoing HTTP client span.
func cl(status int, errType string) diagnosis.Evidence {
	return diagnosis.Evidence{Kind: diagnosis.KindClient, Depth: 1, HTTPStatusCode: status, ErrorType: errType, StatusError: true, Peer: "payments"}
}

// st: a plain span with only a status description.
func st(msg string) diagnosis.Evidence {
	return diagnosis.Evidence{Kind: diagnosis.KindSpan, StatusMessage: msg, StatusError: true}
}

func runCases(t *testing.T, cases []tc) {
	t.Helper()
	for _, c := range cases {
		name := c.rule + "/" + firstWords(c.ev)
		t.Run(name, func(t *testing.T) {
			ev := c.ev
			m, ok := MatchEvidence(&ev)
			if !ok {
				t.Fatalf("no match, want %s (%s)", c.want, c.rule)
			}
			got := string(m.Category) + "/" + m.Cause
			if got != c.want || m.Rule != c.rule {
				t.Fatalf("got %s (%s, strength %d), want %s (%s)", got, m.Rule, m.Strength, c.want, c.rule)
			}
			if m.Strength == diagnosis.StrengthNone {
				t.Fatalf("zero strength")
			}
		})
	}
}

func firstWords(ev diagnosis.Evidence) string {
	s := ev.ExceptionMessage
	if s == "" {
		s = ev.StatusMessage
	}
	if s == "" {
		s = ev.ExceptionType + ev.ErrorType + ev.DBStatusCode
	}
	if len(s) > 40 {
		s = s[:40]
	}
	return strings.ReplaceAll(s, "/", "_")
}
