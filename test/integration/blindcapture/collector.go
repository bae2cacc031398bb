package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	integration "github.com/errordiagnosis/errordiagnosisprocessor/test/integration"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// collector is the real collector between the service and the receiver:
// one pipeline forwards what the SDK sent untouched to the receiver (the
// fixtures), the other runs errordiagnosis with the default configuration
// and writes to a file (what a user's backend would get).
type collector struct {
	proc     *integration.Proc
	endpoint string // OTLP/HTTP, for the service
	diagFile string
}

func startCollector(bin, dir, receiverAddr string) (*collector, error) {
	c := &collector{diagFile: filepath.Join(dir, "diagnosed.json")}
	httpPort, health := integration.MustFreePort(), integration.MustFreePort()
	c.endpoint = fmt.Sprintf("127.0.0.1:%d", httpPort)
	cfg := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: %s
processors:
  errordiagnosis:
exporters:
  otlphttp/raw:
    endpoint: http://%s
    compression: none
    retry_on_failure:
      enabled: false
  file/diagnosed:
    path: %s
    format: json
    flush_interval: 100ms
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces/raw:
      receivers: [otlp]
      exporters: [otlphttp/raw]
    traces/diagnosed:
      receivers: [otlp]
      processors: [errordiagnosis]
      exporters: [file/diagnosed]
`, c.endpoint, receiverAddr, c.diagFile, health)
	path := filepath.Join(dir, "collector.yaml")
	if err := integration.WriteFile(path, cfg); err != nil {
		return nil, err
	}
	p, err := integration.StartProc("collector", exec.Command(bin, "--config", path), filepath.Join(dir, "collector.log"))
	if err != nil {
		return nil, err
	}
	c.proc = p
	if err := integration.WaitHTTP(p, fmt.Sprintf("http://127.0.0.1:%d/", health), 60*time.Second); err != nil {
		return c, err
	}
	return c, integration.WaitTCP(p, c.endpoint, 30*time.Second)
}

// stop ends the collector gracefully: it diagnoses and writes what it holds.
func (c *collector) stop() {
	if c != nil && c.proc != nil {
		c.proc.Stop(syscall.SIGTERM, 30*time.Second)
	}
}

// diagnosed reads the file exporter's output, one request per line.
func (c *collector) diagnosed() ([]ptrace.Traces, error) {
	f, err := os.Open(c.diagFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ptrace.Traces
	var u ptrace.JSONUnmarshaler
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		td, err := u.UnmarshalTraces(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.diagFile, err)
		}
		out = append(out, td)
	}
	return out, sc.Err()
}
