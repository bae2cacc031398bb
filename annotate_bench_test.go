package errordiagnosisprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

type diagnosedTarget struct {
	resource pcommon.Resource
	span     ptrace.Span
	res      engine.Result
}

// diagnosedTargets are the targets of td with their diagnoses, in the
// order the per-batch mode annotates them.
func diagnosedTargets(d *diagnoser, td ptrace.Traces) []diagnosedTarget {
	e := engine.New(engine.Config{Targets: evidence.NewTargetSpec(d.cfg.StatusCodes, d.cfg.SpanKinds), Rules: d.writer.rules})
	scan := e.Scan(td)
	d.registry.observeVersions(td, scan.Servers())
	out := e.Apply(context.Background(), td, scan, nil)
	var targets []diagnosedTarget
	for i := range out.Final {
		v := &out.Final[i]
		targets = append(targets, diagnosedTarget{engine.ResourceAt(td, v.Pos()), engine.SpanAt(td, v.Pos()), v.Res})
	}
	return targets
}

// failingTraces is about 1,000 spans of failing traces, of the scenarios
// named (all when none) in turn.
func failingTraces(names ...string) ptrace.Traces {
	var scs []testtraces.Scenario
	for _, sc := range testtraces.Scenarios() {
		if len(sc.Want) > 0 && (len(names) == 0 || sc.Name == names[0]) {
			scs = append(scs, sc)
		}
	}
	td := ptrace.NewTraces()
	for i := 0; td.SpanCount() < 1000; i++ {
		testtraces.AppendTo(td, scs[i%len(scs)].Root, testtraces.Options{Seed: uint64(i + 1)})
	}
	return td
}

// BenchmarkAnnotateLookups: what annotating a target costs besides the
// attribute writes (its texts, its sighting, the capped values), per
// target of a batch of failing traces, as the targets come.
func BenchmarkAnnotateLookups(b *testing.B) {
	for _, shape := range []struct {
		name  string
		names []string
	}{{"mixed", nil}, {"dbdown", []string{"java_spring_postgres_refused"}}} {
		d := newTestDiagnoser(b, createDefaultConfig().(*Config), new(consumertest.TracesSink))
		b.Cleanup(func() { require.NoError(b, d.shutdown(context.Background())) })
		targets := diagnosedTargets(d, failingTraces(shape.names...))
		b.Run(shape.name+"/per-target", func(b *testing.B) {
			for b.Loop() {
				for i := range targets {
					t := &targets[i]
					k := annotationKeyOf(t.span, &t.res)
					tx := d.writer.textMemo.Get(k)
					svc, version := resourceIdentity(t.resource)
					seen := d.writer.registry.Record(registry.Key{Service: svc, Fingerprint: tx.fingerprint.raw}, version)
					_, _, _ = d.writer.capped(t.res.EvidenceSpanID.String()), d.writer.capped(seen.FirstSeen), d.writer.capped(seen.FirstVersion)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(targets)), "ns/target")
		})
		b.Run(shape.name+"/annotator", func(b *testing.B) {
			for b.Loop() {
				a := d.writer.newAnnotator()
				for i := range targets {
					t := &targets[i]
					tx := a.texts(t.span, &t.res)
					seen := a.sighting(t.resource, tx)
					_, _, _ = d.writer.capped(t.res.EvidenceSpanID.String()), a.cappedAgain(&a.firstSeen, seen.FirstSeen), a.cappedAgain(&a.firstVersion, seen.FirstVersion)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(targets)), "ns/target")
		})
	}
}
