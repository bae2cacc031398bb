package classify

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// TestDecide: what is final and what waits, the gateway override and the
// rule of no evidence.
func TestDecide(t *testing.T) {
	refused := dbc("postgresql", "08001", "connection refused")
	npe := ex("java.lang.NullPointerException", "boom")
	// The target's own exception naming another cause than the deeper call.
	ownOther := ex("java.lang.NullPointerException", "other")
	ownOther.Depth = 0
	badConn := diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 2, DBSystem: "postgresql", StatusError: true, ExceptionMessage: "driver: bad connection"}
	for _, c := range []struct {
		name   string
		items  []diagnosis.Evidence
		status int
		want   string // category/cause
		rule   string
		final  bool
	}{
		{"a failed database call: final", []diagnosis.Evidence{refused}, 500, "", "", true},
		{"a bad connection: waits for the statement it may follow", []diagnosis.Evidence{badConn}, 500, "database_connection/connection_reset", "", false},
		{"an exception on a span: waits for a deeper span", []diagnosis.Evidence{npe}, 500, "", "", false},
		{"contested by the target's own exception: waits", []diagnosis.Evidence{ownOther, refused}, 500, "", "", false},
		{"no evidence: generic.no_evidence, waits", nil, 500, "unknown/no_evidence", "generic.no_evidence", false},
		{"no evidence on a 503: the gateway's own status", nil, 503, "dependency_failure/service_unavailable", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			pre := make([]diagnosis.Match, len(c.items))
			for i := range c.items {
				c.items[i].Match, _ = MatchEvidence(&c.items[i])
				pre[i] = c.items[i].Match
			}
			res, final := Decide(c.items, pre, c.status)
			assert.Equal(t, c.final, final)
			if c.want != "" {
				assert.Equal(t, c.want, string(res.Category)+"/"+res.Cause)
			}
			if c.rule != "" {
				assert.Equal(t, c.rule, res.Rule)
			}
		})
	}
}
