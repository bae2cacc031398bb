package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
)

// loggedException is an exception log record that names its span.
type loggedException struct {
	trace   pcommon.TraceID
	span    pcommon.SpanID
	service string
	item    [1]diagnosis.Evidence
}

// readLogged reads the exception log records that carry a trace and span
// id, each matched.
func readLogged(ld plog.Logs, rules Rules) []loggedException {
	var out []loggedException
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		service, read := "", false
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				if lr.TraceID().IsEmpty() || lr.SpanID().IsEmpty() {
					continue
				}
				if !read {
					service, read = evidence.ServiceName(rl.Resource()), true
				}
				item, ok := evidence.ReadLogRecord(service, lr)
				if !ok {
					continue
				}
				le := loggedException{trace: lr.TraceID(), span: lr.SpanID(), service: service, item: [1]diagnosis.Evidence{item}}
				MatchItems(le.item[:], rules)
				out = append(out, le)
			}
		}
	}
	return out
}
