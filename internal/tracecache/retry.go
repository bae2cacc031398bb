package tracecache

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/classify"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// Micros is a span timestamp as Node.Start and Node.End keep it: the low 32
// bits of microseconds since the epoch. They wrap every 71 minutes; two
// times of one trace are compared by their difference (retriedBy), right
// as long as they are less than 35 minutes apart.
func Micros(ts pcommon.Timestamp) uint32 { return uint32(uint64(ts) / 1000) }

// retriedBy reports whether the failed call f was retried by other: a
// sibling (same parent) doing the same operation that succeeded and started
// once f had ended. Drivers, pools and clients retry on their own
// (database/sql on driver.ErrBadConn, pools replacing a broken connection,
// HTTP and RPC client retries): the failure they recovered from is not the
// cause of what happened next.
func retriedBy(f, other *Node) bool {
	return f != other && f.Failed && f.Op != 0 && f.End != 0 &&
		other.Known && !other.Failed && other.Op == f.Op && other.Parent == f.Parent &&
		int32(other.Start-f.End) >= 0
}

// retried reports whether a later sibling of n recovered its failure. The
// siblings are the known nodes under n's parent (forEachChild).
func (t *Trace) retried(n *Node) bool {
	if !n.Failed || n.Op == 0 {
		return false
	}
	found := false
	t.forEachChild(n.Parent, func(o *Node) bool {
		found = retriedBy(n, o)
		return !found
	})
	return found
}

// badConn is database/sql's driver.ErrBadConn: database/sql takes another
// connection and tries again on its own (sql.go, retry on
// driver.ErrBadConn), up to returning it to the caller, which then reports
// it.
const badConn = "driver: bad connection"

// connectionRetried reports whether n failed with driver.ErrBadConn in a
// call that names no operation (otelsql's sql.conn.reset_session, begin_tx
// or ping on a pooled connection the server closed) and a later sibling
// call succeeded: database/sql dropped the connection and went on with a
// fresh one.
func (t *Trace) connectionRetried(n *Node, ev *diagnosis.Evidence) bool {
	if !n.Failed || n.Op != 0 || n.End == 0 || n.Kind != ptrace.SpanKindClient ||
		strings.TrimSpace(firstNonEmpty(ev.ExceptionMessage, ev.StatusMessage)) != badConn {
		return false
	}
	found := false
	t.forEachChild(n.Parent, func(o *Node) bool {
		found = o != n && o.Known && !o.Failed && o.Kind == ptrace.SpanKindClient && o.Parent == n.Parent && o.End != 0 &&
			int32(o.Start-n.End) >= 0
		return !found
	})
	return found
}

// propagated reports whether the failure of item i reached the request: an
// item nearer the target (the server span or its handler) recorded the same
// exception type or a message that carries this one's. Then the retry did
// not help, and the failure stays a cause.
func propagated(items []Attributed, i int) bool {
	f := &items[i].Evidence
	for j := range items {
		u := &items[j].Evidence
		if j != i && u.Depth < f.Depth && classify.Echoes(u, f) {
			return true
		}
	}
	return false
}

// superseded reports whether the failed call of item i was followed by a
// failed sibling call (same parent, started once i's had ended) whose
// failure was propagated up while i's was not: the stack got past i's
// failure (a pool validated a broken connection, dropped it and took
// another) and the request failed with the later one.
func superseded(items []Attributed, i int) bool {
	f := items[i].Node
	if f.Kind != ptrace.SpanKindClient || !f.Failed || f.End == 0 || propagated(items, i) {
		return false
	}
	for j := range items {
		g := items[j].Node
		if g == f || g.Kind != ptrace.SpanKindClient || !g.Failed || g.Parent != f.Parent || int32(g.Start-f.End) < 0 {
			continue
		}
		if propagated(items, j) {
			return true
		}
	}
	return false
}

// withoutRecovered drops the items of calls that a sibling retried with
// success, or that a later failed sibling superseded, unless their failure
// was propagated up. Pure but for the trace's nodes it reads: a scan of a
// failed call's siblings per call.
func (t *Trace) withoutRecovered(items []Attributed) []Attributed {
	var drop []bool
	var last *Node // the items of one node are consecutive: one scan per node
	lastRetried := false
	for i := range items {
		n := items[i].Node
		recovered := false
		if n.Op != 0 {
			if n != last {
				last, lastRetried = n, t.retried(n)
			}
			recovered = lastRetried && !propagated(items, i)
		} else if t.connectionRetried(n, &items[i].Evidence) {
			recovered = !propagated(items, i)
		}
		if recovered || superseded(items, i) {
			if drop == nil {
				drop = make([]bool, len(items))
			}
			drop[i] = true
		}
	}
	if drop == nil {
		return items
	}
	out := items[:0]
	for i := range items {
		if !drop[i] {
			out = append(out, items[i])
		}
	}
	clear(items[len(out):])
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
