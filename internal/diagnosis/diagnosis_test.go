package diagnosis

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCategories: every category of the taxonomy (docs/design.md §3) has
// a fix and an effort of easy, medium or hard, and a likelihood of high,
// medium or low but for unknown, which has none.
func TestCategories(t *testing.T) {
	all := []Category{ApplicationException, DatabaseConnection, DatabaseTimeout, DatabaseQuery, DependencyFailure,
		ResourceExhaustion, ConfigurationError, Security, Unknown}
	assert.Len(t, Categories, len(all))
	for _, c := range all {
		info, ok := Categories[c]
		if !assert.True(t, ok, c) {
			continue
		}
		assert.NotEmpty(t, info.Fix, c)
		assert.Contains(t, []string{EffortEasy, EffortMedium, EffortHard}, info.Effort, c)
		if c == Unknown {
			assert.Empty(t, info.Likelihood)
		} else {
			assert.Contains(t, []string{"high", "medium", "low"}, info.Likelihood, c)
		}
	}
}

// TestStrengthOrder: a structured code beats a type, which beats a
// pattern, an error.type and a bare status; a user rule beats them all.
func TestStrengthOrder(t *testing.T) {
	order := []Strength{StrengthNone, StrengthStatus, StrengthErrorType, StrengthPattern, StrengthType, StrengthCode, StrengthUser}
	for i := 1; i < len(order); i++ {
		assert.Less(t, order[i-1], order[i])
	}
}
