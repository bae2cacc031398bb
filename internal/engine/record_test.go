package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

var recordNow = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// recorded records td into c, scanned and prepared.
func recorded(c *tracecache.Cache, td ptrace.Traces) recording {
	var rec recording
	record(c, td, scanned(td, noRules{}), recordNow, &rec)
	return rec
}

// TestRecordTargets: each target is recorded with its node and status; a
// span the cache saw before is a duplicate; a failed client span marks its
// trace; what is recorded of a node (kind, parent, service, evidence).
func TestRecordTargets(t *testing.T) {
	c := sharedCache(16)
	td := dbDown(1)
	rec := recorded(c, td)
	require.Len(t, rec.targets, 1)
	bt := rec.targets[0]
	assert.False(t, bt.duplicate)
	assert.Equal(t, int32(500), bt.node.Status)
	assert.Equal(t, "GET /cart", SpanAt(td, bt.mark.SpanPos).Name())
	assert.True(t, bt.trace.FailedCall, "the refused query is a failed client span")
	assert.Equal(t, []*tracecache.Trace{bt.trace}, rec.touched)
	assert.Empty(t, rec.late)

	db := spanNamed(t, td, "SELECT carts")
	n := bt.trace.Lookup(db.SpanID())
	require.NotNil(t, n)
	assert.Equal(t, ptrace.SpanKindClient, n.Kind)
	assert.Equal(t, bt.node.ID, n.Parent)
	assert.Equal(t, "cart", bt.trace.Service(n))
	assert.True(t, n.Failed)
	assert.NotZero(t, n.Op, "a client span of a trace with a failed call: its operation, for retries")
	assert.Len(t, bt.trace.Evidence(n, nil), 1)

	again := recorded(c, dbDown(1))
	require.Len(t, again.targets, 1)
	assert.True(t, again.targets[0].duplicate, "the same span sent again")
	assert.Empty(t, again.touched, "nothing new in the trace")
	assert.Len(t, bt.trace.Evidence(n, nil), 1, "a duplicate's evidence is not added twice")
}

// TestRecordLate: evidence from a span other than a target, for a trace
// whose targets were diagnosed already, is late, once per span.
func TestRecordLate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		diagnosed bool
		late      int
	}{
		{"not diagnosed yet", false, 0},
		{"diagnosed", true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := sharedCache(16)
			full := dbDown(1)
			server := CopySpan(full, posOf(t, full, "GET /cart"))
			query := CopySpan(full, posOf(t, full, "SELECT carts"))
			rec := recorded(c, server)
			require.Len(t, rec.targets, 1)
			rec.targets[0].trace.Diagnosed = tc.diagnosed
			late := recorded(c, query)
			assert.Len(t, late.late, tc.late)
			assert.Len(t, late.touched, 1, "a new span of the trace")
			assert.Empty(t, late.targets)
		})
	}
}

// TestRecordOnlyTracesThatMatter: an unmarked span is recorded when its
// trace is remembered, and skipped otherwise; a span without ids never.
func TestRecordOnlyTracesThatMatter(t *testing.T) {
	c := sharedCache(16)
	failing := testtraces.Server("shop", "go", "GET", "/", 500, testtraces.Internal("render"))
	healthy := testtraces.Server("shop", "go", "GET", "/ok", 200, testtraces.Internal("render-ok"))
	td := testtraces.Build(failing, testtraces.Options{Seed: 1})
	rec := recorded(c, td)
	require.Len(t, rec.targets, 1)
	tr := rec.targets[0].trace
	assert.Equal(t, 2, tr.NodeCount(), "the target and its unmarked child")

	later := testtraces.Build(healthy, testtraces.Options{Seed: 2})
	sibling := testtraces.Build(testtraces.Internal("cleanup"), testtraces.Options{Seed: 1})
	// The builder's ids repeat per seed: one of its own.
	spanNamed(t, sibling, "cleanup").SetSpanID(pcommon.SpanID{0xc1})
	spanNamed(t, sibling, "cleanup").SetParentSpanID(rec.targets[0].node.ID)
	noID := testtraces.Build(testtraces.Internal("no-id"), testtraces.Options{Seed: 1})
	spanNamed(t, noID, "no-id").SetSpanID(pcommon.SpanID{})
	for _, b := range []ptrace.Traces{sibling, noID} {
		b.ResourceSpans().MoveAndAppendTo(later.ResourceSpans())
	}
	rec = recorded(c, later)
	assert.Empty(t, rec.targets)
	assert.Equal(t, 1, c.Len(), "the healthy trace is not remembered")
	assert.Equal(t, 3, tr.NodeCount(), "the remembered trace's new span, not the one without an id")
	assert.Equal(t, []*tracecache.Trace{tr}, rec.touched)
}

// TestRecordBeyondTheNodeBudget: a target is recorded even when its trace
// has no room for its node; an unmarked span is then dropped.
func TestRecordBeyondTheNodeBudget(t *testing.T) {
	c := sharedCache(1)
	td := testtraces.Build(testtraces.Server("shop", "go", "GET", "/", 500,
		testtraces.Internal("a"), testtraces.Internal("b")), testtraces.Options{Seed: 1})
	rec := recorded(c, td)
	require.Len(t, rec.targets, 1, "the target, children first in the batch, has no room but is kept")
	bt := rec.targets[0]
	assert.Equal(t, int32(500), bt.node.Status)
	assert.Nil(t, bt.trace.Lookup(bt.node.ID), "outside the budget: not found by look-up")
	assert.Equal(t, 1, bt.trace.NodeCount())
}

// TestRecordPerBatchCache: a cache of the batch alone reads the operation
// of client spans only in traces with a failed call.
func TestRecordPerBatchCache(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		op     bool
	}{
		{"failed call", 500, true},
		{"no failed call", 200, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tracecache.New(tracecache.Limits{MaxTraces: 1, MaxNodesPerTrace: 16, MaxNodes: 16, MaxEvidenceNodes: 16, MaxEvidencePerNode: 16, TTL: time.Hour})
			c.SetBatchOnly()
			td := testtraces.Build(testtraces.Server("shop", "go", "GET", "/", 500,
				testtraces.HTTPClient("stock", "GET", "/stock", tc.status), testtraces.HTTPClient("price", "GET", "/price", 200)), testtraces.Options{Seed: 1})
			rec := recorded(c, td)
			require.Len(t, rec.targets, 1)
			n := rec.targets[0].trace.Lookup(posSpanID(t, td, "GET", 1))
			require.NotNil(t, n)
			assert.Equal(t, tc.op, n.Op != 0)
		})
	}
}

// posSpanID is the span id of the i-th span named name.
func posSpanID(t *testing.T, td ptrace.Traces, name string, i int) pcommon.SpanID {
	t.Helper()
	var ids []pcommon.SpanID
	testtraces.ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, sp ptrace.Span) {
		if sp.Name() == name {
			ids = append(ids, sp.SpanID())
		}
	})
	require.Greater(t, len(ids), i)
	return ids[i]
}
