package errordiagnosisprocessor

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/classify"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact/redacttest"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// The fuzz targets of issue 6. `go test` runs their seeds (f.Add below plus
// testdata/fuzz/<Target>/); scripts/fuzz.sh fuzzes each for FUZZTIME.

// maxFuzzSpans keeps one fuzz execution cheap: bigger inputs are skipped
// (the flood tests cover volume).
const maxFuzzSpans = 4096

// fuzzMode is one way of running a batch through the processor.
type fuzzMode struct {
	name  string
	cfg   func() *Config
	split bool // one batch per span, the release tick driven by a fake clock
}

// fuzzRules is the user rule of every fuzzed processor.
var fuzzRules = []RuleConfig{{
	Name: "fuzz", Condition: `attributes["fuzz.rule"] == "hit"`,
	Category: "security", Cause: "suspected_abuse", Fix: strings.Repeat("fix ", 40), FixEffort: "easy",
}}

var fuzzModes = []fuzzMode{
	{name: "per-batch", cfg: func() *Config {
		cfg := perBatchConfig()
		cfg.Redaction.MaxLength = 16
		cfg.Overwrite = true
		cfg.RunbookURLTemplate = "https://runbooks.example.com/{category}/{cause}/{service}/{fingerprint}"
		return cfg
	}},
	{name: "cross-batch", cfg: func() *Config {
		cfg := defaultConfig()
		cfg.WaitDuration = time.Second
		cfg.EvidenceTTL = 2 * time.Second
		cfg.MaxTraces = 3
		cfg.MaxHeldSpans = 2
		return cfg
	}},
	{name: "cross-batch-split", split: true, cfg: func() *Config {
		cfg := defaultConfig()
		cfg.WaitDuration = time.Second
		cfg.EvidenceTTL = 2 * time.Second
		cfg.MaxTraces = 4
		cfg.MaxHeldSpans = 3
		cfg.Redaction.MaxLength = 24
		return cfg
	}},
}

// newFuzzDiagnoser returns a diagnoser that is not started (no release
// goroutine: the caller drives releaseDue with a fake clock) feeding sink.
func newFuzzDiagnoser(tb testing.TB, cfg *Config, sink consumer.Traces) (*diagnoser, *time.Time) {
	tb.Helper()
	withRules := *cfg
	withRules.Rules = fuzzRules
	return newRulesDiagnoser(tb, &withRules, sink)
}

// runTraces runs td through a fresh processor in the given mode and returns
// everything that came out, after shutdown.
func runTraces(tb testing.TB, td ptrace.Traces, mode fuzzMode) (*diagnoser, []ptrace.Traces) {
	tb.Helper()
	cfg := mode.cfg()
	sink := &consumertest.TracesSink{}
	d, clock := newFuzzDiagnoser(tb, cfg, sink)
	batches := []ptrace.Traces{cloneTraces(td)}
	if mode.split {
		batches = splitSpans(td)
	}
	ctx := context.Background()
	for i, b := range batches {
		out, err := d.processTraces(ctx, b)
		if err != nil {
			require.ErrorIs(tb, err, processorhelper.ErrSkipProcessingData)
			require.Zero(tb, out.SpanCount())
		} else {
			require.NoError(tb, sink.ConsumeTraces(ctx, out))
		}
		if mode.split && i%3 == 2 {
			*clock = clock.Add(cfg.WaitDuration / 2)
			d.releaseDue(ctx)
		}
	}
	require.NoError(tb, d.shutdown(ctx))
	require.Zero(tb, d.engine.Stats().Held, "%s: spans still held after shutdown", mode.name)
	return d, sink.AllTraces()
}

// spanKey serialises one span with its resource and scope; strip removes the
// attributes under prefix first.
func spanKey(td ptrace.Traces, i, j, k int, strip string) string {
	one := engine.CopySpan(td, engine.At(i, j, k))
	if strip != "" {
		one.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().RemoveIf(func(key string, _ pcommon.Value) bool {
			return strings.HasPrefix(key, strip)
		})
	}
	b, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(one)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func forEachSpanIndex(td ptrace.Traces, f func(i, j, k int, span ptrace.Span)) {
	testtraces.ForEachSpan(td, func(i, j, k int, _ ptrace.ResourceSpans, s ptrace.Span) { f(i, j, k, s) })
}

// checkTracesOut asserts the invariants of issue 6 on the output of one run:
// spans out == spans in; non-target spans unchanged to the byte (with their
// resource and scope); target spans changed only under the attribute
// prefix, and diagnosed when their ids are valid; every string the processor
// wrote is valid UTF-8 of at most max_length runes.
//
// With dedup set (one span per batch), a byte-identical copy of a span that
// is held when it arrives again (an upstream retry) may be delivered once:
// then every distinct input span must still come out at least once.
func checkTracesOut(tb testing.TB, d *diagnoser, in ptrace.Traces, outs []ptrace.Traces, mode string, dedup bool) {
	tb.Helper()
	prefix := d.cfg.AttributePrefix
	targets := evidence.NewTargetSpec(d.cfg.StatusCodes, d.cfg.SpanKinds)
	exact := map[string]int{}    // non-target spans
	stripped := map[string]int{} // target spans without the prefixed attributes
	preexisting := map[string]bool{}
	forEachSpanIndex(in, func(i, j, k int, span ptrace.Span) {
		if _, target := targets.Status(span); target {
			stripped[spanKey(in, i, j, k, prefix)]++
		} else {
			exact[spanKey(in, i, j, k, "")]++
		}
		span.Attributes().Range(func(key string, v pcommon.Value) bool {
			if strings.HasPrefix(key, prefix) {
				preexisting[key+"\x00"+v.AsString()] = true
			}
			return true
		})
	})
	total := 0
	seen := map[string]bool{}
	for _, out := range outs {
		total += out.SpanCount()
		forEachSpanIndex(out, func(i, j, k int, span ptrace.Span) {
			_, target := targets.Status(span)
			if !target {
				key := spanKey(out, i, j, k, "")
				require.Positive(tb, exact[key], "%s: a non-target span %q was changed or duplicated", mode, span.Name())
				exact[key]--
				seen[key] = true
				return
			}
			key := spanKey(out, i, j, k, prefix)
			require.Positive(tb, stripped[key], "%s: target span %q changed outside %s* or duplicated", mode, span.Name(), prefix)
			stripped[key]--
			seen[key] = true
			if !span.TraceID().IsEmpty() && !span.SpanID().IsEmpty() {
				_, ok := span.Attributes().Get(prefix + "category")
				require.True(tb, ok, "%s: target span %q not diagnosed", mode, span.Name())
			}
			span.Attributes().Range(func(key string, v pcommon.Value) bool {
				if !strings.HasPrefix(key, prefix) || v.Type() != pcommon.ValueTypeStr || preexisting[key+"\x00"+v.AsString()] {
					return true
				}
				s := v.Str()
				require.True(tb, utf8.ValidString(s), "%s: %s is not valid UTF-8: %q", mode, key, s)
				require.LessOrEqual(tb, utf8.RuneCountInString(s), d.cfg.Redaction.MaxLength, "%s: %s longer than max_length: %q", mode, key, s)
				return true
			})
		})
	}
	if !dedup {
		require.Equal(tb, in.SpanCount(), total, "%s: spans in != spans out", mode)
		return
	}
	for _, m := range []map[string]int{exact, stripped} {
		for key, left := range m {
			require.True(tb, left == 0 || seen[key], "%s: a span was lost", mode)
		}
	}
}

// FuzzProcessTraces feeds OTLP protobuf bytes to the processor in per-batch
// and cross-batch mode (whole batch and one span per batch, with tiny limits).
func FuzzProcessTraces(f *testing.F) {
	for _, td := range traceSeeds() {
		b, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(data)
		if err != nil || td.SpanCount() > maxFuzzSpans {
			return
		}
		for _, mode := range fuzzModes {
			d, outs := runTraces(t, td, mode)
			checkTracesOut(t, d, td, outs, mode.name, mode.split)
		}
	})
}

// FuzzProcessLogs feeds OTLP protobuf log bytes to a processor that holds a
// 500 span in every trace the logs name (in their services): the logs pass
// through unchanged, the held spans are neither lost nor duplicated, and what
// the log records put into diagnosis attributes is redacted and capped.
func FuzzProcessLogs(f *testing.F) {
	for _, ld := range logSeeds() {
		b, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(data)
		if err != nil || ld.LogRecordCount() > maxFuzzSpans {
			return
		}
		before, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
		require.NoError(t, err)
		cfg := fuzzModes[2].cfg()
		cfg.MaxTraces = 8
		cfg.MaxHeldSpans = 16
		sink := &consumertest.TracesSink{}
		d, clock := newFuzzDiagnoser(t, cfg, sink)
		ctx := context.Background()
		targets := heldTargetsFor(ld)
		for _, td := range targets {
			consume(t, d, sink, cloneTraces(td))
		}
		out, err := d.processLogs(ctx, ld)
		require.NoError(t, err)
		after, err := (&plog.ProtoMarshaler{}).MarshalLogs(out)
		require.NoError(t, err)
		require.Equal(t, before, after, "logs must pass through unchanged")
		*clock = clock.Add(cfg.WaitDuration / 2)
		d.releaseDue(ctx)
		require.NoError(t, d.shutdown(ctx))
		in := ptrace.NewTraces()
		for _, td := range targets {
			td.ResourceSpans().MoveAndAppendTo(in.ResourceSpans())
		}
		checkTracesOut(t, d, in, sink.AllTraces(), "logs", false)
	})
}

// heldTargetsFor returns, for the first log records with ids, a bare 500
// server span of the record's service in the record's trace: the record's
// evidence is attributed to it (same service, sole server span).
func heldTargetsFor(ld plog.Logs) []ptrace.Traces {
	var out []ptrace.Traces
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len() && len(out) < 8; i++ {
		service := ""
		if v, ok := rls.At(i).Resource().Attributes().Get("service.name"); ok {
			service = v.AsString()
		}
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len() && len(out) < 8; j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len() && len(out) < 8; k++ {
				lr := lrs.At(k)
				if lr.TraceID().IsEmpty() || lr.SpanID().IsEmpty() {
					continue
				}
				td := ptrace.NewTraces()
				rs := td.ResourceSpans().AppendEmpty()
				rls.At(i).Resource().Attributes().CopyTo(rs.Resource().Attributes())
				if service == "" {
					rs.Resource().Attributes().PutStr("service.name", "")
				}
				span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
				span.SetTraceID(lr.TraceID())
				id := lr.SpanID()
				id[0] ^= 0xff
				span.SetSpanID(id)
				span.SetKind(ptrace.SpanKindServer)
				span.SetName("GET /fuzz")
				span.Attributes().PutInt("http.response.status_code", 500)
				span.Status().SetCode(ptrace.StatusCodeError)
				out = append(out, td)
			}
		}
	}
	return out
}

// FuzzClassify feeds arbitrary strings in every field of an Evidence to the
// classifier: no panic, a known category, confidence in [0, 1], the deciding
// item one of the inputs.
func FuzzClassify(f *testing.F) {
	f.Add("java.sql.SQLTransientConnectionException", "HikariPool-1 - Connection is not available, request timed out after 30000ms.", "", "postgresql", "", "", "", 0, "", "", uint8(1), true)
	f.Add("", "", "", "postgresql", "57014", "", "canceling statement due to statement timeout", 0, "", "", uint8(1), true)
	f.Add("psycopg2.errors.UndefinedTable", `relation "orders" does not exist`, "Traceback (most recent call last):\n  File \"app.py\"\npsycopg2.errors.UndefinedTable: x", "", "", "", "", 0, "", "", uint8(0), true)
	f.Add("", "", "", "", "", "", "upstream timed out", 504, "", "", uint8(2), true)
	f.Add("", "", "", "", "", "grpc", "", 0, "14", "inventory", uint8(2), true)
	f.Add("", "' OR 1=1 --", "", "mysql", "1064", "", "", 0, "", "", uint8(1), false)
	f.Add("KeyError", "'DATABASE_URL'", "", "", "", "", "", 0, "", "", uint8(0), true)
	f.Add("\xff\xfe", "\x00\x01ORA-00060", "Caused by: \xc3", "ORACLE", "ORA-", "*", "\u202e", -1, "-1", "\xff", uint8(255), true)
	f.Add("System.OutOfMemoryException", strings.Repeat("a", 4096), strings.Repeat("Caused by: x\n", 200), "redis", "OOM", "_OTHER", "OOM command not allowed", 999, "2", "x", uint8(3), false)
	f.Fuzz(func(t *testing.T, exType, exMsg, stack, dbSystem, dbCode, errType, statusMsg string, httpStatus int, rpcCode, peer string, kind uint8, statusErr bool) {
		ev := diagnosis.Evidence{
			Kind: diagnosis.Kind(kind % 4), Service: peer, SpanName: exType,
			ExceptionType: exType, ExceptionMessage: exMsg, Stacktrace: stack,
			DBSystem: dbSystem, DBStatusCode: dbCode, HTTPStatusCode: httpStatus,
			RPCSystem: dbSystem, RPCStatusCode: rpcCode, Peer: peer,
			ErrorType: errType, StatusMessage: statusMsg, StatusError: statusErr,
			Depth: int(kind >> 4),
		}
		if m, ok := classify.MatchEvidence(&ev); ok {
			requireKnownMatch(t, m)
		}
		other := ev
		other.Depth, other.Kind, other.ExceptionType, other.DBStatusCode = int(kind&3), diagnosis.KindDB, statusMsg, exMsg
		items := []diagnosis.Evidence{ev, other, {StatusError: true, StatusMessage: errType}}
		for _, res := range []diagnosis.Result{
			classify.Classify(items),
			classify.ClassifyMatched(items, []diagnosis.Match{{}, {Category: diagnosis.Security, Cause: "suspected_abuse", Rule: "user.fuzz", Strength: diagnosis.StrengthUser, UserRule: 1}}),
			classify.Classify(nil),
		} {
			requireKnownMatch(t, res.Match)
			require.GreaterOrEqual(t, res.Confidence, 0.0)
			require.LessOrEqual(t, res.Confidence, 1.0)
			if res.Evidence != nil {
				found := false
				for i := range items {
					found = found || res.Evidence == &items[i]
				}
				require.True(t, found, "the deciding evidence is not one of the items")
			} else {
				require.Equal(t, diagnosis.Unknown, res.Category)
			}
		}
	})
}

func requireKnownMatch(t *testing.T, m diagnosis.Match) {
	t.Helper()
	_, ok := diagnosis.Categories[m.Category]
	require.True(t, ok, "unknown category %q", m.Category)
	require.NotEmpty(t, m.Cause)
	require.True(t, utf8.ValidString(m.Cause) && utf8.ValidString(m.Rule), "rule names are built-in text: %q %q", m.Cause, m.Rule)
}

// ---- seeds -------------------------------------------------------------

// traceSeeds are the realistic scenarios plus hostile shapes.
func traceSeeds() []ptrace.Traces {
	var out []ptrace.Traces
	all := ptrace.NewTraces()
	for i, sc := range testtraces.Scenarios() {
		out = append(out, testtraces.Build(sc.Root, testtraces.Options{Seed: uint64(i + 1)}))
		testtraces.AppendTo(all, sc.Root, testtraces.Options{Seed: uint64(100 + i)})
	}
	out = append(out, all)
	out = append(out, hostileTraces()...)
	return append(out, grammarSecretTraces()...)
}

// grammarSecretTraces are 500s whose evidence holds a connection string with
// a secret of special characters (issue 16), one for every eighth grammar
// form of redacttest.
func grammarSecretTraces() []ptrace.Traces {
	var out []ptrace.Traces
	for i, c := range redacttest.Generate(rand.New(rand.NewPCG(16, 6)), redacttest.Forms()) {
		if i%8 == 0 {
			out = append(out, secretTrace(c.Text, uint64(i)))
		}
	}
	return out
}

// hostileSpan appends a span with the given ids to td under service svc.
func hostileSpan(td ptrace.Traces, svc any, trace pcommon.TraceID, id, parent pcommon.SpanID, kind ptrace.SpanKind) ptrace.Span {
	rs := td.ResourceSpans().AppendEmpty()
	_ = rs.Resource().Attributes().PutEmpty("service.name").FromRaw(svc)
	span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetTraceID(trace)
	span.SetSpanID(id)
	span.SetParentSpanID(parent)
	span.SetKind(kind)
	span.SetName("hostile")
	return span
}

func target500(span ptrace.Span, status any) ptrace.Span {
	_ = span.Attributes().PutEmpty("http.response.status_code").FromRaw(status)
	span.Status().SetCode(ptrace.StatusCodeError)
	return span
}

func addException(span ptrace.Span, typ, msg, stack any) {
	ev := span.Events().AppendEmpty()
	ev.SetName("exception")
	_ = ev.Attributes().PutEmpty("exception.type").FromRaw(typ)
	_ = ev.Attributes().PutEmpty("exception.message").FromRaw(msg)
	_ = ev.Attributes().PutEmpty("exception.stacktrace").FromRaw(stack)
}

func hostileTraces() []ptrace.Traces {
	tid := pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	sid := func(n byte) pcommon.SpanID { return pcommon.SpanID{0xaa, n, 0, 0, 0, 0, 0, n} }
	var out []ptrace.Traces

	// Wrong attribute types everywhere.
	td := ptrace.NewTraces()
	for i, status := range []any{true, []any{int64(500)}, map[string]any{"code": int64(500)}, 500.0, "500", " 500", int64(-500), int64(1 << 40), 499.999, "5\x00"} {
		s := target500(hostileSpan(td, int64(i), tid, sid(byte(i+1)), pcommon.SpanID{}, ptrace.SpanKindServer), status)
		_ = s.Attributes().PutEmpty("error.type").FromRaw([]any{"x"})
		_ = s.Attributes().PutEmpty("db.system.name").FromRaw(map[string]any{"a": true})
		c := hostileSpan(td, []any{"svc"}, tid, sid(byte(i+100)), sid(byte(i+1)), ptrace.SpanKindClient)
		c.Status().SetCode(ptrace.StatusCodeError)
		_ = c.Attributes().PutEmpty("db.response.status_code").FromRaw(int64(57014))
		_ = c.Attributes().PutEmpty("db.system").FromRaw(int64(5))
		_ = c.Attributes().PutEmpty("http.response.status_code").FromRaw("503")
		_ = c.Attributes().PutEmpty("rpc.grpc.status_code").FromRaw(14.5)
		addException(c, int64(42), map[string]any{"m": "x"}, []any{"a", int64(1)})
		c.Attributes().PutEmptyBytes("peer.service").FromRaw([]byte{0xff, 0x00})
	}
	out = append(out, td)

	// Empty and duplicate ids.
	td = ptrace.NewTraces()
	target500(hostileSpan(td, "api", pcommon.TraceID{}, sid(1), pcommon.SpanID{}, ptrace.SpanKindServer), int64(500))
	target500(hostileSpan(td, "api", tid, pcommon.SpanID{}, pcommon.SpanID{}, ptrace.SpanKindServer), int64(500))
	for range 3 {
		s := target500(hostileSpan(td, "api", tid, sid(2), pcommon.SpanID{}, ptrace.SpanKindServer), int64(500))
		addException(s, "java.lang.NullPointerException", "dup", "")
		target500(hostileSpan(td, "api", tid, sid(3), pcommon.SpanID{}, ptrace.SpanKindServer), int64(500))
		hostileSpan(td, "api", tid, sid(2), sid(2), ptrace.SpanKindInternal).Status().SetCode(ptrace.StatusCodeError)
	}
	out = append(out, td)

	// Parent cycles and a self-parent, with evidence on the cycle.
	td = ptrace.NewTraces()
	a := target500(hostileSpan(td, "api", tid, sid(1), sid(3), ptrace.SpanKindServer), int64(500))
	b := hostileSpan(td, "api", tid, sid(2), sid(1), ptrace.SpanKindInternal)
	c := hostileSpan(td, "api", tid, sid(3), sid(2), ptrace.SpanKindClient)
	c.Attributes().PutStr("db.system.name", "postgresql")
	c.Attributes().PutStr("db.response.status_code", "40P01")
	c.Status().SetCode(ptrace.StatusCodeError)
	addException(b, "ValueError", "cycle", "")
	_ = a
	self := target500(hostileSpan(td, "api", tid, sid(4), sid(4), ptrace.SpanKindServer), int64(500))
	addException(self, "", "self parent", "")
	cl := hostileSpan(td, "api", tid, sid(5), sid(6), ptrace.SpanKindClient)
	cl.Attributes().PutInt("http.response.status_code", 503)
	cl.Status().SetCode(ptrace.StatusCodeError)
	target500(hostileSpan(td, "down", tid, sid(6), sid(5), ptrace.SpanKindServer), int64(500)) // server ↔ client cycle
	out = append(out, td)

	// Huge strings and many events, non-UTF-8 everywhere.
	td = ptrace.NewTraces()
	s := target500(hostileSpan(td, strings.Repeat("\xff", 300), tid, sid(1), pcommon.SpanID{}, ptrace.SpanKindServer), "500")
	s.SetName(strings.Repeat("ñ", 2000) + "\xc3")
	s.Status().SetMessage("\xed\xa0\x80 surrogate " + strings.Repeat("\n\t", 100))
	ch := hostileSpan(td, "\xc0\xafapi", tid, sid(2), sid(1), ptrace.SpanKindInternal)
	ch.Status().SetCode(ptrace.StatusCodeError)
	for i := range 40 {
		addException(ch, "java.lang.OutOfMemoryError"+strings.Repeat("\xff", i%4),
			"password=hunter2 "+strings.Repeat("x\x00y\u2028", 400),
			strings.Repeat("\tat com.example.Foo.bar(Foo.java:1)\n", 80)+"Caused by: java.sql.SQLException: postgres://u:p4ss@db/x\n")
	}
	out = append(out, td)

	// A deep tree: a chain of 1500 spans under a 500, evidence at the bottom.
	td = ptrace.NewTraces()
	target500(hostileSpan(td, "api", tid, pcommon.SpanID{0, 0, 0, 0, 0, 0, 0, 1}, pcommon.SpanID{}, ptrace.SpanKindServer), int64(500))
	rs := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i := 2; i <= 1500; i++ {
		sp := rs.AppendEmpty()
		sp.SetTraceID(tid)
		sp.SetSpanID(pcommon.SpanID{0, 0, 0, 0, 0, 0, byte(i >> 8), byte(i)})
		sp.SetParentSpanID(pcommon.SpanID{0, 0, 0, 0, 0, 0, byte((i - 1) >> 8), byte(i - 1)})
		sp.SetKind(ptrace.SpanKindInternal)
		if i == 1500 {
			sp.Status().SetCode(ptrace.StatusCodeError)
			addException(sp, "ZeroDivisionError", "division by zero", "")
		}
	}
	out = append(out, td)

	// Many traces and many held targets in one batch (limits within a batch).
	td = ptrace.NewTraces()
	for i := range 40 {
		id := tid
		id[15] = byte(i)
		target500(hostileSpan(td, "api", id, sid(byte(i)), pcommon.SpanID{}, ptrace.SpanKindUnspecified), int64(500))
	}
	out = append(out, td)

	// Secrets in every field of the evidence, and a user rule.
	td = ptrace.NewTraces()
	s = target500(hostileSpan(td, "billing", tid, sid(1), pcommon.SpanID{}, ptrace.SpanKindServer), int64(500))
	s.Attributes().PutStr("fuzz.rule", "hit")
	db := hostileSpan(td, "billing", tid, sid(2), sid(1), ptrace.SpanKindClient)
	db.Attributes().PutStr("db.system.name", "postgresql")
	db.SetName("connect postgres://app:Sup3rS3cret@db:5432/shop")
	db.Status().SetCode(ptrace.StatusCodeError)
	db.Status().SetMessage("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")
	addException(db, "*pgconn.ConnectError", "failed to connect to postgres://app:Sup3rS3cret@db:5432/shop: connection refused", "")
	out = append(out, td)

	// Pre-existing diagnosis attributes of every type on targets and others.
	td = ptrace.NewTraces()
	s = target500(hostileSpan(td, "api", tid, sid(1), pcommon.SpanID{}, ptrace.SpanKindServer), int64(500))
	s.Attributes().PutInt("diagnosis.category", 7)
	s.Attributes().PutStr("diagnosis.evidence", strings.Repeat("\xff", 1000))
	s.Attributes().PutEmptyMap("diagnosis.fix")
	o := hostileSpan(td, "api", tid, sid(2), sid(1), ptrace.SpanKindInternal)
	o.Attributes().PutStr("diagnosis.cause", "kept")
	out = append(out, td)
	return out
}

// logSeeds are exception log records: realistic ones, hostile types, huge
// and non-UTF-8 values, empty ids, secrets.
func logSeeds() []plog.Logs {
	tid := pcommon.TraceID{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6}
	var out []plog.Logs
	add := func(ld plog.Logs, svc any, trace pcommon.TraceID, span pcommon.SpanID, attrs map[string]any, body any) {
		rl := ld.ResourceLogs().AppendEmpty()
		_ = rl.Resource().Attributes().PutEmpty("service.name").FromRaw(svc)
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetTraceID(trace)
		lr.SetSpanID(span)
		lr.SetSeverityNumber(plog.SeverityNumberError)
		_ = lr.Attributes().FromRaw(attrs)
		_ = lr.Body().FromRaw(body)
	}
	ld := plog.NewLogs()
	add(ld, "api", tid, pcommon.SpanID{1}, map[string]any{"exception.type": "java.lang.OutOfMemoryError", "exception.message": "Java heap space"}, "")
	out = append(out, ld)
	ld = plog.NewLogs()
	add(ld, "api", tid, pcommon.SpanID{2}, map[string]any{"exception.type": "psycopg2.OperationalError", "exception.stacktrace": "Traceback\npsycopg2.OperationalError: FATAL: password authentication failed for user \"app\""}, "could not connect: postgres://app:Pw0rd123@db/x")
	add(ld, int64(3), tid, pcommon.SpanID{3}, map[string]any{"exception.type": int64(5), "exception.message": []any{"x"}, "error.type": map[string]any{}}, map[string]any{"k": "v"})
	add(ld, "api", pcommon.TraceID{}, pcommon.SpanID{4}, map[string]any{"exception.type": "X"}, "")
	add(ld, "api", tid, pcommon.SpanID{}, map[string]any{"exception.type": "X"}, "")
	out = append(out, ld)
	ld = plog.NewLogs()
	for i := range 50 {
		id := tid
		id[15] = byte(i)
		add(ld, "\xff\xfe", id, pcommon.SpanID{byte(i), 1}, map[string]any{"exception.message": strings.Repeat("token=abc\xff ", 200)}, strings.Repeat("é", 500))
	}
	out = append(out, ld)
	return out
}

// TestFuzzSeedsAreHostile keeps the seeds honest: they decode, and each mode
// sees targets.
func TestFuzzSeedsAreHostile(t *testing.T) {
	for _, td := range traceSeeds() {
		b, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
		require.NoError(t, err)
		back, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(b)
		require.NoError(t, err)
		require.Equal(t, td.SpanCount(), back.SpanCount())
		require.LessOrEqual(t, back.SpanCount(), maxFuzzSpans)
	}
	require.NotEmpty(t, logSeeds())
}
