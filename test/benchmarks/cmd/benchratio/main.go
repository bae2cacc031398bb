// Command benchratio reads `go test -bench` output of the test/benchmarks
// module and prints the ratios that issue 5 sets targets for, from the
// medians of each benchmark's runs (all measured in the same run):
//
//   - BenchmarkTraces: errordiagnosis ns/span against the floor and against
//     transformprocessor, per workload (targets at 0 % and 1 %: <= 1.5x the
//     floor and <= 0.5x transform), and the writes peer against the floor
//     (the attribute contract alone);
//   - BenchmarkAllocScaling: allocations per extra non-target span (target 0);
//   - BenchmarkCrossBatch / BenchmarkCrossBatchHeap: errordiagnosis alone
//     against groupbytrace + errordiagnosis at the same wait (targets at 1 %:
//     throughput >= 2x, heap <= 0.1x).
//
// It exits 0 whatever the outcome: the benchmarks inform, they do not gate.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// samples[name][unit] = values
type samples map[string]map[string][]float64

var procSuffix = regexp.MustCompile(`-\d+$`)

func read(path string) (samples, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := samples{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(fields[0], "")
		if s[name] == nil {
			s[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			s[name][fields[i+1]] = append(s[name][fields[i+1]], v)
		}
	}
	return s, sc.Err()
}

func (s samples) median(name, unit string) (float64, bool) {
	vs := append([]float64(nil), s[name][unit]...)
	if len(vs) == 0 {
		return 0, false
	}
	sort.Float64s(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2], true
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2, true
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: benchratio RAW_BENCH_OUTPUT")
		os.Exit(2)
	}
	s, err := read(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}

	for _, unit := range []string{"cpu-ns/span", "ns/span"} {
		fmt.Printf("## %s (BenchmarkTraces medians) and ratios, same run\n", unit)
		fmt.Printf("%-13s %9s %9s %9s %9s %9s | %-24s %-24s %-12s\n", "load", "floor", "writes", "transform", "ed_wait0", "ed_wait5s", "ed/floor (<= 1.5)", "ed/transform (<= 0.5)", "writes/floor")
		for _, load := range []string{"0pct", "1pct", "10pct", "100pct", "50pct", "10pct-dbdown", "50pct-dbdown", "100pct-dbdown", "100pct-512", "100pct-8192", "100pct-long"} {
			get := func(proc string) float64 {
				v, _ := s.median("BenchmarkTraces/load="+load+"/proc="+proc, unit)
				return v
			}
			floor, wr, tr, e0, e5 := get("floor"), get("writes"), get("transform"), get("ed_wait0"), get("ed_wait5s")
			if floor == 0 || tr == 0 {
				continue
			}
			target := load == "0pct" || load == "1pct"
			pair := func(limit, base float64) string {
				r0, r5 := e0/base, e5/base
				if !target {
					return fmt.Sprintf("%.2f, %.2f", r0, r5)
				}
				return fmt.Sprintf("%.2f %s, %.2f %s", r0, verdict(r0 <= limit), r5, verdict(r5 <= limit))
			}
			writes := "-"
			if wr > 0 {
				writes = fmt.Sprintf("%.2f", wr/floor)
			}
			fmt.Printf("%-13s %9.1f %9.1f %9.1f %9.1f %9.1f | %-24s %-24s %-12s\n", load, floor, wr, tr, e0, e5, pair(1.5, floor), pair(0.5, tr), writes)
		}
		fmt.Println()
	}
	fmt.Println("(ratios: ed_wait0, ed_wait5s; targets apply to 0pct and 1pct; issue 11's outage targets: 10 % <= 1.5x floor, 100 % <= 4x floor and <= 1.5x transform;")
	fmt.Println(" writes: the floor plus the diagnosis attributes written on every 500 server span, the least any design can cost)")

	fmt.Println()
	fmt.Println("## allocations per non-target span (BenchmarkAllocScaling: 1 failing trace + healthy spans)")
	for _, proc := range []string{"floor", "ed_wait0", "ed_wait5s"} {
		small, ok1 := s.median("BenchmarkAllocScaling/proc="+proc+"/spans=1000", "allocs/op")
		large, ok2 := s.median("BenchmarkAllocScaling/proc="+proc+"/spans=10000", "allocs/op")
		if !ok1 || !ok2 {
			continue
		}
		per := (large - small) / 9000
		fmt.Printf("%-10s %7.1f allocs/batch at 1,000 spans, %7.1f at 10,000: %.4f per extra span %s\n",
			proc, small, large, per, verdict(per < 0.001))
	}

	fmt.Println()
	fmt.Println("## cross-batch mode: errordiagnosis alone vs groupbytrace + errordiagnosis (same wait)")
	for _, load := range []string{"1pct", "10pct"} {
		pair, ok1 := s.median("BenchmarkCrossBatch/load="+load+"/proc=gbt2s+ed_wait0", "spans/cpu-s")
		alone, ok2 := s.median("BenchmarkCrossBatch/load="+load+"/proc=ed_wait2s", "spans/cpu-s")
		if ok1 && ok2 {
			r := alone / pair
			t := ""
			if load == "1pct" {
				t = " (target >= 2) " + verdict(r >= 2)
			}
			fmt.Printf("%-6s throughput: pair %.0f spans/cpu-s, alone %.0f: %.1fx%s\n", load, pair, alone, r, t)
		}
		for _, unit := range []string{"heap-MB", "live-MB", "traffic-MB"} {
			hp, ok1 := s.median("BenchmarkCrossBatchHeap/load="+load+"/proc=gbt2s+ed_wait0", unit)
			ha, ok2 := s.median("BenchmarkCrossBatchHeap/load="+load+"/proc=ed_wait2s", unit)
			if ok1 && ok2 {
				r := ha / hp
				fmt.Printf("%-6s %-10s at steady state: pair %.2f MB, alone %.2f MB: %.3fx (target <= 0.1) %s\n",
					load, unit, hp, ha, r, verdict(r <= 0.1))
			}
		}
	}
}
