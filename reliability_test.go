package errordiagnosisprocessor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// Fault injection (issue 6): the next consumer fails, the pipeline shuts
// down under load, contexts are cancelled, the clock jumps. Spans are
// counted by trace and span id at the sink: nothing lost, nothing twice.

// spanRef identifies a span at the sink.
type spanRef struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// faultSink is a next consumer that fails the next failNext calls (with a
// permanent error when permanent is set), optionally refuses a done context,
// and counts the spans it accepted by id.
type faultSink struct {
	mu        sync.Mutex
	failNext  int
	permanent bool
	ctxAware  bool
	calls     int
	failures  int
	rejected  int // spans in failed calls
	accepted  map[spanRef]int
	diagnosed map[spanRef]bool
}

func newFaultSink(failNext int, permanent bool) *faultSink {
	return &faultSink{failNext: failNext, permanent: permanent, accepted: map[spanRef]int{}, diagnosed: map[spanRef]bool{}}
}

func (s *faultSink) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

var errUnavailable = errors.New("next consumer: temporarily unavailable")

func (s *faultSink) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.ctxAware && ctx.Err() != nil {
		s.failures++
		s.rejected += td.SpanCount()
		return ctx.Err()
	}
	if s.failNext > 0 {
		s.failNext--
		s.failures++
		s.rejected += td.SpanCount()
		if s.permanent {
			return consumererror.NewPermanent(errors.New("next consumer: rejected for good"))
		}
		return errUnavailable
	}
	forEachSpan(td, func(_ ptrace.ResourceSpans, sp ptrace.Span) {
		ref := spanRef{sp.TraceID(), sp.SpanID()}
		s.accepted[ref]++
		if _, ok := sp.Attributes().Get("diagnosis.category"); ok {
			s.diagnosed[ref] = true
		}
	})
	return nil
}

func (s *faultSink) setFailNext(n int, permanent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.permanent = n, permanent
}

// counts returns the number of distinct spans accepted and the number of
// spans accepted more than once.
func (s *faultSink) counts() (distinct, duplicated int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.accepted {
		distinct++
		if n > 1 {
			duplicated += n - 1
		}
	}
	return distinct, duplicated
}

func refsOf(td ptrace.Traces) map[spanRef]bool {
	out := map[spanRef]bool{}
	forEachSpan(td, func(_ ptrace.ResourceSpans, sp ptrace.Span) { out[spanRef{sp.TraceID(), sp.SpanID()}] = true })
	return out
}

// mixedBatch is a batch with a held target (no evidence), a conclusive
// target, a healthy trace and the non-target spans of all of them.
func mixedBatch(tb testing.TB, seed uint64) ptrace.Traces {
	td := bare500(seed)
	testtraces.AppendTo(td, scenario(tb, "go_pgx_statement_timeout").Root, testtraces.Options{Seed: seed + 1})
	testtraces.AppendTo(td, testtraces.Server("catalog", "go", "GET", "/ok", 200,
		testtraces.DB("postgresql", "SELECT", "items", "SELECT 1")), testtraces.Options{Seed: seed + 2})
	return td
}

// retryUntilAccepted is an upstream with retries (the OTLP exporter of an
// SDK or of a first collector tier): it re-sends the same batch while the
// error is retryable.
func retryUntilAccepted(tb testing.TB, consume func(context.Context, ptrace.Traces) error, td ptrace.Traces) (attempts int, err error) {
	for attempts = 1; attempts <= 20; attempts++ {
		err = consume(context.Background(), cloneTraces(td))
		if err == nil || consumererror.IsPermanent(err) {
			return attempts, err
		}
	}
	tb.Fatalf("batch still failing after %d attempts: %v", attempts, err)
	return attempts, err
}

// TestFaultRetryableNextConsumer: the next consumer fails 3 times with a
// retryable error, the upstream re-sends the batch each time. The error
// propagates from ConsumeTraces; once it succeeds every span is at the sink
// exactly once, held targets included, all targets diagnosed.
func TestFaultRetryableNextConsumer(t *testing.T) {
	for _, cfg := range []*Config{perBatchConfig(), shortWaitConfig()} {
		t.Run(fmt.Sprintf("wait=%v", cfg.WaitDuration), func(t *testing.T) {
			sink := newFaultSink(3, false)
			p := newTestProcessor(t, cfg, sink)
			want := map[spanRef]bool{}
			for i := range 5 {
				td := mixedBatch(t, uint64(100*i))
				for r := range refsOf(td) {
					want[r] = true
				}
				attempts, err := retryUntilAccepted(t, p.ConsumeTraces, td)
				require.NoError(t, err)
				if i == 0 {
					assert.Equal(t, 4, attempts, "the first batch fails 3 times: the error propagates")
				}
			}
			if cfg.WaitDuration > 0 {
				require.Eventually(t, func() bool { d, _ := sink.counts(); return d == len(want) }, 5*time.Second, 5*time.Millisecond)
			}
			require.NoError(t, p.Shutdown(context.Background()))
			distinct, dup := sink.counts()
			assert.Equal(t, len(want), distinct, "spans lost")
			assert.Zero(t, dup, "spans delivered twice")
			assert.Len(t, sink.diagnosed, 10, "every 500 span diagnosed")
			t.Logf("spans in %d, out %d distinct, %d duplicated; next consumer calls %d, failures %d", len(want), distinct, dup, sink.calls, sink.failures)
		})
	}
}

func shortWaitConfig() *Config {
	cfg := defaultConfig()
	cfg.WaitDuration = 20 * time.Millisecond
	cfg.EvidenceTTL = time.Second
	return cfg
}

// TestFaultHeldSpansRetried: held spans whose release fails with a
// retryable error are held again and retried with backoff until the next
// consumer accepts them: neither lost nor duplicated.
func TestFaultHeldSpansRetried(t *testing.T) {
	sink := newFaultSink(0, false)
	cfg := defaultConfig()
	cfg.WaitDuration = time.Second
	d, clock := newFuzzDiagnoser(t, cfg, sink)
	ctx := context.Background()
	want := map[spanRef]bool{}
	for i := range 20 {
		td := bare500(uint64(i))
		for r := range refsOf(td) {
			want[r] = true
		}
		out, err := d.processTraces(ctx, td)
		require.Error(t, err, "held: nothing left in the batch")
		require.Zero(t, out.SpanCount())
	}
	require.Equal(t, int64(20), d.engine.Stats().Held)
	sink.setFailNext(4, false)
	for range 40 {
		*clock = clock.Add(cfg.WaitDuration)
		d.releaseDue(ctx)
	}
	require.NoError(t, d.shutdown(ctx))
	distinct, dup := sink.counts()
	assert.Equal(t, len(want), distinct, "held spans lost")
	assert.Zero(t, dup, "held spans delivered twice")
	assert.Equal(t, 4, sink.failures)
	assert.Len(t, sink.diagnosed, 20)
}

// TestFaultEvictedHeldSpansRetried: held spans released early because
// max_traces forgot their trace are retried like any other when the next
// consumer fails with a retryable error: neither lost nor duplicated.
func TestFaultEvictedHeldSpansRetried(t *testing.T) {
	sink := newFaultSink(0, false)
	cfg := defaultConfig()
	cfg.WaitDuration = time.Second
	cfg.MaxTraces = 2
	d, clock := newFuzzDiagnoser(t, cfg, sink)
	ctx := context.Background()
	want := map[spanRef]bool{}
	sink.setFailNext(6, false)
	for i := range 20 {
		td := bare500(uint64(i))
		for r := range refsOf(td) {
			want[r] = true
		}
		_, _ = d.processTraces(ctx, td) // each new trace evicts an older one
		// Two release ticks between batches: the cache keeps a trace longer
		// than a tick, so each 500 is held (see TestShortHorizonIsNotHeld).
		*clock = clock.Add(cfg.WaitDuration / 5)
	}
	for range 40 {
		*clock = clock.Add(cfg.WaitDuration)
		d.releaseDue(ctx)
	}
	require.NoError(t, d.shutdown(ctx))
	distinct, dup := sink.counts()
	assert.Equal(t, 6, sink.failures)
	assert.Equal(t, len(want), distinct, "evicted held spans lost")
	assert.Zero(t, dup, "held spans delivered twice")
}

// TestFaultPermanentNextConsumer: a permanent error propagates from
// ConsumeTraces as permanent (the upstream drops the batch, it does not
// retry); held spans released to a consumer that rejects them for good are
// not retried forever; once the consumer recovers, spans flow again.
func TestFaultPermanentNextConsumer(t *testing.T) {
	sink := newFaultSink(1_000_000, true)
	cfg := shortWaitConfig()
	p := newTestProcessor(t, cfg, sink)
	sent := 0
	for i := range 5 {
		td := mixedBatch(t, uint64(10*i))
		sent += td.SpanCount()
		err := p.ConsumeTraces(context.Background(), td)
		require.Error(t, err)
		assert.True(t, consumererror.IsPermanent(err), "permanent stays permanent: %v", err)
	}
	// The 5 held targets are released after wait_duration, rejected for good once each.
	require.Eventually(t, func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return sink.rejected == sent
	}, 5*time.Second, 5*time.Millisecond)
	time.Sleep(10 * cfg.WaitDuration)
	sink.mu.Lock()
	assert.Equal(t, sent, sink.rejected, "rejected spans are not retried")
	sink.mu.Unlock()

	sink.setFailNext(0, false)
	td := mixedBatch(t, 1000)
	n := td.SpanCount()
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))
	distinct, dup := sink.counts()
	assert.Equal(t, n, distinct)
	assert.Zero(t, dup)
}

// TestFaultConsumeAfterShutdown: after Shutdown spans still pass through,
// diagnosed per batch, nothing held.
func TestFaultConsumeAfterShutdown(t *testing.T) {
	sink := newFaultSink(0, false)
	cfg := defaultConfig()
	p := newTestProcessor(t, cfg, sink)
	require.NoError(t, p.ConsumeTraces(context.Background(), bare500(1)))
	require.NoError(t, p.Shutdown(context.Background()))
	distinct, _ := sink.counts()
	require.Equal(t, 1, distinct, "held span released at shutdown")

	want := 1
	for i := range 10 {
		td := mixedBatch(t, uint64(10+10*i))
		want += td.SpanCount()
		require.NoError(t, p.ConsumeTraces(context.Background(), td))
		distinct, _ = sink.counts()
		require.Equal(t, want, distinct, "batch %d passed through at once", i)
	}
	_, dup := sink.counts()
	assert.Zero(t, dup)
	assert.Len(t, sink.diagnosed, 21, "diagnosed per batch after shutdown")
	require.NoError(t, p.Shutdown(context.Background()), "a second Shutdown is harmless")
}

// TestFaultLogsAfterShutdown: exception log records after Shutdown pass
// through unchanged and hold nothing.
func TestFaultLogsAfterShutdown(t *testing.T) {
	sink := &consumertest.TracesSink{}
	d := newTestDiagnoser(t, defaultConfig(), sink)
	require.NoError(t, d.shutdown(context.Background()))
	for _, ld := range logSeeds() {
		before, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
		require.NoError(t, err)
		out, err := d.processLogs(context.Background(), ld)
		require.NoError(t, err)
		after, err := (&plog.ProtoMarshaler{}).MarshalLogs(out)
		require.NoError(t, err)
		assert.Equal(t, before, after)
	}
	assert.Zero(t, d.engine.Stats().Held)
	assert.Zero(t, sink.SpanCount())
}

// TestFaultShutdownUnderLoad: Shutdown while ConsumeTraces runs on several
// goroutines. Every span accepted by ConsumeTraces reaches the sink once,
// whether it was held before the shutdown, during it or after it.
func TestFaultShutdownUnderLoad(t *testing.T) {
	iterations := 40
	if testing.Short() {
		iterations = 10
	}
	for it := range iterations {
		sink := newFaultSink(0, false)
		cfg := defaultConfig()
		cfg.WaitDuration = time.Hour // held until shutdown
		cfg.EvidenceTTL = time.Hour
		p := newTestProcessor(t, cfg, sink)
		var sent atomic.Int64
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					seed := uint64(it<<24|w<<16|i) * 4 // mixedBatch uses seed..seed+2
					td := bare500(seed)
					if i%2 == 1 {
						td = mixedBatch(t, seed)
					}
					n := td.SpanCount()
					if err := p.ConsumeTraces(context.Background(), td); err == nil {
						sent.Add(int64(n))
					}
				}
			}()
		}
		time.Sleep(time.Duration(1+it%5) * time.Millisecond)
		require.NoError(t, p.Shutdown(context.Background()))
		time.Sleep(time.Millisecond)
		close(stop)
		wg.Wait()
		distinct, dup := sink.counts()
		require.Equal(t, int(sent.Load()), distinct, "iteration %d: spans accepted by ConsumeTraces must reach the sink", it)
		require.Zero(t, dup)
	}
}

// TestFaultShutdownWithCancelledContext: Shutdown called with a context that
// is already cancelled still releases every held span (the tick loop has
// stopped: nothing else would).
func TestFaultShutdownWithCancelledContext(t *testing.T) {
	for i := range 30 {
		sink := newFaultSink(0, false)
		d := newTestDiagnoser(t, defaultConfig(), &consumertest.TracesSink{})
		d.out.next = sink
		for j := range 5 {
			_, err := d.processTraces(context.Background(), bare500(uint64(10*i+j)))
			require.Error(t, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_ = d.shutdown(ctx)
		distinct, _ := sink.counts()
		require.Equal(t, 5, distinct, "iteration %d: held spans lost at shutdown", i)
		require.Zero(t, d.engine.Stats().Held)
	}
}

// TestFaultCancelledContext: ConsumeTraces with a cancelled context. The
// next consumer refuses it and the error propagates; the held span it
// releases leaves in a context of its own, which the cancellation does
// not reach.
func TestFaultCancelledContext(t *testing.T) {
	sink := newFaultSink(0, false)
	sink.ctxAware = true
	cfg := shortWaitConfig()
	p := newTestProcessor(t, cfg, sink)
	held := bare500(1)
	require.NoError(t, p.ConsumeTraces(context.Background(), held))

	// A late DB span with evidence makes the held target conclusive; it
	// comes with a cancelled context: its own delivery fails.
	sc := scenario(t, "go_pgx_statement_timeout")
	whole := testtraces.Build(sc.Root, testtraces.Options{Seed: 77})
	parts := splitSpans(whole)
	require.Len(t, parts, 2)
	require.NoError(t, p.ConsumeTraces(context.Background(), parts[1])) // its 500 server span: held
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.ConsumeTraces(ctx, parts[0])
	require.ErrorIs(t, err, context.Canceled)
	require.NoError(t, p.ConsumeTraces(context.Background(), parts[0])) // the upstream retries

	require.Eventually(t, func() bool { d, _ := sink.counts(); return d == 3 }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, p.Shutdown(context.Background()))
	distinct, dup := sink.counts()
	assert.Equal(t, 3, distinct)
	assert.Zero(t, dup)
	assert.Len(t, sink.diagnosed, 2)
}

// TestFaultClockJumps: a clock that jumps forwards (all holds due, all
// evidence expired) and backwards (deadlines in the far future) loses and
// duplicates nothing, and the cache stays within its limits. In production
// d.now is time.Now, whose monotonic reading makes deadlines immune to wall
// clock jumps; this checks the logic when time itself misbehaves.
func TestFaultClockJumps(t *testing.T) {
	sink := newFaultSink(0, false)
	cfg := defaultConfig()
	cfg.WaitDuration = time.Second
	cfg.EvidenceTTL = 2 * time.Second
	cfg.MaxTraces = 50
	cfg.MaxHeldSpans = 30
	d, clock := newFuzzDiagnoser(t, cfg, sink)
	ctx := context.Background()
	want := map[spanRef]bool{}
	jumps := []time.Duration{0, time.Hour, -3 * time.Hour, time.Millisecond, -time.Minute, 24 * time.Hour, -48 * time.Hour, 500 * time.Millisecond}
	scenarios := testtraces.Scenarios()
	for i := range 400 {
		*clock = clock.Add(jumps[i%len(jumps)])
		sc := scenarios[i%len(scenarios)]
		for _, part := range splitSpans(testtraces.Build(sc.Root, testtraces.Options{Seed: uint64(i)})) {
			for r := range refsOf(part) {
				want[r] = true
			}
			out, err := d.processTraces(ctx, part)
			if err == nil {
				require.NoError(t, sink.ConsumeTraces(ctx, out))
			}
		}
		if i%7 == 0 {
			d.releaseDue(ctx)
		}
		require.LessOrEqual(t, int(d.engine.Stats().Held), cfg.MaxHeldSpans)
		require.LessOrEqual(t, int(d.engine.Stats().Traces), cfg.MaxTraces)
	}
	require.NoError(t, d.shutdown(ctx))
	distinct, dup := sink.counts()
	assert.Equal(t, len(want), distinct)
	assert.Zero(t, dup)
}

// ---- redaction end to end ------------------------------------------------

// secretCases are secrets as they show up in error messages; every one is
// fake (AWS's documented example keys, Luhn-valid test cards, random text).
var secretCases = []struct {
	name, secret, text string
}{
	{"postgres url", "Pg5ecretPw", "failed to connect to postgres://orders:Pg5ecretPw@db.internal:5432/orders: connection refused"},
	{"mysql url", "My5qlPw!x", "dial mysql://root:My5qlPw!x@mysql-0:3306/app: i/o timeout"},
	{"jdbc url", "JdbcPw77", "Unable to acquire JDBC Connection: jdbc:postgresql://db:5432/shop?user=shop&password=JdbcPw77&ssl=true"},
	{"ado.net", "AdoNetPw#1", "SqlException: Login failed. Server=tcp:sql01,1433;Database=shop;User Id=app;Password=AdoNetPw#1;Encrypt=True;"},
	{"bearer header", "8f14e45fceea167a5a36dedd4bea2543", "401 from billing: Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543"},
	{"basic header", "YWxhZGRpbjpvcGVuc2VzYW1l", "upstream said 401, request had Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l"},
	{"jwt", "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "invalid token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"},
	{"aws key id", "AKIAIOSFODNN7EXAMPLE", "The AWS Access Key Id AKIAIOSFODNN7EXAMPLE you provided does not exist in our records"},
	{"aws secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rejected"},
	{"gcp key", "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI", "googleapi: Error 400: API key not valid: key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"},
	{"github token", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "GitHub API 401 with ghp_16C7e42F292c6912E7710c838347Ae178B4a"},
	{"slack token", "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "slack: invalid_auth for xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"},
	{"e-mail", "jane.doe+shop", "user jane.doe+shop@example.com not found in accounts"},
	{"credit card", "4111 1111 1111 1111", "payment declined for card 4111 1111 1111 1111 (order 7731)"},
	{"user IP (extra pattern)", "203.0.113.77", "rate limit exceeded for client 203.0.113.77"},
	{"customer id (extra pattern)", "CUST-004211", "no billing profile for CUST-004211"},
}

// secretTrace is a 500 whose evidence holds text in every place the
// processor reads: span names, status descriptions, error.type, exception
// type, message and stack trace, on the target, an internal child and a
// failing database span, plus an exception log record.
func secretTrace(text string, seed uint64) ptrace.Traces {
	stack := "java.lang.IllegalStateException: " + text + "\n\tat com.example.Repo.load(Repo.java:42)\nCaused by: java.sql.SQLException: " + text
	root := testtraces.Server("billing", "java", "POST", "/pay", 500,
		testtraces.Internal("charge "+text).Failed(text, testtraces.Exception{Type: "java.lang.IllegalStateException", Message: text, Stacktrace: stack}),
		testtraces.DB("postgresql", "SELECT", "accounts", "SELECT 1").Failed(text,
			testtraces.Exception{Type: "org.postgresql.util.PSQLException", Message: text, Stacktrace: stack}).With("error.type", text))
	root.StatusMsg = text
	root.Exceptions = []testtraces.Exception{{Type: "java.lang.RuntimeException", Message: text, Stacktrace: stack}}
	return testtraces.Build(root, testtraces.Options{Seed: seed})
}

// assertNoSecret fails when secret appears in any attribute the processor
// added to a span (values under the prefix, and keys).
func assertNoSecret(t *testing.T, td ptrace.Traces, secret string) int {
	t.Helper()
	n := 0
	forEachSpan(td, func(_ ptrace.ResourceSpans, sp ptrace.Span) {
		sp.Attributes().Range(func(k string, v pcommon.Value) bool {
			if !strings.HasPrefix(k, "diagnosis.") {
				return true
			}
			n++
			assert.NotContains(t, v.AsString(), secret, "%s of span %q", k, sp.Name())
			assert.NotContains(t, k, secret)
			return true
		})
	})
	return n
}

// TestRedactionEndToEnd: no secret of the corpus reaches diagnosis.evidence
// or any other new attribute in the clear, in per-batch and cross-batch
// mode, whether the whole trace or one span at a time arrives, with the
// user's extra patterns for IPs and customer ids.
func TestRedactionEndToEnd(t *testing.T) {
	for _, maxLength := range []int{16, 256, 4096} {
		for _, wait := range []time.Duration{0, time.Second} {
			for _, split := range []bool{false, true} {
				if wait == 0 && split {
					continue
				}
				for i, tc := range secretCases {
					cfg := defaultConfig()
					cfg.WaitDuration = wait
					cfg.Redaction.MaxLength = maxLength
					cfg.Redaction.ExtraPatterns = []string{`\b(?:\d{1,3}\.){3}\d{1,3}\b`, `CUST-\d{6}`}
					cfg.RunbookURLTemplate = "https://runbooks.example.com/{service}/{category}/{cause}?fp={fingerprint}"
					sink := &consumertest.TracesSink{}
					d, _ := newRulesDiagnoser(t, cfg, sink)
					td := secretTrace(tc.text, uint64(i))
					batches := []ptrace.Traces{td}
					if split {
						batches = splitSpans(td)
					}
					for _, b := range batches {
						consume(t, d, sink, b)
					}
					require.NoError(t, d.shutdown(context.Background()))
					n := 0
					for _, out := range sink.AllTraces() {
						n += assertNoSecret(t, out, tc.secret)
					}
					require.Positive(t, n, "%s: the target was diagnosed", tc.name)
					if maxLength == 4096 && !t.Failed() {
						for _, out := range sink.AllTraces() {
							for _, s := range targetSpans(out) {
								ev, ok := s.Attributes().Get("diagnosis.evidence")
								require.True(t, ok)
								assert.Contains(t, ev.Str(), "***", "%s: the evidence shows the masked secret", tc.name)
							}
						}
					}
				}
			}
		}
	}
}

// TestSecretInPeerAndService: a secret in the attributes that name the
// other side of a call (server.address, peer.service) or in service.name
// does not reach diagnosis.evidence.service or diagnosis.root_cause.service.
func TestSecretInPeerAndService(t *testing.T) {
	secret := "Pe3rPassw0rd"
	client := &testtraces.Span{Name: "GET", Kind: ptrace.SpanKindClient, Scope: "http-client",
		Attrs: map[string]any{"http.request.method": "GET", "http.response.status_code": int64(503),
			"server.address": "svc:" + secret + "@inventory.internal", "peer.service": "https://inventory:" + secret + "@inventory.internal"}}
	client.Failed("503 Service Unavailable")
	root := testtraces.Server("shop", "go", "GET", "/cart", 500, client)
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, perBatchConfig(), sink)
	require.NoError(t, p.ConsumeTraces(context.Background(), testtraces.Build(root, testtraces.Options{Seed: 3})))
	require.NoError(t, p.Shutdown(context.Background()))
	require.Positive(t, assertNoSecret(t, sink.AllTraces()[0], secret))
}

// TestAttributesCapped: with max_length 16 and huge inputs in every field
// read, no string the processor writes exceeds 16 characters, and all are
// valid UTF-8.
func TestAttributesCapped(t *testing.T) {
	huge := strings.Repeat("ünïcødé \xff", 200_000) // ~2.4 MB, invalid UTF-8 inside
	for _, wait := range []time.Duration{0, time.Second} {
		cfg := defaultConfig()
		cfg.WaitDuration = wait
		cfg.Redaction.MaxLength = 16
		cfg.RunbookURLTemplate = "https://runbooks.example.com/a/very/long/path/{service}/{category}/{cause}/{fingerprint}"
		sink := &consumertest.TracesSink{}
		p := newTestProcessor(t, cfg, sink)
		client := &testtraces.Span{Name: huge, Kind: ptrace.SpanKindClient, Service: huge,
			Attrs: map[string]any{"http.response.status_code": int64(503), "peer.service": huge, "error.type": huge}}
		client.Failed(huge, testtraces.Exception{Type: huge, Message: huge, Stacktrace: huge})
		down := testtraces.Server(huge, "go", "GET", huge, 500, testtraces.Internal(huge).Failed(huge, testtraces.Exception{Type: "KeyError", Message: huge}))
		client.Children = []*testtraces.Span{down}
		root := testtraces.Server(huge, "python", "GET", huge, 500, client)
		require.NoError(t, p.ConsumeTraces(context.Background(), testtraces.Build(root, testtraces.Options{Seed: 1})))
		require.NoError(t, p.Shutdown(context.Background()))
		written := 0
		for _, out := range sink.AllTraces() {
			forEachSpan(out, func(_ ptrace.ResourceSpans, sp ptrace.Span) {
				sp.Attributes().Range(func(k string, v pcommon.Value) bool {
					if !strings.HasPrefix(k, "diagnosis.") || v.Type() != pcommon.ValueTypeStr {
						return true
					}
					written++
					assert.True(t, utf8.ValidString(v.Str()), "%s not valid UTF-8", k)
					assert.LessOrEqual(t, utf8.RuneCountInString(v.Str()), 16, "%s = %q", k, v.Str())
					return true
				})
			})
		}
		assert.GreaterOrEqual(t, written, 20, "both targets diagnosed with every attribute (wait %v)", wait)
	}
}

// TestExtraPatternsValidated: an invalid extra pattern is a config error
// naming the field and the pattern; the processor cannot be created with it.
func TestExtraPatternsValidated(t *testing.T) {
	cfg := defaultConfig()
	cfg.Redaction.ExtraPatterns = []string{`CUST-\d{6}`, `(unclosed`, `[z-a]`}
	err := cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `redaction.extra_patterns[1]`)
	assert.Contains(t, err.Error(), `"(unclosed"`)
	assert.Contains(t, err.Error(), `redaction.extra_patterns[2]`)
	assert.Contains(t, err.Error(), `"[z-a]"`)
	assert.NotContains(t, err.Error(), `extra_patterns[0]`)
	_, err = NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "(unclosed")
}
