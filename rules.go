package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/contexts/ottlspan"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/ottlfuncs"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// userRule is a compiled RuleConfig.
type userRule struct {
	cfg       RuleConfig
	condition *ottl.Condition[*ottlspan.TransformContext]
	// match is what the rule decides (MatchOf).
	match diagnosis.Match
}

// userRules evaluates the configured OTTL rules, first match wins.
type userRules struct {
	rules  []userRule
	logger *zap.Logger
}

func newRuleConditions(cfgs []RuleConfig, set component.TelemetrySettings) (*userRules, error) {
	if set.Logger == nil {
		set.Logger = zap.NewNop()
	}
	ur := &userRules{logger: set.Logger}
	if len(cfgs) == 0 {
		return ur, nil
	}
	parser, err := ottlspan.NewParser(ottlfuncs.StandardConverters[*ottlspan.TransformContext](), set)
	if err != nil {
		return nil, err
	}
	for _, c := range cfgs {
		cond, err := parser.ParseCondition(c.Condition)
		if err != nil {
			return nil, err
		}
		ur.rules = append(ur.rules, userRule{cfg: c, condition: cond, match: diagnosis.Match{
			Category: diagnosis.Category(c.Category),
			Cause:    c.Cause,
			Rule:     "user." + c.Name,
			Strength: diagnosis.StrengthUser,
			UserRule: diagnosis.UserRule(len(ur.rules) + 1),
		}})
	}
	return ur, nil
}

// Match returns the first rule whose condition is true for the span,
// NoUserRule when none is. An evaluation error counts as no match: a rule
// must never stop a span from passing.
func (ur *userRules) Match(ctx context.Context, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span) diagnosis.UserRule {
	if ur == nil || len(ur.rules) == 0 {
		return diagnosis.NoUserRule
	}
	tCtx := ottlspan.NewTransformContext(rs, ss, span)
	defer tCtx.Close()
	for i := range ur.rules {
		ok, err := ur.rules[i].condition.Eval(ctx, tCtx)
		if err != nil {
			ur.logger.Debug("user rule condition failed", zap.String("rule", ur.rules[i].cfg.Name), zap.Error(err))
			continue
		}
		if ok {
			return diagnosis.UserRule(i + 1)
		}
	}
	return diagnosis.NoUserRule
}

// config returns the configuration of a rule, nil for NoUserRule or a rule
// this set does not have.
func (ur *userRules) config(r diagnosis.UserRule) *RuleConfig {
	if ur == nil || r == diagnosis.NoUserRule || int(r) > len(ur.rules) {
		return nil
	}
	return &ur.rules[r-1].cfg
}

// MatchOf is the Match a rule decides: it beats every built-in row
// (StrengthUser), is written as diagnosis.rule "user.<name>" and carries
// the rule, whose fix the annotation reads; ok is false when this set has
// no such rule.
func (ur *userRules) MatchOf(r diagnosis.UserRule) (m diagnosis.Match, ok bool) {
	if ur == nil || r == diagnosis.NoUserRule || int(r) > len(ur.rules) {
		return diagnosis.Match{}, false
	}
	return ur.rules[r-1].match, true
}
