// Package writesonlyprocessor is a test-only processor of the load test
// (test/loadtest/run.sh, MODES): on the spans errordiagnosis diagnoses —
// the HTTP 500 server spans, chosen by errordiagnosis's own target test —
// it writes the diagnosis attributes errordiagnosis wrote on the same
// workload, with their types, sizes and order, and reads nothing else. No
// design with this attribute contract can cost less: it is the output's own
// floor, against which the processor's throughput is judged.
package writesonlyprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor/test/loadtest/writesonly"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

var componentType = component.MustNewType("writesonly")

// NewFactory returns the factory of the writes-only processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(componentType, createDefaultConfig,
		processor.WithTraces(createTraces, component.StabilityLevelDevelopment))
}

func createDefaultConfig() component.Config {
	return &Config{Shape: "mixed", Attributes: contract.AllAttributes()}
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	c := cfg.(*Config)
	w, err := newWriter(c.Shape, c.Attributes)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, w.processTraces,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}))
}
