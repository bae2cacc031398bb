package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHoldDataRoundTrip: a span moved out of its batch and encoded decodes
// to itself with its resource and scope; a byte-identical copy of it is the
// same span, another is not; RemoveSpans drops the emptied place.
func TestHoldDataRoundTrip(t *testing.T) {
	td := twoTraces()
	want := twoTraces()
	p := posOf(t, td, "GET /a")
	data, ok := holdData(td, p)
	require.True(t, ok)
	one, err := DecodeHeld(data)
	require.NoError(t, err)
	require.Equal(t, 1, one.SpanCount())
	rs := one.ResourceSpans().At(0)
	wantRS := want.ResourceSpans().At(p.rs)
	assert.Equal(t, wantRS.Resource().Attributes().AsRaw(), rs.Resource().Attributes().AsRaw())
	assert.Equal(t, wantRS.ScopeSpans().At(p.ss).Scope().Name(), rs.ScopeSpans().At(0).Scope().Name())
	assert.Equal(t, SpanAt(want, p).SpanID(), rs.ScopeSpans().At(0).Spans().At(0).SpanID())

	assert.True(t, sameSpan(want, p, data), "the span as it arrived, sent again")
	assert.False(t, sameSpan(want, posOf(t, want, "GET /b"), data))

	RemoveSpans(td, []SpanPos{p})
	assert.Equal(t, 3, td.SpanCount())
	assert.Equal(t, without(namesOf(want), "GET /a"), namesOf(td), "the others keep their order")
}

// TestRemoveSpans: removed spans go, scopes and resources left empty go,
// the others keep their order.
func TestRemoveSpans(t *testing.T) {
	for _, c := range []struct {
		name   string
		remove []string
		rss    int
	}{
		{"none", nil, 2},
		{"one", []string{"a-child"}, 2},
		{"a whole resource", []string{"GET /a", "a-child"}, 1},
		{"all", []string{"GET /a", "a-child", "GET /b", "b-child"}, 0},
		{"out of batch order", []string{"b-child", "a-child", "GET /a"}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			td := twoTraces()
			var remove []SpanPos
			for _, n := range c.remove {
				remove = append(remove, posOf(t, td, n))
			}
			want := without(namesOf(td), c.remove...)
			RemoveSpans(td, remove)
			assert.Equal(t, want, namesOf(td))
			assert.Equal(t, c.rss, td.ResourceSpans().Len())
		})
	}
}
