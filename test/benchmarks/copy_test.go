package benchmarks

import (
	"bytes"
	"context"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/test/benchmarks/workload"
)

// BenchmarkCopy is the cost of a full copy of one batch (CopyTo plus new
// trace ids), for comparison with the pool's restore.
func BenchmarkCopy(b *testing.B) {
	pl := newPool(batchesFor(loads[1]))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(pl.tmpl)
		pl.tmpl[k].CopyTo(pl.copies[k])
		workload.SetGeneration(pl.copies[k], uint32(i))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*pl.spans), "ns/span")
}

func marshal(t *testing.T, td ptrace.Traces) []byte {
	var m ptrace.ProtoMarshaler
	b, err := m.MarshalTraces(td)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPoolRestore: after every processor under test, a restored batch is
// byte-for-byte its template (trace ids aside, which are set back to the
// template's generation 0 for the comparison).
func TestPoolRestore(t *testing.T) {
	for _, l := range loads {
		for _, pr := range procs {
			p, stop := chain(t, pr.make(t, consumertest.NewNop()))
			pl := newPool(batchesFor(l))
			for round := 0; round < 3; round++ {
				for range pl.copies {
					if err := p.ConsumeTraces(context.Background(), pl.get(nil)); err != nil {
						t.Fatal(err)
					}
				}
				pl.refresh()
				for i, c := range pl.copies {
					cp := ptrace.NewTraces()
					c.CopyTo(cp)
					workload.SetGeneration(cp, 0)
					if !bytes.Equal(marshal(t, cp), marshal(t, pl.tmpl[i])) {
						t.Fatalf("%s %s: batch %d differs from its template after restore", l.name, pr.name, i)
					}
				}
			}
			stop()
			t.Logf("%s %s: %d full copies in %d restores", l.name, pr.name, pl.fullCopies, 3*len(pl.copies))
		}
	}
}
