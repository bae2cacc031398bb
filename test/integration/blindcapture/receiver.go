package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// receiver is an OTLP/HTTP endpoint that keeps every trace and log export
// request as it came (protobuf or JSON) and answers metrics with success.
type receiver struct {
	addr string
	srv  *http.Server
	mu   sync.Mutex
	reqs []ptrace.Traces
	logs []plog.Logs
}

func startReceiver() (*receiver, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{addr: l.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", r.handleTraces)
	mux.HandleFunc("/v1/logs", r.handleLogs)
	mux.HandleFunc("/v1/metrics", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(l) }()
	return r, nil
}

func (r *receiver) handleTraces(w http.ResponseWriter, req *http.Request) {
	er := ptraceotlp.NewExportRequest()
	if !readExport(w, req, er) {
		return
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, er.Traces())
	r.mu.Unlock()
	resp, _ := ptraceotlp.NewExportResponse().MarshalProto()
	writeResponse(w, resp)
}

func (r *receiver) handleLogs(w http.ResponseWriter, req *http.Request) {
	er := plogotlp.NewExportRequest()
	if !readExport(w, req, er) {
		return
	}
	r.mu.Lock()
	r.logs = append(r.logs, er.Logs())
	r.mu.Unlock()
	resp, _ := plogotlp.NewExportResponse().MarshalProto()
	writeResponse(w, resp)
}

// exportRequest is an OTLP export request of any signal.
type exportRequest interface {
	UnmarshalJSON([]byte) error
	UnmarshalProto([]byte) error
}

// readExport decodes the request's body, JSON or protobuf as its content
// type says, into er; on failure it answers 400 and reports false.
func readExport(w http.ResponseWriter, req *http.Request, er exportRequest) bool {
	body, err := io.ReadAll(req.Body)
	if err == nil {
		if req.Header.Get("Content-Type") == "application/json" {
			err = er.UnmarshalJSON(body)
		} else {
			err = er.UnmarshalProto(body)
		}
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func writeResponse(w http.ResponseWriter, resp []byte) {
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(resp)
}

// logRequests is every log export request received so far.
func (r *receiver) logRequests() []plog.Logs {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]plog.Logs(nil), r.logs...)
}

// traces is every request received so far.
func (r *receiver) traces() []ptrace.Traces {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ptrace.Traces(nil), r.reqs...)
}

// awaitEntries waits until the server span of every sent request has come.
func (r *receiver) awaitEntries(sent []request, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		missing := 0
		var example string
		got := entrySpans(r.traces())
		for _, s := range sent {
			if _, ok := got[s.parent]; !ok {
				missing++
				example = s.c.Name
			}
		}
		if missing == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d requests have no server span after %s (e.g. %s)", missing, len(sent), timeout, example)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (r *receiver) close() { _ = r.srv.Close() }
