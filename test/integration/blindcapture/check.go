package main

import (
	"fmt"
	"reflect"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// checkDiagnosed compares what the collector's errordiagnosis pipeline wrote
// with what the SDK sent, trace by trace of the sent requests: every span
// came out once, every labelled 500 server span carries a diagnosis, no other
// span changed. Those are failures; category and cause against the labels
// are counted and reported, not asserted: the blind score is a measurement.
func checkDiagnosed(sent []request, raw, diagnosed []ptrace.Traces) (report string, err error) {
	var problems []string
	exact, labelled, covered := 0, 0, 0
	for _, r := range sent {
		in := spansByID(ofTrace(raw, r.trace))
		out := spansByID(ofTrace(diagnosed, r.trace))
		fx, lerr := label(r, ofTrace(raw, r.trace))
		if lerr != nil {
			return "", lerr
		}
		if n, m := countSpans(ofTrace(raw, r.trace)), countSpans(ofTrace(diagnosed, r.trace)); n != m {
			problems = append(problems, fmt.Sprintf("%s #%d: %d spans sent, %d written", r.c.Name, r.n, n, m))
		}
		for id, s := range in {
			o, ok := out[id]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s #%d: span %s (%s) lost", r.c.Name, r.n, id, s.Name()))
				continue
			}
			got := o.Attributes().AsRaw()
			var cat, cause string
			for k, v := range got {
				if strings.HasPrefix(k, "diagnosis.") {
					delete(got, k)
				}
				switch k {
				case "diagnosis.category":
					cat = fmt.Sprint(v)
				case "diagnosis.cause":
					cause = fmt.Sprint(v)
				}
			}
			if !reflect.DeepEqual(s.Attributes().AsRaw(), got) {
				problems = append(problems, fmt.Sprintf("%s #%d: span %s (%s) changed outside diagnosis.*", r.c.Name, r.n, id, s.Name()))
			}
			l, isLabelled := fx.Spans[id]
			switch {
			case !isLabelled && cat != "":
				problems = append(problems, fmt.Sprintf("%s #%d: span %s (%s) is no 500 server span and was diagnosed", r.c.Name, r.n, id, s.Name()))
			case isLabelled:
				labelled++
				if cat != "" {
					covered++
				} else {
					problems = append(problems, fmt.Sprintf("%s #%d: 500 server span %s (%s) not diagnosed", r.c.Name, r.n, id, s.Name()))
				}
				if cat == l.Category && cause == l.Cause {
					exact++
				}
			}
		}
	}
	report = fmt.Sprintf("%d requests: %d/%d 500 server spans diagnosed, %d/%d as labelled (category and cause; not asserted)",
		len(sent), covered, labelled, exact, labelled)
	if len(problems) > 0 {
		return report, fmt.Errorf("%s\n%s", report, strings.Join(problems, "\n"))
	}
	return report, nil
}

func spansByID(reqs []ptrace.Traces) map[string]ptrace.Span {
	out := map[string]ptrace.Span{}
	eachSpan(reqs, func(_ ptrace.ResourceSpans, _ ptrace.ScopeSpans, s ptrace.Span) { out[s.SpanID().String()] = s })
	return out
}

func countSpans(reqs []ptrace.Traces) int {
	n := 0
	for _, td := range reqs {
		n += td.SpanCount()
	}
	return n
}
