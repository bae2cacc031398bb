package errordiagnosisprocessor

import (
	"context"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// The acceptance test of issue 27, from outside: the processor and the
// incident connector of their factories, with the default configuration
// apart from the request threshold, a real file_storage, and restarts.

// lifecycleBed is one run of a collector: file_storage, the processor and
// the incident connector behind it, the spans and records they put out.
type lifecycleBed struct {
	ext     extension.Extension
	proc    processor.Traces
	conn    connector.Traces
	spans   *consumertest.TracesSink
	records *consumertest.LogsSink
}

var lifecycleID = component.MustNewIDWithName("errordiagnosis", "lifecycle")

func startLifecycleBed(t *testing.T, dir string, threshold int64) *lifecycleBed {
	t.Helper()
	ctx := context.Background()
	b := &lifecycleBed{spans: &consumertest.TracesSink{}, records: &consumertest.LogsSink{}}

	sf := filestorage.NewFactory()
	scfg := sf.CreateDefaultConfig().(*filestorage.Config)
	scfg.Directory = dir
	ext, err := sf.Create(ctx, extensiontest.NewNopSettings(sf.Type()), scfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(ctx, componenttest.NewNopHost()))
	b.ext = ext

	cf := incidentconnector.NewFactory()
	ccfg := cf.CreateDefaultConfig().(*incidentconnector.Config)
	ccfg.Processor = lifecycleID
	b.conn, err = cf.CreateTracesToLogs(ctx, connectortest.NewNopSettings(cf.Type()), ccfg, b.records)
	require.NoError(t, err)

	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.Registry.ResolveAfterRequests = threshold
	cfg.Storage = &storageID
	require.NoError(t, cfg.Validate())
	next, err := consumer.NewTraces(func(ctx context.Context, td ptrace.Traces) error {
		require.NoError(t, b.spans.ConsumeTraces(ctx, td))
		return b.conn.ConsumeTraces(ctx, td)
	})
	require.NoError(t, err)
	set := processortest.NewNopSettings(metadata.Type)
	set.ID = lifecycleID
	b.proc, err = f.CreateTraces(ctx, set, cfg, next)
	require.NoError(t, err)
	// As the collector does: every component created, then started from
	// the end of the pipeline.
	require.NoError(t, b.conn.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, b.proc.Start(ctx, hostWithStorage(ext)))
	return b
}

// stop shuts the run down in the collector's order: the processor (which
// stores its registry), the connector, then the storage.
func (b *lifecycleBed) stop(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, b.proc.Shutdown(ctx))
	require.NoError(t, b.conn.Shutdown(ctx))
	require.NoError(t, b.ext.Shutdown(ctx))
}

// lifecycleSpan is what a diagnosed span says of its group's lifecycle.
type lifecycleSpan struct {
	State      string
	Relapse    bool
	ResolvedIn string
	Revision   string
}

// send sends td and returns the lifecycle of its one diagnosed span (zero
// when none) and the kinds of the records that came with it.
func (b *lifecycleBed) send(t *testing.T, td ptrace.Traces) (lifecycleSpan, []string) {
	t.Helper()
	spansBefore, batchesBefore := b.spans.SpanCount(), len(b.records.AllLogs())
	n := td.SpanCount()
	require.NoError(t, b.proc.ConsumeTraces(context.Background(), td))
	require.Equal(t, spansBefore+n, b.spans.SpanCount(), "spans in == spans out, none held: the errors are final")
	var got lifecycleSpan
	out := b.spans.AllTraces()[len(b.spans.AllTraces())-1]
	forEachSpan(out, func(_ ptrace.ResourceSpans, span ptrace.Span) {
		a := span.Attributes()
		if v, ok := a.Get("diagnosis.group.state"); ok {
			got.State = v.Str()
			r, _ := a.Get("diagnosis.relapse")
			got.Relapse = r.Bool()
			if v, ok := a.Get("diagnosis.resolved_in.version"); ok {
				got.ResolvedIn = v.Str()
			}
			if v, ok := a.Get("diagnosis.first_seen.revision"); ok {
				got.Revision = v.Str()
			}
		}
	})
	var kinds []string
	for _, logs := range b.records.AllLogs()[batchesBefore:] {
		kinds = append(kinds, recordKinds(logs)...)
	}
	return got, kinds
}

func recordKinds(logs plog.Logs) []string {
	var kinds []string
	for _, rl := range logs.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				k, _ := lr.Attributes().Get("diagnosis.incident.kind")
				in, _ := lr.Attributes().Get("diagnosis.resolved_in.version")
				kind := k.Str()
				if in.Str() != "" && (kind == "resolved" || kind == "relapse") {
					kind += "@" + in.Str()
				}
				kinds = append(kinds, kind)
			}
		}
	}
	return kinds
}

// checkout returns a trace of service checkout at version (revision
// "rev-<version>"): a 500 of error A (a statement timeout) or B (a missing
// table), both final, or a healthy request when err is "".
func checkout(seed uint64, version, err string) ptrace.Traces {
	var root *testtraces.Span
	switch err {
	case "A":
		root = testtraces.Server("checkout", "go", "GET", "/products", 500,
			testtraces.DB("postgresql", "SELECT", "products", "SELECT * FROM products").Failed(
				"ERROR: canceling statement due to statement timeout (SQLSTATE 57014)",
				testtraces.Exception{Type: "*pgconn.PgError", Message: "ERROR: canceling statement due to statement timeout (SQLSTATE 57014)"},
			).With("db.response.status_code", "57014"))
	case "B":
		root = testtraces.Server("checkout", "go", "POST", "/orders", 500,
			testtraces.DB("postgresql", "INSERT", "orders", "INSERT INTO orders VALUES ($1)").Failed(
				`ERROR: relation "orders" does not exist (SQLSTATE 42P01)`,
				testtraces.Exception{Type: "*pgconn.PgError", Message: `ERROR: relation "orders" does not exist (SQLSTATE 42P01)`},
			).With("db.response.status_code", "42P01"))
	default:
		root = testtraces.Server("checkout", "go", "GET", "/products", 200)
	}
	td := testtraces.Build(root, testtraces.Options{Seed: seed})
	for _, rs := range td.ResourceSpans().All() {
		rs.Resource().Attributes().PutStr("service.version", version)
		rs.Resource().Attributes().PutStr("vcs.ref.head.revision", "rev-"+version)
	}
	return td
}

// healthy is a batch of n healthy requests of version 1.1.
func healthy(seed uint64, n int) ptrace.Traces {
	td := ptrace.NewTraces()
	for i := range n {
		checkout(seed+uint64(i), "1.1", "").ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	}
	return td
}

// TestErrorGroupLifecycle walks issue 27's "Done when": error A in 1.0;
// 1.1 serves the threshold's requests without A, A is resolved in 1.1 (a
// record); A again in 1.0 is not a relapse; A in 1.1 is a relapse with
// resolved_in.version 1.1; a new error in 1.1 is a regression; a group seen
// again before the threshold is ongoing. States and records survive the
// restarts on file_storage between the steps.
func TestErrorGroupLifecycle(t *testing.T) {
	const threshold = 40
	dir := t.TempDir()
	type step struct {
		name    string
		restart bool
		td      ptrace.Traces
		want    lifecycleSpan
		records []string
	}
	steps := []step{
		{name: "A in 1.0: new", td: checkout(1, "1.0", "A"),
			want: lifecycleSpan{State: "new", Revision: "rev-1.0"}, records: []string{"new"}},
		{name: "1.1 serves half the threshold", td: healthy(100, threshold/2)},
		{name: "A again before the threshold: ongoing", td: checkout(2, "1.0", "A"),
			want: lifecycleSpan{State: "ongoing", Revision: "rev-1.0"}},
		{name: "restart before the threshold", restart: true, td: healthy(200, threshold/2-1)},
		{name: "the threshold's last request: A resolved in 1.1", td: healthy(300, 1),
			records: []string{"resolved@1.1"}},
		{name: "restart", restart: true, td: healthy(400, 5)},
		{name: "A in 1.0, still running: not a relapse", td: checkout(3, "1.0", "A"),
			want: lifecycleSpan{State: "ongoing", ResolvedIn: "1.1", Revision: "rev-1.0"}},
		{name: "A in 1.1: relapse", td: checkout(4, "1.1", "A"),
			want:    lifecycleSpan{State: "relapse", Relapse: true, ResolvedIn: "1.1", Revision: "rev-1.0"},
			records: []string{"relapse@1.1"}},
		{name: "a new error in 1.1: regression", td: checkout(5, "1.1", "B"),
			want: lifecycleSpan{State: "regression", Revision: "rev-1.1"}, records: []string{"regression"}},
		{name: "restart", restart: true, td: healthy(500, 1)},
		{name: "A in 1.1 after the restart: ongoing, relapsed", td: checkout(6, "1.1", "A"),
			want: lifecycleSpan{State: "ongoing", Relapse: true, ResolvedIn: "1.1", Revision: "rev-1.0"}},
		{name: "B in 1.1 after the restart: ongoing", td: checkout(7, "1.1", "B"),
			want: lifecycleSpan{State: "ongoing", Revision: "rev-1.1"}},
	}
	bed := startLifecycleBed(t, dir, threshold)
	for _, s := range steps {
		if s.restart {
			bed.stop(t)
			bed = startLifecycleBed(t, dir, threshold)
		}
		got, records := bed.send(t, s.td)
		assert.Equal(t, s.want, got, s.name)
		assert.Equal(t, s.records, records, s.name)
	}
	bed.stop(t)
}
