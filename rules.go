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
		ur.rules = append(ur.rules, userRule{cfg: c, condition: cond})
	}
	return ur, nil
}

// match returns the 1-based index of the first rule whose condition is true
// for the span, 0 when none is. An evaluation error counts as no match: a
// rule must never stop a span from passing.
func (ur *userRules) match(ctx context.Context, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span) int {
	if ur == nil || len(ur.rules) == 0 {
		return 0
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
			return i + 1
		}
	}
	return 0
}

// matchOf turns a 1-based rule index into the Match it decides.
func (ur *userRules) matchOf(idx int) diagnosis.Match {
	r := ur.rules[idx-1].cfg
	return diagnosis.Match{
		Category: diagnosis.Category(r.Category),
		Cause:    r.Cause,
		Rule:     "user." + r.Name,
		Strength: diagnosis.StrengthUser,
	}
}

// byRuleName returns the configuration of the user rule named by a
// diagnosis.rule value ("user.<name>"), or nil.
func (ur *userRules) byRuleName(rule string) *RuleConfig {
	if ur == nil {
		return nil
	}
	for i := range ur.rules {
		if "user."+ur.rules[i].cfg.Name == rule {
			return &ur.rules[i].cfg
		}
	}
	return nil
}
