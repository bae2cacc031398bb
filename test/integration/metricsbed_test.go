package integration

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// MetricsBed is the collector of the metrics beds (issue 26), started by
// StartMetricsBed: errordiagnosis in a traces and a metrics pipeline of one
// component ID (metrics.window 10s), errordiagnosis/alone in a traces
// pipeline only, both fed by one OTLP/HTTP receiver. alone.json says what
// the trace alone shows; traces.json what the trace and the metrics show.
// Raw pipelines keep what the services sent (raw-metrics.json is where a
// test waits for a reading).
type MetricsBed struct {
	Dir  string
	OTLP string // host:port of the OTLP/HTTP receiver
	Coll *Proc
}

// MetricsBedOptions adds to the bed's collector: Receivers (YAML under
// `receivers:`, indented by two) and their own metrics pipeline, with
// HostProcessors (YAML under `processors:`) in front of errordiagnosis.
type MetricsBedOptions struct {
	Receivers, HostProcessors string
	// Names of the receivers and host processors, for the pipeline.
	ReceiverNames, HostProcessorNames []string
}

// StartMetricsBed starts the collector in a new temporary directory (kept
// with EDX_KEEP); it skips the test when the collector is not built.
func StartMetricsBed(t *testing.T, opt MetricsBedOptions) *MetricsBed {
	t.Helper()
	bin := envOr("EDX_COLLECTOR_BIN", "../../bin/otelcol-errordiagnosis")
	if _, err := os.Stat(bin); err != nil || driveOnly() {
		needed(t, !driveOnly(), fmt.Sprintf("collector %q missing (%v): run make build or test/integration/run.sh", bin, err))
	}
	dir, err := os.MkdirTemp("", "edx-metrics-")
	must(t, err)
	must(t, os.Chmod(dir, 0o755)) // PostgreSQL runs as its own user
	if os.Getenv("EDX_KEEP") == "" {
		t.Cleanup(func() { os.RemoveAll(dir) })
	} else {
		t.Logf("keeping %s", dir)
	}
	httpPort, healthPort := MustFreePort(), MustFreePort()
	b := &MetricsBed{Dir: dir, OTLP: fmt.Sprintf("127.0.0.1:%d", httpPort)}
	p, err := startWithConfig(context.Background(), "collector", bin, dir, metricsBedConfig(httpPort, healthPort, dir, opt),
		fmt.Sprintf("http://127.0.0.1:%d/", healthPort), b.OTLP)
	if p != nil {
		t.Cleanup(func() { p.Stop(syscall.SIGTERM, 20*time.Second) })
	}
	must(t, err)
	b.Coll = p
	return b
}

func metricsBedConfig(httpPort, healthPort int, dir string, opt MetricsBedOptions) string {
	var files strings.Builder
	for _, f := range []string{"traces", "alone", "metrics", "raw-traces", "raw-metrics"} {
		fmt.Fprintf(&files, "  file/%s:\n    path: %s\n    format: json\n    flush_interval: 100ms\n", f, filepath.Join(dir, f+".json"))
	}
	host := ""
	if len(opt.ReceiverNames) > 0 {
		host = fmt.Sprintf(`    metrics/host:
      receivers: [%s]
      processors: [%s]
      exporters: [file/metrics, file/raw-metrics]
`, strings.Join(opt.ReceiverNames, ", "), strings.Join(append(opt.HostProcessorNames, "errordiagnosis"), ", "))
	}
	return fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
%s
processors:
  errordiagnosis:
    wait_duration: 2s
    metrics:
      window: 10s
  errordiagnosis/alone:
    wait_duration: 2s
%s
exporters:
%s
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [errordiagnosis]
      exporters: [file/traces]
    traces/alone:
      receivers: [otlp]
      processors: [errordiagnosis/alone]
      exporters: [file/alone]
    metrics:
      receivers: [otlp]
      processors: [errordiagnosis]
      exporters: [file/metrics]
    traces/raw:
      receivers: [otlp]
      exporters: [file/raw-traces]
    metrics/raw:
      receivers: [otlp]
      exporters: [file/raw-metrics]
%s`, httpPort, opt.Receivers, opt.HostProcessors, files.String(), healthPort, host)
}

// needed skips the test for want of what msg names, or fails it under
// EDX_REQUIRE=1 (run.sh) when required.
func needed(t *testing.T, required bool, msg string) {
	t.Helper()
	if required && os.Getenv("EDX_REQUIRE") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Hold sends n GETs of url at once, as concurrent slow requests, and
// returns a wait for them that fails the test unless each answered 200.
func (b *MetricsBed) Hold(t *testing.T, n int, url string) (wait func()) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, _ := b.Get(t, url); code != http.StatusOK {
				t.Errorf("%s: %d, want 200", url, code)
			}
		}()
	}
	return wg.Wait
}

// Get sends a GET (or, with a "POST " prefix, a POST) with a fresh sampled
// traceparent and returns the status and the trace ID.
func (b *MetricsBed) Get(t *testing.T, url string) (int, string) {
	t.Helper()
	method := http.MethodGet
	if u, ok := strings.CutPrefix(url, "POST "); ok {
		method, url = http.MethodPost, u
	}
	req, err := http.NewRequest(method, url, nil)
	must(t, err)
	trace := randomHex(16)
	req.Header.Set("traceparent", "00-"+trace+"-"+randomHex(8)+"-01")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, trace
}

// MetricsWant is what one 500 of a metrics bed must be diagnosed: from the
// trace alone, and with the metrics (rule and evidence prefix when the
// metrics decide; the evidence then ends with "before the span" or "into
// the span").
type MetricsWant struct {
	Name, Trace    string
	Alone, With    string // category/cause
	Rule, Evidence string
}

// Check waits until every wanted trace has a diagnosed 500 server span in
// both outputs, then compares.
func (b *MetricsBed) Check(t *testing.T, wants []MetricsWant) {
	t.Helper()
	alone := b.diagnosed(t, "alone.json", wants)
	with := b.diagnosed(t, "traces.json", wants)
	for _, w := range wants {
		a, m := alone[w.Trace], with[w.Trace]
		if a == nil || m == nil {
			t.Errorf("%s (trace %s): no diagnosed 500 server span (alone %v, with metrics %v); collector log:\n%s",
				w.Name, w.Trace, a != nil, m != nil, b.Coll.Tail(2000))
			continue
		}
		da, dm := diagnosisOf(a), diagnosisOf(m)
		t.Logf("%s: trace alone %s (%s, %q); with metrics %s (rule %s, confidence %s, evidence %q)", w.Name,
			da, a.Attrs["diagnosis.rule"], a.Attrs["diagnosis.evidence"], dm, m.Attrs["diagnosis.rule"],
			m.Attrs["diagnosis.confidence"], m.Attrs["diagnosis.evidence"])
		if da != w.Alone {
			t.Errorf("%s: from the trace alone %s, want %s", w.Name, da, w.Alone)
		}
		if dm != w.With {
			t.Errorf("%s: with metrics %s, want %s", w.Name, dm, w.With)
		}
		if w.Rule == "" {
			if strings.HasPrefix(m.Attrs["diagnosis.rule"], "metrics.") {
				t.Errorf("%s: decided by %s, want the trace's own diagnosis", w.Name, m.Attrs["diagnosis.rule"])
			}
			continue
		}
		ev := m.Attrs["diagnosis.evidence"]
		if m.Attrs["diagnosis.rule"] != w.Rule {
			t.Errorf("%s: rule %s, want %s", w.Name, m.Attrs["diagnosis.rule"], w.Rule)
		}
		if !strings.HasPrefix(ev, w.Evidence) || !(strings.HasSuffix(ev, " before the span") || strings.HasSuffix(ev, " into the span")) {
			t.Errorf("%s: evidence %q, want %q... before the span", w.Name, ev, w.Evidence)
		}
	}
}

func diagnosisOf(s *Span) string {
	return s.Attrs["diagnosis.category"] + "/" + s.Attrs["diagnosis.cause"]
}

func (b *MetricsBed) diagnosed(t *testing.T, file string, wants []MetricsWant) map[string]*Span {
	t.Helper()
	var got map[string]*Span
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		byTrace, _, _ := ReadSpans(filepath.Join(b.Dir, file))
		got = map[string]*Span{}
		for _, w := range wants {
			for _, sp := range byTrace[w.Trace] {
				if isTarget(sp) && sp.Attrs["diagnosis.category"] != "" {
					got[w.Trace] = sp
				}
			}
		}
		if len(got) == len(wants) {
			break
		}
	}
	return got
}

// Point is a number data point the bed's collector received.
type Point struct {
	Metric   string
	Resource map[string]string
	Attrs    map[string]string
	Value    float64
	Time     time.Time
}

// WaitPoints waits until the points of one export request received after
// since satisfy ok (the points of one request are one collection of the
// SDK), and returns them.
func (b *MetricsBed) WaitPoints(t *testing.T, what string, since time.Time, timeout time.Duration, ok func([]Point) bool) []Point {
	t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, pts := range b.exports(t) {
			if len(pts) > 0 && !pts[0].Time.Before(since) && ok(pts) {
				return pts
			}
		}
	}
	t.Fatalf("no export after %s shows %s within %s; collector log:\n%s", since.Format(time.StampMilli), what, timeout, b.Coll.Tail(2000))
	return nil
}

// exports reads raw-metrics.json: one OTLP JSON export request a line.
func (b *MetricsBed) exports(t *testing.T) [][]Point {
	f, err := os.Open(filepath.Join(b.Dir, "raw-metrics.json"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out [][]Point
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var u pmetric.JSONUnmarshaler
	for sc.Scan() {
		md, err := u.UnmarshalMetrics(bytes.Clone(sc.Bytes()))
		if err != nil {
			t.Logf("raw-metrics.json: %v", err)
			continue
		}
		out = append(out, points(md))
	}
	return out
}

func points(md pmetric.Metrics) []Point {
	var out []Point
	for _, rm := range md.ResourceMetrics().All() {
		res := rm.Resource().Attributes().AsRaw()
		resource := make(map[string]string, len(res))
		for k, v := range res {
			resource[k] = fmt.Sprint(v)
		}
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				var dps pmetric.NumberDataPointSlice
				switch m.Type() {
				case pmetric.MetricTypeGauge:
					dps = m.Gauge().DataPoints()
				case pmetric.MetricTypeSum:
					dps = m.Sum().DataPoints()
				default:
					continue
				}
				for _, dp := range dps.All() {
					v := dp.DoubleValue()
					if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
						v = float64(dp.IntValue())
					}
					attrs := map[string]string{}
					dp.Attributes().Range(func(k string, v pcommon.Value) bool {
						attrs[k] = v.AsString()
						return true
					})
					out = append(out, Point{Metric: m.Name(), Resource: resource, Attrs: attrs, Value: v, Time: dp.Timestamp().AsTime()})
				}
			}
		}
	}
	return out
}

// usedOf sums, over the points of service whose attributes have key=value
// (any, when key is ""), the metrics named used and limit.
func usedOf(pts []Point, service, used, limit, key, value string) (u, l float64) {
	for _, p := range pts {
		if p.Resource["service.name"] != service || (key != "" && p.Attrs[key] != value) {
			continue
		}
		switch p.Metric {
		case used:
			u += p.Value
		case limit:
			l += p.Value
		}
	}
	return u, l
}

// poolAt returns a test of an export: the used connections of the
// service's pool, in either generation of names, equal to n.
func poolAt(service, pool string, n float64) func([]Point) bool {
	return func(pts []Point) bool {
		for _, p := range pts {
			if p.Resource["service.name"] == service && (p.Metric == "db.client.connection.count" || p.Metric == "db.client.connections.usage") &&
				(p.Attrs["db.client.connection.pool.name"] == pool || p.Attrs["pool.name"] == pool) &&
				(p.Attrs["db.client.connection.state"] == "used" || p.Attrs["state"] == "used") && p.Value == n {
				return true
			}
		}
		return false
	}
}
