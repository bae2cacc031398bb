package classify

import (
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// Decide is the whole decision on the evidence attributed to a target of
// HTTP status status, whose items were matched when read (pre): the
// classification, whether more evidence arriving later could change it
// (final), the gateway override and the rule of no evidence. The result's
// Evidence points into items. A dependency failure decided by a call is
// final only once the downstream side is known, which the caller, who
// holds the trace, decides.
func Decide(items []diagnosis.Evidence, pre []diagnosis.Match, status int) (res diagnosis.Result, final bool) {
	res = ClassifyMatched(items, pre)
	// Only a failed database or outgoing call is final: such spans are leaves
	// of the service's subtree. An exception on the target or an internal span
	// may still be explained by a deeper span that has not arrived yet (spans
	// of one trace come in any order), so it waits for wait_duration.
	// A bad connection may be the aftermath of a failed statement whose span
	// has not arrived yet (badConn): it waits too.
	final = res.Strength == diagnosis.StrengthUser ||
		(res.Conclusive && res.Evidence != nil && res.Evidence.Kind != diagnosis.KindSpan && !badConn(res.Evidence) && !contested(items, res.Evidence))
	// A gateway status of its own (502/503/504, when configured) says more
	// than no evidence or a generic one.
	if res.Category == diagnosis.Unknown || res.Strength <= diagnosis.StrengthStatus {
		if m, ok := GatewayMatch(status); ok {
			res.Match = m
			res.Confidence = Confidence(m)
		}
	}
	if res.Category == diagnosis.Unknown && res.Rule == "" {
		res.Rule = "generic.no_evidence"
	}
	return res, final
}

// contested reports whether the target recorded an exception of its own that
// names another cause than the deciding evidence dec of a deeper call and
// does not carry its failure. Then a later call may still explain what the
// target failed with (a pool validated a broken connection, took another,
// and the query on it failed: its span can arrive after the target's), and
// the decision waits for wait_duration instead of being final.
func contested(items []diagnosis.Evidence, dec *diagnosis.Evidence) bool {
	if dec.Depth == 0 {
		return false
	}
	for i := range items {
		own := &items[i]
		if own.Depth != 0 || own == dec || IsGeneric(own.Match) || own.Match.Strength < diagnosis.StrengthPattern {
			continue
		}
		if own.Match.Category == dec.Match.Category && own.Match.Cause == dec.Match.Cause {
			return false
		}
		if !Echoes(own, dec) {
			return true
		}
	}
	return false
}

// Echoes reports whether u, evidence nearer the target, carries the failure
// of f: the same exception type, or a message that contains f's.
func Echoes(u, f *diagnosis.Evidence) bool {
	if f.ExceptionType != "" && u.ExceptionType == f.ExceptionType {
		return true
	}
	msg := f.ExceptionMessage
	if msg == "" {
		msg = f.StatusMessage
	}
	return len(msg) >= minEchoLen && (strings.Contains(u.ExceptionMessage, msg) || strings.Contains(u.StatusMessage, msg))
}

// minEchoLen is the shortest message taken as echoed by a parent: shorter
// ones ("EOF", "timeout") match by accident.
const minEchoLen = 8
