package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Prometheus is a real Prometheus server (Debian's 2.42) on a loopback port,
// scraping every second and evaluating the given rule files every second.
type Prometheus struct {
	Port int
	proc *Proc
}

// StartPrometheus writes prometheus.yml into dir with one static scrape job
// per entry of jobs (job name: host:port targets) and starts bin on it.
func StartPrometheus(ctx context.Context, bin, dir string, jobs map[string][]string, ruleFiles []string) (*Prometheus, error) {
	p := &Prometheus{Port: MustFreePort()}
	var b strings.Builder
	b.WriteString("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n")
	for _, f := range ruleFiles {
		fmt.Fprintf(&b, "  - %q\n", f)
	}
	b.WriteString("scrape_configs:\n")
	for job, targets := range jobs {
		fmt.Fprintf(&b, "  - job_name: %q\n    static_configs:\n      - targets: [", job)
		for i, t := range targets {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", t)
		}
		b.WriteString("]\n")
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := WriteFile(cfg, b.String()); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", p.Port), "--log.level=warn")
	proc, err := StartProc("prometheus", cmd, filepath.Join(dir, "prometheus.log"))
	if err != nil {
		return nil, err
	}
	p.proc = proc
	return p, WaitHTTP(proc, p.URL()+"/-/ready", 60*time.Second)
}

// URL is the base URL of the HTTP API.
func (p *Prometheus) URL() string { return fmt.Sprintf("http://127.0.0.1:%d", p.Port) }

// Stop stops Prometheus.
func (p *Prometheus) Stop() {
	if p != nil && p.proc != nil {
		p.proc.Stop(syscall.SIGTERM, 10*time.Second)
	}
}

// PromSeries is one series of an instant query: its labels and value.
type PromSeries struct {
	Labels map[string]string
	Value  float64
}

// Query runs an instant query at now.
func (p *Prometheus) Query(expr string) ([]PromSeries, error) {
	var out struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := p.get("/api/v1/query?query="+url.QueryEscape(expr), &out); err != nil {
		return nil, err
	}
	if out.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", expr, out.Error)
	}
	var series []PromSeries
	for _, r := range out.Data.Result {
		s, _ := r.Value[1].(string)
		v, _ := strconv.ParseFloat(s, 64)
		series = append(series, PromSeries{Labels: r.Metric, Value: v})
	}
	return series, nil
}

// PromRule is a rule as /api/v1/rules reports it.
type PromRule struct {
	Group, Name, Type, Health, LastError, State string
	LastEvaluation                              time.Time
	Alerts                                      int
}

// Rules lists the loaded rules.
func (p *Prometheus) Rules() ([]PromRule, error) {
	var out struct {
		Data struct {
			Groups []struct {
				Name  string `json:"name"`
				Rules []struct {
					Name           string    `json:"name"`
					Type           string    `json:"type"`
					Health         string    `json:"health"`
					LastError      string    `json:"lastError"`
					State          string    `json:"state"`
					LastEvaluation time.Time `json:"lastEvaluation"`
					Alerts         []any     `json:"alerts"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := p.get("/api/v1/rules", &out); err != nil {
		return nil, err
	}
	var rules []PromRule
	for _, g := range out.Data.Groups {
		for _, r := range g.Rules {
			rules = append(rules, PromRule{Group: g.Name, Name: r.Name, Type: r.Type, Health: r.Health, LastError: r.LastError,
				State: r.State, LastEvaluation: r.LastEvaluation, Alerts: len(r.Alerts)})
		}
	}
	return rules, nil
}

// LabelValues lists the values of label on the series matching match.
func (p *Prometheus) LabelValues(label, match string) ([]string, error) {
	var out struct {
		Data []string `json:"data"`
	}
	err := p.get("/api/v1/label/"+label+"/values?match[]="+url.QueryEscape(match), &out)
	return out.Data, err
}

func (p *Prometheus) get(path string, v any) error {
	resp, err := http.Get(p.URL() + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return json.Unmarshal(body, v)
}

// Sample is one line of the Prometheus text exposition format.
type Sample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

// Metrics is what one scrape of a /metrics endpoint returned.
type Metrics []Sample

// ScrapeMetrics reads the text exposition format from url (a collector's own
// telemetry endpoint), without a Prometheus in between, for exact counts at
// a known moment.
func ScrapeMetrics(u string) (Metrics, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	var out Metrics
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		s, ok := parseSample(line)
		if ok {
			out = append(out, s)
		}
	}
	return out, sc.Err()
}

// parseSample parses `name{k="v",...} value [timestamp]`.
func parseSample(line string) (Sample, bool) {
	s := Sample{Labels: map[string]string{}}
	rest := line
	if i := strings.IndexAny(line, "{ "); i >= 0 {
		s.Name, rest = line[:i], line[i:]
	} else {
		return s, false
	}
	if strings.HasPrefix(rest, "{") {
		end := strings.LastIndex(rest, "}")
		if end < 0 {
			return s, false
		}
		for _, kv := range splitLabels(rest[1:end]) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			uq, err := strconv.Unquote(v)
			if err != nil {
				uq = strings.Trim(v, `"`)
			}
			s.Labels[strings.TrimSpace(k)] = uq
		}
		rest = rest[end+1:]
	}
	f := strings.Fields(rest)
	if len(f) == 0 {
		return s, false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return s, false
	}
	s.Value = v
	return s, true
}

// splitLabels splits k="v",k2="v2" on the commas outside quotes.
func splitLabels(s string) []string {
	var out []string
	inQ, esc, start := false, false, 0
	for i, c := range s {
		switch {
		case esc:
			esc = false
		case c == '\\':
			esc = true
		case c == '"':
			inQ = !inQ
		case c == ',' && !inQ:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// Sum adds the values of the samples named name whose labels include every
// pair of match.
func (m Metrics) Sum(name string, match map[string]string) float64 {
	var total float64
	for _, s := range m {
		if s.Name != name {
			continue
		}
		ok := true
		for k, v := range match {
			if s.Labels[k] != v {
				ok = false
				break
			}
		}
		if ok {
			total += s.Value
		}
	}
	return total
}

// Names lists the metric names with a prefix (for failure messages).
func (m Metrics) Names(prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range m {
		if strings.HasPrefix(s.Name, prefix) && !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s.Name)
		}
	}
	return out
}
