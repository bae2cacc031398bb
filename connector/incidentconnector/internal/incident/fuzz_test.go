package incident

import (
	"testing"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

// putAny puts a value of the type selected by typ under k.
func putAny(m pcommon.Map, k string, typ byte, s string, n int64, b bool) {
	switch typ % 7 {
	case 0: // absent
	case 1:
		m.PutStr(k, s)
	case 2:
		m.PutInt(k, n)
	case 3:
		m.PutBool(k, b)
	case 4:
		m.PutDouble(k, float64(n))
	case 5:
		m.PutEmptyBytes(k).FromRaw([]byte(s))
	case 6:
		m.PutEmptySlice(k).AppendEmpty().SetStr(s)
	}
}

// FuzzReadFill: whatever the types and values of the diagnosis attributes,
// Read and Fill do not panic, Read decides a record only from well-typed
// attributes, and the body stays capped valid UTF-8.
func FuzzReadFill(f *testing.F) {
	f.Add(byte(1), byte(2), byte(3), byte(1), "a1a1a1a1a1a1a1a1", int64(1), true)
	f.Add(byte(2), byte(1), byte(1), byte(2), "1", int64(0), false)
	f.Add(byte(1), byte(2), byte(0), byte(5), "\xff\xfe", int64(-1), false)
	n := contract.NewNames("diagnosis.")
	f.Fuzz(func(t *testing.T, fpT, occT, regT, otherT byte, s string, num int64, b bool) {
		span := ptrace.NewSpan()
		span.SetName(s)
		attrs := span.Attributes()
		putAny(attrs, n.Fingerprint, fpT, s, num, b)
		putAny(attrs, n.Occurrences, occT, s, num, b)
		putAny(attrs, n.Regression, regT, s, num, b)
		putAny(attrs, n.Category, otherT, s, num, b)
		putAny(attrs, n.Evidence, otherT, s, num, b)
		res := pcommon.NewMap()
		putAny(res, "service.name", otherT, s, num, b)

		outcome, kind, fp := Read(attrs, n)
		if outcome == FirstSighting {
			if fpT%7 != 1 || s == "" || occT%7 != 2 || num != 1 || (regT%7 != 0 && regT%7 != 3) {
				t.Fatalf("first sighting from fingerprint type %d, occurrences type %d = %d, regression type %d", fpT%7, occT%7, num, regT%7)
			}
			if fp != s || (kind == KindRegression) != (regT%7 == 3 && b) {
				t.Fatalf("fingerprint %q kind %s", fp, kind)
			}
		}
		lr := plog.NewLogRecord()
		Fill(lr, span, res, KindNew, n, 0)
		body := lr.Body().Str()
		if len(body) > maxBodyLength {
			t.Fatalf("body of %d bytes", len(body))
		}
		if utf8.ValidString(s) && !utf8.ValidString(body) {
			t.Fatalf("invalid UTF-8 body from valid input: %q", body)
		}
	})
}
