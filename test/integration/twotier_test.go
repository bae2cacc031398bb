package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// tier1Of sends each service to another tier-1 collector than the services it
// calls or is called by (edge → shop → inventory, shop → payments), so that
// every trace between services is split across tier 1; only edge → inventory
// (the proxy's 504, nothing diagnosed) stays on one.
var tier1Of = map[string]int{"edge": 0, "inventory": 0, "payments": 0, "shop": 1, "notifications": 1, "reports": 1}

// TestTwoTier runs the bed's Go cases (Cases()) through two tiers of real
// collectors: two load balancers (load_balancing, routing_key: traceID,
// static resolver) in front of two diagnosis collectors, with a real
// Prometheus scraping them and evaluating examples/prometheus's rules. It
// checks that every 500 gets the diagnosis one collector gives (the same
// expectation table), that spans in == spans out across the instances and in
// each instance's own telemetry, that Prometheus sees the span_metrics counts
// by diagnosis_category, that the rules evaluate and that every panel of the
// Grafana dashboard gets series. Then it stops one diagnosis collector under
// traffic and removes it from tier 1's resolver: what is diagnosed on
// partial evidence, and what is lost, is counted and bounded to the requests
// made during the outage; what the load-balancing exporter reports of it is
// measured.
func TestTwoTier(t *testing.T) {
	collectorBin := envOr("EDX_COLLECTOR_BIN", "../../bin/otelcol-errordiagnosis")
	promBin, perr := exec.LookPath(envOr("EDX_PROMETHEUS_BIN", "prometheus"))
	if _, err := os.Stat(collectorBin); err != nil || perr != nil || driveOnly() {
		msg := fmt.Sprintf("collector %q or prometheus missing (%v, %v): run test/integration/run.sh", collectorBin, err, perr)
		if os.Getenv("EDX_REQUIRE") == "1" && !driveOnly() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	root, err := filepath.Abs("../..")
	must(t, err)
	t0 := time.Now()
	dir, err := os.MkdirTemp("", "edx-twotier-")
	must(t, err)
	must(t, os.Chmod(dir, 0o755))
	if os.Getenv("EDX_KEEP") == "" {
		t.Cleanup(func() { os.RemoveAll(dir) })
	} else {
		t.Logf("keeping %s", dir)
	}
	ctx := context.Background()
	e := &Env{Dir: dir, ClosedPort: MustFreePort(), client: &http.Client{Timeout: 30 * time.Second}}
	var t1, t2 [2]*TierCollector
	var prom *Prometheus
	var wg sync.WaitGroup
	errs := make([]error, 3)
	par := func(i int, f func() error) {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	par(0, func() (err error) { e.PG, err = StartPostgres(filepath.Join(dir, "pg")); return })
	par(1, func() (err error) { e.My, err = StartMariaDB(filepath.Join(dir, "mariadb")); return })
	par(2, func() error {
		cdir := filepath.Join(dir, "collectors")
		for i, name := range []string{"tier2-a", "tier2-b"} {
			var err error
			if t2[i], err = StartTier2(ctx, collectorBin, cdir, name, root); err != nil {
				return err
			}
		}
		backends := []string{t2[0].OTLPGRPCEndpoint(), t2[1].OTLPGRPCEndpoint()}
		for i, name := range []string{"tier1-a", "tier1-b"} {
			var err error
			if t1[i], err = StartTier1(ctx, collectorBin, cdir, name, root, backends); err != nil {
				return err
			}
		}
		jobs := map[string][]string{"spanmetrics": {}, "otelcol": {}}
		for _, c := range t2 {
			jobs["spanmetrics"] = append(jobs["spanmetrics"], fmt.Sprintf("127.0.0.1:%d", c.PromExporterPort))
		}
		for _, c := range append(t1[:], t2[:]...) {
			jobs["otelcol"] = append(jobs["otelcol"], fmt.Sprintf("127.0.0.1:%d", c.TelemetryPort))
		}
		var err error
		prom, err = StartPrometheus(ctx, promBin, filepath.Join(dir, "prometheus"), jobs,
			[]string{filepath.Join(root, "examples", "prometheus", "errordiagnosis-alerts.yaml")})
		return err
	})
	wg.Wait()
	t.Cleanup(func() {
		e.PG.Stop()
		e.My.Stop()
		for _, c := range append(t1[:], t2[:]...) {
			c.Stop()
		}
		prom.Stop()
	})
	for i, name := range []string{"postgresql", "mariadb", "collectors+prometheus"} {
		if errs[i] != nil {
			t.Fatalf("%s: %v", name, errs[i])
		}
	}
	e.Coll = &Collector{HTTPPort: t1[0].HTTPPort}
	e.Route = func(service string) string { return t1[tier1Of[service]].OTLPHTTPEndpoint() }
	must(t, e.schemas())
	must(t, e.startServices(ctx))
	defer e.closeServices()
	t.Logf("two tiers: setup done in %.1fs", time.Since(t0).Seconds())

	// ---- phase 1: the Go cases, as in TestIntegration.
	cases := goCases()
	results := driveCases(t, e, cases)
	e.flush(t)
	byTrace, where, complete := waitForTierOutput(t2[:], results, 60*time.Second)
	if !complete {
		t.Errorf("tier-2 output incomplete: an expected HTTP 500 span is missing")
	}
	// Routing by trace ID: each trace reached one diagnosis collector.
	perInstance := [2]int{}
	for id, in := range where {
		if len(in) != 1 {
			t.Errorf("trace %s reached tier-2 instances %v, want exactly one", id, in)
		}
		for i := range in {
			perInstance[i]++
		}
	}
	if perInstance[0] == 0 || perInstance[1] == 0 {
		t.Errorf("traces per tier-2 instance %v: one instance got none", perInstance)
	}
	// Exception log records: load_balancing v0.161.0 routes spans by the 16
	// bytes of the trace ID and log records by its 32-character hex string,
	// so a trace's log records reach the same tier-2 instance as its spans
	// only by chance. The table's diagnosis is expected where they met;
	// elsewhere the span has no evidence (unknown/no_evidence).
	var tableResults []*Result
	for _, r := range results {
		if r.Case.Name == "exception_as_log_record" {
			checkLogRecordCase(t, r, byTrace[r.TraceID], where[r.TraceID], t2[:])
			continue
		}
		tableResults = append(tableResults, r)
	}
	rows := verify(t, tableResults, byTrace)
	pass := 0
	for _, r := range rows {
		if r.OK {
			pass++
		}
	}
	spansOut := 0
	for _, spans := range byTrace {
		spansOut += len(spans)
	}
	t.Logf("two tiers: %d cases, %d requests, %d traces (%d on tier2-a, %d on tier2-b), %d spans; %d of %d checked spans as one collector diagnoses them",
		len(cases), len(results), len(byTrace), perInstance[0], perInstance[1], spansOut, pass, len(rows))
	accountPhase1(t, t1, t2)
	checkPrometheus(t, prom, root, byTrace)

	// ---- phase 2: one diagnosis collector stops under traffic.
	t.Run("tier2_instance_removed", func(t *testing.T) { removeInstance(t, e, t1, t2) })
	t.Logf("two tiers: done in %.1fs", time.Since(t0).Seconds())
}

// goCases are the cases of Cases() between the Go services only (the Java
// and Python beds are not started here).
func goCases() []*Case {
	var out []*Case
	for _, c := range Cases() {
		_, ok := tier1Of[c.Entry]
		for _, w := range c.Want {
			_, known := tier1Of[w.Service]
			ok = ok && known
		}
		if ok {
			out = append(out, c)
		}
	}
	return out
}

// waitForTierOutput reads the tier-2 file outputs until every expected 500
// span of results is there and they stopped growing. It returns the spans by
// trace and, for each trace, the instances that exported spans of it.
func waitForTierOutput(t2 []*TierCollector, results []*Result, timeout time.Duration) (map[string][]*Span, map[string]map[int]bool, bool) {
	deadline := time.Now().Add(timeout)
	last, stable := -1, 0
	for {
		byTrace, where := map[string][]*Span{}, map[string]map[int]bool{}
		n := 0
		for i, c := range t2 {
			spans, k, _ := ReadSpans(c.OutFile)
			n += k
			for id, ss := range spans {
				byTrace[id] = append(byTrace[id], ss...)
				if where[id] == nil {
					where[id] = map[int]bool{}
				}
				where[id][i] = true
			}
		}
		complete := true
		for _, r := range results {
			for _, w := range r.Want {
				if findServer500(byTrace[r.TraceID], w.Service) == nil {
					complete = false
				}
			}
		}
		if n == last {
			stable++
		} else {
			stable = 0
		}
		last = n
		if (complete && stable >= 4) || (!complete && stable >= 10) || time.Now().After(deadline) {
			return byTrace, where, complete
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// accountPhase1: spans in == spans out, from the collectors' own telemetry,
// scraped directly: tier 1 received = tier 1 sent = tier 2 received; in each
// tier-2 instance, received = into errordiagnosis = out of it (its own
// outgoing items plus the held spans it sent itself) = written to the file =
// spans in the file; spans_diagnosed = the diagnosed spans in the file.
func accountPhase1(t *testing.T, t1, t2 [2]*TierCollector) {
	t.Run("spans_in_equal_spans_out", func(t *testing.T) {
		var t1In, t1Sent, t1Failed, t2In float64
		for _, c := range t1 {
			m, err := ScrapeMetrics(c.TelemetryURL())
			must(t, err)
			in := m.Sum("otelcol_receiver_accepted_spans", nil)
			sent := m.Sum("otelcol_exporter_sent_spans", map[string]string{"exporter": "load_balancing"})
			failed := m.Sum("otelcol_exporter_send_failed_spans", map[string]string{"exporter": "load_balancing"})
			t.Logf("%s: received %.0f spans, load_balancing sent %.0f, failed %.0f", c.Name, in, sent, failed)
			if in == 0 {
				t.Errorf("%s: no otelcol_receiver_accepted_spans_total; metrics: %v", c.Name, m.Names("otelcol_"))
			}
			t1In, t1Sent, t1Failed = t1In+in, t1Sent+sent, t1Failed+failed
		}
		for _, c := range t2 {
			m, err := ScrapeMetrics(c.TelemetryURL())
			must(t, err)
			in := m.Sum("otelcol_receiver_accepted_spans", nil)
			traces := map[string]string{"processor": "errordiagnosis", "otel_signal": "traces"}
			pin := m.Sum("otelcol_processor_incoming_items", traces)
			pout := m.Sum("otelcol_processor_outgoing_items", traces)
			held := m.Sum("otelcol_processor_errordiagnosis_held_spans_sent", map[string]string{"outcome": "accepted"})
			written := m.Sum("otelcol_exporter_sent_spans", map[string]string{"exporter": "file"})
			diagnosed := m.Sum("otelcol_processor_errordiagnosis_spans_diagnosed", nil)
			spans, n, err := ReadSpans(c.OutFile)
			must(t, err)
			inFile := 0
			for _, ss := range spans {
				for _, s := range ss {
					if s.Diagnosis()["diagnosis.category"] != "" {
						inFile++
					}
				}
			}
			t.Logf("%s: received %.0f, errordiagnosis in %.0f, out %.0f + held sent %.0f, file exporter sent %.0f, in file %d; diagnosed %.0f (%d in file)",
				c.Name, in, pin, pout, held, written, n, diagnosed, inFile)
			if in == 0 || in != pin || pin != pout+held || pin != written || written != float64(n) {
				t.Errorf("%s: spans received %.0f, into errordiagnosis %.0f, out %.0f + %.0f held, written %.0f, in the file %d: not all equal; metrics: %v",
					c.Name, in, pin, pout, held, written, n, m.Names("otelcol_"))
			}
			if diagnosed != float64(inFile) {
				t.Errorf("%s: spans_diagnosed %.0f, but %d spans in its output carry diagnosis.category", c.Name, diagnosed, inFile)
			}
			t2In += in
		}
		if t1In != t1Sent || t1Failed != 0 || t1Sent != t2In {
			t.Errorf("tier 1 received %.0f spans, sent %.0f (failed %.0f); tier 2 received %.0f", t1In, t1Sent, t1Failed, t2In)
		}
	})
}

// dashboardVars replaces the Grafana variables of the dashboard's queries:
// every service, a rate window of 4 scrape intervals, the test's range.
var dashboardVars = strings.NewReplacer("$service", ".*", "$__rate_interval", "30s", "$__range", "10m")

// checkPrometheus: the real Prometheus scraped both diagnosis collectors;
// the counter carries diagnosis_category with the counts of the output; the
// alert rules loaded and evaluate; every dashboard panel gets series.
func checkPrometheus(t *testing.T, prom *Prometheus, root string, byTrace map[string][]*Span) {
	want := map[string]float64{}
	for _, spans := range byTrace {
		for _, s := range spans {
			if c := s.Diagnosis()["diagnosis.category"]; c != "" {
				want[c]++
			}
		}
	}
	t.Run("prometheus/diagnosis_category", func(t *testing.T) {
		const q = `sum by (diagnosis_category) (traces_span_metrics_calls_total{diagnosis_category!=""})`
		var got map[string]float64
		deadline := time.Now().Add(30 * time.Second)
		for {
			series, err := prom.Query(q)
			must(t, err)
			got = map[string]float64{}
			for _, s := range series {
				got[s.Labels["diagnosis_category"]] = s.Value
			}
			if fmt.Sprint(got) == fmt.Sprint(want) || time.Now().After(deadline) {
				break
			}
			time.Sleep(time.Second)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want the diagnosed spans of the output by category %v", q, got, want)
		}
		t.Logf("%s: %v", q, got)
	})
	t.Run("prometheus/alert_rules", func(t *testing.T) {
		start := time.Now()
		var rules []PromRule
		for time.Since(start) < 10*time.Second {
			var err error
			rules, err = prom.Rules()
			must(t, err)
			fresh := len(rules) > 0
			for _, r := range rules {
				fresh = fresh && r.LastEvaluation.After(start)
			}
			if fresh {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		names := map[string]bool{}
		for _, r := range rules {
			names[r.Name] = true
			t.Logf("rule %s/%s: type %s, health %s, state %s, %d alerts, evaluated %s", r.Group, r.Name, r.Type, r.Health, r.State, r.Alerts, r.LastEvaluation.Format(time.RFC3339Nano))
			if r.Type != "alerting" || r.Health != "ok" || !r.LastEvaluation.After(start) {
				t.Errorf("rule %s: type %s, health %s (%s), last evaluated %s: want an alerting rule evaluated without error since %s",
					r.Name, r.Type, r.Health, r.LastError, r.LastEvaluation, start)
			}
		}
		for _, n := range []string{"DatabaseConnectionFailures", "HTTP500ByDiagnosis"} {
			if !names[n] {
				t.Errorf("rule %s not loaded; rules: %v", n, rules)
			}
		}
		// The rules' expressions without their thresholds have data.
		for _, q := range []string{
			`sum by (service_name, diagnosis_cause) (rate(traces_span_metrics_calls_total{diagnosis_category="database_connection"}[5m]))`,
			`sum by (service_name, diagnosis_category) (rate(traces_span_metrics_calls_total{diagnosis_category!=""}[5m]))`,
		} {
			series, err := prom.Query(q)
			must(t, err)
			if len(series) == 0 {
				t.Errorf("%s: no series", q)
			}
			t.Logf("%s: %d series, e.g. %v", q, len(series), series[0])
		}
	})
	t.Run("prometheus/dashboard", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(root, "examples", "grafana", "errordiagnosis-dashboard.json"))
		must(t, err)
		var d struct {
			Templating struct {
				List []struct {
					Name  string `json:"name"`
					Query any    `json:"query"`
				} `json:"list"`
			} `json:"templating"`
			Panels []struct {
				ID         int    `json:"id"`
				Title      string `json:"title"`
				Datasource struct {
					Type string `json:"type"`
				} `json:"datasource"`
				Targets []struct {
					RefID string `json:"refId"`
					Expr  string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		must(t, json.Unmarshal(b, &d))
		// The $service variable: label_values(<selector>, service_name).
		for _, v := range d.Templating.List {
			q, ok := v.Query.(map[string]any)
			if !ok {
				continue
			}
			s, _ := q["query"].(string)
			sel, label, ok := parseLabelValues(s)
			if !ok {
				t.Errorf("variable %s: query %q is not label_values(selector, label)", v.Name, s)
				continue
			}
			vals, err := prom.LabelValues(label, sel)
			must(t, err)
			if len(vals) == 0 {
				t.Errorf("variable %s: %s has no values", v.Name, s)
			}
			t.Logf("variable %s: %v", v.Name, vals)
		}
		checked := 0
		for _, p := range d.Panels {
			if p.Datasource.Type != "prometheus" {
				continue
			}
			got := 0
			for _, tg := range p.Targets {
				q := dashboardVars.Replace(tg.Expr)
				series, err := prom.Query(q)
				if err != nil {
					t.Errorf("panel %d %q target %s: %v", p.ID, p.Title, tg.RefID, err)
					continue
				}
				t.Logf("panel %d %q target %s: %d series: %s", p.ID, p.Title, tg.RefID, len(series), q)
				got += len(series)
			}
			if got == 0 {
				// A counter of the processor exists from its first event on:
				// a panel of such counters only may be empty when the event
				// did not happen; its names must be documented ones.
				absent := true
				for _, tg := range p.Targets {
					absent = absent && documentedEventCounter(t, root, tg.Expr)
				}
				if !absent {
					t.Errorf("panel %d %q: no target returned series after the bed's traffic", p.ID, p.Title)
				} else {
					t.Logf("panel %d %q: no series: its counters are documented and count events that did not happen in this run", p.ID, p.Title)
				}
			}
			checked++
		}
		if checked == 0 {
			t.Error("no Prometheus panel in the dashboard")
		}
	})
}

// documentedEventCounter reports whether expr reads a counter that
// documentation.md (mdatagen's) lists as a Sum of the processor.
func documentedEventCounter(t *testing.T, root, expr string) bool {
	doc, err := os.ReadFile(filepath.Join(root, "documentation.md"))
	must(t, err)
	for _, sec := range strings.Split(string(doc), "### ")[1:] {
		name, _, _ := strings.Cut(sec, "\n")
		if strings.Contains(expr, name+"[") && strings.Contains(sec, "| Sum |") {
			return true
		}
	}
	return false
}

// parseLabelValues splits Grafana's label_values(selector, label).
func parseLabelValues(s string) (selector, label string, ok bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "label_values(") || !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	inner := s[len("label_values(") : len(s)-1]
	i := strings.LastIndex(inner, ",")
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(inner[:i]), strings.TrimSpace(inner[i+1:]), true
}

// checkLogRecordCase checks the case whose only evidence is an exception log
// record: diagnosed as the table says when the record reached the instance
// that has the trace's spans, unknown/no_evidence when it reached another.
func checkLogRecordCase(t *testing.T, r *Result, spans []*Span, spansOn map[int]bool, t2 []*TierCollector) {
	t.Run("case/"+r.Case.Name, func(t *testing.T) {
		logsOn := map[int]bool{}
		for i, c := range t2 {
			ids, err := readLogTraceIDs(c.LogsFile)
			must(t, err)
			if ids[r.TraceID] {
				logsOn[i] = true
			}
		}
		together := len(logsOn) == 1 && len(spansOn) == 1 && fmt.Sprint(logsOn) == fmt.Sprint(spansOn)
		if together {
			if !diagnosedAsTable(r, spans) {
				t.Errorf("log record and spans on one instance, diagnosed %v, want %v", diagnosesOf(spans), r.Want)
			}
			t.Logf("trace %s: log record and spans on instance %v: diagnosed as one collector does", r.TraceID, spansOn)
			return
		}
		want := &Result{Case: r.Case, Want: []Want{w(r.Want[0].Service, unknown, "no_evidence")}}
		if !diagnosedAsTable(want, spans) {
			t.Errorf("log record on instance %v, spans on %v: diagnosed %v, want %v (no evidence where the spans are)", logsOn, spansOn, diagnosesOf(spans), want.Want)
		}
		t.Logf("trace %s: log record on instance %v, spans on %v (load_balancing routes logs by another key): %v",
			r.TraceID, logsOn, spansOn, diagnosesOf(spans))
	})
}

// readLogTraceIDs lists the trace IDs of the log records in a file exporter's JSON output.
func readLogTraceIDs(path string) (map[string]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		var req struct {
			ResourceLogs []struct {
				ScopeLogs []struct {
					LogRecords []struct {
						TraceID string `json:"traceId"`
					} `json:"logRecords"`
				} `json:"scopeLogs"`
			} `json:"resourceLogs"`
		}
		if json.Unmarshal([]byte(line), &req) != nil {
			continue
		}
		for _, rl := range req.ResourceLogs {
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					ids[strings.ToLower(lr.TraceID)] = true
				}
			}
		}
	}
	return ids, nil
}

// statelessCases can be driven over and over, concurrently: no Setup, one
// request, the same answer each time.
var statelessCases = []string{"healthy_home", "healthy_catalog", "healthy_via_proxy", "panic_nil_pointer", "bare_500",
	"missing_config_file", "proxy_passes_500_missing_config", "downstream_500_mariadb_duplicate", "pg_undefined_column",
	"mariadb_undefined_table", "downstream_refused"}

// diagnosedAsTable reports whether every expected 500 span of r's trace got
// the table's category, cause and root cause.
func diagnosedAsTable(r *Result, spans []*Span) bool {
	matched := map[*Span]bool{}
	for _, w := range r.Want {
		var s *Span
		for _, sp := range spans {
			if isTarget(sp) && sp.Service == w.Service && !matched[sp] {
				s = sp
				break
			}
		}
		if s == nil {
			return false
		}
		matched[s] = true
		d := s.Diagnosis()
		if d["diagnosis.category"] != w.Category || d["diagnosis.cause"] != w.Cause ||
			d["diagnosis.root_cause.category"] != w.RootCategory || d["diagnosis.root_cause.service"] != w.RootService {
			return false
		}
	}
	return true
}

// removeInstance drives the stateless cases from two workers for 14 s; at
// 4 s tier2-b is stopped (SIGTERM: it diagnoses and releases what it holds),
// at 7 s both tier-1 collectors are reconfigured without it (SIGHUP). Every
// trace is then classified: complete on one instance (it must be diagnosed
// as the table says), split across the instances, or missing spans.
func removeInstance(t *testing.T, e *Env, t1, t2 [2]*TierCollector) {
	byName := map[string]*Case{}
	for _, c := range Cases() {
		byName[c.Name] = c
	}
	exported0, failed0 := sdkSpansExported.Load(), sdkSpansFailed.Load()
	type timed struct {
		*Result
		start time.Time
	}
	var mu sync.Mutex
	var results []timed
	stopAt := time.Now().Add(14 * time.Second)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; time.Now().Before(stopAt); i++ {
				c := byName[statelessCases[i%len(statelessCases)]]
				start := time.Now()
				r := e.Do(c, c.Entry, c.Method, c.Path)
				mu.Lock()
				results = append(results, timed{r, start})
				mu.Unlock()
				time.Sleep(20 * time.Millisecond) // about 80 requests a second in all

			}
		}()
	}
	time.Sleep(4 * time.Second)
	stopped := time.Now()
	t2[1].Stop()
	t.Logf("tier2-b stopped in %s", time.Since(stopped).Round(time.Millisecond))
	time.Sleep(3 * time.Second)
	for _, c := range t1 {
		if m, err := ScrapeMetrics(c.TelemetryURL()); err == nil {
			t.Logf("%s before reconfiguration: received %.0f spans, load_balancing sent %.0f, failed %.0f", c.Name,
				m.Sum("otelcol_receiver_accepted_spans", nil), m.Sum("otelcol_exporter_sent_spans", map[string]string{"exporter": "load_balancing"}),
				m.Sum("otelcol_exporter_send_failed_spans", map[string]string{"exporter": "load_balancing"}))
		}
	}
	reconfigured := time.Now()
	for _, c := range t1 {
		must(t, c.Reconfigure([]string{t2[0].OTLPGRPCEndpoint()}))
	}
	reconfigDone := time.Now()
	t.Logf("tier 1 reconfigured (SIGHUP) without tier2-b in %s", reconfigDone.Sub(reconfigured).Round(time.Millisecond))
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, s := range e.services() {
		if err := s.TP.ForceFlush(ctx); err != nil {
			t.Logf("flush %s: %v", s.Name, err)
		}
	}
	if err := e.Notif.LP.ForceFlush(ctx); err != nil {
		t.Logf("flush notifications logs: %v", err)
	}
	var plain []*Result
	for _, r := range results {
		plain = append(plain, r.Result)
	}
	// Not every 500 span arrives (some were lost with tier2-b's backend): wait
	// for the output to stop growing, at most 30 s.
	byTrace, where, _ := waitForTierOutput(t2[:], plain, 30*time.Second)
	exported, failedSDK := sdkSpansExported.Load()-exported0, sdkSpansFailed.Load()-failed0

	// Spans per trace of each case: the most frequent count among the
	// requests made before the outage (a first query may add a connection
	// span, so a count from one request is not the rule).
	counts := map[string]map[int]int{}
	for _, r := range results {
		if r.start.Before(stopped.Add(-time.Second)) {
			if counts[r.Case.Name] == nil {
				counts[r.Case.Name] = map[int]int{}
			}
			counts[r.Case.Name][len(byTrace[r.TraceID])]++
		}
	}
	wantSpans := map[string]int{}
	for name, c := range counts {
		for n, k := range c {
			if k > c[wantSpans[name]] {
				wantSpans[name] = n
			}
		}
	}
	var spansOut, lostInWindow, lostOutside int
	var complete, split, incomplete, asTable, partialDiag int
	var firstAffected, lastAffected time.Time
	for _, r := range results {
		spans := byTrace[r.TraceID]
		spansOut += len(spans)
		switch missing := wantSpans[r.Case.Name] - len(spans); {
		case missing > 0 && !r.start.Before(stopped.Add(-500*time.Millisecond)) && !r.start.After(reconfigDone):
			lostInWindow += missing
		case missing > 0:
			lostOutside += missing
			t.Errorf("%s (trace %s, started %s after tier2-b stopped): %d spans lost outside the outage",
				r.Case.Name, r.TraceID, r.start.Sub(stopped).Round(time.Millisecond), missing)
		}
		isComplete := len(spans) == wantSpans[r.Case.Name] && len(where[r.TraceID]) == 1
		ok := r.Err == nil && r.Status == r.Case.Status && diagnosedAsTable(r.Result, spans)
		switch {
		case isComplete:
			complete++
		case len(where[r.TraceID]) > 1:
			split++
		default:
			incomplete++
		}
		if ok {
			asTable++
			continue
		}
		if isComplete {
			t.Errorf("%s (trace %s, started %s after tier2-b stopped): complete on one instance but diagnosed %v, want %v",
				r.Case.Name, r.TraceID, r.start.Sub(stopped).Round(time.Millisecond), diagnosesOf(spans), r.Want)
			continue
		}
		partialDiag++
		if firstAffected.IsZero() || r.start.Before(firstAffected) {
			firstAffected = r.start
		}
		if r.start.After(lastAffected) {
			lastAffected = r.start
		}
	}
	if os.Getenv("EDX_KEEP") != "" {
		var b strings.Builder
		for _, r := range results {
			fmt.Fprintf(&b, "%s %s %d %d %v\n", r.TraceID, r.Case.Name, r.start.Sub(stopped).Milliseconds(), len(byTrace[r.TraceID]), where[r.TraceID])
		}
		_ = os.WriteFile(filepath.Join(e.Dir, "phase2.txt"), []byte(b.String()), 0o644)
	}
	dropped := map[string]int{}
	for _, c := range t1 {
		d, err := c.DroppedByExporters()
		must(t, err)
		for k, v := range d {
			dropped[k] += v
		}
	}
	t.Logf("tier2-b removed: %d requests; traces complete on one instance %d, split across instances %d, missing spans %d; "+
		"diagnosed as one collector does %d, otherwise (partial evidence) %d", len(results), complete, split, incomplete, asTable, partialDiag)
	t.Logf("spans: exported by the SDKs %d (failed at the SDK %d), in the tier-2 outputs %d, reported dropped by tier 1's exporters %v",
		exported, failedSDK, spansOut, dropped)
	if partialDiag > 0 {
		t.Logf("partial evidence: requests started from %s before to %s after tier2-b stopped (tier 1 reconfigured %s after)",
			stopped.Sub(firstAffected).Round(time.Millisecond), lastAffected.Sub(stopped).Round(time.Millisecond),
			reconfigDone.Sub(stopped).Round(time.Millisecond))
	}
	// Bounded: only requests in flight around the outage, from wait_duration
	// (2 s) plus the SDK batch delay before the stop to the end of the
	// reconfiguration plus one batch delay, are affected.
	if partialDiag > 0 && (firstAffected.Before(stopped.Add(-3*time.Second)) || lastAffected.After(reconfigDone.Add(time.Second))) {
		t.Errorf("partial-evidence diagnoses outside the outage window: first request %s, last %s; stopped %s, reconfigured %s",
			firstAffected, lastAffected, stopped, reconfigDone)
	}
	inWindow := 0
	for _, r := range results {
		if !r.start.Before(stopped.Add(-3*time.Second)) && !r.start.After(reconfigDone.Add(time.Second)) {
			inWindow++
		}
	}
	if partialDiag > inWindow {
		t.Errorf("%d partial-evidence diagnoses, more than the %d requests of the outage window", partialDiag, inWindow)
	}
	// Losses: only spans of requests made while tier2-b was down and still
	// in tier 1's resolver, and every span the SDKs exported is either in a
	// tier-2 output or lost that way. Of those, tier 1 reports (logs
	// "Dropping data", dropped_items) the requests its load_balancing
	// exporter was retrying when the pipelines restarted; the requests queued
	// behind them are lost without a log line, and the exporter's per-backend
	// queues have no metrics (their meter provider is a no-op in v0.161.0).
	lost := int(exported) - spansOut
	t.Logf("spans lost: %d (exported by the SDKs %d - in the outputs %d), missing from traces of requests made during the outage: %d; "+
		"reported by tier 1's exporters %d, unreported %d", lost, exported, spansOut, lostInWindow, dropped["traces"], lost-dropped["traces"])
	if dropped["traces"] > lost {
		t.Errorf("tier 1 reports %d spans dropped, more than the %d lost", dropped["traces"], lost)
	}
	if len(results) == 0 {
		t.Error("no traffic driven")
	}
}

func diagnosesOf(spans []*Span) []string {
	var out []string
	for _, s := range spans {
		if isTarget(s) {
			out = append(out, s.Service+": "+gotString(s.Diagnosis()))
		}
	}
	sort.Strings(out)
	return out
}
