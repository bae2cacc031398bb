package readings // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/readings"

import (
	"math"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Saturation thresholds (issue 26): a heap or runtime memory at 95 % of its
// limit is collecting without end and fails allocations; a filesystem at
// 98 % fails writes of any size (ext4 reserves 5 % for root, which the
// hostmetrics receiver's utilization leaves out).
const (
	memoryFull = 0.95
	diskFull   = 0.98
)

// Cause is the cause a saturated reading names.
type Cause uint8

const (
	PoolExhausted Cause = iota + 1
	OutOfMemory
	DiskFull
)

// Finding is a saturated reading of an instance.
type Finding struct {
	Cause Cause
	// Rule names the reading's rule, e.g. "metrics.pool_used_at_max".
	Rule string
	// Subject is what saturated: "pool HikariPool-1", "jvm heap",
	// "filesystem /data".
	Subject string
	// Text is the evidence: the metric, its value, its limit and when it
	// was read relative to the span.
	Text string
}

// Rule names, written as diagnosis.rule.
const (
	RulePoolAtMax      = "metrics.pool_used_at_max"
	RulePoolTimeouts   = "metrics.pool_pending_timeouts"
	RuleJVMHeap        = "metrics.jvm_heap_at_limit"
	RuleGoMemory       = "metrics.go_memory_at_limit"
	RuleFilesystemFull = "metrics.filesystem_full"
)

// Saturation returns the first saturated reading of the instance of
// resource, or of the host it runs on for filesystems, read within window
// before the span of [start, end] or during it: a pool first, then memory,
// then a filesystem. Readings of another instance, and readings outside
// the window, never count.
func (s *Store) Saturation(resource pcommon.Resource, start, end pcommon.Timestamp, window time.Duration) (Finding, bool) {
	if s.instances.Load() == 0 {
		return Finding{}, false
	}
	from, to := int64(start)-int64(window), int64(end)
	var buf [128]byte
	s.mu.Lock()
	defer s.mu.Unlock()
	attrs := resource.Attributes()
	key, ok := appendKey(buf[:0], attrs)
	if !ok {
		return Finding{}, false
	}
	in := s.byKey[string(key)]
	if in != nil {
		if f, ok := in.poolSaturation(from, to, int64(start)); ok {
			return f, true
		}
		if f, ok := in.memorySaturation(from, to, int64(start)); ok {
			return f, true
		}
		if f, ok := in.diskSaturation(from, to, int64(start)); ok {
			return f, true
		}
	}
	if hk, ok := appendHostKey(buf[:0], attrs); ok {
		if h := s.byKey[string(hk)]; h != nil && h != in {
			return h.diskSaturation(from, to, int64(start))
		}
	}
	return Finding{}, false
}

func (in *instance) poolSaturation(from, to, start int64) (Finding, bool) {
	for i := range in.pools {
		p := &in.pools[i]
		if u, ok := p.used.in(from, to); ok {
			if mx, ok := p.max.latest(to); ok && mx.v > 0 && u.v >= mx.v {
				return Finding{Cause: PoolExhausted, Rule: RulePoolAtMax, Subject: "pool " + p.name,
					Text: poolCountName[p.gen] + " used " + num(u.v) + " of max " + num(mx.v) + poolText(p.name) + when(u.t, start)}, true
			}
		}
		// Pending requests while timeouts increase: a pool whose maximum
		// is not reported, or that was just below it when read.
		pd, ok := p.pending.in(from, to)
		_, up, rose := p.timeouts.rise(from, to)
		if ok && pd.v > 0 && rose && up > 0 {
			return Finding{Cause: PoolExhausted, Rule: RulePoolTimeouts, Subject: "pool " + p.name,
				Text: poolPendingName[p.gen] + " " + num(pd.v) + " with " + poolTimeoutsName[p.gen] + " up by " +
					num(up) + poolText(p.name) + when(pd.t, start)}, true
		}
	}
	return Finding{}, false
}

func (in *instance) memorySaturation(from, to, start int64) (Finding, bool) {
	// A JVM heap is the sum of its pools; only some report a limit (G1's
	// old generation holds the -Xmx limit, its eden and survivor none).
	var used, limit float64
	var at int64
	for i := range in.heap {
		mp := &in.heap[i]
		if u, ok := mp.used.in(from, to); ok {
			used += u.v
			at = max(at, u.t)
		}
		if l, ok := mp.limit.latest(to); ok && l.v > 0 {
			limit += l.v
		}
	}
	if at != 0 && limit > 0 && used >= memoryFull*limit {
		return Finding{Cause: OutOfMemory, Rule: RuleJVMHeap, Subject: "jvm heap",
			Text: jvmUsedName[in.jvmGen] + " heap " + bytes(used) + " of limit " + bytes(limit) + " (" + pct(used/limit) + ")" + when(at, start)}, true
	}
	used, at = 0, 0
	for i := range in.goUsed {
		if u, ok := in.goUsed[i].in(from, to); ok {
			used += u.v
			at = max(at, u.t)
		}
	}
	if l, ok := in.goLimit.latest(to); ok && at != 0 && l.v > 0 && used >= memoryFull*l.v {
		return Finding{Cause: OutOfMemory, Rule: RuleGoMemory, Subject: "go memory",
			Text: "go.memory.used " + bytes(used) + " of go.memory.limit " + bytes(l.v) + " (" + pct(used/l.v) + ")" + when(at, start)}, true
	}
	return Finding{}, false
}

func (in *instance) diskSaturation(from, to, start int64) (Finding, bool) {
	for i := range in.mounts {
		mt := &in.mounts[i]
		if u, ok := mt.util.in(from, to); ok && u.v >= diskFull {
			return diskFinding(mt.path, "system.filesystem.utilization "+pct(u.v), u.t, start), true
		}
		// As the hostmetrics receiver's utilization: used of used + free.
		u, ok := mt.used.in(from, to)
		if !ok {
			continue
		}
		if f, ok := mt.free.in(from, to); ok && f.t == u.t && u.v+f.v > 0 && u.v >= diskFull*(u.v+f.v) {
			return diskFinding(mt.path, "system.filesystem.usage used "+bytes(u.v)+" of "+bytes(u.v+f.v)+" ("+pct(u.v/(u.v+f.v))+")", u.t, start), true
		}
		if l, ok := mt.limit.latest(to); ok && l.v > 0 && u.v >= diskFull*l.v {
			return diskFinding(mt.path, "system.filesystem.usage used "+bytes(u.v)+" of system.filesystem.limit "+bytes(l.v)+" ("+pct(u.v/l.v)+")", u.t, start), true
		}
	}
	return Finding{}, false
}

func diskFinding(path, what string, at, start int64) Finding {
	return Finding{Cause: DiskFull, Rule: RuleFilesystemFull, Subject: "filesystem " + path,
		Text: what + " of " + path + when(at, start)}
}

func poolText(name string) string {
	if name == "" {
		return ""
	}
	return ", pool " + name
}

// when says when a reading at t was taken relative to a span starting at
// start: "4 s before the span", "2 s into the span", "less than 1 s
// before the span".
func when(t, start int64) string {
	d := time.Duration(start - t)
	rel := " before the span"
	if d < 0 {
		d, rel = -d, " into the span"
	}
	if d < time.Second {
		return ", less than 1 s" + rel
	}
	return ", " + strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10) + " s" + rel
}

func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func pct(r float64) string {
	return strconv.FormatFloat(r*100, 'f', 1, 64) + " %"
}

// bytes renders a size in MiB (GiB from 10 GiB), as an operator compares it
// with -Xmx or GOMEMLIMIT.
func bytes(v float64) string {
	const mib, gib = 1 << 20, 1 << 30
	var b strings.Builder
	if v >= 10*gib {
		b.WriteString(strconv.FormatFloat(v/gib, 'f', 1, 64))
		b.WriteString(" GiB")
	} else {
		b.WriteString(strconv.FormatFloat(v/mib, 'f', 1, 64))
		b.WriteString(" MiB")
	}
	return b.String()
}
