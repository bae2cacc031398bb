package integration

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// The held 500 spans across a crash (issue 28): the real collector with the
// default processor config and file_storage, killed with SIGKILL while it
// holds spans, started again on the same storage directory.

// crashBed is a collector run of the crash tests: its config, process and
// the file its traces are written to.
type crashBed struct {
	t                 *testing.T
	bin, dir, storage string
	httpPort, metrics int
	proc              *Proc
	runs              int
}

func newCrashBed(t *testing.T) *crashBed {
	t.Helper()
	bin, dir := collectorAndDir(t, "edx-crash-")
	return &crashBed{t: t, bin: bin, dir: dir, storage: filepath.Join(dir, "storage")}
}

// start starts the collector with processor (the errordiagnosis block, YAML
// under it) and exporter (the traces exporter's block): by default the
// batch processor and a file exporter, whose file it returns; with an
// exporter of the caller's, errordiagnosis alone in front of it, so that
// its delivery waits on that exporter.
func (b *crashBed) start(processor, exporter string) string {
	b.t.Helper()
	b.runs++
	b.httpPort, b.metrics = MustFreePort(), MustFreePort()
	health := MustFreePort()
	out := filepath.Join(b.dir, fmt.Sprintf("traces-%d.json", b.runs))
	if exporter == "" {
		exporter = fmt.Sprintf("file:\n    path: %s\n    format: json\n    flush_interval: 100ms", out)
	}
	name := strings.SplitN(exporter, ":", 2)[0]
	processors := "errordiagnosis, batch"
	if name != "file" {
		processors = "errordiagnosis"
	}
	cfg := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
processors:
  errordiagnosis:
    storage: file_storage
%s
  batch:
    timeout: 100ms
exporters:
  %s
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
  file_storage:
    directory: %s
    create_directory: true
service:
  extensions: [health_check, file_storage]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
  pipelines:
    traces:
      receivers: [otlp]
      processors: [%s]
      exporters: [%s]
`, b.httpPort, processor, exporter, health, b.storage, b.metrics, processors, name)
	proc, err := startWithConfig(context.Background(), fmt.Sprintf("collector-%d", b.runs), b.bin, b.dir, cfg,
		fmt.Sprintf("http://127.0.0.1:%d/", health), fmt.Sprintf("127.0.0.1:%d", b.httpPort))
	if proc != nil {
		b.t.Cleanup(func() { proc.Stop(syscall.SIGKILL, 5*time.Second) })
	}
	if err != nil {
		b.t.Fatalf("run %d: start the collector: %v\n%s", b.runs, err, proc.Tail(3000))
	}
	b.proc = proc
	if name != "file" {
		return ""
	}
	return out
}

func (b *crashBed) stop(sig syscall.Signal) {
	b.t.Helper()
	b.proc.Stop(sig, 30*time.Second)
	if !b.proc.Exited() {
		b.t.Fatalf("run %d: the collector did not stop", b.runs)
	}
}

func (b *crashBed) endpoint() string { return fmt.Sprintf("http://127.0.0.1:%d", b.httpPort) }

// counter reads one of the processor's counters from the running collector.
func (b *crashBed) counter(name string, match map[string]string) float64 {
	b.t.Helper()
	m, err := ScrapeMetrics(fmt.Sprintf("http://127.0.0.1:%d/metrics", b.metrics))
	must(b.t, err)
	return m.Sum("otelcol_processor_errordiagnosis_"+name, match) // no _total on the collector's own endpoint
}

// buildDemo builds cmd/demo, the traffic of `make demo`.
func buildDemo(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "demo")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/demo")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build cmd/demo: %v\n%s", err, out)
	}
	return bin
}

func runDemo(t *testing.T, demo, endpoint string) {
	t.Helper()
	if out, err := exec.Command(demo, "-endpoint", endpoint).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
}

// arrived reads the spans of the files, by trace and span id, and the
// number of spans that arrived more than once.
func arrived(t *testing.T, files ...string) (map[string]*Span, int) {
	t.Helper()
	out := map[string]*Span{}
	dup := 0
	for _, f := range files {
		byTrace, _, err := ReadSpans(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, spans := range byTrace {
			for _, s := range spans {
				k := s.TraceID + "/" + s.SpanID
				if _, ok := out[k]; ok {
					dup++
				}
				out[k] = s
			}
		}
	}
	return out, dup
}

// diagnosed lists the diagnosed spans as service, name and diagnosis,
// sorted: the demo's trace ids change between runs, its spans do not.
func diagnosed(spans map[string]*Span) []string {
	var out []string
	for _, s := range spans {
		if c := s.Attrs["diagnosis.category"]; c != "" {
			out = append(out, s.Service+" "+s.Name+" "+c+"/"+s.Attrs["diagnosis.cause"])
		}
	}
	sort.Strings(out)
	return out
}

// multisetDiff returns what a has more of than b, and b more than a.
func multisetDiff(a, b []string) (onlyA, onlyB []string) {
	n := map[string]int{}
	for _, s := range a {
		n[s]++
	}
	for _, s := range b {
		n[s]--
	}
	for s, c := range n {
		for ; c > 0; c-- {
			onlyA = append(onlyA, s)
		}
		for ; c < 0; c++ {
			onlyB = append(onlyB, s)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	return onlyA, onlyB
}

// waitSpans waits until the files hold n distinct spans.
func waitSpans(t *testing.T, n int, timeout time.Duration, files ...string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, _ := arrived(t, files...)
		if len(got) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d spans after %v", len(got), n, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestCrashKeepsHeldSpans is the case of issue 28, as a user meets it: the
// default processor config with storage, `make demo`'s traffic, SIGKILL one
// second later, a restart on the same storage. A clean run (SIGTERM) says
// which spans are diagnosed how; each of 10 crashes must deliver every
// span, each diagnosed one with the clean run's diagnosis.
var crashRounds = 10

func TestCrashKeepsHeldSpans(t *testing.T) {
	b := newCrashBed(t)
	demo := buildDemo(t)

	clean := b.start("", "")
	runDemo(t, demo, b.endpoint())
	b.stop(syscall.SIGTERM)
	base, _ := arrived(t, clean)
	want := diagnosed(base)
	if len(base) == 0 || len(want) == 0 {
		t.Fatalf("the clean run delivered %d spans, %d diagnosed", len(base), len(want))
	}

	for round := 1; round <= crashRounds; round++ {
		before := b.start("", "")
		runDemo(t, demo, b.endpoint())
		time.Sleep(time.Second)
		b.stop(syscall.SIGKILL)
		early, _ := arrived(t, before)

		after := b.start("", "")
		restored := b.counter("held_store_restored", nil)
		waitSpans(t, len(base), 20*time.Second, before, after)
		dupCounted := b.counter("held_store_duplicates", nil)
		b.stop(syscall.SIGTERM)

		got, dup := arrived(t, before, after)
		if len(got) != len(base) {
			t.Errorf("round %d: %d spans arrived, the clean run %d", round, len(got), len(base))
		}
		if only, missing := multisetDiff(diagnosed(got), want); len(only)+len(missing) > 0 {
			t.Errorf("round %d: diagnosed spans differ from the clean run:\n only after the crash: %q\n only in the clean run: %q", round, only, missing)
		}
		if restored != float64(len(base)-len(early)) {
			t.Errorf("round %d: %v spans restored, %d were missing at the crash", round, restored, len(base)-len(early))
		}
		if float64(dup) > dupCounted {
			t.Errorf("round %d: %d spans arrived twice, %v duplicates counted", round, dup, dupCounted)
		}
		t.Logf("round %d: %d spans, %d before SIGKILL, %v held spans restored and delivered after it, %d duplicates (%v counted)",
			round, len(got), len(early), restored, dup, dupCounted)
	}
}

// slowBackend is an OTLP/HTTP JSON endpoint that records the spans of a
// request when it arrives and, while slow, answers only when released.
type slowBackend struct {
	*httptest.Server
	mu       sync.Mutex
	slow     bool
	arrivals map[string]int // by span name
	release  chan struct{}
}

func newSlowBackend() *slowBackend {
	b := &slowBackend{slow: true, arrivals: map[string]int{}, release: make(chan struct{})}
	b.Server = httptest.NewServer(http.HandlerFunc(b.serve))
	return b
}

func (b *slowBackend) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req exportRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	for _, s := range req.spans() {
		b.arrivals[s.Name]++
	}
	slow := b.slow
	b.mu.Unlock()
	if slow {
		select {
		case <-b.release:
		case <-r.Context().Done():
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{}`))
}

func (b *slowBackend) got() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]int, len(b.arrivals))
	for k, v := range b.arrivals {
		out[k] = v
	}
	return out
}

// TestCrashDuringRelease: the collector is killed while it delivers held
// spans (the exporter waits on a backend that does not answer). After the
// restart they are delivered again: none lost, the ones whose delivery had
// begun counted as possible duplicates, and no more than that release's.
func TestCrashDuringRelease(t *testing.T) {
	b := newCrashBed(t)
	backend := newSlowBackend()
	defer backend.Close()
	defer close(backend.release)
	exporter := fmt.Sprintf("otlphttp:\n    endpoint: %s\n    encoding: json\n    compression: none\n    timeout: 60s\n    sending_queue:\n      enabled: false\n    retry_on_failure:\n      enabled: false", backend.URL)

	b.start("    wait_duration: 1s", exporter)
	const n = 5
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("crash-%d", i)
	}
	// One request: the spans share a deadline, so one release carries all of
	// them (a release the backend holds blocks the tick loop, and spans due a
	// tick later would wait behind it).
	must(t, sendTenant500(context.Background(), fmt.Sprintf("127.0.0.1:%d", b.httpPort), "a", "crash", names...))
	// The tick releases them after 1 s; the backend holds the delivery.
	waitFor(t, 20*time.Second, func() bool {
		total := 0
		for _, c := range backend.got() {
			total += c
		}
		return total >= n
	})
	b.stop(syscall.SIGKILL)
	backend.mu.Lock()
	backend.slow = false
	backend.mu.Unlock()

	b.start("    wait_duration: 1s", exporter)
	waitFor(t, 20*time.Second, func() bool {
		for i := range n {
			if backend.got()[fmt.Sprintf("crash-%d", i)] < 2 {
				return false
			}
		}
		return true
	})
	restored := b.counter("held_store_restored", nil)
	dup := b.counter("held_store_duplicates", nil)
	b.stop(syscall.SIGTERM)
	got := backend.got()
	for i := range n {
		if c := got[fmt.Sprintf("crash-%d", i)]; c != 2 {
			t.Errorf("crash-%d arrived %d times, want twice: once before the crash, once after", i, c)
		}
	}
	if restored != n || dup != n {
		t.Errorf("restored %v and duplicates %v counted, want %d and %d: the %d spans of the interrupted release", restored, dup, n, n, n)
	}
	t.Logf("SIGKILL during a release of %d spans: %v restored, %v counted as possible duplicates, each arrived twice", n, restored, dup)
}

// damageHeldSpans rewrites every stored held span (not the slot count)
// with damage, in file_storage's bbolt file; it returns how many.
func damageHeldSpans(t *testing.T, file string, damage func([]byte) []byte) int {
	t.Helper()
	db, err := bbolt.Open(file, 0o600, &bbolt.Options{Timeout: 5 * time.Second})
	must(t, err)
	defer db.Close()
	n := 0
	must(t, db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("default"))
		if b == nil {
			return errors.New("file_storage's bucket \"default\" is missing")
		}
		put := map[string][]byte{}
		err := b.ForEach(func(k, v []byte) error {
			if key := string(k); strings.HasPrefix(key, "held/") && key != "held/slots" && !strings.HasSuffix(key, "/r") {
				put[key] = damage(slices.Clone(v))
			}
			return nil
		})
		for k, v := range put {
			if err := b.Put([]byte(k), v); err != nil {
				return err
			}
			n++
		}
		return err
	}))
	return n
}

// TestCorruptHeldStore: while the collector is down, the stored held spans
// are cut in half (as a write cut short would leave them), or replaced by
// random bytes, or the whole file is. The collector starts all the same,
// logs the fault, counts it, and holds new spans (in memory when the file
// cannot be opened): every new span is delivered diagnosed.
//
// A file cut short is not among them: bbolt v1.5.0 (file_storage v0.161.0)
// maps the missing pages and the collector dies of SIGBUS in
// filestorage's GetClient, before any component can handle it
// (docs/reliability.md §1).
func TestCorruptHeldStore(t *testing.T) {
	junk := func(v []byte) []byte { _, _ = rand.Read(v); return v }
	cases := []struct {
		name   string
		damage func(t *testing.T, file string) int
		// counter is what the restart counts: undecodable entries, or a
		// failure to open.
		counter string
		log     string
	}{
		{"entries cut in half", func(t *testing.T, file string) int {
			return damageHeldSpans(t, file, func(v []byte) []byte { return v[:len(v)/2] })
		}, "held_store_undecodable", "do not decode"},
		{"entries of random bytes", func(t *testing.T, file string) int {
			return damageHeldSpans(t, file, junk)
		}, "held_store_undecodable", "do not decode"},
		{"file of random bytes", func(t *testing.T, file string) int {
			st, err := os.Stat(file)
			must(t, err)
			must(t, os.WriteFile(file, junk(make([]byte, st.Size())), 0o600))
			return 1
		}, "held_store_failures", "held spans' storage failed (open)"},
	}
	b := newCrashBed(t)
	send := func(tag string) {
		for i := range 3 {
			must(t, sendTenant500(context.Background(), fmt.Sprintf("127.0.0.1:%d", b.httpPort), "a", "corrupt", fmt.Sprintf("%s-%d", tag, i)))
		}
	}
	for _, c := range cases {
		first := b.start("", "")
		send(c.name + " before")
		b.stop(syscall.SIGKILL)
		files, _ := filepath.Glob(filepath.Join(b.storage, "*held_spans*"))
		if len(files) != 1 {
			t.Fatalf("%s: the held spans' file: %v", c.name, files)
		}
		damaged := c.damage(t, files[0])

		after := b.start("", "")
		counted := b.counter(c.counter, nil)
		send(c.name + " after")
		b.stop(syscall.SIGTERM)
		got, _ := arrived(t, first, after)
		names := map[string]bool{}
		for _, s := range got {
			if s.Attrs["diagnosis.category"] != "" {
				names[s.Name] = true
			}
		}
		for i := range 3 {
			if name := fmt.Sprintf("%s after-%d", c.name, i); !names[name] {
				t.Errorf("%s: %s, sent after the restart, was not delivered diagnosed", c.name, name)
			}
		}
		log, _ := os.ReadFile(b.proc.Log)
		if int(counted) != damaged || !strings.Contains(string(log), c.log) {
			t.Errorf("%s: %s = %v, want %d, and the log should say %q:\n%s", c.name, c.counter, counted, damaged, c.log, restartTail(string(log), 3000))
		}
		if n := strings.Count(string(log), c.log); n != 1 {
			t.Errorf("%s: logged %d times, want once", c.name, n)
		}
		t.Logf("%s: the collector started, %s = %v, the 3 new spans delivered diagnosed", c.name, c.counter, counted)
		must(t, os.RemoveAll(b.storage))
	}
}
