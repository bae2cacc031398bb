package testtraces

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// tree is a server span of shop calling stock, with a query and a failure.
func tree() *Span {
	return Server("shop", "go", "GET", "/cart", 500,
		Internal("load",
			DB("postgresql", "SELECT", "carts", "SELECT 1").Failed("boom", Exception{Type: "E", Message: "boom", Stacktrace: "at x"})),
		HTTPClient("stock", "GET", "/stock", 200, Server("stock", "java", "GET", "/stock", 200)),
	)
}

// TestBuild: one resource per service and one scope per instrumentation
// scope; children before their parents, which end after them; one trace id,
// distinct span ids linked to their parents; failures as status and
// exception events.
func TestBuild(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	td := Build(tree(), Options{Seed: 7, Start: start})
	require.Equal(t, 5, td.SpanCount())
	require.Equal(t, 2, td.ResourceSpans().Len(), "shop and stock")

	byID := map[pcommon.SpanID]ptrace.Span{}
	var order []string
	services := map[string]string{}
	ForEachSpan(td, func(_, _, _ int, rs ptrace.ResourceSpans, sp ptrace.Span) {
		byID[sp.SpanID()] = sp
		order = append(order, sp.Name())
		svc, _ := rs.Resource().Attributes().Get("service.name")
		services[sp.Name()] = svc.Str()
	})
	require.Len(t, byID, 5, "distinct span ids")
	var root ptrace.Span
	for _, sp := range byID {
		if sp.ParentSpanID().IsEmpty() {
			root = sp
			continue
		}
		parent, ok := byID[sp.ParentSpanID()]
		require.True(t, ok, "%s's parent is in the trace", sp.Name())
		assert.False(t, sp.EndTimestamp().AsTime().After(parent.EndTimestamp().AsTime()), "%s ends before its parent", sp.Name())
		assert.Equal(t, sp.TraceID(), parent.TraceID())
	}
	assert.Equal(t, "GET /cart", root.Name())
	assert.Equal(t, start, root.StartTimestamp().AsTime())
	assert.Equal(t, "shop", services["SELECT carts"], "a child inherits its parent's service")
	assert.Equal(t, "stock", services["GET /stock"])
	assert.Less(t, indexOf(order, "SELECT carts"), indexOf(order, "load"), "children first within a scope")

	db := spanNamed(t, td, "SELECT carts")
	assert.Equal(t, ptrace.StatusCodeError, db.Status().Code())
	assert.Equal(t, "boom", db.Status().Message())
	require.Equal(t, 1, db.Events().Len())
	ev := db.Events().At(0)
	assert.Equal(t, "exception", ev.Name())
	assert.Equal(t, map[string]any{"exception.type": "E", "exception.message": "boom", "exception.stacktrace": "at x"}, ev.Attributes().AsRaw())
}

// TestBuildIDs: a seed makes a trace id of its own; the same tree and seed
// build the same batch.
func TestBuildIDs(t *testing.T) {
	a, b := Build(tree(), Options{Seed: 1}), Build(tree(), Options{Seed: 2})
	assert.NotEqual(t, spanNamed(t, a, "GET /cart").TraceID(), spanNamed(t, b, "GET /cart").TraceID())
	assert.NotEqual(t, spanNamed(t, a, "GET /cart").SpanID(), spanNamed(t, b, "GET /cart").SpanID())
	assert.Equal(t, a, Build(tree(), Options{Seed: 1}), "deterministic, attributes included")
}

// TestAppendTo: another tree's spans join the resource and scope of their
// service and scope.
func TestAppendTo(t *testing.T) {
	td := Build(tree(), Options{Seed: 1})
	AppendTo(td, tree(), Options{Seed: 2})
	assert.Equal(t, 10, td.SpanCount())
	assert.Equal(t, 2, td.ResourceSpans().Len())
}

// spanNamed is the first span named name.
func spanNamed(t *testing.T, td ptrace.Traces, name string) ptrace.Span {
	t.Helper()
	var out ptrace.Span
	found := false
	ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, sp ptrace.Span) {
		if !found && sp.Name() == name {
			out, found = sp, true
		}
	})
	require.True(t, found, name)
	return out
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}
