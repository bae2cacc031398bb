package errordiagnosisprocessor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
)

// TestMetricsConfig: the metrics block unmarshals from YAML keys, its
// defaults are valid, and every bad value fails Validate naming the field
// and the fix.
func TestMetricsConfig(t *testing.T) {
	tests := []struct {
		name string
		raw  map[string]any
		want MetricsConfig
		errs []string
	}{
		{name: "defaults", raw: map[string]any{}, want: MetricsConfig{Window: 2 * time.Minute, MaxReadingsMiB: 4}},
		{name: "set", raw: map[string]any{"window": "30s", "max_readings_mib": 1}, want: MetricsConfig{Window: 30 * time.Second, MaxReadingsMiB: 1}},
		{name: "window too short", raw: map[string]any{"window": "500ms"}, errs: []string{"metrics.window: 500ms is out of range", "between 1s and 1h0m0s"}},
		{name: "window too long", raw: map[string]any{"window": "2h"}, errs: []string{"metrics.window: 2h0m0s is out of range"}},
		{name: "no budget", raw: map[string]any{"max_readings_mib": 0}, errs: []string{"metrics.max_readings_mib: 0 is out of range", "default 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaultConfig()
			require.NoError(t, confmap.NewFromStringMap(map[string]any{"metrics": tt.raw}).Unmarshal(cfg))
			err := confmap.Validate(cfg)
			if len(tt.errs) == 0 {
				require.NoError(t, err)
				assert.Equal(t, tt.want, cfg.Metrics)
				return
			}
			require.Error(t, err)
			for _, e := range tt.errs {
				assert.Contains(t, err.Error(), e)
			}
		})
	}
}
