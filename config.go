package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact"
)

// Config is the configuration of the errordiagnosis processor. The zero-value
// fields are filled by createDefaultConfig; an empty `errordiagnosis:` block is
// valid and useful.
type Config struct {
	// StatusCodes are the HTTP response statuses whose spans are diagnosed.
	// 502, 503 and 504 are different failures from a 500 (a gateway that could
	// not reach its upstream, an unavailable service); list them explicitly to
	// diagnose them too.
	StatusCodes []int `mapstructure:"status_codes"`

	// SpanKinds are the span kinds that can be targets. Root spans of kind
	// UNSPECIFIED are always targets when "server" is listed, because some
	// instrumentations leave the kind unset on the span that answered.
	SpanKinds []string `mapstructure:"span_kinds"`

	// WaitDuration is the longest time a target span whose evidence is not yet
	// conclusive is held for late evidence (children and downstream services
	// exported in later batches). 0 diagnoses per batch only.
	WaitDuration time.Duration `mapstructure:"wait_duration"`

	// EvidenceTTL is how long the evidence summaries of a trace are remembered
	// after the trace was last seen.
	EvidenceTTL time.Duration `mapstructure:"evidence_ttl"`

	// MaxTraces bounds the number of traces whose evidence is remembered at
	// once; the least recently seen trace is forgotten first.
	MaxTraces int `mapstructure:"max_traces"`

	// MaxHeldSpans bounds the number of target spans held at once; beyond it
	// the oldest held span is diagnosed now and released.
	MaxHeldSpans int `mapstructure:"max_held_spans"`

	// MaxHeldMiB bounds the memory of the held spans, in MiB; beyond it the
	// oldest held span is diagnosed now and released.
	MaxHeldMiB int `mapstructure:"max_held_mib"`

	// MaxEvidenceMiB bounds the memory of the remembered evidence, in MiB;
	// beyond it the least recently seen trace is forgotten (its held spans
	// diagnosed now and released).
	MaxEvidenceMiB int `mapstructure:"max_evidence_mib"`

	// AttributePrefix is prepended to every attribute this processor writes.
	AttributePrefix string `mapstructure:"attribute_prefix"`

	// Overwrite replaces diagnosis attributes that already exist on a span
	// (e.g. written by an earlier collector tier). By default they are kept.
	Overwrite bool `mapstructure:"overwrite"`

	// RunbookURLTemplate, when set, is written as <prefix>runbook.url with the
	// placeholders {category}, {cause}, {service} and {fingerprint} filled in.
	RunbookURLTemplate string `mapstructure:"runbook_url_template"`

	// Attributes switches off groups of the attributes written, to make
	// every diagnosed span smaller.
	Attributes contract.Attributes `mapstructure:"attributes"`

	// Redaction controls how evidence text is cleaned before it is written.
	Redaction RedactionConfig `mapstructure:"redaction"`

	// Rules are user rules: OTTL conditions evaluated on the target span and on
	// the error spans of its trace. They run before the built-in tables and win.
	Rules []RuleConfig `mapstructure:"rules"`

	// Registry bounds the fingerprint registry: the error groups remembered
	// for diagnosis.first_seen, diagnosis.regression and diagnosis.occurrences.
	Registry RegistryConfig `mapstructure:"registry"`

	// Storage names a storage extension (e.g. file_storage) that keeps the
	// registry across restarts and the held spans until they are delivered;
	// nil keeps them in memory only.
	Storage *component.ID `mapstructure:"storage"`

	// Metrics configures the readings of a metrics pipeline of the same
	// component ID (metricsconfig.go).
	Metrics MetricsConfig `mapstructure:"metrics"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RegistryConfig bounds the fingerprint registry.
type RegistryConfig struct {
	// MaxEntries is the number of error groups remembered; the least
	// recently seen is forgotten first.
	MaxEntries int `mapstructure:"max_entries"`
	// MaxAge forgets a group not seen for that long.
	MaxAge time.Duration `mapstructure:"max_age"`
	// MaxServices is the number of services (service.name and
	// deployment.environment.name) whose versions are remembered.
	MaxServices int `mapstructure:"max_services"`
	// MaxVersionsPerService is the number of versions remembered per
	// service, the earliest forgotten first.
	MaxVersionsPerService int `mapstructure:"max_versions_per_service"`
	// FlushInterval is how often a changed registry is written to Storage,
	// and groups not seen for MaxAge are forgotten.
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// ResolveAfterRequests is the number of requests (server spans) a
	// version newer than every version a group was seen in serves without
	// the group before the group is resolved in that version.
	ResolveAfterRequests int64 `mapstructure:"resolve_after_requests"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RedactionConfig controls the redaction of evidence text.
type RedactionConfig struct {
	// MaxLength caps every string attribute written, in characters.
	MaxLength int `mapstructure:"max_length"`
	// ExtraPatterns are additional regular expressions (RE2 syntax) whose
	// matches are masked, on top of the built-in secret patterns.
	ExtraPatterns []string `mapstructure:"extra_patterns"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RuleConfig is one user rule.
type RuleConfig struct {
	// Name identifies the rule; written as <prefix>rule = "user.<name>".
	Name string `mapstructure:"name"`
	// Condition is an OTTL boolean condition in the span context, e.g.
	// `attributes["error.type"] == "PaymentDeclined"`.
	Condition string `mapstructure:"condition"`
	// Category is one of the built-in categories.
	Category string `mapstructure:"category"`
	// Cause is the finer cause, snake_case.
	Cause string `mapstructure:"cause"`
	// Fix overrides the category's usual fix.
	Fix string `mapstructure:"fix"`
	// FixEffort overrides the category's usual fix effort: easy, medium or hard.
	FixEffort string `mapstructure:"fix_effort"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ confmap.Validator = (*Config)(nil)

var (
	ruleNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)
	causePattern    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	placeholderRe   = regexp.MustCompile(`\{[^{}]*\}`)
	placeholders    = map[string]bool{"{category}": true, "{cause}": true, "{service}": true, "{fingerprint}": true}
)

const (
	minRedactionLength = 16
	maxRedactionLength = 4096
	// maxBudgetMiB (1 TiB) keeps a budget in bytes within an int everywhere.
	maxBudgetMiB = 1 << 20
)

// Validate checks the configuration; every error names the field and the fix.
func (cfg *Config) Validate() error {
	var errs []error
	if len(cfg.StatusCodes) == 0 {
		errs = append(errs, errors.New("status_codes: must list at least one HTTP status, e.g. [500]"))
	}
	seen := map[int]bool{}
	for _, c := range cfg.StatusCodes {
		if c < 100 || c > 599 {
			errs = append(errs, fmt.Errorf("status_codes: %d is not an HTTP status; use values between 100 and 599, e.g. [500]", c))
		}
		if seen[c] {
			errs = append(errs, fmt.Errorf("status_codes: %d is listed twice; list each status once", c))
		}
		seen[c] = true
	}
	if len(cfg.SpanKinds) == 0 {
		errs = append(errs, errors.New("span_kinds: must list at least one span kind, e.g. [server]"))
	}
	for _, k := range cfg.SpanKinds {
		if _, ok := evidence.SpanKindNamed(k); !ok {
			errs = append(errs, fmt.Errorf("span_kinds: %q is not a span kind; use one of %s", k, strings.Join(evidence.SpanKindNames, ", ")))
		}
	}
	if cfg.WaitDuration < 0 {
		errs = append(errs, fmt.Errorf("wait_duration: %v is negative; use 0 to diagnose per batch only, or a positive duration such as 5s", cfg.WaitDuration))
	}
	if cfg.EvidenceTTL <= 0 {
		errs = append(errs, fmt.Errorf("evidence_ttl: %v must be positive, e.g. 30s", cfg.EvidenceTTL))
	} else if cfg.WaitDuration > 0 && cfg.EvidenceTTL < cfg.WaitDuration {
		errs = append(errs, fmt.Errorf("evidence_ttl: %v is shorter than wait_duration %v; evidence would expire while a span waits for it: set evidence_ttl to at least wait_duration", cfg.EvidenceTTL, cfg.WaitDuration))
	}
	if cfg.MaxTraces <= 0 {
		errs = append(errs, fmt.Errorf("max_traces: %d must be positive, e.g. 100000", cfg.MaxTraces))
	}
	if cfg.MaxHeldSpans <= 0 {
		errs = append(errs, fmt.Errorf("max_held_spans: %d must be positive, e.g. 10000", cfg.MaxHeldSpans))
	}
	if cfg.MaxHeldMiB <= 0 || cfg.MaxHeldMiB > maxBudgetMiB {
		errs = append(errs, fmt.Errorf("max_held_mib: %d is out of range; use a size in MiB between 1 and %d (default %d)", cfg.MaxHeldMiB, maxBudgetMiB, defaultMaxHeldMiB))
	}
	if cfg.MaxEvidenceMiB <= 0 || cfg.MaxEvidenceMiB > maxBudgetMiB {
		errs = append(errs, fmt.Errorf("max_evidence_mib: %d is out of range; use a size in MiB between 1 and %d (default %d)", cfg.MaxEvidenceMiB, maxBudgetMiB, defaultMaxEvidenceMiB))
	}
	if !contract.ValidPrefix(cfg.AttributePrefix) {
		errs = append(errs, fmt.Errorf("attribute_prefix: %q must be a non-empty attribute name prefix of letters, digits, '_', '-' and '.', e.g. \"diagnosis.\"", cfg.AttributePrefix))
	}
	for _, p := range placeholderRe.FindAllString(cfg.RunbookURLTemplate, -1) {
		if !placeholders[p] {
			errs = append(errs, fmt.Errorf("runbook_url_template: unknown placeholder %s; use {category}, {cause}, {service} or {fingerprint}", p))
		}
	}
	if cfg.Redaction.MaxLength < minRedactionLength || cfg.Redaction.MaxLength > maxRedactionLength {
		errs = append(errs, fmt.Errorf("redaction.max_length: %d is out of range; use a value between %d and %d (default %d)", cfg.Redaction.MaxLength, minRedactionLength, maxRedactionLength, contract.DefaultMaxLength))
	}
	syntaxOK := true
	for i, p := range cfg.Redaction.ExtraPatterns {
		if _, err := regexp.Compile(p); err != nil {
			errs = append(errs, fmt.Errorf("redaction.extra_patterns[%d]: %q is not a valid regular expression (RE2 syntax): %w", i, p, err))
			syntaxOK = false
		}
	}
	if _, err := newRedactor(cfg.Redaction); err != nil && syntaxOK {
		errs = append(errs, err) // what else the redactor refuses, e.g. a pattern matching the empty string
	}
	errs = append(errs, cfg.validateRules()...)
	errs = append(errs, cfg.Registry.validate()...)
	errs = append(errs, cfg.Metrics.validate()...)
	return errors.Join(errs...)
}

// maxResolveAfterRequests keeps a version's request count, which may
// overshoot the threshold by one batch, far from overflowing.
const maxResolveAfterRequests = 1 << 40

func (r RegistryConfig) validate() []error {
	var errs []error
	if r.MaxEntries <= 0 {
		errs = append(errs, fmt.Errorf("registry.max_entries: %d must be positive, e.g. 10000", r.MaxEntries))
	}
	if r.MaxAge <= 0 {
		errs = append(errs, fmt.Errorf("registry.max_age: %v must be positive, e.g. 720h (30 days)", r.MaxAge))
	}
	if r.MaxServices <= 0 {
		errs = append(errs, fmt.Errorf("registry.max_services: %d must be positive, e.g. 1000", r.MaxServices))
	}
	if r.MaxVersionsPerService < 2 {
		errs = append(errs, fmt.Errorf("registry.max_versions_per_service: %d must be at least 2, or no version could come after another; e.g. 16", r.MaxVersionsPerService))
	}
	if r.FlushInterval < time.Second {
		errs = append(errs, fmt.Errorf("registry.flush_interval: %v is too short; use 1s or more, e.g. 10s", r.FlushInterval))
	}
	if r.ResolveAfterRequests < 1 || r.ResolveAfterRequests > maxResolveAfterRequests {
		errs = append(errs, fmt.Errorf("registry.resolve_after_requests: %d is out of range; use a number of requests between 1 and %d, e.g. 1000", r.ResolveAfterRequests, int64(maxResolveAfterRequests)))
	}
	return errs
}

// newRedactor builds the redactor of the configuration. Validate and
// start-up both call it, so that they cannot disagree.
func newRedactor(cfg RedactionConfig) (*redact.Redactor, error) {
	red, err := redact.New(cfg.ExtraPatterns, cfg.MaxLength)
	if err != nil {
		return nil, fmt.Errorf("redaction.extra_patterns: %w; use RE2 regular expressions that match only the text to mask", err)
	}
	return red, nil
}

func (cfg *Config) validateRules() []error {
	var errs []error
	names := map[string]bool{}
	for i, r := range cfg.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.Name == "":
			errs = append(errs, fmt.Errorf("%s.name: must be set; the rule is reported as diagnosis.rule = \"user.<name>\"", field))
		case names[r.Name]:
			errs = append(errs, fmt.Errorf("%s.name: %q is used by another rule; rule names must be unique", field, r.Name))
		case !ruleNamePattern.MatchString(r.Name):
			errs = append(errs, fmt.Errorf("%s.name: %q must contain only letters, digits, '_', '-' and '.'", field, r.Name))
		}
		names[r.Name] = true
		if strings.TrimSpace(r.Condition) == "" {
			errs = append(errs, fmt.Errorf("%s.condition: must be an OTTL condition on the span, e.g. 'attributes[\"error.type\"] == \"PaymentDeclined\"'", field))
		} else if _, err := newRuleConditions([]RuleConfig{r}, component.TelemetrySettings{}); err != nil {
			errs = append(errs, fmt.Errorf("%s.condition: %w", field, err))
		}
		if _, ok := diagnosis.Categories[diagnosis.Category(r.Category)]; !ok {
			errs = append(errs, fmt.Errorf("%s.category: %q is not a category; use one of %s", field, r.Category, categoryList()))
		}
		if !causePattern.MatchString(r.Cause) {
			errs = append(errs, fmt.Errorf("%s.cause: %q must be a snake_case cause name, e.g. \"payment_declined\"", field, r.Cause))
		}
		if !cfg.Attributes.CauseTexts && (r.Fix != "" || r.FixEffort != "") {
			errs = append(errs, fmt.Errorf("%s.fix: a rule's fix and fix_effort are not written with attributes.cause_texts: false; remove them or set cause_texts: true", field))
		}
		switch r.FixEffort {
		case "", diagnosis.EffortEasy, diagnosis.EffortMedium, diagnosis.EffortHard:
		default:
			errs = append(errs, fmt.Errorf("%s.fix_effort: %q must be easy, medium or hard", field, r.FixEffort))
		}
	}
	return errs
}

// categoryList names the categories of diagnosis.Categories, sorted.
func categoryList() string {
	names := make([]string, 0, len(diagnosis.Categories))
	for c := range diagnosis.Categories {
		names = append(names, string(c))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
