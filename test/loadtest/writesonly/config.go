package writesonlyprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor/test/loadtest/writesonly"

import (
	"fmt"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

// Config is the configuration of the writes-only processor.
type Config struct {
	// Shape names the captured output written: that of the load test's
	// SHAPE (mixed or dbdown).
	Shape string `mapstructure:"shape"`
	// Attributes switches groups off as errordiagnosis's `attributes` does,
	// so that the floor of a leaner contract is measured with it.
	Attributes contract.Attributes `mapstructure:"attributes"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate checks that Shape names a capture.
func (cfg *Config) Validate() error {
	if _, err := captured(cfg.Shape); err != nil {
		return fmt.Errorf("shape: %w", err)
	}
	return nil
}
