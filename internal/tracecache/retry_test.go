package tracecache

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

func TestRetriedBy(t *testing.T) {
	failed := Node{ID: sid(1), Parent: sid(9), Known: true, Failed: true, Op: 7, Start: 100, End: 200}
	ok := func(mod func(*Node)) Node {
		n := Node{ID: sid(2), Parent: sid(9), Known: true, Op: 7, Start: 210, End: 300}
		mod(&n)
		return n
	}
	tests := []struct {
		name  string
		f     Node
		other Node
		want  bool
	}{
		{"same operation, later, succeeded: retried", failed, ok(func(*Node) {}), true},
		{"starts the instant the failed one ended", failed, ok(func(n *Node) { n.Start = 200 }), true},
		{"across the 32-bit wrap of the clock", Node{ID: sid(1), Parent: sid(9), Known: true, Failed: true, Op: 7, Start: 0xffffff00, End: 0xfffffff0},
			ok(func(n *Node) { n.Start = 0x10 }), true},
		{"the other attempt failed too", failed, ok(func(n *Node) { n.Failed = true }), false},
		{"another operation", failed, ok(func(n *Node) { n.Op = 8 }), false},
		{"another parent", failed, ok(func(n *Node) { n.Parent = sid(8) }), false},
		{"ran before the failure: not a retry", failed, ok(func(n *Node) { n.Start, n.End = 10, 90 }), false},
		{"overlapping: a parallel call, not a retry", failed, ok(func(n *Node) { n.Start = 150 }), false},
		{"no operation key", Node{ID: sid(1), Parent: sid(9), Known: true, Failed: true, End: 200}, ok(func(n *Node) { n.Op = 0 }), false},
		{"no end time", Node{ID: sid(1), Parent: sid(9), Known: true, Failed: true, Op: 7}, ok(func(*Node) {}), false},
		{"other only known from a log record", failed, ok(func(n *Node) { n.Known = false }), false},
	}
	for _, tc := range tests {
		if got := retriedBy(&tc.f, &tc.other); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	assert.False(t, retriedBy(&failed, &failed), "a node does not retry itself")
}

// A trace: server span 1 of "shop" with a failed client call 2 (op 7) and
// the children given; what Attribute leaves of the call's evidence.
func TestAttributeLeavesOutRecoveredCalls(t *testing.T) {
	badConn := diagnosis.Evidence{Kind: diagnosis.KindDB, ExceptionType: "driver.ErrBadConn", ExceptionMessage: "driver: bad connection"}
	tests := []struct {
		name string
		// retry is the sibling of the failed call; nil: none.
		retry *Node
		// server is the evidence the server span recorded itself.
		server []diagnosis.Evidence
		want   []string // exception types attributed
	}{
		{"retried with success, nothing else: no evidence", &Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Op: 7, Start: 300, End: 400}, nil, nil},
		{"retried with success, the handler failed on its own: the handler's", &Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Op: 7, Start: 300, End: 400},
			[]diagnosis.Evidence{{ExceptionType: "NullPointerException", ExceptionMessage: "cart is null"}}, []string{"NullPointerException"}},
		{"retried with success, but the server recorded the same error: propagated, still a cause", &Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Op: 7, Start: 300, End: 400},
			[]diagnosis.Evidence{{ExceptionType: "*errors.errorString", ExceptionMessage: "load cart: driver: bad connection"}}, []string{"driver.ErrBadConn", "*errors.errorString"}},
		{"the retry failed too: still a cause", &Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Op: 7, Start: 300, End: 400, Failed: true},
			nil, []string{"driver.ErrBadConn"}},
		{"followed by another operation: still a cause", &Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Op: 8, Start: 300, End: 400},
			nil, []string{"driver.ErrBadConn"}},
		{"not followed by anything: still a cause", nil, nil, []string{"driver.ErrBadConn"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := attributedAfter(t, badConn, 7, tc.retry, tc.server, func(e diagnosis.Evidence) string { return e.ExceptionType })
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

// A Java request under the agent (captured in the test bed): HikariCP
// validated a pooled connection the restarted PostgreSQL had closed (a failed
// JDBC span, 57P01), took another, and the query on it ran into the
// statement timeout, which the server span recorded. The validation failure
// was superseded; the propagated timeout is the cause.
func TestAttributeLeavesOutSupersededFailures(t *testing.T) {
	validation := diagnosis.Evidence{Kind: diagnosis.KindDB, ExceptionType: "org.postgresql.util.PSQLException", ExceptionMessage: "FATAL: terminating connection due to administrator command"}
	timeout := diagnosis.Evidence{Kind: diagnosis.KindDB, ExceptionType: "org.postgresql.util.PSQLException", ExceptionMessage: "ERROR: canceling statement due to statement timeout"}
	recorded := diagnosis.Evidence{ExceptionType: "org.springframework.dao.QueryTimeoutException",
		ExceptionMessage: "StatementCallback; SQL [SELECT pg_sleep(2)]; ERROR: canceling statement due to statement timeout"}
	unrelated := diagnosis.Evidence{ExceptionType: "java.lang.NullPointerException", ExceptionMessage: "report is null"}
	tests := []struct {
		name string
		// query: the second call; parent and start decide.
		query  Node
		server []diagnosis.Evidence
		want   []string // messages attributed
	}{
		{"a later failed sibling's failure was propagated: the first one is superseded",
			Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Failed: true, Op: 8, Start: 300, End: 400},
			[]diagnosis.Evidence{recorded}, []string{timeout.ExceptionMessage, recorded.ExceptionMessage}},
		{"nothing propagated: both stay",
			Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Failed: true, Op: 8, Start: 300, End: 400},
			[]diagnosis.Evidence{unrelated}, []string{validation.ExceptionMessage, timeout.ExceptionMessage, unrelated.ExceptionMessage}},
		{"the later call overlapped the first: both stay",
			Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Failed: true, Op: 8, Start: 150, End: 400},
			[]diagnosis.Evidence{recorded}, []string{validation.ExceptionMessage, timeout.ExceptionMessage, recorded.ExceptionMessage}},
		{"under another parent: both stay",
			Node{ID: sid(3), Parent: sid(2), Kind: ptrace.SpanKindClient, Failed: true, Op: 8, Start: 300, End: 400},
			[]diagnosis.Evidence{recorded}, []string{validation.ExceptionMessage, timeout.ExceptionMessage, recorded.ExceptionMessage}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, tr, server, first := failedCallTrace("ledger-java")
			require.True(t, c.AddEvidence(tr, first, []diagnosis.Evidence{validation}))
			q := c.AddNode(tr, tc.query.ID)
			*q = tc.query
			q.Known = true
			tr.SetService(q, "ledger-java")
			require.True(t, c.AddEvidence(tr, q, []diagnosis.Evidence{timeout}))
			require.True(t, c.AddEvidence(tr, server, tc.server))
			var got []string
			for _, a := range tr.Attribute(server, nil) {
				got = append(got, a.Evidence.ExceptionMessage)
			}
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

// failedCallTrace is a cache with one trace of service: its server span
// (sid 1) and a failed client call under it (sid 2, op 7, 100 to 200).
func failedCallTrace(service string) (c *Cache, tr *Trace, server, call *Node) {
	c = New(Limits{MaxTraces: 4, MaxNodesPerTrace: 16, MaxNodes: 64, MaxEvidenceNodes: 8, MaxEvidencePerNode: 8, TTL: 1 << 40})
	tr = c.Remember(tid(1), t0)
	server = c.AddNode(tr, sid(1))
	server.Known, server.Kind = true, ptrace.SpanKindServer
	tr.SetService(server, service)
	call = c.AddNode(tr, sid(2))
	*call = Node{ID: sid(2), Parent: sid(1), Kind: ptrace.SpanKindClient, Known: true, Failed: true, Op: 7, Start: 100, End: 200}
	tr.SetService(call, service)
	return c, tr, server, call
}

// database/sql's own retry of driver.ErrBadConn when the failed call names no
// operation (otelsql's sql.conn.reset_session on a pooled connection the
// server closed): database/sql takes a fresh connection and the query on it
// succeeds. The reset's failure is recovered from unless it reached the
// request.
func TestAttributeLeavesOutBadConnectionRetries(t *testing.T) {
	reset := diagnosis.Evidence{Kind: diagnosis.KindDB, ExceptionType: "*errors.errorString", ExceptionMessage: "driver: bad connection"}
	other := diagnosis.Evidence{Kind: diagnosis.KindDB, ExceptionType: "*pgconn.PgError", ExceptionMessage: "ERROR: canceling statement due to statement timeout (SQLSTATE 57014)"}
	query := Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Op: 8, Start: 210, End: 300}
	tests := []struct {
		name   string
		failed diagnosis.Evidence
		next   *Node
		server []diagnosis.Evidence
		want   []string // messages attributed
	}{
		{"reset failed, the query on a fresh connection succeeded: recovered", reset, &query, nil, nil},
		{"the same, but the handler reported the bad connection: propagated", reset, &query,
			[]diagnosis.Evidence{{ExceptionType: "*fmt.wrapError", ExceptionMessage: "load cart: driver: bad connection"}},
			[]string{"driver: bad connection", "load cart: driver: bad connection"}},
		{"the next call failed too: still a cause", reset, &Node{ID: sid(3), Parent: sid(1), Kind: ptrace.SpanKindClient, Op: 8, Start: 210, End: 300, Failed: true},
			nil, []string{"driver: bad connection"}},
		{"nothing after it: still a cause", reset, nil, nil, []string{"driver: bad connection"}},
		{"another error of a call without an operation: still a cause", other, &query, nil, []string{other.ExceptionMessage}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// sql.conn.reset_session names no statement: operation 0.
			got := attributedAfter(t, tc.failed, 0, tc.next, tc.server, func(e diagnosis.Evidence) string { return e.ExceptionMessage })
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

// attributedAfter builds failedCallTrace with the call's operation op and
// evidence failed, the sibling next (nil: none) and the server span's own
// evidence, and returns field of each item Attribute leaves.
func attributedAfter(t *testing.T, failed diagnosis.Evidence, op uint32, next *Node, server []diagnosis.Evidence, field func(diagnosis.Evidence) string) []string {
	t.Helper()
	c, tr, srv, call := failedCallTrace("shop")
	call.Op = op
	require.True(t, c.AddEvidence(tr, call, []diagnosis.Evidence{failed}))
	if next != nil {
		n := c.AddNode(tr, next.ID)
		*n = *next
		n.Known = true
		tr.SetService(n, "shop")
	}
	if server != nil {
		require.True(t, c.AddEvidence(tr, srv, server))
	}
	var got []string
	for _, a := range tr.Attribute(srv, nil) {
		got = append(got, field(a.Evidence))
	}
	return got
}

// TestSiblingsMatchScan: retried and connectionRetried, which look at the
// siblings under the index's parent, answer on random trees what a scan of
// every node gives.
func TestSiblingsMatchScan(t *testing.T) {
	retriedScan := func(tr *Trace, n *Node) bool {
		found := false
		tr.ForEachNode(func(o *Node) bool {
			found = retriedBy(n, o)
			return !found
		})
		return n.Failed && n.Op != 0 && found
	}
	connectionScan := func(tr *Trace, n *Node, ev *diagnosis.Evidence) bool {
		if !n.Failed || n.Op != 0 || n.End == 0 || n.Kind != ptrace.SpanKindClient ||
			strings.TrimSpace(firstNonEmpty(ev.ExceptionMessage, ev.StatusMessage)) != badConn {
			return false
		}
		found := false
		tr.ForEachNode(func(o *Node) bool {
			found = o != n && o.Known && !o.Failed && o.Kind == ptrace.SpanKindClient && o.Parent == n.Parent && o.End != 0 &&
				int32(o.Start-n.End) >= 0
			return !found
		})
		return found
	}
	rng := rand.New(rand.NewPCG(24, 25))
	retried, connection := 0, 0
	for round := range 1000 {
		c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 1 + rng.IntN(100), MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 4, TTL: time.Minute})
		tr := c.Remember(tid(1), t0)
		randomTrace(rng, c, tr)
		for _, at := range tr.evidenceNodes {
			n := tr.nodeAt(at)
			require.Equal(t, retriedScan(tr, n), tr.retried(n), "round %d node %v", round, n.ID)
			for _, ev := range tr.Evidence(n, nil) {
				want := connectionScan(tr, n, &ev)
				require.Equal(t, want, tr.connectionRetried(n, &ev), "round %d node %v", round, n.ID)
				if want {
					connection++
				}
			}
			if tr.retried(n) {
				retried++
			}
		}
	}
	assert.Positive(t, retried, "some calls were retried")
	assert.Positive(t, connection, "some bad connections were retried")
}
