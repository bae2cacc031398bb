package classify

import "testing"

// TestCtxOutcomesPick: a row's outcome for a context: the database's or
// the call's where the row has one, else its own; none where it is
// skipped.
func TestCtxOutcomesPick(t *testing.T) {
	row := ctxOutcomes{out: appStack, db: connRefused, client: depUnreachable, skip: 0}
	dbOnly := dbPat("r", connRefused, "x").ctxOutcomes
	for _, tc := range []struct {
		name string
		c    ctxOutcomes
		ctx  ctxMask
		want outcome
	}{
		{"plain", row, ctxPlain, appStack},
		{"database", row, ctxDB, connRefused},
		{"call", row, ctxClient, depUnreachable},
		{"no database outcome: its own", ctxOutcomes{out: appStack}, ctxDB, appStack},
		{"database-only row, plain span", dbOnly, ctxPlain, none},
		{"database-only row, call", dbOnly, ctxClient, none},
		{"database-only row, database", dbOnly, ctxDB, connRefused},
	} {
		if got := tc.c.pick(tc.ctx); got != tc.want {
			t.Errorf("%s: pick = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestPatRowMatchText: any needle in the segment, every and-needle
// anywhere, and the regular expression on the segment.
func TestPatRowMatchText(t *testing.T) {
	row := pat("r", connRefused, "refused", "reset").with("tcp").regex(`:\d+`)
	for _, tc := range []struct {
		seg, all string
		want     bool
	}{
		{"dial tcp 10.0.0.5:5432: connection refused", "dial tcp 10.0.0.5:5432: connection refused", true},
		{"connection reset :6379", "tcp read: connection reset :6379", true},
		{"connection refused", "dial tcp: connection refused", false},          // no port: the regex fails
		{"connection refused :5432", "unix socket: connection refused", false}, // no and-needle
		{"timeout :5432", "dial tcp :5432 timeout", false},                     // no needle
	} {
		if got := row.matchText(tc.seg, tc.all); got != tc.want {
			t.Errorf("matchText(%q, %q) = %v, want %v", tc.seg, tc.all, got, tc.want)
		}
	}
}
