// Package workload builds the benchmark and load-test traffic: batches of
// realistic traces (internal/testtraces) with a given share of HTTP 500
// traces, each batch exactly BatchSize spans.
//
// Healthy traces have 10-20 spans and the shapes of the failing scenarios
// (the same services, languages, routes, database systems and downstream
// calls), with auth/session lookups, several queries and a downstream service.
// Failing traces are, in the Mixed shape, testtraces.Scenarios (every
// scenario whose Want is not empty, in turn: several causes, services and
// cross-service chains, an outage storm), in the SharedCause shape one
// scenario only (PostgreSQL refusing connections: the database is down and
// every 500 carries nearly the same evidence); both with the same session
// lookup the healthy traces have.
package workload // import "github.com/errordiagnosis/errordiagnosisprocessor/test/benchmarks/workload"

import (
	"encoding/binary"
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// BatchSize is the number of spans of a batch.
const BatchSize = 1000

// Stats describe what was built.
type Stats struct {
	Traces, FailingTraces int
	Spans, TargetSpans    int // TargetSpans: server spans with status 500
}

func (s Stats) String() string {
	return fmt.Sprintf("%d traces (%d with a 500 = %.2f%%), %d spans (%d 500 server spans)",
		s.Traces, s.FailingTraces, 100*float64(s.FailingTraces)/float64(max(s.Traces, 1)), s.Spans, s.TargetSpans)
}

// shape is what a healthy trace shares with a failing scenario.
type shape struct {
	service, lang, method, route string
	db, table                    string
	downstream, downLang         string
}

// shapes follow the failing scenarios of testtraces.Scenarios.
var shapes = []shape{
	{"orders", "python", "GET", "/orders/<id>", "postgresql", "orders", "pricing", "go"},
	{"billing", "java", "POST", "/invoices", "postgresql", "invoices", "customers", "java"},
	{"catalog", "go", "GET", "/products/search", "postgresql", "products", "search", "java"},
	{"cart", "nodejs", "GET", "/cart/:id", "mysql", "cart_items", "pricing", "go"},
	{"checkout", "go", "POST", "/checkout", "mysql", "orders", "inventory", "java"},
	{"reports", "dotnet", "GET", "/reports/{id}/pdf", "mssql", "reports", "storage", "go"},
	{"notifier", "python", "POST", "/notify", "redis", "outbox", "mailer", "python"},
	{"legacy-shop", "php", "GET", "/search.php", "mysql", "products", "catalog", "go"},
	{"profile", "go", "GET", "/users/{id}", "postgresql", "users", "avatars", "nodejs"},
	{"frontend", "nodejs", "GET", "/home", "redis", "pages", "recommendations", "python"},
	{"gateway-api", "go", "GET", "/status", "redis", "status", "health", "go"},
}

// healthy returns a 200 trace of shape s with 10 + extra spans (extra 0..9).
func healthy(s shape, extra int) *testtraces.Span {
	queries := []*testtraces.Span{
		testtraces.DB(s.db, "SELECT", s.table, "SELECT id, status, total FROM "+s.table+" WHERE id = $1"),
	}
	for i := 0; i < extra/2; i++ {
		queries = append(queries, testtraces.DB(s.db, "SELECT", s.table+"_lines", "SELECT * FROM "+s.table+"_lines WHERE parent_id = $1 LIMIT 50"))
	}
	down := testtraces.Server(s.downstream, s.downLang, "GET", "/v1/"+s.downstream, 200,
		testtraces.Internal(s.downstream+".Lookup",
			testtraces.DB("postgresql", "SELECT", s.downstream, "SELECT * FROM "+s.downstream+" WHERE key = $1"),
		),
	)
	for i := 0; i < extra-extra/2; i++ {
		down.Children = append(down.Children, testtraces.DB("redis", "GET", "", "GET cache:"+s.downstream))
	}
	return testtraces.Server(s.service, s.lang, s.method, s.route, 200,
		testtraces.Internal("auth.Authenticate",
			testtraces.DB("redis", "GET", "", "GET session:b2a1c9"),
		),
		testtraces.Internal(s.service+".Handle",
			append(queries,
				testtraces.HTTPClient(s.downstream, "GET", "/v1/"+s.downstream, 200, down),
			)...,
		),
		testtraces.Internal("render"),
	)
}

// filler is a healthy trace of exactly n spans (n >= 1) that completes a batch.
func filler(n int) *testtraces.Span {
	root := testtraces.Server("gateway-api", "go", "GET", "/healthz", 200)
	for i := 1; i < n; i++ {
		root.Children = append(root.Children, testtraces.DB("redis", "PING", "", "PING"))
	}
	return root
}

// Shape says what the failing traces of a workload are.
type Shape string

const (
	// Mixed: every failing scenario in turn.
	Mixed Shape = "mixed"
	// SharedCause: the database is down; every failing trace is the same
	// refused PostgreSQL connection.
	SharedCause Shape = "dbdown"
)

// sharedCauseScenario is the failing scenario of the SharedCause shape.
const sharedCauseScenario = "java_spring_postgres_refused"

// failing returns the failing scenarios of a shape, each with a session
// lookup added.
func failing(shape Shape) []testtraces.Scenario {
	var out []testtraces.Scenario
	for _, sc := range testtraces.Scenarios() {
		if len(sc.Want) == 0 || (shape == SharedCause && sc.Name != sharedCauseScenario) {
			continue
		}
		sc.Root.Children = append([]*testtraces.Span{
			testtraces.Internal("auth.Authenticate", testtraces.DB("redis", "GET", "", "GET session:b2a1c9")),
		}, sc.Root.Children...)
		out = append(out, sc)
	}
	return out
}

func count(s *testtraces.Span) (spans, targets int) {
	spans = 1
	if s.Kind == ptrace.SpanKindServer {
		if v, ok := s.Attrs["http.response.status_code"].(int64); ok && v == 500 {
			targets = 1
		}
	}
	for _, c := range s.Children {
		n, t := count(c)
		spans += n
		targets += t
	}
	return spans, targets
}

// Batches builds n batches of exactly BatchSize spans in which pct percent
// of the traces (0..100) are failing traces. Trace i of the stream is failing
// when floor((i+1)*pct/100) > floor(i*pct/100), so the share is exact over the
// stream. seed (0..15) separates the trace ids of different calls; at most
// about a million traces per call.
func Batches(n int, pct float64, seed uint64) ([]ptrace.Traces, Stats) {
	return BatchesOf(n, BatchSize, pct, seed)
}

// BatchesOf is Batches with batches of size spans.
func BatchesOf(n, size int, pct float64, seed uint64) ([]ptrace.Traces, Stats) {
	return BatchesShaped(n, size, pct, seed, Mixed)
}

// BatchesShaped is BatchesOf with the failing traces of shape.
func BatchesShaped(n, size int, pct float64, seed uint64, shape Shape) ([]ptrace.Traces, Stats) {
	fail := failing(shape)
	if len(fail) == 0 {
		panic("workload: no failing scenario of shape " + string(shape))
	}
	var st Stats
	out := make([]ptrace.Traces, 0, n)
	trace := 0 // index in the stream
	nFail := 0
	for b := 0; b < n; b++ {
		td := ptrace.NewTraces()
		spanCount := 0
		for spanCount < size {
			var root *testtraces.Span
			isFail := int(float64(trace+1)*pct/100) > int(float64(trace)*pct/100)
			if isFail {
				root = fail[nFail%len(fail)].Root
			} else {
				root = healthy(shapes[trace%len(shapes)], (trace*7)%10)
			}
			spans, targets := count(root)
			if spanCount+spans > size {
				// Complete the batch with a healthy trace of the right size;
				// the chosen trace comes first in the next batch.
				root, isFail = filler(size-spanCount), false
				spans, targets = count(root)
			} else {
				trace++
				if isFail {
					nFail++
				}
			}
			testtraces.AppendTo(td, root, testtraces.Options{Seed: seed<<20 | uint64(st.Traces+1)})
			spanCount += spans
			st.Traces++
			st.Spans += spans
			st.TargetSpans += targets
			if isFail {
				st.FailingTraces++
			}
		}
		out = append(out, td)
	}
	return out, st
}

// FailingCycle returns one trace of each failing scenario of shape, in the
// order the batches take them: the 500 spans of one cycle are, in kind and
// number, those of every stretch of a workload at 100 %.
func FailingCycle(shape Shape, seed uint64) ptrace.Traces {
	td := ptrace.NewTraces()
	for i, sc := range failing(shape) {
		testtraces.AppendTo(td, sc.Root, testtraces.Options{Seed: seed<<20 | uint64(i+1)})
	}
	return td
}

// SetGeneration rewrites the trace ids of a batch so that each generation of
// copies has trace ids never seen before (bytes 2..4 of the id, which the
// builder leaves zero). Span ids and parent links are unchanged.
func SetGeneration(td ptrace.Traces, gen uint32) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				id := sp.TraceID()
				var g [4]byte
				binary.BigEndian.PutUint32(g[:], gen&0xffffff)
				copy(id[2:5], g[1:4])
				sp.SetTraceID(id)
			}
		}
	}
}

// AppendFailing appends failing scenario number i (modulo their number) to
// td, as one more trace; it returns its span count.
func AppendFailing(td ptrace.Traces, i int, seed uint64) int {
	fail := failing(Mixed)
	sc := fail[i%len(fail)]
	testtraces.AppendTo(td, sc.Root, testtraces.Options{Seed: seed<<20 | 0x80000 | uint64(i&0x7ffff)})
	n, _ := count(sc.Root)
	return n
}

// LongTraces puts the spans of a batch under n trace ids (0 < n <= 256),
// trace by trace in turn, keeping bytes 2..4 (SetGeneration's) zero: the
// batches so built are parts of the same few long traces.
func LongTraces(td ptrace.Traces, n int) {
	i := -1
	var last pcommon.TraceID
	rss := td.ResourceSpans()
	for r := 0; r < rss.Len(); r++ {
		sss := rss.At(r).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				if id := sp.TraceID(); i < 0 || id != last {
					i, last = i+1, id
				}
				sp.SetTraceID(pcommon.TraceID{0xee, byte(i % n), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
			}
		}
	}
}
