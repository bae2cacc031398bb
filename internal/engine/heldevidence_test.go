package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

func TestHeldEvidence(t *testing.T) {
	// A 500 whose handler failed a query, retried it with success and
	// then panicked, and beside it another trace's failure.
	db := testtraces.DB("postgresql", "SELECT", "carts", "SELECT items FROM carts WHERE id = $1")
	failed := testtraces.DB("postgresql", "SELECT", "carts", "SELECT items FROM carts WHERE id = $1").Failed("driver: bad connection")
	handler := testtraces.Internal("handler", failed, db)
	td := testtraces.Build(testtraces.Server("cart", "go", "GET", "/carts/{id}", 500, handler), testtraces.Options{Seed: 1})
	testtraces.AppendTo(td, testtraces.Server("other", "go", "GET", "/o", 500,
		testtraces.DB("mysql", "SELECT", "o", "SELECT 1").Failed("boom")), testtraces.Options{Seed: 2})

	scan := &Scan{}
	scan.scan(td, evidence.NewTargetSpec([]int{500}, []string{"server"}))
	scan.prepare(context.Background(), td, noRules{})
	var target heldTarget
	for _, m := range scan.marks {
		if sp := SpanAt(td, m.SpanPos); m.target && sp.Name() == "GET /carts/{id}" {
			target = heldTarget{stored: 1, spanIDs: spanIDs{sp.TraceID(), sp.SpanID()}}
		}
	}
	require.False(t, target.span.IsEmpty())

	out := heldEvidence(td, scan, []heldTarget{target}, 2)
	require.Len(t, out, 2)
	assert.Nil(t, out[0], "by index of the stored spans: only the target's")
	ev, err := DecodeHeld(out[1])
	require.NoError(t, err)
	got := namesOf(ev)
	assert.ElementsMatch(t, []string{"SELECT carts", "SELECT carts", "handler"}, got,
		"the failed query, its successful sibling and the span linking them to the target; not the target, not the other trace")
	assert.Nil(t, heldEvidence(td, scan, nil, 2), "no target with evidence: nothing")
}

func TestKeepOnly(t *testing.T) {
	td := testtraces.Build(testtraces.Server("a", "go", "GET", "/x", 500, testtraces.Internal("child")), testtraces.Options{Seed: 3})
	var keep spanIDs
	testtraces.ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, sp ptrace.Span) {
		if sp.Name() == "child" {
			keep = spanIDs{sp.TraceID(), sp.SpanID()}
		}
	})
	KeepOnly(td, keep.trace, keep.span)
	assert.Equal(t, []string{"child"}, namesOf(td))
	assert.Equal(t, 1, td.ResourceSpans().Len(), "empty resources and scopes go")
	KeepOnly(td, pcommon.TraceID{}, pcommon.SpanID{})
	assert.Zero(t, td.ResourceSpans().Len())
}
