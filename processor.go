package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
)

// diagnoser is the processor; work in progress: passes everything through.
type diagnoser struct {
	cfg *Config
}

func newDiagnoser(_ processor.Settings, cfg *Config) (*diagnoser, error) {
	return &diagnoser{cfg: cfg}, nil
}

func (d *diagnoser) start(context.Context, component.Host) error { return nil }
func (d *diagnoser) shutdown(context.Context) error             { return nil }

func (d *diagnoser) processTraces(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	return td, nil
}

func (d *diagnoser) processLogs(_ context.Context, ld plog.Logs) (plog.Logs, error) {
	return ld, nil
}
