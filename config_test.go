package errordiagnosisprocessor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
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

// An attributes switch that is not a boolean fails at unmarshalling,
// naming the field.
func TestAttributesNotBool(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, "attributes_not_bool").String())
	require.NoError(t, err)
	err = sub.Unmarshal(createDefaultConfig())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "error_group")
}

func TestLoadConfig(t *testing.T) {
	cfg, err := loadConfig(t, "")
	require.NoError(t, err)
	assert.Equal(t, createDefaultConfig(), cfg, "the empty config is the default config")
	assert.Nil(t, cfg.Storage, "in memory only by default")
	storageID := component.MustNewIDWithName("file_storage", "registry")

	cfg, err = loadConfig(t, "custom")
	require.NoError(t, err)
	want := &Config{
		StatusCodes:        []int{500, 502, 503, 504},
		SpanKinds:          []string{"server", "consumer"},
		WaitDuration:       3 * time.Second,
		EvidenceTTL:        time.Minute,
		MaxTraces:          5000,
		MaxHeldSpans:       200,
		MaxHeldMiB:         8,
		MaxEvidenceMiB:     16,
		AttributePrefix:    "triage.",
		Overwrite:          true,
		RunbookURLTemplate: "https://runbooks.example.com/{category}/{cause}?service={service}",
		Attributes:         contract.AllAttributes(),
		Redaction:          RedactionConfig{MaxLength: 128, ExtraPatterns: []string{"customer-[0-9]{6}"}},
		Rules: []RuleConfig{{
			Name:      "payment-declined",
			Condition: `attributes["payment.outcome"] == "declined"`,
			Category:  "dependency_failure",
			Cause:     "payment_declined",
			Fix:       "Check the payment provider's status page.",
			FixEffort: "easy",
		}},
		Registry: RegistryConfig{MaxEntries: 500, MaxAge: 168 * time.Hour, MaxServices: 50, MaxVersionsPerService: 4, FlushInterval: 30 * time.Second,
			ResolveAfterRequests: 5000},
		Storage: &storageID,
		Metrics: defaultMetricsConfig(),
	}
	assert.Equal(t, want, cfg)

	cfg, err = loadConfig(t, "per_batch")
	require.NoError(t, err)
	assert.Zero(t, cfg.WaitDuration)

	cfg, err = loadConfig(t, "lean")
	require.NoError(t, err)
	assert.Equal(t, contract.Attributes{}, cfg.Attributes)
}

// TestInvalidConfig: every invalid value fails Validate with a message that
// names the field and says how to fix it.
func TestInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"bad_status", []string{"status_codes: 700 is not an HTTP status", "between 100 and 599"}},
		{"empty_status", []string{"status_codes: must list at least one"}},
		{"duplicate_status", []string{"status_codes: 500 is listed twice"}},
		{"bad_kind", []string{`span_kinds: "serverr" is not a span kind`, "use one of unspecified, internal, server, client, producer, consumer"}},
		{"negative_wait", []string{"wait_duration: -1s is negative", "use 0 to diagnose per batch"}},
		{"ttl_below_wait", []string{"evidence_ttl: 5s is shorter than wait_duration 10s", "at least wait_duration"}},
		{"zero_ttl", []string{"evidence_ttl: 0s must be positive"}},
		{"zero_traces", []string{"max_traces: 0 must be positive"}},
		{"zero_held", []string{"max_held_spans: 0 must be positive"}},
		{"zero_held_mib", []string{"max_held_mib: 0 is out of range", "between 1 and 1048576 (default 8)"}},
		{"huge_evidence_mib", []string{"max_evidence_mib: 2000000 is out of range", "between 1 and 1048576 (default 12)"}},
		{"bad_prefix", []string{`attribute_prefix: "diag nosis"`}},
		{"bad_placeholder", []string{"runbook_url_template: unknown placeholder {categry}", "{category}"}},
		{"short_max_length", []string{"redaction.max_length: 4 is out of range", "between 16 and 4096"}},
		{"bad_pattern", []string{"redaction.extra_patterns[0]:", "customer-[0-9", "not a valid regular expression"}},
		{"bad_rule_condition", []string{"rules[0].condition:"}},
		{"bad_rule_category", []string{`rules[0].category: "database" is not a category`, "database_connection"}},
		{"bad_rule_cause", []string{`rules[0].cause: "Not Snake" must be a snake_case cause name`}},
		{"duplicate_rule_name", []string{`rules[1].name: "r1" is used by another rule`}},
		{"registry_zero_entries", []string{"registry.max_entries: 0 must be positive"}},
		{"registry_zero_age", []string{"registry.max_age: 0s must be positive"}},
		{"registry_zero_services", []string{"registry.max_services: 0 must be positive"}},
		{"registry_one_version", []string{"registry.max_versions_per_service: 1 must be at least 2"}},
		{"registry_short_flush", []string{"registry.flush_interval: 100ms is too short", "1s or more"}},
		{"registry_zero_resolve", []string{"registry.resolve_after_requests: 0 is out of range", "between 1 and", "e.g. 1000"}},
		{"registry_huge_resolve", []string{"registry.resolve_after_requests: 2000000000000 is out of range"}},
		{"rule_fix_without_cause_texts", []string{"rules[0].fix: a rule's fix and fix_effort are not written with attributes.cause_texts: false", "set cause_texts: true"}},
		{"missing_rule_fields", []string{"rules[0].name: must be set", "rules[0].condition: must be an OTTL condition", `rules[0].fix_effort: "trivial" must be easy, medium or hard`}},
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

// TestValidateAgreesWithStart: a configuration that Validate accepts
// starts, and one that start-up refuses fails Validate naming the field:
// both build the redactor and the user rules with the same constructors.
func TestValidateAgreesWithStart(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		field    string // "" when valid
	}{
		{"valid", []string{`CUST-\d{6}`}, ""},
		{"matches everything", []string{`.*`}, "redaction.extra_patterns"},
		{"matches the empty string", []string{`CUST-\d{6}`, `x?`}, "redaction.extra_patterns"},
		{"blank", []string{` `}, "redaction.extra_patterns"},
		{"not a regular expression", []string{`(unclosed`}, "redaction.extra_patterns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			cfg.Redaction.ExtraPatterns = tt.patterns
			verr := cfg.Validate()
			_, serr := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
			if tt.field == "" {
				require.NoError(t, verr)
				require.NoError(t, serr)
				return
			}
			require.Error(t, verr, "Validate accepts what start-up refuses")
			assert.Contains(t, verr.Error(), tt.field)
			require.Error(t, serr)
			assert.Contains(t, serr.Error(), tt.field, "the start-up error names the field")
		})
	}
}

// TestReadmeConfiguration: the configuration block of the README is valid
// and is the default configuration, so that what users copy is what they
// get without it.
func TestReadmeConfiguration(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(readme), "## Configuration\n")
	require.True(t, ok)
	_, block, ok := strings.Cut(after, "```yaml\n")
	require.True(t, ok)
	block, _, ok = strings.Cut(block, "```")
	require.True(t, ok)
	retrieved, err := confmap.NewRetrievedFromYAML([]byte(block))
	require.NoError(t, err)
	cm, err := retrieved.AsConf()
	require.NoError(t, err)
	sub, err := cm.Sub("processors::errordiagnosis")
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	want := createDefaultConfig().(*Config)
	want.Redaction.ExtraPatterns, want.Rules = cfg.Redaction.ExtraPatterns, cfg.Rules // [] in the README, nil by default
	assert.Empty(t, cfg.Redaction.ExtraPatterns)
	assert.Empty(t, cfg.Rules)
	assert.Equal(t, want, cfg)
}
