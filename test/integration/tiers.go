package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TierCollector is one collector of the two-tier deployment, run from an
// example config of the repository (examples/two-tier-loadbalancer.yaml for
// tier 1, examples/spanmetrics-alerts.yaml for tier 2) merged with an
// override file that puts its endpoints on free loopback ports.
type TierCollector struct {
	Name                                          string
	GRPCPort, HTTPPort, HealthPort, TelemetryPort int
	PromExporterPort                              int    // tier 2: span_metrics for Prometheus
	OutFile, LogsFile                             string // tier 2: file exporters
	Example, Override                             string
	proc                                          *Proc
}

// TelemetryURL is the collector's own /metrics endpoint.
func (c *TierCollector) TelemetryURL() string {
	return fmt.Sprintf("http://127.0.0.1:%d/metrics", c.TelemetryPort)
}

// OTLPHTTPEndpoint is host:port of the OTLP/HTTP receiver (tier 1).
func (c *TierCollector) OTLPHTTPEndpoint() string { return fmt.Sprintf("127.0.0.1:%d", c.HTTPPort) }

// OTLPGRPCEndpoint is host:port of the OTLP/gRPC receiver.
func (c *TierCollector) OTLPGRPCEndpoint() string { return fmt.Sprintf("127.0.0.1:%d", c.GRPCPort) }

func newTierCollector(dir, name, example string) *TierCollector {
	return &TierCollector{Name: name, GRPCPort: MustFreePort(), HTTPPort: MustFreePort(), HealthPort: MustFreePort(),
		TelemetryPort: MustFreePort(), Example: example, Override: filepath.Join(dir, name+".override.yaml")}
}

// telemetryOverride, under service: the collector's own metrics on a
// loopback port, logs as JSON (the load-balancing exporter's "Dropping data"
// lines are parsed).
func telemetryOverride(port int) string {
	return fmt.Sprintf(`  telemetry:
    logs:
      encoding: json
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
`, port)
}

// StartTier2 starts a diagnosis collector: examples/spanmetrics-alerts.yaml
// (errordiagnosis, span_metrics by diagnosis.category, prometheus exporter)
// with the single-collector bed's wait_duration and batch timeout, its traces
// written to a JSON file instead of a tracing backend, and a logs pipeline
// for exception log records.
func StartTier2(ctx context.Context, bin, dir, name, root string) (*TierCollector, error) {
	c := newTierCollector(dir, name, filepath.Join(root, "examples", "spanmetrics-alerts.yaml"))
	c.PromExporterPort = MustFreePort()
	c.OutFile, c.LogsFile = filepath.Join(dir, name+".traces.json"), filepath.Join(dir, name+".logs.json")
	override := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
      http:
        endpoint: 127.0.0.1:%d
processors:
  errordiagnosis:
    wait_duration: 2s
  batch:
    timeout: 200ms
connectors:
  span_metrics:
    metrics_flush_interval: 1s
exporters:
  file:
    path: %s
    format: json
    flush_interval: 100ms
  file/logs:
    path: %s
    format: json
    flush_interval: 100ms
  prometheus:
    endpoint: 127.0.0.1:%d
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  pipelines:
    traces:
      exporters: [file, span_metrics]
    logs:
      receivers: [otlp]
      processors: [errordiagnosis]
      exporters: [file/logs]
`, c.GRPCPort, c.HTTPPort, c.OutFile, c.LogsFile, c.PromExporterPort, c.HealthPort) + telemetryOverride(c.TelemetryPort)
	return c, c.start(ctx, bin, override, c.OTLPGRPCEndpoint())
}

// StartTier1 starts a load balancer: examples/two-tier-loadbalancer.yaml
// (load_balancing, routing_key: traceID) whose static resolver lists backends.
func StartTier1(ctx context.Context, bin, dir, name, root string, backends []string) (*TierCollector, error) {
	c := newTierCollector(dir, name, filepath.Join(root, "examples", "two-tier-loadbalancer.yaml"))
	return c, c.start(ctx, bin, c.tier1Override(backends), c.OTLPHTTPEndpoint())
}

func (c *TierCollector) tier1Override(backends []string) string {
	return fmt.Sprintf(`receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
      http:
        endpoint: 127.0.0.1:%d
exporters:
  load_balancing:
    resolver:
      static:
        hostnames: [%s]
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
`, c.GRPCPort, c.HTTPPort, strings.Join(backends, ", "), c.HealthPort) + telemetryOverride(c.TelemetryPort)
}

func (c *TierCollector) start(ctx context.Context, bin, override, addr string) error {
	if err := WriteFile(c.Override, override); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, "--config", c.Example, "--config", c.Override)
	p, err := StartProc(c.Name, cmd, filepath.Join(filepath.Dir(c.Override), c.Name+".log"))
	if err != nil {
		return err
	}
	c.proc = p
	if err := WaitHTTP(p, fmt.Sprintf("http://127.0.0.1:%d/", c.HealthPort), 60*time.Second); err != nil {
		return err
	}
	return WaitTCP(p, addr, 30*time.Second)
}

// Reconfigure points a tier-1 collector's static resolver at backends: the
// override file is rewritten and the collector sent SIGHUP, on which otelcol
// re-reads its config files and restarts its pipelines in the same process
// (a static resolver has no other way to change). Returns once the new
// pipelines accept OTLP again.
func (c *TierCollector) Reconfigure(backends []string) error {
	if err := WriteFile(c.Override, c.tier1Override(backends)); err != nil {
		return err
	}
	before := c.countLog("Everything is ready")
	if err := c.proc.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for c.countLog("Everything is ready") <= before {
		if time.Now().After(deadline) || c.proc.Exited() {
			return fmt.Errorf("%s: not ready again after SIGHUP:\n%s", c.Name, c.proc.Tail(3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return WaitTCP(c.proc, c.OTLPHTTPEndpoint(), 10*time.Second)
}

func (c *TierCollector) countLog(substr string) int {
	b, _ := os.ReadFile(c.proc.Log)
	return strings.Count(string(b), substr)
}

// DroppedByExporters sums, by signal, the dropped_items of the exporters'
// own "Exporting failed. Dropping data." log lines: what the collector
// reports it lost (the same events its otelcol_exporter_send_failed_*
// counters count, which a restart of the pipelines resets).
func (c *TierCollector) DroppedByExporters() (map[string]int, error) {
	f, err := os.Open(c.proc.Log)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Bytes()
		if !strings.Contains(string(line), "Dropping data") {
			continue
		}
		var rec map[string]any
		if json.Unmarshal(line, &rec) != nil {
			continue
		}
		n, _ := rec["dropped_items"].(float64)
		sig, _ := rec["otelcol.signal"].(string)
		out[sig] += int(n)
	}
	return out, sc.Err()
}

// Stop stops the collector gracefully (tier 2 diagnoses and releases what it holds).
func (c *TierCollector) Stop() {
	if c != nil && c.proc != nil {
		c.proc.Stop(syscall.SIGTERM, 20*time.Second)
	}
}

// LogTail is the end of the collector's log.
func (c *TierCollector) LogTail(n int) string { return c.proc.Tail(n) }

// Spans exported by the services' SDKs in this process: ExportSpans calls
// that returned nil, and those that failed (lost before any collector).
var sdkSpansExported, sdkSpansFailed atomic.Int64

type countingExporter struct{ sdktrace.SpanExporter }

// countExports counts what exp exports (the two-tier test's "spans in").
func countExports(exp sdktrace.SpanExporter) sdktrace.SpanExporter { return countingExporter{exp} }

func (c countingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := c.SpanExporter.ExportSpans(ctx, spans)
	if err != nil {
		sdkSpansFailed.Add(int64(len(spans)))
	} else {
		sdkSpansExported.Add(int64(len(spans)))
	}
	return err
}
