package evidence

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestSpanKindNames: the configuration's names are pdata's, each naming
// its own kind; anything else names none.
func TestSpanKindNames(t *testing.T) {
	assert.Equal(t, []string{"unspecified", "internal", "server", "client", "producer", "consumer"}, SpanKindNames)
	for _, tc := range []struct {
		name string
		kind ptrace.SpanKind
		ok   bool
	}{
		{"server", ptrace.SpanKindServer, true},
		{"client", ptrace.SpanKindClient, true},
		{"internal", ptrace.SpanKindInternal, true},
		{"producer", ptrace.SpanKindProducer, true},
		{"consumer", ptrace.SpanKindConsumer, true},
		{"unspecified", ptrace.SpanKindUnspecified, true},
		{"Server", 0, false},
		{"serverr", 0, false},
		{"", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, ok := SpanKindNamed(tc.name)
			assert.Equal(t, tc.ok, ok)
			if tc.ok {
				assert.Equal(t, tc.kind, k)
			}
		})
	}
}

// TestTargetStatus: a span is a target when its kind is listed (a root of
// kind UNSPECIFIED counts as a server) and its status is listed.
func TestTargetStatus(t *testing.T) {
	parent := pcommon.SpanID{1}
	for _, tc := range []struct {
		name   string
		codes  []int
		kinds  []string
		kind   ptrace.SpanKind
		parent pcommon.SpanID
		status any
		want   int
	}{
		{"server 500", []int{500}, []string{"server"}, ptrace.SpanKindServer, parent, int64(500), 500},
		{"server 200", []int{500}, []string{"server"}, ptrace.SpanKindServer, parent, int64(200), 0},
		{"server 503 not listed", []int{500}, []string{"server"}, ptrace.SpanKindServer, parent, int64(503), 0},
		{"503 listed", []int{500, 503}, []string{"server"}, ptrace.SpanKindServer, parent, int64(503), 503},
		{"client not listed", []int{500}, []string{"server"}, ptrace.SpanKindClient, parent, int64(500), 0},
		{"client listed", []int{500}, []string{"client"}, ptrace.SpanKindClient, parent, int64(500), 500},
		{"unspecified root with server", []int{500}, []string{"server"}, ptrace.SpanKindUnspecified, pcommon.SpanID{}, int64(500), 500},
		{"unspecified child with server", []int{500}, []string{"server"}, ptrace.SpanKindUnspecified, parent, int64(500), 0},
		{"unspecified child listed", []int{500}, []string{"unspecified"}, ptrace.SpanKindUnspecified, parent, int64(500), 500},
		{"unspecified root without server", []int{500}, []string{"client"}, ptrace.SpanKindUnspecified, pcommon.SpanID{}, int64(500), 0},
		{"unknown kind name ignored", []int{500}, []string{"serverr"}, ptrace.SpanKindServer, parent, int64(500), 0},
		{"code out of range ignored", []int{500, 1000, 42}, []string{"server"}, ptrace.SpanKindServer, parent, int64(500), 500},
		{"out of enum kind", []int{500}, []string{"server"}, ptrace.SpanKind(9), parent, int64(500), 0},
		{"no status", []int{500}, []string{"server"}, ptrace.SpanKindServer, parent, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs := map[string]any{}
			if tc.status != nil {
				attrs["http.response.status_code"] = tc.status
			}
			s := newSpan(tc.kind, attrs)
			s.SetParentSpanID(tc.parent)
			got, ok := NewTargetSpec(tc.codes, tc.kinds).Status(s)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.want != 0, ok)
		})
	}
}

// TestStatusCode: both attribute names, the current one winning, as an
// int, an integral double or a decimal string; anything else is 0.
func TestStatusCode(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs map[string]any
		want  int
	}{
		{"current int", map[string]any{"http.response.status_code": int64(500)}, 500},
		{"older int", map[string]any{"http.status_code": int64(502)}, 502},
		{"current wins", map[string]any{"http.status_code": int64(200), "http.response.status_code": int64(500)}, 500},
		{"current wins whatever the order", map[string]any{"http.response.status_code": int64(500), "http.status_code": int64(200)}, 500},
		{"current unreadable: the older is not read", map[string]any{"http.response.status_code": "abc", "http.status_code": int64(503)}, 0},
		{"string", map[string]any{"http.response.status_code": "500"}, 500},
		{"integral double", map[string]any{"http.response.status_code": 500.0}, 500},
		{"fractional double", map[string]any{"http.response.status_code": 500.5}, 0},
		{"negative", map[string]any{"http.response.status_code": int64(-500)}, 0},
		{"too large", map[string]any{"http.response.status_code": int64(5000)}, 0},
		{"long string", map[string]any{"http.response.status_code": "0500"}, 0},
		{"negative string", map[string]any{"http.response.status_code": "-50"}, 0},
		{"bool", map[string]any{"http.response.status_code": true}, 0},
		{"absent", map[string]any{"url.path": "/x"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := pcommon.NewMap()
			assert.NoError(t, m.FromRaw(tc.attrs))
			assert.Equal(t, tc.want, StatusCode(m))
		})
	}
}

// TestRoute: http.route, else a span name that carries a path.
func TestRoute(t *testing.T) {
	for _, tc := range []struct {
		name, spanName string
		route          any
		want           string
	}{
		{"route", "GET", "/cart/{id}", "/cart/{id}"},
		{"route over name", "GET /other", "/cart/{id}", "/cart/{id}"},
		{"name with a path", "GET /cart/{id}", nil, "GET /cart/{id}"},
		{"empty route", "GET /cart", "", "GET /cart"},
		{"route not a string", "GET", int64(3), ""},
		{"neither", "GET", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ptrace.NewSpan()
			s.SetName(tc.spanName)
			if tc.route != nil {
				assert.NoError(t, s.Attributes().FromRaw(map[string]any{"http.route": tc.route}))
			}
			assert.Equal(t, tc.want, Route(s))
		})
	}
}

func TestIsErrorish(t *testing.T) {
	s := ptrace.NewSpan()
	assert.False(t, IsErrorish(s))
	s.Events().AppendEmpty().SetName("message")
	assert.False(t, IsErrorish(s))
	s.Events().AppendEmpty().SetName("exception")
	assert.True(t, IsErrorish(s))
	s2 := ptrace.NewSpan()
	s2.Status().SetCode(ptrace.StatusCodeError)
	assert.True(t, IsErrorish(s2))
}

func TestTargetStatusAllocatesNothing(t *testing.T) {
	spec := NewTargetSpec([]int{500}, []string{"server"})
	s := newSpan(ptrace.SpanKindServer, map[string]any{"http.request.method": "GET", "url.path": "/x", "http.response.status_code": int64(200)})
	allocs := testing.AllocsPerRun(100, func() { spec.Status(s) })
	assert.Zero(t, allocs)
}
