package errordiagnosisprocessor

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The release order of held spans, with a fake clock: wait_duration 30 s,
// so a retry after a retryable error is due 3 s after the failed delivery
// (a tenth of wait_duration per attempt), earlier than spans held after it.

// holdAt holds a bare 500 at the diagnoser's clock and returns its id.
func holdAt(t *testing.T, d *diagnoser, seed uint64) spanRef {
	t.Helper()
	td := bare500(seed)
	ref := spanRef{}
	for r := range refsOf(td) {
		ref = r
	}
	out, err := d.processTraces(context.Background(), td)
	require.Error(t, err, "held: nothing left in the batch")
	require.Zero(t, out.SpanCount())
	return ref
}

func accepted(s *faultSink, r spanRef) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted[r] > 0
}

func thirtySecondWait() *Config {
	cfg := defaultConfig()
	cfg.WaitDuration = 30 * time.Second
	cfg.EvidenceTTL = 5 * time.Minute
	return cfg
}

// TestRetryDueBeforeLaterHolds: a span whose delivery failed at +30 s is
// due again at +33 s and goes out then, although a span held at +10 s (due
// at +40 s) is still waiting.
func TestRetryDueBeforeLaterHolds(t *testing.T) {
	sink := newFaultSink(0, false)
	d, clock := newFuzzDiagnoser(t, thirtySecondWait(), sink)
	ctx := context.Background()
	start := *clock
	at := func(s int) { *clock = start.Add(time.Duration(s) * time.Second) }

	a := holdAt(t, d, 1)
	at(10)
	b := holdAt(t, d, 2)
	at(30)
	sink.setFailNext(1, false)
	d.releaseDue(ctx)
	require.False(t, accepted(sink, a), "the first delivery failed")
	at(33)
	d.releaseDue(ctx)
	assert.True(t, accepted(sink, a), "the retry is due at +33 s")
	assert.False(t, accepted(sink, b), "the span held at +10 s is due at +40 s")
	at(40)
	d.releaseDue(ctx)
	assert.True(t, accepted(sink, b))
	require.NoError(t, d.shutdown(ctx))
	distinct, dup := sink.counts()
	assert.Equal(t, 2, distinct)
	assert.Zero(t, dup)
}

// TestEarlyReleaseTakesTheEarliestDeadline: beyond max_held_spans the span
// released early is the one due first, a retry included.
func TestEarlyReleaseTakesTheEarliestDeadline(t *testing.T) {
	sink := newFaultSink(0, false)
	cfg := thirtySecondWait()
	cfg.MaxHeldSpans = 2
	d, clock := newFuzzDiagnoser(t, cfg, sink)
	ctx := context.Background()
	start := *clock
	at := func(s int) { *clock = start.Add(time.Duration(s) * time.Second) }

	a := holdAt(t, d, 1)
	at(10)
	b := holdAt(t, d, 2)
	at(30)
	sink.setFailNext(1, false)
	d.releaseDue(ctx) // a fails, held again, due at +33 s
	require.False(t, accepted(sink, a))
	at(31)
	c := holdAt(t, d, 3) // 3 held > max_held_spans 2
	assert.True(t, accepted(sink, a), "a (due at +33 s) is released early")
	assert.False(t, accepted(sink, b), "b (due at +40 s) waits")
	assert.False(t, accepted(sink, c), "c (due at +61 s) waits")
	require.NoError(t, d.shutdown(ctx))
	distinct, dup := sink.counts()
	assert.Equal(t, 3, distinct)
	assert.Zero(t, dup)
}

// The context of held spans: each leaves with the client information of
// the request that brought it, in a context of its own, whatever releases
// it. A bed of the factory's processor with a clock the test moves; its
// own tick loop ticks.

// originCall is one ConsumeTraces the next consumer got: the tenant of its
// context, whether it had a deadline, and the services of its spans.
type originCall struct {
	tenant   string
	deadline bool
	services []string
	spanIDs  []string
	// diagnoses are category/cause of the diagnosed spans.
	diagnoses []string
}

// originSink records the client metadata of every call; it fails the next
// failNext calls with a retryable error.
type originSink struct {
	mu       sync.Mutex
	calls    []originCall
	failNext int
}

func (s *originSink) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (s *originSink) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return errUnavailable
	}
	c := originCall{tenant: strings.Join(client.FromContext(ctx).Metadata.Get("x-tenant"), ",")}
	_, c.deadline = ctx.Deadline()
	forEachSpan(td, func(rs ptrace.ResourceSpans, sp ptrace.Span) {
		svc, _ := rs.Resource().Attributes().Get("service.name")
		c.services = append(c.services, svc.Str())
		c.spanIDs = append(c.spanIDs, sp.SpanID().String())
		if cat, ok := sp.Attributes().Get("diagnosis.category"); ok {
			cause, _ := sp.Attributes().Get("diagnosis.cause")
			c.diagnoses = append(c.diagnoses, cat.Str()+"/"+cause.Str())
		}
	})
	s.calls = append(s.calls, c)
	return nil
}

// heldCalls are the calls with a span of a tenant's service (svc-<tenant>):
// the held spans, not the batches passing through.
func (s *originSink) heldCalls() []originCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []originCall
	for _, c := range s.calls {
		for _, svc := range c.services {
			if strings.HasPrefix(svc, "svc-") {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

type tenantBed struct {
	t     *testing.T
	p     processor.Traces
	d     *diagnoser
	sink  *originSink
	clock atomic.Int64 // unix nanoseconds
}

func newTenantBed(t *testing.T, cfg *Config) *tenantBed {
	t.Helper()
	require.NoError(t, cfg.Validate())
	b := &tenantBed{t: t, sink: &originSink{}}
	b.clock.Store(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC).UnixNano())
	f := &factory{diagnosers: newSharedDiagnosers()}
	set := processortest.NewNopSettings(metadata.Type)
	p, err := f.createTraces(context.Background(), set, cfg, b.sink)
	require.NoError(t, err)
	b.d = f.diagnosers.byID[set.ID].d
	b.d.now = func() time.Time { return time.Unix(0, b.clock.Load()).UTC() }
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	b.p = p
	return b
}

func (b *tenantBed) advance(d time.Duration) { b.clock.Add(int64(d)) }

// tenantCtx is a request of tenant with a deadline of its own.
func tenantCtx(t *testing.T, tenant string) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return client.NewContext(ctx, client.Info{Metadata: client.NewMetadata(map[string][]string{"x-tenant": {tenant}})})
}

// tenant500 is a 500 span of service svc-<tenant> with no evidence: held.
func tenant500(tenant string, seed uint64) ptrace.Traces {
	return testtraces.Build(testtraces.Server("svc-"+tenant, "go", "GET", "/x", 500), testtraces.Options{Seed: seed})
}

// send sends td as tenant.
func (b *tenantBed) send(tenant string, td ptrace.Traces) {
	b.t.Helper()
	require.NoError(b.t, b.p.ConsumeTraces(tenantCtx(b.t, tenant), td))
}

// waitHeld waits until the sink got a call with held spans.
func (b *tenantBed) waitHeld() {
	b.t.Helper()
	require.Eventually(b.t, func() bool { return len(b.sink.heldCalls()) > 0 }, 10*time.Second, 5*time.Millisecond)
}

// assertOwnTenant checks that every call of held spans carries the tenant
// of their services and no deadline.
func assertOwnTenant(t *testing.T, calls []originCall) {
	t.Helper()
	for _, c := range calls {
		assert.False(t, c.deadline, "held spans leave without a request's deadline")
		for _, svc := range c.services {
			assert.Equal(t, "svc-"+c.tenant, svc, "a span of %s delivered as tenant %q", svc, c.tenant)
		}
	}
}

func TestHeldSpansLeaveWithTheirOrigin(t *testing.T) {
	oneSecond := func() *Config {
		cfg := defaultConfig()
		cfg.WaitDuration = time.Second // a tick every 100 ms
		cfg.EvidenceTTL = time.Minute
		return cfg
	}
	tests := []struct {
		name string
		cfg  func() *Config
		run  func(b *tenantBed)
		// want are the tenants of the calls with held spans, in order.
		want []string
	}{
		{"release tick", oneSecond, func(b *tenantBed) {
			b.send("a", tenant500("a", 1))
			b.advance(2 * time.Second)
			b.waitHeld()
		}, []string{"a"}},
		{"early, max_held_spans, in another tenant's batch", func() *Config {
			cfg := oneSecond()
			cfg.MaxHeldSpans = 1
			return cfg
		}, func(b *tenantBed) {
			b.send("a", tenant500("a", 1))
			b.send("b", tenant500("b", 2)) // a's span leaves in b's call
			b.waitHeld()
			require.NoError(t, b.p.Shutdown(context.Background()))
		}, []string{"a", "b"}},
		{"early, max_held_mib, in another tenant's batch", oneSecond, func(b *tenantBed) {
			b.send("a", tenant500("a", 1))
			b.d.engine.SetHeldBudget(b.d.cfg.MaxHeldSpans, int(b.d.engine.Stats().HeldBytes)) // one span's worth
			b.send("b", tenant500("b", 2))
			b.waitHeld()
			require.NoError(t, b.p.Shutdown(context.Background()))
		}, []string{"a", "b"}},
		{"forgotten trace, max_traces, in another tenant's batch", func() *Config {
			cfg := oneSecond()
			cfg.MaxTraces = 1
			return cfg
		}, func(b *tenantBed) {
			b.send("a", tenant500("a", 1))
			b.advance(500 * time.Millisecond) // forgotten later than a tick: held
			b.send("b", tenant500("b", 2))
			b.waitHeld()
			require.NoError(t, b.p.Shutdown(context.Background()))
		}, []string{"a", "b"}},
		{"made final by another tenant's evidence", func() *Config {
			cfg := oneSecond()
			cfg.WaitDuration = time.Minute // no tick releases it
			return cfg
		}, func(b *tenantBed) {
			db := testtraces.DB("postgresql", "SELECT", "orders", "SELECT * FROM orders").Failed(
				"ERROR: canceling statement due to statement timeout (SQLSTATE 57014)").With("db.response.status_code", "57014")
			db.Service = "orders-worker" // not a tenant's service: it passes through in b's call
			parts := splitSpans(testtraces.Build(testtraces.Server("svc-a", "go", "GET", "/orders", 500, db), testtraces.Options{Seed: 3}))
			require.Len(t, parts, 2)
			b.send("a", parts[1]) // the 500: held
			b.send("b", parts[0]) // its DB span, from another client: the 500 leaves in b's call
			b.waitHeld()
		}, []string{"a"}},
		{"delivery retried", oneSecond, func(b *tenantBed) {
			b.send("a", tenant500("a", 1))
			b.sink.mu.Lock()
			b.sink.failNext = 1
			b.sink.mu.Unlock()
			b.advance(2 * time.Second)
			require.Eventually(t, func() bool {
				b.sink.mu.Lock()
				defer b.sink.mu.Unlock()
				return b.sink.failNext == 0
			}, 10*time.Second, 5*time.Millisecond)
			b.advance(10 * time.Second) // past the backoff
			b.waitHeld()
		}, []string{"a"}},
		{"shutdown drain, one call per tenant", func() *Config {
			cfg := oneSecond()
			cfg.WaitDuration = time.Minute
			return cfg
		}, func(b *tenantBed) {
			b.send("a", tenant500("a", 1))
			b.send("b", tenant500("b", 2))
			b.send("a", tenant500("a", 3))
			require.NoError(t, b.p.Shutdown(context.Background()))
		}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTenantBed(t, tt.cfg())
			tt.run(b)
			require.NoError(t, b.p.Shutdown(context.Background()))
			calls := b.sink.heldCalls()
			tenants := make([]string, 0, len(calls))
			for _, c := range calls {
				tenants = append(tenants, c.tenant)
			}
			assert.Equal(t, tt.want, tenants)
			assertOwnTenant(t, calls)
		})
	}
}

// TestHeldSpansOfOneOriginKeepTheirOrder: released together, the held
// spans of one request leave in one call, in the order they were held,
// although another tenant's span was held between them.
func TestHeldSpansOfOneOriginKeepTheirOrder(t *testing.T) {
	cfg := defaultConfig()
	cfg.WaitDuration = time.Minute
	cfg.EvidenceTTL = 2 * time.Minute
	b := newTenantBed(t, cfg)
	td := ptrace.NewTraces()
	for i := range 5 {
		testtraces.AppendTo(td, testtraces.Server("svc-a", "go", "GET", fmt.Sprintf("/x%d", i), 500), testtraces.Options{Seed: uint64(10 + i)})
	}
	var want []string
	forEachSpan(td, func(_ ptrace.ResourceSpans, sp ptrace.Span) { want = append(want, sp.SpanID().String()) })
	b.send("a", td)
	b.send("b", tenant500("b", 1))
	require.NoError(t, b.p.Shutdown(context.Background()))
	calls := b.sink.heldCalls()
	require.Len(t, calls, 2, "two requests, two calls")
	assert.Equal(t, want, calls[0].spanIDs)
	assertOwnTenant(t, calls)
}

// TestLargeClientMetadataCountsInTheBudget: the client information a held
// span keeps counts in max_held_mib, so large headers (include_metadata
// keeps them all) cannot grow the memory past it.
func TestLargeClientMetadataCountsInTheBudget(t *testing.T) {
	cfg := defaultConfig()
	cfg.WaitDuration = time.Minute
	cfg.EvidenceTTL = 2 * time.Minute
	cfg.MaxHeldMiB = 1
	b := newTenantBed(t, cfg)
	cookie := string(make([]byte, 256<<10))
	for i := range 8 {
		ctx := client.NewContext(context.Background(), client.Info{Metadata: client.NewMetadata(map[string][]string{"x-tenant": {"a"}, "cookie": {cookie}})})
		require.NoError(t, b.p.ConsumeTraces(ctx, tenant500("a", uint64(i+1))))
		held := int(b.d.engine.Stats().HeldBytes)
		require.LessOrEqual(t, held, 1<<20, "after %d spans", i+1)
	}
	early := len(b.sink.heldCalls())
	assert.GreaterOrEqual(t, early, 6, "released early for max_held_mib: 512 KiB of client information each")
	require.NoError(t, b.p.Shutdown(context.Background()))
	calls := b.sink.heldCalls()
	n := 0
	for _, c := range calls {
		n += len(c.spanIDs)
	}
	assert.Equal(t, 8, n)
	assertOwnTenant(t, calls)
}
