package main

// loadgen soak: the mixed load of make soak (test/soak/run.sh) against a
// running collector, for a long time, with the collector's RSS and the
// processor's gauges sampled every second.
//
// Four senders run at once, each at a fixed rate:
//   - calm: batches of 1,000 spans of realistic traces, 1 % with a 500;
//   - bursts: every -burst-every, for -burst-for, batches in which every
//     trace has a 500;
//   - never-ending: -never traces that never end, each receiving spans at
//     -never-every: half of them 500 server spans with no conclusive
//     evidence (held for wait_duration), half internal spans that failed
//     with an exception;
//   - split: failing traces sent in two requests -split-gap apart, the 500
//     server spans first (they wait for their evidence) or last, in turn.
//
// At the end it waits for the sink to receive every span the collector
// accepted, then judges: spans in == spans out, nothing refused, and the
// RSS after the warm-up flat (least-squares growth over the window and the
// last minute's median against the first's, both under -max-growth-mb).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/test/benchmarks/workload"
)

// soakSample is one second of the soak.
type soakSample struct {
	at                  time.Duration
	rssMB               float64
	held, traces        float64 // the processor's gauges
	sent, received      int64   // spans accepted by the collector, spans at the sink
	accepted, heldSent  float64 // receiver accepted spans, processor held_spans_sent
	earlyReleased, diag float64
}

type soakCounters struct {
	sent, rejected, failed atomic.Int64
	requests               atomic.Int64
}

func soak(args []string) error {
	fs := flag.NewFlagSet("soak", flag.ExitOnError)
	target := fs.String("target", "", "OTLP/HTTP traces URL of the collector")
	sinkPort := fs.Int("sink-port", 0, "loopback port of the counting sink")
	pid := fs.Int("pid", 0, "collector process id, for its RSS")
	metricsURL := fs.String("metrics", "", "the collector's Prometheus self-telemetry URL")
	duration := fs.Duration("duration", 10*time.Minute, "how long to send")
	warmup := fs.Duration("warmup", 2*time.Minute, "samples before this are not judged")
	calmRate := fs.Float64("calm-rate", 2, "calm requests (1,000 spans, 1 % failing traces) per second")
	burstEvery := fs.Duration("burst-every", 30*time.Second, "period of the 500 bursts")
	burstFor := fs.Duration("burst-for", 5*time.Second, "length of a burst")
	burstRate := fs.Float64("burst-rate", 4, "burst requests (1,000 spans, every trace failing) per second")
	never := fs.Int("never", 3, "never-ending traces")
	neverSpans := fs.Int("never-spans", 100, "spans per request of a never-ending trace")
	neverEvery := fs.Duration("never-every", 100*time.Millisecond, "interval between requests of one never-ending trace")
	splitRate := fs.Float64("split-rate", 10, "failing traces split across two requests, per second")
	splitGap := fs.Duration("split-gap", time.Second, "time between the two requests of a split trace")
	drain := fs.Duration("drain", 30*time.Second, "longest wait for the sink after sending (wait_duration and more)")
	maxGrowth := fs.Float64("max-growth-mb", 16, "largest RSS growth after the warm-up, MB")
	samplesOut := fs.String("samples", "", "file to write the per-second samples to (TSV)")
	_ = fs.Parse(args)
	if *target == "" || *sinkPort == 0 || *pid == 0 || *metricsURL == "" {
		return errors.New("-target, -sink-port, -pid and -metrics are required")
	}

	sink, err := startSink(*sinkPort, false)
	if err != nil {
		return err
	}
	defer sink.close()

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true},
	}
	var cnt soakCounters
	var marshaler ptrace.ProtoMarshaler
	send := func(td ptrace.Traces) {
		body, err := marshaler.MarshalTraces(td)
		if err != nil {
			panic(err) // our own batches
		}
		n := int64(td.SpanCount())
		req, err := http.NewRequest(http.MethodPost, *target, bytes.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Content-Type", "application/x-protobuf")
		cnt.requests.Add(1)
		resp, err := client.Do(req)
		if err != nil {
			cnt.failed.Add(n)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			cnt.sent.Add(n)
		} else {
			cnt.rejected.Add(n)
		}
	}
	if err := waitReady(client, *target); err != nil {
		return err
	}

	calm, calmStats := workload.Batches(32, 1, 7)
	burst, burstStats := workload.Batches(16, 100, 8)
	fmt.Fprintf(os.Stderr, "loadgen soak: calm batches: %s\nloadgen soak: burst batches: %s\n", calmStats, burstStats)

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	every := func(interval time.Duration, f func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(interval)
			defer t.Stop()
			for i := 0; ; i++ {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					f(i)
				}
			}
		}()
	}
	rate := func(perSecond float64) time.Duration { return time.Duration(float64(time.Second) / perSecond) }

	// Generations give every replay of a batch trace ids never seen before.
	var gen atomic.Uint32
	every(rate(*calmRate), func(i int) {
		td := calm[i%len(calm)]
		workload.SetGeneration(td, gen.Add(1))
		send(td)
	})
	every(rate(*burstRate), func(i int) {
		if time.Since(start)%*burstEvery >= *burstFor {
			return
		}
		td := burst[i%len(burst)]
		workload.SetGeneration(td, gen.Add(1))
		send(td)
	})
	for n := range *never {
		var next uint64
		every(*neverEvery, func(int) {
			send(neverEndingBatch(uint64(n), &next, *neverSpans))
		})
	}
	every(rate(*splitRate), func(i int) {
		td := ptrace.NewTraces()
		workload.AppendFailing(td, i, 9)
		workload.SetGeneration(td, gen.Add(1))
		servers, rest := splitServers(td)
		first, second := servers, rest
		if i%2 == 1 {
			first, second = rest, servers
		}
		send(first)
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(*splitGap) // sent even after the end: the trace is completed
			send(second)
		}()
	})

	// Samples, every second, until the sink has everything after the end.
	var samples []soakSample
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	sample := func() error {
		rss, err := readRSS(*pid)
		if err != nil {
			return err
		}
		m, err := scrape(client, *metricsURL)
		if err != nil {
			return err
		}
		s := soakSample{
			at: time.Since(start), rssMB: rss, sent: cnt.sent.Load(), received: sink.spans.Load(),
			held:          m["otelcol_processor_errordiagnosis_spans_held"],
			traces:        m["otelcol_processor_errordiagnosis_evidence_cache_traces"],
			accepted:      m["otelcol_receiver_accepted_spans"],
			heldSent:      m["otelcol_processor_errordiagnosis_held_spans_sent"],
			earlyReleased: m["otelcol_processor_errordiagnosis_spans_early_released"],
			diag:          m["otelcol_processor_errordiagnosis_spans_diagnosed"],
		}
		samples = append(samples, s)
		if len(samples)%30 == 0 {
			fmt.Fprintf(os.Stderr, "loadgen soak: %4.0fs rss %.1f MB, held %.0f, traces %.0f, spans sent %d, received %d, diagnosed %.0f, early released %.0f\n",
				s.at.Seconds(), s.rssMB, s.held, s.traces, s.sent, s.received, s.diag, s.earlyReleased)
		}
		return nil
	}
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
			if err := sample(); err != nil {
				return err
			}
		}
	}
	wg.Wait()
	sending := time.Since(start)
	drainStart := time.Now()
	for sink.spans.Load() < cnt.sent.Load() && time.Since(drainStart) < *drain {
		<-tick.C
		if err := sample(); err != nil {
			return err
		}
	}
	if err := sample(); err != nil {
		return err
	}
	if *samplesOut != "" {
		if err := writeSamples(*samplesOut, samples); err != nil {
			return err
		}
	}
	return judge(samples, &cnt, sink, sending, *duration, *warmup, *maxGrowth)
}

func judge(samples []soakSample, cnt *soakCounters, sink *sink, sending, duration, warmup time.Duration, maxGrowth float64) error {
	var xs, rss []float64
	var maxHeld, maxTraces float64
	for _, s := range samples {
		maxHeld, maxTraces = max(maxHeld, s.held), max(maxTraces, s.traces)
		if s.at >= warmup && s.at <= duration {
			xs = append(xs, s.at.Seconds())
			rss = append(rss, s.rssMB)
		}
	}
	if len(rss) < 120 {
		return fmt.Errorf("%d samples after the warm-up: run longer than the warm-up by at least 2 minutes", len(rss))
	}
	window := xs[len(xs)-1] - xs[0]
	fitted := leastSquaresSlope(xs, rss) * window
	firstMin, lastMin := median(rss[:60]), median(rss[len(rss)-60:])
	last := samples[len(samples)-1]
	in, out := cnt.sent.Load(), sink.spans.Load()
	fmt.Printf("soak: sent %.0fs, %d requests; spans in %d, out %d, in_eq_out=%t; rejected %d, failed %d, sink errors %d; "+
		"RSS after %.0fs warm-up: min %.1f MB, max %.1f MB, first minute median %.1f MB, last minute median %.1f MB, least-squares growth %+.1f MB over %.0fs; "+
		"peak gauges: spans_held %.0f, evidence_cache_traces %.0f; diagnosed %.0f, early released %.0f, held spans sent %.0f\n",
		sending.Seconds(), cnt.requests.Load(), in, out, in == out, cnt.rejected.Load(), cnt.failed.Load(), sink.errs.Load(),
		warmup.Seconds(), slices.Min(rss), slices.Max(rss), firstMin, lastMin, fitted, window,
		maxHeld, maxTraces, last.diag, last.earlyReleased, last.heldSent)
	var errs []error
	if in != out {
		errs = append(errs, fmt.Errorf("spans in %d != spans out %d", in, out))
	}
	if cnt.rejected.Load() != 0 || cnt.failed.Load() != 0 || sink.errs.Load() != 0 {
		errs = append(errs, errors.New("requests were refused or failed"))
	}
	if fitted > maxGrowth {
		errs = append(errs, fmt.Errorf("RSS grew by %.1f MB (least squares) after the warm-up, more than %.0f MB", fitted, maxGrowth))
	}
	if lastMin-firstMin > maxGrowth {
		errs = append(errs, fmt.Errorf("RSS last minute median %.1f MB is %.1f MB above the first minute's after the warm-up, more than %.0f MB", lastMin, lastMin-firstMin, maxGrowth))
	}
	return errors.Join(errs...)
}

// neverEndingBatch is the next request of never-ending trace n: spans 500
// server spans with no conclusive evidence, each followed by an internal
// child that failed with an exception.
func neverEndingBatch(n uint64, next *uint64, spans int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", fmt.Sprintf("stream-%d", n))
	rs.Resource().Attributes().PutStr("telemetry.sdk.language", "java")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("io.opentelemetry.tomcat-10.0")
	var tid pcommon.TraceID
	binary.BigEndian.PutUint64(tid[:8], 0x50a4_0000_0000_0000|n)
	binary.BigEndian.PutUint64(tid[8:], 0x9e3779b97f4a7c15*(n+1))
	now := pcommon.NewTimestampFromTime(time.Now())
	var parent pcommon.SpanID
	for k := range spans {
		*next++
		var sid pcommon.SpanID
		binary.BigEndian.PutUint64(sid[:], *next<<8|n)
		sp := ss.Spans().AppendEmpty()
		sp.SetTraceID(tid)
		sp.SetSpanID(sid)
		sp.SetStartTimestamp(now)
		sp.SetEndTimestamp(now)
		sp.Status().SetCode(ptrace.StatusCodeError)
		if k%2 == 0 {
			sp.SetName("GET /stream/{id}")
			sp.SetKind(ptrace.SpanKindServer)
			sp.Attributes().PutInt("http.response.status_code", 500)
			sp.Attributes().PutStr("http.route", "/stream/{id}")
			parent = sid
			continue
		}
		sp.SetParentSpanID(parent)
		sp.SetName("StreamService.next")
		sp.SetKind(ptrace.SpanKindInternal)
		ev := sp.Events().AppendEmpty()
		ev.SetName("exception")
		ev.Attributes().PutStr("exception.type", "java.lang.IllegalStateException")
		ev.Attributes().PutStr("exception.message", "stream state is inconsistent")
	}
	return td
}

// splitServers moves the server spans of td into one Traces and the other
// spans into another, each with copies of their resource and scope.
func splitServers(td ptrace.Traces) (servers, rest ptrace.Traces) {
	servers, rest = ptrace.NewTraces(), ptrace.NewTraces()
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		src := rss.At(i)
		for _, out := range []ptrace.Traces{servers, rest} {
			isServers := out == servers
			rs := out.ResourceSpans().AppendEmpty()
			src.Resource().CopyTo(rs.Resource())
			for j := 0; j < src.ScopeSpans().Len(); j++ {
				srcSS := src.ScopeSpans().At(j)
				ss := rs.ScopeSpans().AppendEmpty()
				srcSS.Scope().CopyTo(ss.Scope())
				for k := 0; k < srcSS.Spans().Len(); k++ {
					if sp := srcSS.Spans().At(k); (sp.Kind() == ptrace.SpanKindServer) == isServers {
						sp.CopyTo(ss.Spans().AppendEmpty())
					}
				}
			}
		}
	}
	for _, out := range []ptrace.Traces{servers, rest} {
		out.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
			rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool { return ss.Spans().Len() == 0 })
			return rs.ScopeSpans().Len() == 0
		})
	}
	return servers, rest
}

func waitReady(client *http.Client, target string) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := client.Post(target, "application/x-protobuf", nil)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("the collector did not answer within 30s")
}

// readRSS returns the resident set size of a process, in MB (VmRSS).
func readRSS(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// scrape reads a Prometheus text exposition: the sum of the samples of each
// metric name, whatever their labels.
func scrape(client *http.Client, url string) (map[string]float64, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name = line[:i]
			rest = line[strings.LastIndexByte(line, '}')+2:]
		}
		if v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64); err == nil {
			m[name] += v
		}
	}
	return m, sc.Err()
}

func writeSamples(path string, samples []soakSample) error {
	var b strings.Builder
	b.WriteString("seconds\trss_mb\tspans_held\tevidence_cache_traces\tspans_sent\tspans_received\treceiver_accepted\theld_spans_sent\tearly_released\tdiagnosed\n")
	for _, s := range samples {
		fmt.Fprintf(&b, "%.0f\t%.1f\t%.0f\t%.0f\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.0f\n",
			s.at.Seconds(), s.rssMB, s.held, s.traces, s.sent, s.received, s.accepted, s.heldSent, s.earlyReleased, s.diag)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func leastSquaresSlope(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx, sy, sxx, sxy = sx+x[i], sy+y[i], sxx+x[i]*x[i], sxy+x[i]*y[i]
	}
	if d := n*sxx - sx*sx; d != 0 {
		return (n*sxy - sx*sy) / d
	}
	return 0
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
