package errordiagnosisprocessor

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.yaml.in/yaml/v3"
)

// publishedError is one row of testdata/strings/<lang>.yaml: an exception
// as a public issue tracker or the library's own source published it, and
// the label of what its reporter says happened (not the processor's output).
type publishedError struct {
	Type    string `yaml:"type"`
	Message string `yaml:"message"`
	Stack   string `yaml:"stack"`
	Source  string `yaml:"source"`
	Label   string `yaml:"label"` // category/cause
	// Harvest dates the rows collected after the tables were written, so
	// their score is reported apart: a measure of generalisation.
	Harvest string `yaml:"harvest"`
}

// set names the group a row is scored in besides its language.
func (e publishedError) set() string {
	if e.Harvest == "" {
		return "set earlier rows"
	}
	return "set harvest " + e.Harvest
}

// stringShapes are the three places an instrumentation puts an exception.
var stringShapes = []struct {
	name  string
	build func(lang string, n int, e publishedError) (ptrace.Traces, plog.Logs)
}{
	{"server-event", func(lang string, n int, e publishedError) (ptrace.Traces, plog.Logs) {
		td, server := stringTrace(lang, n)
		addPublished(server.Events().AppendEmpty(), e)
		return td, plog.NewLogs()
	}},
	{"client-event", func(lang string, n int, e publishedError) (ptrace.Traces, plog.Logs) {
		td, server := stringTrace(lang, n)
		client := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().AppendEmpty()
		client.SetTraceID(server.TraceID())
		client.SetSpanID(stringSpanID(n, 2))
		client.SetParentSpanID(server.SpanID())
		client.SetName("call")
		client.SetKind(ptrace.SpanKindClient)
		client.Status().SetCode(ptrace.StatusCodeError)
		addPublished(client.Events().AppendEmpty(), e)
		return td, plog.NewLogs()
	}},
	{"log-record", func(lang string, n int, e publishedError) (ptrace.Traces, plog.Logs) {
		td, server := stringTrace(lang, n)
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", "strings-"+lang)
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetTraceID(server.TraceID())
		lr.SetSpanID(server.SpanID())
		lr.SetSeverityNumber(plog.SeverityNumberError)
		lr.SetSeverityText("ERROR")
		lr.Body().SetStr("request failed")
		putException(lr.Attributes(), e)
		return td, ld
	}},
}

// stringTrace is a trace of one 500 server span of service strings-<lang>.
func stringTrace(lang string, n int) (ptrace.Traces, ptrace.Span) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "strings-"+lang)
	s := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	var tid pcommon.TraceID
	binary.BigEndian.PutUint64(tid[8:], uint64(n)+1)
	tid[0] = byte(len(lang))
	copy(tid[1:8], lang)
	s.SetTraceID(tid)
	s.SetSpanID(stringSpanID(n, 1))
	s.SetName("GET /strings")
	s.SetKind(ptrace.SpanKindServer)
	s.Attributes().PutInt("http.response.status_code", 500)
	s.Attributes().PutStr("http.request.method", "GET")
	s.Status().SetCode(ptrace.StatusCodeError)
	return td, s
}

func stringSpanID(n int, k byte) pcommon.SpanID {
	var id pcommon.SpanID
	binary.BigEndian.PutUint32(id[:4], uint32(n)+1)
	id[7] = k
	return id
}

func addPublished(ev ptrace.SpanEvent, e publishedError) {
	ev.SetName("exception")
	putException(ev.Attributes(), e)
}

func putException(m pcommon.Map, e publishedError) {
	for k, v := range map[string]string{"exception.type": e.Type, "exception.message": e.Message, "exception.stacktrace": e.Stack} {
		if v != "" {
			m.PutStr(k, v)
		}
	}
}

func readPublishedErrors(t *testing.T) map[string][]publishedError {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "strings", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	out := map[string][]publishedError{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		var rows []publishedError
		require.NoError(t, yaml.Unmarshal(b, &rows), p)
		for i, r := range rows {
			require.NotEmpty(t, r.Source, "%s row %d: where was it published?", p, i)
			require.True(t, r.Type != "" || r.Message != "", "%s row %d: no exception", p, i)
			cat, cause, ok := strings.Cut(r.Label, "/")
			require.True(t, ok && cat != "" && cause != "", "%s row %d: label %q is not category/cause", p, i, r.Label)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".yaml")] = rows
	}
	return out
}

// TestPublishedErrors builds every published exception of testdata/strings
// in the three span shapes, replays each through NewFactory() with the
// default config (whole, and one span per batch in reverse, as TestBlind)
// and logs the category macro-F1, the accuracy and the coverage per
// language, per shape and overall. A measurement, not a pass mark: it fails
// only on a malformed row or a lost span. EDX_STRINGS_MISSES=1 lists misses.
func TestPublishedErrors(t *testing.T) {
	t.Parallel() // a corpus replay through processors of its own: it shares nothing with other tests
	byLang := readPublishedErrors(t)
	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	var report []string
	total := map[string]*blindScore{}
	perShape := map[string]*blindScore{}
	perSet := map[string]*blindScore{}
	var sets []string
	for _, mode := range blindModes {
		total[mode.name] = &blindScore{}
		for _, lang := range langs {
			sc := &blindScore{}
			for n, e := range byLang[lang] {
				cat, cause, _ := strings.Cut(e.Label, "/")
				for si, shape := range stringShapes {
					td, ld := shape.build(lang, n*len(stringShapes)+si, e)
					fx := blindFixture{name: fmt.Sprintf("%s/%d/%s", lang, n, shape.name), traces: td, logs: ld, hasLogs: ld.LogRecordCount() > 0}
					id := stringSpanID(n*len(stringShapes)+si, 1).String()
					require.NoError(t, json.Unmarshal(fmt.Appendf(nil, `{"spans":{%q:{"service":%q,"category":%q,"cause":%q}}}`, id, "strings-"+lang, cat, cause), &fx.labels))
					o := replayBlind(t, fx, mode.feed)
					for i := range o.misses {
						o.misses[i] = fmt.Sprintf("%s %s: %q %q (%s)", fx.name, o.misses[i], e.Type, firstLine(e.Message), e.Source)
					}
					sc.add(o)
					sc.fixtures++
					key := mode.name + " " + shape.name
					if perShape[key] == nil {
						perShape[key] = &blindScore{}
					}
					perShape[key].add(o)
					perShape[key].fixtures++
					setKey := mode.name + " " + e.set()
					if perSet[setKey] == nil {
						perSet[setKey] = &blindScore{}
						if mode.name == blindModes[0].name {
							sets = append(sets, e.set())
						}
					}
					perSet[setKey].add(o)
					perSet[setKey].fixtures++
				}
			}
			report = append(report, sc.row(lang, mode.name))
			total[mode.name].merge(sc)
			if os.Getenv("EDX_STRINGS_MISSES") != "" && mode.name == blindModes[0].name {
				for _, m := range sc.misses {
					t.Logf("miss %s", m)
				}
			}
		}
	}
	slices.Sort(sets)
	for _, mode := range blindModes {
		for _, set := range sets {
			report = append(report, perSet[mode.name+" "+set].row(set, mode.name))
		}
		for _, shape := range stringShapes {
			report = append(report, perShape[mode.name+" "+shape.name].row("shape "+shape.name, mode.name))
		}
		report = append(report, total[mode.name].row("all", mode.name))
	}
	rows := 0
	for _, l := range langs {
		rows += len(byLang[l])
	}
	t.Logf("published errors (testdata/strings, %d rows × %d shapes, default config)\n| set | replay | traces | macro-F1 | accuracy | coverage | nothing else marked |\n|---|---|---|---|---|---|---|\n%s",
		rows, len(stringShapes), strings.Join(report, "\n"))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
