package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestMetricsBedGo (issue 26): pantry-go, a child process with
// GOMEMLIMIT=64MiB and otel-go's runtime instrumentation, fills its memory
// to 97 % of the limit, then answers a bare 500 that records nothing:
// no_evidence from the trace alone, out_of_memory from go.memory.used.
// The same 500 before the fill stays no_evidence.
func TestMetricsBedGo(t *testing.T) {
	b := StartMetricsBed(t, MetricsBedOptions{})
	self, err := os.Executable()
	must(t, err)
	port := MustFreePort()
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(self)
	cmd.Env = append(cleanEnv(), "EDX_CHILD=pantry-go", "GOMEMLIMIT=64MiB", "EDX_PORT="+strconv.Itoa(port), "EDX_COLLECTOR="+b.OTLP)
	p, err := StartProc("pantry-go", cmd, filepath.Join(b.Dir, "pantry-go.log"))
	must(t, err)
	t.Cleanup(func() { p.Stop(syscall.SIGTERM, 15*time.Second) })
	must(t, WaitHTTP(p, url+"/health", 30*time.Second))

	b.WaitPoints(t, "pantry-go's go.memory.limit", time.Now(), 20*time.Second, goMemoryAtLeast(0))
	code, before := b.Get(t, url+"/legacy")
	if code != 500 {
		t.Fatalf("/legacy: %d, want 500", code)
	}
	if code, _ := b.Get(t, "POST "+url+"/fill?percent=97"); code != 200 {
		t.Fatalf("/fill: %d, want 200", code)
	}
	pts := b.WaitPoints(t, "pantry-go's memory at 95 % of its limit", time.Now(), 20*time.Second, goMemoryAtLeast(0.95))
	used, limit := goMemoryOf(pts)
	t.Logf("pantry-go: go.memory.used %.1f MiB of go.memory.limit %.1f MiB", used/(1<<20), limit/(1<<20))
	code, after := b.Get(t, url+"/legacy")
	if code != 500 {
		t.Fatalf("/legacy: %d, want 500", code)
	}
	b.Check(t, []MetricsWant{
		{Name: "bare 500, memory with room", Trace: before, Alone: "unknown/no_evidence", With: "unknown/no_evidence"},
		{Name: "bare 500, memory at its limit", Trace: after, Alone: "unknown/no_evidence", With: "resource_exhaustion/out_of_memory",
			Rule: "metrics.go_memory_at_limit", Evidence: "go.memory.used "},
	})
}

// goMemoryAtLeast tests an export: pantry-go's go.memory.used at share of
// go.memory.limit or more.
func goMemoryAtLeast(share float64) func([]Point) bool {
	return func(pts []Point) bool {
		used, limit := goMemoryOf(pts)
		return used > 0 && limit > 0 && used >= share*limit
	}
}

func goMemoryOf(pts []Point) (used, limit float64) {
	return usedOf(pts, "pantry-go", "go.memory.used", "go.memory.limit", "", "")
}
