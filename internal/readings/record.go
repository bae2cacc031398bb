package readings // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/readings"

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Record keeps the readings of the table's metrics in md; now is the wall
// clock, for expiry. Metrics of other names are not looked at beyond their
// name, and md is not changed.
func (s *Store) Record(md pmetric.Metrics, now time.Time) {
	locked := false
	defer func() {
		if locked {
			s.trimLocked(now.UnixNano())
			s.mu.Unlock()
		}
	}()
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		var in *instance
		known := true
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len() && known; j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				m := ms.At(k)
				e := lookup(m.Name())
				if e.s == notRead {
					continue
				}
				if in == nil {
					if !locked {
						s.mu.Lock()
						locked = true
					}
					var ok bool
					s.keyBuf, ok = appendKey(s.keyBuf[:0], rm.Resource().Attributes())
					if !ok {
						known = false
						break
					}
					in = s.instanceLocked(s.keyBuf, now.UnixNano())
				}
				s.recordMetric(in, e, m)
			}
		}
	}
}

// recordMetric keeps the points of one metric of the table: sums (of
// either temporality) and gauges; other types are not of the table.
func (s *Store) recordMetric(in *instance, e entry, m pmetric.Metric) {
	var dps pmetric.NumberDataPointSlice
	delta := false
	switch m.Type() {
	case pmetric.MetricTypeSum:
		dps = m.Sum().DataPoints()
		delta = m.Sum().AggregationTemporality() == pmetric.AggregationTemporalityDelta
	case pmetric.MetricTypeGauge:
		dps = m.Gauge().DataPoints()
	default:
		return
	}
	gen := uint8(0)
	if e.old {
		gen = 1
	}
	for i := 0; i < dps.Len(); i++ {
		dp := dps.At(i)
		v, ok := value(dp)
		t := int64(dp.Timestamp())
		if !ok || t <= 0 {
			continue
		}
		s.recordPoint(in, e.s, gen, m.Unit(), dp.Attributes(), v, t, delta)
	}
}

func (s *Store) recordPoint(in *instance, what series, gen uint8, unit string, attrs pcommon.Map, v float64, t int64, delta bool) {
	switch what {
	case poolCount, poolMax, poolPending, poolTimeouts:
		p := s.poolOf(in, capName(firstStr(attrs, poolNameKeys)))
		if p == nil {
			return
		}
		switch what {
		case poolCount:
			if firstStr(attrs, poolStateKeys) != "used" {
				return
			}
			p.gen = gen
			p.used.add(v, t, delta)
		case poolMax:
			p.max.add(v, t, delta)
		case poolPending:
			p.pending.add(v, t, delta)
		case poolTimeouts:
			p.timeouts.add(v, t, delta)
		}
	case jvmUsed, jvmLimit:
		if firstStr(attrs, jvmTypeKeys) != "heap" {
			return
		}
		mp := s.heapPoolOf(in, capName(firstStr(attrs, jvmPoolKeys)))
		if mp == nil {
			return
		}
		if what == jvmUsed {
			in.jvmGen = gen
			mp.used.add(v, t, delta)
		} else {
			mp.limit.add(v, t, delta)
		}
	case goUsed:
		i := 1
		if firstStr(attrs, goTypeKeys) == "stack" {
			i = 0
		}
		in.goUsed[i].add(v, t, delta)
	case goLimit:
		in.goLimit.add(v, t, delta)
	case fsUtilization, fsUsage, fsLimit:
		s.recordFilesystem(in, what, unit, attrs, v, t, delta)
	}
}

func (s *Store) recordFilesystem(in *instance, what series, unit string, attrs pcommon.Map, v float64, t int64, delta bool) {
	state := firstStr(attrs, fsStateKeys)
	if what == fsUtilization && state != "" && state != "used" {
		return
	}
	mt := s.mountOf(in, capName(firstStr(attrs, mountKeys)))
	if mt == nil {
		return
	}
	switch what {
	case fsUtilization:
		if unit == "%" {
			v /= 100
		}
		mt.util.add(v, t, false)
	case fsLimit:
		mt.limit.add(v, t, delta)
	case fsUsage:
		switch state {
		case "used":
			mt.used.add(v, t, delta)
		case "free":
			mt.free.add(v, t, delta)
		case "reserved":
			mt.rsvd.add(v, t, delta)
		}
	}
}

// value is a number data point's value as a float.
func value(dp pmetric.NumberDataPoint) (float64, bool) {
	switch dp.ValueType() {
	case pmetric.NumberDataPointValueTypeInt:
		return float64(dp.IntValue()), true
	case pmetric.NumberDataPointValueTypeDouble:
		return dp.DoubleValue(), true
	}
	return 0, false
}

// capName cuts a pool name or mount path to what is kept.
func capName(s string) string {
	if len(s) > maxIdentityField {
		return s[:maxIdentityField]
	}
	return s
}
