package integration

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// lifecycleThreshold is TestLifecycle's registry.resolve_after_requests.
const lifecycleThreshold = 20

// TestLifecycle runs the real collector (bin/otelcol-errordiagnosis) with
// file_storage and the incident connector, as TestRestart does, through a
// deploy story of one service, each step a collector run on the same
// storage (registry.resolve_after_requests: 20):
//
//  1. 1.0 fails with A: new, a record;
//  2. 1.1 fails with B (a regression, a record) and serves the threshold's
//     requests without A: A resolved in 1.1, a record;
//  3. 1.2 serves the threshold's requests without B: B resolved in 1.2, a
//     record; A stays resolved, no record;
//  4. 1.0, still running somewhere, fails with A: ongoing, resolved in 1.1,
//     no relapse, no record;
//  5. a rollback to 1.1: B in 1.1 is ongoing (1.1 is older than 1.2, which
//     resolved it), no record; A in 1.1 relapses, a record;
//  6. a plain restart: A is ongoing and still relapsed, no record.
//
// Every span the SDK exported is written out (checked by runPhase).
func TestLifecycle(t *testing.T) {
	bin, dir := collectorAndDir(t, "edx-lifecycle-")
	t0 := time.Now()
	storage := filepath.Join(dir, "storage")
	ctx := context.Background()
	phase := func(n int, version string, paths ...string) *restartPhase {
		t.Helper()
		return runPhase(ctx, t, phaseSpec{bin: bin, dir: dir, storage: storage, n: n, version: version,
			revision: "rev-" + version, paths: paths, registry: fmt.Sprintf("resolve_after_requests: %d", lifecycleThreshold)})
	}
	healthy := slices.Repeat([]string{healthyPath}, lifecycleThreshold)

	// ---- 1. 1.0 fails with A
	p1 := phase(1, "1.0", "/a", "/a")
	a1 := p1.group(t, "GET /a")
	fpA := a1[0].Attrs["diagnosis.fingerprint"]
	wantLifecycle(t, "1: A", a1, "new", "ongoing")
	wantLifecycleAttrs(t, "1: A", a1, "false", "", "rev-1.0")
	p1.wantLifecycleRecords(t, lifecycleRecord{kind: "new", fingerprint: fpA, version: "1.0", span: a1[0]})

	// ---- 2. 1.1 fails with B and serves the threshold without A
	p2 := phase(2, "1.1", append([]string{"/b", "/b"}, healthy...)...)
	b2 := p2.group(t, "GET /b")
	fpB := b2[0].Attrs["diagnosis.fingerprint"]
	if fpB == fpA {
		t.Fatalf("A and B have one fingerprint %s: the test needs two groups", fpA)
	}
	wantLifecycle(t, "2: B", b2, "regression", "ongoing")
	wantLifecycleAttrs(t, "2: B", b2, "false", "", "rev-1.1")
	p2.wantLifecycleRecords(t,
		lifecycleRecord{kind: "regression", fingerprint: fpB, version: "1.1", span: b2[0]},
		lifecycleRecord{kind: "resolved", fingerprint: fpA, version: "1.1", resolvedIn: "1.1", revision: "rev-1.0"})

	// ---- 3. 1.2 serves the threshold without B
	p3 := phase(3, "1.2", healthy...)
	p3.wantLifecycleRecords(t, lifecycleRecord{kind: "resolved", fingerprint: fpB, version: "1.2", resolvedIn: "1.2", revision: "rev-1.1"})

	// ---- 4. 1.0 still running somewhere fails with A
	p4 := phase(4, "1.0", "/a")
	a4 := p4.group(t, "GET /a")
	wantLifecycle(t, "4: A in 1.0", a4, "ongoing")
	wantLifecycleAttrs(t, "4: A in 1.0", a4, "false", "1.1", "rev-1.0")
	p4.wantLifecycleRecords(t)

	// ---- 5. rollback to 1.1: B ongoing, A relapses
	p5 := phase(5, "1.1", "/b", "/a", "/a")
	b5, a5 := p5.group(t, "GET /b"), p5.group(t, "GET /a")
	wantLifecycle(t, "5: B in 1.1", b5, "ongoing")
	wantLifecycleAttrs(t, "5: B in 1.1", b5, "false", "1.2", "rev-1.1")
	wantLifecycle(t, "5: A in 1.1", a5, "relapse", "ongoing")
	wantLifecycleAttrs(t, "5: A in 1.1", a5, "true", "1.1", "rev-1.0")
	p5.wantLifecycleRecords(t, lifecycleRecord{kind: "relapse", fingerprint: fpA, version: "1.1", resolvedIn: "1.1", revision: "rev-1.0", span: a5[0]})

	// ---- 6. a plain restart: still relapsed
	p6 := phase(6, "1.1", "/a")
	a6 := p6.group(t, "GET /a")
	wantLifecycle(t, "6: A after the restart", a6, "ongoing")
	wantLifecycleAttrs(t, "6: A after the restart", a6, "true", "1.1", "rev-1.0")
	p6.wantLifecycleRecords(t)

	spans := 0
	for _, p := range []*restartPhase{p1, p2, p3, p4, p5, p6} {
		spans += p.spans
	}
	t.Logf("lifecycle test: 6 collector runs, %d spans in = out, %.1fs", spans, time.Since(t0).Seconds())
}

// wantLifecycle: the group.state of the spans, in the order of their
// occurrences.
func wantLifecycle(t *testing.T, what string, spans []*Span, states ...string) {
	t.Helper()
	var got []string
	for _, s := range spans {
		got = append(got, s.Attrs["diagnosis.group.state"])
	}
	if !slices.Equal(got, states) {
		t.Errorf("%s: diagnosis.group.state %v, want %v", what, got, states)
	}
}

// wantLifecycleAttrs: relapse, resolved_in.version ("" for absent) and
// first_seen.revision on every span.
func wantLifecycleAttrs(t *testing.T, what string, spans []*Span, relapse, resolvedIn, revision string) {
	t.Helper()
	for _, s := range spans {
		wantAttrs(t, what, s, map[string]string{
			"diagnosis.relapse": relapse, "diagnosis.resolved_in.version": resolvedIn, "diagnosis.first_seen.revision": revision,
		})
	}
}

type lifecycleRecord struct {
	kind, fingerprint, version, resolvedIn, revision string
	span                                             *Span // nil for a resolution: no span shows it
}

// wantLifecycleRecords: exactly these incident records, each with its
// severity, its service and version, and its span when it has one. In
// order of kind and fingerprint: a resolution and a first sighting of one
// phase may come in either order, as the SDK batches the requests.
func (ph *restartPhase) wantLifecycleRecords(t *testing.T, want ...lifecycleRecord) {
	t.Helper()
	severity := map[string]string{"new": "WARN", "regression": "ERROR", "relapse": "ERROR", "resolved": "INFO"}
	if len(ph.records) != len(want) {
		t.Errorf("phase %d: %d incident records, want %d: %+v", ph.n, len(ph.records), len(want), ph.records)
		return
	}
	records := slices.Clone(ph.records)
	slices.SortFunc(records, func(a, b incidentRecord) int {
		return strings.Compare(a.attrs["diagnosis.incident.kind"]+a.attrs["diagnosis.fingerprint"], b.attrs["diagnosis.incident.kind"]+b.attrs["diagnosis.fingerprint"])
	})
	slices.SortFunc(want, func(a, b lifecycleRecord) int { return strings.Compare(a.kind+a.fingerprint, b.kind+b.fingerprint) })
	for i, w := range want {
		r := records[i]
		traceID, spanID := "", ""
		if w.span != nil {
			traceID, spanID = w.span.TraceID, w.span.SpanID
		}
		got := [...]string{r.attrs["diagnosis.incident.kind"], r.attrs["diagnosis.fingerprint"], r.severity,
			r.resource["service.name"], r.resource["service.version"], r.eventName, r.traceID, r.spanID,
			r.attrs["diagnosis.resolved_in.version"]}
		exp := [...]string{w.kind, w.fingerprint, severity[w.kind], "restart-ledger", w.version, "errordiagnosis.incident",
			traceID, spanID, w.resolvedIn}
		if got != exp {
			t.Errorf("phase %d: incident record %d\n got  %q\n want %q", ph.n, i, got, exp)
		}
		if w.revision != "" && r.attrs["diagnosis.first_seen.revision"] != w.revision {
			t.Errorf("phase %d: incident record %d: first_seen.revision %q, want %q", ph.n, i, r.attrs["diagnosis.first_seen.revision"], w.revision)
		}
		if w.kind == "resolved" {
			n, err := strconv.Atoi(r.attrs["diagnosis.resolved.requests"])
			if err != nil || n < lifecycleThreshold {
				t.Errorf("phase %d: resolved record %d: resolved.requests %q, want the threshold or more", ph.n, i, r.attrs["diagnosis.resolved.requests"])
			}
		}
		t.Logf("phase %d: record %s %s: %s", ph.n, r.severity, w.kind, r.body)
	}
}
