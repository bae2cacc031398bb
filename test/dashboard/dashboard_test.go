// Package dashboard checks examples/grafana/errordiagnosis-dashboard.json
// without Grafana: its structure against the Grafana dashboard schema (the
// generated types of grafana-foundation-sdk, decoded strictly: an unknown or
// mistyped field fails), and every PromQL expression with Prometheus's own
// parser. The queries are run against a real Prometheus by
// test/integration's TestTwoTier. A module of its own, so that Prometheus's
// dependencies never meet the collector's.
package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/prometheus/prometheus/promql/parser"
)

const path = "../../examples/grafana/errordiagnosis-dashboard.json"

// grafanaVars stands for the variables Grafana fills in before a query is
// sent: a rate window, the dashboard's range, the $service variable.
var grafanaVars = strings.NewReplacer("$__rate_interval", "1m", "$__range", "6h", "$service", ".*")

func load(t *testing.T) *dashboard.Dashboard {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	plugins.RegisterDefaultPlugins()
	// The strict decoder reports every unknown, missing or mistyped field,
	// but in v0.0.22 it also drops the panels it decoded without error (an
	// empty error list returned as a non-nil error): the content is then
	// read with the ordinary decoder.
	var strict dashboard.Dashboard
	if err := noErrors(strict.UnmarshalJSONStrict(raw)); err != nil {
		t.Fatalf("%s does not match the Grafana dashboard schema (grafana-foundation-sdk v0.0.22): %v", path, err)
	}
	var d dashboard.Dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if err := noErrors(d.Validate()); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &d
}

func TestDashboardMatchesTheSchema(t *testing.T) {
	d := load(t)
	if d.Title == nil || *d.Title == "" || d.Uid == nil || *d.Uid == "" {
		t.Error("the dashboard needs a title and a uid")
	}
	ids := map[uint32]bool{}
	panels := 0
	for _, p := range d.Panels {
		var id *uint32
		var typ string
		switch {
		case p.Panel != nil:
			id, typ = p.Panel.Id, p.Panel.Type
			panels++
			if len(p.Panel.Targets) == 0 {
				t.Errorf("panel %v %q has no query", deref(id), deref(p.Panel.Title))
			}
		case p.RowPanel != nil:
			id, typ = &p.RowPanel.Id, "row"
		}
		if id == nil || ids[*id] {
			t.Errorf("panel of type %s: missing or duplicate id %v", typ, deref(id))
		} else {
			ids[*id] = true
		}
	}
	if panels == 0 {
		t.Error("no panels")
	}
}

func TestPromQLParses(t *testing.T) {
	d := load(t)
	exprs := 0
	check := func(where, q string) {
		exprs++
		if _, err := parser.ParseExpr(grafanaVars.Replace(q)); err != nil {
			t.Errorf("%s: %q: %v", where, q, err)
		}
	}
	for _, p := range d.Panels {
		if p.Panel == nil {
			continue
		}
		for _, tg := range p.Panel.Targets {
			pq, ok := tg.(*prometheus.Dataquery)
			if !ok {
				continue // Tempo's TraceQL: documentation only, no parser here
			}
			check(fmt.Sprintf("panel %v", deref(p.Panel.Title)), pq.Expr)
		}
	}
	// Template variables: label_values(<selector>, <label>) takes a series selector.
	for _, v := range d.Templating.List {
		if v.Query == nil || v.Query.Map == nil {
			continue
		}
		q, _ := v.Query.Map["query"].(string)
		inner, ok := strings.CutPrefix(q, "label_values(")
		if !ok {
			t.Errorf("variable %s: %q is not label_values(selector, label)", v.Name, q)
			continue
		}
		sel := inner[:strings.LastIndex(inner, ",")]
		if _, err := parser.ParseMetricSelector(sel); err != nil {
			t.Errorf("variable %s: %q: %v", v.Name, sel, err)
		}
		exprs++
	}
	if exprs < 8 {
		t.Errorf("only %d PromQL expressions found: the dashboard's queries were not all decoded", exprs)
	}
	t.Logf("%d PromQL expressions parsed", exprs)
}

// noErrors: the SDK returns its error list as an error even when it is
// empty (a nil cog.BuildErrors in a non-nil interface).
func noErrors(err error) error {
	var be cog.BuildErrors
	if errors.As(err, &be) && len(be) == 0 {
		return nil
	}
	return err
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// The test fails on a broken query: Prometheus's parser is really consulted.
func TestParserRejectsABrokenQuery(t *testing.T) {
	if _, err := parser.ParseExpr(`sum by (diagnosis_category (rate(x[1m]))`); err == nil {
		t.Fatal("a query with an unbalanced parenthesis parsed")
	}
	var js map[string]any
	raw, _ := os.ReadFile(path)
	_ = json.Unmarshal(raw, &js)
	js["titel"] = "typo"
	bad, _ := json.Marshal(js)
	var d dashboard.Dashboard
	if err := noErrors(d.UnmarshalJSONStrict(bad)); err == nil {
		t.Fatal("a dashboard with an unknown field decoded strictly")
	}
}
