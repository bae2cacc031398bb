package incidentconnector // import "github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector"

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

// Config of the incident connector.
type Config struct {
	// AttributePrefix is the errordiagnosis processor's attribute_prefix: the
	// connector reads <prefix>fingerprint, <prefix>occurrences,
	// <prefix>regression... and writes the record's attributes under it.
	AttributePrefix string `mapstructure:"attribute_prefix"`

	// RateLimit bounds the records per error group.
	RateLimit RateLimitConfig `mapstructure:"rate_limit"`

	// Processor is the component ID of the errordiagnosis processor whose
	// resolved groups get a record: no span carries a resolution, the
	// processor hands them over in the collector's process.
	Processor component.ID `mapstructure:"processor"`

	_ struct{}
}

// RateLimitConfig allows at most one record of each kind per error group
// (service, environment, fingerprint) per Interval: a fingerprint registry
// that forgot a group and learned it again does not repeat its record, nor
// does a group that flaps between resolved and relapsed.
type RateLimitConfig struct {
	// Interval is the least time between two records of one group.
	Interval time.Duration `mapstructure:"interval"`
	// MaxGroups bounds the groups remembered; the least recently seen is
	// forgotten first, and may then get a record again.
	MaxGroups int `mapstructure:"max_groups"`

	_ struct{}
}

var _ confmap.Validator = (*Config)(nil)

// processorType is the errordiagnosis processor's type.
var processorType = component.MustNewType("errordiagnosis")

// maxMaxGroups keeps the limiter's memory bounded whatever the config says
// (about 140 bytes per group with the keys of
// BenchmarkMemoryPerGroup, see README.md).
const maxMaxGroups = 1_000_000

// Validate checks the configuration; every error names the field and the fix.
func (cfg *Config) Validate() error {
	var errs []error
	if !contract.ValidPrefix(cfg.AttributePrefix) {
		errs = append(errs, fmt.Errorf("attribute_prefix: %q must be the errordiagnosis processor's attribute_prefix, a non-empty prefix of letters, digits, '_', '-' and '.', e.g. \"diagnosis.\"", cfg.AttributePrefix))
	}
	if cfg.RateLimit.Interval <= 0 {
		errs = append(errs, fmt.Errorf("rate_limit.interval: %v must be positive, e.g. 1h", cfg.RateLimit.Interval))
	}
	if cfg.RateLimit.MaxGroups <= 0 || cfg.RateLimit.MaxGroups > maxMaxGroups {
		errs = append(errs, fmt.Errorf("rate_limit.max_groups: %d is out of range; use a value between 1 and %d, e.g. 10000", cfg.RateLimit.MaxGroups, maxMaxGroups))
	}
	if cfg.Processor.Type() != processorType {
		errs = append(errs, fmt.Errorf("processor: %q must name an errordiagnosis processor of the same collector, e.g. errordiagnosis or errordiagnosis/tier2", cfg.Processor.String()))
	}
	return errors.Join(errs...)
}
