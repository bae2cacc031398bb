package errordiagnosisprocessor

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
)

// TestAnnotationTextsMemoized: the memoized texts are the ones computed
// from the result itself, on the miss, on the hit in an annotator's front
// and on the hit in the memo, for every shape of result, and a key too
// long to keep is computed each time.
func TestAnnotationTextsMemoized(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.RunbookURLTemplate = "https://runbooks.example/{category}/{service}/{fingerprint}"
	d := newTestDiagnoser(t, cfg, new(consumertest.TracesSink))
	t.Cleanup(func() { require.NoError(t, d.shutdown(context.Background())) })

	secret := "s3cret" // a credential in a service name taken from server.address
	dbDown := engine.Result{Service: "checkout", EvidenceService: "postgres://app:" + secret + "@db:5432/shop", Dependency: "postgresql db:5432", HasItem: true,
		Item: diagnosis.Evidence{Kind: diagnosis.KindClient, Service: "checkout", SpanName: "SELECT shop", ExceptionType: "org.postgresql.util.PSQLException",
			ExceptionMessage: "Connection to db:5432 refused. password=hunter2", DBSystem: "postgresql", DBStatusCode: "08001", Peer: "db:5432", Frame: "com.shop.Repo.find"}}
	dbDown.Category, dbDown.Cause, dbDown.Rule = diagnosis.Category("database"), "connection refused", "db.connection_refused"
	noEvidence := engine.Result{Service: "cart"}
	noEvidence.Category = diagnosis.Unknown
	downstream := engine.Result{Service: "frontend", EvidenceService: "payments", RootCause: diagnosis.Category("timeout"), RootService: "payments", HasItem: true,
		Item: diagnosis.Evidence{Kind: diagnosis.KindClient, Service: "frontend", SpanName: "POST", HTTPStatusCode: 503, StatusMessage: "upstream\nunavailable"}}
	downstream.Category, downstream.Cause = diagnosis.Category("dependency"), "downstream failed"
	long := dbDown
	long.Item.ExceptionMessage = strings.Repeat("stack line at com.shop.Repo.find(Repo.java:42)\n", 200)

	span := ptrace.NewSpan()
	span.Attributes().PutStr("http.route", "/orders/{id}")
	for name, res := range map[string]engine.Result{"db down": dbDown, "no evidence": noEvidence, "downstream": downstream, "long": long} {
		t.Run(name, func(t *testing.T) {
			want := d.writer.computeTexts(annotationKeyOf(span, &res))
			a := d.writer.newAnnotator()
			assert.Equal(t, want, *a.texts(span, &res), "miss")
			assert.Equal(t, want, *a.texts(span, &res), "hit in the front")
			next := d.writer.newAnnotator()
			assert.Equal(t, want, *next.texts(span, &res), "hit in the memo")
			assert.NotContains(t, want.evidence+want.evidenceService.s, "hunter2")
			assert.NotContains(t, want.evidenceService.s, secret)
		})
	}
	assert.Greater(t, keyBytes(new(annotationKeyOf(span, &long))), maxMemoKeyBytes, "the long key is not memoized")
}

// TestAttributeSwitches: each group of attributes switched off removes its
// attributes, and only them, from the diagnosed span; the output is the
// reviewed golden file (testdata/attributes/<name>.yaml, -update rewrites it).
func TestAttributeSwitches(t *testing.T) {
	const scenario = "java_spring_postgres_refused"
	tests := []struct {
		name  string
		attrs contract.Attributes
		off   []string
	}{
		{"no_cause_texts", contract.Attributes{ErrorGroup: true}, contract.CauseTextSuffixes},
		{"no_error_group", contract.Attributes{CauseTexts: true}, contract.ErrorGroupSuffixes},
		{"neither", contract.Attributes{}, slices.Concat(contract.CauseTextSuffixes, contract.ErrorGroupSuffixes)},
	}
	input, err := golden.ReadTraces(filepath.Join("testdata", "golden", scenario, "input.yaml"))
	require.NoError(t, err)
	run := func(attrs contract.Attributes) ptrace.Traces {
		cfg := perBatchConfig()
		cfg.Attributes = attrs
		sink := &consumertest.TracesSink{}
		p := newClockedProcessor(t, cfg, sink, goldenClock)
		in := ptrace.NewTraces()
		input.CopyTo(in)
		require.NoError(t, p.ConsumeTraces(context.Background(), in))
		require.NoError(t, p.Shutdown(context.Background()))
		require.Len(t, sink.AllTraces(), 1)
		return sink.AllTraces()[0]
	}
	all := writtenKeys(run(contract.AllAttributes()))
	require.NotEmpty(t, all)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(tt.attrs)
			var want []string
			for _, k := range all {
				if !slices.Contains(tt.off, strings.TrimPrefix(k, contract.DefaultPrefix)) {
					want = append(want, k)
				}
			}
			assert.Equal(t, want, writtenKeys(got))
			path := filepath.Join("testdata", "attributes", tt.name+".yaml")
			if *update {
				require.NoError(t, golden.WriteTracesToFile(path, got))
			}
			expected, err := golden.ReadTraces(path)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(expected, got))
		})
	}
}

// writtenKeys are the diagnosis attributes of the spans of td, sorted.
func writtenKeys(td ptrace.Traces) []string {
	var keys []string
	forEachSpan(td, func(_ ptrace.ResourceSpans, span ptrace.Span) {
		for k := range span.Attributes().All() {
			if strings.HasPrefix(k, contract.DefaultPrefix) {
				keys = append(keys, k)
			}
		}
	})
	slices.Sort(keys)
	return keys
}
