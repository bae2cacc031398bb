package incidentconnector

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cfg := createDefaultConfig()
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg.(*Config), confmap.Validate(cfg)
}

func TestLoadConfig(t *testing.T) {
	cfg, err := loadConfig(t, "")
	require.NoError(t, err)
	assert.Equal(t, createDefaultConfig(), cfg, "the empty config is the default config")
	processor := component.MustNewType("errordiagnosis")
	assert.Equal(t, &Config{AttributePrefix: "diagnosis.", RateLimit: RateLimitConfig{Interval: time.Hour, MaxGroups: 10_000},
		Processor: component.NewID(processor)}, cfg)

	cfg, err = loadConfig(t, "custom")
	require.NoError(t, err)
	assert.Equal(t, &Config{AttributePrefix: "triage.", RateLimit: RateLimitConfig{Interval: 10 * time.Minute, MaxGroups: 500},
		Processor: component.NewIDWithName(processor, "tier2")}, cfg)
}

// TestInvalidConfig: every invalid value fails Validate with a message that
// names the field and says how to fix it.
func TestInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"bad_prefix", []string{`attribute_prefix: "" must be the errordiagnosis processor's attribute_prefix`, `e.g. "diagnosis."`}},
		{"zero_interval", []string{"rate_limit.interval: 0s must be positive, e.g. 1h"}},
		{"negative_interval", []string{"rate_limit.interval: -1m0s must be positive"}},
		{"zero_groups", []string{"rate_limit.max_groups: 0 is out of range", "between 1 and 1000000"}},
		{"huge_groups", []string{"rate_limit.max_groups: 100000000 is out of range"}},
		{"other_processor", []string{`processor: "batch" must name an errordiagnosis processor`, "e.g. errordiagnosis or errordiagnosis/tier2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(t, tt.name)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
