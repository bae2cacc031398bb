package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// captureRealTraces writes the traces of the cases whose names match
// $EDX_CAPTURE_RUN (default: all) into $EDX_CAPTURE (a directory such as
// ../../testdata/realtraces/java) as fixtures of the root package's
// realtraces_test.go: <case>[-n].json is the trace as the services sent it
// (OTLP JSON as the file exporter writes it, one request per line; the
// processor's diagnosis.* attributes removed, stack traces cut to their first
// frames and every "Caused by:" section); <case>[-n].expected.json is the
// case table's expectation per 500 server span. Nothing happens without
// $EDX_CAPTURE.
func captureRealTraces(t *testing.T, results []*Result, outFile string) {
	dir := os.Getenv("EDX_CAPTURE")
	if dir == "" {
		return
	}
	re, err := regexp.Compile(os.Getenv("EDX_CAPTURE_RUN"))
	if err != nil {
		t.Errorf("EDX_CAPTURE_RUN: %v", err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Error(err)
		return
	}
	byTrace, err := rawTraces(outFile)
	if err != nil {
		t.Error(err)
		return
	}
	seen := map[string]int{}
	for _, r := range results {
		if !re.MatchString(r.Case.Name) || len(byTrace[r.TraceID]) == 0 {
			continue
		}
		name := r.Case.Name
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s-%d", name, seen[name])
		}
		var lines []string
		for _, req := range byTrace[r.TraceID] {
			b, _ := json.Marshal(req)
			lines = append(lines, string(b))
		}
		exp := FixtureLabels{Case: r.Case.Name, Trace: r.TraceID, Spans: map[string]SpanLabels{}}
		spans, _, _ := ReadSpans(outFile)
		matched := map[string]bool{}
		for _, w := range r.Want {
			for _, s := range spans[r.TraceID] {
				if isTarget(s) && s.Service == w.Service && !matched[s.SpanID] {
					matched[s.SpanID] = true
					exp.Spans[s.SpanID] = SpanLabels{Service: w.Service, Name: s.Name, Category: w.Category, Cause: w.Cause,
						RootCauseCategory: w.RootCategory, RootCauseService: w.RootService}
					break
				}
			}
		}
		eb, _ := json.MarshalIndent(exp, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Error(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".expected.json"), append(eb, '\n'), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// rawTraces splits the file exporter's output by trace: per trace, one
// request per input line holding only that trace's spans, diagnosis.*
// attributes removed.
func rawTraces(path string) (map[string][]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][]map[string]any{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	for sc.Scan() {
		var req map[string]any
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return nil, err
		}
		perTrace := map[string]map[string]any{}
		for _, rsAny := range asList(req["resourceSpans"]) {
			rs := rsAny.(map[string]any)
			for _, ssAny := range asList(rs["scopeSpans"]) {
				ss := ssAny.(map[string]any)
				for _, spAny := range asList(ss["spans"]) {
					sp := spAny.(map[string]any)
					cleanSpan(sp)
					tid, _ := sp["traceId"].(string)
					r := perTrace[tid]
					if r == nil {
						r = map[string]any{"resourceSpans": []any{}}
						perTrace[tid] = r
					}
					appendSpan(r, rs, ss, sp)
				}
			}
		}
		for tid, r := range perTrace {
			out[tid] = append(out[tid], r)
		}
	}
	return out, sc.Err()
}

func asList(v any) []any { l, _ := v.([]any); return l }

// appendSpan adds sp under copies of its resource and scope (reused when the
// last ones added are the same).
func appendSpan(req map[string]any, rs, ss, sp map[string]any) {
	rss := req["resourceSpans"].([]any)
	var lastRS map[string]any
	if n := len(rss); n > 0 && same(rss[n-1].(map[string]any)["resource"], rs["resource"]) {
		lastRS = rss[n-1].(map[string]any)
	} else {
		lastRS = map[string]any{"resource": rs["resource"], "scopeSpans": []any{}}
		if v, ok := rs["schemaUrl"]; ok {
			lastRS["schemaUrl"] = v
		}
		req["resourceSpans"] = append(rss, lastRS)
	}
	sss := lastRS["scopeSpans"].([]any)
	var lastSS map[string]any
	if n := len(sss); n > 0 && same(sss[n-1].(map[string]any)["scope"], ss["scope"]) {
		lastSS = sss[n-1].(map[string]any)
	} else {
		lastSS = map[string]any{"scope": ss["scope"], "spans": []any{}}
		if v, ok := ss["schemaUrl"]; ok {
			lastSS["schemaUrl"] = v
		}
		lastRS["scopeSpans"] = append(sss, lastSS)
	}
	lastSS["spans"] = append(lastSS["spans"].([]any), sp)
}

func same(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// cleanSpan removes the processor's diagnosis.* attributes and cuts long stack traces.
func cleanSpan(sp map[string]any) {
	var keep []any
	for _, a := range asList(sp["attributes"]) {
		if k, _ := a.(map[string]any)["key"].(string); !strings.HasPrefix(k, "diagnosis.") {
			keep = append(keep, a)
		}
	}
	if keep == nil {
		delete(sp, "attributes")
	} else {
		sp["attributes"] = keep
	}
	for _, ev := range asList(sp["events"]) {
		for _, a := range asList(ev.(map[string]any)["attributes"]) {
			am := a.(map[string]any)
			if am["key"] != "exception.stacktrace" {
				continue
			}
			v := am["value"].(map[string]any)
			if s, ok := v["stringValue"].(string); ok {
				v["stringValue"] = cutStack(s, 12)
			}
		}
	}
}

// cutStack keeps, of every section of a Java stack trace (the exception and
// each "Caused by:"/"Suppressed:"), its header and first frames, then Java's
// own "... n more" line for the frames left out.
func cutStack(s string, frames int) string {
	lines := strings.Split(s, "\n")
	var out []string
	n, dropped := 0, 0
	flush := func() {
		if dropped > 0 {
			out = append(out, fmt.Sprintf("\t... %d more", dropped))
		}
		n, dropped = 0, 0
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "at ") || strings.HasPrefix(t, "... ") && strings.HasSuffix(t, " more") {
			if strings.HasPrefix(t, "... ") {
				var m int
				fmt.Sscanf(t, "... %d more", &m)
				dropped += m
				continue
			}
			if n < frames {
				out = append(out, l)
				n++
			} else {
				dropped++
			}
			continue
		}
		flush()
		out = append(out, l)
	}
	flush()
	return strings.Join(out, "\n")
}
