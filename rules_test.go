package errordiagnosisprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// declined and flagged are two user rules; a span may match both.
var (
	declined = RuleConfig{Name: "declined", Condition: `attributes["error.type"] == "PaymentDeclined"`, Category: "dependency_failure", Cause: "payment_declined", Fix: "call the bank"}
	flagged  = RuleConfig{Name: "flagged", Condition: `attributes["feature"] != nil`, Category: "configuration_error", Cause: "feature_flag"}
	// broken's condition fails on evaluation (a string is not a number).
	broken = RuleConfig{Name: "broken", Condition: `Int(attributes["error.type"]) > 0`, Category: "security", Cause: "suspected_abuse"}
)

// spanWith is a server span with attrs, in its resource and scope.
func spanWith(attrs map[string]any) (ptrace.ResourceSpans, ptrace.ScopeSpans, ptrace.Span) {
	rs := ptrace.NewResourceSpans()
	ss := rs.ScopeSpans().AppendEmpty()
	sp := ss.Spans().AppendEmpty()
	sp.SetKind(ptrace.SpanKindServer)
	_ = sp.Attributes().FromRaw(attrs)
	return rs, ss, sp
}

// TestUserRulesMatch: the first rule whose condition holds wins; a
// condition that fails to evaluate is no match; no rules, no match.
func TestUserRulesMatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rules []RuleConfig
		attrs map[string]any
		want  diagnosis.UserRule
	}{
		{"none configured", nil, map[string]any{"error.type": "PaymentDeclined"}, diagnosis.NoUserRule},
		{"the one that holds", []RuleConfig{declined, flagged}, map[string]any{"feature": "x"}, 2},
		{"first of two that hold", []RuleConfig{declined, flagged}, map[string]any{"error.type": "PaymentDeclined", "feature": "x"}, 1},
		{"none holds", []RuleConfig{declined, flagged}, map[string]any{"error.type": "Timeout"}, diagnosis.NoUserRule},
		{"an evaluation error is no match", []RuleConfig{broken, declined}, map[string]any{"error.type": "PaymentDeclined"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ur, err := newRuleConditions(tc.rules, componenttest.NewNopTelemetrySettings())
			require.NoError(t, err)
			rs, ss, sp := spanWith(tc.attrs)
			assert.Equal(t, tc.want, ur.Match(context.Background(), rs, ss, sp))
		})
	}
}

// TestUserRulesMatchOf: what a rule decides beats every table row and
// names the rule; its configuration is the annotation's; a rule the set
// does not have decides nothing.
func TestUserRulesMatchOf(t *testing.T) {
	ur, err := newRuleConditions([]RuleConfig{declined, flagged}, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	m, ok := ur.MatchOf(1)
	require.True(t, ok)
	assert.Equal(t, diagnosis.Match{Category: diagnosis.DependencyFailure, Cause: "payment_declined", Rule: "user.declined", Strength: diagnosis.StrengthUser, UserRule: 1}, m)
	assert.Equal(t, "call the bank", ur.config(1).Fix)
	m, ok = ur.MatchOf(2)
	require.True(t, ok)
	assert.Equal(t, "user.flagged", m.Rule)
	for _, r := range []diagnosis.UserRule{diagnosis.NoUserRule, 3} {
		_, has := ur.MatchOf(r)
		assert.False(t, has, "rule %d", r)
		assert.Nil(t, ur.config(r))
	}
	var none *userRules
	_, ok = none.MatchOf(1)
	assert.False(t, ok, "no rule set")
	assert.Equal(t, diagnosis.NoUserRule, none.Match(context.Background(), ptrace.NewResourceSpans(), ptrace.NewScopeSpans(), ptrace.NewSpan()))
}

// TestUserRulesRefuseBadConditions: a condition OTTL cannot parse is an
// error at construction.
func TestUserRulesRefuseBadConditions(t *testing.T) {
	bad := declined
	bad.Condition = `attributes["error.type"] ==`
	_, err := newRuleConditions([]RuleConfig{bad}, componenttest.NewNopTelemetrySettings())
	assert.Error(t, err)
}
