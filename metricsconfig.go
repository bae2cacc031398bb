package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"fmt"
	"time"
)

const (
	// defaultMetricsWindow is two of the SDKs' default metric export
	// intervals (OTEL_METRIC_EXPORT_INTERVAL = 60s): the latest reading
	// before a span is at most one interval old, and one more interval
	// covers an export that came late.
	defaultMetricsWindow = 2 * time.Minute
	// defaultMaxReadingsMiB: an instance with a pool and a JVM heap of
	// three memory pools accounts for 1.3 KB, so 4 MiB keeps about 3,000
	// instances.
	defaultMaxReadingsMiB = 4
	minMetricsWindow      = time.Second
	maxMetricsWindow      = time.Hour
)

// MetricsConfig configures what a metrics pipeline with the same component
// ID feeds the diagnoses: the latest readings of connection pools, runtime
// memory and filesystems, per instance.
type MetricsConfig struct {
	// Window is how long before a span a saturated reading of its instance
	// still explains it.
	Window time.Duration `mapstructure:"window"`
	// MaxReadingsMiB bounds the memory of the kept readings, in MiB; beyond
	// it the least recently updated instance is forgotten.
	MaxReadingsMiB int `mapstructure:"max_readings_mib"`

	// prevent unkeyed literal initialization
	_ struct{}
}

func defaultMetricsConfig() MetricsConfig {
	return MetricsConfig{Window: defaultMetricsWindow, MaxReadingsMiB: defaultMaxReadingsMiB}
}

func (m MetricsConfig) validate() []error {
	var errs []error
	if m.Window < minMetricsWindow || m.Window > maxMetricsWindow {
		errs = append(errs, fmt.Errorf("metrics.window: %v is out of range; use a duration between %v and %v, about two metric export intervals (default %v)",
			m.Window, minMetricsWindow, maxMetricsWindow, defaultMetricsWindow))
	}
	if m.MaxReadingsMiB <= 0 || m.MaxReadingsMiB > maxBudgetMiB {
		errs = append(errs, fmt.Errorf("metrics.max_readings_mib: %d is out of range; use a size in MiB between 1 and %d (default %d)",
			m.MaxReadingsMiB, maxBudgetMiB, defaultMaxReadingsMiB))
	}
	return errs
}
