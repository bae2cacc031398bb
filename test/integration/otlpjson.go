package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Span is the part of an exported span the assertions need.
type Span struct {
	TraceID, SpanID, ParentID string
	Service, Name             string
	Kind                      int // 2 server, 3 client
	StatusCode                int // 2 error
	StatusMessage             string
	Attrs                     map[string]string
	Resource                  map[string]string // the resource's attributes
	Events                    []Event
}

// Event is a span event (exception).
type Event struct {
	Name  string
	Attrs map[string]string
}

// HTTPStatus returns the HTTP response status code of the span, or 0.
func (s *Span) HTTPStatus() int {
	for _, k := range []string{"http.response.status_code", "http.status_code"} {
		if v, ok := s.Attrs[k]; ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// Diagnosis returns the diagnosis.* attributes of the span.
func (s *Span) Diagnosis() map[string]string {
	out := map[string]string{}
	for k, v := range s.Attrs {
		if strings.HasPrefix(k, "diagnosis.") {
			out[k] = v
		}
	}
	return out
}

// Exceptions summarises the exception events (type: message).
func (s *Span) Exceptions() []string {
	var out []string
	for _, e := range s.Events {
		if e.Name == "exception" {
			out = append(out, e.Attrs["exception.type"]+": "+e.Attrs["exception.message"])
		}
	}
	return out
}

type anyValue struct {
	StringValue *string  `json:"stringValue"`
	IntValue    *string  `json:"intValue"`
	DoubleValue *float64 `json:"doubleValue"`
	BoolValue   *bool    `json:"boolValue"`
}

func (v anyValue) String() string {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.IntValue != nil:
		return *v.IntValue
	case v.DoubleValue != nil:
		return strconv.FormatFloat(*v.DoubleValue, 'g', -1, 64)
	case v.BoolValue != nil:
		return strconv.FormatBool(*v.BoolValue)
	}
	return ""
}

type keyValue struct {
	Key   string   `json:"key"`
	Value anyValue `json:"value"`
}

func attrMap(kvs []keyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.String()
	}
	return m
}

type exportRequest struct {
	ResourceSpans []struct {
		Resource struct {
			Attributes []keyValue `json:"attributes"`
		} `json:"resource"`
		ScopeSpans []struct {
			Spans []struct {
				TraceID      string     `json:"traceId"`
				SpanID       string     `json:"spanId"`
				ParentSpanID string     `json:"parentSpanId"`
				Name         string     `json:"name"`
				Kind         int        `json:"kind"`
				Attributes   []keyValue `json:"attributes"`
				Events       []struct {
					Name       string     `json:"name"`
					Attributes []keyValue `json:"attributes"`
				} `json:"events"`
				Status struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"status"`
			} `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

// spans are the spans of the request, each with its resource's attributes.
func (req exportRequest) spans() []*Span {
	var out []*Span
	for _, rs := range req.ResourceSpans {
		res := attrMap(rs.Resource.Attributes)
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				s := &Span{TraceID: strings.ToLower(sp.TraceID), SpanID: sp.SpanID, ParentID: sp.ParentSpanID,
					Service: res["service.name"], Name: sp.Name, Kind: sp.Kind, StatusCode: sp.Status.Code,
					StatusMessage: sp.Status.Message, Attrs: attrMap(sp.Attributes), Resource: res}
				for _, e := range sp.Events {
					s.Events = append(s.Events, Event{Name: e.Name, Attrs: attrMap(e.Attributes)})
				}
				out = append(out, s)
			}
		}
	}
	return out
}

// ReadSpans parses the file exporter's JSON lines output, grouped by trace ID.
func ReadSpans(path string) (map[string][]*Span, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	out := map[string][]*Span{}
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var req exportRequest
		if err := json.Unmarshal(line, &req); err != nil {
			// the last line may be partially written
			continue
		}
		for _, s := range req.spans() {
			out[s.TraceID] = append(out[s.TraceID], s)
			n++
		}
	}
	if err := sc.Err(); err != nil {
		return out, n, fmt.Errorf("read %s: %w", path, err)
	}
	return out, n, nil
}
