// Command loadgen is the load generator of test/loadtest/run.sh.
//
//	loadgen freeport                 print a free loopback TCP port
//	loadgen run -target URL -sink-port P -pid PID [-duration 30s] ...
//	loadgen metrics -target URL -sink-port P -pid PID [-duration 30s] ...  (see metrics.go)
//	loadgen soak -target URL -sink-port P -pid PID -metrics URL [-duration 10m] ...  (see soak.go)
//
// run pre-encodes OTLP/HTTP protobuf export requests of realistic traces
// (1,000 spans each, 1 % of the traces with an HTTP 500, from the benchmark
// workload) and replays them with a few concurrent senders, as fast as the
// collector accepts them, for a bounded time. Every replay of a request gets
// new trace ids (bytes patched in place), so no trace id repeats. The
// collector exports to the sink served here (OTLP/HTTP), which counts spans
// by walking the protobuf wire format (no unmarshalling). At the end it waits
// for the sink to receive every accepted span (bounded), reads the
// collector's CPU time (/proc/PID/stat) and peak RSS (VmHWM) and prints one
// result line. Loopback only.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/errordiagnosis/errordiagnosisprocessor/test/benchmarks/workload"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen freeport | run [flags] | metrics [flags] | soak [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "freeport":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(l.Addr().(*net.TCPAddr).Port)
		_ = l.Close()
	case "run":
		if err := run(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	case "metrics":
		if err := runMetrics(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen metrics:", err)
			os.Exit(1)
		}
	case "soak":
		if err := soak(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen soak:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: loadgen freeport | run [flags] | metrics [flags] | soak [flags]")
		os.Exit(2)
	}
}

// request is a pre-encoded export request and the offsets of its trace ids.
type request struct {
	body    []byte
	idOffs  []int // start of each span's 16-byte trace id in body
	spans   int
	replays uint32
}

// encode marshals a batch and finds its trace ids: every span's trace_id is
// field 1 of Span (tag 0x0a, length 0x10) and starts with the builder's
// 0x5e 0xed prefix.
func encode(td ptrace.Traces) (*request, error) {
	var m ptrace.ProtoMarshaler
	body, err := m.MarshalTraces(td)
	if err != nil {
		return nil, err
	}
	r := &request{body: body, spans: td.SpanCount()}
	r.idOffs = offsets(body, []byte{0x0a, 0x10, 0x5e, 0xed}, 2)
	if len(r.idOffs) != r.spans {
		return nil, fmt.Errorf("found %d trace ids for %d spans", len(r.idOffs), r.spans)
	}
	return r, nil
}

// offsets returns where each occurrence of pat in body starts, plus skip
// (the length of the tag before the value to patch).
func offsets(body, pat []byte, skip int) []int {
	var out []int
	for off := 0; ; {
		i := bytes.Index(body[off:], pat)
		if i < 0 {
			return out
		}
		out = append(out, off+i+skip)
		off += i + len(pat)
	}
}

// regenerate gives the request's trace ids a new generation (bytes 2..4,
// zero in the workload), as workload.SetGeneration does.
func (r *request) regenerate(gen uint32) {
	for _, off := range r.idOffs {
		r.body[off+2] = byte(gen >> 16)
		r.body[off+3] = byte(gen >> 8)
		r.body[off+4] = byte(gen)
	}
}

// countSpans counts the spans of an OTLP ExportTraceServiceRequest:
// resource_spans (1) > scope_spans (2) > spans (2).
func countSpans(b []byte) (int, error) {
	n := 0
	err := walk(b, 1, func(rs []byte) error {
		return walk(rs, 2, func(ss []byte) error {
			return walk(ss, 2, func([]byte) error { n++; return nil })
		})
	})
	return n, err
}

// walk calls f on every length-delimited field number num of message b.
func walk(b []byte, num protowire.Number, f func([]byte) error) error {
	return walkFields(b, func(n protowire.Number, v []byte) error {
		if n != num {
			return nil
		}
		return f(v)
	})
}

type procStat struct {
	cpu   time.Duration // utime + stime
	hwmKB int64
}

func readProc(pid int) (procStat, error) {
	var st procStat
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return st, err
	}
	// Fields after the command name (which is in parentheses).
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return st, errors.New("short /proc stat")
	}
	ut, _ := strconv.ParseInt(fields[11], 10, 64)  // field 14 utime
	stt, _ := strconv.ParseInt(fields[12], 10, 64) // field 15 stime
	const clkTck = 100                             // sysconf(_SC_CLK_TCK) on Linux
	st.cpu = time.Duration(ut+stt) * time.Second / clkTck
	b, err = os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return st, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				st.hwmKB, _ = strconv.ParseInt(f[1], 10, 64)
			}
		}
	}
	return st, nil
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	target := fs.String("target", "", "OTLP/HTTP traces URL of the collector, e.g. http://127.0.0.1:PORT/v1/traces")
	sinkPort := fs.Int("sink-port", 0, "loopback port of the counting sink")
	pid := fs.Int("pid", 0, "collector process id, for CPU and peak RSS")
	duration := fs.Duration("duration", 30*time.Second, "how long to send")
	senders := fs.Int("senders", 4, "concurrent senders")
	batches := fs.Int("batches", 64, "distinct pre-encoded requests")
	spans := fs.Int("spans", workload.BatchSize, "spans per request (SDK batch span processors send at most 512, the batch processor 8,192)")
	pct := fs.Float64("pct", 1, "percentage of traces with an HTTP 500")
	shape := fs.String("shape", string(workload.Mixed), "what the 500 traces fail with: mixed (every failing scenario in turn) or dbdown (one shared cause: PostgreSQL refuses connections)")
	drain := fs.Duration("drain", 20*time.Second, "longest wait for the sink after sending")
	label := fs.String("label", "run", "label of the result line")
	countDiagnoses := fs.Bool("diagnoses", false, "count the diagnosed spans the sink receives, and those without evidence (diagnoses.go)")
	_ = fs.Parse(args)
	if *target == "" || *sinkPort == 0 || *pid == 0 {
		return errors.New("-target, -sink-port and -pid are required")
	}

	sink, err := startSink(*sinkPort, *countDiagnoses)
	if err != nil {
		return err
	}
	defer sink.close()
	received, sinkErrs, sinkBytes := &sink.spans, &sink.errs, &sink.bytes

	// The requests.
	if *shape != string(workload.Mixed) && *shape != string(workload.SharedCause) {
		return fmt.Errorf("-shape %q: want mixed or dbdown", *shape)
	}
	tds, stats := workload.BatchesShaped(*batches, *spans, *pct, 7, workload.Shape(*shape))
	reqs := make([]*request, len(tds))
	for i, td := range tds {
		if reqs[i], err = encode(td); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "loadgen: %d requests of %d spans, shape %s: %s\n", len(reqs), *spans, *shape, stats)

	client := newClient(*senders)
	if err := waitReady(client, *target); err != nil {
		return err
	}

	before, err := readProc(*pid)
	if err != nil {
		return err
	}
	start := time.Now()
	sent, rejected, failed := replay(*senders, *duration, len(reqs), func(i int) ([]byte, int64) {
		r := reqs[i]
		r.replays++
		r.regenerate(r.replays)
		return r.body, int64(r.spans)
	}, func(body []byte) (bool, error) { return post(client, *target, body) })
	elapsed := time.Since(start)
	sendEnd, err := readProc(*pid)
	if err != nil {
		return err
	}
	// Drain: held spans come out after wait_duration.
	drainStart := time.Now()
	for received.Load() < sent && time.Since(drainStart) < *drain {
		time.Sleep(20 * time.Millisecond)
	}
	after, err := readProc(*pid)
	if err != nil {
		return err
	}
	cpuSend := sendEnd.cpu - before.cpu
	cpuAll := after.cpu - before.cpu
	in, out := sent, received.Load()
	counted := ""
	if *countDiagnoses {
		counted = fmt.Sprintf(" diagnosed=%d no_evidence=%d", sink.diagnosed.Load(), sink.noEvidence.Load())
	}
	fmt.Printf("%s: sent_spans=%d received_spans=%d in_eq_out=%t rejected_spans=%d failed_spans=%d seconds=%.1f spans_per_s=%.0f collector_cpu_s=%.2f collector_cpu_s_with_drain=%.2f cpu_us_per_span=%.2f peak_rss_mb=%.1f sink_errors=%d drain_s=%.1f out_bytes_per_span=%.1f%s\n",
		*label, in, out, in == out, rejected, failed, elapsed.Seconds(), float64(in)/elapsed.Seconds(),
		cpuSend.Seconds(), cpuAll.Seconds(), float64(cpuAll.Microseconds())/float64(max(in, 1)), float64(after.hwmKB)/1024, sinkErrs.Load(), time.Since(drainStart).Seconds(),
		float64(sinkBytes.Load())/float64(max(out, 1)), counted)
	if in != out {
		return fmt.Errorf("spans in %d != spans out %d", in, out)
	}
	return nil
}

// newClient is the senders' HTTP client: one connection per sender, no
// compression.
func newClient(senders int) *http.Client {
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: senders, MaxConnsPerHost: senders, DisableCompression: true},
	}
}

// post sends an OTLP/HTTP protobuf export request; ok is a 200.
func post(c *http.Client, url string, body []byte) (bool, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := c.Do(req)
	if err != nil {
		return false, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

// replay sends n pre-encoded requests in turn with senders concurrent
// senders for duration; prepare(i) readies request i for its next replay
// and returns its body and item count. Sender s owns the requests s,
// s+senders, ...: it patches them in place. Requests are never cut: a
// sender starts no new request after the deadline, and every request it
// started is counted, as accepted (sent), refused or failed.
func replay(senders int, duration time.Duration, n int, prepare func(i int) ([]byte, int64), send func([]byte) (bool, error)) (sent, rejected, failed int64) {
	var s, r, f atomic.Int64
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for k := 0; k < senders; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for i := k; time.Now().Before(deadline); i += senders {
				body, items := prepare(i % n)
				ok, err := send(body)
				switch {
				case err != nil:
					f.Add(items)
				case ok:
					s.Add(items)
				default:
					r.Add(items)
				}
			}
		}(k)
	}
	wg.Wait()
	return s.Load(), r.Load(), f.Load()
}

// sink is the counting OTLP/HTTP traces receiver the collector exports to.
type sink struct {
	// bytes are the request bodies' (the exporter sends them uncompressed).
	spans, errs, bytes atomic.Int64
	// diagnosed and noEvidence are counted when diagnoses is set.
	diagnosed, noEvidence atomic.Int64
	srv                   *http.Server
}

func startSink(port int, countDiagnoses bool) (*sink, error) {
	s := &sink{}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			s.errs.Add(1)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n, err := countSpans(body)
		if err != nil {
			s.errs.Add(1)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if countDiagnoses {
			d, none, err := diagnoses(body)
			if err != nil {
				s.errs.Add(1)
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			s.diagnosed.Add(int64(d))
			s.noEvidence.Add(int64(none))
		}
		s.spans.Add(int64(n))
		s.bytes.Add(int64(len(body)))
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	})
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, err
	}
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *sink) close() { _ = s.srv.Close() }
