package incidentconnector // import "github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"

	"github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

const (
	// defaultInterval: within an hour a relearned group repeats nothing; a
	// group that comes back after the registry forgot it for longer is worth
	// a record again.
	defaultInterval  = time.Hour
	defaultMaxGroups = 10_000
)

// NewFactory returns the factory of the incident connector (traces to logs).
func NewFactory() connector.Factory {
	return connector.NewFactory(
		metadata.Type,
		createDefaultConfig,
		connector.WithTracesToLogs(createTracesToLogs, metadata.TracesToLogsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		AttributePrefix: contract.DefaultPrefix,
		RateLimit:       RateLimitConfig{Interval: defaultInterval, MaxGroups: defaultMaxGroups},
		Processor:       component.NewID(processorType),
	}
}

func createTracesToLogs(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Logs) (connector.Traces, error) {
	return newConnector(set, cfg.(*Config), next, time.Now)
}
