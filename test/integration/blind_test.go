package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestBlindStacks runs every stack of the blind check (test/blind/<stack>/,
// frameworks, drivers and instrumentations the bed does not run) through the
// real collector: each stack's run.sh builds its service, induces every fault
// of blindcapture/cases.go and has blindcapture check what errordiagnosis
// wrote: spans in = out, every 500 server span diagnosed, nothing else
// changed, each HTTP status as the case says. Category and cause are scored,
// not asserted (make blind; the issue 25 scores): these stacks measure the
// processor on traces it was not written for. The captured traces go to a
// temporary directory; testdata/blind is left as it is.
func TestBlindStacks(t *testing.T) {
	bin, err := filepath.Abs(envOr("EDX_COLLECTOR_BIN", "../../bin/otelcol-errordiagnosis"))
	if err == nil {
		_, err = os.Stat(bin)
	}
	if err != nil || driveOnly() {
		msg := fmt.Sprintf("collector %q missing (%v): run make build or test/integration/run.sh", bin, err)
		if os.Getenv("EDX_REQUIRE") == "1" && !driveOnly() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	scripts, err := filepath.Glob(filepath.Join("..", "blind", "*", "run.sh"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no test/blind/*/run.sh (%v)", err)
	}
	for _, script := range scripts {
		stack := filepath.Base(filepath.Dir(script))
		t.Run(stack, func(t *testing.T) {
			t0 := time.Now()
			cmd := exec.Command("bash", script)
			cmd.Env = append(os.Environ(), "EDX_BLIND_COLLECTOR="+bin, "EDX_BLIND_OUT="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", script, err, tail(out, 8000))
			}
			t.Logf("%s in %s:\n%s", stack, time.Since(t0).Round(100*time.Millisecond), tail(out, 400))
		})
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
